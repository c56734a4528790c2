"""Studying an FSRS deck: py-fsrs's schedule, learning steps as drills, switching
schedulers as a replay of the log (and back to SM-2 byte for byte), undo, doctor, and
the queue's limits, siblings, bury, suspend and leeches."""

from __future__ import annotations

import sqlite3
from datetime import UTC, timedelta

import fsrs
from helpers import reviews_in

from flashcards.decks import DeckSettings, DeckSpec

from .conftest import at, states

FSRS = {"scheduler": "fsrs"}


def memories(col) -> dict[int, tuple]:  # noqa: ANN001
    conn = sqlite3.connect(col.path)
    try:
        return {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                "SELECT card_id, stability, difficulty, phase, step, last_ms, due_ms "
                "FROM fsrs_state"
            )
        }
    finally:
        conn.close()


def test_a_new_card_follows_py_fsrs_through_its_learning_steps(col, deck) -> None:
    ids = deck(**FSRS)
    card_id = ids["a1"]
    moments = [at(0), at(0, minutes=5), at(0, minutes=20)]
    for moment in moments:
        col.answer(card_id, 4, moment)  # Good, Good: both steps; Good again graduates
    reference = fsrs.Scheduler(enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=moments[0])
    for moment in moments:
        card, _ = reference.review_card(card, fsrs.Rating.Good, moment)
    (memory,) = memories(col).values()
    assert memory[:4] == (card.stability, card.difficulty, card.state.value, card.step)
    stored = col.card(card_id)
    interval = (card.due - moments[-1]).days
    assert interval >= 1
    assert (stored.interval, stored.due) == (interval, at(0).date() + timedelta(days=interval))
    kinds = [row[3] for row in reviews_in(col.path) if row[0] == card_id]
    assert kinds == ["review", "drill", "drill"]


def test_learning_steps_bring_the_card_back_today_and_the_buttons_say_which(col, deck) -> None:
    ids = deck(**FSRS)
    outcomes = col.next_states(ids["a1"], at(0))
    # steps 1m, 10m: Again, Hard and Good stay in learning today; Easy graduates
    assert outcomes.today == {1, 2, 3}
    assert outcomes[4].interval >= 1 and outcomes[3].interval == 0
    col.answer(ids["a1"], 4, at(0))  # Good: the 10-minute step, a drill today
    assert col.counts(now=at(0)).drill == 1
    seen = []
    while (card := col.next_card(now=at(0))) is not None and len(seen) < 12:
        seen.append(card.id)
        col.answer(card.id, 5 if card.id == ids["a1"] else 4, at(0))
    assert seen.count(ids["a1"]) == 1  # back once, Easy graduates it
    assert col.card(ids["a1"]).due > at(0).date()


def test_sm2_deck_has_no_fsrs_memory_and_its_drills_keep_their_rule(col, deck) -> None:
    ids = deck()
    col.answer(ids["a1"], 3, at(0))
    assert memories(col) == {}
    assert col.next_states(ids["a1"], at(0)).today == {0, 1, 2, 3} & {1, 2}


def _study_days(col, days: int) -> None:  # noqa: ANN001
    for day in range(days):
        for step in range(40):
            card = col.next_card(now=at(day))
            if card is None:
                break
            col.answer(card.id, [4, 5, 1, 3, 4, 2][(step + day) % 6], at(day, minutes=step))


def _rebuild(col, notes, **settings) -> object:  # noqa: ANN001
    spec = DeckSpec(name="Deck", notes=[notes.root / "Deck.md"], settings=DeckSettings(**settings))
    return col.build(spec)


