"""`Collection.idle` reads ahead the rows of the cards likely next; `next_card` uses them
only while they still hold (`flashcards.read_ahead`).

What is counted: the statements that read one card's row (`WHERE c.id = ?`), traced on
the collection's own connection. What must hold: a session with idle moments hands out
the same cards, with the same text and state, as one without.
"""

from __future__ import annotations

import sqlite3
from dataclasses import asdict

from flashcards import Collection

from .conftest import at

NOTES = "".join(f"- Fact {i} is **x{i}**.\n" for i in range(30))
GRADES = [4, 1, 3, 4, 2, 5, 4, 1, 4, 3, 4, 4, 1, 4, 4, 4, 3, 4, 4, 4]


def _reads_of_one_card(col: Collection) -> list[str]:
    seen: list[str] = []
    col._store.conn.set_trace_callback(seen.append)
    return seen


def _one_card(statements: list[str]) -> list[str]:
    return [s for s in statements if "FROM cards c JOIN decks d" in s and "c.id = " in s]


def _session(col: Collection, idle: bool) -> list[dict]:
    shown = []
    card = col.next_card(now=at(0))
    for minute, q in enumerate(GRADES):
        assert card is not None
        shown.append(asdict(card))
        col.answer(card.id, q, now=at(0, minutes=minute))
        if idle:
            col.idle()
        card = col.next_card(now=at(0, minutes=minute))
    return shown


def test_after_an_idle_moment_the_next_card_is_not_read_again(col, deck) -> None:
    deck("Deck", NOTES, new_per_day=50)
    card = col.next_card(now=at(0))
    col.answer(card.id, 4, now=at(0))
    col.next_card(now=at(0))  # no idle moment: the next card's row is read
    seen = _reads_of_one_card(col)
    col.answer(col.next_card(now=at(0)).id, 4, now=at(0))
    assert len(_one_card(seen)) == 1
    seen.clear()
    col.idle()
    assert _one_card(seen) == []  # read ahead in one statement, for several cards
    card = col.next_card(now=at(0))
    col.answer(card.id, 4, now=at(0))
    after = col.next_card(now=at(0))
    assert after is not None
    assert _one_card(seen) == [], "the answer and the next card read no card row"


def test_a_session_with_idle_moments_shows_what_one_without_shows(col, deck, tmp_path) -> None:
    deck("Deck", NOTES, new_per_day=50)
    twin = tmp_path / "twin.sqlite"
    with sqlite3.connect(col.path) as src, sqlite3.connect(twin) as dst:
        src.backup(dst)
    with Collection.open(twin, timezone="UTC", backup=False) as other:
        without = _session(other, idle=False)
    assert _session(col, idle=True) == without


def test_a_write_of_this_connection_drops_what_was_read_ahead(col, deck) -> None:
    deck("Deck", NOTES, new_per_day=50)
    card = col.next_card(now=at(0))
    col.answer(card.id, 4, now=at(0))
    col.idle()
    col.rename_deck("Deck", "Renamed")
    assert col.next_card(now=at(0)).deck == "Renamed"


def test_another_connections_write_shows_after_a_refresh(col, deck) -> None:
    deck("Deck", NOTES, new_per_day=50)
    card = col.next_card(now=at(0))
    col.answer(card.id, 4, now=at(0))
    col.idle()
    with sqlite3.connect(col.path) as other:
        other.execute("UPDATE blocks SET body = 'Changed elsewhere'")
    col.refresh()
    assert col.next_card(now=at(0)).body == "Changed elsewhere"


def test_what_was_read_ahead_holds_for_its_study_day_only(col, deck) -> None:
    deck("Deck", NOTES, new_per_day=50)
    card = col.next_card(now=at(0))
    col.answer(card.id, 4, now=at(0))
    col.next_card(now=at(0))
    col.idle()  # read ahead for day 0
    seen = _reads_of_one_card(col)
    assert col.next_card(now=at(1)) is not None
    assert len(_one_card(seen)) == 1, "a new study day reads its card again"
