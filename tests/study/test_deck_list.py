"""The deck list: every deck's figures, read from the card summaries, and the same as
each deck's own queue says; the queue's own queries keep their plans beside the
deck list's indexes."""

from __future__ import annotations

from flashcards import Collection
from flashcards.store import Store, deck_list
from flashcards.study.queue import TodayQueue

from .conftest import at


def _plans(path, run) -> list[tuple[str, str]]:
    """(statement, its query plan) of every SELECT that `run(store)` makes."""
    store = Store(path)
    try:
        seen: list[str] = []
        store.db.conn.set_trace_callback(seen.append)
        run(store)
        store.db.conn.set_trace_callback(None)
        return [
            (sql, " | ".join(r[-1] for r in store.execute(f"EXPLAIN QUERY PLAN {sql}")))
            for sql in seen
            if sql.lstrip().upper().startswith("SELECT")
        ]
    finally:
        store.close()


def test_every_deck_in_the_list_counts_as_its_own_queue(col, deck) -> None:
    first = deck("A first", new_per_day=3)
    second = deck("B second", new_per_day=2, reviews_per_day=2)
    third = deck("C third", new_per_day=4)
    for now in (at(0), at(1)):
        for name in ("A first", "B second", "C third"):
            while (card := col.next_card(name, now)) is not None:
                col.answer(card.id, 4, now)
    now = at(9)
    col.answer(first["a1"], 2, now)  # a drill, due back today
    col.answer(first["b1"], 4, now)  # its sibling b2 waits
    col.suspend(second["a1"], now)
    col.bury(third["c1"], now)
    listed = {d.name: d for d in col.decks(now)}
    with Collection.open(col.path, timezone="UTC") as fresh:
        for name in ("A first", "B second", "C third"):
            assert listed[name].left == fresh.counts(name, now), name
            cards = fresh.cards(name, now=now)
            assert listed[name].cards == len(cards)
            assert listed[name].new == sum(c.due is None and c.status == "active" for c in cards)
            assert listed[name].due == sum(
                c.due is not None and c.due <= now.date() and c.status != "suspended" for c in cards
            )
    assert listed["A first"].left.drill == 1
    assert listed["B second"].suspended == 1
    assert listed["A first"].studied_today == 2


def test_the_deck_list_reads_its_summaries_only(col, deck) -> None:
    deck("A first")
    deck("B second")
    plans = _plans(col.path, lambda store: deck_list.counts(store, "2025-03-04"))
    assert plans
    for sql, plan in plans:
        for step in plan.split(" | "):
            # neither the cards nor their states: the per-deck counts the triggers keep
            # (store/deck_summaries.py), a few rows per deck and due day
            table = (step.split(" ") + ["", ""])[1]
            assert table not in ("c", "s", "cards", "card_state"), (sql, plan)


def test_the_queue_keeps_its_plans_beside_the_deck_list_indexes(col, deck) -> None:
    deck("A first", reviews_per_day=2)  # more due tomorrow than room: counted in order
    deck("B second")
    with Collection.open(col.path, timezone="UTC") as other:
        for name in ("A first", "B second"):
            while (card := other.next_card(name, at(0))) is not None:
                other.answer(card.id, 4, at(0))

    def study(store: Store) -> None:
        queue = TodayQueue(store)
        first, second = queue.all_decks()
        queue.counts((second,), at(1).date())  # due cards read in no order
        queue.counts((first, second), at(1).date())  # in queue order, narrow
        queue.next_card_id((first, second), at(1).date())  # and as lane entries

    plans = _plans(col.path, study)
    due = [plan for sql, plan in plans if "ORDER BY s.due" in sql]
    narrow = [plan for sql, plan in plans if "ORDER BY s.due" in sql and "SELECT c.id" in sql]
    counted = [plan for sql, plan in plans if "s.due > ''" in sql and "ORDER BY" not in sql]
    new = [plan for sql, plan in plans if "+s.due IS NULL" in sql]
    assert len(due) > len(narrow) > 0 and counted and new
    # due reviews: a range of card_state_due, each card then by its id
    for plan in due + counted:
        assert plan.startswith("SEARCH s USING COVERING INDEX card_state_due"), plan
        assert "SEARCH c USING INTEGER PRIMARY KEY" in plan, plan
    assert not any("TEMP B-TREE" in plan for plan in counted), counted  # nothing sorted
    # new cards: walked in outline order, so the page's LIMIT stops the walk early
    assert all(p.startswith("SEARCH c USING INDEX cards_order") for p in new), new
