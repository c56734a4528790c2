"""A collection built before Logseq's `^^highlight^^` was read is read again once, and
keeps its cards: the highlight's card is new, the block's other cards keep their ids and
reviews and now show it without carets."""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import NOW, rows_in

import flashcards.cards
import flashcards.notes.by_dialect
from flashcards.decks import DeckSpec

CARETS = Path(__file__).parents[1] / "notes" / "fixtures" / "logseq-graphs" / "carets"


def test_a_graph_built_by_the_old_reader_gains_the_highlights_cards_and_keeps_the_rest(
    col, db_path, tmp_path, monkeypatch
):
    graph = tmp_path / "graph"
    shutil.copytree(CARETS / "logseq", graph / "logseq")
    (graph / "pages").mkdir()
    shutil.copy(CARETS / "pages" / "Highlight.md", graph / "pages")
    spec = DeckSpec(name="Cells", notes=[graph])
    # the reader before `^^` was a highlight: version 6, carets read as text
    with monkeypatch.context() as old:
        old.setattr(flashcards.cards, "READER_VERSION", 6)
        old.setattr(flashcards.notes.by_dialect, "_with_carets", lambda markers: markers)
        col.build(spec)
        (before,) = col.cards()
        assert before.answers == ["glucose"] and "^^mitochondrion^^" in before.back_text
        col.answer(before.id, 4, now=NOW)
    reviews = rows_in(db_path, "SELECT * FROM reviews ORDER BY id")
    states = rows_in(db_path, "SELECT * FROM card_state ORDER BY card_id")

    report = col.build(spec)
    assert (report.read, report.new, report.retired) == (1, 1, 0)
    cards = {c.answers[0]: c for c in col.cards()}
    assert sorted(cards) == ["glucose", "mitochondrion"]
    kept = cards["glucose"]
    assert kept.id == before.id
    assert kept.back_text == "Cells make their energy in the mitochondrion from glucose sugar."
    assert rows_in(db_path, "SELECT * FROM reviews ORDER BY id") == reviews
    after = rows_in(db_path, "SELECT * FROM card_state ORDER BY card_id")
    assert [row for row in after if row[0] in {old[0] for old in states}] == states
    # once: the next build trusts the file again
    report = col.build(spec)
    assert (report.read, report.unchanged) == (0, 2)
