"""Export to an Anki package (`.apkg`): genanki's schema, decks and note types, and the
notes and cards rows written in batches as genanki would write them.

- Cloze cards become notes of a "flashcards cloze" note type (fields Text,
  Context, Back Extra, Source): Text is the block with this card's deletion as
  `{{c1::answer::hint}}`, so each note makes exactly one Anki card.
- Question cards (`#card`) become "flashcards basic" notes (Front, Back,
  Context, Source).
- One Anki deck per deck. Deck, note type and note ids are derived from names
  and our stable card guids, so importing a newer export of the same deck
  updates its notes instead of adding duplicates.
- A note's modification time is its card's last change, so Anki's "update
  when newer" takes the changed notes only.
- Suspended cards arrive suspended; new cards keep the outline order. Each card's
  state and review log go along (`apkg_scheduling`), unless the job says not.
- Images the notes link to go in as the package's media (`export.media`), the
  field showing `<img src="name">`; math goes out as Anki's `\\(…\\)` (`render`).
- The deck description is escaped like note text: Anki shows it as HTML.
- genanki's collection is built in a scratch database next to the package, named
  as the export's temporary files are and removed on any error.
"""

from __future__ import annotations

import errno
import hashlib
import html
import itertools
import json
import os
import re
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import suppress
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import genanki
from genanki.apkg_schema import APKG_SCHEMA

from flashcards.export.apkg_scheduling import SUSPENDED, CardState, card_states, write_scheduling
from flashcards.export.files import temp_file
from flashcards.export.job import ExportCard, ExportDeck, ExportJob
from flashcards.export.media import Media, as_text
from flashcards.export.render import (
    IMAGE_OPEN,
    anki_tag_text,
    back_extra_html,
    basic_back,
    context_html,
    note_guid,
    source_html,
    to_html,
)
from flashcards.export.render_shared import card_cloze_html

CSS = """\
.card { font-family: -apple-system, "Segoe UI", Roboto, sans-serif; font-size: 20px;
        text-align: left; color: #1d1d1f; background: #fff; line-height: 1.45; }
.nightMode.card, .night_mode .card { color: #e8e8e8; background: #1e1e1e; }
.context { font-size: 0.7em; color: #777; margin-bottom: 0.8em; }
.cloze { font-weight: bold; color: #1a5fb4; }
.nightMode .cloze, .night_mode .cloze { color: #8ab4f8; }
.extra { margin-top: 0.8em; }
.source { margin-top: 1.2em; font-size: 0.6em; color: #999; }
mark { background: #fff3a0; color: inherit; }
"""

# genanki's `CREATE INDEX name on table (columns);` statements: (the statement, name)
_INDEX = re.compile(r"^(CREATE INDEX (\w+) on [^;]+);", re.MULTILINE)
_CONTEXT = '{{#Context}}<div class="context">{{Context}}</div>{{/Context}}'
_SOURCE = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'


