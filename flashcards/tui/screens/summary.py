"""The end of a session: how many cards, how long, how well, and what comes tomorrow.

Enter goes back to the decks and `u` back to the review, each a message to the app
(flashcards.tui.messages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from flashcards import sm2
from flashcards.display import visible
from flashcards.tui.messages import HelpRequested, HomeRequested, ResumeRequested
from flashcards.tui.screens.base import AppScreen
from flashcards.tui.widgets.keys import Keys
from flashcards.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from flashcards.collection import Collection
    from flashcards.tui.session import Session


@dataclass
class SessionSummary:
    deck: str | None
    studied: int  # distinct cards answered
    answers: int  # answers given, drills included
    seconds: float
    first_answers: int
    correct: int  # first answers with q >= 3
    due_tomorrow: int
    left_today: int
    next_due: date | None

    @property
    def share_correct(self) -> float | None:
        return self.correct / self.first_answers if self.first_answers else None


def summarize(
    col: Collection, deck: str | None, session: Session, now: datetime | None, ended: float
) -> SessionSummary:
    """The figures of a finished session; `ended` is the clock reading at its end."""
    firsts = session.first_answers()
    today = col.today(now)
    return SessionSummary(
        deck=deck,
        studied=session.studied,
        answers=len(session.answers),
        seconds=ended - session.started if session.started is not None else 0.0,
        first_answers=len(firsts),
        correct=sum(1 for q in firsts if q >= sm2.PASS),
        due_tomorrow=col.due_by(today + timedelta(days=1), deck),
        left_today=col.counts(deck, now).total,
        next_due=col.next_due(deck),
    )


def cards(n: int) -> str:
    return f"{n} card" if n == 1 else f"{n} cards"


def minutes(seconds: float) -> str:
    """'4 min 05 s', '45 s', '1 h 02 min'."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def summary_text(summary: SessionSummary) -> Content:
    """The figures as label/value lines (plain text: deck names are data)."""
    share = summary.share_correct
    per_card = summary.seconds / summary.answers if summary.answers else 0
    rows = [
        (
            "Cards studied",
            f"{summary.studied}"
            + (
                f" ({summary.answers} answers with drills)"
                if summary.answers > summary.studied
                else ""
            ),
        ),
        (
            "Time",
            f"{minutes(summary.seconds)}"
            + (f", {per_card:.1f} s per answer" if summary.answers else ""),
        ),
        (
            "Correct",
            "—"
            if share is None
            else (
                f"{share:.0%} ({summary.correct} of {summary.first_answers} first answers "
                f"were Hard or better)"
            ),
        ),
        ("Due tomorrow", cards(summary.due_tomorrow)),
    ]
    if summary.left_today:
        rows.append(("Left today", f"{cards(summary.left_today)} — Enter, then study on"))
    parts: list[str | tuple[str, str]] = []
    for label, value in rows:
        parts.append((f"{label:<14}", "bold"))
        parts.append(value + "\n")
    return Content.assemble(*parts)


class SummaryScreen(AppScreen):
    """Shown when the queue runs out or the session is ended with Esc."""

    # this screen's own rules, loaded when it first shows (app.tcss has the shared ones)
    CSS = """
    #summary-box {
        padding: 1 4;
        height: auto;
    }
    #summary-title {
        text-style: bold;
        color: $text-accent;
        margin-bottom: 1;
    }
    """

    BINDINGS = [
        Binding("enter,space", "home", "Decks"),
        Binding("escape,q", "home", "Back", key_display="esc"),
        Binding("u", "undo", "Undo last"),
        Binding("question_mark", "help", "Keys", key_display="?"),
    ]

    def __init__(
        self, col: Collection, summary: SessionSummary, session: Session | None = None
    ) -> None:
        """`col` is asked whether there is an answer to undo."""
        super().__init__()
        self.col = col
        self.summary = summary
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="▦")
        with Vertical(id="summary-box"):
            done = self.summary.left_today == 0
            title = "Done for today" if done else "Session ended"
            if self.summary.deck:
                title += f" — {self.summary.deck}"
            yield Static(Content(visible(title)), id="summary-title", markup=False)
            yield Static(summary_text(self.summary), id="summary-body", markup=False)
        yield Keys()

    def on_mount(self) -> None:
        self.sub_title = "session summary"

    def action_home(self) -> None:
        self.request(HomeRequested())

    def action_undo(self) -> None:
        """The last answer was a slip: back to the review with it taken back."""
        if not self.col.can_undo:
            self.notify("Nothing to undo.")
            return
        self.request(ResumeRequested(self.summary.deck, self.session))

    def action_help(self) -> None:
        self.request(HelpRequested())
