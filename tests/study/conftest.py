"""Fixtures for the study tests: small real notes files built into the shared `col`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from helpers import Notes

from flashcards import Collection
from flashcards.decks import DeckSettings, DeckSpec

# One block per line; the Beta block has two deletions, so its cards are siblings.
NOTES = """\
- Alpha is **a1**.
- Beta has **b1** and **b2**.
- Gamma is **c1**.
- Delta is **d1**.
- Epsilon is **e1**.
"""

# The study tests' own timeline, not helpers.NOW: they spell out dates that follow from it
# (cards buried until "2025-03-04", rollovers on 2025-03-05). A Monday, noon UTC: mid study day.
START = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    """A moment `days` study days (and hours, minutes) after START."""
    return START + timedelta(days=days, hours=hours, minutes=minutes)


@pytest.fixture
def deck(col: Collection, notes: Notes) -> Callable[..., dict[str, int]]:
    """Build a deck from notes text; returns {answer: card id}. The junk rules are off:
    these tests pin scheduling, with short placeholder answers (`a1`, `m7`)."""

    def build(name: str = "Deck", text: str = NOTES, **settings: int) -> dict[str, int]:
        path = notes.write(f"{name}.md", text)
        col.build(
            DeckSpec(name=name, notes=[path], settings=DeckSettings(**settings), junk=frozenset())
        )
        return {c.answers[0]: c.id for c in col.cards(name)}

    return build


def states(col: Collection) -> dict[int, tuple]:
    """Every card's stored state row (repetitions, ef, interval, due, lapses, last day, drill)."""
    import sqlite3

    conn = sqlite3.connect(col.path)
    try:
        return {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                "SELECT card_id, repetitions, ef, interval, due, lapses, last_day, drill "
                "FROM card_state"
            )
        }
    finally:
        conn.close()
