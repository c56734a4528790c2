"""Today's review counts from the due cards read in no order, when no limit can bind.

The queue counts a deck's reviews by walking its due lane in queue order, one card
per block that does not wait, up to the deck's room for reviews today
(`TodayQueue._count`). When a deck has no more due cards than that room, the walk
claims every block that has a card to show, so the order cannot matter: the same
counts and the same claims come out of the due cards read in any order, without the
sort, the sort keys and the lane entries the walk needs (a deck list of ~6,000 due
cards spent most of its time on them). `count_due` is that count; where its answer
could differ from the walk's it returns None, and the queue walks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flashcards.study.day import Block, Day, lineage

# claims: block -> (counted as new, deck); ups: a claimed block -> the blocks above it
DueCounts = tuple[dict[int, int], dict[Block, tuple[bool, int]], dict[Block, tuple[Block, ...]]]


def count_due(
    cache: Day, rows: Iterable[tuple[int, int, str, str | None]], rooms: Mapping[int, int]
) -> DueCounts | None:
    """Per deck of `rooms`, its due cards left today, counted once per block, with the
    blocks claimed and their lineages, as the queue-order walk counts them.

    `rows` are (card id, deck id, block hash, ancestors) of every due card of those
    decks, in any order; `rooms` are the decks' reviews left today. None where the
    walk's answer would depend on the order: a deck with more blocks to show than its
    room (the walk claims the first ones; the caller skips this read when the deck
    summaries say a deck has more due cards than room), or a block whose cards disagree
    on the blocks above them.
    """
    counts = dict.fromkeys(rooms, 0)
    claims: dict[Block, tuple[bool, int]] = {}
    ups: dict[Block, tuple[Block, ...]] = {}
    seen: dict[Block, str | None] = {}  # each block's ancestors, as its first card said
    done, hidden, blocks, near = cache.done, cache.hidden, cache.blocks, cache.near
    open_decks = {deck_id for deck_id, room in rooms.items() if room > 0}
    # `waits`, inlined: the loop runs once per due card, thousands of times
    for card_id, deck_id, block_hash, ancestors in rows:
        if deck_id not in open_decks:
            continue  # closed for reviews today: the walk claims nothing of it
        block = (deck_id, block_hash)
        first = seen.setdefault(block, ancestors)
        if first != ancestors:
            return None
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
        counts[deck_id] += 1
    if any(n > rooms[deck_id] for deck_id, n in counts.items()):
        return None
    return counts, claims, ups
