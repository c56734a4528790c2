"""Each card's outline ancestry and dialect in the collection (schema step m011): written
at build, NULL in cards from before until their notes are read again, with every id and
review kept; the collection's `cards --json` says the dialect."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from flashcards import Collection
from flashcards.identity import block_hash, normalize

OUTLINE = """\
- Mammals have **fur**.
  - Cats have **whiskers**.
"""


def _rows(db: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(db)
    try:
        return {
            json.loads(answers)[0]: (card_id, ancestors, dialect)
            for card_id, answers, ancestors, dialect in conn.execute(
                "SELECT id, answers, ancestors, dialect FROM cards"
            )
        }
    finally:
        conn.close()


def test_a_build_stores_each_cards_ancestors_and_dialect(col, notes, db_path) -> None:
    notes.write("zoo.md", OUTLINE)
    col.build(notes.root)
    parent = block_hash(normalize("Mammals have **fur**."))
    rows = _rows(db_path)
    assert rows["fur"][1:] == ("", "markdown")
    assert rows["whiskers"][1:] == (parent, "markdown")


def test_cards_from_before_m011_fill_in_on_the_reread_and_keep_ids_and_reviews(
    col, notes, db_path
) -> None:
    notes.write("zoo.md", OUTLINE)
    col.build(notes.root)
    before = _rows(db_path)
    col.answer(before["whiskers"][0], 4)
    conn = sqlite3.connect(db_path)
    with conn:  # what m011 leaves in cards built before it, and a reader upgrade's reread
        conn.execute("UPDATE cards SET ancestors = NULL, dialect = NULL")
        conn.execute("DELETE FROM config WHERE key LIKE 'reader_version.%'")
    conn.close()
    with Collection.open(db_path, timezone="UTC") as old:
        # no ancestry known: only siblings wait, and nothing fails
        assert old.next_card().id == before["fur"][0]
        assert {c.dialect for c in old.cards()} == {None}
        old.build(notes.root)
        assert old.review_count() == 1
    assert _rows(db_path) == before  # same ids, ancestry and dialect filled in


def test_collection_cards_json_carries_the_dialect(cli, notes) -> None:
    (notes.root / ".obsidian").mkdir()
    notes.write("zoo.md", OUTLINE)
    assert cli("build", str(notes.root)).exit_code == 0
    rows = json.loads(cli("cards", "--json").stdout)
    assert [r["dialect"] for r in rows] == ["obsidian", "obsidian"]
