"""`flashcards restore FILE`: a backup put in place of the collection, its copy kept first.

Both copies are made by SQLite where they can be: the backup is checked (a
flashcards collection, not damaged) and copied page by page into the
collection file, under SQLite's locks, so a process holding the collection
open sees the restored file, not a torn one. A damaged collection, which
SQLite cannot write into, is copied aside byte for byte and replaced.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from flashcards.store.backup import _STAMP, backups_dir, make_backup
from flashcards.store.connection import open_database
from flashcards.store.errors import CollectionDamaged, StoreError, explain


def restore(collection: Path, source: Path, now: datetime | None = None) -> Path | None:
    """Put the backup `source` in place of the collection, keeping a copy of it first.

    Both copies are made by SQLite: `source` is checked (a flashcards collection, not
    damaged) and copied page by page into the collection file, under SQLite's locks, so
    a process holding the collection open sees the restored file, not a torn one.
    Returns the copy of the file as it was (None when there was no collection yet).
    """
    if source.resolve() == collection.resolve():
        raise StoreError(f"{source}: is the collection itself; name a backup to restore")
    backup = open_database(source, readonly=True)  # refuses what is not a sound collection
    try:
        kept = None
        damaged = False
        if collection.exists() and collection.stat().st_size > 0:
            try:
                current = open_database(collection)
            except CollectionDamaged:
                damaged = True
                kept = _copy_damaged(collection, now)
            else:
                try:
                    kept = make_backup(current.conn, collection, now, why="before-restore")
                finally:
                    current.conn.close()
        try:
            if damaged:
                _replace_damaged(backup.conn, collection)
            else:
                dest = sqlite3.connect(str(collection))
                try:
                    backup.conn.backup(dest)
                finally:
                    dest.close()
        except (sqlite3.Error, OSError) as exc:
            raise explain(exc, collection, "restoring the backup") from None
    finally:
        backup.conn.close()
    return kept


def _copy_damaged(collection: Path, now: datetime | None) -> Path:
    """A byte copy of a damaged collection (and its WAL), which SQLite cannot read.

    Safe only because this process holds no connection to the file (restore opens
    none to a damaged file): closing a descriptor cannot drop a lock it does not hold.
    """
    import shutil

    folder = backups_dir(collection)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now()).strftime(_STAMP)
    target = folder / f"{collection.stem}-{stamp}-damaged.sqlite"
    shutil.copyfile(collection, target)
    wal = collection.with_name(collection.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + "-wal"))
    return target


def _replace_damaged(source: sqlite3.Connection, collection: Path) -> None:
    """Write the backup beside a damaged collection and rename it over it.

    SQLite cannot write into a file whose pages it cannot read; its old -wal and -shm
    belong to the damaged file and would be replayed into the new one, so they go.
    """
    part = collection.with_name(f".{collection.name}.{os.getpid()}.restoring")
    dest = sqlite3.connect(str(part))
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    os.replace(part, collection)
    for suffix in ("-wal", "-shm"):
        collection.with_name(collection.name + suffix).unlink(missing_ok=True)
