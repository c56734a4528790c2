"""The sync's one-pass replay gives every step and final state the study code's gives."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from flashcards.study.state import replay_row, replay_steps
from flashcards.sync.steps import replay

KINDS = ("review", "review", "review", "drill", "cram", "ahead", "import")
_START = date(2024, 1, 1)

answers = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(0, 4000),
        st.sampled_from(KINDS),
    ),
    max_size=40,
)


def _rows(raw: list[tuple[int, int, str]]) -> list[tuple]:
    rows, day = [], 0
    for n, (q, gap, kind) in enumerate(raw):
        day += gap % 9 if gap < 3990 else gap  # mostly days apart, now and then years
        rows.append((q, (_START + timedelta(days=day)).isoformat(), kind, 1_700_000_000_000 + n))
    return rows


@given(answers)
def test_each_step_and_the_final_state_match_the_study_replay(raw):
    rows = _rows(raw)
    steps, state = replay(rows)
    assert steps == replay_steps(rows)
    assert state == replay_row(rows)


def test_a_long_run_of_perfect_answers_stops_at_the_last_date():
    rows = [(5, (date(9950, 1, 1) + timedelta(days=i)).isoformat(), "review", i) for i in range(30)]
    steps, state = replay(rows)
    assert steps == replay_steps(rows)
    assert state == replay_row(rows)
    assert state[3] == date.max.isoformat()
