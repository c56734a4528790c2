"""This device's own journal: created with its header, appended to, fsync'd.

Only this device writes `<device>.jsonl`. A line torn by a crash mid-append is cut
off before the next append (the file is ours, and what it held is still in the
collection: the mark that says what was written only moves once the lines are on
disk), so a torn line never glues onto the next.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from flashcards.sync.journal import MAX_LINE, Entry, JournalError, check_header, encode, header

_TAIL = 64 * 1024


def append(path: Path, device: str, entries: Sequence[Entry]) -> None:
    """Append entries to this device's journal at `path` (made when missing), on disk
    when this returns. JournalError when the file cannot be written or is not ours."""
    if not entries:
        return
    created = not path.exists()
    need_header = created
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0)) if not created else None
        if fd is not None:
            _check_ours(fd, path, device)
            _cut_torn_tail(fd)
            need_header = os.fstat(fd).st_size == 0
            os.close(fd)
        fd = os.open(path, flags, 0o644)
        try:
            data = (header(device) if need_header else b"") + b"".join(map(encode, entries))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if created:
            _fsync_folder(path.parent)
    except OSError as err:
        raise JournalError(
            f"{path}: this device's journal cannot be written ({err.strerror}); "
            "check the folder's permissions and free space"
        ) from None


def _check_ours(fd: int, path: Path, device: str) -> None:
    first = os.pread(fd, MAX_LINE, 0).split(b"\n", 1)[0]
    if not first:
        return
    if check_header(first, f"{path}:1") != device:
        raise JournalError(
            f"{path}:1: the journal names another device; this collection's is {device}"
        )


def _cut_torn_tail(fd: int) -> None:
    size = os.fstat(fd).st_size
    end = size
    while end > 0:
        start = max(0, end - _TAIL)
        chunk = os.pread(fd, end - start, start)
        if chunk.endswith(b"\n") and end == size:
            return  # whole lines only: nothing torn
        newline = chunk.rfind(b"\n")
        if newline >= 0:
            os.ftruncate(fd, start + newline + 1)
            return
        end = start
    os.ftruncate(fd, 0)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # some platforms cannot open a folder; the file itself is on disk
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
