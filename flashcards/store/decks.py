"""Decks and their notes files' records: what a build and the deck list read and write.

The deck list's figures per deck are `flashcards.store.deck_list`'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from flashcards.clock import iso_utc

if TYPE_CHECKING:
    from flashcards.store.db import Store

_DECK = (
    "SELECT id, name, spec_path, notes, description, settings, built_at, identity, retired "
    "FROM decks"
)


@dataclass(frozen=True)
class DeckRow:
    """A deck as stored: its spec, notes, settings and when it was last built."""

    id: int
    name: str
    spec_path: str | None
    notes: list[str]
    description: str
    settings: dict[str, object]
    built_at: str | None
    settings_json: str  # as stored: a build compares it to tell changed markers
    identity: str | None = None  # 'spec:PATH' or 'notes:PATH' (build.deck_identity)
    retired: bool = False


def _deck(row: tuple) -> DeckRow:
    deck_id, name, spec_path, notes, description, settings, built_at, identity, retired = row
    return DeckRow(
        deck_id,
        name,
        spec_path,
        json.loads(notes or "[]"),
        description or "",
        json.loads(settings or "{}"),
        built_at,
        settings or "{}",
        identity,
        bool(retired),
    )


def all_decks(store: Store, retired: bool = False) -> list[DeckRow]:
    """Every deck in use (with `retired`, the retired ones too), by name."""
    where = "" if retired else " WHERE retired = 0"
    return [_deck(r) for r in store.execute(f"{_DECK}{where} ORDER BY name")]


def deck_ids(store: Store) -> tuple[int, ...]:
    """Every deck's id in use (not retired), in name order: what 'all decks' studies."""
    return tuple(
        r[0] for r in store.execute("SELECT id FROM decks WHERE retired = 0 ORDER BY name")
    )


def by_identity(store: Store, identity: str) -> DeckRow | None:
    """The deck made from this spec file (or notes path): see `build.deck_identity`."""
    row = store.execute(f"{_DECK} WHERE identity = ?", (identity,)).fetchone()
    return _deck(row) if row else None


def is_retired(store: Store, deck_id: int) -> bool:
    return bool(store.one("SELECT retired FROM decks WHERE id = ?", (deck_id,)))


def rename(store: Store, deck_id: int, name: str) -> None:
    """Give a deck a new name inside the caller's transaction: its id, cards and history
    stay (the caller checks the name is free)."""
    store.execute("UPDATE decks SET name = ? WHERE id = ?", (name, deck_id))


def set_retired(store: Store, deck_id: int, retired: bool) -> None:
    """Retire a deck (out of every queue and deck list, history kept) or restore it."""
    store.execute("UPDATE decks SET retired = ? WHERE id = ?", (int(retired), deck_id))


def owners_of(store: Store, paths: Iterable[str], deck_id: int | None) -> dict[str, str]:
    """Of these notes files, those another deck in use already reads: path -> its name."""
    found: dict[str, str] = {}
    for path in paths:
        row = store.execute(
            "SELECT d.name FROM sources s JOIN decks d ON d.id = s.deck_id "
            "WHERE s.path = ? AND d.retired = 0 AND d.id IS NOT ? ORDER BY d.name LIMIT 1",
            (path, deck_id),
        ).fetchone()
        if row:
            found[path] = row[0]
    return found


def by_name(store: Store, name: str) -> DeckRow | None:
    row = store.execute(f"{_DECK} WHERE name = ?", (name,)).fetchone()
    return _deck(row) if row else None


def by_id(store: Store, deck_id: int) -> DeckRow | None:
    row = store.execute(f"{_DECK} WHERE id = ?", (deck_id,)).fetchone()
    return _deck(row) if row else None


def settings_of(store: Store, deck_id: int) -> dict[str, object]:
    """A deck's settings as stored ({} for an unknown deck)."""
    text = store.one("SELECT settings FROM decks WHERE id = ?", (deck_id,))
    return json.loads(text) if text else {}


def upsert(
    store: Store,
    deck_id: int | None,
    name: str,
    identity: str | None,
    spec_path: str | None,
    notes: list[str],
    description: str,
    settings: dict[str, object],
) -> int:
    """Create (deck_id None) or update a deck row inside the caller's transaction, name
    included (a renamed spec renames its deck); returns its id."""
    values = (
        name,
        identity,
        spec_path,
        json.dumps(notes),
        description,
        json.dumps(settings, sort_keys=True),
    )
    if deck_id is not None:
        store.execute(
            "UPDATE decks SET name = ?, identity = ?, spec_path = ?, notes = ?, description = ?, "
            "settings = ? WHERE id = ?",
            (*values, deck_id),
        )
        return deck_id
    cur = store.execute(
        "INSERT INTO decks(name, identity, spec_path, notes, description, settings) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        values,
    )
    return int(cur.lastrowid)  # type: ignore[arg-type]


def mark_built(store: Store, deck_id: int) -> None:
    store.execute("UPDATE decks SET built_at = ? WHERE id = ?", (iso_utc(), deck_id))


def reader_version(store: Store, deck_id: int) -> str | None:
    """The version of the notes reader that made the deck's cards (None: unknown, as in
    collections built before it was recorded)."""
    return store.get_config(f"reader_version.deck.{deck_id}")


def set_reader_version(store: Store, deck_id: int, version: str) -> None:
    """Record the reader version of a deck's cards, inside the caller's transaction."""
    store.execute(
        "INSERT INTO config(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (f"reader_version.deck.{deck_id}", version),
    )


def skipped_counts(store: Store, deck_id: int) -> dict[str, dict[str, int]]:
    """Per notes file of the deck: how many deletions each junk rule skipped when it was
    last read (a file a build does not read again still counts)."""
    text = store.get_config(f"skipped.deck.{deck_id}")
    return json.loads(text) if text else {}


def set_skipped_counts(store: Store, deck_id: int, counts: dict[str, dict[str, int]]) -> None:
    """Record the deck's skipped counts, inside the caller's transaction."""
    store.execute(
        "INSERT INTO config(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (f"skipped.deck.{deck_id}", json.dumps(counts, sort_keys=True, ensure_ascii=False)),
    )


class SourceRecord(NamedTuple):
    """A notes file as the last build read it."""

    size: int
    mtime_ns: int  # 0: read too soon after a change to trust (a racy file)
    digest: str  # of its bytes; "" when it could not be read


def sources(store: Store, deck_id: int) -> dict[str, SourceRecord]:
    return {
        path: SourceRecord(size, mtime, digest)
        for path, size, mtime, digest in store.execute(
            "SELECT path, size, mtime_ns, hash FROM sources WHERE deck_id = ?", (deck_id,)
        )
    }


def write_sources(
    store: Store, deck_id: int, rows: Iterable[tuple[str, SourceRecord]], gone: Iterable[str]
) -> None:
    """Record the files read as (path, record); forget the `gone` paths."""
    store.executemany(
        "DELETE FROM sources WHERE deck_id = ? AND path = ?", ((deck_id, p) for p in gone)
    )
    store.executemany(
        "INSERT INTO sources(deck_id, path, size, mtime_ns, hash) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(deck_id, path) DO UPDATE SET size = excluded.size, "
        "mtime_ns = excluded.mtime_ns, hash = excluded.hash",
        ((deck_id, path, *record) for path, record in rows),
    )
