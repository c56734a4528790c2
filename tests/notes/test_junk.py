"""Junk rules (DESIGN.md "Dialects", issue 12 item 5): strong and highlight deletions
that make no card, each skip kept with its reason, each rule switchable per deck."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashcards.cards import extract
from flashcards.decks import DeckError, load_deck
from flashcards.notes.junk import (
    ALL_RULES,
    EMPHASIS,
    INSIDE_WORD,
    LABEL,
    LEAD_IN,
    LIST_HEADING,
    QUESTION,
    QUOTED,
    REFRAIN,
    REPEAT,
    SENTENCE,
    SHORT,
    TABLE,
    VERSION,
)
from flashcards.notes.outline import parse_note
from flashcards.reading import extract_paths

JUNK = Path(__file__).resolve().parent / "fixtures" / "junk"


def read(name: str, junk=ALL_RULES):
    result = extract_paths([JUNK / name], junk=junk)
    return [c.answers for c in result.cards], [(k.line, k.answer, k.rule) for k in result.skipped]


@pytest.mark.parametrize(
    ("name", "kept", "skipped"),
    [
        (
            "label.md",
            [["buffer solution"]],
            [(1, "Note:", LABEL), (2, "Ex.", LABEL), (3, "Step 2", LABEL),
             (4, "BREAKING CHANGE", LABEL), (5, "Intuition:", LABEL)],
        ),
        (
            "version.md",
            [["100.0"]],  # a decimal with no "version" or "release" near it is an answer
            [(1, "v1.2", VERSION), (2, "3.12.1", VERSION), (3, "2.0", VERSION)],
        ),
        ("emphasis.md", [["binary search"]], [(1, "not", EMPHASIS), (2, "only", EMPHASIS)]),
        ("inside-word.md", [["standalone"]], [(1, "init", INSIDE_WORD), (2, "bar", INSIDE_WORD)]),
        ("short.md", [["argon"], ["水"]], [(1, "Fe", SHORT), (1, "Au", SHORT)]),
        ("term-definition.md", [["Osmosis:"], ["Mitochondria"]], []),
        (
            "note-phrase.md",
            [["Amortized cost:"]],  # `**term:** definition` stays a card
            [(1, "Please Note:", LABEL), (3, "Note on practice:", LABEL),
             (5, "Side note:", LABEL)],
        ),
        (
            "sentence.md",
            [["hash table"]],
            [(1, "Do not memorize every answer you see.", SENTENCE),
             (2, "You can skip the lectures in this part of the plan", SENTENCE)],
        ),
        (
            "sentence-of-its-own.md",  # after a full stop; unspaced scripts by characters
            [["trie"]],
            [(1, "I practise with a pencil and an eraser.", SENTENCE),
             (3, "ヒープは最小の要素を根に置く木構造です", SENTENCE)],
        ),
        (
            "note-label-languages.md",  # the label word opens or closes the lead-in
            [["Osmose:"]],
            [(1, "Anmerkung zu Karteikarten:", LABEL), (3, "Зверніть увагу:", LABEL),
             (5, "カードについての注意:", LABEL)],
        ),
        (
            "list-heading.md",  # an aside after the bold says what the list holds
            [["many to many"], ["binary heap"]],
            [(1, "Probability", LIST_HEADING)],
        ),
        (
            "question.md",  # a question's answer is not in the question
            [["linear time"]],
            [(1, "cheapest", QUESTION), (2, "which structure keeps its keys in order?", QUESTION)],
        ),
        (
            "quoted.md",  # a quote of a word or two is a term, not an example
            [['"estuary"'], ["delta"]],
            [(1, "river", QUOTED), (1, "lake", QUOTED)],
        ),
        ("repeat.md", [["heap"]], [(1, "heap", REPEAT), (1, "Heap", REPEAT)]),
        (
            "emphasis-phrase.md",
            [["bcrypt"]],
            [(1, "Please don't", EMPHASIS), (2, "was", EMPHASIS), (2, "same", EMPHASIS),
             (4, "until", EMPHASIS), (4, "unless", EMPHASIS)],
        ),
        ("table.md", [["100 °C"]], [(5, "Water", TABLE), (6, "Ethanol", TABLE)]),
        (
            "lead-in.md",  # above code, or a phrase; a term above its definition stays
            [["Yeast:"], ["Salt:"]],
            [(1, "Recipe", LEAD_IN), (5, "Remember this before you bake:", LEAD_IN)],
        ),
        (
            "refrain.md",  # every item bolds `reader`; the loans list bolds different answers
            [["short loan"], ["reference loan"], ["short loan"]],
            [(2, "reader", REFRAIN), (3, "reader", REFRAIN), (4, "reader", REFRAIN)],
        ),
    ],
)  # fmt: skip
def test_each_rule_skips_its_deletions_and_keeps_a_record(name, kept, skipped) -> None:
    assert read(name) == (kept, skipped)


@pytest.mark.parametrize(
    ("name", "rule", "answer"),
    [
        ("label.md", LABEL, "Note:"),
        ("version.md", VERSION, "v1.2"),
        ("emphasis.md", EMPHASIS, "not"),
        ("inside-word.md", INSIDE_WORD, "init"),
        ("short.md", SHORT, "Fe"),
        ("note-phrase.md", LABEL, "Please Note:"),
        ("sentence.md", SENTENCE, "Do not memorize every answer you see."),
        ("sentence-of-its-own.md", SENTENCE, "I practise with a pencil and an eraser."),
        ("note-label-languages.md", LABEL, "Anmerkung zu Karteikarten:"),
        ("list-heading.md", LIST_HEADING, "Probability"),
        ("question.md", QUESTION, "cheapest"),
        ("quoted.md", QUOTED, "river"),
        ("emphasis-phrase.md", EMPHASIS, "Please don't"),
        ("table.md", TABLE, "Water"),
        ("lead-in.md", LEAD_IN, "Recipe"),
        ("refrain.md", REFRAIN, "reader"),
    ],
)
def test_each_rule_can_be_switched_off(name: str, rule: str, answer: str) -> None:
    cards, skipped = read(name, junk=frozenset(ALL_RULES) - {rule})
    assert [answer] in cards
    assert all(r != rule for _, _, r in skipped)


def test_a_repeated_answer_makes_one_card_that_hides_every_copy() -> None:
    """The block's first `heap` card hides all three; with the rule off each copy makes a
    card of its own, as before."""
    (card,) = extract_paths([JUNK / "repeat.md"]).cards
    assert card.front_text.count("[...]") == 3 and "heap" not in card.front_text.lower()
    cards, skipped = read("repeat.md", junk=frozenset(ALL_RULES) - {REPEAT})
    assert cards == [["heap"], ["heap"], ["Heap"]] and skipped == []


def test_explicit_clozes_are_never_junk() -> None:
    note = parse_note("- the {{c1::Ex.}} and {{cloze no}} and **Ex.** here\n", "t.md")
    skipped: list = []
    cards = list(extract(note, skipped=skipped))
    assert [c.answers for c in cards] == [["Ex."], ["no"]]
    assert [(k.answer, k.reason) for k in skipped] == [("Ex.", "stock label")]


def test_a_lone_label_block_is_a_heading_not_a_skip() -> None:
    skipped: list = []
    assert list(extract(parse_note("- **Note**\n  - child\n"), skipped=skipped)) == []
    assert skipped == []


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("title-checkbox.md", [["trie"]]),
        ("title-trailing.md", [["Quicksort"]]),
        ("title-links.md", [["Splay trees"]]),  # `[ ]**X**`; links below it or between commas
    ],
)
def test_a_bold_title_with_a_checkbox_link_or_parenthetical_is_a_heading(
    name: str, kept: list
) -> None:
    """`- [ ] **AVL trees**`, `**X** (videos)`, `**X**: [link](url)` are titles: no card and
    no skip (with every junk rule off too); bold followed by prose is still a card."""
    for junk in (ALL_RULES, frozenset()):
        assert read(name, junk=junk) == (kept, [])


def test_a_title_with_a_checkbox_is_its_childrens_context() -> None:
    note = parse_note("- [ ] **AVL trees** (videos)\n  - rotations keep the **height** low\n")
    (card,) = extract(note)
    assert card.answers == ["height"]
    assert "AVL trees" in card.context[-1]


def _spec(tmp_path: Path, junk: str) -> Path:
    (tmp_path / "n.md").write_text("- v **1.2.3** and **Note:**\n")
    spec = tmp_path / "deck.md"
    spec.write_text(f"---\nname: d\nnotes: [n.md]\njunk: {junk}\n---\n")
    return spec


def test_a_deck_spec_switches_rules_off(tmp_path: Path) -> None:
    deck = load_deck(_spec(tmp_path, "{version: false}"))
    assert deck.junk == frozenset(ALL_RULES) - {VERSION}
    found = extract_paths(deck.notes, deck.deletions, junk=deck.junk)
    assert [c.answers for c in found.cards] == [["1.2.3"]]
    assert [k.rule for k in found.skipped] == [LABEL]
    assert load_deck(_spec(tmp_path, "false")).junk == frozenset()


@pytest.mark.parametrize(
    ("junk", "message"),
    [("{versions: false}", "unknown junk rule 'versions'"), ("[version]", "must map")],
)
def test_a_bad_junk_setting_says_where(tmp_path: Path, junk: str, message: str) -> None:
    with pytest.raises(DeckError) as err:
        load_deck(_spec(tmp_path, junk))
    assert err.value.line == 4 and message in str(err.value)
    assert str(err.value).startswith(f"{tmp_path / 'deck.md'}:4: ")
