"""A study day as the queue knows it: what was answered, and which blocks wait.

A block is answered once one of its cards is; then its own cards (siblings), the
cards of the blocks above it in the outline and those of the blocks below it wait
for the next day. Everything here is derived from the day's answers.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

# A block is (deck id, block hash): identical text is told apart within a deck only,
# and a block in one deck is no sibling of one in another.
Block = tuple[int, str]


def lineage(deck_id: int, ancestors: str | None) -> tuple[Block, ...]:
    """The blocks above a card's block, from its `ancestors` column."""
    return tuple((deck_id, h) for h in ancestors.split()) if ancestors else ()


def waits(cache: Day, block: Block, up: tuple[Block, ...]) -> bool:
    """Whether a block's cards wait for tomorrow: it, a block above it or one below it
    was answered today."""
    blocks = cache.blocks
    if block in blocks or block in cache.near:
        return True
    return any(above in blocks for above in up)


@dataclass
class Day:
    """What today's reviews say: which cards and blocks are done, limits used, drills."""

    day: date
    done: set[int] = field(default_factory=set)  # cards with today's scheduled answer
    blocks: set[Block] = field(default_factory=set)  # blocks answered today: siblings wait
    near: Counter[Block] = field(default_factory=Counter)  # blocks above them: wait too
    new_done: Counter[int] = field(default_factory=Counter)  # per deck
    reviews_done: Counter[int] = field(default_factory=Counter)  # per deck
    drills: list[tuple[int, int]] = field(default_factory=list)  # (card, ready at answer n)
    answers: int = 0
    hidden: set[int] = field(default_factory=set)  # suspended or buried since the queue was built
    info: dict[int, Block] = field(default_factory=dict)  # answered card -> (deck, block)
