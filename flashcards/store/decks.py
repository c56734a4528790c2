"""Decks and their notes files' records: what a build and the deck list read and write."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from flashcards.clock import iso_utc

if TYPE_CHECKING:
    from flashcards.store.db import Store

_DECK = "SELECT id, name, spec_path, notes, description, settings, built_at FROM decks"


@dataclass(frozen=True)
class DeckRow:
    id: int
    name: str
    spec_path: str | None
    notes: list[str]
    description: str
    settings: dict[str, object]
    built_at: str | None
    settings_json: str  # as stored: a build compares it to tell changed markers


def _deck(row: tuple) -> DeckRow:
    deck_id, name, spec_path, notes, description, settings, built_at = row
    return DeckRow(
        deck_id,
        name,
        spec_path,
        json.loads(notes or "[]"),
        description or "",
        json.loads(settings or "{}"),
        built_at,
        settings or "{}",
    )


def all_decks(store: Store) -> list[DeckRow]:
    """Every deck, by name."""
    return [_deck(r) for r in store.execute(f"{_DECK} ORDER BY name")]


def deck_ids(store: Store) -> tuple[int, ...]:
    """Every deck's id, in name order."""
    return tuple(r[0] for r in store.execute("SELECT id FROM decks ORDER BY name"))


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
    name: str,
    spec_path: str | None,
    notes: list[str],
    description: str,
    settings: dict[str, object],
) -> int:
    """Create or update a deck row inside the caller's transaction; returns its id."""
    deck_id = store.one("SELECT id FROM decks WHERE name = ?", (name,))
    values = (spec_path, json.dumps(notes), description, json.dumps(settings, sort_keys=True))
    if deck_id is not None:
        store.execute(
            "UPDATE decks SET spec_path = ?, notes = ?, description = ?, settings = ? WHERE id = ?",
            (*values, deck_id),
        )
        return int(deck_id)  # type: ignore[call-overload]
    cur = store.execute(
        "INSERT INTO decks(name, spec_path, notes, description, settings) VALUES (?, ?, ?, ?, ?)",
        (name, *values),
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


@dataclass(frozen=True)
class DeckCounts:
    """A deck's cards by status, for the deck list."""

    id: int
    name: str
    built_at: str | None
    total: int
    active: int
    new: int
    due: int
    retired: int
    suspended: int


def counts(store: Store, day: str) -> list[DeckCounts]:
    """Per deck: cards, new, due today (reviews), retired, suspended."""
    rows = store.execute(
        """
        SELECT d.id, d.name, d.built_at,
               COUNT(c.id),
               SUM(c.retired = 0),
               SUM(c.retired = 0 AND c.suspended = 0 AND s.due IS NULL),
               SUM(c.retired = 0 AND c.suspended = 0 AND s.due <= :day),
               SUM(c.retired),
               SUM(c.retired = 0 AND c.suspended = 1)
        FROM decks d
        LEFT JOIN cards c ON c.deck_id = d.id
        LEFT JOIN card_state s ON s.card_id = c.id
        GROUP BY d.id ORDER BY d.name
        """,
        {"day": day},
    )
    return [
        DeckCounts(deck_id, name, built, *(int(n or 0) for n in figures))
        for deck_id, name, built, *figures in rows
    ]
