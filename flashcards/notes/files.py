"""The vault walk and bounded reads: which files are notes, and reading them safely.

Reads are bounded: only regular files are read (a FIFO named `x.md` would
block forever, a link to `/dev/zero` would never end), opened non-blocking and
checked with fstat before a byte is read, and never beyond a size cap (20 MB
by default; a deck spec's `max_file_mb` changes it). Folders that cannot be
listed are reported, never silently skipped: a build must not take their
files for deleted ones.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from flashcards.notes.outline import Note, NoteError, parse_note

MAX_FILE_MB = 20
NOTE_SUFFIXES = (".md", ".markdown")
# Folders a notes vault keeps that are not notes: Logseq's backups and trash, VCS and app state.
SKIP_DIRS = {"bak", ".recycle", "version-files", "node_modules"}


@dataclass
class Walk:
    """What walking the notes paths found besides the files themselves."""

    unreadable: dict[str, str] = field(default_factory=dict)  # folder -> why it was not listed
    hidden: list[str] = field(default_factory=list)  # dot-folders left out, as Obsidian does


def note_files(paths: Iterable[str | Path], walk: Walk | None = None) -> Iterator[Path]:
    """Notes files (`*.md`, `*.markdown`) under the given files and folders, sorted,
    skipping vault internals. Folders that cannot be listed go to `walk.unreadable`."""
    for path in paths:
        if os.path.isdir(path):
            yield from map(Path, _walk_folder(os.fspath(path), walk))
        else:
            yield Path(path)


def note_paths(paths: Iterable[str | Path], walk: Walk | None = None) -> Iterator[str]:
    """`note_files` as absolute path strings: a build walks tens of thousands of files
    on every rebuild, and a Path per file cost a fifth of a no-change rebuild."""
    for path in paths:
        path = os.path.abspath(path)
        if os.path.isdir(path):
            yield from _walk_folder(path, walk)
        else:
            yield path


def _walk_folder(path: str, walk: Walk | None) -> list[str]:
    """The notes files under a folder in the order Paths sort (by their parts): each
    folder's files and subfolders by name, a subfolder's files where its name falls.
    Symlinked folders are listed but not entered (as os.walk does by default)."""
    found: list[str] = []
    _walk_into(path, walk, found)
    return found


def _walk_into(folder: str, walk: Walk | None, found: list[str]) -> None:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=_name)
    except OSError as err:
        if walk is not None:
            walk.unreadable[str(err.filename or folder)] = err.strerror or str(err)
        return
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if name.startswith("."):
                if walk is not None:
                    walk.hidden.append(entry.path)
            elif name not in SKIP_DIRS and not entry.is_symlink():
                _walk_into(entry.path, walk, found)
        elif name.lower().endswith(NOTE_SUFFIXES) and not name.startswith("."):
            found.append(entry.path)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def read_bounded(
    path: str | Path, max_bytes: int, shown: str | None = None
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most `max_bytes`, and its stat; else NoteError.

    The file is opened non-blocking (a FIFO does not wait for a writer) and checked
    with fstat on the open descriptor, so a file swapped for a pipe after a stat is
    still refused.
    """
    where = shown or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise unreadable_error(where, exc) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NoteError(
                where, None, "is not a regular file (a pipe, device or socket); only files are read"
            )
        if st.st_size > max_bytes:
            raise _too_big(where, st.st_size, max_bytes)
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > max_bytes:  # it grew while being read
                raise _too_big(where, size, max_bytes)
        return b"".join(chunks), st
    except OSError as exc:
        raise unreadable_error(where, exc) from None
    finally:
        os.close(fd)


def unreadable_error(where: str, exc: OSError) -> NoteError:
    err = NoteError(where, None, f"cannot be read ({exc.strerror or exc})")
    err.unreadable = True  # the file's fault (permissions...), not its content's
    return err


def _too_big(where: str, size: int, max_bytes: int) -> NoteError:
    return NoteError(
        where,
        None,
        f"is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:g} MB limit for one notes file; "
        "split it, or raise `max_file_mb` in the deck spec",
    )


def read_note(
    path: str | Path, display_path: str | None = None, max_bytes: int | None = None
) -> Note:
    """Read one notes file (a regular file within the size cap). Raises NoteError for
    anything a user must fix."""
    shown = display_path or str(path)
    raw, _ = read_bounded(path, max_bytes or MAX_FILE_MB * 1_000_000, shown)
    return parse_note(raw, shown)