def stable_id(name: str) -> int:
    """An Anki id derived from a name, in genanki's recommended range [2**30, 2**31)."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return (1 << 30) + int.from_bytes(digest, "big") % (1 << 30)


def deck_id(name: str) -> int:
    return stable_id(f"flashcards deck {name}")


CLOZE_MODEL = genanki.Model(
    stable_id("flashcards cloze v1"),
    "flashcards cloze",
    fields=[{"name": "Text"}, {"name": "Context"}, {"name": "Back Extra"}, {"name": "Source"}],
    templates=[
        {
            "name": "Cloze",
            "qfmt": f"{_CONTEXT}{{{{cloze:Text}}}}",
            "afmt": (
                f"{_CONTEXT}{{{{cloze:Text}}}}"
                '{{#Back Extra}}<hr><div class="extra">{{Back Extra}}</div>{{/Back Extra}}'
                f"{_SOURCE}"
            ),
        }
    ],
    css=CSS,
    model_type=genanki.Model.CLOZE,
)

BASIC_MODEL = genanki.Model(
    stable_id("flashcards basic v1"),
    "flashcards basic",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Context"}, {"name": "Source"}],
    templates=[
        {
            "name": "Card 1",
            "qfmt": f"{_CONTEXT}{{{{Front}}}}",
            "afmt": (
                '{{FrontSide}}<hr id="answer">{{#Back}}<div class="extra">{{Back}}</div>{{/Back}}'
                f"{_SOURCE}"
            ),
        }
    ],
    css=CSS,
)


def note_fields(
    deck: ExportDeck, card: ExportCard, media: Media | None = None
) -> tuple[genanki.Model, list[str]]:
    """The note type and fields of one card's Anki note (one note a card, so note and
    card counts equal ours); its images go into `media` (shown as text without one)."""
    context = context_html(card)
    source = source_html(deck, card)
    if card.kind == "basic":
        model = BASIC_MODEL
        fields = [to_html(card.front), to_html(basic_back(card)), context, source]
    else:
        model = CLOZE_MODEL
        fields = [card_cloze_html(card), context, back_extra_html(card.children), source]
    if media is None:
        return model, [as_text(f) for f in fields]
    # most fields hold no image: asked here rather than in a call per field
    return model, [media.field(f, deck, card) if IMAGE_OPEN in f else f for f in fields]


def _tags(card: ExportCard) -> str:
    """A note's tags as genanki stores them: space-separated with a space either side."""
    return f" {anki_tag_text(card.tags)} "


@lru_cache(maxsize=4096)  # a build stamps all its new cards alike
def _epoch(stamp: str, default: float) -> float:
    try:
        return datetime.fromisoformat(stamp).timestamp()  # '2026-01-15T12:00:00Z'
    except ValueError:
        return default


def write(job: ExportJob, path: Path) -> int:
    """Write the package to `path`; returns the number of notes."""
    total = job.card_count
    # genanki's collection is built in a scratch database next to the package (a temp
    # folder may be small, or another disk), named as our temporary files are
    db_name = temp_file(path.parent, (job.target or path).name, ".anki2")
    try:
        media = Media()
        try:
            _write_collection(job, db_name, media)
        except sqlite3.Error as exc:
            raise scratch_failure(exc, db_name) from exc
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            out.write(db_name, "collection.anki2")
            names: dict[str, str] = {}
            for name in media.files:
                data = media.read(name)
                if data is not None:  # gone or grown past the cap since: Anki shows none
                    out.writestr(str(len(names)), data)
                    names[str(len(names))] = name
            out.writestr("media", json.dumps(names))
    finally:
        for scratch in (db_name, db_name.with_name(db_name.name + "-journal")):
            with suppress(OSError):
                os.unlink(scratch)
    job.tick(total, total)
    return total


def deck_description(description: str) -> str:
    """A deck's description as Anki shows it (HTML): text, never markup."""
    return html.escape(description).replace("\r\n", "\n").replace("\n", "<br>")


