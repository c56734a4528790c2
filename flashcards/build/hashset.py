"""A compact set of 64-bit numbers: the content hashes a new deck's build has seen.

A cold build of a million cards counts copies of identical blocks by content hash.
A Python set of a million ints is ~63 MiB of small objects, made one card at a time
among the build's short-lived ones — which also keeps the allocator from giving
their memory back. This is one array of 64-bit words, open addressing with linear
probing, sized for the cards to come: 16 MiB at a million, one block.
"""

from __future__ import annotations

from array import array

__all__ = ["HashSet"]


class HashSet:
    """Numbers 0 <= n < 2**64, added; `add` says whether each was new. Meant for hash
    values (their low bits pick the slot)."""

    def __init__(self, expected: int = 0) -> None:
        slots = 1024
        while slots < 2 * expected:  # at most half full: short probes
            slots *= 2
        self._table = array("Q", bytes(8 * slots))
        self._mask = slots - 1
        self._count = 0
        self._zero = False  # 0 marks an empty slot, so it is kept aside

    def __len__(self) -> int:
        return self._count + self._zero

    def add(self, value: int) -> bool:
        """Add `value`; True when it was not in the set."""
        if value == 0:
            new = not self._zero
            self._zero = True
            return new
        table, mask = self._table, self._mask
        at = value & mask
        while True:
            found = table[at]
            if found == value:
                return False
            if found == 0:
                break
            at = (at + 1) & mask
        table[at] = value
        self._count += 1
        if 2 * self._count > mask:
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._table
        slots = 2 * len(old)
        self._table = array("Q", bytes(8 * slots))
        self._mask = slots - 1
        self._count = 0
        for value in old:
            if value:
                self.add(value)
