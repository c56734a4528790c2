"""Today's queue: order, limits per study day, the 04:00 rollover, siblings, drills,
suspend, bury, leeches and the session counts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import reviews_in

from flashcards import Collection
from flashcards.collection import CollectionError
from flashcards.decks import DeckSettings, DeckSpec
from flashcards.study import DRILL_GAP, Counts

from .conftest import NOTES, at, states


def session(col: Collection, now: datetime, q: int = 4, deck: str | None = None) -> list[int]:
    """Answer every card offered at `now` with q; the ids in the order they came."""
    seen = []
    while (card := col.next_card(deck, now)) is not None:
        seen.append(card.id)
        col.answer(card.id, q, now)
        assert len(seen) < 100, "the session does not end"
    return seen


def test_new_cards_come_in_outline_order_and_siblings_wait(col, deck) -> None:
    ids = deck()
    assert session(col, at(0)) == [ids["a1"], ids["b1"], ids["c1"], ids["d1"], ids["e1"]]
    # b2 is b1's sibling: it waits while b1 is answered (day 0, and its review on day 1)
    assert session(col, at(1)) == [ids["a1"], ids["b1"], ids["c1"], ids["d1"], ids["e1"]]
    assert session(col, at(2)) == [ids["b2"]]


def test_due_reviews_come_first_most_overdue_first_then_outline_order(col, deck) -> None:
    ids = deck(new_per_day=1)
    session(col, at(0))  # a1 learned on day 0: due day 1
    session(col, at(1))  # a1 reviewed (due day 7), b1 learned (due day 2)
    session(col, at(2))  # b1 reviewed (due day 8), c1 learned (due day 3)
    # on day 9: b1 (due 8) and a1 (due 7) and c1 (due 3) are due; one new card too
    order = session(col, at(9))
    assert order == [ids["c1"], ids["a1"], ids["b1"], ids["d1"]]


def test_cards_due_the_same_day_come_in_outline_order(col, deck) -> None:
    ids = deck(new_per_day=5)
    session(col, at(0))
    assert session(col, at(1)) == [ids["a1"], ids["b1"], ids["c1"], ids["d1"], ids["e1"]]


def test_new_per_day_is_counted_per_study_day(col, deck) -> None:
    ids = deck(new_per_day=2)
    assert col.counts(now=at(0)) == Counts(new=2, review=0, drill=0)
    assert session(col, at(0)) == [ids["a1"], ids["b1"]]
    assert col.counts(now=at(0, hours=5)) == Counts()
    assert col.next_card(now=at(0, hours=5)) is None
    # a restarted process counts the same: the limit is read from today's reviews
    with Collection.open(col.path, timezone="UTC") as again:
        assert again.next_card(now=at(0, hours=5)) is None
    # the next study day: the two learned cards are due, two more new ones allowed
    assert session(col, at(1)) == [ids["a1"], ids["b1"], ids["c1"], ids["d1"]]


def test_reviews_per_day_is_counted_per_study_day(col, deck) -> None:
    ids = deck(new_per_day=5, reviews_per_day=2)
    session(col, at(0))
    # day 1: five cards due, two allowed; b2 waits for its sibling b1
    assert col.counts(now=at(1)) == Counts(new=0, review=2, drill=0)
    assert session(col, at(1)) == [ids["a1"], ids["b1"]]
    # day 2: c1, d1, e1 (due since day 1) still wait, two a day; then b2, new
    assert session(col, at(2)) == [ids["c1"], ids["d1"], ids["b2"]]


def test_limits_apply_per_deck_in_an_all_decks_queue(col, deck) -> None:
    first = deck("A first", new_per_day=2)
    second = deck("B second", new_per_day=3)
    assert col.counts(now=at(0)) == Counts(new=5)
    assert col.counts("A first", at(0)) == Counts(new=2)
    order = session(col, at(0))
    assert order == [first["a1"], first["b1"], second["a1"], second["b1"], second["c1"]]
    assert col.counts("B second", at(0)) == Counts()


def test_a_full_deck_does_not_stop_the_others(col, deck) -> None:
    many = "".join(f"- Fact {i} is **m{i}**.\n" for i in range(300))
    full = deck("A many", text=many, new_per_day=3)
    other = deck("B other", new_per_day=2)
    order = session(col, at(0))
    assert order == [full["m0"], full["m1"], full["m2"], other["a1"], other["b1"]]


@pytest.mark.parametrize(
    ("zone", "utc_hour"),
    [("Europe/Berlin", 3), ("America/Los_Angeles", 12)],  # 04:00 local in March before DST
)
def test_the_day_rolls_over_at_four_local_time(tmp_path: Path, notes, zone, utc_hour) -> None:
    path = notes.write("notes.md", NOTES)
    with Collection.open(tmp_path / "c.sqlite", timezone=zone) as col:
        col.build(
            DeckSpec(
                name="Deck",
                notes=[path],
                settings=DeckSettings(new_per_day=1),
                junk=frozenset(),  # NOTES hides placeholders (`a1`)
            )
        )
        four = datetime(2025, 3, 5, utc_hour, 0, tzinfo=UTC)
        assert four.astimezone(col.tz).strftime("%H:%M") == "04:00"
        before = four - timedelta(minutes=1)  # 03:59 local: still yesterday
        assert col.today(before) == col.today(four) - timedelta(days=1)
        card = col.next_card(now=before - timedelta(hours=2))
        col.answer(card.id, 5, before - timedelta(hours=2))
        assert col.next_card(now=before) is None  # the new card of that day is spent
        assert col.counts(now=before) == Counts()
        assert col.next_card(now=four) is not None  # a new study day, a new card
        assert col.counts(now=four).new == 1
        review = _reviews_of(col, card.id)
        assert review[0][1] == col.today(before).isoformat()


def test_the_rollover_follows_the_collections_time_zone(tmp_path: Path, notes) -> None:
    moment = datetime(2025, 3, 5, 2, 30, tzinfo=UTC)  # 03:30 in Berlin, 18:30 the day before in LA
    with Collection.open(tmp_path / "a.sqlite", timezone="Europe/Berlin") as berlin:
        assert berlin.today(moment).isoformat() == "2025-03-04"
    with Collection.open(tmp_path / "b.sqlite", timezone="America/Los_Angeles") as la:
        assert la.today(moment).isoformat() == "2025-03-04"
    later = moment + timedelta(minutes=30)  # 04:00 in Berlin; 19:00 in LA
    with Collection.open(tmp_path / "a.sqlite", timezone="Europe/Berlin") as berlin:
        assert berlin.today(later).isoformat() == "2025-03-05"
    with Collection.open(tmp_path / "b.sqlite", timezone="America/Los_Angeles") as la:
        assert la.today(later).isoformat() == "2025-03-04"


def test_a_failed_card_comes_back_after_a_few_others_until_it_earns_4(col, deck) -> None:
    ids = deck(new_per_day=5)
    now = at(0)
    first = col.next_card(now=now)
    assert first.id == ids["a1"]
    col.answer(first.id, 1, now)
    assert col.counts(now=now) == Counts(new=4, review=0, drill=1)
    shown = []
    for _ in range(DRILL_GAP):
        card = col.next_card(now=now)
        shown.append(card.id)
        col.answer(card.id, 4, now)
    assert ids["a1"] not in shown
    assert col.next_card(now=now).id == ids["a1"]  # after DRILL_GAP other cards
    col.answer(ids["a1"], 3, now)  # passes SM-2 but below 4: it comes back again
    assert col.counts(now=now).drill == 1
    assert col.next_card(now=now).id == ids["e1"]
    col.answer(ids["e1"], 4, now)
    # nothing else is left: the drill comes back at once
    assert col.next_card(now=now).id == ids["a1"]
    col.answer(ids["a1"], 4, now)
    assert col.next_card(now=now) is None
    assert col.counts(now=now) == Counts()
    kinds = [(q, kind) for q, _day, kind in _reviews_of(col, ids["a1"])]
    assert kinds == [(1, "review"), (3, "drill"), (4, "drill")]


def test_drills_do_not_move_the_schedule(col, deck) -> None:
    ids = deck()
    col.answer(ids["a1"], 5, at(0))
    col.answer(ids["a1"], 5, at(1))
    col.answer(ids["a1"], 1, at(7))  # a lapse, the day's first answer
    after_lapse = col.card(ids["a1"], at(7))
    assert (after_lapse.repetitions, after_lapse.interval, after_lapse.lapses) == (0, 1, 1)
    assert col.next_states(ids["a1"], at(7)) == {k: after_lapse.state for k in (1, 2, 3, 4)}
    col.answer(ids["a1"], 5, at(7, minutes=5))  # a drill
    drilled = col.card(ids["a1"], at(7))
    assert drilled.state == after_lapse.state
    assert drilled.due == after_lapse.due
    # the next day, the first answer moves it again
    assert col.answer(ids["a1"], 4, at(8)).repetitions == 1


def test_only_the_days_first_answer_moves_the_schedule(col, deck) -> None:
    ids = deck()
    first = col.answer(ids["c1"], 5, at(0))
    again = col.answer(ids["c1"], 1, at(0, hours=1))  # answered again the same day
    assert again.state == first.state
    assert col.card(ids["c1"]).status == "active"
    assert [kind for *_, kind in _reviews_of(col, ids["c1"])] == ["review", "drill"]
    assert col.next_card(now=at(0, hours=1)).id == ids["a1"]
    assert col.counts(now=at(0, hours=1)).drill == 1


def test_next_states_for_a_six_grade_deck(col, deck) -> None:
    ids = deck(grades=6)
    card = col.card(ids["a1"])
    assert card.grades == 6
    outcomes = col.next_states(card.id, at(0))
    assert list(outcomes) == [0, 1, 2, 3, 4, 5]
    assert outcomes[5].ef == 2600 and outcomes[0].interval == 1
    col.answer(card.id, 5, at(0))
    assert col.card(card.id).ef == 2.6


def test_suspend_and_unsuspend(col, deck) -> None:
    ids = deck()
    col.suspend(ids["a1"])
    assert col.card(ids["a1"]).status == "suspended"
    assert col.next_card(now=at(0)).id == ids["b1"]
    assert col.counts(now=at(0)).new == 4
    col.unsuspend(ids["a1"])
    assert col.card(ids["a1"]).status == "active"
    assert col.next_card(now=at(0)).id == ids["a1"]
    # a suspended card stays out on later days too
    col.suspend(ids["a1"])
    assert ids["a1"] not in session(col, at(3))


def test_bury_until_the_next_study_day(col, deck) -> None:
    ids = deck()
    col.bury(ids["a1"], at(0))
    assert col.card(ids["a1"], at(0)).status == "buried"
    assert col.card(ids["a1"], at(0)).buried_until == "2025-03-04"
    assert col.next_card(now=at(0)).id == ids["b1"]
    assert ids["a1"] not in session(col, at(0))
    # the next study day it is back (after the cards learned today), no longer buried
    assert col.card(ids["a1"], at(1)).status == "active"
    assert session(col, at(1))[-1] == ids["a1"]


def test_a_buried_drill_waits_until_tomorrow(col, deck) -> None:
    ids = deck()
    col.answer(ids["a1"], 1, at(0))
    col.bury(ids["a1"], at(0))
    assert col.counts(now=at(0)).drill == 0
    assert ids["a1"] not in session(col, at(0))
    assert col.next_card(now=at(1)).id == ids["a1"]


def test_counts_are_what_the_session_will_show(col, deck) -> None:
    ids = deck(new_per_day=10)
    col.answer(ids["a1"], 4, at(0))
    # day 1: a1 is due; b1 and b2 are siblings: one of them today
    assert col.counts(now=at(1)) == Counts(new=4, review=1, drill=0)
    col.answer(ids["a1"], 1, at(1))
    assert col.counts(now=at(1)) == Counts(new=4, review=0, drill=1)
    col.answer(ids["b1"], 4, at(1))  # b2 now waits for tomorrow
    assert col.counts(now=at(1)) == Counts(new=3, review=0, drill=1)
    shown = session(col, at(1))
    assert sorted(shown) == sorted([ids["c1"], ids["d1"], ids["e1"], ids["a1"]])
    # day 2: all five learned cards are due; b2 waits again for b1
    assert col.counts(now=at(2)) == Counts(new=0, review=5, drill=0)


def test_leech_after_eight_lapses_shows_in_cards_json(col, deck, cli) -> None:
    ids = deck()
    day = 0
    for _ in range(8):
        col.answer(ids["a1"], 4, at(day))
        day += 1
        col.answer(ids["a1"], 1, at(day))
        day += 1
    card = col.card(ids["a1"])
    assert card.lapses == 8 and card.leech
    col.close()
    result = cli("--db", str(col.path), "cards", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["answers"][0]: row for row in json.loads(result.output)}
    assert rows["a1"]["leech"] is True
    assert rows["a1"]["lapses"] == 8
    assert rows["a1"]["repetitions"] == 0
    assert rows["a1"]["interval"] == 1
    assert rows["a1"]["ef"] == 2.5
    assert rows["a1"]["due"] == (at(day - 1).date() + timedelta(days=1)).isoformat()
    assert rows["b1"]["leech"] is False
    assert rows["b1"]["due"] is None
    assert (rows["b1"]["repetitions"], rows["b1"]["ef"], rows["b1"]["interval"]) == (0, 2.5, 0)


def test_the_card_table_marks_leeches(col, deck, cli) -> None:
    ids = deck()
    for day in range(0, 16, 2):
        col.answer(ids["a1"], 4, at(day))
        col.answer(ids["a1"], 1, at(day + 1))
    col.close()
    result = cli("--db", str(col.path), "cards")
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "a1" in line)
    assert "leech" in line


def test_unknown_cards_and_bad_qualities_are_refused(col, deck) -> None:
    ids = deck()
    with pytest.raises(CollectionError, match="no card with id 999"):
        col.answer(999, 4, at(0))
    with pytest.raises(CollectionError, match="0–5"):
        col.answer(ids["a1"], 6, at(0))
    with pytest.raises(CollectionError, match="no card with id 999"):
        col.next_states(999, at(0))
    for action in (col.suspend, col.unsuspend, col.bury):
        with pytest.raises(CollectionError, match="no card with id 999"):
            action(999)
    assert col.review_count() == 0
    assert all(s[3] is None for s in states(col).values())


def test_retired_cards_leave_the_queue(col, deck, notes) -> None:
    ids = deck()
    col.answer(ids["a1"], 5, at(0))
    notes.write("Deck.md", NOTES.replace("- Alpha is **a1**.\n", ""))
    col.build(DeckSpec(name="Deck", notes=[notes.write("Deck.md", NOTES[20:])]))
    assert col.card(ids["a1"]).status == "retired"
    assert ids["a1"] not in session(col, at(1))


def test_a_full_deck_is_not_read_further(col, deck) -> None:
    # an all-decks queue must not walk a closed deck's candidates for every next card
    many = "".join(f"- Fact {i} is **m{i}**.\n" for i in range(1000))
    deck("A many", text=many, new_per_day=2)
    deck("B other", new_per_day=5)
    session(col, at(0))
    # white-box: how far the queue read the closed deck's candidates
    study = col._study
    queue = study.queue._queues[study.all_decks()]
    lane = queue.new[col.deck_id("A many")].lanes[col.deck_id("A many")]
    assert len(lane.entries) <= 100  # one page of the 1000 new cards, never more
    assert lane.at <= 2


def test_answer_returns_the_card_as_stored(col, deck) -> None:
    ids = deck()
    card = col.next_card(now=at(0))
    answered = col.answer(card.id, 5, at(0))
    assert answered == col.card(card.id, at(0))
    assert (answered.repetitions, answered.ef, answered.interval) == (1, 2.6, 1)
    # a card answered without being shown first is read back too
    other = col.answer(ids["e1"], 3, at(0))
    assert other == col.card(ids["e1"], at(0))


def test_a_deck_spec_asking_for_six_grades(col, notes, tmp_path: Path) -> None:
    notes.write("six.md", NOTES)
    spec = tmp_path / "six-deck.md"
    spec.write_text(
        "---\nname: Six\nnotes: [notes/six.md]\ngrades: 6\njunk: false\n---\n", encoding="utf-8"
    )
    col.build(spec)
    card = col.next_card("Six", at(0))
    assert card.grades == 6
    outcomes = col.next_states(card.id, at(0))
    assert sorted(outcomes) == [0, 1, 2, 3, 4, 5]
    assert [outcomes[q].repetitions for q in range(6)] == [0, 0, 0, 1, 1, 1]


def _reviews_of(col, card_id: int) -> list[tuple]:
    """(q, day, kind) of a card's reviews, in order."""
    return [(q, day, kind) for cid, q, day, kind, *_ in reviews_in(col.path) if cid == card_id]
