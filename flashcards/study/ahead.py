"""Which cards the queue is likely to hand out next, for reading them ahead.

The study app reads the next card's row while the user reads the current one
(`Collection.idle`), so that pressing an answer key costs the answer and the
queue's choice, not the row's read. Guessing wrong costs nothing but the read:
`next_card` reads any card it was not handed ahead, as always. The guess takes
what the lanes already hold and changes nothing in them: no cursor moves and
no page is fetched.
"""

from __future__ import annotations

from itertools import islice

from flashcards.study.day import Day, waits
from flashcards.study.lanes import Entry, Lane, Queue

PER_LANE = 3  # the head (the card shown now, usually) and the two after it


def _heads(cache: Day, lane: Lane) -> list[Entry]:
    """The lane's first few entries that could be handed out now."""
    done, hidden = cache.done, cache.hidden
    ready = (
        entry
        for entry in islice(lane.entries, lane.at, None)
        if entry[1] not in done and entry[1] not in hidden and not waits(cache, entry[2], entry[3])
    )
    return list(islice(ready, PER_LANE))


def upcoming(cache: Day, queue: Queue, limit: int) -> list[int]:
    """Up to `limit` card ids in the order the queue would consider them: waiting drills,
    the earliest due entries over every deck's lane, then each deck's first new cards."""
    wanted = queue.wanted
    ids = [card_id for card_id, _ in cache.drills if cache.info[card_id][0] in wanted]
    due = sorted(
        (entry for lane in queue.due.lanes.values() for entry in _heads(cache, lane)),
        key=lambda entry: entry[0],
    )
    ids.extend(entry[1] for entry in due)
    for feed in queue.new.values():
        for lane in feed.lanes.values():
            ids.extend(entry[1] for entry in _heads(cache, lane))
    return list(dict.fromkeys(ids))[:limit]
