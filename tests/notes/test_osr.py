"""The Obsidian spaced-repetition plugin's cards, with the vault's own settings
(DESIGN.md "Dialects", issue 12 item 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from flashcards.cards import BASIC, CLOZE
from flashcards.notes import osr_settings
from flashcards.notes.osr import cloze_regex
from flashcards.notes.osr_settings import OsrSettings
from flashcards.reading import extract_paths

VAULT = Path(__file__).resolve().parent / "fixtures" / "osr-vault"


def cards(path: Path):
    return extract_paths([path]).cards


def faces(path: Path) -> list[tuple[str, str, str, str | None]]:
    return [(c.kind, c.front, c.back, c.deck) for c in cards(path)]


def test_single_line_cards_are_basic_question_and_answer() -> None:
    assert faces(VAULT / "single-line.md") == [
        (BASIC, "What makes ATP", "What makes ATP\nthe mitochondria", "flashcards"),
        (BASIC, "What holds the genes", "What holds the genes\nthe nucleus", "flashcards"),
    ]
    found = cards(VAULT / "single-line.md")
    assert [c.context for c in found] == [["Cells"], ["Cells"]]
    assert all(c.dialect == "obsidian" for c in found)


def test_a_schedule_comment_and_a_block_id_are_neither_text_nor_hash(tmp_path: Path) -> None:
    vault = tmp_path / "v"
    shutil.copytree(VAULT, vault)
    before = [c.content_hash for c in cards(vault / "single-line.md")]
    note = vault / "single-line.md"
    note.write_text(
        note.read_text()
        .replace("<!--SR:!2025-01-04,3,250-->", "<!--SR:!2025-03-01,21,270-->")
        .replace("the mitochondria", "the mitochondria <!--SR:!2025-02-02,5,230-->")
        .replace(" ^b1c2d3", "")
    )
    after = cards(note)
    assert [c.content_hash for c in after] == before
    assert not any("SR:" in c.back or "^b1c2d3" in c.back for c in after)


def test_reversed_cards_give_both_sides_with_distinct_stable_hashes() -> None:
    first = cards(VAULT / "reversed.md")
    assert [(c.front, c.deck) for c in first] == [
        ("Wasser", "flashcards/languages"),
        ("water", "flashcards/languages"),
    ]
    assert len({c.content_hash for c in first}) == 2
    assert [c.content_hash for c in cards(VAULT / "reversed.md")] == [c.content_hash for c in first]
    assert first[0].block_hash == first[1].block_hash  # siblings


def test_multiline_cards_run_to_a_blank_line_and_front_matter_tags_name_the_deck() -> None:
    assert faces(VAULT / "multiline.md") == [
        (
            BASIC,
            "What are the phases of mitosis,\nin order?",
            "What are the phases of mitosis,\nin order?\nprophase, metaphase,\nanaphase, telophase",
            "flashcards/biology",
        ),
        (BASIC, "Name both strands' directions",
         "Name both strands' directions\n5' to 3' and 3' to 5'", "flashcards/biology"),
        (BASIC, "5' to 3' and 3' to 5'",
         "5' to 3' and 3' to 5'\nName both strands' directions", "flashcards/biology"),
    ]  # fmt: skip
    assert [c.line for c in cards(VAULT / "multiline.md")] == [4, 11, 11]


def test_highlights_are_clozes_with_hints_by_the_default_pattern() -> None:
    found = cards(VAULT / "biology" / "clozes.md")
    assert [(c.kind, c.front, c.answers, c.deck) for c in found] == [
        (CLOZE, "The [...] builds proteins.", ["ribosome"], "flashcards/biology/cells"),
        (CLOZE, "The ribosome builds [what it makes].", ["proteins"], "flashcards/biology/cells"),
    ]
    assert "flashcards/biology/cells" in found[0].tags


def test_code_and_untagged_notes_give_no_cards() -> None:
    assert cards(VAULT / "code.md") == []
    assert cards(VAULT / "untagged.md") == []  # not even `**bold**`: the plugin's rules


def _vault(tmp_path: Path, settings: dict | str | None, note: str) -> Path:
    vault = tmp_path / "vault"
    plugin = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition"
    plugin.mkdir(parents=True)
    if settings is not None:
        text = settings if isinstance(settings, str) else json.dumps({"settings": settings})
        (plugin / "data.json").write_text(text)
    (vault / "n.md").write_text(note)
    return vault


def test_configured_separators_such_as_double_semicolons_just_work(tmp_path: Path) -> None:
    vault = _vault(
        tmp_path,
        {"singleLineCardSeparator": ";;", "singleLineReversedCardSeparator": ";;;",
         "multilineCardSeparator": "+?", "flashcardTags": ["#study"]},
        "#study/chem\n\nNa;;sodium\nK;;;potassium\n\nWhat is H2O\n+?\nwater\n\nno::card here\n",
    )  # fmt: skip
    assert [(c.front, c.back.split("\n")[-1], c.deck) for c in cards(vault)] == [
        ("Na", "sodium", "study/chem"),
        ("K", "potassium", "study/chem"),
        ("potassium", "K", "study/chem"),
        ("What is H2O", "water", "study/chem"),
    ]


def test_custom_cloze_patterns_and_an_end_marker(tmp_path: Path) -> None:
    vault = _vault(
        tmp_path,
        {"clozePatterns": ["{{[123::]answer[::hint]}}"], "multilineCardEndMarker": "---",
         "singleLineCardSeparator": "=>"},
        "#flashcards\n\nBrazil speaks {{1::Portuguese::language}} and {{1::not Spanish}}\n---\n"
        "Q\n?\nline one\n\nline two\n---\n==not a cloze==\n",
    )  # fmt: skip
    found = cards(vault)
    assert [(c.kind, c.answers, c.hint) for c in found] == [
        (CLOZE, ["Portuguese", "not Spanish"], "language"),
        (BASIC, [], None),
    ]
    assert found[1].back == "Q\nline one\n\nline two"


def test_the_old_switches_stand_for_cloze_patterns(tmp_path: Path) -> None:
    vault = _vault(
        tmp_path,
        {"convertHighlightsToClozes": False, "convertBoldTextToClozes": True},
        "#flashcards\n\nThe **heart** pumps ==blood==\n",
    )
    assert [c.answers for c in cards(vault)] == [["heart"]]


def test_no_data_json_means_the_plugins_defaults(tmp_path: Path) -> None:
    vault = _vault(tmp_path, None, "#flashcards\n\nCapital of Peru::Lima\nA ==cloze== here\n")
    assert osr_settings.load(vault) == OsrSettings()
    assert [(c.kind, c.front) for c in cards(vault)] == [
        (BASIC, "Capital of Peru"),
        (CLOZE, "A [...] here"),
    ]


def test_broken_data_json_is_a_warning_and_the_defaults(tmp_path: Path) -> None:
    vault = _vault(tmp_path, '{"settings": {"singleLineCardSeparator": ";;"\n', "x::y\n")
    result = extract_paths([vault])
    data = vault / ".obsidian" / "plugins" / "obsidian-spaced-repetition" / "data.json"
    assert [str(w).split(": ")[0] for w in result.warnings] == [f"{data}:2"]
    assert "not valid JSON" in str(result.warnings[0])
    assert osr_settings.load(vault).single_line == "::"


def test_ignored_tags_drop_a_note(tmp_path: Path) -> None:
    vault = _vault(tmp_path, {"flashcardTagsToIgnore": ["#draft"]}, "#flashcards #draft\n\na::b\n")
    assert cards(vault) == []


@pytest.mark.parametrize(
    ("pattern", "text", "groups"),
    [
        ("==[123;;]answer[;;hint]==", "a ==2;;x;;h== b", ("2", "x", "h")),
        ("==answer==[^\\[hint\\]][\\[^123\\]]", "==x==^[h][^3]", ("3", "x", "h")),
        ("{{[123::]answer[::hint]}}", "{{y}}", (None, "y", None)),
    ],
)
def test_cloze_patterns_become_regular_expressions(pattern, text, groups) -> None:
    m = cloze_regex(pattern).search(text)
    assert (m.group("seq"), m.group("answer"), m.group("hint")) == groups
