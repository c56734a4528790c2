"""A merged card's SM-2 history replayed in one tight pass, for the hundreds of
thousands of reviews one sync can bring.

`replay(reviews)` gives what `flashcards.study.state.replay_steps` and `replay_row`
give together — each review's (before, after) state tuples, as its row stores them,
and the card's card_state columns — from one walk over plain integers (day
ordinals, EF in thousandths) instead of two walks building a `sm2.State` and
parsing a date per review. Like them on rows of (q, day, kind, time_ms), a review
of kind "import" moves nothing here (its row's schedule is not in such a row).
`tests/sync/test_steps.py` holds it equal to them. `new_rows` is the same walk for
a card with no review here yet (most of a first sync's), straight from its journal
entries to the rows to insert.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from operator import itemgetter

from flashcards.sm2 import DRILL_UNTIL, EF_START, step
from flashcards.store.custom import PRACTICE_KINDS
from flashcards.sync.journal import Entry

_LAST = date.max.toordinal()
_ordinal: dict[str, int] = {}  # "2025-03-10" -> its ordinal: a sync sees few distinct days
_iso: dict[int, str] = {}

Steps = list[tuple[tuple, tuple]]


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


def replay(reviews: Sequence[Sequence]) -> tuple[Steps, tuple]:
    """(each review's (before, after) SM-2 state tuples, the card_state columns) of a
    card's reviews (q, day, kind, …) in replay order."""
    reps, ef, interval, due, lapses = 0, EF_START, 0, None, 0
    before: tuple = (0, EF_START, 0, None, 0)
    steps: Steps = []
    last_day = None
    back = 0
    for q, day, kind, *_ in reviews:
        if kind == "review":
            if not 0 <= q <= 5:
                raise ValueError(f"SM-2 quality must be 0–5, got {q}")
            today = _day(day)
            reps, ef, interval, lapses = step(q, reps, ef, interval, lapses)
            due = _iso_day(min(today + interval, _LAST))
            after = (reps, ef, interval, due, lapses)
        else:
            after = before
        if kind not in PRACTICE_KINDS:
            last_day, back = day, 1 if q < DRILL_UNTIL else 0
        steps.append((before, after))
        before = after
    return steps, (*before, last_day, back)


_ORDER = itemgetter(4, 0)  # an Entry's (time, device): the replay order of reviews new here


def new_rows(card_id: int, entries: Iterable[Entry]) -> tuple[list[tuple], tuple]:
    """(the review rows to insert, as `flashcards.store.sync.insert_reviews` takes them;
    the card_state columns) of a card with no review here yet, from its entries in
    their replay order (time, device): `replay` of them, in one pass."""
    reps, ef, interval, due, lapses = 0, EF_START, 0, None, 0
    rows: list[tuple] = []
    last_day = None
    back = 0
    for device, _, _, _, time, day, q, duration, kind in sorted(entries, key=_ORDER):
        if kind == "review":
            if not 0 <= q <= 5:
                raise ValueError(f"SM-2 quality must be 0–5, got {q}")
            reps_after, ef_after, interval_after, lapses_after = step(q, reps, ef, interval, lapses)
            due_after = _iso_day(min(_day(day) + interval_after, _LAST))
            rows.append(
                (
                    card_id, time, day, q, duration, kind, reps, ef, interval, due, lapses,
                    reps_after, ef_after, interval_after, due_after, lapses_after, device,
                )
            )  # fmt: skip
            reps, ef, interval, due, lapses = (
                reps_after, ef_after, interval_after, due_after, lapses_after
            )  # fmt: skip
        else:
            rows.append(
                (
                    card_id, time, day, q, duration, kind, reps, ef, interval, due, lapses,
                    reps, ef, interval, due, lapses, device,
                )
            )  # fmt: skip
        if kind not in PRACTICE_KINDS:
            last_day, back = day, 1 if q < DRILL_UNTIL else 0
    return rows, (reps, ef, interval, due, lapses, last_day, back)
