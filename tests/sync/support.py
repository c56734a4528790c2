"""Simulated devices for the sync tests: one collection each, built from the same notes."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from helpers import NOW

from flashcards import Collection

NOTES = "\n".join(f"- Fact number {i} is **answer{i}** here" for i in range(6)) + "\n"


def make_device(root: Path, name: str, notes: Path) -> Collection:
    col = Collection.open(root / f"{name}.sqlite", timezone="UTC")
    col.build(notes)
    return col


def study(col: Collection, day: int, grades: list[int], minute: int) -> None:
    """Answer up to len(grades) cards on day `day` after NOW, a minute apart from `minute`."""
    for i, q in enumerate(grades):
        now = NOW + timedelta(days=day, minutes=minute + i)
        card = col.next_card(now=now)
        if card is None:
            return
        col.answer(card.id, q, now=now)


def when(day: int, minute: int) -> datetime:
    return NOW + timedelta(days=day, minutes=minute)


def states(col: Collection) -> list[tuple]:
    """Every card's state, keyed by what is the same on every device (deck, content hash)."""
    conn = sqlite3.connect(f"file:{col.path}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT d.name, c.content_hash, s.repetitions, s.ef, s.interval, s.due, s.lapses, "
            "s.last_day, s.drill FROM card_state s JOIN cards c ON c.id = s.card_id "
            "JOIN decks d ON d.id = c.deck_id ORDER BY d.name, c.content_hash"
        ).fetchall()
    finally:
        conn.close()


def history(col: Collection) -> list[tuple]:
    """Every review by its global name and content."""
    conn = sqlite3.connect(f"file:{col.path}?mode=ro", uri=True)
    try:
        me = conn.execute("SELECT value FROM config WHERE key = 'device_id'").fetchone()[0]
        return conn.execute(
            "SELECT COALESCE(r.device, ?), c.content_hash, r.time_ms, r.day, r.q, r.kind "
            "FROM reviews r JOIN cards c ON c.id = r.card_id ORDER BY 1, 2, 3",
            (me,),
        ).fetchall()
    finally:
        conn.close()
