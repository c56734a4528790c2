"""SM-2 as DESIGN.md states it: published sequences, lapses, exact ceilings, the EF floor,
and every button's outcome at once."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards import sm2
from flashcards.sm2 import State, apply, next_states

DAY = date(2025, 3, 3)


def run(qualities: list[int], start: State | None = None) -> list[State]:
    """Answer once a day, each time on the day the card falls due."""
    state = start or State()
    day = DAY
    out = []
    for q in qualities:
        state = apply(state, q, day)
        out.append(state)
        day = state.due
    return out


def test_perfect_answers_follow_the_published_sequence() -> None:
    states = run([5, 5, 5, 5])
    assert [s.interval for s in states] == [1, 6, 17, 48]
    assert [s.ef for s in states] == [2600, 2700, 2800, 2900]
    assert [s.repetitions for s in states] == [1, 2, 3, 4]
    assert [s.due for s in states] == [
        DAY + timedelta(days=1),
        DAY + timedelta(days=7),
        DAY + timedelta(days=24),
        DAY + timedelta(days=72),
    ]


def test_the_interval_uses_the_ef_in_force_before_the_answer() -> None:
    # EF 2.5 before the third answer: 6 × 2.5 = 15 (not 6 × 2.4 after a q = 4 ... or 2.6 after q = 5)
    assert run([4, 4, 4])[-1].interval == 15
    assert run([4, 4, 5])[-1].interval == 15
    assert run([4, 4, 5])[-1].ef == 2600


def test_125_times_2_8_is_350_not_351() -> None:
    # EF 2.5 raised by three perfect answers, in floating point, is 2.8000000000000003
    ef = 2.5
    for _ in range(3):
        ef += 0.1
    assert math.ceil(125 * ef) == 351  # the float answer: wrong
    # in thousandths the same EF is exactly 2800
    assert run([5, 5, 5])[-1].ef == 2800
    state = State(repetitions=3, ef=2800, interval=125, due=DAY, lapses=0)
    assert apply(state, 4, DAY).interval == 350
    assert apply(state, 4, DAY).due == DAY + timedelta(days=350)


def test_ef_changes_by_the_published_formula() -> None:
    start = State(repetitions=2, ef=2500, interval=6, due=DAY)
    assert apply(start, 5, DAY).ef == 2600
    assert apply(start, 4, DAY).ef == 2500
    assert apply(start, 3, DAY).ef == 2360
    for q in (0, 1, 2):  # below 3 the EF is untouched
        assert apply(start, q, DAY).ef == 2500


def test_ef_never_drops_below_1_3() -> None:
    states = run([3] * 12)
    assert [s.ef for s in states[:8]] == [2360, 2220, 2080, 1940, 1800, 1660, 1520, 1380]
    assert all(s.ef == 1300 for s in states[8:])
    assert apply(State(repetitions=3, ef=1300, interval=10, due=DAY), 3, DAY).ef == 1300


def test_a_lapse_resets_repetitions_and_interval_and_keeps_ef() -> None:
    learned = run([5, 5, 4])[-1]
    assert (learned.repetitions, learned.ef, learned.interval) == (3, 2700, 17)
    lapsed = apply(learned, 2, learned.due)
    assert lapsed.repetitions == 0
    assert lapsed.interval == 1
    assert lapsed.due == learned.due + timedelta(days=1)
    assert lapsed.ef == 2700
    assert lapsed.lapses == 1
    # relearning starts over at 1 and 6 days, with the EF the card kept
    again = run([4, 4, 4], lapsed)
    assert [s.interval for s in again] == [1, 6, 17]


def test_a_lapse_counts_only_for_a_card_that_had_been_learned() -> None:
    # a new card failed is not forgotten — it was never learned
    assert apply(State(), 1, DAY).lapses == 0
    learned = run([4, 4])[-1]
    lapsed = apply(learned, 0, learned.due)
    assert lapsed.lapses == 1
    # failing again before it is relearned is the same lapse
    assert apply(lapsed, 1, lapsed.due).lapses == 1


def test_leech_at_eight_lapses() -> None:
    state = State()
    day = DAY
    for _ in range(8):
        assert not state.leech
        state = apply(state, 4, day)  # learned
        day = state.due
        state = apply(state, 1, day)  # forgotten
        day = state.due
    assert state.lapses == sm2.LEECH_LAPSES == 8
    assert state.leech


def test_four_buttons_give_every_outcome_at_once() -> None:
    state = State(repetitions=2, ef=2500, interval=6, due=DAY)
    outcomes = next_states(state, DAY)
    assert list(outcomes) == [1, 2, 3, 4]
    assert [b.q for b in sm2.buttons(4)] == [1, 3, 4, 5]
    assert [b.label for b in sm2.buttons(4)] == ["Again", "Hard", "Good", "Easy"]
    for key, q in zip([1, 2, 3, 4], [1, 3, 4, 5], strict=True):
        assert outcomes[key] == apply(state, q, DAY)
    assert outcomes[1].interval == 1 and outcomes[1].repetitions == 0
    assert (outcomes[2].interval, outcomes[2].ef) == (15, 2360)
    assert (outcomes[3].interval, outcomes[3].ef) == (15, 2500)
    assert (outcomes[4].interval, outcomes[4].ef) == (15, 2600)


def test_six_grades_when_a_deck_asks_for_them() -> None:
    state = State(repetitions=1, ef=2500, interval=1, due=DAY)
    outcomes = next_states(state, DAY, grades=6)
    assert list(outcomes) == [0, 1, 2, 3, 4, 5]
    assert all(outcomes[q] == apply(state, q, DAY) for q in range(6))
    assert [b.q for b in sm2.buttons(6)] == [0, 1, 2, 3, 4, 5]


def test_keys_map_to_qualities() -> None:
    assert [sm2.quality_for_key(k) for k in (1, 2, 3, 4)] == [1, 3, 4, 5]
    assert [sm2.quality_for_key(k, 6) for k in range(6)] == list(range(6))
    with pytest.raises(ValueError, match="no answer key 0"):
        sm2.quality_for_key(0, 4)


def test_quality_outside_0_to_5_is_refused() -> None:
    for q in (-1, 6):
        with pytest.raises(ValueError, match="0–5"):
            apply(State(), q, DAY)


def test_replay_skips_drills() -> None:
    answers = [(5, DAY, True), (1, DAY, False), (4, DAY, False), (5, DAY + timedelta(1), True)]
    assert sm2.replay(answers) == run([5, 5])[-1]


def test_describe_interval() -> None:
    assert [sm2.describe_interval(d) for d in (1, 6, 30, 61, 365, 548)] == [
        "1d",
        "6d",
        "30d",
        "2mo",
        "1y",
        "1.5y",
    ]


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=1, max_size=40))
def test_any_sequence_keeps_the_invariants(qualities: list[int]) -> None:
    state = State()
    day = DAY
    for q in qualities:
        after = apply(state, q, day)
        assert after.ef >= 1300
        assert after.interval >= 1
        assert after.due == day + timedelta(days=after.interval)
        if q < 3:
            assert (after.repetitions, after.interval, after.ef) == (0, 1, state.ef)
        else:
            assert after.repetitions == state.repetitions + 1
        assert after.lapses - state.lapses in (0, 1)
        state, day = after, after.due


def test_interval_is_capped_at_a_hundred_years_instead_of_overflowing_the_calendar():
    state = sm2.State()
    today = date(2026, 1, 1)
    for _ in range(40):
        state = sm2.apply(state, 5, today)
    assert state.interval == sm2.MAX_INTERVAL == 36_500
    assert state.due == today + timedelta(days=36_500)


@given(
    q=st.integers(0, 5),
    reps=st.integers(0, 40),
    ef=st.integers(sm2.EF_MIN, 3500),
    interval=st.integers(0, sm2.MAX_INTERVAL),
    lapses=st.integers(0, 30),
)
def test_the_integer_step_of_bulk_replays_is_apply(q, reps, ef, interval, lapses):
    state = sm2.State(reps, ef, interval, None, lapses)
    after = sm2.apply(state, q, date(2025, 1, 1))
    assert sm2.step(q, reps, ef, interval, lapses) == (
        after.repetitions,
        after.ef,
        after.interval,
        after.lapses,
    )
