"""Opening the collection file: what is refused, how it is read, how it is written.

Only SQLite ever opens the file or its `-wal`/`-shm`. Closing any other
descriptor of the file drops every POSIX lock this process holds on it, and
another process may then checkpoint and delete the WAL under a live
connection (sqlite.org, "How To Corrupt An SQLite Database", 2.2). So the
header, the owner and the schema are all checked through SQLite itself.

Two ways to open:
- for writing (`readonly=False`): created when missing, WAL mode,
  `synchronous=FULL` (an answer acknowledged survives a power cut), schema
  migrated after a copy is kept;
- for reading: nothing is created, converted or left behind. A file this
  process may write is opened read-write with `query_only` (so SQLite
  removes its own `-wal`/`-shm` on close, as usual); a file it cannot write
  (mode 0444 for another user, an immutable file, a read-only folder or file
  system) is opened `immutable`, or `mode=ro` while a WAL holds changes. An
  older schema is migrated in a copy in memory, never in the file.

Either way a damaged file is refused (`soundness.check_once`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from flashcards.store import schema, soundness
from flashcards.store.errors import (
    CollectionDamaged,
    CollectionReadOnly,
    StoreError,
    damaged_message,
    explain,
)
from flashcards.store.schema import (
    APP_ID,
    BUSY_TIMEOUT_MS,
    CACHE_KIB,
    MIGRATION_SET,
    MIGRATIONS_TABLE,
    step_names,
)

if TYPE_CHECKING:
    from flashcards.store.sqlite_lib import sqlite_utils

_NOT_OURS = "is an SQLite file but not a flashcards collection; choose another path with --db or FLASHCARDS_DB"


@dataclass
class Opened:
    """An open connection to a collection file, and whether (and why) it is read-only."""

    conn: sqlite3.Connection
    readonly: bool  # nothing may be written through this connection
    notice: str | None = None  # why it is read-only, for the user
    damage: list[str] | None = None  # what SQLite found wrong (only with allow_damaged)


def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"file:{quote(str(path.absolute()))}?{query}"


def _writable(path: Path, existed: bool) -> bool:
    folder = path.parent
    return os.access(folder, os.W_OK) and (not existed or os.access(path, os.W_OK))


def open_database(
    path: Path,
    *,
    readonly: bool = False,
    allow_damaged: bool = False,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
) -> Opened:
    """Open the collection at `path`; StoreError (what, where, what to do) if it cannot be.

    A refused file is left byte for byte as it was, with no `-wal`/`-shm` made next to it.
    `allow_damaged` (for `doctor`) opens a damaged file read-only instead of refusing it,
    with `Opened.damage` saying what is wrong.
    """
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a collection file; pass a file path with --db")
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise StoreError(
            f"{path}: cannot be read ({exc.strerror or exc}); check its permissions"
        ) from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise StoreError(
            f"{path}: is not a regular file (a device, pipe or socket); pass a collection file with --db"
        )
    existed = st is not None and st.st_size > 0
    if readonly and not existed:
        raise StoreError(
            f"no collection at {path} yet; run `flashcards build` first (or pass --db)"
        )
    if not existed:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{path}: cannot create its folder ({exc.strerror or exc}); "
                "choose another path with --db or FLASHCARDS_DB"
            ) from None
    writable = _writable(path, existed)
    if not readonly and not writable:
        if not existed:
            raise StoreError(
                f"{path}: cannot create the collection (its folder is read-only); "
                "choose another path with --db or FLASHCARDS_DB"
            )
        readonly = True  # the caller learns it from Opened.readonly and says so
    notice = None
    if readonly and existed and not writable:
        notice = f"{path} is read-only: you can browse it, but answers and builds cannot be saved"
    sidecars = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    ours = [p for p in sidecars if not p.exists()]  # the ones opening the file may create
    conn: sqlite3.Connection | None = None
    try:
        conn = _connect(path, readonly, writable, busy_timeout_ms)
        applied = _check_ours(conn, path) if existed else set()
        problems = soundness.check_once(conn, path)
        if problems:
            err = refuse_damaged(path, "; ".join(problems[:3]))
            if not allow_damaged:
                raise err
            conn.close()
            conn = _connect(path, True, writable, busy_timeout_ms)
            return Opened(conn, True, str(err), damage=[str(err)])
        pending = any(name not in applied for name in step_names())
        if readonly:
            if pending:
                conn = _migrated_copy(conn)  # an older schema, read through a copy in memory
            return Opened(conn, True, notice)
        # outside any transaction (the connection makes none of its own: see _connect)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{path}: could not switch the collection to WAL mode ({mode})")
        # FULL: each commit waits for the WAL to reach the disk, so an answer the app has
        # shown as saved survives a power cut (NORMAL lost the last ones; ~0.2 ms each)
        conn.execute("PRAGMA synchronous = FULL")
        # An answer commits ~10.4 WAL frames (pages; ~16 before schema step m019) with one
        # fdatasync, as Anki's does (~11.5, one fsync; benchmarks/bench_study.py counts
        # both). At SQLite's default of 1000 frames (Anki's) the checkpoint (page copy +
        # fsync of the file, 10-60 ms) lands on every ~95th answer, i.e. in the p99 of
        # answering; 4000 (16 MiB of WAL) puts it on every ~385th. The cost: a fresh WAL
        # grows (each commit appends, and the new size is synced too: ~2x the sync of a
        # rewrite in place) for the first ~385 answers instead of ~95. (Measured at ~13
        # frames an answer:) Measured against Anki (load ~23 on 2 cores), 1000
        # took p50 from 1.27-1.47x Anki's to 1.15x and p99 from 0.8-0.9x to 1.6x.
        # The app checkpoints itself while the user reads a card, every 16 answers
        # (`Collection.idle`): this one is the fallback for callers with no idle moments.
        conn.execute("PRAGMA wal_autocheckpoint = 4000")
        conn.execute("PRAGMA foreign_keys = ON")
        if pending:
            _migrate(conn, path, existed)
        return Opened(conn, False, None)
    except (StoreError, sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        for p in ours:  # nothing was written: drop the empty journal files we made
            if p.exists() and (p.name.endswith("-shm") or p.stat().st_size == 0):
                p.unlink(missing_ok=True)
        if isinstance(exc, StoreError):
            raise
        if not existed and isinstance(exc, sqlite3.OperationalError):
            raise StoreError(
                f"{path}: cannot create the collection ({exc}); "
                "check the folder is writable or choose another path with --db"
            ) from None
        if getattr(exc, "sqlite_errorname", "") == "SQLITE_NOTADB":
            raise StoreError(
                f"{path}: not a flashcards collection (not an SQLite file); "
                "choose another path with --db or FLASHCARDS_DB"
            ) from None
        err = explain(exc, path, "opening it")
        if isinstance(err, CollectionDamaged):
            raise refuse_damaged(path, str(exc)) from None
        raise err from None


def _migrate(conn: sqlite3.Connection, path: Path, existed: bool) -> None:
    """Apply the pending schema steps in one write transaction, after a copy is kept.

    Under the write lock the steps still pending are looked at again: of two processes
    opening a new or older file at once, the second finds the work done.
    """
    db = _database(conn)
    # the copy first: SQLite's backup cannot read through a connection in a write transaction
    copy = _copy_before_migration(conn, path) if existed else None
    conn.execute("BEGIN IMMEDIATE")
    try:
        if not schema.migrations.pending(db):
            conn.execute("COMMIT")
            if copy is not None:  # another process did the work: this copy is not needed
                copy.unlink(missing_ok=True)
            return
        try:
            schema.migrations.apply(db)  # each step a savepoint inside this transaction
        except Exception as exc:
            kept = f"; the collection as it was is kept at {copy}" if copy else ""
            raise StoreError(
                f"{path}: upgrading the collection's schema failed ({exc}){kept}"
            ) from exc
        conn.execute(f"PRAGMA application_id = {APP_ID}")
        conn.execute(f"PRAGMA user_version = {len(schema.migrations._migrations)}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise


def _connect(
    path: Path, readonly: bool, writable: bool, busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    if not readonly:
        uri = _uri(path, mode="rwc")
    elif writable:
        uri = _uri(path, mode="rw")  # read-write, so SQLite tidies its -wal/-shm on close
    elif _has_wal(path):
        uri = _uri(path, mode="ro")  # changes still in a WAL: read them through it
    else:
        uri = _uri(path, immutable="1")  # nothing can change it: no locks, no -shm to make
    conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout_ms / 1000, check_same_thread=False)
    conn.isolation_level = None  # explicit transactions only
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    if readonly:
        conn.execute("PRAGMA query_only = ON")
    # up to 64 MiB of page cache (the default is 2 MiB): a build of 100,000+ cards
    # inserts into indexes on random hashes and otherwise re-reads pages it evicted
    conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
    # as sqlite-utils' Database sets on every connection it wraps (the schema's triggers
    # were written under it): a trigger's own writes fire the triggers on those rows too
    conn.execute("PRAGMA recursive_triggers = ON")
    return conn


def reader_uri(path: Path) -> str:
    """A URI that opens the collection at `path` for reading only, as `_connect` reads a
    file it may not write (for another connection to ATTACH next to its own)."""
    if _writable(path, True) or _has_wal(path):
        return _uri(path, mode="ro")
    return _uri(path, immutable="1")


def _database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    """`conn` as sqlite-utils' Database, for applying schema steps (imports it: ~35 ms)."""
    from flashcards.store.sqlite_lib import sqlite_utils

    return sqlite_utils.Database(conn, execute_plugins=False)  # no plugin scan: ~50 ms


