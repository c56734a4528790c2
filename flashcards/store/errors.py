"""What went wrong with the collection file, in words that tell the truth.

SQLite reports a read-only file, a lock held too long, a full disk and a
damaged file with different result codes; each becomes its own `StoreError`
with a message that says what happened and what to do. "May be damaged" is
said only of a file SQLite found damaged: following that advice (restoring a
copy) could cost reviews, so a busy or read-only file must never hear it.
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path


class StoreError(Exception):
    """A collection file that cannot be used as asked; the file is left as it was."""


class CollectionReadOnly(StoreError):
    """The file (or its folder, or its file system) cannot be written."""


class CollectionBusy(StoreError):
    """Another process held the write lock for longer than the busy timeout."""


class DiskFull(StoreError):
    """The disk (or a quota) is full: nothing was written."""


class CollectionDamaged(StoreError):
    """SQLite found the file damaged: it is refused, never written."""


def _name(exc: BaseException) -> str:
    return getattr(exc, "sqlite_errorname", "") or ""


def is_busy(exc: BaseException) -> bool:
    name = _name(exc)
    if name:
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
    text = str(exc)
    return "database is locked" in text or "busy" in text


def explain(exc: BaseException, path: Path | str, doing: str = "") -> StoreError:
    """The StoreError a failed SQLite (or OS) call on the collection at `path` means.

    `doing` says what was being done ("saving the answer"), for the message.
    """
    if isinstance(exc, StoreError):
        return exc
    what = f" while {doing}" if doing else ""
    name = _name(exc)
    text = str(exc)
    os_errno = getattr(exc, "errno", None)
    if name.startswith("SQLITE_READONLY") or "readonly database" in text or os_errno == errno.EROFS:
        return CollectionReadOnly(
            f"{path}: the collection is read-only{what} (it, its folder or its disk cannot be "
            "written); nothing was changed — reading still works. Make it writable, or pass "
            "another file with --db"
        )
    if is_busy(exc):
        return CollectionBusy(
            f"{path}: the collection is busy{what}: another flashcards is writing to it; "
            "nothing was lost — wait for it to finish and try again"
        )
    if name == "SQLITE_FULL" or "disk is full" in text or os_errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(
            f"{path}: the disk is full{what}; nothing was written. Free some space and try again"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return CollectionDamaged(damaged_message(path, text))
    if name.startswith("SQLITE_CANTOPEN") or name.startswith("SQLITE_PERM"):
        return StoreError(
            f"{path}: the collection cannot be opened{what} ({text}); check that the file and "
            "its folder exist and that you may read them"
        )
    if name.startswith("SQLITE_IOERR") or isinstance(exc, OSError):
        return StoreError(
            f"{path}: the disk reported an error{what} ({text}); nothing was changed. "
            "Check the disk and try again"
        )
    return StoreError(f"{path}: the collection could not be used{what} ({text})")


def damaged_message(path: Path | str, detail: str, backup: Path | None = None) -> str:
    where = (
        f"the newest backup is {backup}: `flashcards restore {backup}`"
        if backup
        else "restore a copy of it (`flashcards backup --list` shows the backups)"
    )
    return (
        f"{path}: the collection file is damaged ({detail}); it was not changed and will not "
        f"be written to — {where}, or pass another file with --db (`flashcards doctor` "
        "tells more)"
    )


def reraise_as_store_error(exc: sqlite3.Error | OSError, path: Path | str, doing: str = "") -> None:
    """Raise the StoreError `exc` means, hiding the SQLite traceback from users."""
    raise explain(exc, path, doing) from exc
