"""The today queue's records: lanes of candidates, the feeds that fill them, a
queue's tally of counts, and the mark an answer leaves for undo.

`flashcards.study.queue` (`TodayQueue`) decides with them; they only hold state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flashcards.study.day import Block

__all__ = ["Entry", "Feed", "Lane", "Mark", "Queue", "Tally"]

# A queue entry: (sort key, card id, block, the blocks above it in the outline).
# Keys compare within one kind of lane.
Entry = tuple[tuple, int, Block, tuple[Block, ...]]


@dataclass
class Lane:
    """One deck's candidates of one kind: a prefix of that deck's queue order."""

    entries: list[Entry] = field(default_factory=list)
    at: int = 0  # entries before this are spent (answered, buried, siblings of answered)


class Feed:
    """Reads candidates page by page, in queue order, into the lanes of their decks."""

    def __init__(self, fetch: Callable[[], list[tuple[int, Entry]] | None], lanes: dict) -> None:
        self._fetch = fetch  # returns (deck, entry) pairs, or None when nothing is left
        self.lanes: dict[int, Lane] = lanes
        self.complete = False

    def more(self) -> None:
        rows = self._fetch()
        if rows is None:
            self.complete = True
            return
        lanes = self.lanes
        for deck_id, entry in rows:
            lanes[deck_id].entries.append(entry)


@dataclass
class Queue:
    """The day's queue of a selection of decks: its due and new cards' feeds."""

    decks: tuple[int, ...]
    wanted: frozenset[int]
    due: Feed
    new: dict[int, Feed]  # per deck, in the selection's order
    built: int  # the action count when it was built: undo drops queues built later
    tally: Tally | None = None  # the last counts, kept in step with answers


@dataclass
class Tally:
    """A queue's counts, per deck, and which lane counted each block.

    Answering the card a lane counted takes one off that lane and changes no other
    count (the lanes count the same blocks, minus that one), so the counts after an
    ordinary answer cost nothing; anything else is counted again.
    """

    review: dict[int, int]
    new: dict[int, int]
    claims: dict[Block, tuple[bool, int]]  # block -> (counted as new, deck)
    ups: dict[Block, tuple[Block, ...]] = field(default_factory=dict)  # claimed: their lineage
    above: Counter[Block] | None = None  # per block, the claimed blocks below it (lazily)

    def lineages(self) -> Counter[Block]:
        """How many claimed blocks have each block above them: one look-up per answer
        instead of a pass over every claimed block's lineage."""
        if self.above is None:
            self.above = Counter(b for up in self.ups.values() for b in up)
        return self.above


@dataclass
class Mark:
    """What an answer changed in the day, so undo can put it back exactly."""

    day: date
    seq: int  # the action count before this answer
    block: Block
    up: tuple[Block, ...] = ()  # the blocks above it
    drills: list[tuple[int, int]] = field(default_factory=list)
    answers: int = 0
    cursors: list[tuple[Lane, int]] = field(default_factory=list)  # where each lane stood
    added_done: bool = False
    added_block: bool = False
    counted: str | None = None  # 'new' or 'review'
