"""What `doctor` checks beyond SQLite's own soundness check, and what it repairs.

Schema steps never applied, tables missing, rows pointing nowhere, cards
without a state; `repair_rows` rebuilds the derived rows only (states, file
records), never a review.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from flashcards.store import schema
from flashcards.store.backup import newest_backup

if TYPE_CHECKING:
    from flashcards.store.db import Store


def applied_migrations(store: Store) -> list[str]:
    return [m.name for m in schema.migrations.applied(store.db)]


def problems(store: Store) -> tuple[list[str], bool]:
    """What is wrong with the file, each saying what to do ([] when all is well), and
    whether its reviews can still be read (not damaged, no table missing)."""
    damage = full_damage(store)
    if damage:
        # nothing else can be trusted (or even read) in a damaged file
        backup = newest_backup(store.path)
        where = (
            f"restore the newest backup with `flashcards restore {backup}`"
            if backup
            else "restore a copy of the collection"
        )
        return [
            f"the SQLite file is damaged ({'; '.join(damage)}); {where} — --repair cannot fix this"
        ], False
    problems: list[str] = []
    applied = applied_migrations(store)
    missing = [m.name for m in schema.migrations._migrations if m.name not in applied]
    if missing:
        problems.append(
            f"schema version {len(applied)} of {len(schema.migrations._migrations)}: steps {', '.join(missing)} "
            "were never applied; restore a copy of the collection"
        )
    lost = missing_tables(store)
    if lost:
        problems.append(f"tables {', '.join(lost)} are missing; restore a copy of the collection")
        return problems, False
    broken: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fk in store.execute("PRAGMA foreign_key_check"):
        broken[(table, parent)] = broken.get((table, parent), 0) + 1
    for (table, parent), n in sorted(broken.items()):
        if (table, parent) == ("reviews", "cards"):
            ids = [
                r[0]
                for r in store.execute(
                    "SELECT DISTINCT card_id FROM reviews "
                    "WHERE card_id NOT IN (SELECT id FROM cards) ORDER BY card_id LIMIT 5"
                )
            ]
            problems.append(
                f"{n} reviews of cards that do not exist (card ids {', '.join(map(str, ids))}"
                f"{'…' if len(ids) == 5 else ''}); reviews are never deleted — restore a copy "
                "of the collection if cards were lost"
            )
        elif table in ("card_state", "sources", "fsrs_state"):
            problems.append(
                f"{n} {table} rows point at {parent} that do not exist; "
                "run `flashcards doctor --repair` to remove them"
            )
        else:
            problems.append(
                f"{n} {table} rows point at {parent} that do not exist; "
                "restore a copy of the collection"
            )
    stateless = store.execute(
        "SELECT COUNT(*) FROM cards WHERE id NOT IN (SELECT card_id FROM card_state)"
    ).fetchone()[0]
    if stateless:
        problems.append(f"{stateless} cards have no state row; run `flashcards doctor --repair`")
    return problems, True


def full_damage(store: Store) -> list[str]:
    """SQLite's full integrity check (every page and index entry): [] when sound."""
    try:
        found = [r[0] for r in store.execute("PRAGMA integrity_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def missing_tables(store: Store) -> list[str]:
    tables = {r[0] for r in store.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return [t for t in schema.TABLES if t not in tables]


def repair_rows(store: Store) -> None:
    """Fix derived rows, inside the caller's transaction: states and sources only."""
    store.execute(
        "INSERT INTO card_state(card_id) "
        "SELECT id FROM cards WHERE id NOT IN (SELECT card_id FROM card_state)"
    )
    store.execute("DELETE FROM card_state WHERE card_id NOT IN (SELECT id FROM cards)")
    store.execute("DELETE FROM fsrs_state WHERE card_id NOT IN (SELECT id FROM cards)")
    # sources only make builds incremental: the next build re-reads the files
    store.execute("DELETE FROM sources WHERE deck_id NOT IN (SELECT id FROM decks)")
