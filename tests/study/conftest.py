"""Fixtures for the study tests: small real notes files built into a fresh collection."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

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

START = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # a Monday, noon UTC: mid study day


def at(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    """A moment `days` study days (and hours, minutes) after START."""
    return START + timedelta(days=days, hours=hours, minutes=minutes)


@pytest.fixture
def write_notes(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, text: str) -> Path:
        path = tmp_path / "notes" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def col(tmp_path: Path) -> Iterator[Collection]:
    with Collection.open(tmp_path / "collection.sqlite", timezone="UTC") as collection:
        yield collection


@pytest.fixture
def deck(col: Collection, write_notes) -> Callable[..., dict[str, int]]:
    """Build a deck from notes text; returns {answer: card id}."""

    def build(name: str = "Deck", text: str = NOTES, **settings: int) -> dict[str, int]:
        path = write_notes(f"{name}.md", text)
        col.build(DeckSpec(name=name, notes=[path], settings=DeckSettings(**settings)))
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
