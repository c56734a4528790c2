"""Logseq's `^^highlight^^` reaches every consumer as a highlight: the app, json, apkg,
tsv and md, without its carets (the graph: tests/notes/fixtures/logseq-graphs/carets-export)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from flashcards.decks import DeckSpec
from flashcards.export import export
from flashcards.tui.widgets.card import back_content, front_content

from .support import NOW, card_by_note_guid, import_apkg, import_tsv, open_collection, visible_text

GRAPH = Path(__file__).parents[1] / "notes" / "fixtures" / "logseq-graphs" / "carets-export"
FRONT = "Cells make their energy in the [...] from glucose sugar."
OWN = "Cells make their energy in the mitochondrion from glucose sugar."
CHILD = "Plants also keep starch for the winter."


@pytest.fixture
def built(tmp_path):
    path = tmp_path / "carets.sqlite"
    with open_collection(path) as col:
        col.build(DeckSpec(name="Energy", notes=[GRAPH]))
    return path


def _cards(path):
    with open_collection(path) as col:
        return {c.answers[0]: c for c in col.cards()}


def test_the_app_shows_the_highlight_as_a_gap_and_its_text(built):
    cards = _cards(built)
    assert sorted(cards) == ["glucose", "mitochondrion", "starch"]
    card = cards["mitochondrion"]
    assert front_content(card).plain == FRONT
    assert back_content(card).plain == f"{OWN}\n\n• {CHILD}"
    other = front_content(cards["glucose"])
    assert other.plain == "Cells make their energy in the mitochondrion from [...] sugar."
    marked = [other.plain[s.start : s.end] for s in other.spans]
    assert "mitochondrion" in marked  # styled, as a highlight is


def test_json_carries_the_faces_without_carets(built, tmp_path):
    out = tmp_path / "carets.json"
    with open_collection(built) as col:
        export(col, [], "json", out, now=NOW)
    cards = {c["answers"][0]: c for c in json.loads(out.read_text())["cards"]}
    card = cards["mitochondrion"]
    assert (card["front"], card["back"]) == (FRONT, f"{OWN}\n- {CHILD}")
    shown = [c[face] for c in cards.values() for face in ("front", "back", "cloze")]
    assert not [face for face in shown if "^" in face]  # (`text` is the notes' own)


def test_anki_shows_the_gap_and_the_highlight(built, tmp_path, anki_collection):
    cards = _cards(built)
    out = tmp_path / "carets.apkg"
    with open_collection(built) as col:
        export(col, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)
    card = card_by_note_guid(anki, cards["mitochondrion"].guid)
    assert FRONT in visible_text(card.question())
    answer = card.answer()
    assert OWN in visible_text(answer) and CHILD in visible_text(answer)
    other = card_by_note_guid(anki, cards["glucose"].guid)
    assert "<mark>mitochondrion</mark>" in other.question()
    assert "^" not in answer + other.question()


def test_tsv_writes_the_highlight_as_markup_anki_reads(built, tmp_path, anki_collection):
    cards = _cards(built)
    out = tmp_path / "carets.tsv"
    with open_collection(built) as col:
        export(col, [], "tsv", out, now=NOW)
    rows = [r for r in csv.reader(out.open(newline=""), delimiter="\t") if not r[0].startswith("#")]
    text = {r[2]: r for r in rows}
    own = text[cards["mitochondrion"].guid]
    assert "{{c1::mitochondrion}}" in own[3] and "starch" in own[4]
    assert "<mark>mitochondrion</mark>" in text[cards["glucose"].guid][3]
    assert "^" not in "".join(own + text[cards["glucose"].guid])
    anki = anki_collection()
    import_tsv(anki, out)
    assert len(anki.find_cards("")) == 3


def test_md_keeps_the_carets_as_written_and_builds_back_as_logseq(built, tmp_path):
    """The file keeps the block as its graph wrote it, so a `dialect: logseq` deck of it
    has the same cards (content hashes, faces)."""
    out = tmp_path / "carets.md"
    with open_collection(built) as col:
        export(col, ["Energy"], "md", out, now=NOW)
        before = {c.content_hash: (c.front_text, c.back_text) for c in col.cards()}
    assert "^^mitochondrion^^" in out.read_text()
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    (rebuilt / "carets.md").write_text(out.read_text())
    with open_collection(tmp_path / "rebuilt.sqlite") as col:
        col.build(DeckSpec(name="Energy", notes=[rebuilt], dialect="logseq"))
        after = {c.content_hash: (c.front_text, c.back_text) for c in col.cards()}
    assert after == before
