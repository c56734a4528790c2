"""The review counts read from narrow rows of the due cards (`flashcards.study.due_counts`),
in queue order page by page or in no order, are the walk's along the queue's lanes:
the same counts, the same claimed blocks and lineages,
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
from flashcards.store import queue as queue_rows
from flashcards.study.due_counts import DueCount
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


def _tally(path, day, walk: bool) -> Tally:
    """The all-decks queue's tally as a fresh queue counts it, or (`walk`) as the walk
    along its due lanes counts it once they are all read."""
    store = Store(path)
    try:
        queue = TodayQueue(store)
        cache = queue.today(day)
        lanes = queue._queue(cache, queue.all_decks())
        while walk and not lanes.due.complete:
            lanes.due.more()  # all in the lanes: the walk reads nothing more
        return queue._tally(cache, lanes)
    finally:
        store.close()


def _counts(path, day, page: int) -> tuple[DueCount, DueCount | None]:
    """The due cards counted in queue order, `page` cards (whole due days) at a time,
    and in no order (None where that read refuses the rows)."""
    store = Store(path)
    try:
        queue = TodayQueue(store)
        cache = queue.today(day)
        decks = queue.all_decks()
        rooms = {d: queue._review_limit(d) - cache.reviews_done[d] for d in decks}
        iso = day.isoformat()
        ordered, after = DueCount(cache, rooms), ""
        while not ordered.full and after != iso:
            rows, after = queue_rows.due_blocks_page(store, iso, decks, after, page)
            ordered.take_in_order(rows)
        unordered = DueCount(cache, rooms)
        taken = unordered.take_unordered(queue_rows.due_blocks(store, iso, decks))
        return ordered, unordered if taken else None
    finally:
        store.close()


def _same(counted: DueCount | Tally, walked: Tally) -> None:
    review = counted.counts if isinstance(counted, DueCount) else counted.review
    assert review == walked.review
    assert counted.claims == {b: c for b, c in walked.claims.items() if not c[0]}
    assert counted.ups == {b: u for b, u in walked.ups.items() if not walked.claims[b][0]}


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
        first = data.draw(st.lists(st.sampled_from([1, 3, 4, 5]), min_size=1), label="first")
        for i, card_id in enumerate(ids):  # every card studied once: due from day 1
            col.answer(card_id, first[i % len(first)], at(0))
        for step, (i, q) in enumerate(history):  # and some again, over the days after
            col.answer(ids[i % len(ids)], q, at(1 + step % 12))
        now = at(20)  # some due today or overdue, some not yet
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
    walked = _tally(path, day, walk=True)
    fresh = _tally(path, day, walk=False)
    assert (fresh.review, fresh.new, fresh.claims, fresh.ups) == (
        walked.review,
        walked.new,
        walked.claims,
        walked.ups,
    )
    ordered, unordered = _counts(path, day, data.draw(st.integers(1, 8), label="page"))
    _same(ordered, walked)
    event("unordered read taken" if unordered is not None else "unordered read refused")
    if unordered is not None:
        _same(unordered, walked)


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
    walked = _tally(db_path, at(1).date(), walk=True)
    ordered, unordered = _counts(db_path, at(1).date(), page=2)
    assert unordered is not None  # no limit binds: read in no order
    _same(ordered, walked)
    _same(unordered, walked)
    deck_id = next(iter(walked.review))
    # m1 (above c1), c2 (its sibling), g1 (below it) wait; b1 is buried
    assert walked.review[deck_id] == 3  # k1, s1 and one of v1, v2
