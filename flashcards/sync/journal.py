"""The journal format: one device's reviews, one JSON object a line, in `<device>.jsonl`.

```
{"flashcards_journal": 1, "device": "5f0c2a9e1b7d4c33"}
{"guid": "...", "deck": "Spanish", "hash": "9a0b...", "time": 1741608000000,
 "day": "2025-03-10", "q": 4, "duration": 3200, "kind": "review", "device": "5f0c..."}
```
The first line is the header: the format version and the device that writes the file
(only that device ever does). Each further line is one review: the card's guid on
that device and its deck and content hash (a card built from the same notes has the
same deck and hash on every device, while guids are made per collection), the answer
time in UTC milliseconds, the study day the answering device counted it in, the SM-2
quality, the answer's duration (null when unknown), its kind and its device. An undo
is a line of kind `undo` repeating the review it takes back.

Reading is bounded and forgiving: only whole lines count (a file copied while it was
being written ends in a torn line, read once it is complete), a line that is not JSON
or has a field this version does not know is skipped with a warning naming
file:line, and a journal of a newer format version is refused.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

FORMAT_VERSION = 1
SUFFIX = ".jsonl"
MAX_LINE = 8192  # bytes: a review line is ~250
MAX_READ = 256 * 1024 * 1024  # bytes read from one journal per sync; the rest next time
KINDS = frozenset({"review", "drill", "cram", "ahead", "import", "undo"})
UNDO = "undo"
_FIELDS = ("guid", "deck", "hash", "time", "day", "q", "duration", "kind", "device")
_MAX_TIME = 253_402_300_799_999  # 9999-12-31T23:59:59.999Z


class JournalError(Exception):
    """A journal that cannot be read at all (newer format, another device's header...)."""


class Entry(NamedTuple):
    """One journal line: a review (or an undo) of one device."""

    device: str
    guid: str
    deck: str
    hash: str
    time: int
    day: str
    q: int
    duration: int | None
    kind: str


def header(device: str) -> bytes:
    return (json.dumps({"flashcards_journal": FORMAT_VERSION, "device": device}) + "\n").encode()


def encode(entry: Entry) -> bytes:
    """The line of an entry, newline included."""
    return (json.dumps(dict(zip(_FIELDS, _values(entry), strict=True))) + "\n").encode()


def _values(entry: Entry) -> tuple:
    return (
        entry.guid,
        entry.deck,
        entry.hash,
        entry.time,
        entry.day,
        entry.q,
        entry.duration,
        entry.kind,
        entry.device,
    )


def check_header(line: bytes, where: str) -> str:
    """The device a header line names; JournalError when it is no header of ours or
    comes from a newer version."""
    try:
        head = json.loads(line)
    except ValueError:
        head = None
    if not isinstance(head, dict) or "flashcards_journal" not in head:
        raise JournalError(f"{where}: not a flashcards journal (no header line); leave it out")
    version = head["flashcards_journal"]
    if not isinstance(version, int) or isinstance(version, bool):
        raise JournalError(f"{where}: the journal's format version {version!r} is not a number")
    if version > FORMAT_VERSION:
        raise JournalError(
            f"{where}: journal format version {version} is newer than this flashcards reads "
            f"({FORMAT_VERSION}); update flashcards on this device, then sync again"
        )
    device = head.get("device")
    if not isinstance(device, str) or not _short(device):
        raise JournalError(f"{where}: the journal's header names no device")
    return device


def _short(value: object, limit: int = 200) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and value.isprintable()


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse(line: bytes, device: str) -> Entry | str:
    """The entry of a review line of `device`'s journal, or why it is skipped."""
    try:
        obj = json.loads(line)
    except ValueError:
        return "not JSON"
    if not isinstance(obj, dict):
        return "not a JSON object"
    unknown = sorted(set(obj) - set(_FIELDS))
    if unknown:
        return f"unknown field {unknown[0]!r}"
    missing = [name for name in _FIELDS if name not in obj]
    if missing:
        return f"missing field {missing[0]!r}"
    if obj["device"] != device:
        return f"device {obj['device']!r} in the journal of {device!r}"
    for name in ("guid", "hash"):
        if not _short(obj[name], 64):
            return f"{name} is not a short string"
    if not _short(obj["deck"], 1000):
        return "deck is not a deck name"
    if not _int(obj["time"]) or not 0 <= obj["time"] <= _MAX_TIME:
        return "time is not milliseconds since 1970"
    if not _int(obj["q"]) or not 0 <= obj["q"] <= 5:
        return "q is not an SM-2 quality 0-5"
    duration = obj["duration"]
    if duration is not None and (not _int(duration) or not 0 <= duration < 2**53):
        return "duration is not milliseconds"
    if obj["kind"] not in KINDS:
        return f"unknown kind {obj['kind']!r}"
    day = obj["day"]
    try:
        if not isinstance(day, str) or len(day) != 10:
            raise ValueError
        date.fromisoformat(day)
    except ValueError:
        return "day is not a date (YYYY-MM-DD)"
    return Entry(
        device,
        obj["guid"],
        obj["deck"],
        obj["hash"],
        obj["time"],
        day,
        obj["q"],
        duration,
        obj["kind"],
    )


@dataclass
class Read:
    """What one read of a journal found past where the last one stopped."""

    device: str
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    offset: int = 0  # just past the last whole line read
    lines: int = 0  # whole lines up to `offset`
    size: int = 0  # the file's size when read


def file_size(path: Path) -> int | None:
    """The size of a journal that is a regular file (None: it is something else)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def read_new(path: Path, offset: int, lines: int) -> Read:
    """The whole lines of a journal after byte `offset` (line `lines`); a file shorter
    than that was replaced and is read from the start (what was read before is known
    and adds nothing). JournalError for a journal that cannot be read."""
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
    except OSError as err:
        raise JournalError(f"{path}: cannot be read ({err.strerror}); check it") from None
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise JournalError(f"{path}: not a regular file; leave only journals here")
        size = info.st_size
        first = f.readline(MAX_LINE)
        if not first.endswith(b"\n"):
            # a header still being written: nothing to read yet
            return Read(device="", offset=0, lines=0, size=size)
        device = check_header(first.rstrip(b"\n"), f"{path}:1")
        if size < offset or offset < len(first):
            offset, lines = len(first), 1
        f.seek(offset)
        data = f.read(min(size - offset, MAX_READ))
    whole = data.rfind(b"\n") + 1  # a torn last line waits until it is complete
    found = Read(device=device, offset=offset + whole, lines=lines, size=size)
    for raw in data[:whole].split(b"\n")[:-1]:
        found.lines += 1
        if len(raw) > MAX_LINE:
            why: Entry | str = f"longer than {MAX_LINE} bytes"
        elif not raw.strip():
            continue
        else:
            why = parse(raw, device)
        if isinstance(why, str):
            found.warnings.append(f"{path}:{found.lines}: {why}; line skipped")
        else:
            found.entries.append(why)
    return found
