"""Writing an export safely: temporary files of our own naming, signals, full disks.

A file is written next to its target under a temporary name and renamed over it,
so a reader never sees half an export and a failed export leaves no file behind.
Temporary files are named `.NAME.flashcards-export-PID-RANDOM.part` (the apkg
writer's scratch database `….anki2`): the name says whose they are, so an export
into a folder removes the ones a killed export left there (their process is gone),
and nothing else. SIGTERM and SIGHUP during the write raise `ExportInterrupted`,
which removes the partial files on its way out. A full disk, or any other failed
write, is an `ExportError` that says so and names the file. Cells that a
spreadsheet would read as a formula are defused by `spreadsheet_cell`.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar


class ExportError(Exception):
    """An export a user asked for that cannot be made; nothing was written."""


class ExportInterrupted(SystemExit):
    """SIGTERM or SIGHUP arrived while an export was being written.

    The partial files are removed as it propagates. A SystemExit, like the signal's
    own default action: a script that does not catch it ends with its one-line
    message and status 1, no traceback; `except Exception` does not swallow it.
    """

    def __init__(self, target: Path | str, signum: int) -> None:
        self.signum = signum
        name = signal.Signals(signum).name
        super().__init__(f"{target}: the export was stopped by {name}; nothing was written")


def check_target(path: str | Path, force: bool = False) -> Path:
    """The output path, or ExportError saying why it cannot be written."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; pass a file name, e.g. {target / 'deck.apkg'}")
    parent = target.parent
    if not parent.is_dir():
        raise ExportError(
            f"{target}: folder {parent} does not exist; create it first or choose another path"
        )
    if target.exists() and not force:
        raise ExportError(f"{target}: already exists; pass --force to overwrite it")
    return target


# -- temporary files ------------------------------------------------------------------

TEMP_TAG = "flashcards-export"
# `.deck.apkg.flashcards-export-4242-k3j2h1g0.part`; the apkg's scratch database ends
# `.anki2` (and SQLite would name its journal `….anki2-journal`)
_TEMP_NAME = re.compile(
    rf"\..+\.{TEMP_TAG}-([1-9][0-9]{{0,9}})-[a-z0-9_]+\.(?:part|anki2)(?:-journal)?", re.DOTALL
)
_SHOWN_NAME_BYTES = 100  # of the target's name in a temporary name (names are ≤ 255 bytes)


def temp_file(folder: Path, name: str, suffix: str) -> Path:
    """A new empty file in `folder`, named as ours for target `name`:
    `.NAME.flashcards-export-PID-RANDOM{suffix}`."""
    shown = name.encode()[:_SHOWN_NAME_BYTES].decode(errors="ignore")
    fd, tmp = tempfile.mkstemp(
        dir=folder, prefix=f".{shown}.{TEMP_TAG}-{os.getpid()}-", suffix=suffix
    )
    os.close(fd)
    return Path(tmp)


def temp_owner(name: str) -> int | None:
    """The pid in a temporary file name of ours; None for any other name."""
    if TEMP_TAG not in name:
        return None
    m = _TEMP_NAME.fullmatch(name)
    return int(m.group(1)) if m else None


def _process_gone(pid: int) -> bool:
    """True only when no process `pid` exists: this one, or another user's, is alive."""
    if os.name == "nt" or pid == os.getpid():
        return False  # (on Windows os.kill(pid, 0) would terminate that process)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):
        return False  # alive but not ours (EPERM), or cannot tell: keep the file
    return False


def remove_own(folder: Path, name: str) -> None:
    """Remove this process's temporary files for target `name` in `folder`."""
    shown = name.encode()[:_SHOWN_NAME_BYTES].decode(errors="ignore")
    prefix = f".{shown}.{TEMP_TAG}-{os.getpid()}-"
    with suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name.startswith(prefix) and entry.is_file(follow_symlinks=False):
                with suppress(OSError):
                    os.unlink(entry.path)


def sweep_stale(folder: Path) -> list[Path]:
    """Remove the temporary files a killed export left in `folder`: regular files of
    our naming whose process is gone. Anything else is left alone; returns what went."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        pid = temp_owner(entry.name)
        if pid is None or not _process_gone(pid):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            pass  # another export swept it first, or the folder is read-only
    return removed


def write_failure(target: Path | str, exc: OSError) -> ExportError:
    """The ExportError for a write to `target` that failed with `exc`."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ExportError(
            f"{target}: the disk is full; nothing was written — free some space and try again"
        )
    reason = exc.strerror or str(exc) or type(exc).__name__
    return ExportError(
        f"{target}: cannot write the export ({reason}); nothing was written — "
        "check the folder and its disk, or choose another path"
    )


