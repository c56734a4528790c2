"""The review counts read from the due cards in no order (`flashcards.study.due_counts`)
are the queue-order walk's: the same counts, the same claimed blocks and lineages,
whatever was answered, buried or suspended today in an outline whose parents and
children wait for each other."""

from __future__ import annotations

import itertools
from datetime import timedelta

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from flashcards import Collection
from flashcards.decks import DeckSettings, DeckSpec
from flashcards.store import Store
from flashcards.study.lanes import Tally
from flashcards.study.queue import TodayQueue

from .conftest import at

EXAMPLES = itertools.count()


def _outline(depths: list[int], deletions: list[int], tag: str) -> str:
    """Blocks nested by `depths` (each at most one deeper than the one before), with
    one to three deletions each: the cards of a block are siblings."""
    lines, depth = [], -1
    for i, (wanted, n) in enumerate(zip(depths, deletions, strict=True)):
        depth = min(wanted, depth + 1)
        gaps = " and ".join(f"**{tag}{i}x{k}**" for k in range(n))
        lines.append(f"{'  ' * depth}- Item {tag} {i} has {gaps}.")
    return "\n".join(lines) + "\n"


def _tallies(path, day) -> tuple[Tally, Tally, bool]:
    """The all-decks queue's tally counted from the due cards read in no order, and
    the one walked along the lanes once they are all read; and whether the first was
    read that way (not walked because a limit may bind)."""
    tallies = []
    unordered = False
    for walk in (False, True):
        store = Store(path)
        try:
            queue = TodayQueue(store)
            cache = queue.today(day)
            lanes = queue._queue(cache, queue.all_decks())
            if walk:
                while not lanes.due.complete:
                    lanes.due.more()  # all in the lanes: the walk reads nothing more
            else:
                rooms = {d: queue._review_limit(d) - cache.reviews_done[d] for d in lanes.due.lanes}
                unordered = queue._count_due(cache, lanes, rooms) is not None
            tallies.append(queue._tally(cache, lanes))
        finally:
            store.close()
    return tallies[0], tallies[1], unordered


decks = st.lists(
    st.tuples(
        st.lists(st.integers(0, 3), min_size=1, max_size=8),  # wanted depths
        st.integers(1, 60),  # reviews per day
        st.integers(0, 6),  # new per day
    ),
    min_size=1,
    max_size=3,
)
history = st.lists(
    st.tuples(st.integers(0, 30), st.sampled_from([1, 3, 4, 5])),  # (card, q) on a past day
    max_size=40,
)
today = st.lists(
    st.tuples(
        st.sampled_from(["answer", "bury", "suspend"]), st.integers(0, 30), st.integers(0, 5)
    ),
    max_size=8,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(decks=decks, history=history, today=today, data=st.data())
def test_counting_in_no_order_is_the_walk(tmp_path, decks, history, today, data) -> None:
    n = next(EXAMPLES)
    path = tmp_path / f"c-{n}.sqlite"
    with Collection.open(path, timezone="UTC") as col:
        for k, (depths, reviews, new) in enumerate(decks):
            size = len(depths)
            deletions = data.draw(st.lists(st.integers(1, 3), min_size=size, max_size=size))
            notes = tmp_path / f"n-{n}-{k}.md"
            notes.write_text(_outline(depths, deletions, f"d{k}"), encoding="utf-8")
            col.build(
                DeckSpec(
                    name=f"Deck {k}",
                    notes=[notes],
                    settings=DeckSettings(new_per_day=new, reviews_per_day=reviews),
                    junk=frozenset(),
                )
            )
        ids = [c.id for c in col.cards()]
        for step, (i, q) in enumerate(history):  # spread over ten days before today
            col.answer(ids[i % len(ids)], q, at(step % 10))
        now = at(30)
        for minute, (action, i, q) in enumerate(today):
            card_id = ids[i % len(ids)]
            moment = now + timedelta(minutes=minute)
            if action == "answer":
                col.answer(card_id, q, moment)
            elif action == "bury":
                col.bury(card_id, moment)
            else:
                col.suspend(card_id, moment)
        day = col.today(now + timedelta(minutes=len(today)))
    counted, walked, unordered = _tallies(path, day)
    event("read in no order" if unordered else "walked: a limit may bind")
    assert counted.review == walked.review
    assert counted.new == walked.new
    assert counted.claims == walked.claims
    assert counted.ups == walked.ups


def test_an_outline_answered_today_is_counted_in_no_order(col, deck, db_path) -> None:
    ids = deck(
        text=(
            "- Mammals have **m1**.\n"
            "  - Cats have **c1** and **c2**.\n"
            "    - Lions have **g1**.\n"
            "  - Dogs have **k1**.\n"
            "- Snakes have **s1**.\n"
            "  - Vipers have **v1** and **v2**.\n"
            "- Birds have **b1**.\n"
        ),
        new_per_day=20,
        reviews_per_day=50,
    )
    for card_id in ids.values():
        col.answer(card_id, 4, at(0))  # all due again tomorrow
    col.answer(ids["c1"], 4, at(1))  # its parent, its sibling and its child wait
    col.bury(ids["b1"], at(1))
    counted, walked, unordered = _tallies(db_path, at(1).date())
    assert unordered  # read in no order, not walked
    assert counted.review == walked.review
    assert counted.claims == walked.claims
    assert counted.ups == walked.ups
    deck_id = next(iter(counted.review))
    # m1 (above c1), c2 (its sibling), g1 (below it) wait; b1 is buried
    assert counted.review[deck_id] == 3  # k1, s1 and one of v1, v2
    assert len(counted.claims) == 3
