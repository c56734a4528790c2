"""A merged card's SM-2 history replayed in one tight pass, for the hundreds of
thousands of reviews one sync can bring.

`replay(card, reviews)` walks a card's reviews in replay order, each
(time_ms, device, new, order, q, day, kind, duration) — `new` 1 for a review merged
in now, 0 for one already here — and gives the rows to insert for the new ones, with
the state before and after each as its row stores it, and the card's card_state
columns. It gives what `flashcards.study.state.replay_steps` and `replay_row` give
together, from one walk over plain integers (day ordinals, EF in thousandths)
instead of two walks building a `sm2.State` and parsing a date per review; like
them, a review of kind "import" moves nothing here (its row's schedule is not in
such a row). `tests/sync/test_steps.py` holds it equal to them. `new_rows` is the
walk of a card with no review here yet (most of a first sync's), from its entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from flashcards.sm2 import DRILL_UNTIL, EF_START, step
from flashcards.store.custom import PRACTICE_KINDS
from flashcards.sync.journal import Entry

_LAST = date.max.toordinal()
_ordinal: dict[str, int] = {}  # "2025-03-10" -> its ordinal: a sync sees few distinct days
_iso: dict[int, str] = {}

_KEEP = 100_000  # days each cache holds at most


def _day(day: str) -> int:
    found = _ordinal.get(day)
    if found is None:
        if len(_ordinal) >= _KEEP:
            _ordinal.clear()
        found = _ordinal[day] = date.fromisoformat(day).toordinal()
    return found


def _iso_day(ordinal: int) -> str:
    found = _iso.get(ordinal)
    if found is None:
        if len(_iso) >= _KEEP:
            _iso.clear()
        found = _iso[ordinal] = date.fromordinal(ordinal).isoformat()
    return found


def replay(card_id: int, reviews: Iterable[Sequence]) -> tuple[list[tuple], tuple]:
    """(the rows to insert for the new reviews — card, time, day, q, duration, kind,
    state before ×5, state after ×5, device, as `flashcards.store.sync.insert_reviews`
    takes them — and the card_state columns) of a card's reviews (time_ms, device, new,
    order, q, day, kind, duration) in replay order."""
    reps, ef, interval, due, lapses = 0, EF_START, 0, None, 0
    rows: list[tuple] = []
    last_day = None
    back = 0
    for time_ms, device, new, _, q, day, kind, duration in reviews:
        if kind == "review":
            if not 0 <= q <= 5:
                raise ValueError(f"SM-2 quality must be 0–5, got {q}")
            reps_after, ef_after, interval_after, lapses_after = step(q, reps, ef, interval, lapses)
            due_after = _iso_day(min(_day(day) + interval_after, _LAST))
            if new:
                rows.append(
                    (
                        card_id, time_ms, day, q, duration, kind, reps, ef, interval, due,
                        lapses, reps_after, ef_after, interval_after, due_after, lapses_after,
                        device,
                    )
                )  # fmt: skip
            reps, ef, interval, due, lapses = (
                reps_after, ef_after, interval_after, due_after, lapses_after
            )  # fmt: skip
        elif new:
            rows.append(
                (
                    card_id, time_ms, day, q, duration, kind, reps, ef, interval, due, lapses,
                    reps, ef, interval, due, lapses, device,
                )
            )  # fmt: skip
        if kind not in PRACTICE_KINDS:
            last_day, back = day, 1 if q < DRILL_UNTIL else 0
    return rows, (reps, ef, interval, due, lapses, last_day, back)


def new_rows(card_id: int, entries: Iterable[Entry]) -> tuple[list[tuple], tuple]:
    """`replay` of a card with no review here yet: its entries, all new, in their replay
    order (time, device; a card's entries are unique by the two)."""
    return replay(
        card_id,
        sorted(
            (time, device, 1, 0, q, day, kind, duration)
            for device, _, _, _, time, day, q, duration, kind in entries
        ),
    )
