"""The `.tsv` export, judged by the real Anki library's text importer."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from helpers import NOW, sample_card_count
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.export import export
from flashcards.export.apkg import note_guid
from flashcards.export.job import ExportCard, ExportDeck, ExportJob
from flashcards.export.tsv import DIALECT, field, write
from flashcards.notes.markers import ANKI_CLOZE, Deletion

from .support import (
    SAMPLE_DECK,
    card_by_note_guid,
    import_tsv,
    later_stamp,
    open_collection,
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
    assert result.items == len(log.new) == len(ours) == sample_card_count()
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
    # the edit happens a minute later (build stamps cards from the clock, to the second; a
    # test neither waits nor reads the clock)
    later = later_stamp()
    monkeypatch.setattr("flashcards.build.write.iso_utc", lambda: later)
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


def _csv_line(fields: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, **DIALECT).writerow(fields)
    return out.getvalue()


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet="ab \t\n\"'é,;<>", max_size=8), min_size=2, max_size=6))
def test_fields_are_written_as_the_csv_module_writes_them(fields):
    assert "\t".join(field(f) for f in fields) + "\n" == _csv_line(fields)


def _card(front: str = "", back: str = "", cloze: str = "", **fields) -> ExportCard:
    """A card as the exporter gets it: a cloze card from its Anki cloze text (its
    `{{c1::…}}` marker is its gap), a question card from its front and back."""
    base = dict.fromkeys(ExportCard.__dataclass_fields__, "")
    base.update(id=1, line=3, position=0, context=[], tags=[], marks=(), hidden=())
    if cloze:
        m = re.search(r"\{\{c1::(.*?)\}\}", cloze)
        assert m is not None
        mark = Deletion(ANKI_CLOZE, m.start(), m.end(), m.group(1), m.group(1), None, 1)
        base.update(body=cloze, marks=(mark,), hidden=(0,))
    else:
        children = back[len(front) + 1 :] if back.startswith(front + "\n") else back
        base.update(body=front, children=children)
    base.update(fields)
    return ExportCard(**base)


def test_rows_with_a_carriage_return_are_left_to_the_csv_module(tmp_path):
    # No notes file gives a card a lone '\r' (files are read with universal newlines),
    # but a deck name can hold anything; Python versions quote it differently, so such
    # a row is written exactly as this Python's csv.writer writes it.
    cards = [
        _card(guid="g1", kind="cloze", source="/n/a.md", cloze='say "{{c1::hi}}"\tthere'),
        _card(guid="g2", kind="basic", source="/n/a.md", front="Q?", back="Q?\n- an\ranswer"),
    ]
    deck = ExportDeck(1, "odd\rdeck", "", {}, None, ["/n"], None, cards)
    out = tmp_path / "odd.tsv"
    write(ExportJob(store=None, collection_path=None, decks=[deck], now=NOW), out)  # type: ignore[arg-type]

    source = "<div class=source>n/a.md:3</div>"
    rows = [
        ["Cloze", "odd\rdeck", "g1", "say &quot;{{c1::hi}}&quot;\tthere", source, ""],
        # (a field starting with '-' has it as a character reference: no spreadsheet formula)
        ["Basic", "odd\rdeck", "g2", "Q?", "&#45; an\ranswer" + source, ""],
    ]
    with out.open(newline="") as fh:
        assert fh.read().split("\n", 6)[6] == "".join(_csv_line(r) for r in rows)


def test_rows_follow_the_order_a_build_reads_the_files(tmp_path):
    # 'a-b/…' sorts before 'a/…' as text, after it as a path: the build's order wins
    notes = tmp_path / "notes"
    for folder, answer in (("a", "first"), ("a-b", "second")):
        (notes / folder).mkdir(parents=True)
        (notes / folder / "x.md").write_text(f"- the **{answer}** file\n")
    with open_collection(tmp_path / "order.sqlite") as col:
        col.build(notes)
        out = tmp_path / "order.tsv"
        export(col, [], "tsv", out, now=NOW)
    rows = list(csv.reader(out.open(newline=""), delimiter="\t"))[6:]
    assert ["first" in r[3] for r in rows] == [True, False]


def _cells(path):
    with path.open(newline="") as fh:
        return [row for row in csv.reader(fh, delimiter="\t") if not row[0].startswith("#")]


def test_no_cell_starts_as_a_spreadsheet_formula_and_anki_shows_the_same_text(
    tmp_path, anki_collection
):
    cards = [
        _card(guid="f1", kind="cloze", source="/n/a.md", cloze="=1+1 is {{c1::two}}", tags=["-x"]),
        _card(
            guid="f2", kind="basic", source="/n/a.md", front="@SUM(A1)?", back="+cmd|' /C calc'!A0"
        ),
        _card(guid="f3", kind="basic", source="/n/a.md", front="\tTabbed", back="-5 °C, often"),
    ]
    deck = ExportDeck(1, "=Deck", "", {}, None, ["/n"], None, cards)
    out = tmp_path / "formulas.tsv"
    write(ExportJob(store=None, collection_path=None, decks=[deck], now=NOW), out)  # type: ignore[arg-type]

    rows = _cells(out)
    assert len(rows) == 3
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (row, cell)
    # HTML fields: the first character as a character reference; the rest as it was
    assert [r[3] for r in rows] == ["&#61;1+1 is {{c1::two}}", "&#64;SUM(A1)?", "&#9;Tabbed"]
    assert rows[1][4].startswith("&#43;cmd|' /C calc'!A0<div")
    # plain cells (deck, tags): OWASP's leading quote
    assert {r[1] for r in rows} == {"'=Deck"}
    assert rows[0][5] == "'-x"

    anki = anki_collection()
    import_tsv(anki, out)
    formula = card_by_note_guid(anki, "f1")
    assert "=1+1 is [...]" in visible_text(formula.question())
    assert "=1+1 is two" in visible_text(formula.answer())
    question = card_by_note_guid(anki, "f2")
    assert visible_text(question.question()).strip() == "@SUM(A1)?"
    assert "+cmd|' /C calc'!A0" in visible_text(question.answer())
    assert visible_text(card_by_note_guid(anki, "f3").question()).strip() == "Tabbed"
    assert "-5 °C, often" in visible_text(card_by_note_guid(anki, "f3").answer())
    # what a leading quote costs: Anki keeps it in the deck's and the tag's name
    assert "'=Deck" in [d.name for d in anki.decks.all_names_and_ids()]
    assert formula.note().tags == ["'-x"]


def test_cards_from_notes_that_start_like_formulas_import_unchanged(tmp_path, anki_collection):
    notes = tmp_path / "sheet.md"
    notes.write_text(
        "- =SUM(A1:A3) adds the **cells** above\n- +1 is **one more**\n- @here pings **everyone**\n"
    )
    with open_collection(tmp_path / "sheet.sqlite") as col:
        col.build(notes)
        ours = col.cards()
        out = tmp_path / "sheet.tsv"
        export(col, [], "tsv", out, now=NOW)
    assert [r[3][:5] for r in _cells(out)] == ["&#61;", "&#43;", "&#64;"]

    anki = anki_collection()
    import_tsv(anki, out)
    shown = {
        c.answers[0]: visible_text(card_by_note_guid(anki, note_guid(c)).answer()) for c in ours
    }
    assert shown["cells"].startswith("=SUM(A1:A3) adds the cells above")
    assert shown["one more"].startswith("+1 is one more")
    assert shown["everyone"].startswith("@here pings everyone")
