"""The sync's fast paths give what the plain code gives: the one-pass replay every step
and final state of the study code's, the journal line reader its full check's verdict."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.study.state import replay_row, replay_steps
from flashcards.sync.journal import _FIELDS, Entry, _check, encode, parse
from flashcards.sync.steps import new_rows, replay

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


def _reviews(rows: list[tuple], new: list[bool]) -> list[tuple]:
    """The rows as `replay` takes them (time, device, new, order, q, day, kind, duration)."""
    return [
        (time, "d", int(fresh), n, q, day, kind, n * 10)
        for n, ((q, day, kind, time), fresh) in enumerate(zip(rows, new, strict=False))
    ]


def _expected(rows: list[tuple], new: list[bool]) -> list[tuple]:
    """The study replay's (before, after) of the new rows, as rows to insert."""
    steps = replay_steps(rows)
    return [
        (7, time, day, q, n * 10, kind, *before, *after, "d")
        for n, ((q, day, kind, time), fresh, (before, after)) in enumerate(
            zip(rows, new, steps, strict=False)
        )
        if fresh
    ]


@settings(deadline=None)  # a shared machine: no per-example time limit
@given(answers, st.lists(st.booleans(), min_size=40, max_size=40))
def test_each_step_and_the_final_state_match_the_study_replay(raw, new):
    rows = _rows(raw)
    # the reviews already here only move the state; the new ones also become rows
    added, state = replay(7, _reviews(rows, new))
    assert added == _expected(rows, new)
    assert state == replay_row(rows)


@settings(deadline=None)
@given(answers, st.lists(st.sampled_from(["d1", "d2", "d3"]), min_size=40, max_size=40))
def test_a_new_cards_rows_are_its_entries_replayed_in_order(raw, devices):
    rows = _rows(raw)
    # times collide now and then: the device breaks the tie (a card's entries are
    # unique by device and time, as the merge keys them)
    unique = {
        (devices[n], time // 3): Entry(
            devices[n], "g", "deck", "h", time // 3, day, q, n * 100 or None, kind
        )
        for n, (q, day, kind, time) in enumerate(rows)
    }
    ordered = sorted(unique.values(), key=lambda e: (e.time, e.device))
    steps = replay_steps([(e.q, e.day, e.kind, e.time) for e in ordered])
    expected = [
        (7, e.time, e.day, e.q, e.duration, e.kind, *before, *after, e.device)
        for e, (before, after) in zip(ordered, steps, strict=True)
    ]
    state = replay_row([(e.q, e.day, e.kind, e.time) for e in ordered])
    assert new_rows(7, reversed(list(unique.values()))) == (expected, state)


def test_a_long_run_of_perfect_answers_stops_at_the_last_date():
    rows = [(5, (date(9950, 1, 1) + timedelta(days=i)).isoformat(), "review", i) for i in range(30)]
    everything = [True] * len(rows)
    added, state = replay(7, _reviews(rows, everything))
    assert added == _expected(rows, everything)
    assert state == replay_row(rows)
    assert state[3] == date.max.isoformat()


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2**60),
    st.text(max_size=70),
    st.sampled_from(["review", "undo", "2024-06-01", "2024-02-30", "dev", "g1"]),
)


@settings(deadline=None)
@given(st.fixed_dictionaries({}, optional=dict.fromkeys(_FIELDS, values)))
def test_reading_a_line_the_fast_way_says_what_the_full_check_says(obj):
    valid = {
        "guid": "g1",
        "deck": "Spanish",
        "hash": "h1",
        "time": 1_717_243_200_000,
        "day": "2024-06-01",
        "q": 4,
        "duration": None,
        "kind": "review",
        "device": "dev",
    }
    for line in ({**valid, **obj}, obj):
        ordered = {name: line[name] for name in _FIELDS if name in line}
        assert parse(json.dumps(ordered).encode(), "dev") == _check(ordered, "dev")


@settings(deadline=None)
@given(
    st.tuples(
        st.text(max_size=20),  # device
        st.text(max_size=20),  # guid
        st.text(max_size=20),  # deck: any Unicode, quotes, controls, lone surrogates
        st.text(max_size=20),  # hash
        st.one_of(st.integers(), st.floats(allow_nan=False), st.booleans()),  # time
        st.one_of(st.text(max_size=12), st.none()),  # day
        st.one_of(st.integers(-9, 9), st.booleans(), st.floats(-9, 9)),  # q
        st.one_of(st.none(), st.integers(0, 2**60), st.booleans()),  # duration
        st.sampled_from(["review", "undo", "drill", 'q"uote']),  # kind
    )
)
def test_a_line_is_written_as_json_dumps_writes_it(fields):
    entry = Entry(*fields)
    plain = dict(zip(_FIELDS, (*fields[1:], fields[0]), strict=True))
    assert encode(entry) == (json.dumps(plain) + "\n").encode()
