"""A card's schedule as the collection stores it, and as its reviews replay it.

`card_state` rows hold (repetitions, EF, interval, due, lapses, last day,
drill); they are derived: a card's state is always the replay of its review
log under its deck's scheduler (`scheduling`), which `doctor` checks and undo
and a change of scheduler rely on.
Practice reviews (cram, study ahead: `store.custom.PRACTICE_KINDS`) are in the
log but not in the replay: they move no schedule and make no later answer of the
day a drill.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from flashcards import scheduling, sm2
from flashcards.store.custom import PRACTICE_KINDS

if TYPE_CHECKING:
    from flashcards.fsrs_scheduler import Config, Memory


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


def replay_row(reviews: Sequence[Sequence], cfg: Config | None = None) -> tuple:
    """The card_state columns a card's reviews (q, day, kind, time_ms, …), in order, lead to."""
    return replay_card(reviews, cfg)[0]


def replay_card(reviews: Sequence[Sequence], cfg: Config | None) -> tuple[tuple, Memory | None]:
    """(the card_state columns, FSRS's memory) a card's reviews lead to under a scheduler.

    Rows are (q, day, kind, time_ms, then the state after: repetitions, ef, interval,
    due, lapses). An "import" row (a schedule another tool wrote) carries the state it
    sets: the replay starts from the last one. It is no answer of the user's: it never
    makes the next answer a same-day drill.
    """
    reviews = [r for r in reviews if r[2] not in PRACTICE_KINDS]
    start = None
    answers = reviews
    for i in range(len(reviews) - 1, -1, -1):
        if reviews[i][2] == IMPORT and len(reviews[i]) >= 9:
            start = state_from_row(reviews[i][4:9])
            answers = reviews[i + 1 :]
            break
    state, memory, back = scheduling.replay(cfg, [tuple(r[:4]) for r in answers], start)  # type: ignore[misc]
    last_day = answers[-1][1] if answers else None
    return (*state_tuple(state), last_day, 1 if back else 0), memory


def replay_steps(reviews: Sequence[Sequence]) -> list[tuple[tuple, tuple]]:
    """(before, after) SM-2 state tuples of each review (q, day, kind, …), in order — what
    a review row stores beside it; the same steps as SM-2's `replay_row`, one by one."""
    steps = []
    state = sm2.State()
    for q, day, kind, *_ in reviews:
        before = state_tuple(state)
        if kind == "review":
            state = sm2.apply(state, q, date.fromisoformat(day))
        steps.append((before, state_tuple(state)))
    return steps
