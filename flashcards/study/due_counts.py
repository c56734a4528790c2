"""Today's review counts from narrow rows of the due cards, without the queue's lanes.

The queue counts a deck's reviews by walking its due lane in queue order, one card
per block that does not wait, up to the deck's room for reviews today
(`TodayQueue._count`). A lane entry carries the card's sort key and lineage, and a
deck list of thousands of due cards spent most of its time reading and building
them only to count. `DueCount` counts the same from (card id, deck id, block hash,
ancestors) rows:

- in queue order (`take_in_order`, page by page), as the walk counts, stopping
  once every deck's room is full;
- in no order (`take_unordered`), which needs no sort at all, when no deck has more
  due cards than room: then the walk claims every block that has a card to show,
  so the order cannot matter. Where it could after all (a block whose cards
  disagree on the blocks above them, a deck fuller than its room) the rows are
  refused and the caller reads them in order.

Either way the counts, the blocks claimed and their lineages are the walk's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flashcards.study.day import Block, Day, lineage

# A due card as counting needs it: (card id, deck id, block hash, ancestors)
DueRow = tuple[int, int, str, str | None]


class DueCount:
    """Per deck of `rooms` (its reviews left today), the due cards counted once per
    block that does not wait, and the blocks claimed (block -> (False, deck)) with
    the blocks above each (`ups`): what the queue's tally keeps."""

    def __init__(self, cache: Day, rooms: Mapping[int, int]) -> None:
        self.cache = cache
        self.rooms = rooms
        self.counts = dict.fromkeys(rooms, 0)
        self.claims: dict[Block, tuple[bool, int]] = {}
        self.ups: dict[Block, tuple[Block, ...]] = {}
        # decks closed for reviews today: the walk claims nothing of them
        self._open = {deck_id for deck_id, room in rooms.items() if room > 0}

    @property
    def full(self) -> bool:
        """Every deck's room is used: no further row can count."""
        return not self._open

    def take_in_order(self, rows: Iterable[DueRow]) -> None:
        """Count the next due cards, in queue order (most overdue first, then outline)."""
        self._take(rows, None)

    def take_unordered(self, rows: Iterable[DueRow]) -> bool:
        """Count all the due cards, in any order; False (and counts to be thrown away)
        where the walk's answer would depend on the order."""
        if not self._take(rows, {}):
            return False
        return all(n <= self.rooms[deck_id] for deck_id, n in self.counts.items())

    def _take(self, rows: Iterable[DueRow], seen: dict[Block, str | None] | None) -> bool:
        """Claim each row's block unless it is claimed, its card is spent or the block
        waits (`day.waits`, inlined: this runs once per due card). In queue order
        (`seen` None) a deck stops at its room; in no order, `seen` keeps each block's
        ancestors as its first card said them, and a card that says otherwise stops
        the count (False)."""
        cache, counts, rooms, opened = self.cache, self.counts, self.rooms, self._open
        claims, ups = self.claims, self.ups
        done, hidden, blocks, near = cache.done, cache.hidden, cache.blocks, cache.near
        for card_id, deck_id, block_hash, ancestors in rows:
            if deck_id not in opened:
                continue
            block = (deck_id, block_hash)
            if seen is not None and seen.setdefault(block, ancestors) != ancestors:
                return False
            if block in claims or card_id in done or card_id in hidden:
                continue
            if block in blocks or block in near:
                continue
            if ancestors:
                up = lineage(deck_id, ancestors)
                if any(above in blocks for above in up):
                    continue
            else:
                up = ()
            claims[block] = (False, deck_id)
            ups[block] = up
            n = counts[deck_id] = counts[deck_id] + 1
            if seen is None and n >= rooms[deck_id]:
                opened.discard(deck_id)
        return True
