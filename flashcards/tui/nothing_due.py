"""What the review says when nothing is left to study now: why, and what comes next.

When the day's queue is empty (and the collection has decks), the review screen
shows this instead of a card: when the next review is due, or that today's review
limit is reached; how many new cards wait for another day; that every card is
suspended or retired, when none is scheduled or new; and the keys that lead on.
Plain text: no Textual here (the screen shows it, `flashcards.tui.screens.review`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.collection import Collection, DeckSummary


def nothing_due_text(
    col: Collection, deck: str | None, summaries: list[DeckSummary], now: datetime | None
) -> str:
    """The page for `deck` (None: all decks), from the deck list's `summaries` at `now`."""
    waiting_new = sum(d.new for d in summaries if deck in (None, d.name))
    which = f"in {deck}" if deck else "in any deck"
    lines = [f"Nothing due {which} right now."]
    nxt = col.next_due(deck)
    if nxt is not None:
        days = (nxt - col.today(now)).days
        if days <= 0:
            lines.append("More reviews are due, but today's review limit is reached.")
        else:
            soon = "tomorrow" if days == 1 else f"in {days} days"
            lines.append(f"The next review is due {soon}, {nxt:%a} {nxt.day} {nxt:%b %Y}.")
    if waiting_new:
        lines.append(
            f"{waiting_new} new {'card waits' if waiting_new == 1 else 'cards wait'} for "
            "another day (today's new-card limit, or a sibling studied today)."
        )
    if nxt is None and not waiting_new:
        lines.append("Every card is suspended or retired.")
    lines.append(
        "Press c for custom study (study ahead, today's failed cards, more new cards, "
        "cram), / to browse your cards, Esc to go back to your decks."
    )
    return "\n\n".join(lines)
