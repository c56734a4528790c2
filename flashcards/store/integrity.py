"""Is the collection file sound? Checked on open, cheaply; checked fully by `doctor`.

Also what `doctor` checks beyond SQLite's own check (schema steps, tables,
rows pointing nowhere) and the derived rows `--repair` may rebuild.

SQLite's `quick_check` reads every page (about 4 ms per MB here): on every
open it would cost a big collection seconds. So a file is checked once per
version of it: after a clean check, and again when this process closes the
file it wrote, its identity (device, inode, size, modification time) is kept
in the user cache folder; an open that finds the same identity skips the
check. Anything that changes the file behind flashcards' back (a disk fault
written through the OS, a copy, `dd`) changes that identity, and the next open
checks again. The daily backup always checks in full.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from flashcards.store import schema

if TYPE_CHECKING:
    from flashcards.store import Store

_KEEP = 64  # collections remembered


def _cache_file() -> Path:
    return Path(platformdirs.user_cache_dir("flashcards", appauthor=False)) / "checked.json"


def identity(path: Path) -> list[int] | None:
    """What changes whenever the file's bytes may have: the file's and its WAL's stat."""
    try:
        st = path.stat()
    except OSError:
        return None
    key = [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]
    try:
        wal = path.with_name(path.name + "-wal").stat()
        key += [wal.st_size, wal.st_mtime_ns]
    except OSError:
        pass
    return key


def _load() -> dict[str, list[int]]:
    try:
        data = json.loads(_cache_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(path: Path) -> None:
    """The file as it is now is sound (it was checked, or only SQLite wrote it since)."""
    key = identity(path)
    if key is None:
        return
    data = _load()
    data.pop(str(path.absolute()), None)
    data[str(path.absolute())] = key
    while len(data) > _KEEP:
        data.pop(next(iter(data)))
    target = _cache_file()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.{os.getpid()}.part")
        part.write_text(json.dumps(data), encoding="utf-8")
        os.replace(part, target)
    except OSError:
        pass  # no cache: the next open checks again, nothing worse


def damage(conn: sqlite3.Connection, limit: int = 5) -> list[str]:
    """SQLite's quick check of every page: [] when the file is sound."""
    try:
        found = [r[0] for r in conn.execute(f"PRAGMA quick_check({limit})").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def check_once(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a damaged file (CollectionDamaged); skip files known sound as they are."""
    key = identity(path)
    if key is not None and _load().get(str(path.absolute())) == key:
        return
    problems = damage(conn)
    if problems:
        from flashcards.store.connection import refuse_damaged

        raise refuse_damaged(path, "; ".join(problems[:3]))
    remember(path)


# -- what doctor checks ---------------------------------------------------------------


def applied_migrations(store: Store) -> list[str]:
    return [m.name for m in schema.migrations.applied(store.db)]


def problems(store: Store) -> tuple[list[str], bool]:
    """What is wrong with the file, each saying what to do ([] when all is well), and
    whether its reviews can still be read (not damaged, no table missing)."""
    damage = full_damage(store)
    if damage:
        # nothing else can be trusted (or even read) in a damaged file
        from flashcards.store.backup import newest_backup

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
        elif table in ("card_state", "sources"):
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
    # sources only make builds incremental: the next build re-reads the files
    store.execute("DELETE FROM sources WHERE deck_id NOT IN (SELECT id FROM decks)")