def _has_wal(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def _check_ours(conn: sqlite3.Connection, path: Path) -> set[str]:
    """Refuse SQLite files of other programs and files of a newer flashcards; the names
    of the schema steps applied to it.

    The first query reads the header through SQLite: a file that is not SQLite fails
    here with SQLITE_NOTADB, and a damaged header with SQLITE_CORRUPT.
    """
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    steps = step_names()
    ours = MIGRATIONS_TABLE in tables
    applied: set[str] = set()
    if (
        app_id not in (0, APP_ID)
        or (tables and not ours)
        or (app_id == 0 and user_version and not ours)
    ):
        raise StoreError(f"{path}: {_NOT_OURS}")
    if ours:
        known = set(steps)
        applied = {
            r[0]
            for r in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?",
                (MIGRATION_SET,),
            )
        }
        if not applied and tables - {MIGRATIONS_TABLE}:
            raise StoreError(f"{path}: {_NOT_OURS}")
        newer = applied - known
        if newer:
            raise StoreError(
                f"{path}: was written by a newer flashcards (schema steps {', '.join(sorted(newer))}); "
                "upgrade flashcards to open it"
            )
    if user_version > len(steps) and app_id == APP_ID:
        raise StoreError(
            f"{path}: was written by a newer flashcards (schema version {user_version}, this "
            f"one knows {len(steps)}); upgrade flashcards to open it"
        )
    return applied


def _migrated_copy(conn: sqlite3.Connection) -> sqlite3.Connection:
    """The collection copied into memory and brought up to this schema, for reading."""
    memory = sqlite3.connect(":memory:", check_same_thread=False)
    conn.backup(memory)
    conn.close()
    schema.migrations.apply(_database(memory))
    memory.execute("PRAGMA query_only = ON")
    return memory


def _copy_before_migration(conn: sqlite3.Connection, path: Path) -> Path:
    """Copy the collection aside (SQLite's backup API) before a migration changes it."""
    target = path.with_name(f"{path.name}.before-migration-{time.strftime('%Y%m%d-%H%M%S')}")
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def refuse_damaged(path: Path, detail: str) -> CollectionDamaged:
    """The error for a damaged file, naming the newest backup to restore."""
    from flashcards.store.backup import newest_backup

    return CollectionDamaged(damaged_message(path, detail, newest_backup(path)))


__all__ = ["CollectionReadOnly", "Opened", "open_database", "refuse_damaged"]
