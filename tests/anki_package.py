"""A small schema-11 Anki collection for the tests that import answers, written with sqlite3: cloze
notes with the GUIDs of flashcards' cards and a revlog of (time_ms, guid, button)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

DAY_MS = 86_400_000


def colpkg(path: Path, answers: list[tuple[int, str, int]]) -> Path:
    """The .colpkg at `path`; each answer a learn/review row (type 1) of its GUID's card."""
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
        # Anki card ids need not follow note order: here they run backwards
        db.execute(
            "INSERT INTO cards VALUES (?, ?, 1, 0, 0, 0, 2, 2, 0, 1, 2500, 0, 0, 0, 0, 0, 0, '')",
            (1000 - n, n),
        )
    db.executemany(
        "INSERT INTO revlog VALUES (?, ?, 0, ?, 1, 1, 2500, 3000, 1)",
        [(ms, 1000 - guids.index(guid) - 1, button) for ms, guid, button in answers],
    )
    db.commit()
    db.close()
    with zipfile.ZipFile(path, "w") as z:
        z.write(scratch, "collection.anki2")
        z.writestr("media", "{}")
    scratch.unlink()
    return path
