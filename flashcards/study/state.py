"""A card's schedule as the collection stores it, and as its reviews replay it.

`card_state` rows hold (repetitions, EF, interval, due, lapses, last day,
drill); they are derived: a card's state is always the replay of its review
log, which `doctor` checks and undo relies on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flashcards import sm2


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


IMPORT = "import"  # a review row holding a schedule imported from another tool


def replay_row(reviews: Sequence[Sequence]) -> tuple:
    """The card_state columns a card's reviews lead to: rows (q, day, kind, …), in order.

    An "import" row (a schedule another tool wrote) carries the state it sets in its
    columns 3–7 (repetitions, ef, interval, due, lapses): the replay starts from the last
    one. It is no answer of the user's: it never makes the next answer a same-day drill.
    """
    start = None
    answers = reviews
    for i in range(len(reviews) - 1, -1, -1):
        if reviews[i][2] == IMPORT:
            start = state_from_row(reviews[i][3:8])
            answers = reviews[i + 1 :]
            break
    state = sm2.replay([(r[0], date.fromisoformat(r[1]), r[2] == "review") for r in answers], start)
    last_day = answers[-1][1] if answers else None
    drill = 1 if answers and sm2.comes_back(answers[-1][0]) else 0
    return (*state_tuple(state), last_day, drill)
