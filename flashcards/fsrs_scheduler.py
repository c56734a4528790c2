"""FSRS through the `fsrs` package (py-fsrs): pure functions, no I/O, no clock.

The same shape as `sm2`: `next_states` gives every button's outcome, `apply`
one answer, `replay` a card's whole log. A card's schedule is projected onto
the columns SM-2 uses (repetitions, EF, interval, due, lapses) so the queue,
stats and forecast read FSRS decks unchanged; FSRS's own memory (stability,
difficulty, learning step) is a `Memory` beside it.

Every answer goes through FSRS, the day's first as a review and the later ones
as drills (FSRS's learning and relearning steps are same-day answers): a card
comes back today while FSRS's next due time falls within the day of the answer,
which is the existing drill mechanism. Fuzz is off: a replay must give the same
schedule every time. EF is an SM-2 quantity: FSRS cards keep the starting 2.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from flashcards import sm2

if TYPE_CHECKING:
    import fsrs

_DAY_MS = 86_400_000
REVIEW_PHASE = 2  # fsrs.State.Review


def default_parameters() -> tuple[float, ...]:
    """FSRS's default parameters, as py-fsrs ships them."""
    import fsrs.scheduler  # ~30 ms: loaded by FSRS decks only

    return tuple(fsrs.scheduler.DEFAULT_PARAMETERS)


@dataclass(frozen=True)
class Config:
    """What an FSRS schedule depends on: a deck's settings (`DeckSettings`, the home of
    the defaults), with the parameters it uses resolved."""

    desired_retention: float
    parameters: tuple[float, ...]
    learning_steps: tuple[float, ...]  # minutes
    relearning_steps: tuple[float, ...]  # minutes


@dataclass(frozen=True)
class Memory:
    """FSRS's memory of a card after its last answer."""

    stability: float
    difficulty: float
    phase: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None  # the learning or relearning step, None in review
    last_ms: int  # UTC milliseconds of the last answer
    due_ms: int  # UTC milliseconds FSRS schedules the card for


@lru_cache(maxsize=64)
def scheduler(config: Config) -> fsrs.Scheduler:
    """py-fsrs's scheduler for a config (made once: deck settings rarely change)."""
    import fsrs

    return fsrs.Scheduler(
        parameters=config.parameters,
        desired_retention=config.desired_retention,
        learning_steps=tuple(timedelta(minutes=m) for m in config.learning_steps),
        relearning_steps=tuple(timedelta(minutes=m) for m in config.relearning_steps),
        maximum_interval=sm2.MAX_INTERVAL,
        enable_fuzzing=False,
    )


def _after(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


def _moment(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def _card(memory: Memory | None) -> fsrs.Card:
    import fsrs

    if memory is None:
        return fsrs.Card(card_id=0, due=_moment(0))  # card_id given: py-fsrs would sleep 1 ms
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(memory.phase),
        step=memory.step,
        stability=memory.stability,
        difficulty=memory.difficulty,
        due=_moment(memory.due_ms),
        last_review=_moment(memory.last_ms),
    )


@dataclass(frozen=True)
class Answered:
    """One answer's outcome: the projected state, FSRS's memory, and whether the card
    comes back later the same study day."""

    state: sm2.State
    memory: Memory
    back_today: bool


def apply(
    config: Config, state: sm2.State, memory: Memory | None, q: int, at_ms: int, day: date
) -> Answered:
    """The outcome of answering quality q (0–5, as `sm2.rating` maps it) at `at_ms` on
    study day `day`."""
    if not 0 <= q <= 5:
        raise ValueError(f"SM-2 quality must be 0–5, got {q}")
    import fsrs

    rating = sm2.rating(q)
    card, _log = scheduler(config).review_card(_card(memory), fsrs.Rating(rating), _moment(at_ms))
    due_ms = int(card.due.timestamp() * 1000)
    days = max(0, (due_ms - at_ms) // _DAY_MS)  # learning steps: 0, back today
    was_review = memory is not None and memory.phase == REVIEW_PHASE
    passed = rating > 1
    after = sm2.State(
        repetitions=state.repetitions + 1 if passed else 0,
        ef=state.ef,
        interval=days,
        due=_after(day, days),
        lapses=state.lapses + (1 if was_review and not passed else 0),
    )
    mem = Memory(
        float(card.stability),
        float(card.difficulty),
        card.state.value,
        card.step,
        at_ms,
        due_ms,
    )
    return Answered(after, mem, days == 0)


def next_states(
    config: Config,
    state: sm2.State,
    memory: Memory | None,
    at_ms: int,
    day: date,
    grades: int = 4,
) -> dict[int, Answered]:
    """The outcome of every button, keyed by the button's key."""
    return {b.key: apply(config, state, memory, b.q, at_ms, day) for b in sm2.buttons(grades)}


def replay(
    config: Config, answers: list[tuple[int, date, int]], start: sm2.State | None = None
) -> tuple[sm2.State, Memory | None, bool]:
    """The state and memory a card's (q, day, time_ms) answers lead to from `start`, and
    whether the last one left it to come back that day."""
    state, memory, back = start if start is not None else sm2.State(), None, False
    for q, day, at_ms in answers:
        out = apply(config, state, memory, q, at_ms, day)
        state, memory, back = out.state, out.memory, out.back_today
    return state, memory, back


def retrievability(parameters: tuple[float, ...], stability: float, days: float) -> float:
    """FSRS's probability of recall `days` after a review that left `stability`."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * days / stability) ** decay
