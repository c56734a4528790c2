"""Studying: answering, undo, bury and suspend, over today's queue (`study.queue`).

Every action is one transaction, and the state it depends on is read inside
it (BEGIN IMMEDIATE first): another process answering the same card commits
before the read or after the write, never in between. Each answer goes through
the deck's scheduler (`scheduling`: SM-2 or FSRS). A card's first answer of a
study day is its review; the later ones are logged as drills (under SM-2 they
leave the schedule as it is; under FSRS they are its learning steps). Undo takes back this session's actions, last first, and
puts the day's queue back exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from flashcards import scheduling, sm2
from flashcards.clock import DEFAULT_ROLLOVER_HOUR, study_day, time_ms
from flashcards.store import Store
from flashcards.store import cards as card_rows
from flashcards.store import custom as custom_rows
from flashcards.store import fsrs as fsrs_rows
from flashcards.store import queue as queue_rows
from flashcards.study.day import lineage
from flashcards.study.queue import DRILL_GAP, Mark, TodayQueue
from flashcards.study.replay import deck_config
from flashcards.study.state import replay_card, replay_row, state_from_row, state_tuple
from flashcards.views import Counts

__all__ = ["DRILL_GAP", "Counts", "Study", "replay_row", "state_from_row", "state_tuple"]


@dataclass
class _Undo:
    """What undoing the last action puts back."""

    action: str  # 'answer', 'suspend', 'bury', 'flags', 'practice', 'extra_new'
    card_id: int
    day: date
    review_id: int | None = None
    mark: Mark | None = None  # what the answer changed in the day's queue
    flags: card_rows.Flags | None = None  # before a suspend or bury
    many: list[tuple[int, card_rows.Flags]] | None = None  # before a change of many cards
    extra: dict[int, int] | None = None  # today's extra new cards before they changed


class Study:
    """The study engine of one collection, for one thread."""

    def __init__(
        self, store: Store, tz: tzinfo | None = None, rollover_hour: int = DEFAULT_ROLLOVER_HOUR
    ) -> None:
        self.store = store
        self.tz = tz
        self.rollover_hour = rollover_hour
        self.queue = TodayQueue(store)
        self._undo: list[_Undo] = []
        self.last_review_id: int | None = None  # the review row of the last answer
        self._last_now: datetime | None = None
        self._last_day = date.min
        self._configs: dict[int, object] = {}
        self._configs_at = -1  # the queue generation they were read in

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

    # -- the queue ----------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Goes up whenever what was read is forgotten (a card shown before is stale)."""
        return self.queue.generation

    def invalidate(self) -> None:
        """Forget what was read (after a build, or another connection's writes); undo
        still works."""
        self.queue.invalidate()

    def all_decks(self) -> tuple[int, ...]:
        return self.queue.all_decks()

    def grades(self, deck_id: int) -> int:
        return self.queue.settings(deck_id).grades

    def next_card_id(self, deck_ids: tuple[int, ...], now: datetime | None = None) -> int | None:
        """The card to study now in these decks, or None when nothing is left today."""
        return self.queue.next_card_id(deck_ids, self.day(now))

    def upcoming(
        self, deck_ids: tuple[int, ...], limit: int, now: datetime | None = None
    ) -> list[int]:
        """Cards `next_card_id` is likely to hand out soon, to read ahead."""
        return self.queue.upcoming(deck_ids, self.day(now), limit)

    def counts(self, deck_ids: tuple[int, ...], now: datetime | None = None) -> Counts:
        return self.queue.counts(deck_ids, self.day(now))

    def deck_counts(
        self, deck_ids: tuple[int, ...], now: datetime | None = None
    ) -> dict[int, Counts]:
        return self.queue.deck_counts(deck_ids, self.day(now))

    def config(self, deck_id: int):  # noqa: ANN201 - fsrs_scheduler.Config | None
        """The deck's FSRS config, or None under SM-2 (cached like the deck settings)."""
        if self._configs_at != self.queue.generation:
            self._configs.clear()
            self._configs_at = self.queue.generation
        if deck_id not in self._configs:
            self._configs[deck_id] = deck_config(self.store, deck_id, self.queue.settings(deck_id))
        return self._configs[deck_id]

    def _memory(self, card_id: int, cfg: object):  # noqa: ANN202
        return fsrs_rows.memory_of(self.store, card_id) if cfg is not None else None

    # -- answering -------------------------------------------------------------

    def next_states(self, card_id: int, now: datetime | None = None) -> sm2.Outcomes:
        """The state each answer key would lead to (`today`: the keys that bring the
        card back later today). Under SM-2 a drill (answered today) stays put."""
        row = queue_rows.answer_state(self.store, card_id)
        if row is None:
            raise KeyError(card_id)
        last = date.fromisoformat(row.last_day) if row.last_day else None
        cfg = self.config(row.deck_id)
        moment = self.now(now)
        return scheduling.next_states(
            cfg,
            state_from_row(row),
            self._memory(card_id, cfg),
            time_ms(moment, self.tz),
            self.day(moment),
            self.grades(row.deck_id),
            last,
        )

    def answer(
        self, card_id: int, q: int, now: datetime | None = None, duration_ms: int | None = None
    ) -> sm2.State:
        """Record an answer of quality q (0–5): one transaction; returns the card's state."""
        if not isinstance(q, int) or not 0 <= q <= 5:
            raise ValueError(f"SM-2 quality must be an integer 0–5, got {q!r}")
        moment = self.now(now)
        day = self.day(moment)
        iso = day.isoformat()
        at_ms = time_ms(moment, self.tz)
        cache = self.queue.today(day)  # before writing: a fresh cache must not see this answer
        commits = self.store.commits
        mark = None
        try:
            with self.store.atomic("saving the answer", answer=True):
                row = queue_rows.answer_state(self.store, card_id)
                if row is None:
                    raise KeyError(card_id)
                before = state_from_row(row)
                last = date.fromisoformat(row.last_day) if row.last_day else None
                cfg = self.config(row.deck_id)
                out = scheduling.answer(
                    cfg, before, self._memory(card_id, cfg), q, at_ms, day, last
                )
                review_id = queue_rows.add_review(
                    self.store,
                    card_id,
                    queue_rows.answer_time(row.latest_ms, at_ms),
                    iso,
                    q,
                    duration_ms,
                    "drill" if out.drill else "review",
                    state_tuple(before),
                    state_tuple(out.state),
                    1 if out.back_today else 0,
                    stored=row[: len(queue_rows.STATE_COLUMNS)],  # only what changes is written
                    pending=True,  # the summaries' share is folded in later (store/pending.py)
                )
                if out.memory is not None:
                    fsrs_rows.write_memory(self.store, card_id, out.memory)
                # the day takes the answer in before the commit, whose sync the process
                # sleeps through: what runs after it runs on a cold CPU (~2x slower)
                hidden = bool(row.suspended) or (
                    row.buried_until is not None and row.buried_until > iso
                )
                mark = self.queue.answered(
                    cache,
                    card_id,
                    (row.deck_id, row.block_hash),
                    not out.drill,
                    before.is_new,
                    out.back_today,
                    hidden,
                    lineage(row.deck_id, row.ancestors),
                )
        except BaseException:
            if mark is not None and self.store.commits == commits:
                self.queue.unanswered(card_id, mark)  # not saved: the day is as it was
            raise
        self.last_review_id = review_id
        self._undo.append(_Undo("answer", card_id, day, review_id, mark=mark))
        return out.state

    def undo(self) -> int | None:
        """Take back the last answer, suspend or bury of this session; returns its card."""
        if not self._undo:
            return None
        entry = self._undo[-1]
        with self.store.atomic("undoing the last answer"):
            if entry.action == "practice":
                assert entry.review_id is not None
                queue_rows.delete_review(self.store, entry.review_id)  # it moved no state
            elif entry.action == "flags":
                assert entry.many is not None
                for card_id, flags in entry.many:
                    card_rows.set_flags(
                        self.store,
                        card_id,
                        suspended=flags.suspended,
                        buried_until=flags.buried_until,
                    )
            elif entry.action == "extra_new":
                assert entry.extra is not None
                custom_rows.set_extra_new(self.store, entry.day.isoformat(), entry.extra)
            elif entry.action == "answer":
                assert entry.review_id is not None
                queue_rows.delete_review(self.store, entry.review_id)
                # the state is what the remaining reviews say — exactly what it was before
                card = queue_rows.answer_state(self.store, entry.card_id)
                cfg = self.config(card.deck_id) if card is not None else None
                state, memory = replay_card(queue_rows.reviews_of(self.store, entry.card_id), cfg)
                queue_rows.write_state(self.store, entry.card_id, state)
                fsrs_rows.write_memory(self.store, entry.card_id, memory)
            else:
                assert entry.flags is not None
                card_rows.set_flags(
                    self.store,
                    entry.card_id,
                    suspended=entry.flags.suspended,
                    buried_until=entry.flags.buried_until,
                )
        self._undo.pop()
        if entry.action == "practice":
            pass  # practice is no part of the day's queue
        elif entry.action == "extra_new":
            self.queue.invalidate()
        elif entry.many is not None:
            self.queue.seq += 1
            for card_id, flags in entry.many:
                self.queue.hide(card_id, *flags)
        elif entry.mark is not None:
            self.queue.unanswered(entry.card_id, entry.mark)
        else:
            assert entry.flags is not None
            self.queue.hide(entry.card_id, *entry.flags)
        return None if entry.action == "extra_new" else entry.card_id

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    def suspend(self, card_id: int, suspended: bool = True, now: datetime | None = None) -> None:
        """Suspend (or unsuspend) a card: it leaves every queue until unsuspended."""
        with self.store.atomic("suspending the card"):
            flags = card_rows.flags(self.store, card_id)
            if flags is None:
                raise KeyError(card_id)
            card_rows.set_flags(self.store, card_id, suspended=int(suspended))
        self._undo.append(_Undo("suspend", card_id, self.day(now), flags=flags))
        self.queue.seq += 1
        self.queue.hide(card_id, int(suspended), flags.buried_until)

    def bury(self, card_id: int, now: datetime | None = None) -> None:
        """Hide a card until the next study day."""
        day = self.day(now)
        until = (day + timedelta(days=1)).isoformat()
        with self.store.atomic("burying the card"):
            flags = card_rows.flags(self.store, card_id)
            if flags is None:
                raise KeyError(card_id)
            card_rows.set_flags(self.store, card_id, buried_until=until)
        self._undo.append(_Undo("bury", card_id, day, flags=flags))
        self.queue.seq += 1
        self.queue.hide(card_id, flags.suspended, until)

    def change_flags(
        self,
        card_ids: list[int],
        *,
        suspended: bool | None = None,
        unbury: bool = False,
        now: datetime | None = None,
    ) -> list[int]:
        """Suspend, unsuspend or unbury cards, all in one transaction (one undo takes it
        back); the ids that name no card, in which case nothing changed."""
        day = self.day(now)
        before: list[tuple[int, card_rows.Flags]] = []
        missing: list[int] = []
        with self.store.atomic("changing the cards"):
            for card_id in card_ids:
                flags = card_rows.flags(self.store, card_id)
                if flags is None:
                    missing.append(card_id)
                else:
                    before.append((card_id, flags))
            if missing:
                return missing  # nothing written: the transaction ends empty
            for card_id, _ in before:
                card_rows.set_flags(
                    self.store,
                    card_id,
                    suspended=None if suspended is None else int(suspended),
                    buried_until=None if unbury else ...,
                )
        if before:
            self._undo.append(_Undo("flags", before[0][0], day, many=before))
            self.queue.seq += 1
            for card_id, flags in before:
                self.queue.hide(
                    card_id,
                    flags.suspended if suspended is None else int(suspended),
                    None if unbury else flags.buried_until,
                )
        return []

    def practice(
        self,
        card_id: int,
        q: int,
        kind: str,
        now: datetime | None = None,
        duration_ms: int | None = None,
    ) -> None:
        """Log a practice answer (cram, study ahead): kept, undoable, schedule untouched."""
        if not isinstance(q, int) or not 0 <= q <= 5:
            raise ValueError(f"SM-2 quality must be an integer 0–5, got {q!r}")
        moment = self.now(now)
        day = self.day(moment)
        with self.store.atomic("saving the answer"):
            review_id = custom_rows.add_practice(
                self.store, card_id, time_ms(moment, self.tz), day.isoformat(), q, duration_ms, kind
            )
            if review_id is None:
                raise KeyError(card_id)
        self.last_review_id = review_id
        self._undo.append(_Undo("practice", card_id, day, review_id))

    def add_new_today(
        self, deck_ids: tuple[int, ...], extra: int, now: datetime | None = None
    ) -> None:
        """Allow `extra` more new cards today in each of these decks (undo takes it back)."""
        day = self.day(now)
        iso = day.isoformat()
        with self.store.atomic("adding new cards for today"):
            before = custom_rows.extra_new(self.store, iso)
            after = dict(before)
            for deck_id in deck_ids:
                after[deck_id] = after.get(deck_id, 0) + extra
            custom_rows.set_extra_new(self.store, iso, after)
        self._undo.append(_Undo("extra_new", deck_ids[0] if deck_ids else 0, day, extra=before))
        self.queue.invalidate()