# -- signals --------------------------------------------------------------------------

_STOP_SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


class _StopSignals:
    """SIGTERM and SIGHUP, while an export writes: armed, they raise ExportInterrupted
    (so the cleanup runs); installed but not armed, they wait (see `restore`).

    Only signals left at their default action are taken: one that is ignored (nohup)
    or handled by the program calling us stays as it was. Only the main thread can
    install handlers; elsewhere this does nothing.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.armed = False
        self.pending: int | None = None
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        for sig in _STOP_SIGNALS:
            try:
                if signal.getsignal(sig) == signal.SIG_DFL:
                    self.previous[sig] = signal.signal(sig, self._handle)
            except (ValueError, OSError):
                pass

    def _handle(self, signum: int, frame: object) -> None:
        if self.armed:
            self.armed = False  # one exception; a second signal while unwinding waits
            raise ExportInterrupted(self.target, signum)
        if self.pending is None:
            self.pending = signum

    def arm(self) -> None:
        """From now on a signal raises; one that came while disarmed raises at once."""
        if self.pending is not None:
            signum, self.pending = self.pending, None
            raise ExportInterrupted(self.target, signum)
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def restore(self, redeliver: bool) -> None:
        """The previous handlers back; a signal that waited is delivered to them now
        (unless `redeliver` is False: the export was interrupted already)."""
        self.armed = False
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self.previous.clear()
        if redeliver and self.pending is not None:
            signal.raise_signal(self.pending)


@contextmanager
def atomic_path(path: str | Path, force: bool = False) -> Iterator[Path]:
    """A temporary file next to `path`, renamed over it when the block succeeds.

    The temporary file lives in the target's folder so the final `os.replace`
    is a rename on one file system (atomic); on any error, and on SIGTERM or
    SIGHUP (ExportInterrupted), it is removed and `path` is left as it was.
    Temporary files that killed exports left in the folder are removed first.
    """
    target = check_target(path, force)
    sweep_stale(target.parent)
    stop = _StopSignals(target)
    stop.install()  # before the file exists, so that no signal can leave it behind
    try:
        tmp = temp_file(target.parent, target.name, ".part")
    except BaseException as exc:
        stop.restore(redeliver=True)
        if not isinstance(exc, OSError):
            raise
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise write_failure(target, exc) from None
        raise ExportError(
            f"{target}: cannot write in {target.parent} ({exc.strerror}); choose another folder"
        ) from None
    interrupted = False
    try:
        stop.arm()
        yield tmp
        stop.disarm()  # a signal from here on waits for the rename
        if target.exists() and not force:  # appeared while we were writing
            raise ExportError(f"{target}: already exists; pass --force to overwrite it")
        with suppress(OSError):
            # mkstemp makes the file private; an export gets the usual permissions
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException as exc:
        stop.disarm()
        interrupted = isinstance(exc, ExportInterrupted)
        with suppress(OSError):
            tmp.unlink()
        # and any scratch file of this export's (a signal may land between a scratch
        # file's making and its writer knowing its name)
        remove_own(target.parent, target.name)
        raise
    finally:
        stop.restore(redeliver=not interrupted)


# -- spreadsheet cells ----------------------------------------------------------------

_Cell = TypeVar("_Cell")
FORMULA_START = frozenset("=+-@\t\r")  # what a formula cell starts with
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def spreadsheet_cell(value: _Cell, html: bool = False) -> _Cell:
    """A cell that a spreadsheet cannot read as a formula (OWASP, "CSV Injection").

    Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
    `'`, or, in an HTML field (`html=True`), has that first character written as a
    character reference (`=` → `&#61;`), which Anki shows as the same character.
    Numbers, and text that is a number (`-5`, `1e3`), are left as they are.
    """
    if not isinstance(value, str) or not value or value[0] not in FORMULA_START:
        return value
    if _NUMBER.fullmatch(value):
        return value
    if html:
        return f"&#{ord(value[0])};{value[1:]}"  # type: ignore[return-value]
    return "'" + value  # type: ignore[return-value]
