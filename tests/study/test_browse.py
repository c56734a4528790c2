"""Finding cards (`Collection.find`) and changing their flags from the browser: states,
search words, sort orders, and suspend / unsuspend / unbury as one undoable transaction."""

from __future__ import annotations

import sqlite3

import pytest
from helpers import analyzed_large

from flashcards import Collection
from flashcards.collection import CollectionError

from .conftest import NOTES, at, states

TAGGED = """\
---
tags: [chem, lab]
---
- Water is **H2O**.
- Salt is **NaCl**.
"""


def test_states_of_cards(col, deck):
    ids = deck()
    failed, passed, suspended, buried = ids["a1"], ids["c1"], ids["d1"], ids["e1"]
    col.answer(failed, 1, at())
    col.answer(passed, 4, at())
    col.suspend(suspended, at())
    col.bury(buried, at())

    def found(*wanted: str) -> list[int]:
        return [c.id for c in col.find(states=wanted, now=at()).cards]

    assert found("new") == [ids["b1"], ids["b2"], suspended, buried]
    assert found("learning") == [failed]
    assert found("suspended") == [suspended]
    assert found("buried") == [buried]
    assert found("due") == []
    assert found("suspended", "buried") == [suspended, buried]
    # the next day both reviewed cards are due; the bury has run out
    assert [c.id for c in col.find(states=("due",), now=at(1)).cards] == [failed, passed]
    assert [c.id for c in col.find(states=("buried",), now=at(1)).cards] == []
    by_id = {c.id: c for c in col.find(now=at()).cards}
    assert by_id[failed].states == ("learning",) and by_id[failed].status == "learning"
    assert by_id[suspended].status == "suspended"
    assert by_id[passed].status == "review" and by_id[passed].reviews == 1


def test_leech_and_retired(col, deck, notes):
    ids = deck()
    card = ids["a1"]
    day = 0
    for _ in range(8):  # learn it, forget it: eight lapses
        col.answer(card, 4, at(day))
        col.answer(card, 1, at(day + 1))
        day += 2
    assert [c.id for c in col.find(states=("leech",), now=at(day)).cards] == [card]
    deck(text=NOTES.replace("- Gamma is **c1**.\n", ""))  # Gamma leaves the notes
    assert ids["c1"] not in [c.id for c in col.find(now=at(day)).cards]
    retired = col.find(states=("retired",), now=at(day)).cards
    assert [c.id for c in retired] == [ids["c1"]]
    assert [c.id for c in col.find("retired", now=at(day)).cards] == [ids["c1"]]


def test_search_words_match_text_answers_deck_tags_and_file(col, deck):
    ids = deck()
    chem = deck("Chemistry", TAGGED)
    assert [c.id for c in col.find("beta").cards] == [ids["b1"], ids["b2"]]
    assert [c.id for c in col.find("NACL").cards] == [chem["NaCl"]]  # any case
    assert [c.id for c in col.find("chemis").cards] == list(chem.values())  # the deck
    assert [c.id for c in col.find("lab").cards] == list(chem.values())  # a tag
    assert [c.id for c in col.find("Deck.md").cards] == list(ids.values())  # the file
    assert [c.id for c in col.find("tag:chem salt").cards] == [chem["NaCl"]]  # every word
    assert [c.id for c in col.find("deck:deck gamma").cards] == [ids["c1"]]
    assert col.find("50%").cards == [] and col.find("a_1").cards == []  # LIKE escapes
    col.suspend(ids["e1"])
    assert [c.id for c in col.find("suspended").cards] == [ids["e1"]]  # a state's name


def test_the_card_column_reads_as_the_study_screen_shows_it(col, deck):
    ids = deck("Rendered", "- See [the docs](https://x.org): **Paris** and **Rome** are *big*.\n")
    texts = {c.id: c.text for c in col.find("rendered").cards}
    # rendered like the front (no `**`, `*` or link syntax), this card's gap as `[...]`
    assert texts[ids["Paris"]] == "See the docs: [...] and Rome are big."
    assert texts[ids["Rome"]] == "See the docs: Paris and [...] are big."


def test_sorting_and_pages(col, deck):
    ids = deck()
    col.answer(ids["a1"], 5, at(-10))
    col.answer(ids["a1"], 5, at(-9))  # interval 6, due at(-3)
    col.answer(ids["c1"], 3, at(-2))  # interval 1, ease 2.36
    col.answer(ids["d1"], 1, at(-1))
    col.answer(ids["d1"], 1, at(0))  # two failures, no lapse (never learned)
    order = [c.id for c in col.find(sort="due", now=at()).cards]
    assert order[:3] == [ids["a1"], ids["c1"], ids["d1"]]  # never-reviewed cards last
    assert [c.id for c in col.find(sort="interval", descending=True).cards][0] == ids["a1"]
    assert [c.id for c in col.find(sort="ease").cards][0] == ids["c1"]
    assert [c.id for c in col.find(sort="last").cards][:3] == [ids["a1"], ids["c1"], ids["d1"]]
    latest = [c.id for c in col.find(sort="last", descending=True).cards]
    assert latest[:3] == [ids["d1"], ids["c1"], ids["a1"]]  # never reviewed: last either way
    page = col.find(limit=2, offset=2)
    assert [c.id for c in page.cards] == [ids["b2"], ids["c1"]] and page.total == 6
    with pytest.raises(CollectionError, match="unknown sort 'size'"):
        col.find(sort="size")
    with pytest.raises(CollectionError, match="unknown card state 'frozen'"):
        col.find("is:frozen")


