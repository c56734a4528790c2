"""Related cards wait (issue 12 item 6): once a card is answered, the cards of its
block's ancestors and descendants wait for the next day, as its siblings do; undo puts
them back."""

from __future__ import annotations

from flashcards import Collection
from flashcards.views import Counts

from .conftest import at
from .test_queue import session

# m1 sits above c1 and c2, which sit above g1; s1 is unrelated (another top block).
OUTLINE = """\
- Mammals have **m1**.
  - Cats have **c1**.
    - Lions have **g1**.
  - Dogs have **c2**.
- Snakes have **s1**.
"""


def test_a_parent_waits_after_its_childs_card_and_the_child_after_its_parent(col, deck) -> None:
    ids = deck(text=OUTLINE, new_per_day=10)
    # day 0: m1 is answered first, so everything below it waits; s1 is unrelated
    assert session(col, at(0)) == [ids["m1"], ids["s1"]]
    # day 1: m1 and s1 are due, the rest new; after m1 no child and no grandchild
    assert session(col, at(1)) == [ids["m1"], ids["s1"]]


def test_a_childs_answer_buries_its_ancestors_and_descendants_not_its_cousins(col, deck) -> None:
    ids = deck(text=OUTLINE, new_per_day=10)
    col.answer(ids["c1"], 4, at(0))  # c1 first: m1 above it, g1 below it wait
    seen = session(col, at(0))
    assert seen == [ids["c2"], ids["s1"]]  # c2 is c1's sibling block under m1: no relation
    assert ids["m1"] not in seen and ids["g1"] not in seen


def test_the_counts_leave_out_what_waits(col, deck) -> None:
    ids = deck(text=OUTLINE, new_per_day=10)
    assert col.counts(now=at(0)).new == 5  # nothing answered yet: each card counts
    col.answer(ids["g1"], 4, at(0))  # g1: c1 and m1 above it wait
    assert col.counts(now=at(0)) == Counts(new=2, review=0, drill=0)  # c2 and s1


def test_undo_puts_the_related_cards_back(col, deck) -> None:
    ids = deck(text=OUTLINE, new_per_day=10)
    before = (col.next_card(now=at(0)).id, col.counts(now=at(0)))
    col.answer(ids["c1"], 4, at(0))
    assert col.next_card(now=at(0)).id == ids["c2"]
    assert col.undo().id == ids["c1"]
    assert (col.next_card(now=at(0)).id, col.counts(now=at(0))) == before
    assert session(col, at(0)) == [ids["m1"], ids["s1"]]  # and the day goes on as before


def test_a_restarted_session_still_keeps_them_waiting(col, deck, db_path) -> None:
    ids = deck(text=OUTLINE, new_per_day=10)
    col.answer(ids["g1"], 4, at(0))
    with Collection.open(db_path, timezone="UTC") as again:  # today's answers read anew
        assert session(again, at(0)) == [ids["c2"], ids["s1"]]
