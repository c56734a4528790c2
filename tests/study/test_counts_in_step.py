"""The counts kept in step with answers (a look-up per answer, not a recount) are the
counts a fresh session reads, in an outline whose parents and children wait for each
other: whichever of them is answered first."""

from __future__ import annotations

import pytest

from flashcards import Collection

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
