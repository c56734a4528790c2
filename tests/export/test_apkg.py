"""The `.apkg` export, judged by the real Anki library importing it."""

from __future__ import annotations

import zipfile
from datetime import timedelta

from helpers import NOW, sample_card_count

from flashcards.export import export
from flashcards.export.apkg import deck_id, note_guid

from .support import (
    SAMPLE_DECK,
    card_by_note_guid,
    import_apkg,
    later_stamp,
    visible_text,
)


def test_sample_deck_imports_with_our_note_and_card_counts(sample, tmp_path, anki_collection):
    out = tmp_path / "sample.apkg"
    result = export(sample, [], "apkg", out, now=NOW)
    ours = [c for c in sample.cards() if c.status != "retired"]

    anki = anki_collection()
    log = import_apkg(anki, out)

    assert result.cards == len(ours) == sample_card_count()
    assert len(log.new) == len(ours)
    assert anki.note_count() == len(ours)
    assert anki.card_count() == len(ours)
    assert SAMPLE_DECK in anki.decks.all_names()
    # one Anki card per note, and each note's GUID comes from our stable guid
    assert {anki.get_note(n).guid for n in anki.find_notes("")} == {note_guid(c) for c in ours}


def test_cloze_question_hides_the_answer_and_shows_the_hint(cells, tmp_path, anki_collection):
    out = tmp_path / "cells.apkg"
    export(cells, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    by_answer = {tuple(c.answers): c for c in cells.cards()}
    mito = card_by_note_guid(anki, note_guid(by_answer[("mitochondria",)]))
    question, answer = visible_text(mito.question()), visible_text(mito.answer())
    assert "mitochondria" not in question
    assert "[an organelle]" in question
    assert "powerhouse of the cell" in question
    assert "Organelles" in question  # the context breadcrumb
    assert "mitochondria" in answer
    assert "it has its own DNA" in answer  # Back Extra: the block's children
    assert "cells.md:4" in answer  # Source: path:line

    france = card_by_note_guid(anki, note_guid(by_answer[("France",)]))
    question = visible_text(france.question())
    assert "France" not in question
    assert "[a country]" in question
    assert "Paris" in question  # the other deletion stays visible


def test_question_cards_become_basic_notes(cells, tmp_path, anki_collection):
    out = tmp_path / "cells.apkg"
    export(cells, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    (question_card,) = [c for c in cells.cards() if c.kind == "basic"]
    card = card_by_note_guid(anki, note_guid(question_card))
    assert card.note().note_type()["name"] == "flashcards basic"
    assert "What does DNA stand for?" in visible_text(card.question())
    assert "deoxyribonucleic" not in visible_text(card.question())
    assert "deoxyribonucleic acid" in visible_text(card.answer())


def test_note_text_is_data_not_markup(cells, tmp_path, anki_collection):
    out = tmp_path / "cells.apkg"
    export(cells, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    (html_card,) = [c for c in cells.cards() if c.answers == ["ampersands"]]
    card = card_by_note_guid(anki, note_guid(html_card))
    assert "<script>" not in card.question()  # escaped, so never run by Anki
    assert '<script>alert("x")</script>' in visible_text(card.question())
    # tags: the page's and the block's, spaces turned into '_'
    assert set(card.note().tags) == {"biology", "cell_biology", "html_test"}


def test_suspended_cards_arrive_suspended(sample, tmp_path, anki_collection):
    out = tmp_path / "sample.apkg"
    export(sample, [], "apkg", out, now=NOW)
    anki = anki_collection()
    # Anki keeps a card's queue (suspended) only when importing with scheduling
    import_apkg(anki, out, with_scheduling=True)

    suspended = [c for c in sample.cards() if c.status == "suspended"]
    assert len(suspended) == 1
    card = card_by_note_guid(anki, note_guid(suspended[0]))
    assert card.queue == -1  # QUEUE_TYPE_SUSPENDED
    assert len(anki.find_cards("is:suspended")) == 1


def test_a_newer_export_of_an_edited_deck_updates_notes_without_duplicates(
    cells, notes_dir, tmp_path, anki_collection, monkeypatch
):
    first = tmp_path / "first.apkg"
    export(cells, [], "apkg", first, now=NOW)
    anki = anki_collection()
    import_apkg(anki, first)
    notes_before = anki.note_count()

    # fix a typo: the card keeps its id (and guid), its text changes
    notes = notes_dir / "cells.md"
    notes.write_text(notes.read_text().replace("at sea level", "at sea-level pressure"))
    # the edit happens a minute later (build stamps cards from the clock, to the second; a
    # test neither waits nor reads the clock)
    later = later_stamp()
    monkeypatch.setattr("flashcards.build.write.iso_utc", lambda: later)
    report = cells.build(notes)
    assert report.edited == 1 and report.new == 0
    second = tmp_path / "second.apkg"
    export(cells, [], "apkg", second, now=NOW + timedelta(days=1))
    log = import_apkg(anki, second)

    assert anki.note_count() == notes_before
    assert anki.card_count() == notes_before
    assert len(log.new) == 0
    assert len(log.updated) == 1
    (boil,) = [c for c in cells.cards() if c.answers == ["100 °C"]]
    note = card_by_note_guid(anki, note_guid(boil)).note()
    assert "sea-level pressure" in note["Text"]


def test_one_anki_deck_per_deck_with_stable_ids(cells, notes_dir, tmp_path, anki_collection):
    cells.build(notes_dir / "edge-cases")
    out = tmp_path / "two.apkg"
    result = export(cells, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    assert result.decks == ["cells", "edge-cases"]
    assert {"cells", "edge-cases"} <= set(anki.decks.all_names())
    assert anki.note_count() == result.cards == len(cells.cards(include_retired=False))
    for name in ("cells", "edge-cases"):
        in_deck = anki.find_cards(f'"deck:{name}"')
        assert len(in_deck) == len(cells.cards(name, include_retired=False))
    assert deck_id("cells") == deck_id("cells") != deck_id("edge-cases")


def test_the_package_is_a_zip_with_a_collection(cells, tmp_path):
    out = tmp_path / "cells.apkg"
    export(cells, [], "apkg", out, now=NOW)
    with zipfile.ZipFile(out) as z:
        assert set(z.namelist()) == {"collection.anki2", "media"}
    # genanki's scratch database is removed, not left next to the package
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_question_with_one_child_answer_shows_it_as_a_list_item(tmp_path, anki_collection):
    from flashcards.collection import Collection

    notes = tmp_path / "genes.md"
    notes.write_text("- What carries heredity? #card\n\t- the **gene**\n")
    with Collection.open(tmp_path / "c.sqlite") as col:
        col.build(notes)
        (question,) = col.cards()
        out = tmp_path / "genes.apkg"
        export(col, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)
    answer = card_by_note_guid(anki, note_guid(question)).answer()
    assert "<li>the <strong>gene</strong></li>" in answer
    assert "- the" not in visible_text(answer)


def test_the_deck_description_is_text_not_markup(notes_dir, tmp_path, anki_collection):
    from flashcards.collection import Collection

    spec = tmp_path / "danger.md"
    spec.write_text(
        f"---\nname: Danger\nnotes: [{notes_dir / 'cells.md'}]\n---\n"
        "<script>alert(1)</script><b>x</b>\nsecond line & more\n"
    )
    with Collection.open(tmp_path / "c.sqlite") as col:
        col.build(spec)
        out = tmp_path / "danger.apkg"
        export(col, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)

    description = anki.decks.by_name("Danger")["desc"]  # Anki shows it as HTML
    assert "<script>" not in description and "<b>" not in description
    assert description == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;<br>second line &amp; more"
    )
    assert visible_text(description) == "<script>alert(1)</script><b>x</b>second line & more"


def test_the_packages_collection_has_ankis_indexes(cells, tmp_path):
    # the rows go in before the indexes are built: the package must still carry them all
    import sqlite3

    out = tmp_path / "cells.apkg"
    export(cells, [], "apkg", out, now=NOW)
    with zipfile.ZipFile(out) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.anki2")
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        assert {"ix_cards_nid", "ix_cards_sched", "ix_notes_csum", "ix_revlog_cid"} <= names
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
