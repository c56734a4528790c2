"""The cards a build has read, per file — in memory up to a bound, beyond it on disk.

A build reads every changed file before it takes the collection's lock, and a
cold build of a big vault reads them all: held as objects, a million cards took
two gigabytes. `ParsedCards` keeps up to `HELD_CARDS` of them as they are; past
that it writes each file's cards, packed as the parallel reader sends them
(`flashcards.reading`), to an anonymous temporary file (the operating system's,
gone when it is closed or the process ends) and reads a file's back when asked
for it — so a new deck's cards are written one file at a time and let go. It
behaves as the dict of file -> cards it replaces: same keys, same order, same
cards (new objects on each read of a file that went to disk).

The temporary file lives in the system's temporary folder ($TMPDIR, else /tmp),
~450 bytes a card (~450 MB for a million). A folder without room for it (full,
over quota, or a file size limit) stops the build with `SpoolFull`, saying where
and what to do; a build reads before it writes, so the collection is as it was.
"""

from __future__ import annotations

import errno
import os
import pickle
import tempfile
from collections.abc import Iterator, Mapping, MutableMapping
from typing import IO

from flashcards.cards import Card
from flashcards.collection_errors import CollectionError
from flashcards.reading import packed_cards, unpack

__all__ = ["HELD_CARDS", "ParsedCards", "SpoolFull", "card_count"]

# Cards held in memory before files go to disk (~25 MiB as objects), so that builds of
# fewer (every rebuild of a few changed files) never touch the disk.
HELD_CARDS = 20_000


class SpoolFull(CollectionError):
    """The temporary folder had no room (or no permission) for the build's spool."""

    def __init__(self, exc: OSError) -> None:
        folder = tempfile.gettempdir()
        if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            what = f"no room for the build's temporary file in {folder} ({exc.strerror})"
            fix = "free space there, or set TMPDIR to a folder on a disk with room"
        else:
            what = f"the build's temporary file in {folder} cannot be written ({exc.strerror})"
            fix = "set TMPDIR to a folder you can write, on a disk with room"
        super().__init__(
            f"{what}: a big build keeps the cards it read there (a few hundred bytes a "
            f"card); this deck was not changed — {fix}, and build again"
        )


class ParsedCards(MutableMapping[str, list[Card]]):
    """File -> its cards, as a dict, holding at most `held` cards in memory (see the
    module docstring). `total` counts the cards of all files without reading any."""

    def __init__(self, held: int | None = None) -> None:
        self.held = HELD_CARDS if held is None else held
        self.total = 0
        self.spilled = 0  # files written to disk, ever
        # file -> its cards: as objects, as bytes (`reading.packed_cards`: as the parallel
        # reader's worker sent them), or where they are in the temporary file (offset, length)
        self._files: dict[str, list[Card] | bytes | tuple[int, int]] = {}
        self._counts: dict[str, int] = {}
        self._held_keys: list[str] = []  # the files held in memory, in the order set
        self._in_memory = 0  # cards held in memory
        self._file: IO[bytes] | None = None
        self._end = 0

    def __setitem__(self, key: str, cards: list[Card]) -> None:
        self.put(key, len(cards), cards)

    def put(self, key: str, count: int, cards: list[Card] | bytes) -> None:
        """A file's `count` cards, as objects or as `reading.packed_cards` made them."""
        if not isinstance(self._files.get(key, ()), tuple):
            self._in_memory -= self._counts[key]
        self.total += count - self._counts.get(key, 0)
        self._counts[key] = count
        self._files[key] = cards
        self._held_keys.append(key)
        self._in_memory += count
        if self._in_memory > self.held:
            self._spill()

    def __getitem__(self, key: str) -> list[Card]:
        where = self._files[key]
        if isinstance(where, list):
            return where
        if isinstance(where, bytes):
            return unpack(where)
        assert self._file is not None
        offset, length = where
        data = os.pread(self._file.fileno(), length, offset)
        if len(data) != length:
            raise OSError(f"the build's spooled cards of {key} are cut short")
        return unpack(data)

    def packed(self, key: str) -> tuple[list[tuple], list[tuple]] | None:
        """A file's cards as `reading.pack_cards` tuples, without making card objects, when
        they are held packed (as bytes or on disk); None when they are held as objects."""
        where = self._files[key]
        if isinstance(where, list):
            return None
        if isinstance(where, tuple):
            assert self._file is not None
            offset, length = where
            where = os.pread(self._file.fileno(), length, offset)
            if len(where) != length:
                raise OSError(f"the build's spooled cards of {key} are cut short")
        return pickle.loads(where)

    def __delitem__(self, key: str) -> None:
        where = self._files.pop(key)
        count = self._counts.pop(key)
        if not isinstance(where, tuple):
            self._in_memory -= count
        self.total -= count

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, key: object) -> bool:
        return key in self._files

    def close(self) -> None:
        """Let the temporary file go (the process's end does too)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self) -> None:
        self.close()

    def _spill(self) -> None:
        """Every file held in memory to the temporary file: none held after (SpoolFull
        when it cannot be written)."""
        try:
            self._write_held()
        except OSError as exc:
            raise SpoolFull(exc) from None

    def _write_held(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="flashcards-build-")  # noqa: SIM115 (kept open: closed by close())
        fd = self._file.fileno()
        for key in self._held_keys:
            where = self._files.get(key)
            if where is None or isinstance(where, tuple):
                continue  # dropped, or written already
            data = memoryview(where if isinstance(where, bytes) else packed_cards(where))
            written = 0
            while written < len(data):
                written += os.pwrite(fd, data[written:], self._end + written)
            self._files[key] = (self._end, len(data))
            self._end += len(data)
            self.spilled += 1
        self._held_keys = []
        self._in_memory = 0


def card_count(parsed: Mapping[str, list[Card]]) -> int:
    """How many cards `parsed` holds, without reading a spooled file back."""
    if isinstance(parsed, ParsedCards):
        return parsed.total
    return sum(len(cards) for cards in parsed.values())
