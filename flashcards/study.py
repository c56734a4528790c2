"""Today's queue, answering, undo, bury and suspend.

Order: same-day drills that are ready, then due reviews (most overdue first,
then outline order), then new cards in outline order — within each deck's
`new_per_day` and `reviews_per_day`, counted per study day (days roll over at
04:00 local time). Once one card of a block is answered, its siblings wait
until the next day. A card answered below 4 comes back after DRILL_GAP other
answers (or at once when nothing else is left) until it earns 4; those drills
are logged but do not move the schedule: only the day's first answer does.

How it stays fast on a big collection: candidates are read lazily in queue
order (whole due days at a time; new cards a page per deck along the outline
index) into one lane per deck, and each lane keeps a cursor past the entries
that are spent. The next card is the best head among the decks still under
their limit, so answering and fetching the next card cost a few set look-ups,
one small transaction and a card read — never a scan of the queue, even when
one deck's limit is reached in an all-decks queue. The session counts are
counted once and then kept in step answer by answer.

Everything the queue knows is derived from the collection (today's reviews,
the card states), so a restarted process picks up where a killed one stopped.
Undo keeps what it needs to put the day back exactly as it was.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from flashcards import sm2
from flashcards.clock import DEFAULT_ROLLOVER_HOUR, study_day, time_ms
from flashcards.store import Store

# A block is (deck id, block hash): identical text is told apart within a deck only,
# and a block in one deck is no sibling of one in another.
_Block = tuple[int, str]
# A queue entry: (sort key, card id, block). Keys compare within one kind of lane.
_Entry = tuple[tuple, int, _Block]

DRILL_GAP = 3  # a failed card comes back after this many other answers
DEFAULT_NEW_PER_DAY = 20
DEFAULT_REVIEWS_PER_DAY = 200
DUE_PAGE = 500  # due candidates read at a time (whole due days, so often more)
NEW_PAGE = 100  # new candidates read at a time, per deck


def state_from_row(row: tuple | None) -> sm2.State:
    if row is None:
        return sm2.State()
    reps, ef, interval, due, lapses = row[:5]
    return sm2.State(reps, ef, interval, date.fromisoformat(due) if due else None, lapses)


def state_tuple(state: sm2.State) -> tuple[int, int, int, str | None, int]:
    return (
        state.repetitions,
        state.ef,
        state.interval,
        state.due.isoformat() if state.due else None,
        state.lapses,
    )


def replay_row(reviews: list[tuple]) -> tuple:
    """The card_state columns a card's reviews (q, day, kind), in order, lead to."""
    state = sm2.replay([(q, date.fromisoformat(day), kind == "review") for q, day, kind in reviews])
    last_day = reviews[-1][1] if reviews else None
    drill = 1 if reviews and reviews[-1][0] < sm2.DRILL_UNTIL else 0
    return (*state_tuple(state), last_day, drill)


@dataclass
class Counts:
    """What is left in today's session."""

    new: int = 0
    review: int = 0
    drill: int = 0

    @property
    def total(self) -> int:
        return self.new + self.review + self.drill


@dataclass
class _Day:
    """What today's reviews say: which cards and blocks are done, limits used, drills."""

    day: date
    done: set[int] = field(default_factory=set)  # cards with today's scheduled answer
    blocks: set[_Block] = field(default_factory=set)  # blocks answered today: siblings wait
    new_done: Counter[int] = field(default_factory=Counter)  # per deck
    reviews_done: Counter[int] = field(default_factory=Counter)  # per deck
    drills: list[tuple[int, int]] = field(default_factory=list)  # (card, ready at answer n)
    answers: int = 0
    hidden: set[int] = field(default_factory=set)  # suspended or buried since the queue was built
    info: dict[int, _Block] = field(default_factory=dict)  # answered card -> (deck, block)


@dataclass
class _Lane:
    """One deck's candidates of one kind: a prefix of that deck's queue order."""

    entries: list[_Entry] = field(default_factory=list)
    at: int = 0  # entries before this are spent (answered, buried, siblings of answered)


