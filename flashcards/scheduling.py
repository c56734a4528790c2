"""Which scheduler a deck uses, and one answer or replay through it: pure, no I/O.

A deck's `scheduler:` setting picks `sm2` or `fsrs`; `config` resolves FSRS's
settings (the spec's pinned parameters, else the deck's trained ones, else
FSRS's defaults), and None means SM-2. Both schedulers give the same outcome
shape: the card's state in the SM-2 columns, FSRS's memory (None under SM-2),
whether the answer is a drill (not the day's first), and whether the card comes
back later that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flashcards import sm2
from flashcards.deck_settings import DeckSettings

if TYPE_CHECKING:
    from flashcards.fsrs_scheduler import Config, Memory

# the review kinds FSRS takes in (SM-2 takes only a day's first answer, `review`)
FSRS_KINDS = frozenset({"review", "drill"})


def config(settings: DeckSettings, trained: tuple[float, ...] | None = None) -> Config | None:
    """The FSRS config of a deck, or None for an SM-2 deck."""
    if settings.scheduler != "fsrs":
        return None
    from flashcards import fsrs_scheduler  # SM-2 decks never load FSRS

    return fsrs_scheduler.Config(
        desired_retention=settings.desired_retention,
        parameters=settings.parameters or trained or fsrs_scheduler.default_parameters(),
        learning_steps=settings.learning_steps,
        relearning_steps=settings.relearning_steps,
    )


@dataclass(frozen=True)
class Outcome:
    """What one answer does to a card: its next SM-2 state and FSRS memory, whether it
    is a drill, whether the card comes back today."""

    state: sm2.State
    memory: Memory | None
    drill: bool  # not the day's first answer: logged as a drill
    back_today: bool  # the card comes back later the same study day


def answer(
    cfg: Config | None,
    state: sm2.State,
    memory: Memory | None,
    q: int,
    at_ms: int,
    day: date,
    last_day: date | None,
) -> Outcome:
    """The outcome of answering q (0–5) at `at_ms` on study day `day`."""
    drill = sm2.is_drill(last_day, day)
    if cfg is None:
        after, drill = sm2.outcome(state, q, day, last_day)
        return Outcome(after, None, drill, sm2.comes_back(q))
    from flashcards import fsrs_scheduler

    out = fsrs_scheduler.apply(cfg, state, memory, q, at_ms, day)
    return Outcome(out.state, out.memory, drill, out.back_today)


def next_states(
    cfg: Config | None,
    state: sm2.State,
    memory: Memory | None,
    at_ms: int,
    day: date,
    grades: int,
    last_day: date | None,
) -> sm2.Outcomes:
    """The outcome of every button. Under SM-2 a drill leaves the state as it is; under
    FSRS every answer moves it (learning steps are same-day answers)."""
    if cfg is None:
        return sm2.next_states(state, day, grades, last_day)
    from flashcards import fsrs_scheduler

    each = fsrs_scheduler.next_states(cfg, state, memory, at_ms, day, grades)
    out = sm2.Outcomes({key: a.state for key, a in each.items()})
    out.drill = sm2.is_drill(last_day, day)
    out.today = frozenset(key for key, a in each.items() if a.back_today)
    return out


def replay(
    cfg: Config | None,
    reviews: list[tuple[int, str, str, int]],
    start: sm2.State | None = None,
) -> tuple[sm2.State, Memory | None, bool]:
    """The state, memory and come-back flag a card's (q, day, kind, time_ms) reviews, in
    order, lead to under a scheduler, from `start` (a new card, or a schedule imported
    from another tool: FSRS then starts with no memory of it, as for a new card, but
    keeps its repetitions and lapses)."""
    if cfg is None:
        state = sm2.replay(
            [(q, date.fromisoformat(d), kind == "review") for q, d, kind, _ in reviews], start
        )
        return state, None, bool(reviews) and sm2.comes_back(reviews[-1][0])
    from flashcards import fsrs_scheduler

    answers = [(q, date.fromisoformat(d), ms) for q, d, kind, ms in reviews if kind in FSRS_KINDS]
    return fsrs_scheduler.replay(cfg, answers, start)
