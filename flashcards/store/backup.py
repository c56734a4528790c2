"""Backups of the collection, as Anki keeps them: daily, thinned, made by SQLite.

A backup is made at most once a (local) day, when the collection is opened
for writing, with SQLite's online backup API (a consistent copy even while
other processes use the file), into `backups/` beside the collection (for
the default collection, the user data folder's `backups/`). Before each one
the file is checked in full: a damaged collection is never copied over a good
backup. Thinning keeps the newest backup of each of the last 7 days that have
one, and the newest of each of the 4 weeks before those; `flashcards backup`
makes one on demand; `restore.py` puts one back.
"""

from __future__ import annotations

import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flashcards.store import soundness
from flashcards.store.errors import CollectionDamaged, StoreError, damaged_message, explain

DAILY = 7
WEEKLY = 4
_STAMP = "%Y-%m-%d-%H%M%S"
_NAME = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{4}-\d{2}-\d{2}-\d{6})(?:-(?P<why>[a-z][a-z-]*))?(?:-\d+)?\.sqlite$"
)


@dataclass(frozen=True)
class Backup:
    path: Path
    made: datetime  # local time
    why: str  # "" for the daily ones; "manual", "before-restore"
    size: int


def backups_dir(collection: Path) -> Path:
    return collection.parent / "backups"


def list_backups(collection: Path) -> list[Backup]:
    """This collection's backups, newest first."""
    folder = backups_dir(collection)
    found: list[Backup] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m or m["stem"] != collection.stem or not entry.is_file():
            continue
        try:
            made = datetime.strptime(m["stamp"], _STAMP)
        except ValueError:
            continue
        found.append(Backup(Path(entry.path), made, m["why"] or "", entry.stat().st_size))
    found.sort(key=lambda b: (b.made, b.path.name), reverse=True)
    return found


def newest_backup(collection: Path) -> Path | None:
    backups = list_backups(collection)
    return backups[0].path if backups else None


def make_backup(
    conn: sqlite3.Connection, collection: Path, now: datetime | None = None, why: str = ""
) -> Path:
    """Copy the open collection into `backups/` with SQLite's backup API; its path."""
    problems = soundness.damage(conn, 3)
    if problems:
        raise CollectionDamaged(
            damaged_message(collection, "; ".join(problems), newest_backup(collection))
        )
    when = (now or datetime.now()).strftime(_STAMP)
    folder = backups_dir(collection)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"{folder}: cannot make the backups folder ({exc.strerror or exc}); nothing was changed"
        ) from None
    base = f"{collection.stem}-{when}{'-' + why if why else ''}"
    target = folder / f"{base}.sqlite"
    n = 1
    while target.exists():  # two backups within one second
        n += 1
        target = folder / f"{base}-{n}.sqlite"
    part = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        dest = sqlite3.connect(str(part))
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
        finally:
            dest.close()
        os.replace(part, target)
    except (sqlite3.Error, OSError) as exc:
        part.unlink(missing_ok=True)
        raise explain(exc, target, "making a backup") from None
    return target


def daily_backup(
    conn: sqlite3.Connection, collection: Path, now: datetime | None = None
) -> Path | None:
    """A backup, unless one was made today; then the old ones are thinned. Its path or None."""
    now = now or datetime.now()
    backups = list_backups(collection)
    if any(b.made.date() == now.date() and b.why == "" for b in backups):
        return None
    made = make_backup(conn, collection, now)
    thin(collection)
    return made


def thin(collection: Path) -> list[Path]:
    """Drop daily backups beyond the newest per day of 7 days and per week of 4 weeks."""
    daily = [b for b in list_backups(collection) if b.why == ""]
    keep: set[Path] = set()
    days: list = []
    weeks: list = []
    for b in daily:  # newest first
        day = b.made.date()
        if day not in days and len(days) < DAILY:
            days.append(day)
            keep.add(b.path)
            continue
        if day in days:
            continue
        week = day.isocalendar()[:2]
        if (
            week not in weeks
            and len(weeks) < WEEKLY
            and all(d.isocalendar()[:2] != week for d in days)
        ):
            weeks.append(week)
            keep.add(b.path)
    dropped = []
    for b in daily:
        if b.path not in keep:
            b.path.unlink(missing_ok=True)
            dropped.append(b.path)
    return dropped