class _Feed:
    """Reads candidates page by page, in queue order, into the lanes of their decks."""

    def __init__(self, fetch: Callable[[], list[tuple[int, _Entry]] | None], lanes: dict) -> None:
        self._fetch = fetch  # returns (deck, entry) pairs, or None when nothing is left
        self.lanes: dict[int, _Lane] = lanes
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
class _Queue:
    decks: tuple[int, ...]
    wanted: frozenset[int]
    due: _Feed
    new: dict[int, _Feed]  # per deck, in the selection's order
    built: int  # the action count when it was built: undo drops queues built later
    tally: _Tally | None = None  # the last counts, kept in step with answers


@dataclass
class _Tally:
    """A queue's counts, per deck, and which lane counted each block.

    Answering the card a lane counted takes one off that lane and changes no other
    count (the lanes count the same blocks, minus that one), so the counts after an
    ordinary answer cost nothing; anything else is counted again.
    """

    review: dict[int, int]
    new: dict[int, int]
    claims: dict[_Block, tuple[bool, int]]  # block -> (counted as new, deck)


@dataclass
class _Undo:
    action: str  # 'answer', 'suspend', 'bury'
    card_id: int
    day: date
    seq: int  # the action count before this action
    review_id: int | None = None
    drills: list[tuple[int, int]] = field(default_factory=list)
    answers: int = 0
    cursors: list[tuple[_Lane, int]] = field(default_factory=list)  # where each lane stood
    added_done: bool = False
    added_block: bool = False
    counted: str | None = None  # 'new' or 'review'
    flags: tuple | None = None  # (suspended, buried_until) before suspend/bury


