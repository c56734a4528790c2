"""What an Anki collection holds, as plain data: note types, notes, cards, review log.

Reads schema 11 (note types and decks as JSON in the `col` row) and schema 18 (the
`notetypes`, `fields` and `decks` tables, a note type's kind in its protobuf
config). Only the columns flashcards uses are read; the review log is streamed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from flashcards.importing import PackageError
from flashcards.importing.package import Package, protobuf_fields

NORMAL, CLOZE = 0, 1  # a note type's kind
ANSWER_TYPES = (0, 1, 2)  # revlog types learn, review, relearn; 3-5 are no answers
KNOWN_SCHEMAS = (11, 18)


@dataclass(frozen=True)
class NoteType:
    name: str
    kind: int
    fields: tuple[str, ...]


class Note(NamedTuple):
    id: int
    guid: str
    mid: int
    flds: str  # the fields as Anki stores them, joined by 0x1f
    tags: str

    @property
    def fields(self) -> list[str]:
        """The note's fields, split only for the notes that are written out."""
        return self.flds.split("\x1f")


class AnkiCard(NamedTuple):
    id: int
    nid: int
    ord: int
    did: int


@dataclass
class AnkiCollection:
    note_types: dict[int, NoteType]
    decks: dict[int, str]
    notes: dict[int, Note]
    cards: list[AnkiCard]
    skipped_answers: int  # revlog rows that are no answer (filtered, manual, rescheduled)
    answers: int = 0  # revlog rows that are answers (of any card)


def _schema(db: sqlite3.Connection, package: Package) -> int:
    ver = db.execute("SELECT ver FROM col").fetchone()[0]
    if ver not in KNOWN_SCHEMAS:
        raise PackageError(
            f"{package.path}: an Anki collection of schema {ver}, which this flashcards does "
            f"not know ({', '.join(map(str, KNOWN_SCHEMAS))}); export it from Anki with "
            '"Support older Anki versions" ticked'
        )
    return int(ver)


def _note_types(db: sqlite3.Connection, schema: int) -> dict[int, NoteType]:
    if schema == 11:
        models = json.loads(db.execute("SELECT models FROM col").fetchone()[0] or "{}")
        return {
            int(mid): NoteType(
                str(m.get("name", "")),
                int(m.get("type", 0)),
                tuple(f["name"] for f in sorted(m.get("flds", []), key=lambda f: f["ord"])),
            )
            for mid, m in models.items()
        }
    fields: dict[int, list[tuple[int, str]]] = {}
    for ntid, ordinal, name in db.execute("SELECT ntid, ord, name FROM fields"):
        fields.setdefault(ntid, []).append((ordinal, name))
    out = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        kind = dict(protobuf_fields(bytes(config or b""))).get(1, NORMAL)
        out[int(ntid)] = NoteType(
            str(name),
            int(kind) if isinstance(kind, int) else NORMAL,
            tuple(n for _, n in sorted(fields.get(ntid, []))),
        )
    return out


def _decks(db: sqlite3.Connection, schema: int) -> dict[int, str]:
    if schema == 11:
        decks = json.loads(db.execute("SELECT decks FROM col").fetchone()[0] or "{}")
        return {int(i): str(d.get("name", "")) for i, d in decks.items()}
    return {
        int(i): str(n).replace("\x1f", "::") for i, n in db.execute("SELECT id, name FROM decks")
    }


def read_collection(package: Package) -> AnkiCollection:
    """The package's notes and cards (its review log: `answers`)."""
    db = package.db
    try:
        schema = _schema(db, package)
        note_types = _note_types(db, schema)
        notes = {
            row[0]: Note._make(row)
            for row in db.execute("SELECT id, guid, mid, flds, tags FROM notes")
        }
        cards = [
            AnkiCard._make(r)
            for r in db.execute("SELECT id, nid, ord, did FROM cards ORDER BY nid, ord")
        ]
        answered, total = db.execute(
            f"SELECT TOTAL(type IN {ANSWER_TYPES} AND ease BETWEEN 1 AND 4), COUNT(*) FROM revlog"
        ).fetchone()
        decks = _decks(db, schema)
    except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as exc:
        raise PackageError(
            f"{package.path}: its collection is not one Anki writes ({exc}); export it again"
        ) from None
    unknown = sorted({n.mid for n in notes.values() if n.mid not in note_types})
    if unknown:
        count = sum(1 for n in notes.values() if n.mid not in note_types)
        raise PackageError(
            f"{package.path}: {count} notes are of a note type the collection does not define "
            f"(id {unknown[0]}); the package is damaged — check it in Anki (Tools → Check "
            "Database) and export it again"
        )
    return AnkiCollection(note_types, decks, notes, cards, int(total - answered), int(answered))


def answers(package: Package, target: dict[int, int]) -> Iterator[tuple[int, int, int, int]]:
    """The review log's answers (types learn, review, relearn; buttons 1-4) of the Anki
    cards `target` maps to flashcards cards, as (card id, time ms, button, duration ms),
    by our card and time: one pass of SQL over the revlog, joined to the map in a temporary
    table of the package's own (read-only) connection."""
    db = package.db
    try:
        db.execute("DROP TABLE IF EXISTS temp.import_target")
        db.execute("CREATE TEMP TABLE import_target(cid INTEGER PRIMARY KEY, card INTEGER)")
        db.executemany("INSERT INTO temp.import_target VALUES (?, ?)", target.items())
        rows = db.execute(
            "SELECT t.card, r.id, r.ease, r.time FROM revlog r "
            "JOIN temp.import_target t ON t.cid = r.cid "
            f"WHERE r.type IN {ANSWER_TYPES} AND r.ease BETWEEN 1 AND 4 ORDER BY t.card, r.id"
        )
        while chunk := rows.fetchmany(_FETCH):
            yield from chunk
    except sqlite3.DatabaseError as exc:
        raise PackageError(
            f"{package.path}: its review log is not one Anki writes ({exc}); export it again"
        ) from None


_FETCH = 10_000
