"""Finding cards: the browser's search words, card states and sort orders, as plain data.

A search is words, as typed: every word must match somewhere in a card — its
text, its answers, its deck's name, its tags or its source file — and a word
that names a state (`suspended`, `leech`...) also matches the cards in that
state. `is:STATE`, `deck:NAME` and `tag:NAME` narrow the search to exactly
that. Retired cards are left out unless the search asks for them.

The states a card can be in (several at once, e.g. new and suspended):

- new — never reviewed;
- due — active, due for review today or overdue (not suspended or buried);
- learning — reviewed, but its last scheduled answer was a failure (SM-2 starts it
  again at 1 day), or it is to come back today as a drill;
- suspended, buried (until a later study day), retired (gone from the notes, or
  its deck retired), and leech (forgotten LEECH_LAPSES times or more).

The SQL lives in `flashcards.store.browse`; this module only says what is asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

STATES = ("new", "due", "learning", "suspended", "buried", "leech", "retired")
SORTS = ("card", "due", "interval", "ease", "lapses", "last")  # card: deck and outline order
SORT_LABELS = {
    "card": "deck and outline order",
    "due": "due date",
    "interval": "interval",
    "ease": "ease",
    "lapses": "lapses",
    "last": "last review",
}
PAGE = 200  # rows a search returns at most; the count says how many match in all
COUNT_CAP = 10_000  # matches counted at most ("10000+")


class SearchError(ValueError):
    """A search the user typed that names something unknown (a state, a sort)."""


@dataclass(frozen=True)
class Search:
    """What to look for: see the module's docstring."""

    words: tuple[str, ...] = ()
    states: frozenset[str] = frozenset()  # any of them (is:STATE, --state)
    decks: tuple[str, ...] = ()  # any of them, by exact name (case-insensitive)
    tags: tuple[str, ...] = ()  # all of them
    sort: str = "card"
    descending: bool = False

    @property
    def with_retired(self) -> bool:
        return "retired" in self.states or "retired" in (w.lower() for w in self.words)


def parse_search(
    text: str,
    *,
    states: tuple[str, ...] = (),
    decks: tuple[str, ...] = (),
    sort: str = "card",
    descending: bool = False,
) -> Search:
    """The search the words of `text` ask for, with the given states, decks and order."""
    if sort not in SORTS:
        raise SearchError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    words: list[str] = []
    wanted = set()
    for state in states:
        wanted.add(_state(state))
    deck_names = list(decks)
    tags: list[str] = []
    for word in text.split():
        key, sep, value = word.partition(":")
        key = key.lower()
        if sep and value and key == "is":
            wanted.add(_state(value))
        elif sep and value and key == "deck":
            deck_names.append(value)
        elif sep and value and key == "tag":
            tags.append(value.lstrip("#"))
        else:
            words.append(word)
    return Search(tuple(words), frozenset(wanted), tuple(deck_names), tuple(tags), sort, descending)


def _state(name: str) -> str:
    state = name.lower()
    if state not in STATES:
        raise SearchError(f"unknown card state {name!r}; use one of {', '.join(STATES)}")
    return state


@dataclass(frozen=True)
class FoundCard:
    """A card as the browser lists it: a row of the table."""

    id: int
    deck: str
    source: str
    line: int
    text: str  # the card's front (its gap shown as such), as one line
    answers: tuple[str, ...]
    tags: tuple[str, ...]
    states: tuple[str, ...]  # in STATES order
    due: date | None
    interval: int
    ease: float
    lapses: int
    repetitions: int
    last_review: date | None
    reviews: int

    @property
    def status(self) -> str:
        """The one word a table column shows: the state that matters most."""
        for state in ("retired", "suspended", "buried", "leech", "learning", "due", "new"):
            if state in self.states:
                return state
        return "review"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "deck": self.deck,
            "source": self.source,
            "line": self.line,
            "text": self.text,
            "answers": list(self.answers),
            "tags": list(self.tags),
            "states": list(self.states),
            "due": self.due.isoformat() if self.due else None,
            "interval": self.interval,
            "ease": self.ease,
            "lapses": self.lapses,
            "repetitions": self.repetitions,
            "last_review": self.last_review.isoformat() if self.last_review else None,
            "reviews": self.reviews,
        }


@dataclass(frozen=True)
class Found:
    """A page of matches and how many match in all (at most COUNT_CAP counted)."""

    cards: list[FoundCard] = field(default_factory=list)
    total: int = 0

    @property
    def total_text(self) -> str:
        return f"{COUNT_CAP}+" if self.total >= COUNT_CAP else str(self.total)


@dataclass(frozen=True)
class PastReview:
    """One review of a card, for its history."""

    time_ms: int
    day: date
    q: int
    kind: str  # review, drill, cram, ahead
    duration_ms: int | None
    interval_before: int
    interval_after: int
    ease_after: float
    due_after: date | None