def test_switching_replays_the_log_and_switching_back_restores_sm2_exactly(
    col, deck, notes
) -> None:
    deck(new_per_day=10)
    _study_days(col, 12)
    sm2_states, log = states(col), reviews_in(col.path)
    assert len(log) > 30
    report = _rebuild(col, notes, new_per_day=10, **FSRS)
    assert report.rescheduled == len({r[0] for r in log})
    assert reviews_in(col.path) == log  # no review lost or changed
    fsrs_states = states(col)
    assert fsrs_states != sm2_states
    assert set(memories(col)) == {r[0] for r in log}
    assert col.doctor() == []
    _study_days(col, 3)  # study on under FSRS, then go back
    log = reviews_in(col.path)
    _rebuild(col, notes, new_per_day=10)
    assert memories(col) == {}
    assert col.doctor() == []
    back = states(col)
    _rebuild(col, notes, new_per_day=10, **FSRS)
    _rebuild(col, notes, new_per_day=10)
    assert states(col) == back  # switching is a replay: there and back is exact
    assert reviews_in(col.path) == log


def test_switching_back_gives_the_states_sm2_had_before_byte_for_byte(col, deck, notes) -> None:
    deck(new_per_day=10)
    _study_days(col, 8)
    before = _dump(col)
    _rebuild(col, notes, new_per_day=10, **FSRS)
    assert _dump(col) != before
    _rebuild(col, notes, new_per_day=10)
    assert _dump(col) == before


def _dump(col) -> list[tuple]:  # noqa: ANN001
    conn = sqlite3.connect(col.path)
    try:
        return conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall()
    finally:
        conn.close()


def test_a_changed_retention_replays_the_fsrs_deck(col, deck, notes) -> None:
    deck(new_per_day=10, **FSRS)
    _study_days(col, 6)
    first = states(col)
    report = _rebuild(col, notes, new_per_day=10, desired_retention=0.8, **FSRS)
    assert report.rescheduled > 0
    longer = states(col)
    assert sum(s[2] for s in longer.values()) > sum(s[2] for s in first.values())
    assert _rebuild(col, notes, new_per_day=10, desired_retention=0.8, **FSRS).rescheduled == 0


def test_undo_under_fsrs_restores_state_and_memory(col, deck) -> None:
    ids = deck(new_per_day=10, **FSRS)
    for card_id in ids.values():
        col.answer(card_id, 5, at(0))
    later = at(60)
    before = (states(col), memories(col), col.counts(now=later))
    for step in range(6):
        card = col.next_card(now=later)
        col.answer(card.id, [1, 4, 3][step % 3], later + timedelta(minutes=step))
    assert memories(col) != before[1]
    while col.can_undo:
        col.undo()
        if states(col) == before[0]:
            break
    assert (states(col), memories(col), col.counts(now=later)) == before


def test_doctor_checks_fsrs_memory_against_the_replay(col, deck) -> None:
    ids = deck(**FSRS)
    col.answer(ids["a1"], 4, at(0))
    col.answer(ids["a1"], 4, at(2))
    assert col.doctor() == []
    conn = sqlite3.connect(col.path)
    conn.execute("UPDATE fsrs_state SET stability = stability * 2")
    conn.commit()
    conn.close()
    col.refresh()
    assert any("differ from a replay" in p for p in col.doctor(repair=True))
    assert col.doctor() == []


def test_limits_siblings_bury_and_suspend_hold_under_fsrs(col, deck) -> None:
    ids = deck(new_per_day=3, **FSRS)
    first = col.next_card(now=at(0))
    col.bury(first.id, at(0))
    second = col.next_card(now=at(0))
    col.suspend(second.id)
    seen = set()
    while (card := col.next_card(now=at(0))) is not None:
        seen.add(card.id)
        col.answer(card.id, 5, at(0))  # Easy: graduates, no drill
    assert first.id not in seen and second.id not in seen
    assert len(seen) == 3  # new_per_day
    assert not {ids["b1"], ids["b2"]} <= seen  # siblings wait for another day


def test_lapses_and_leeches_under_fsrs(col, deck) -> None:
    ids = deck(**FSRS, relearning_steps=())
    card_id = ids["a1"]
    col.answer(card_id, 5, at(0))  # Easy: straight to review
    day = 0
    for _ in range(8):
        day = (col.card(card_id).due - at(0).date()).days
        col.answer(card_id, 1, at(day))  # a lapse each time
    stored = col.card(card_id)
    assert stored.lapses == 8 and stored.leech
    assert at(day).astimezone(UTC).date() < stored.due
