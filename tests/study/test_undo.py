"""Undo, repeatedly, back to the session's start: the collection and the queue are
exactly as they were, and every answer and undo is one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from helpers import reviews_in

from flashcards import Collection
from flashcards.store import queue as queue_rows
from flashcards.views import Counts

from .conftest import at, states


def snapshot(col: Collection, now: datetime) -> dict[str, object]:
    """Everything a session shows or stores, for all decks and for one."""
    card = col.next_card(now=now)
    one = col.next_card("Deck", now)
    return {
        "next": card.id if card else None,
        "next in Deck": one.id if one else None,
        "counts": col.counts(now=now),
        "counts in Deck": col.counts("Deck", now),
        "states": states(col),
        "reviews": col.review_count(),
        "flags": [(c.id, c.status, c.buried_until) for c in col.cards(now=now)],
    }


def test_undo_back_to_the_session_start_restores_state_and_queue(col, deck) -> None:
    ids = deck(new_per_day=10)
    deck("Other", new_per_day=2)
    for card_id in ids.values():
        col.answer(card_id, 4, at(0))
    now = at(1)
    # a session with drills, siblings, a bury, a suspend and answers in two decks
    actions = []
    before = []
    for step in range(14):
        before.append(snapshot(col, now))
        card = col.next_card(now=now)
        if card is None:
            break
        if step == 3:
            col.bury(card.id, now)
            actions.append(("bury", card.id))
        elif step == 6:
            col.suspend(card.id)
            actions.append(("suspend", card.id))
        else:
            q = [1, 4, 3, 5, 2, 4, 4, 4][step % 8]
            col.answer(card.id, q, now)
            actions.append(("answer", card.id))
    assert len(actions) >= 10
    assert {a for a, _ in actions} == {"answer", "bury", "suspend"}
    kinds = [row[3] for row in reviews_in(col.path)]
    assert "drill" in kinds
    while actions:
        action, card_id = actions.pop()
        assert col.can_undo
        undone = col.undo(now)
        assert undone is not None and undone.id == card_id, action
        assert snapshot(col, now) == before[len(actions)], f"after undoing {action} {card_id}"
    # the day-0 answers of this session are next, and then nothing is left
    for card_id in reversed(list(ids.values())):
        assert col.undo(now).id == card_id
    assert not col.can_undo
    assert col.undo(now) is None
    assert col.review_count() == 0
    assert all(state == (0, 2500, 0, None, 0, None, 0) for state in states(col).values())
    assert col.doctor() == []


def test_undoing_a_first_answer_makes_the_card_new_again(col, deck) -> None:
    ids = deck()
    card = col.next_card(now=at(0))
    answered = col.answer(card.id, 5, at(0))
    assert (answered.repetitions, answered.interval, answered.ef) == (1, 1, 2.6)
    back = col.undo(at(0))
    assert back.id == card.id
    assert back.is_new and back.due is None and back.repetitions == 0 and back.ef == 2.5
    assert col.review_count() == 0
    assert states(col)[card.id] == (0, 2500, 0, None, 0, None, 0)
    assert col.next_card(now=at(0)).id == ids["a1"]


def test_undo_reaches_a_queue_read_after_the_answer(col, deck) -> None:
    ids = deck()
    col.answer(ids["a1"], 4, at(0))
    # the one-deck queue is first read now, without a1
    assert col.next_card("Deck", at(0)).id == ids["b1"]
    col.undo(at(0))
    assert col.next_card("Deck", at(0)).id == ids["a1"]
    assert col.counts("Deck", at(0)).new == 5


def test_undo_of_an_answer_from_before_the_rollover(tmp_path, notes) -> None:
    from flashcards.decks import DeckSpec

    from .conftest import NOTES

    with Collection.open(tmp_path / "c.sqlite", timezone="Europe/Berlin") as col:
        col.build(DeckSpec(name="Deck", notes=[notes.write("n.md", NOTES)], junk=frozenset()))
        late = datetime(2025, 3, 5, 2, 50, tzinfo=UTC)  # 03:50 in Berlin
        after = datetime(2025, 3, 5, 3, 10, tzinfo=UTC)  # 04:10 in Berlin: a new study day
        card = col.next_card(now=late)
        col.answer(card.id, 1, late)
        # a new study day: the failed card is due (as a review, no longer a drill)
        assert col.counts(now=after) == Counts(new=4, review=1, drill=0)
        assert col.undo(after).id == card.id
        assert col.card(card.id).is_new
        assert col.counts(now=after) == Counts(new=5, review=0, drill=0)
        assert col.next_card(now=after).id == card.id
        assert col.doctor() == []


def test_a_failed_undo_changes_nothing(col, deck, monkeypatch) -> None:
    ids = deck()
    col.answer(ids["a1"], 5, at(0))
    stored = states(col)

    def broken(store, card_id, state):
        raise OSError("disk full")

    # a fault between the undo's two writes: only a patch puts one exactly there
    monkeypatch.setattr(queue_rows, "write_state", broken)
    with pytest.raises(OSError, match="disk full"):
        col.undo(at(0))
    # the review row deleted before the failure is back: one transaction
    assert col.review_count() == 1
    assert states(col) == stored
    assert col.can_undo
    monkeypatch.undo()
    assert col.undo(at(0)).id == ids["a1"]
    assert col.review_count() == 0


def test_a_failed_answer_changes_nothing(col, deck, monkeypatch) -> None:
    ids = deck()
    stored = states(col)
    real = queue_rows.add_review

    def half(store, *args, **kwargs):
        real(store, *args, **kwargs)  # the review row and the state are written...
        raise OSError("disk full")  # ...and the transaction fails before it commits

    # a fault after the answer's writes, before the commit: only a patch puts one there
    monkeypatch.setattr(queue_rows, "add_review", half)
    with pytest.raises(OSError, match="disk full"):
        col.answer(ids["a1"], 4, at(0))
    assert col.review_count() == 0
    assert states(col) == stored
    assert not col.can_undo
    monkeypatch.undo()
    assert col.next_card(now=at(0)).id == ids["a1"]
    col.answer(ids["a1"], 4, at(0))
    assert col.doctor() == []


def test_undo_of_suspend_and_bury_puts_the_card_back(col, deck) -> None:
    ids = deck()
    col.suspend(ids["a1"])
    col.bury(ids["b1"], at(0))
    assert col.next_card(now=at(0)).id == ids["b2"]
    col.undo(at(0))
    assert col.card(ids["b1"], at(0)).status == "active"
    assert col.next_card(now=at(0)).id == ids["b1"]
    col.undo(at(0))
    assert col.card(ids["a1"], at(0)).status == "active"
    assert col.next_card(now=at(0)).id == ids["a1"]


def test_undo_of_unsuspend_suspends_again(col, deck) -> None:
    ids = deck()
    col.suspend(ids["a1"])
    col.unsuspend(ids["a1"])
    assert col.next_card(now=at(0)).id == ids["a1"]
    col.undo(at(0))
    assert col.card(ids["a1"]).status == "suspended"
    assert col.next_card(now=at(0)).id == ids["b1"]


def test_undo_belongs_to_the_session(col, deck) -> None:
    ids = deck()
    col.answer(ids["a1"], 4, at(0))
    with Collection.open(col.path, timezone="UTC") as other:
        assert not other.can_undo
        assert other.undo() is None
        # but the other process sees the answer: a1 is done today
        assert other.next_card(now=at(0)).id == ids["b1"]
