"""Logseq's `^^highlight^^` is a highlight as `==highlight==` is, in Logseq notes only.

Each rule has a page of its own in fixtures/logseq-graphs/carets/ (a Logseq graph);
fixtures/carets-literal.md is the same kind of block outside any graph.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from flashcards.cards import Card
from flashcards.notes.inline import find_deletions, plain_text
from flashcards.notes.junk import REFRAIN, refrains
from flashcards.notes.markers import ALL_MARKERS, CARET_HIGHLIGHT, HIGHLIGHT, STRONG
from flashcards.reading import extract_paths

FIXTURES = Path(__file__).parent / "fixtures"
PAGES = FIXTURES / "logseq-graphs" / "carets" / "pages"
LITERAL = FIXTURES / "carets-literal.md"
LOGSEQ = frozenset({*ALL_MARKERS, CARET_HIGHLIGHT})


def cards_of(page: str, **options) -> dict[str, Card]:
    return {
        c.answers[0] if c.answers else "": c for c in extract_paths([PAGES / page], **options).cards
    }


def test_a_caret_highlight_makes_a_card_that_hides_it_and_shows_it_without_carets():
    cards = cards_of("Highlight.md")
    card = cards["mitochondrion"]
    assert card.front_text == "Cells make their energy in the [...] from glucose sugar."
    assert card.back_text == "Cells make their energy in the mitochondrion from glucose sugar."
    assert [d.kind for d in card.block.marks] == [HIGHLIGHT, STRONG]
    # the other card of the block shows it as a highlight, as `==x==` would be
    other = cards["glucose"]
    assert other.front_text == "Cells make their energy in the mitochondrion from [...] sugar."
    assert "^" not in other.front + other.back + other.cloze


def test_an_unbalanced_caret_marker_stays_text():
    cards = cards_of("Unbalanced.md")
    assert list(cards) == ["nucleus"]  # the second run opens the highlight the third closes
    assert cards["nucleus"].front_text == "A lone marker ^^stays text, and the [...] holds the DNA."
    assert (
        cards["nucleus"].back_text == "A lone marker ^^stays text, and the nucleus holds the DNA."
    )


def test_carets_in_inline_code_are_code():
    cards = cards_of("Code.md")
    assert list(cards) == ["lysosome"]
    card = cards["lysosome"]
    assert card.front_text == "The code ^^ribosome^^ is not marked, but the [...] is."
    assert card.front == "The code `^^ribosome^^` is not marked, but the [...] is."


@pytest.mark.parametrize("vault", ["markdown", "obsidian"])
def test_outside_logseq_carets_are_literal_text(vault, tmp_path):
    path = LITERAL
    if vault == "obsidian":
        (tmp_path / ".obsidian").mkdir()
        path = Path(shutil.copy(LITERAL, tmp_path / LITERAL.name))
    (card,) = extract_paths([path]).cards
    assert (card.dialect, card.answers) == (vault, ["glucose"])
    assert card.front_text == "Cells make their energy in the ^^mitochondrion^^ from [...] sugar."


def test_a_logseq_dialect_chosen_by_the_deck_reads_carets_anywhere():
    cards = extract_paths([LITERAL], dialect="logseq").cards
    assert sorted(c.answers[0] for c in cards) == ["glucose", "mitochondrion"]


def test_with_highlights_switched_off_a_caret_highlight_shows_as_its_text():
    cards = cards_of("Switched-off.md", markers=[STRONG])
    assert list(cards) == ["roots"]
    assert (
        cards["roots"].front_text
        == "Plants keep their energy as starch in their [...] over winter."
    )
    assert (
        cards["roots"].back_text == "Plants keep their energy as starch in their roots over winter."
    )


def test_a_caret_highlight_in_a_breadcrumb_shows_as_its_text():
    card = cards_of("Breadcrumb.md")["interphase"]
    assert card.context == ["Breadcrumb", "The cell cycle has several phases"]


def test_a_question_blocks_caret_highlight_stays_visible_without_carets():
    (card,) = cards_of("Question.md").values()
    assert card.kind == "basic"
    assert card.front_text == "What does ATP synthase make in the cell?"
    assert card.back_text == "What does ATP synthase make in the cell?\n- It makes ATP from ADP."


def test_the_junk_rules_apply_to_caret_highlights():
    """A list whose every item highlights the same words: its refrain, no cards."""
    result = extract_paths([PAGES / "Refrain.md"], junk=[REFRAIN])
    assert result.cards == []
    assert [(s.answer, s.rule) for s in result.skipped] == [("control centre", "refrain")] * 3
    lines = [["a ^^x^^ b"], ["c ^^x^^ d"], ["e ^^x^^ f"]]
    assert refrains(lines, carets=True) == {"x"} and refrains(lines) == frozenset()


def test_carets_follow_commonmarks_delimiter_rules_as_equals_signs_do():
    for text in ["^^a^^", "x^^a^^y", "^^ a^^", "^^^a^^^", "^^a ==b== c^^", "^^a\\^^", "[^^a^^](u)"]:
        found = find_deletions(text, LOGSEQ)
        same = find_deletions(text.replace("^", "="), LOGSEQ)
        assert [(d.kind, d.start, d.end) for d in found] == [
            (d.kind, d.start, d.end) for d in same
        ], text
    assert find_deletions("[x](^^a^^)", LOGSEQ) == []  # a link target
    assert find_deletions("^^a^^") == []  # not a marker outside Logseq
    assert plain_text("the ^^a^^ b", LOGSEQ) == "the a b"
    assert plain_text("the ^^a^^ b") == "the ^^a^^ b"


def test_a_referenced_blocks_caret_highlight_shows_as_text_and_makes_no_card(tmp_path):
    graph = tmp_path / "graph"
    shutil.copytree(PAGES.parent / "logseq", graph / "logseq")
    (graph / "pages").mkdir()
    (graph / "pages" / "Cited.md").write_text(
        "- The ^^Golgi body^^ packs proteins\n  id:: 6650a2c4-1111-4222-8333-444455556666\n"
    )
    (graph / "pages" / "Citing.md").write_text(
        "- See ((6650a2c4-1111-4222-8333-444455556666)) and the **ribosome** too.\n"
    )
    cards = extract_paths([graph / "pages" / "Citing.md"]).cards
    assert [(c.answers, c.front_text) for c in cards] == [
        (["ribosome"], "See The Golgi body packs proteins and the [...] too.")
    ]
