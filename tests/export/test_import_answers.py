"""Answers imported in bulk: the states, the review summaries and the stats they feed are
exactly what answering them one by one gives (doctor's view), whatever order they come in."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import timedelta
from pathlib import Path

from helpers import NOW

from .support import open_collection

DECK = (
    "- The **mitochondria** is the powerhouse of the cell.\n"
    "- Paris is the capital of **France**.\n"
    "- Water boils at **one hundred** degrees.\n"
    "- The **heart** pumps blood.\n"
)
DAY_MS = 86_400_000


def colpkg(path: Path, answers: list[tuple[int, str, int]]) -> Path:
    """A schema-11 Anki collection (as Anki's legacy export writes it) of cloze notes with
    these GUIDs, whose revlog holds (time_ms, note guid, button) answers."""
    scratch = path.with_suffix(".anki2")
    db = sqlite3.connect(scratch)
    db.executescript(
        """
        CREATE TABLE col (id INTEGER PRIMARY KEY, crt, mod, scm, ver, dty, usn, ls, conf,
            models, decks, dconf, tags);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, guid, mid, mod, usn, tags, flds, sfld,
            csum, flags, data);
        CREATE TABLE cards (id INTEGER PRIMARY KEY, nid, did, ord, mod, usn, type, queue, due,
            ivl, factor, reps, lapses, left, odue, odid, flags, data);
        CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid, usn, ease, ivl, lastIvl, factor,
            time, type);
        """
    )
    models = {"1": {"name": "Cloze", "type": 1, "flds": [{"name": "Text", "ord": 0}]}}
    db.execute(
        "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
        (json.dumps(models), json.dumps({"1": {"name": "Default"}})),
    )
    guids = sorted({guid for _, guid, _ in answers})
    for n, guid in enumerate(guids, 1):
        db.execute("INSERT INTO notes VALUES (?, ?, 1, 0, 0, '', 'x', '', 0, 0, '')", (n, guid))
        db.execute(
            "INSERT INTO cards VALUES (?, ?, 1, 0, 0, 0, 2, 2, 0, 1, 2500, 0, 0, 0, 0, 0, 0, '')",
            (n, n),
        )
    db.executemany(
        "INSERT INTO revlog VALUES (?, ?, 0, ?, 1, 1, 2500, 3000, 1)",
        [(ms, guids.index(guid) + 1, button) for ms, guid, button in answers],
    )
    db.commit()
    db.close()
    with zipfile.ZipFile(path, "w") as z:
        z.write(scratch, "collection.anki2")
        z.writestr("media", "{}")
    scratch.unlink()
    return path


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
