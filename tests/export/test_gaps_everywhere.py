"""A card's gaps and children reach every consumer as they are: the app, apkg, tsv, md, json.

Two notes that the old flatten-then-reparse path got wrong:
- a note's own `[...]` is text, not a gap;
- a deletion across a line break is one gap, and the block's second line is no child.
"""

from __future__ import annotations

import asyncio
import csv
import json

import pytest

from flashcards.decks import DeckSpec
from flashcards.export import export
from flashcards.reading import extract_paths
from flashcards.tui.app import make_app
from flashcards.tui.screens.review import ReviewScreen
from flashcards.tui.widgets.card import GAP_STYLE, back_content, front_content

from .support import NOW, card_by_note_guid, import_apkg, import_tsv, open_collection, visible_text

OWN_BRACKETS = "- The list [...] goes on with **xenon** here.\n"
ACROSS_LINES = "- first **two\n  words** end\n  - child\n"


@pytest.fixture
def built(tmp_path):
    """A collection with one deck of the two notes; returns (collection path, notes path)."""
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "brackets.md").write_text(OWN_BRACKETS)
    (notes / "lines.md").write_text(ACROSS_LINES)
    path = tmp_path / "gaps.sqlite"
    with open_collection(path) as col:
        col.build(DeckSpec(name="Gaps", notes=[notes]))
    return path, notes


def _cards(path):
    with open_collection(path) as col:
        return {c.answers[0]: c for c in col.cards()}


def _styled(content, style):
    return [content.plain[s.start : s.end] for s in content.spans if style in str(s.style)]


def test_the_app_shows_one_gap_and_fills_only_it(built):
    path, _ = built
    cards = _cards(path)
    own = cards["xenon"]
    front = front_content(own)
    assert front.plain == "The list [...] goes on with [...] here."
    assert _styled(front, GAP_STYLE) == ["[...]"]  # the note's own [...] is plain text
    assert front.plain.index("[...]") == len("The list ")  # ...and stays where it was
    assert back_content(own).plain == "The list [...] goes on with xenon here."

    across = cards["two words"]
    assert front_content(across).plain == "first [...] end"
    # the block's own text whole, then its one child
    assert back_content(across).plain == "first two words end\n\n• child"


def test_the_app_in_a_review_shows_the_same(built):
    path, _ = built
    app = make_app(path, deck="Gaps", now=NOW)
    seen = {}

    async def scenario(pilot):
        await pilot.pause()
        for _ in range(2):
            assert isinstance(app.screen, ReviewScreen)
            card = app.screen.card
            await pilot.press("space")
            await pilot.pause()
            seen[card.answers[0]] = back_content(card).plain
            await pilot.press("3")
            await pilot.pause()

    async def main():
        async with app.run_test(size=(100, 30)) as pilot:
            await scenario(pilot)

    asyncio.run(main())
    assert seen == {
        "xenon": "The list [...] goes on with xenon here.",
        "two words": "first two words end\n\n• child",
    }


def test_json_and_the_preview_carry_the_faces(built, tmp_path):
    path, notes = built
    preview = {c.answers[0]: c.to_json() for c in extract_paths([notes]).cards}
    out = tmp_path / "gaps.json"
    with open_collection(path) as col:
        export(col, [], "json", out, now=NOW)
    exported = {c["answers"][0]: c for c in json.loads(out.read_text())["cards"]}
    for cards in (preview, exported):
        assert cards["xenon"]["front"] == "The list [...] goes on with [...] here."
        # the faces are rendered: the back shows the answer as a reader sees it
        assert cards["xenon"]["back"] == "The list [...] goes on with xenon here."
        assert cards["two words"]["front"] == "first [...] end"
        assert cards["two words"]["back"] == "first two\nwords end\n- child"
    assert exported["xenon"]["cloze"] == "The list [...] goes on with {{c1::xenon}} here."
    assert exported["two words"]["cloze"] == "first {{c1::two\nwords}} end"


def test_anki_shows_one_gap_and_the_child_as_back_extra(built, tmp_path, anki_collection):
    path, _ = built
    cards = _cards(path)
    out = tmp_path / "gaps.apkg"
    with open_collection(path) as col:
        export(col, [], "apkg", out, now=NOW)
    anki = anki_collection()
    import_apkg(anki, out)
    own = card_by_note_guid(anki, cards["xenon"].guid)
    assert "The list [...] goes on with [...] here." in visible_text(own.question())
    assert "The list [...] goes on with xenon here." in visible_text(own.answer())
    across = card_by_note_guid(anki, cards["two words"].guid)
    back = visible_text(across.answer())
    assert "two\nwords" in back or "two words" in back
    assert "child" in back and "words** end" not in back


def test_tsv_has_the_gap_in_the_text_and_the_child_in_back_extra(built, tmp_path, anki_collection):
    path, _ = built
    out = tmp_path / "gaps.tsv"
    with open_collection(path) as col:
        export(col, [], "tsv", out, now=NOW)
    rows = [r for r in csv.reader(out.open(newline=""), delimiter="\t") if not r[0].startswith("#")]
    text = {r[2]: r for r in rows}
    cards = _cards(path)
    own, across = text[cards["xenon"].guid], text[cards["two words"].guid]
    assert "The list [...] goes on with {{c1::xenon}} here." in own[3]
    assert "{{c1::two" in across[3] and "child" not in across[3]
    assert "child" in across[4]
    anki = anki_collection()
    import_tsv(anki, out)
    assert len(anki.find_cards("")) == 2


def test_md_builds_back_into_the_same_cards(built, tmp_path):
    path, _ = built
    out = tmp_path / "gaps.md"
    with open_collection(path) as col:
        export(col, ["Gaps"], "md", out, now=NOW)
        before = {c.content_hash: (c.front, c.back) for c in col.cards()}
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    (rebuilt / "gaps.md").write_text(out.read_text())
    with open_collection(tmp_path / "rebuilt.sqlite") as col:
        col.build(DeckSpec(name="Gaps", notes=[rebuilt]))
        after = {c.content_hash: (c.front, c.back) for c in col.cards()}
    assert after == before
