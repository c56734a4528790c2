"""Is the collection file sound? Checked on open, cheaply (`doctor` checks it fully).

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

import platformdirs

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
    except OSError:
        return key
    if wal.st_size:  # an empty WAL holds nothing: the same file as none (closing deletes it)
        key += [wal.st_size, wal.st_mtime_ns]
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


def check_once(conn: sqlite3.Connection, path: Path) -> list[str]:
    """What is wrong with the file ([] when it is sound); files known sound as they are
    are not read again."""
    key = identity(path)
    if key is not None and _load().get(str(path.absolute())) == key:
        return []
    problems = damage(conn)
    if not problems:
        remember(path)
    return problems
