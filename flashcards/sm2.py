"""SM-2 as published by Wozniak (1990): pure functions, no I/O, no clock.

The easiness factor is kept in integer thousandths (2500 = 2.5) so that the
interval ceiling is exact: ceil(125 × 2.8) is 350, not the 351 that floating
point gives.

Like Anki's `CardState::next_states`, `next_states` returns the outcome of
every answer button at once; the UI labels its buttons with them and
answering picks one. Same-day drills never reach this module: the study
engine logs them without moving the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

EF_START = 2500
EF_MIN = 1300
LEECH_LAPSES = 8
# Published SM-2 has no ceiling, but thirteen perfect answers in a row would push the
# due date past year 9999. Like Anki's default maximum interval, cap it at 100 years.
MAX_INTERVAL = 36_500
PASS = 3  # q >= 3 is a successful recall
DRILL_UNTIL = 4  # same day, a card comes back until it gets q >= 4

# Four buttons: Again / Hard / Good / Easy → SM-2 quality
FOUR_BUTTONS: dict[int, int] = {1: 1, 2: 3, 3: 4, 4: 5}
FOUR_LABELS: dict[int, str] = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
SIX_LABELS: dict[int, str] = {
    0: "Blackout",
    1: "Wrong",
    2: "Almost",
    3: "Hard",
    4: "Good",
    5: "Perfect",
}


@dataclass(frozen=True)
class State:
    """A card's schedule. `due` is None for a card never reviewed."""

    repetitions: int = 0
    ef: int = EF_START  # thousandths
    interval: int = 0  # days
    due: date | None = None
    lapses: int = 0

    @property
    def is_new(self) -> bool:
        return self.due is None

    @property
    def leech(self) -> bool:
        return self.lapses >= LEECH_LAPSES


@dataclass(frozen=True)
class Button:
    """One answer button: its key, the SM-2 quality it gives, its label."""

    key: int  # the key the user presses
    q: int  # the SM-2 quality it gives
    label: str


def buttons(grades: int = 4) -> list[Button]:
    """The answer buttons of a deck: 4 (Again/Hard/Good/Easy) or the 6 SM-2 grades."""
    if grades == 6:
        return [Button(k, k, SIX_LABELS[k]) for k in range(6)]
    return [Button(k, FOUR_BUTTONS[k], FOUR_LABELS[k]) for k in range(1, 5)]


def _after(today: date, days: int) -> date:
    """`days` after `today`, never past the last date there is."""
    try:
        return today + timedelta(days=days)
    except OverflowError:
        return date.max


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def next_ef(ef: int, q: int) -> int:
    """EF' = EF + 0.1 - (5-q)(0.08 + (5-q)0.02), floored at 1.3, in thousandths."""
    d = 5 - q
    return max(EF_MIN, ef + 100 - d * (80 + d * 20))


def apply(state: State, q: int, today: date) -> State:
    """The state after answering with quality q (0–5) on `today`.

    q >= 3: repetitions + 1; interval 1, 6, then ceil(previous interval × EF before the
    answer); EF moves by the published formula (floor 1.3). q < 3: repetitions 0,
    interval 1, EF untouched. A lapse is counted only when a learned card (repetitions
    > 0) is forgotten: failing a new card, or failing again before relearning it, is
    not a new lapse (as Anki counts lapses of review cards only).
    """
    if not 0 <= q <= 5:
        raise ValueError(f"SM-2 quality must be 0–5, got {q}")
    if q < PASS:
        return State(
            repetitions=0,
            ef=state.ef,
            interval=1,
            due=_after(today, 1),
            lapses=state.lapses + (1 if state.repetitions > 0 else 0),
        )
    n = state.repetitions + 1
    if n == 1:
        interval = 1
    elif n == 2:
        interval = 6
    else:
        interval = min(MAX_INTERVAL, _ceil_div(state.interval * state.ef, 1000))
    return State(n, next_ef(state.ef, q), interval, _after(today, interval), state.lapses)


class Outcomes(dict[int, State]):
    """The state each button's key leads to; `drill` when none moves the schedule (the
    card was answered today already: later answers are drills); `today`, the keys whose
    answer brings the card back later the same day. A scheduler's `next_states` fills all
    three, and the buttons are labelled from them alone (`flashcards.study.buttons`)."""

    drill: bool = False
    today: frozenset[int] = frozenset()


def step(q: int, reps: int, ef: int, interval: int, lapses: int) -> tuple[int, int, int, int]:
    """`apply` on plain integers, for the loops that replay many reviews at once (an
    import, a sync): (repetitions, ef, interval, lapses) after an answer of q; the due day
    is the caller's (its day + interval). Property tests hold it equal to `apply`."""
    if q < PASS:
        return 0, ef, 1, lapses + (1 if reps > 0 else 0)
    reps += 1
    if reps == 1:
        new_interval = 1
    elif reps == 2:
        new_interval = 6
    else:
        new_interval = min(MAX_INTERVAL, -(-interval * ef // 1000))
    d = 5 - q
    return reps, max(EF_MIN, ef + 100 - d * (80 + d * 20)), new_interval, lapses


def is_drill(last_day: date | None, today: date) -> bool:
    """Only a day's first answer moves the schedule; later ones are drills."""
    return last_day == today


def outcome(state: State, q: int, today: date, last_day: date | None) -> tuple[State, bool]:
    """(the state after answering q, whether that answer is a drill)."""
    if is_drill(last_day, today):
        return state, True
    return apply(state, q, today), False


def next_states(
    state: State, today: date, grades: int = 4, last_day: date | None = None
) -> Outcomes:
    """The outcome of every button, keyed by the button's key."""
    drill = is_drill(last_day, today)
    shown = buttons(grades)
    out = Outcomes({b.key: state if drill else apply(state, b.q, today) for b in shown})
    out.drill = drill
    out.today = frozenset(b.key for b in shown if comes_back(b.q))
    return out


def comes_back(q: int) -> bool:
    """Whether a card answered q comes back later the same day (a drill until q >= 4)."""
    return q < DRILL_UNTIL


def quality_for_key(key: int, grades: int = 4) -> int:
    for b in buttons(grades):
        if b.key == key:
            return b.q
    raise ValueError(f"no answer key {key} for a {grades}-grade deck")


def good_key(grades: int = 4) -> int:
    """The key of Good (quality 4): what Space and Enter answer once the answer shows."""
    return next(b.key for b in buttons(grades) if b.q == DRILL_UNTIL)


def rating(q: int) -> int:
    """SM-2 quality → Anki/FSRS rating 1–4 (Again, Hard, Good, Easy)."""
    if q < PASS:
        return 1
    return {3: 2, 4: 3}.get(q, 4)


def replay(answers: list[tuple[int, date, bool]], start: State | None = None) -> State:
    """The state a list of (q, day, scheduled) answers leads to from `start` (a new card,
    or a schedule imported from another tool); drills do not move it."""
    state = start if start is not None else State()
    for q, day, scheduled in answers:
        if scheduled:
            state = apply(state, q, day)
    return state


def describe_interval(days: int) -> str:
    """A short label for a button: '1d', '6d', '3.2mo', '1.5y'."""
    if days < 31:
        return f"{days}d"
    if days < 365:
        return f"{days / 30.4:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
