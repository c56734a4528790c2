"""The answer buttons say what each answer does: back today, the interval, the ease."""

from __future__ import annotations

from datetime import date, timedelta

from flashcards import sm2
from flashcards.sm2 import State
from flashcards.study.buttons import ease_change, faces

DAY = date(2025, 3, 3)


def labels(state: State, grades: int = 4, last_day: date | None = None) -> list[str]:
    outcomes = sm2.next_states(state, DAY, grades, last_day)
    return [f.full() for f in faces(state, outcomes, DAY, grades)]


def test_a_new_card_says_again_and_hard_bring_it_back_today() -> None:
    assert labels(State()) == [
        "1 Again · today",
        "2 Hard · today, then 1d · ease −0.14",
        "3 Good · 1d · ease ±0",
        "4 Easy · 1d · ease +0.10",
    ]


def test_a_review_card_where_sm2_gives_one_interval_shows_the_ease_each_leaves() -> None:
    # SM-2 multiplies by the ease before the answer: Hard, Good and Easy all give 15 days
    state = State(repetitions=2, ef=2500, interval=6, due=DAY, lapses=0)
    assert labels(state) == [
        "1 Again · today",
        "2 Hard · today, then 15d · ease −0.14",
        "3 Good · 15d · ease ±0",
        "4 Easy · 15d · ease +0.10",
    ]


def test_different_intervals_need_no_ease() -> None:
    # the second answer: every passing grade gives 6 days — and the first answer 1 day
    state = State(repetitions=1, ef=2500, interval=1, due=DAY, lapses=0)
    outcomes = sm2.next_states(state, DAY)
    shown = faces(state, outcomes, DAY)
    assert [f.days for f in shown] == [1, 6, 6, 6]
    # a hand-made outcome where each button leaves its own interval: no ease shown
    outcomes = sm2.Outcomes(
        {k: State(1, 2500, k, DAY + timedelta(days=k * 3), 0) for k in (1, 2, 3, 4)}
    )
    outcomes.today = frozenset({1})
    assert [f.full() for f in faces(state, outcomes, DAY)] == [
        "1 Again · today",
        "2 Hard · 6d",
        "3 Good · 9d",
        "4 Easy · 12d",
    ]


def test_a_drill_says_when_the_card_is_due_and_moves_no_ease() -> None:
    # answered Again this morning: due tomorrow whatever the drill's answer
    state = State(repetitions=0, ef=2500, interval=1, due=DAY + timedelta(days=1), lapses=1)
    assert labels(state, last_day=DAY) == [
        "1 Again · today",
        "2 Hard · today, then 1d",
        "3 Good · 1d",
        "4 Easy · 1d",
    ]


def test_six_grades_fail_today_and_never_show_an_ease_on_a_failure() -> None:
    assert labels(State(), grades=6) == [
        "0 Blackout · today",
        "1 Wrong · today",
        "2 Almost · today",
        "3 Hard · today, then 1d · ease −0.14",
        "4 Good · 1d · ease ±0",
        "5 Perfect · 1d · ease +0.10",
    ]


def test_the_short_forms_keep_the_interval() -> None:
    state = State(repetitions=3, ef=2360, interval=15, due=DAY, lapses=0)
    shown = faces(state, sm2.next_states(state, DAY), DAY)
    assert [f.compact() for f in shown] == [
        "1 Again today",
        "2 Hard today→1.2mo −0.14",
        "3 Good 1.2mo ±0",
        "4 Easy 1.2mo +0.10",
    ]
    assert [f.two_lines() for f in shown] == [
        "1 Again\ntoday",
        "2 Hard −0.14\ntoday→1.2mo",
        "3 Good ±0\n1.2mo",
        "4 Easy +0.10\n1.2mo",
    ]


def test_ease_change_signs() -> None:
    assert ease_change(2500, 2360) == "−0.14"
    assert ease_change(2500, 2600) == "+0.10"
    assert ease_change(1300, 1300) == "±0"


def test_good_key_is_quality_4() -> None:
    assert sm2.good_key(4) == 3 and sm2.good_key(6) == 4
