"""Answers imported in bulk: the states, the review summaries and the stats they feed are
exactly what answering them one by one gives (doctor's view), whatever order they come in."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from anki_package import DAY_MS, colpkg
from helpers import NOW

from .support import open_collection

DECK = (
    "- The **mitochondria** is the powerhouse of the cell.\n"
    "- Paris is the capital of **France**.\n"
    "- Water boils at **one hundred** degrees.\n"
    "- The **heart** pumps blood.\n"
)


def test_bulk_answers_keep_states_and_summaries_true(tmp_path, notes, db_path):
    notes.write("deck.md", DECK)
    with open_collection(db_path) as col:
        col.build(notes.root)
        cards = col.cards()
        col.answer(cards[0].id, 4, now=NOW)  # a local history first
        start = int((NOW + timedelta(days=1)).timestamp() * 1000)
        answers = []
        for i, card in enumerate(cards):
            for day in range(6):
                at = start + day * DAY_MS * (i + 1) + i * 1000
                answers.append((at, card.guid, 1 + (day + i) % 4))
                answers.append((at + 60_000, card.guid, 3))  # the same day again: a drill
        col.import_package(colpkg(tmp_path / "phone.colpkg", answers))
        assert col.doctor() == []
        imported = col.stats()
        assert col.doctor(repair=True) == []  # rebuilding the summaries changes nothing
        assert col.stats() == imported
        assert sum(d["answers"] for d in _days(db_path)) == 1 + len(answers)


def _days(db_path: Path) -> list[dict]:
    db = sqlite3.connect(db_path)
    db.row_factory = sqlite3.Row
    return [dict(r) for r in db.execute("SELECT * FROM review_days")]
