"""Custom study: study ahead, today's failed cards, more new cards, cram — what each
offers, how its answers are logged, and that `doctor` (state = replay) and retention
agree with the new review kinds."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flashcards.study.custom import CustomStudy, CustomStudyError

from .conftest import at, states


def kinds(col, card_id: int) -> list[tuple[int, str]]:
    return [(r.q, r.kind) for r in col.history(card_id)]


def learn_all(col, ids, day: float = 0) -> None:
    for card_id in ids.values():
        col.answer(card_id, 4, at(day))


def test_study_ahead_offers_cards_due_within_n_days(col, deck):
    ids = deck()
    learn_all(col, ids)  # every card due tomorrow (interval 1)
    assert list(col.custom_study(CustomStudy("ahead", days=3), at()).cards) == []  # done today
    col.answer(ids["a1"], 4, at(1))  # interval 6: due at(7)
    for card_id in (ids["c1"], ids["d1"]):
        col.answer(card_id, 5, at(1))  # due at(7) too
    ahead = col.custom_study(CustomStudy("ahead", days=4), at(2))
    assert list(ahead.cards) == []  # due at(7): beyond four days (the rest are due now)
    assert list(col.custom_study(CustomStudy("ahead", days=5), at(2)).cards) == [
        ids["a1"],
        ids["c1"],
        ids["d1"],
    ]


def test_ahead_then_doctor_holds(col, deck):
    ids = deck()
    for card_id in ids.values():
        col.answer(card_id, 5, at(0))
        col.answer(card_id, 5, at(1))  # interval 6: due at(7)
    before = states(col)
    session = col.custom_study(CustomStudy("ahead", days=7), at(3))
    assert list(session.cards) == list(ids.values())
    card_id = session.next_card_id()
    col.answer_custom(session, card_id, 5, at(3))
    col.answer_custom(session, session.next_card_id(), 1, at(3))
    assert kinds(col, card_id)[-1] == (5, "ahead")
    assert states(col) == before  # the schedule did not move
    assert col.doctor() == []  # state = replay, with the ahead reviews in the log
    # the day's own queue knows nothing of them: the next real answer is a real review
    col.answer(card_id, 4, at(3, minutes=5))
    assert kinds(col, card_id)[-1] == (4, "review")
    assert col.doctor() == []


def test_ahead_with_reschedule_is_a_real_review(col, deck):
    ids = deck()
    card_id = ids["a1"]
    col.answer(card_id, 5, at(0))
    col.answer(card_id, 5, at(1))  # interval 6, due at(7)
    session = col.custom_study(CustomStudy("ahead", days=7, reschedule=True), at(3))
    assert card_id in session.cards
    card = col.answer_custom(session, card_id, 4, at(3))
    assert kinds(col, card_id)[-1] == (4, "review")
    assert card.interval == 17 and card.due == (at(3) + timedelta(days=17)).date()  # 6 × 2.7
    assert col.doctor() == []


def test_cram_a_deck_or_a_tag(col, deck):
    ids = deck()
    other = deck("Chem", "---\ntags: [lab]\n---\n- Water is **H2O**.\n- Ice is **solid**.\n")
    col.suspend(ids["e1"])
    session = col.custom_study(CustomStudy("cram", deck="Deck"), at())
    assert list(session.cards) == [ids[a] for a in ("a1", "b1", "b2", "c1", "d1")]
    tagged = col.custom_study(CustomStudy("cram", tag="lab"), at())
    assert list(tagged.cards) == list(other.values())
    before = states(col)
    first = session.next_card_id()
    col.answer_custom(session, first, 1, at())  # wrong: comes back after 3 others
    order = []
    while (card_id := session.next_card_id()) is not None:
        order.append(card_id)
        col.answer_custom(session, card_id, 5, at())
    assert order == [ids["b1"], ids["b2"], ids["c1"], first, ids["d1"]]
    assert states(col) == before  # new cards stay new
    assert {k for c in ids.values() if c != ids["e1"] for _, k in kinds(col, c)} == {"cram"}
    assert col.doctor() == []
    # undo takes a practice answer back, and nothing else moves
    col.undo()
    assert kinds(col, ids["d1"]) == []
    assert col.doctor() == []


def test_cram_does_not_block_todays_queue(col, deck):
    ids = deck()
    session = col.custom_study(CustomStudy("cram"), at())
    col.answer_custom(session, ids["a1"], 1, at())  # a failed cram is no pending drill
    assert col.counts(now=at()).drill == 0
    assert col.next_card(now=at()).id == ids["a1"]  # still new: the queue's first card
    col.answer(ids["a1"], 4, at())
    assert kinds(col, ids["a1"]) == [(1, "cram"), (4, "review")]


def test_failed_today_again_are_drills(col, deck):
    ids = deck()
    col.answer(ids["a1"], 1, at())
    col.answer(ids["a1"], 4, at(minutes=1))  # the drill passed: done for today
    col.answer(ids["c1"], 4, at())
    session = col.custom_study(CustomStudy("failed"), at(minutes=2))
    assert list(session.cards) == [ids["a1"]]
    before = states(col)
    col.answer_custom(session, ids["a1"], 5, at(minutes=3))
    assert kinds(col, ids["a1"])[-1] == (5, "drill")
    assert states(col)[ids["a1"]][:5] == before[ids["a1"]][:5]
    assert col.doctor() == []


def test_more_new_cards_today_and_undo(col, deck):
    deck(new_per_day=2)
    assert col.counts(now=at()).new == 2
    col.custom_study(CustomStudy("new", deck="Deck", new=2), at())
    assert col.counts(now=at()).new == 4  # Beta's siblings count once
    seen = []
    while (card := col.next_card(now=at())) is not None:
        seen.append(card.id)
        col.answer(card.id, 4, at())
    assert len(seen) == 4
    # the extra was for day 0 only: on day 1, the deck's own limit (one new card is left)
    assert col.counts(now=at(1)).new == 1


def test_undo_the_extra_new_cards(col, deck):
    deck(new_per_day=1)
    col.custom_study(CustomStudy("new", new=3), at())
    assert col.counts(now=at()).new == 4
    assert col.can_undo
    assert col.undo(at()) is None  # no card comes back
    assert col.counts(now=at()).new == 1


def test_practice_is_not_retention(col, deck):
    ids = deck()
    for card_id in ids.values():
        col.answer(card_id, 4, at(0))
    stats_before = col.stats(now=at(1))
    session = col.custom_study(CustomStudy("cram"), at(1))
    failed = set()
    while (card_id := session.next_card_id()) is not None:
        q = 1 if card_id == ids["a1"] and card_id not in failed else 5  # a1 fails once
        failed.add(card_id)
        col.answer_custom(session, card_id, q, at(1))
    stats = col.stats(now=at(1))
    assert stats["retention"] == stats_before["retention"]
    assert stats["today"]["reviews"] == 0  # no recall test today
    assert stats["today"]["answers"] > 0  # but the practice is in the day's work


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "ahead", "days": 0}, "1–365 days"),
        ({"kind": "new", "new": 0}, "1–9999 cards"),
        ({"kind": "sideways"}, "unknown custom study"),
    ],
)
def test_bad_custom_study(kwargs, message):
    with pytest.raises(CustomStudyError, match=message):
        CustomStudy(**kwargs)