class Study:
    """The study engine of one collection, for one thread."""

    def __init__(
        self, store: Store, tz: tzinfo | None = None, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    ) -> None:
        self.store = store
        self.tz = tz
        self.rollover_hour = rollover_hour
        self._day: _Day | None = None
        self._queues: dict[tuple[int, ...], _Queue] = {}
        self._settings: dict[int, dict] = {}
        self._undo: list[_Undo] = []
        self._seq = 0  # actions so far (answers, suspends, buries)
        self._all_decks: tuple[int, ...] | None = None
        self.last_review_id: int | None = None  # the review row of the last answer
        self.generation = 0  # goes up whenever what was read is forgotten
        self._last_now: datetime | None = None
        self._last_day = date.min

    # -- time ------------------------------------------------------------------

    def now(self, now: datetime | None) -> datetime:
        return now if now is not None else datetime.now(UTC)

    def day(self, now: datetime | None = None) -> date:
        if now is not None and now == self._last_now:
            return self._last_day  # the same moment again (next card, then answer)
        day = study_day(self.now(now), self.tz, self.rollover_hour)
        if now is not None:
            self._last_now, self._last_day = now, day
        return day

    # -- cache -----------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget what was read (after a build, or another connection's writes).

        The queue is rebuilt from the collection on next use; undo still works.
        """
        self._day = None
        self._queues.clear()
        self._settings.clear()
        self._all_decks = None
        self.generation += 1

    def all_decks(self) -> tuple[int, ...]:
        """Every deck's id, in name order (cached until `invalidate`)."""
        if self._all_decks is None:
            self._all_decks = tuple(int(r["id"]) for r in self.store.deck_rows())
        return self._all_decks

    def settings(self, deck_id: int) -> dict:
        if deck_id not in self._settings:
            row = self.store.deck_by_id(deck_id)
            self._settings[deck_id] = json.loads(row["settings"]) if row else {}
        return self._settings[deck_id]

    def grades(self, deck_id: int) -> int:
        return int(self.settings(deck_id).get("grades", 4))

    def _new_limit(self, deck_id: int) -> int:
        return int(self.settings(deck_id).get("new_per_day", DEFAULT_NEW_PER_DAY))

    def _review_limit(self, deck_id: int) -> int:
        return int(self.settings(deck_id).get("reviews_per_day", DEFAULT_REVIEWS_PER_DAY))

    def _today(self, day: date) -> _Day:
        if self._day is not None and self._day.day == day:
            return self._day
        self._queues.clear()
        cache = _Day(day)
        last: dict[int, int] = {}
        iso = day.isoformat()
        for row in self.store.reviews_on(iso):
            card_id, deck_id, block_hash, kind, was_new, q, _rid, suspended, buried = row
            if suspended or (buried is not None and buried > iso):
                cache.hidden.add(card_id)  # its drill, if any, waits
            block = (deck_id, block_hash)
            cache.info[card_id] = block
            cache.blocks.add(block)
            if kind == "review":
                cache.done.add(card_id)
                (cache.new_done if was_new else cache.reviews_done)[deck_id] += 1
            cache.answers += 1
            if q < sm2.DRILL_UNTIL:
                last[card_id] = cache.answers
            else:
                last.pop(card_id, None)
        # drills pending from earlier today (e.g. before a restart) are ready at once
        cache.drills = [(cid, 0) for cid, _ in sorted(last.items(), key=lambda kv: kv[1])]
        self._day = cache
        return cache

    def _queue(self, cache: _Day, deck_ids: tuple[int, ...]) -> _Queue:
        queue = self._queues.get(deck_ids)
        if queue is None:
            queue = _Queue(
                deck_ids,
                frozenset(deck_ids),
                self._due_feed(cache.day.isoformat(), deck_ids),
                {d: self._new_feed(cache.day.isoformat(), d) for d in deck_ids},
                self._seq,
            )
            self._queues[deck_ids] = queue
        return queue

    def _due_feed(self, iso: str, deck_ids: tuple[int, ...]) -> _Feed:
        after = ""

        def fetch() -> list[tuple[int, _Entry]] | None:
            nonlocal after
            if after == iso:
                return None
            rows, after = self.store.due_page(iso, deck_ids, after, DUE_PAGE)
            # key: (due, source, position, id) — the order of the query
            return [(r[4], ((r[0], r[1], r[2], r[3]), r[3], (r[4], r[5]))) for r in rows]

        return _Feed(fetch, {d: _Lane() for d in deck_ids})

    def _new_feed(self, iso: str, deck_id: int) -> _Feed:
        after: tuple[str, int, int] | None = ("", -1, -1)  # None: all read

        def fetch() -> list[tuple[int, _Entry]] | None:
            nonlocal after
            if after is None:
                return None
            size = max(NEW_PAGE, 2 * self._new_limit(deck_id))
            rows = self.store.new_page(iso, deck_id, after, size)
            after = (rows[-1][0], rows[-1][1], rows[-1][2]) if len(rows) == size else None
            return [(deck_id, ((r[0], r[1], r[2]), r[2], (deck_id, r[3]))) for r in rows] or None

        return _Feed(fetch, {deck_id: _Lane()})

    # -- the queue -------------------------------------------------------------

    def _head(self, cache: _Day, feed: _Feed, lane: _Lane) -> _Entry | None:
        """The lane's first valid entry, reading more candidates when it runs dry."""
        done, blocks, hidden = cache.done, cache.blocks, cache.hidden
        while True:
            entries = lane.entries
            i, n = lane.at, len(entries)
            while i < n:
                entry = entries[i]
                if entry[1] not in done and entry[2] not in blocks and entry[1] not in hidden:
                    lane.at = i
                    return entry
                i += 1
            lane.at = i  # spent until an undo or unsuspend, which reset the cursors
            if feed.complete:
                return None
            feed.more()

    def _drills(self, cache: _Day, queue: _Queue) -> list[tuple[int, int]]:
        wanted, hidden, info = queue.wanted, cache.hidden, cache.info
        return [
            (card_id, ready)
            for card_id, ready in cache.drills
            if card_id not in hidden and info[card_id][0] in wanted
        ]

    def next_card_id(self, deck_ids: tuple[int, ...], now: datetime | None = None) -> int | None:
        """The card to study now in these decks, or None when nothing is left today."""
        cache = self._today(self.day(now))
        queue = self._queue(cache, deck_ids)
        waiting = self._drills(cache, queue) if cache.drills else []
        for card_id, ready in waiting:
            if ready <= cache.answers:
                return card_id
        best: _Entry | None = None
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

    def counts(self, deck_ids: tuple[int, ...], now: datetime | None = None) -> Counts:
        """New, review and drill cards left today (siblings count once: they wait)."""
        cache = self._today(self.day(now))
        queue = self._queue(cache, deck_ids)
        tally = queue.tally
        if tally is None:
            claims: dict[_Block, tuple[bool, int]] = {}  # one card per block today
            tally = _Tally(
                review={
                    deck_id: self._count(
                        cache,
                        queue.due,
                        lane,
                        self._review_limit(deck_id) - cache.reviews_done[deck_id],
                        claims,
                        (False, deck_id),
                    )
                    for deck_id, lane in queue.due.lanes.items()
                },
                new={
                    deck_id: self._count(
                        cache,
                        feed,
                        feed.lanes[deck_id],
                        self._new_limit(deck_id) - cache.new_done[deck_id],
                        claims,
                        (True, deck_id),
                    )
                    for deck_id, feed in queue.new.items()
                },
                claims=claims,
            )
            queue.tally = tally
        return Counts(
            new=sum(tally.new.values()),
            review=sum(tally.review.values()),
            drill=len(self._drills(cache, queue)),
        )

    def _count(
        self,
        cache: _Day,
        feed: _Feed,
        lane: _Lane,
        room: int,
        claims: dict[_Block, tuple[bool, int]],
        claim: tuple[bool, int],
    ) -> int:
        """Valid cards of a lane up to `room`, one per block not counted yet."""
        found = 0
        i = lane.at
        done, blocks, hidden = cache.done, cache.blocks, cache.hidden
        while found < room:
            if i >= len(lane.entries):
                if feed.complete:
                    break
                feed.more()
                continue
            _key, card_id, block = lane.entries[i]
            i += 1
            if card_id in done or block in blocks or card_id in hidden or block in claims:
                continue
            claims[block] = claim
            found += 1
        return found

    def _recount(self, deck_id: int, block: _Block, new: bool) -> None:
        """Keep the queues' counts in step with the day's first answer of a card.

        (A drill changes none: its block was answered before, so no lane counts it.)
        """
        for queue in self._queues.values():
            tally = queue.tally
            if tally is None or deck_id not in queue.wanted:
                continue
            if tally.claims.get(block) == (new, deck_id):
                del tally.claims[block]
                (tally.new if new else tally.review)[deck_id] -= 1
            else:
                queue.tally = None  # a card it did not count: count again when asked

    def _forget_counts(self) -> None:
        for queue in self._queues.values():
            queue.tally = None

    # -- answering -------------------------------------------------------------

    def next_states(self, card_id: int, now: datetime | None = None) -> dict[int, sm2.State]:
        """The state each answer key would lead to; a drill (answered today) stays put."""
        row = self.store.answer_state(card_id)
        if row is None:
            raise KeyError(card_id)
        state = state_from_row(row)
        grades = self.grades(row[7])
        day = self.day(now)
        if row[5] == day.isoformat():
            return {b.key: state for b in sm2.buttons(grades)}
        return sm2.next_states(state, day, grades)

    def answer(
        self, card_id: int, q: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> sm2.State:
        """Record an answer of quality q (0–5): one transaction; returns the card's state."""
        if not isinstance(q, int) or not 0 <= q <= 5:
            raise ValueError(f"SM-2 quality must be an integer 0–5, got {q!r}")
        moment = self.now(now)
        day = self.day(moment)
        iso = day.isoformat()
        cache = self._today(day)  # before writing: a fresh cache must not see this answer
        # The state is read under the write lock: another process answering the same card
        # commits before this read or after this write, never in between (no card gets two
        # scheduled answers in a day).
        with self.store.atomic("saving the answer"):
            row = self.store.answer_state(card_id)
            if row is None:
                raise KeyError(card_id)
            before = state_from_row(row)
            deck_id = row[7]
            block = (deck_id, row[8])
            scheduled = row[5] != iso  # only the day's first answer moves the schedule
            after = sm2.apply(before, q, day) if scheduled else before
            review_id = self.store.add_review(
                card_id,
                time_ms(moment, self.tz),
                iso,
                q,
                duration_ms,
                "review" if scheduled else "drill",
                state_tuple(before),
                state_tuple(after),
                1 if q < sm2.DRILL_UNTIL else 0,
            )
        self.last_review_id = review_id
        undo = _Undo(
            "answer",
            card_id,
            day,
            self._seq,
            review_id,
            drills=list(cache.drills),
            answers=cache.answers,
            cursors=[
                (lane, lane.at)
                for queue in self._queues.values()
                for feed in (queue.due, *queue.new.values())
                for lane in feed.lanes.values()
            ],
        )
        self._seq += 1
        cache.info[card_id] = block
        if row[9] or (row[10] is not None and row[10] > iso):
            cache.hidden.add(card_id)  # answered while suspended or buried: no drill today
        if scheduled:
            undo.added_done = card_id not in cache.done
            cache.done.add(card_id)
            undo.counted = "new" if before.is_new else "review"
            (cache.new_done if before.is_new else cache.reviews_done)[deck_id] += 1
        undo.added_block = block not in cache.blocks
        if scheduled:
            self._recount(deck_id, block, before.is_new)
        elif undo.added_block:
            self._forget_counts()  # answered today by another process: count again
        cache.blocks.add(block)
        cache.answers += 1
        cache.drills = [d for d in cache.drills if d[0] != card_id]
        if q < sm2.DRILL_UNTIL:
            cache.drills.append((card_id, cache.answers + DRILL_GAP))
        self._undo.append(undo)
        return after

    def undo(self) -> int | None:
        """Take back the last answer, suspend or bury of this session; returns its card."""
        if not self._undo:
            return None
        entry = self._undo[-1]
        with self.store.atomic("undoing the last answer"):
            if entry.action == "answer":
                self.store.delete_review(entry.review_id)
                # the state is what the remaining reviews say — exactly what it was before
                self.store.write_state(
                    entry.card_id, replay_row(self.store.reviews_of(entry.card_id))
                )
            else:
                suspended, buried_until = entry.flags
                self.store.set_flags(entry.card_id, suspended=suspended, buried_until=buried_until)
        self._undo.pop()
        cache = self._day
        if entry.action != "answer":
            self._hide(entry.card_id, *entry.flags)
        elif cache is None or cache.day != entry.day:
            self.invalidate()  # an answer of another day: read the day again
        else:
            cache.drills = entry.drills
            cache.answers = entry.answers
            block = cache.info[entry.card_id]
            deck_id = block[0]
            if entry.added_done:
                cache.done.discard(entry.card_id)
            if entry.added_block:
                cache.blocks.discard(block)
            if entry.counted == "new":
                cache.new_done[deck_id] -= 1
            elif entry.counted == "review":
                cache.reviews_done[deck_id] -= 1
            # queues read after the answer lack the card: read them again
            for key in [k for k, q in self._queues.items() if q.built > entry.seq]:
                del self._queues[key]
            self._forget_counts()
            # the others' cursors go back to where they stood: what was spent before the
            # answer is spent again, now that the day is as it was
            for lane, at in entry.cursors:
                lane.at = at
        return entry.card_id

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def suspend(self, card_id: int, suspended: bool = True, now: datetime | None = None) -> None:
        """Suspend (or unsuspend) a card: it leaves every queue until unsuspended."""
        with self.store.atomic("suspending the card"):
            flags = self.store.card_flags(card_id)
            if flags is None:
                raise KeyError(card_id)
            self.store.set_flags(card_id, suspended=int(suspended))
        self._undo.append(_Undo("suspend", card_id, self.day(now), self._seq, flags=tuple(flags)))
        self._seq += 1
        self._hide(card_id, int(suspended), flags[1])

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide a card until the next study day."""
        day = self.day(now)
        until = (day + timedelta(days=1)).isoformat()
        with self.store.atomic("burying the card"):
            flags = self.store.card_flags(card_id)
            if flags is None:
                raise KeyError(card_id)
            self.store.set_flags(card_id, buried_until=until)
        self._undo.append(_Undo("bury", card_id, day, self._seq, flags=tuple(flags)))
        self._seq += 1
        self._hide(card_id, flags[0], until)

    def _hide(self, card_id: int, suspended: int, buried_until: str | None) -> None:
        """Keep the day's queues in step with a card's new flags."""
        cache = self._day
        if cache is None:
            return
        self._forget_counts()
        if suspended or (buried_until is not None and buried_until > cache.day.isoformat()):
            cache.hidden.add(card_id)
        else:
            cache.hidden.discard(card_id)
            # the queues read so far lack it, or have their cursors past it: read them again
            self._queues.clear()
