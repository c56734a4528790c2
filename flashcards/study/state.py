"""A card's schedule as the collection stores it, and as its reviews replay it.

`card_state` rows hold (repetitions, EF, interval, due, lapses, last day,
drill); they are derived: a card's state is always the replay of its review
log under its deck's scheduler (`scheduling`), which `doctor` checks and undo
and a change of scheduler rely on.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from flashcards import scheduling, sm2

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


def replay_row(reviews: Sequence[Sequence], cfg: Config | None = None) -> tuple:
    """The card_state columns a card's reviews (q, day, kind, time_ms), in order, lead to."""
    return replay_card(reviews, cfg)[0]


def replay_card(reviews: Sequence[Sequence], cfg: Config | None) -> tuple[tuple, Memory | None]:
    """(the card_state columns, FSRS's memory) a card's reviews lead to under a scheduler."""
    state, memory, back = scheduling.replay(cfg, [tuple(r[:4]) for r in reviews])  # type: ignore[misc]
    last_day = reviews[-1][1] if reviews else None
    return (*state_tuple(state), last_day, 1 if back else 0), memory
