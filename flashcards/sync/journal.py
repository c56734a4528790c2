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
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import BinaryIO, NamedTuple

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
    """The line of an entry, newline included: `json.dumps` of its fields in `_FIELDS`'
    order, byte for byte, filled into a template when every field has the type a review
    gives it (a third of the time of building a dict and dumping it, for the 300,000
    reviews a collection's first sync writes)."""
    device, guid, deck, content_hash, time, day, q, duration, kind = entry
    if (
        type(guid) is str
        and type(deck) is str
        and type(content_hash) is str
        and type(time) is int
        and type(day) is str
        and type(q) is int
        and (duration is None or type(duration) is int)
        and type(kind) is str
        and type(device) is str
    ):
        return (
            _LINE
            % (
                _string(guid),
                _string(deck),
                _string(content_hash),
                time,
                _string(day),
                q,
                "null" if duration is None else duration,
                _string(kind),
                _string(device),
            )
        ).encode()
    return (json.dumps(dict(zip(_FIELDS, _values(entry), strict=True))) + "\n").encode()


_string = encode_basestring_ascii  # a JSON string as json.dumps writes it (ensure_ascii)
_LINE = "{" + ", ".join(f'"{name}": %s' for name in _FIELDS) + "}\n"


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
    except (ValueError, RecursionError):
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
        obj = _loads(line)
    except ValueError:
        return "not JSON"
    except RecursionError:  # JSON, but arrays in arrays deeper than the decoder goes
        return "nested too deep"
    if type(obj) is dict and tuple(obj) == _FIELDS:  # as `encode` writes it: the fast way
        found = _fast(obj, device)
        if found is not None:
            return found
    return _check(obj, device)


_scan = json.JSONDecoder().scan_once


def _loads(line: bytes) -> object:
    """`json.loads(line)`, without its per-call set-up for a line as `encode` writes it."""
    try:
        text = line.decode()
        obj, end = _scan(text, 0)
        if end == len(text):
            return obj
    except (UnicodeDecodeError, StopIteration, ValueError):
        pass
    return json.loads(line)  # whitespace around it, another encoding, or not JSON: its word


_days: set[str] = set()  # the days seen valid: a journal holds few distinct ones


def _fast(obj: dict, device: str) -> Entry | None:
    """The entry of a line whose every field is as it should be; None otherwise (then
    `_check` says what is wrong)."""
    guid, deck, content_hash, time, day, q, duration, kind, dev = obj.values()
    if (
        dev == device
        and type(guid) is str
        and 0 < len(guid) <= 64
        and guid.isprintable()
        and type(content_hash) is str
        and 0 < len(content_hash) <= 64
        and content_hash.isprintable()
        and type(deck) is str
        and 0 < len(deck) <= 1000
        and deck.isprintable()
        and type(time) is int
        and 0 <= time <= _MAX_TIME
        and type(q) is int
        and 0 <= q <= 5
        and (duration is None or (type(duration) is int and 0 <= duration < 2**53))
        and kind in KINDS
        and day in _days
    ):
        return Entry(device, guid, deck, content_hash, time, day, q, duration, kind)
    return None


def _check(obj: object, device: str) -> Entry | str:
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
    if len(_days) < 100_000:
        _days.add(day)
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


class Seen(NamedTuple):
    """How far a journal was read, and how it looked then (a row of `sync_peers`)."""

    offset: int = 0  # just past the last whole line read
    lines: int = 0  # whole lines up to `offset`
    size: int = -1  # the file's size when read
    mtime_ns: int = 0  # and its modification time
    tail: bytes = b""  # the last line before `offset`: unique, as it names card and time


@dataclass
class Read:
    """What one read of a journal found past where the last one stopped."""

    device: str
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seen: Seen = Seen()


def file_mark(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a journal that is a regular file (None: it is
    something else, or gone)."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns) if stat.S_ISREG(info.st_mode) else None


def unchanged(path: Path, seen: Seen | None) -> bool:
    """Whether a journal has the size and time it had when last read: nothing to read."""
    return seen is not None and file_mark(path) == (seen.size, seen.mtime_ns)


def read_new(path: Path, seen: Seen | None = None) -> Read:
    """The whole lines of a journal after where the last read stopped (`seen`). A file
    that was rewritten rather than appended to — shorter than that, or other bytes
    before that offset — is read from the start (what was read before is known and
    adds nothing). JournalError for a journal that cannot be read."""
    offset, lines, _, _, tail = seen or Seen()
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
        size, mtime_ns = info.st_size, info.st_mtime_ns
        first = f.readline(MAX_LINE)
        if not first.endswith(b"\n"):
            # a header still being written: nothing to read yet
            return Read(device="", seen=Seen(0, 0, size, mtime_ns))
        device = check_header(first.rstrip(b"\n"), f"{path}:1")
        if size < offset or offset < len(first) or not _same_tail(f, offset, tail):
            offset, lines = len(first), 1
        f.seek(offset)
        data = f.read(min(size - offset, MAX_READ))
        whole = data.rfind(b"\n") + 1  # a torn last line waits until it is complete
        end = offset + whole
        if offset + len(data) < size:
            size = -1  # more than MAX_READ waits: the next sync reads on, changed or not
        found = Read(device=device, seen=Seen(end, lines, size, mtime_ns, _last_line(f, end)))
    count = lines
    for raw in data[:whole].split(b"\n")[:-1]:
        count += 1
        if len(raw) > MAX_LINE:
            why: Entry | str = f"longer than {MAX_LINE} bytes"
        elif not raw.strip():
            continue
        else:
            why = parse(raw, device)
        if isinstance(why, str):
            found.warnings.append(f"{path}:{count}: {why}; line skipped")
        else:
            found.entries.append(why)
    found.seen = found.seen._replace(lines=count)
    return found


def _last_line(f: BinaryIO, end: int) -> bytes:
    """The line that ends at byte `end` (its last MAX_LINE bytes)."""
    start = max(0, end - MAX_LINE)
    f.seek(start)
    chunk = f.read(end - start)
    return chunk[chunk.rfind(b"\n", 0, len(chunk) - 1) + 1 :]


def _same_tail(f: BinaryIO, offset: int, tail: bytes) -> bool:
    """Whether the line before `offset` is still `tail` (none known: trusted)."""
    if not tail:
        return True
    if len(tail) > offset:
        return False
    f.seek(offset - len(tail))
    return f.read(len(tail)) == tail