def _write_collection(job: ExportJob, db_name: Path, media: Media) -> None:
    """The Anki collection of the package: genanki's schema, the decks, one note a card."""
    timestamp = job.now.timestamp()
    # URIs allowed: the scheduling attaches the collection read-only (`apkg_scheduling`)
    conn = sqlite3.connect(db_name.absolute().as_uri(), uri=True)
    try:
        # a rollback journal in memory: no second scratch file to leave behind; no fsync
        # either: a scratch file that a crash leaves half written is never zipped
        conn.execute("PRAGMA journal_mode=MEMORY")
        conn.execute("PRAGMA synchronous=OFF")
        cursor = conn.cursor()
        # the note/card ids genanki hands out; Anki remaps them on import when they clash
        ids = itertools.count(int(timestamp * 1000))
        genanki.Package([]).write_to_db(cursor, timestamp, ids)  # schema and collection row
        # genanki's indexes are built once the rows are in, not kept up row by row
        indexes = _INDEX.findall(APKG_SCHEMA)
        for _, name in indexes:
            cursor.execute(f"DROP INDEX {name}")
        states = card_states(job) if job.scheduling else {}
        anki_ids: list[tuple[int, int]] = []  # (our card id, its Anki card id)
        done = 0
        for deck in job.decks:
            anki_deck = genanki.Deck(
                deck_id(deck.name), deck.name, deck_description(deck.description)
            )
            anki_deck.add_model(CLOZE_MODEL)
            anki_deck.add_model(BASIC_MODEL)
            anki_deck.write_to_db(cursor, timestamp, ids)  # the deck and note types
            done = _write_notes(
                cursor, deck, anki_deck.deck_id, timestamp, ids, job, done, media, states, anki_ids
            )
        if job.scheduling:
            write_scheduling(job, conn, anki_ids)
        for statement, _ in indexes:
            cursor.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _write_notes(
    cursor: sqlite3.Cursor,
    deck: ExportDeck,
    anki_deck_id: int,
    timestamp: float,
    ids: Iterator[int],
    job: ExportJob,
    done: int,
    media: Media | None = None,
    states: dict[int, CardState] | None = None,
    anki_ids: list[tuple[int, int]] | None = None,
) -> int:
    """A deck's notes and their cards, written as genanki's `Note.write_to_db` and
    `Card.write_to_db` write them (same columns, values and id order), in batches of
    rows rather than a Python object and two statements per note; a card in `states`
    gets its scheduling columns in the same row; `anki_ids` gets (our card id, its Anki
    card id) of each. Returns `done` plus the deck's cards."""
    states = states or {}
    notes: list[tuple[object, ...]] = []
    cards: list[tuple[object, ...]] = []
    for position, card in enumerate(deck.cards):
        model, fields = note_fields(deck, card, media)
        # a note is as new as its card's content: Anki's "update if newer" then takes
        # changed notes only, and keeps a note the user edited in Anki since
        modified = int(_epoch(card.updated_at, timestamp))
        note_id = next(ids)
        notes.append(
            (note_id, note_guid(card), model.model_id, modified, -1, _tags(card))
            + ("\x1f".join(fields), fields[model.sort_field_index], 0, 0, "")
        )
        # one card per note: ord 0 is the c1 deletion (cloze) or the only template
        # (basic); new, in outline order; a suspended card's queue is -1
        anki_id = next(ids)
        suspended = card.status == "suspended"
        state = states.get(card.id)
        if state is None:
            queue = SUSPENDED if suspended else 0
            cards.append(
                (anki_id, note_id, anki_deck_id, 0, modified, -1, 0, queue, position)
                + (0, 0, 0, 0, 0, 0, 0, 0, "")
            )
        else:  # scheduled: a review card (type and queue alike unless suspended)
            kind, due, interval, factor, reps, lapses = state
            queue = SUSPENDED if suspended else kind
            cards.append(
                (anki_id, note_id, anki_deck_id, 0, modified, -1, kind, queue, due, interval)
                + (factor, reps, lapses, 0, 0, 0, 0, "")
            )
        if anki_ids is not None:
            anki_ids.append((card.id, anki_id))
        done += 1
        if done % 1000 == 0:
            _flush(cursor, notes, cards)
            job.tick(done, job.card_count)
    _flush(cursor, notes, cards)
    return done


def _flush(cursor: sqlite3.Cursor, notes: list[tuple], cards: list[tuple]) -> None:
    cursor.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", notes)
    cursor.executemany(
        "INSERT INTO cards VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", cards
    )
    notes.clear()
    cards.clear()


def scratch_failure(exc: sqlite3.Error, db_name: Path) -> OSError:
    """The OSError a failed write to the scratch database stands for: SQLite reports a
    full disk (or quota) as SQLITE_FULL, which becomes ENOSPC; the collection's own
    errors never come through here, so they are never mistaken for the package's."""
    if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in str(exc):
        return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(db_name))
    return OSError(f"the package's scratch database: {exc}")
