"""A merged card's SM-2 history replayed in one tight pass, for the hundreds of
thousands of reviews one sync can bring.

`replay(reviews)` gives what `flashcards.study.state.replay_steps` and `replay_row`
give together — each review's (before, after) state tuples, as its row stores them,
and the card's card_state columns — from one walk over plain integers (day
ordinals, EF in thousandths) instead of two walks building a `sm2.State` and
parsing a date per review. Like them on rows of (q, day, kind, time_ms), a review
of kind "import" moves nothing here (its row's schedule is not in such a row).
`tests/sync/test_steps.py` holds it equal to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flashcards.sm2 import DRILL_UNTIL, EF_START, step
from flashcards.store.custom import PRACTICE_KINDS

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
