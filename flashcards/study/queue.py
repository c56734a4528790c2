"""Today's queue: which card comes next, and how many are left.

Order: same-day drills that are ready, then due reviews (most overdue first,
then outline order), then new cards in outline order — within each deck's
`new_per_day` and `reviews_per_day`, counted per study day. Once one card of
a block is answered, its siblings wait until the next day, and so do the cards
of its ancestors' blocks and its descendants' blocks (a parent's back shows its
children's answers; a child's front repeats its parent's). A card answered
below 4 comes back after DRILL_GAP other answers (or at once when nothing else
is left) until it earns 4; under FSRS, a card comes back while its learning or
relearning step falls within the day (the card's `drill` flag says which).

How it stays fast on a big collection: candidates are read lazily in queue
order (whole due days at a time; new cards a page per deck along the outline
index) into one lane per deck, and each lane keeps a cursor past the entries
that are spent. The next card is the best head among the decks still under
their limit, so answering and fetching the next card cost a few set look-ups
and never a scan of the queue, even when one deck's limit is reached in an
all-decks queue. The counts are counted once and then kept in step answer by
answer (`answered`), and put back exactly by `unanswered` (undo); the reviews
are counted from narrow rows of the due cards, in no order where no limit can
bind (`flashcards.study.due_counts`), leaving the lanes to the first card.
The lanes, feeds, tallies and undo marks are plain records in
`flashcards.study.lanes`.

Everything the queue knows is derived from the collection (today's answers,
the card states), so a restarted process picks up where a killed one stopped.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from flashcards.deck_settings import DeckSettings
from flashcards.store import Store, deck_summaries
from flashcards.store import custom as custom_rows
from flashcards.store import decks as deck_rows
from flashcards.store import queue as queue_rows
from flashcards.study.ahead import upcoming
from flashcards.study.day import Block, Day, lineage, waits
from flashcards.study.due_counts import DueCount
from flashcards.study.lanes import Entry, Feed, Lane, Mark, Queue, Tally
from flashcards.views import Counts

DRILL_GAP = 3  # a failed card comes back after this many other answers
DUE_PAGE = 500  # due candidates read at a time (whole due days, so often more)
NEW_PAGE = 100  # new candidates read at a time, per deck


class TodayQueue:
    """The day's queue of one collection, for one thread."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._day: Day | None = None
        self._queues: dict[tuple[int, ...], Queue] = {}
        self._settings: dict[int, DeckSettings] = {}
        self._all_decks: tuple[int, ...] | None = None
        self._extra_new: dict[int, int] = {}  # today's extra new cards per deck
        self.seq = 0  # actions so far (answers, suspends, buries): undo drops newer queues
        self.generation = 0  # goes up whenever what was read is forgotten

    def invalidate(self) -> None:
        """Forget what was read (after a build, or another connection's writes).

        The queue is rebuilt from the collection on next use.
        """
        self._day = None
        self._queues.clear()
        self._settings.clear()
        self._all_decks = None
        self.generation += 1

    def all_decks(self) -> tuple[int, ...]:
        """Every deck's id, in name order (cached until `invalidate`)."""
        if self._all_decks is None:
            self._all_decks = deck_rows.deck_ids(self.store)
        return self._all_decks

    def settings(self, deck_id: int) -> DeckSettings:
        """A deck's settings (cached until `invalidate`)."""
        found = self._settings.get(deck_id)
        if found is None:
            found = self._settings[deck_id] = DeckSettings.from_json(
                deck_rows.settings_of(self.store, deck_id)
            )
        return found

    def _new_limit(self, deck_id: int) -> int:
        # custom study's "more new cards today" adds to the deck's own limit
        return self.settings(deck_id).new_per_day + self._extra_new.get(deck_id, 0)

    def _review_limit(self, deck_id: int) -> int:
        return self.settings(deck_id).reviews_per_day

    def today(self, day: date) -> Day:
        """What the day's answers say, read once a day (and after `invalidate`)."""
        if self._day is not None and self._day.day == day:
            return self._day
        self._queues.clear()
        cache = Day(day)
        self._extra_new = custom_rows.extra_new(self.store, day.isoformat())
        last: dict[int, int] = {}
        iso = day.isoformat()
        for row in queue_rows.answers_on(self.store, iso):
            card_id, deck_id, block_hash, kind, was_new, q = row[:6]
            suspended, buried = row.suspended, row.buried_until
            if suspended or (buried is not None and buried > iso):
                cache.hidden.add(card_id)  # its drill, if any, waits
            block = (deck_id, block_hash)
            cache.info[card_id] = block
            if block not in cache.blocks:
                cache.blocks.add(block)
                cache.near.update(lineage(deck_id, row.ancestors))
            if kind == "review":
                cache.done.add(card_id)
                (cache.new_done if was_new else cache.reviews_done)[deck_id] += 1
            cache.answers += 1
            last[card_id] = cache.answers
            if not row.back_today:
                del last[card_id]  # the card's last answer did not bring it back today
        # drills pending from earlier today (e.g. before a restart) are ready at once
        cache.drills = [(cid, 0) for cid, _ in sorted(last.items(), key=lambda kv: kv[1])]
        self._day = cache
        return cache

    def _queue(self, cache: Day, deck_ids: tuple[int, ...]) -> Queue:
        queue = self._queues.get(deck_ids)
        if queue is None:
            queue = Queue(
                deck_ids,
                frozenset(deck_ids),
                self._due_feed(cache.day.isoformat(), deck_ids),
                {d: self._new_feed(cache.day.isoformat(), d) for d in deck_ids},
                self.seq,
            )
            self._queues[deck_ids] = queue
        return queue

    def _due_feed(self, iso: str, deck_ids: tuple[int, ...]) -> Feed:
        after = ""

        def fetch() -> list[tuple[int, Entry]] | None:
            nonlocal after
            if after == iso:
                return None
            rows, after = queue_rows.due_page(self.store, iso, deck_ids, after, DUE_PAGE)
            # key: (due, source, position, id) — the order of the query
            return [
                (
                    r.deck_id,
                    (
                        (r.due, r.source, r.position, r.id),
                        r.id,
                        (r.deck_id, r.block_hash),
                        lineage(r.deck_id, r.ancestors),
                    ),
                )
                for r in rows
            ]

        return Feed(fetch, {d: Lane() for d in deck_ids})

    def _new_feed(self, iso: str, deck_id: int) -> Feed:
        after: tuple[str, int, int] | None = ("", -1, -1)  # None: all read

        def fetch() -> list[tuple[int, Entry]] | None:
            nonlocal after
            if after is None:
                return None
            size = max(NEW_PAGE, 2 * self._new_limit(deck_id))
            rows = queue_rows.new_page(self.store, iso, deck_id, after, size)
            last = rows[-1] if len(rows) == size else None
            after = (last.source, last.position, last.id) if last else None
            return [
                (
                    deck_id,
                    (
                        (r.source, r.position, r.id),
                        r.id,
                        (deck_id, r.block_hash),
                        lineage(deck_id, r.ancestors),
                    ),
                )
                for r in rows
            ] or None

        return Feed(fetch, {deck_id: Lane()})

    # -- the queue -------------------------------------------------------------

    def _head(self, cache: Day, feed: Feed, lane: Lane) -> Entry | None:
        """The lane's first valid entry, reading more candidates when it runs dry."""
        done, hidden = cache.done, cache.hidden
        while True:
            entries = lane.entries
            i, n = lane.at, len(entries)
            while i < n:
                entry = entries[i]
                if (
                    entry[1] not in done
                    and entry[1] not in hidden
                    and not waits(cache, entry[2], entry[3])
                ):
                    lane.at = i
                    return entry
                i += 1
            lane.at = i  # spent until an undo or unsuspend, which reset the cursors
            if feed.complete:
                return None
            feed.more()

    def _drills(self, cache: Day, queue: Queue) -> list[tuple[int, int]]:
        wanted, hidden, info = queue.wanted, cache.hidden, cache.info
        return [
            (card_id, ready)
            for card_id, ready in cache.drills
            if card_id not in hidden and info[card_id][0] in wanted
        ]

    def next_card_id(self, deck_ids: tuple[int, ...], day: date) -> int | None:
        """The card to study now in these decks, or None when nothing is left today."""
        cache = self.today(day)
        queue = self._queue(cache, deck_ids)
        waiting = self._drills(cache, queue) if cache.drills else []
        for card_id, ready in waiting:
            if ready <= cache.answers:
                return card_id
        best: Entry | None = None
        for deck_id, lane in queue.due.lanes.items():
            if cache.reviews_done[deck_id] >= self._review_limit(deck_id):
                continue  # this deck is closed for reviews today: its lane is not scanned
            entry = self._head(cache, queue.due, lane)
            if entry is not None and (best is None or entry[0] < best[0]):
                best = entry
        if best is not None:
            return best[1]
        for deck_id, feed in queue.new.items():
            if cache.new_done[deck_id] >= self._new_limit(deck_id):
                continue
            entry = self._head(cache, feed, feed.lanes[deck_id])
            if entry is not None:
                return entry[1]
        # only drills are left: the earliest comes back at once
        return waiting[0][0] if waiting else None

    def upcoming(self, deck_ids: tuple[int, ...], day: date, limit: int) -> list[int]:
        """Cards `next_card_id` is likely to hand out soon (`flashcards.study.ahead`)."""
        cache = self.today(day)
        return upcoming(cache, self._queue(cache, deck_ids), limit)

    def counts(self, deck_ids: tuple[int, ...], day: date) -> Counts:
        """New, review and drill cards left today (siblings count once: they wait)."""
        cache = self.today(day)
        queue = self._queue(cache, deck_ids)
        tally = self._tally(cache, queue)
        return Counts(
            new=sum(tally.new.values()),
            review=sum(tally.review.values()),
            drill=len(self._drills(cache, queue)),
        )

    def deck_counts(self, deck_ids: tuple[int, ...], day: date) -> dict[int, Counts]:
        """Each deck's `counts`, read through the one queue of all of them.

        The same figures as each deck's own queue: a block belongs to one deck, so the
        other decks' lanes claim none of its blocks, and within a deck the reviews are
        counted before the new cards either way. The deck list reads every deck's queue
        once this way (and it is the queue that studying all decks goes on with).
        """
        cache = self.today(day)
        queue = self._queue(cache, deck_ids)
        tally = self._tally(cache, queue)
        drills = Counter(cache.info[card_id][0] for card_id, _ in self._drills(cache, queue))
        return {
            deck_id: Counts(
                new=tally.new[deck_id], review=tally.review[deck_id], drill=drills[deck_id]
            )
            for deck_id in deck_ids
        }

    def _tally(self, cache: Day, queue: Queue) -> Tally:
        """The queue's counts per deck: counted once, then kept in step with answers."""
        tally = queue.tally
        if tally is None:
            rooms = {
                deck_id: self._review_limit(deck_id) - cache.reviews_done[deck_id]
                for deck_id in queue.due.lanes
            }
            counted = self._count_due(cache, queue, rooms)
            if counted is not None:
                review, claims, ups = counted.counts, counted.claims, counted.ups
            else:
                claims = {}  # one card per block today
                ups = {}
                review = {
                    deck_id: self._count(
                        cache, queue.due, lane, rooms[deck_id], claims, (False, deck_id), ups
                    )
                    for deck_id, lane in queue.due.lanes.items()
                }
            tally = Tally(
                review=review,
                new={
                    deck_id: self._count(
                        cache,
                        feed,
                        feed.lanes[deck_id],
                        self._new_limit(deck_id) - cache.new_done[deck_id],
                        claims,
                        (True, deck_id),
                        ups,
                    )
                    for deck_id, feed in queue.new.items()
                },
                claims=claims,
                ups=ups,
            )
            queue.tally = tally
        return tally

    def _count_due(self, cache: Day, queue: Queue, rooms: dict[int, int]) -> DueCount | None:
        """The review counts from narrow rows of the due cards (`DueCount`), while the due
        lanes are not all read: in no order when no deck has more due cards than room
        (the deck summaries say), else in queue order up to the rooms. None when
        everything is in the lanes already: walking them reads nothing more."""
        if queue.due.complete:
            return None
        store, iso, decks = self.store, cache.day.isoformat(), tuple(rooms)
        due = deck_summaries.waiting(store, iso)
        if all(room <= 0 or due.get((d, False), 0) <= room for d, room in rooms.items()):
            counted = DueCount(cache, rooms)
            if counted.take_unordered(queue_rows.due_blocks(store, iso, decks)):
                return counted
        counted = DueCount(cache, rooms)
        after = ""
        while not counted.full and after != iso:
            # a page no smaller than the rooms left: mostly one read (whole due days)
            left = sum(max(rooms[d] - n, 0) for d, n in counted.counts.items())
            rows, after = queue_rows.due_blocks_page(store, iso, decks, after, max(DUE_PAGE, left))
            counted.take_in_order(rows)
        return counted

    def _count(
        self,
        cache: Day,
        feed: Feed,
        lane: Lane,
        room: int,
        claims: dict[Block, tuple[bool, int]],
        claim: tuple[bool, int],
        ups: dict[Block, tuple[Block, ...]],
    ) -> int:
        """Valid cards of a lane up to `room`, one per block not counted yet."""
        found = 0
        i = lane.at
        done, hidden = cache.done, cache.hidden
        while found < room:
            if i >= len(lane.entries):
                if feed.complete:
                    break
                feed.more()
                continue
            _key, card_id, block, up = lane.entries[i]
            i += 1
            if card_id in done or card_id in hidden or block in claims or waits(cache, block, up):
                continue
            claims[block] = claim
            ups[block] = up
            found += 1
        return found

    def _recount(self, deck_id: int, block: Block, up: tuple[Block, ...], new: bool) -> None:
        """Keep the queues' counts in step with the day's first answer of a card.

        (A drill changes none: its block was answered before, so no lane counts it.)
        """
        for queue in self._queues.values():
            tally = queue.tally
            if tally is None or deck_id not in queue.wanted:
                continue
            if tally.claims.get(block) == (new, deck_id):
                del tally.claims[block]
                above = tally.lineages()
                above.subtract(tally.ups.pop(block, ()))
                (tally.new if new else tally.review)[deck_id] -= 1
                if any(b in tally.claims for b in up) or above[block] > 0:
                    queue.tally = None  # it counted a related block, which now waits
            else:
                queue.tally = None  # a card it did not count: count again when asked

    def forget_counts(self) -> None:
        for queue in self._queues.values():
            queue.tally = None

    def hide(self, card_id: int, suspended: int, buried_until: str | None) -> None:
        """Keep the day's queues in step with a card's new flags."""
        cache = self._day
        if cache is None:
            return
        self.forget_counts()
        if suspended or (buried_until is not None and buried_until > cache.day.isoformat()):
            cache.hidden.add(card_id)
        else:
            cache.hidden.discard(card_id)
            # the queues read so far lack it, or have their cursors past it: read them again
            self._queues.clear()

    # -- keeping in step with answers ------------------------------------------------

    def answered(
        self,
        cache: Day,
        card_id: int,
        block: Block,
        scheduled: bool,
        was_new: bool,
        back_today: bool,
        hidden: bool,
        up: tuple[Block, ...] = (),
    ) -> Mark:
        """Take an answer into the day (`cache`, read before the answer was written);
        returns what `unanswered` needs to take it back exactly."""
        deck_id = block[0]
        mark = Mark(
            cache.day,
            self.seq,
            block,
            up,
            drills=list(cache.drills),
            answers=cache.answers,
            cursors=[
                (lane, lane.at)
                for queue in self._queues.values()
                for feed in (queue.due, *queue.new.values())
                for lane in feed.lanes.values()
            ],
        )
        self.seq += 1
        cache.info[card_id] = block
        if hidden:
            cache.hidden.add(card_id)  # answered while suspended or buried: no drill today
        if scheduled:
            mark.added_done = card_id not in cache.done
            cache.done.add(card_id)
            mark.counted = "new" if was_new else "review"
            (cache.new_done if was_new else cache.reviews_done)[deck_id] += 1
        mark.added_block = block not in cache.blocks
        if scheduled:
            self._recount(deck_id, block, up, was_new)
        elif mark.added_block:
            self.forget_counts()  # answered today by another process: count again
        if mark.added_block:
            cache.blocks.add(block)
            cache.near.update(up)
        cache.answers += 1
        cache.drills = [d for d in cache.drills if d[0] != card_id]
        if back_today:
            cache.drills.append((card_id, cache.answers + DRILL_GAP))
        return mark

    def unanswered(self, card_id: int, mark: Mark) -> None:
        """Put the day back as it was before the answer `mark` took in."""
        cache = self._day
        if cache is None or cache.day != mark.day:
            self.invalidate()  # an answer of another day: read the day again
            return
        cache.drills = mark.drills
        cache.answers = mark.answers
        block = mark.block
        deck_id = block[0]
        if mark.added_done:
            cache.done.discard(card_id)
        if mark.added_block:
            cache.blocks.discard(block)
            near = cache.near
            near.subtract(mark.up)
            for above in mark.up:
                if near[above] <= 0:
                    near.pop(above, None)  # a key left at 0 would still read as waiting
        if mark.counted == "new":
            cache.new_done[deck_id] -= 1
        elif mark.counted == "review":
            cache.reviews_done[deck_id] -= 1
        # queues read after the answer lack the card: read them again
        for key in [k for k, q in self._queues.items() if q.built > mark.seq]:
            del self._queues[key]
        self.forget_counts()
        # the others' cursors go back to where they stood: what was spent before the
        # answer is spent again, now that the day is as it was
        for lane, at in mark.cursors:
            lane.at = at
