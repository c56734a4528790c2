"""The counts kept in step with answers (a look-up per answer, not a recount) are the
counts a fresh session reads, in an outline whose parents and children wait for each
other: whichever of them is answered first."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import rows_in

from flashcards import Collection
from flashcards.store import StoreError

from .conftest import at

OUTLINE = """\
- Mammals have **m1**.
  - Cats have **c1**.
    - Lions have **g1**.
  - Dogs have **c2**.
- Snakes have **s1**.
  - Vipers have **v1** and **v2**.
- Birds have **b1**.
"""


@pytest.mark.parametrize("first", ["m1", "c1", "g1", "v1", "b1"])
def test_counts_kept_in_step_are_a_fresh_sessions(col, deck, db_path, first) -> None:
    ids = deck(text=OUTLINE, new_per_day=10)
    col.counts(now=at(0))  # counted once: from here on kept in step with the answers
    card_id: int | None = ids[first]
    for minute in range(1, 12):
        if minute > 1:
            card = col.next_card(now=at(0, minutes=minute))
            card_id = card.id if card is not None else None
        if card_id is None:
            break
        col.answer(card_id, 4 if minute % 3 else 1, at(0, minutes=minute))
        kept = col.counts(now=at(0, minutes=minute))
        with Collection.open(db_path, timezone="UTC", backup=False) as fresh:
            assert kept == fresh.counts(now=at(0, minutes=minute)), (first, minute)


def test_an_answer_whose_commit_fails_leaves_the_day_as_it_was(col, deck):
    """The day's queue takes an answer in before the commit (what runs after the commit's
    sync runs on a cold CPU); a commit that fails takes it back out: the same card comes
    next, the counts are as they were, and nothing was saved."""
    deck()
    first = col.next_card(now=at())
    counts = col.counts(now=at())
    conn = sqlite3.connect(col.path)
    # a deferred foreign key that the answer's review row breaks: checked at COMMIT only
    conn.executescript(
        "CREATE TABLE probe_parent (id INTEGER PRIMARY KEY);"
        "CREATE TABLE probe_child (parent INTEGER "
        "REFERENCES probe_parent(id) DEFERRABLE INITIALLY DEFERRED);"
        "CREATE TRIGGER probe_commit_fails AFTER INSERT ON reviews "
        "BEGIN INSERT INTO probe_child VALUES (42); END;"
    )
    conn.close()
    with pytest.raises(StoreError, match="FOREIGN KEY"):
        col.answer(first.id, 4, now=at())
    assert col.next_card(now=at()).id == first.id
    assert col.counts(now=at()) == counts
    assert rows_in(col.path, "SELECT COUNT(*) FROM reviews") == [(0,)]
