"""A card's schedule as the collection stores it, and as its reviews replay it.

`card_state` rows hold (repetitions, EF, interval, due, lapses, last day,
drill); they are derived: a card's state is always the replay of its review
log, which `doctor` checks and undo relies on. Practice reviews (cram, study
ahead: `store.custom.PRACTICE_KINDS`) are in the log but not in the replay: they
move no schedule and make no later answer of the day a drill.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flashcards import sm2
from flashcards.store.custom import PRACTICE_KINDS


def state_from_row(row: Sequence | None) -> sm2.State:
    """The SM-2 state of a row starting (repetitions, ef, interval, due, lapses)."""
    if row is None:
        return sm2.State()
    reps, ef, interval, due, lapses = row[:5]
    return sm2.State(reps, ef, interval, date.fromisoformat(due) if due else None, lapses)


def state_tuple(state: sm2.State) -> tuple[int, int, int, str | None, int]:
    """(repetitions, ef, interval, due, lapses) as the review and state rows store them."""
    return (
        state.repetitions,
        state.ef,
        state.interval,
        state.due.isoformat() if state.due else None,
        state.lapses,
    )


def replay_row(reviews: Sequence[Sequence]) -> tuple:
    """The card_state columns a card's reviews (q, day, kind), in order, lead to."""
    reviews = [r for r in reviews if r[2] not in PRACTICE_KINDS]
    state = sm2.replay([(q, date.fromisoformat(day), kind == "review") for q, day, kind in reviews])
    last_day = reviews[-1][1] if reviews else None
    drill = 1 if reviews and sm2.comes_back(reviews[-1][0]) else 0
    return (*state_tuple(state), last_day, drill)
