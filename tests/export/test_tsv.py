"""The `.tsv` export, judged by the real Anki library's text importer."""

from __future__ import annotations

import csv
from datetime import timedelta

from flashcards.export import export
from flashcards.export.apkg import note_guid

from .support import (
    NOW,
    SAMPLE_DECK,
    card_by_note_guid,
    import_tsv,
    later_stamp,
    visible_text,
)


def test_header_lines_say_how_to_read_the_file(cells, tmp_path):
    out = tmp_path / "cells.tsv"
    export(cells, [], "tsv", out, now=NOW)
    lines = out.read_text().splitlines()
    assert lines[:6] == [
        "#separator:tab",
        "#html:true",
        "#notetype column:1",
        "#deck column:2",
        "#guid column:3",
        "#tags column:6",
    ]
    rows = list(csv.reader(out.open(newline=""), delimiter="\t"))[6:]
    assert len(rows) == len(cells.cards())
    assert {r[0] for r in rows} == {"Cloze", "Basic"}
    assert all(len(r) == 6 for r in rows)


def test_anki_reads_the_headers_and_imports_every_card(sample, tmp_path, anki_collection):
    out = tmp_path / "sample.tsv"
    result = export(sample, [], "tsv", out, now=NOW)
    anki = anki_collection()
    metadata, log = import_tsv(anki, out)

    ours = [c for c in sample.cards() if c.status != "retired"]
    assert metadata.is_html
    assert (metadata.notetype_column, metadata.deck_column) == (1, 2)
    assert (metadata.guid_column, metadata.tags_column) == (3, 6)
    assert result.items == len(log.new) == len(ours) == 19
    assert anki.note_count() == anki.card_count() == len(ours)
    assert SAMPLE_DECK in anki.decks.all_names()
    # the same GUIDs as the apkg export
    assert {anki.get_note(n).guid for n in anki.find_notes("")} == {note_guid(c) for c in ours}


def test_cloze_and_basic_rows_use_anki_stock_note_types(cells, tmp_path, anki_collection):
    out = tmp_path / "cells.tsv"
    export(cells, [], "tsv", out, now=NOW)
    anki = anki_collection()
    import_tsv(anki, out)

    by_answer = {tuple(c.answers): c for c in cells.cards()}
    assert anki.note_count() == anki.card_count() == len(by_answer)
    mito = card_by_note_guid(anki, note_guid(by_answer[("mitochondria",)]))
    assert mito.note().note_type()["name"] == "Cloze"
    question = visible_text(mito.question())
    assert "mitochondria" not in question
    assert "[an organelle]" in question
    assert "Organelles" in question
    assert "it has its own DNA" in visible_text(mito.answer())
    assert set(mito.note().tags) == {"biology", "cell_biology"}

    (question_card,) = [c for c in cells.cards() if c.kind == "basic"]
    basic = card_by_note_guid(anki, note_guid(question_card))
    assert basic.note().note_type()["name"] == "Basic"
    assert "deoxyribonucleic acid" in visible_text(basic.answer())
    assert "deoxyribonucleic" not in visible_text(basic.question())


def test_reimporting_a_newer_file_updates_instead_of_duplicating(
    cells, notes_dir, tmp_path, anki_collection, monkeypatch
):
    first = tmp_path / "first.tsv"
    export(cells, [], "tsv", first, now=NOW)
    anki = anki_collection()
    import_tsv(anki, first)
    count = anki.note_count()

    notes = notes_dir / "cells.md"
    notes.write_text(notes.read_text().replace("at sea level", "at sea-level pressure"))
    later = later_stamp()
    monkeypatch.setattr("flashcards.build.now_iso", lambda: later)
    cells.build(notes)
    second = tmp_path / "second.tsv"
    export(cells, [], "tsv", second, now=NOW + timedelta(days=1))
    _, log = import_tsv(anki, second)

    assert anki.note_count() == count
    assert len(log.new) == 0
    (boil,) = [c for c in cells.cards() if c.answers == ["100 °C"]]
    assert "sea-level pressure" in card_by_note_guid(anki, note_guid(boil)).note()["Text"]


def test_several_decks_go_in_the_deck_column(cells, notes_dir, tmp_path, anki_collection):
    cells.build(notes_dir / "edge-cases")
    out = tmp_path / "both.tsv"
    export(cells, [], "tsv", out, now=NOW)
    anki = anki_collection()
    import_tsv(anki, out)

    for name in ("cells", "edge-cases"):
        assert len(anki.find_cards(f'"deck:{name}"')) == len(
            cells.cards(name, include_retired=False)
        )