def _full_sort(cards: list, sort: str, descending: bool) -> list[int]:
    """The order a sort of every card gives: by the column, then the id, both in the
    sort's direction; for due and last review the cards without one last, by id."""
    column = {"interval": "interval", "ease": "ease", "lapses": "lapses", "due": "due"}
    column["last"] = "last_review"
    key = column[sort]
    dated = sorted(
        (c for c in cards if getattr(c, key) is not None),
        key=lambda c: (getattr(c, key), c.id),
        reverse=descending,
    )
    return [c.id for c in dated] + sorted(c.id for c in cards if getattr(c, key) is None)


@pytest.mark.parametrize("text", ["", "fact", "is:due"])
def test_every_sort_pages_through_the_cards_as_a_full_sort_orders_them(col, deck, text):
    # the sorts with no index (interval, ease, lapses, last review: m019) keep the top of
    # the order over the ids alone; page by page they read as sorting every card would
    ids = deck("Facts", "".join(f"- Fact {i} is **f{i}x**.\n" for i in range(40)))
    cards = sorted(ids.values())
    for day in range(12):  # spread intervals, eases, lapses and days of last review
        for i, card in enumerate(cards):
            if (i + day) % 3 == 0:
                col.answer(card, (5, 4, 3, 1, 0)[(i * 7 + day) % 5], at(day * 3 + i % 2))
    now = at(40)
    every = col.find(text, limit=1000, now=now).cards
    assert len(every) > 10
    for sort in ("interval", "ease", "lapses", "last", "due"):
        for descending in (False, True):
            pages = []
            for offset in range(0, len(every) + 7, 7):
                found = col.find(
                    text, sort=sort, descending=descending, limit=7, offset=offset, now=now
                )
                pages += [c.id for c in found.cards]
            assert pages == _full_sort(every, sort, descending), (sort, descending)


def test_history_lists_every_review_kind(col, deck):
    ids = deck()
    col.answer(ids["a1"], 1, at())
    col.answer(ids["a1"], 4, at(minutes=5))
    past = col.history(ids["a1"])
    assert [(r.q, r.kind, r.interval_after) for r in past] == [(1, "review", 1), (4, "drill", 1)]
    assert col.history(ids["b1"]) == []


def test_change_many_cards_in_one_transaction_and_undo(col, deck, db_path):
    ids = deck()
    both = [ids["a1"], ids["c1"]]
    col.change_cards(both, "suspend", at())
    assert {c.id for c in col.find(states=("suspended",)).cards} == set(both)
    before = states(col)
    with pytest.raises(CollectionError, match=r"no card with id 9999; nothing was changed"):
        col.change_cards([ids["a1"], 9999], "unsuspend", at())
    assert {c.id for c in col.find(states=("suspended",)).cards} == set(both)
    assert states(col) == before
    col.change_cards(both, "unsuspend", at())
    assert col.find(states=("suspended",)).cards == []
    col.undo()  # one undo takes the whole change back
    assert {c.id for c in col.find(states=("suspended",)).cards} == set(both)
    col.undo()
    assert col.find(states=("suspended",)).cards == []


def test_unbury_brings_a_card_back_today(col, deck):
    ids = deck()
    first = col.next_card(now=at())
    assert first.id == ids["a1"]
    col.bury(first.id, at())
    assert col.next_card(now=at()).id != first.id
    col.unbury(first.id, at())
    assert col.card(first.id, at()).status == "active"
    assert col.next_card(now=at()).id == first.id
    col.undo()
    assert col.card(first.id, at()).status == "buried"
    assert col.next_card(now=at()).id != first.id


# a page in the outline order, however it is asked for: ascending and descending, a
# word, a deck, a later page (a leech search reads its few leeches first and sorts them)
_OUTLINE_PAGES = [
    {},
    {"descending": True},
    {"text": "a"},
    {"decks": ("Deck",)},
    {"offset": 2, "limit": 2},
    {"states": ("due",)},
]


@pytest.mark.parametrize("stats", ["none", "large"])
def test_a_page_in_outline_order_is_read_in_it(col, deck, stats):
    """The outline order walks the decks by name and each deck's cards by cards_order,
    and stops at the page's end: no pass over every card to sort them, with the
    planner's statistics of a large collection or with none (a user's collection has
    none: a page of 100,000 cards took ~100 ms that way, against 0.4 ms). A plan test."""
    deck()
    col.close()
    if stats == "large":
        analyzed_large(col.path)
    with Collection.open(col.path, timezone="UTC") as again:
        seen: list[str] = []
        again._store.conn.set_trace_callback(seen.append)
        for ask in _OUTLINE_PAGES:
            ask = dict(ask)
            again.find(ask.pop("text", ""), now=at(), **ask)
        again._store.conn.set_trace_callback(None)
    pages = [sql for sql in seen if "ORDER BY d.name" in sql]
    assert len(pages) == len(_OUTLINE_PAGES)
    conn = sqlite3.connect(col.path)
    try:
        for sql in pages:
            plan = [row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")]
            assert plan[0].startswith("SCAN d") and "SEARCH c USING INDEX cards_order" in plan[1]
            assert not any("TEMP B-TREE" in step for step in plan), (sql, plan)
    finally:
        conn.close()
