"""Today's queue, answering, undo, bury and suspend.

The queue is built once per study day and deck selection (two indexed
queries) and then served from memory: the next card is the first candidate
that is still valid, so answering and fetching the next card cost a few
set look-ups plus one small transaction. Everything the queue knows is
derived from the collection (reviews of today, drill flags), so a restarted
process picks up exactly where a killed one stopped.

Order: same-day drills that are ready, then due reviews (most overdue first,
then outline order), then new cards in outline order — within each deck's
`new_per_day` and `reviews_per_day`. Once one card of a block is answered,
its siblings wait until the next day. A card answered below 4 comes back
after a few other cards (or at once when none are left) until it earns 4;
those drills are logged but do not move the schedule.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

from flashcards import sm2
from flashcards.store import Store

DRILL_GAP = 3  # a failed card comes back after this many other answers
DEFAULT_ROLLOVER_HOUR = 4


def study_day(
    now: datetime, tz: tzinfo | None = None, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
) -> date:
    """The study day `now` falls in: days roll over at `rollover_hour` local time."""
    if now.tzinfo is None:
        local = now if tz is None else now.replace(tzinfo=tz)
    else:
        local = now.astimezone(tz) if tz is not None else now.astimezone()
    return (local - timedelta(hours=rollover_hour)).date()


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
    """The card_state columns a card's reviews (q, day, kind) lead to."""
    state = sm2.replay([(q, date.fromisoformat(day), kind == "review") for q, day, kind in reviews])
    last_day = reviews[-1][1] if reviews else None
    drill = 1 if reviews and reviews[-1][0] < sm2.DRILL_UNTIL else 0
    return (*state_tuple(state), last_day, drill)


@dataclass
class Counts:
    new: int = 0
    review: int = 0
    drill: int = 0

    @property
    def total(self) -> int:
        return self.new + self.review + self.drill


@dataclass
class _Day:
    day: date
    done: set[int] = field(default_factory=set)  # cards with today's scheduled answer
    blocks: set[str] = field(default_factory=set)  # blocks answered today: siblings wait
    new_done: Counter[int] = field(default_factory=Counter)
    reviews_done: Counter[int] = field(default_factory=Counter)
    drills: list[tuple[int, int]] = field(default_factory=list)  # (card, ready after answer n)
    answers: int = 0
    hidden: set[int] = field(default_factory=set)  # suspended or buried since the queue was built
    info: dict[int, tuple[int, str]] = field(default_factory=dict)  # card -> (deck, block)


@dataclass
class _Queue:
    due: list[tuple[int, int, str]]
    new: list[tuple[int, int, str]]
    due_at: int = 0  # entries before these cursors are known to be spent
    new_at: int = 0


@dataclass
class _Undo:
    action: str  # 'answer', 'suspend', 'bury'
    card_id: int
    review_id: int | None = None
    drills: list[tuple[int, int]] | None = None
    answers: int = 0
    added_done: bool = False
    added_block: bool = False
    counted: str | None = None  # 'new' or 'review'
    previous: object = None  # the flag value before suspend/bury


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

    # -- time ------------------------------------------------------------------

    def now(self, now: datetime | None) -> datetime:
        return now if now is not None else datetime.now(UTC)

    def day(self, now: datetime | None = None) -> date:
        return study_day(self.now(now), self.tz, self.rollover_hour)

    # -- cache -----------------------------------------------------------------

    def invalidate(self) -> None:
        """Forget the queues (after a build): they are rebuilt on next use."""
        self._day = None
        self._queues.clear()
        self._settings.clear()

    def settings(self, deck_id: int) -> dict:
        if deck_id not in self._settings:
            row = self.store.deck_by_id(deck_id)
            self._settings[deck_id] = json.loads(row["settings"]) if row else {}
        return self._settings[deck_id]

    def _limit(self, deck_id: int, key: str, default: int) -> int:
        return int(self.settings(deck_id).get(key, default))

    def _today(self, day: date) -> _Day:
        if self._day is not None and self._day.day == day:
            return self._day
        self._queues.clear()
        cache = _Day(day)
        iso = day.isoformat()
        last: dict[int, int] = {}
        for card_id, deck_id, block, kind, was_new, q, _rid in self.store.reviews_on(iso):
            cache.info[card_id] = (deck_id, block)
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
            iso = cache.day.isoformat()
            due = self.store.due_candidates(iso, deck_ids)
            new = self.store.new_candidates(iso, deck_ids)
            for card_id, deck_id, block in due:
                cache.info[card_id] = (deck_id, block)
            for card_id, deck_id, block in new:
                cache.info[card_id] = (deck_id, block)
            queue = _Queue(due, new)
            self._queues[deck_ids] = queue
        return queue

    # -- the queue -------------------------------------------------------------

    def _valid(self, cache: _Day, entry: tuple[int, int, str]) -> bool:
        card_id, _, block = entry
        return (
            card_id not in cache.done and block not in cache.blocks and card_id not in cache.hidden
        )

    def _scan(
        self, cache: _Day, queue: _Queue, which: str, deck_ids: tuple[int, ...]
    ) -> int | None:
        entries = queue.due if which == "due" else queue.new
        at = queue.due_at if which == "due" else queue.new_at
        key, default, done = (
            ("reviews_per_day", 200, cache.reviews_done)
            if which == "due"
            else ("new_per_day", 20, cache.new_done)
        )
        open_decks = {d for d in deck_ids if done[d] < self._limit(d, key, default)}
        if not open_decks:
            return None
        spent = True
        for i in range(at, len(entries)):
            entry = entries[i]
            if not self._valid(cache, entry):
                if spent:
                    at = i + 1
                continue
            spent = False
            if entry[1] in open_decks:
                if which == "due":
                    queue.due_at = at
                else:
                    queue.new_at = at
                return entry[0]
        if which == "due":
            queue.due_at = at
        else:
            queue.new_at = at
        return None

    def next_card_id(self, deck_ids: tuple[int, ...], now: datetime | None = None) -> int | None:
        cache = self._today(self.day(now))
        queue = self._queue(cache, deck_ids)
        wanted = set(deck_ids)
        waiting = [
            (ready, cid)
            for cid, ready in cache.drills
            if cid not in cache.hidden and self._deck_of(cid) in wanted
        ]
        for ready, cid in waiting:
            if ready <= cache.answers:
                return cid
        for which in ("due", "new"):
            card_id = self._scan(cache, queue, which, deck_ids)
            if card_id is not None:
                return card_id
        return waiting[0][1] if waiting else None

    def _deck_of(self, card_id: int) -> int:
        info = self._day.info.get(card_id) if self._day else None
        if info is None:
            row = self.store.execute(
                "SELECT deck_id, block_hash FROM cards WHERE id = ?", (card_id,)
            ).fetchone()
            info = (row[0], row[1]) if row else (-1, "")
            if self._day is not None:
                self._day.info[card_id] = info
        return info[0]

    def counts(self, deck_ids: tuple[int, ...], now: datetime | None = None) -> Counts:
        cache = self._today(self.day(now))
        queue = self._queue(cache, deck_ids)
        wanted = set(deck_ids)
        counts = Counts(
            drill=sum(
                1
                for cid, _ in cache.drills
                if cid not in cache.hidden and self._deck_of(cid) in wanted
            )
        )
        for which, entries, at, key, default, done in (
            ("review", queue.due, queue.due_at, "reviews_per_day", 200, cache.reviews_done),
            ("new", queue.new, queue.new_at, "new_per_day", 20, cache.new_done),
        ):
            room = {d: max(0, self._limit(d, key, default) - done[d]) for d in deck_ids}
            open_decks = {d for d, n in room.items() if n}
            total = 0
            blocks: set[str] = set()
            for i in range(at, len(entries)):
                if not open_decks:
                    break
                entry = entries[i]
                deck_id = entry[1]
                if deck_id not in open_decks or not self._valid(cache, entry) or entry[2] in blocks:
                    continue
                blocks.add(entry[2])  # one card per block today
                total += 1
                room[deck_id] -= 1
                if not room[deck_id]:
                    open_decks.discard(deck_id)
            setattr(counts, which, total)
        return counts

    # -- answering -------------------------------------------------------------

    def answer(
        self, card_id: int, q: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> sm2.State:
        if not 0 <= q <= 5:
            raise ValueError(f"SM-2 quality must be 0–5, got {q}")
        moment = self.now(now)
        day = study_day(moment, self.tz, self.rollover_hour)
        iso = day.isoformat()
        row = self.store.state_of(card_id)
        if row is None:
            raise KeyError(card_id)
        before = state_from_row(row)
        scheduled = row[5] != iso  # only the day's first answer moves the schedule
        after = sm2.apply(before, q, day) if scheduled else before
        with self.store.atomic():
            review_id = self.store.add_review(
                card_id,
                int(moment.timestamp() * 1000),
                iso,
                q,
                duration_ms,
                "review" if scheduled else "drill",
                state_tuple(before),
                state_tuple(after),
                1 if q < sm2.DRILL_UNTIL else 0,
            )
        cache = self._today(day)
        deck_id = self._deck_of(card_id)
        block = cache.info[card_id][1]
        undo = _Undo("answer", card_id, review_id, drills=list(cache.drills), answers=cache.answers)
        if scheduled:
            undo.added_done = card_id not in cache.done
            cache.done.add(card_id)
            undo.counted = "new" if before.is_new else "review"
            (cache.new_done if before.is_new else cache.reviews_done)[deck_id] += 1
        undo.added_block = block not in cache.blocks
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
        entry = self._undo.pop()
        cache = self._day
        if entry.action == "answer":
            with self.store.atomic():
                self.store.delete_review(entry.review_id)
                self.store.write_state(
                    entry.card_id, replay_row(self.store.reviews_of(entry.card_id))
                )
            if cache is not None and entry.drills is not None:
                cache.drills = entry.drills
                cache.answers = entry.answers
                deck_id, block = cache.info[entry.card_id]
                if entry.added_done:
                    cache.done.discard(entry.card_id)
                if entry.added_block:
                    cache.blocks.discard(block)
                if entry.counted == "new":
                    cache.new_done[deck_id] -= 1
                elif entry.counted == "review":
                    cache.reviews_done[deck_id] -= 1
        else:
            with self.store.atomic():
                if entry.action == "suspend":
                    self.store.set_flags(entry.card_id, suspended=int(bool(entry.previous)))
                else:
                    self.store.set_flags(entry.card_id, buried_until=entry.previous)
            if cache is not None:
                cache.hidden.discard(entry.card_id)
                self._queues.clear()  # the card may need to rejoin a queue it was never in
        for queue in self._queues.values():
            queue.due_at = queue.new_at = 0
        return entry.card_id

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def suspend(self, card_id: int, suspended: bool = True) -> None:
        row = self.store.execute("SELECT suspended FROM cards WHERE id = ?", (card_id,)).fetchone()
        if row is None:
            raise KeyError(card_id)
        with self.store.atomic():
            self.store.set_flags(card_id, suspended=int(suspended))
        self._undo.append(_Undo("suspend", card_id, previous=row[0]))
        self._hide(card_id, suspended)

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        row = self.store.execute(
            "SELECT buried_until FROM cards WHERE id = ?", (card_id,)
        ).fetchone()
        if row is None:
            raise KeyError(card_id)
        until = (self.day(now) + timedelta(days=1)).isoformat()
        with self.store.atomic():
            self.store.set_flags(card_id, buried_until=until)
        self._undo.append(_Undo("bury", card_id, previous=row[0]))
        self._hide(card_id, True)

    def _hide(self, card_id: int, hidden: bool) -> None:
        if self._day is None:
            return
        if hidden:
            self._day.hidden.add(card_id)
        else:
            self._day.hidden.discard(card_id)
            self._queues.clear()
