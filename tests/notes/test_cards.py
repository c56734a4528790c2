"""Blocks → cards (DESIGN.md "Notes format" and "Card identity").

Each rule is pinned by a small notes text; the sample deck's cards are pinned as
a whole; hypothesis checks the extractor against generated deletions.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import threading
from dataclasses import asdict
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLE_NOTES, forking
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import flashcards.notes.inline as inline_module
import flashcards.reading as reading
from flashcards.cards import (
    BASIC,
    CLOZE,
    MAX_BACK_DEPTH,
    MAX_CONTEXT,
    MAX_DELETIONS,
    Card,
    extract,
)
from flashcards.identity import disambiguate
from flashcards.notes.files import note_files
from flashcards.notes.inline import (
    ALL_MARKERS,
    ANKI_CLOZE,
    HIGHLIGHT,
    LOGSEQ_CLOZE,
    STRONG,
    find_deletions,
)
from flashcards.notes.outline import iter_blocks, parse_note
from flashcards.reading import extract_paths

SEED = SAMPLE_NOTES
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def cards_of(text: str, markers=ALL_MARKERS, path: str = "t.md") -> list[Card]:
    """The cards of `text` with the junk rules off: these tests pin what each marker
    does with any answer (`a`, `it`); tests/notes/test_junk.py pins the junk rules."""
    return disambiguate(list(extract(parse_note(text, path), markers, junk=())))


def answers(text: str, markers=ALL_MARKERS) -> list[list[str]]:
    return [c.answers for c in cards_of(text, markers)]


def one(text: str, markers=ALL_MARKERS, path: str = "t.md") -> Card:
    found = cards_of(text, markers, path)
    assert len(found) == 1, [c.answers for c in found]
    return found[0]


# --- deletions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("block", "answer", "hint", "front"),
    [
        ("- the **mitochondria** is the powerhouse", "mitochondria", None, "the [...] is the powerhouse"),
        ("- the __mitochondria__ is the powerhouse", "mitochondria", None, "the [...] is the powerhouse"),
        ("- the ==mitochondria== is the powerhouse", "mitochondria", None, "the [...] is the powerhouse"),
        ("- the {{cloze mitochondria}} is the powerhouse", "mitochondria", None, "the [...] is the powerhouse"),
        ("- the {{cloze mitochondria \\\\ organelle}} is it", "mitochondria", "organelle", "the [organelle] is it"),
        ("- the {{c1::mitochondria}} is the powerhouse", "mitochondria", None, "the [...] is the powerhouse"),
        ("- the {{c1::mitochondria::organelle}} is it", "mitochondria", "organelle", "the [organelle] is it"),
        ("- the {{c12::mito chondria::an organelle}} is it", "mito chondria", "an organelle", "the [an organelle] is it"),
    ],
)  # fmt: skip
def test_each_deletion_marker(block: str, answer: str, hint: str | None, front: str) -> None:
    card = one(block)
    assert card.kind == CLOZE
    assert card.answers == [answer]
    assert card.hint == hint
    assert card.front == front


def test_one_card_per_deletion_other_deletions_stay_visible() -> None:
    found = cards_of("- **a** then ==b== then {{cloze c}} then {{c1::d}}\n")
    assert [c.answers for c in found] == [["a"], ["b"], ["c"], ["d"]]
    assert [c.front for c in found] == [
        "[...] then ==b== then c then d",
        "**a** then [...] then c then d",
        "**a** then ==b== then [...] then d",
        "**a** then ==b== then c then [...]",
    ]
    # the back is the block with clozes resolved; strong and highlight stay as written
    assert {c.back for c in found} == {"**a** then ==b== then c then d"}


def test_anki_clozes_with_the_same_number_make_one_card_hiding_both() -> None:
    found = cards_of("- {{c1::Paris}} is in {{c2::France}}, {{c1::Rome::city}} in Italy\n")
    assert [c.answers for c in found] == [["Paris", "Rome"], ["France"]]
    assert found[0].front == "[...] is in France, [city] in Italy"
    assert found[0].hint == "city"
    assert found[1].front == "Paris is in [...], Rome in Italy"
    assert found[0].cloze == "{{c1::Paris}} is in France, {{c1::Rome::city}} in Italy"


def test_the_same_answer_twice_makes_two_cards() -> None:
    found = cards_of("- **x** and again **x**\n")
    assert [c.front for c in found] == ["[...] and again **x**", "**x** and again [...]"]
    assert len({c.content_hash for c in found}) == 2


def test_deletions_on_continuation_lines() -> None:
    found = cards_of("- first **a**\n  second ==b==\n")
    assert [c.answers for c in found] == [["a"], ["b"]]
    assert found[1].front == "first **a**\nsecond [...]"


@pytest.mark.parametrize(
    "block",
    [
        "- inline `**code**` and ``==code==`` and `{{c1::x}}`",
        "- a [link](https://x.org/**path**/==y==) target",
        "- an image ![alt](https://x.org/__p__.png)",
        "- an autolink <https://x.org/**a**>",
        "- raw <span title='**t**'>html</span>",
        "- escaped \\*\\*not\\*\\* and \\=\\=not\\=\\=",
        "- snake_case__names__inside_words stay",
        "- 2**10** is intraword but __not__for underscores",
    ],
)
def test_no_deletion_inside_code_link_targets_html_or_escapes(block: str) -> None:
    found = cards_of(block + "\n")
    # the only strong span allowed is the intraword **10** of the last example
    assert [c.answers for c in found] == ([["10"]] if "2**10**" in block else [])


def test_fenced_code_is_never_a_deletion() -> None:
    text = "- code\n  ```python\n  x = '**bold**'  # ==hl== {{c1::no}}\n  ```\n  and **yes**\n- ~~~\n  **no**\n  ~~~\n"
    found = cards_of(text)
    assert [c.answers for c in found] == [["yes"]]
    assert found[0].front == "code\n```python\nx = '**bold**'  # ==hl== {{c1::no}}\n```\nand [...]"


def test_properties_and_front_matter_are_never_deletions() -> None:
    text = "---\ntitle: '**not**'\n---\nnote:: **not**\n\n- plain\n  hint:: **not** ==either==\n  id:: {{c1::no}}\n"
    assert cards_of(text) == []


@pytest.mark.parametrize(
    "block",
    [
        "- **open but never closed",
        "- ==half a highlight",
        "- closed only** and only==",
        "- {{cloze never closed",
        "- {{c1::never closed",
        "- {{cloze }} and {{c1::}} hide nothing",
        "- ** ** and == == are empty",
        "- {{c::no number}} {{cx::bad}}",
    ],
)
def test_unbalanced_or_empty_markers_are_text(block: str) -> None:
    assert cards_of(block + "\n") == []


def test_unbalanced_markers_do_not_hide_balanced_ones() -> None:
    card = one("- **open, then a **real** one\n")
    assert card.answers == ["real"]
    assert card.front == "**open, then a [...] one"


@pytest.mark.parametrize(
    ("block", "answer"),
    [
        ("- **[[reliability]]** - desc", "reliability"),
        ("- **#[[Machine Learning]]** is", "Machine Learning"),
        ("- **a *nested* b** x", "a nested b"),
        ("- **`code` span** x", "code span"),
        ("- **[text](https://x.org)** x", "text"),
        ("- **a\\*b** x", "a*b"),
        ("- {{c1::[[wiki]] link}} x", "wiki link"),
        ("- {{cloze **bold** inside}} x", "bold inside"),
        ("- ==two\n  lines== x", "two lines"),
    ],
)
def test_the_answer_is_plain_text(block: str, answer: str) -> None:
    assert one(block + "\n").answers == [answer]


def test_a_cloze_inside_strong_belongs_to_the_strong_span() -> None:
    assert answers("- **the {{c1::key}} term** x\n") == [["the key term"]]


# --- headings ---------------------------------------------------------------------


@pytest.mark.parametrize("block", ["- **Chapter 1**", "- __Chapter 1__", "- **Chapter [[one]]**"])
def test_a_whole_bold_block_is_a_heading(block: str) -> None:
    found = cards_of(f"{block}\n  - under **it**\n")
    assert [c.answers for c in found] == [["it"]]
    assert found[0].context == [re.sub(r"[*_\[\]]", "", block[2:])]


def test_a_block_with_bold_and_more_is_a_card_not_a_heading() -> None:
    assert answers("- **Chapter 1**: intro\n- **a** **b**\n") == [["Chapter 1"], ["a"], ["b"]]


def test_a_logseq_heading_block_makes_no_card_but_is_context() -> None:
    found = cards_of("- ## **Usage** of ==tools==\n\t- run **it**\n")
    assert [c.answers for c in found] == [["it"]]
    assert found[0].context == ["Usage of tools"]


def test_context_is_headings_then_ancestors_outermost_first() -> None:
    text = (
        "# Book\n## Part [[One]]\n"
        "- **Chapter 1**\n"
        "\t- a parent with **bold** and [[links]]\n"
        "\t  and a second line\n"
        "\t\t- the {{c1::leaf}}\n"
    )
    found = cards_of(text)
    leaf = found[-1]
    assert leaf.answers == ["leaf"]
    assert leaf.context == ["Book", "Part One", "Chapter 1", "a parent with bold and links"]
    assert found[0].answers == ["bold"]
    assert found[0].context == ["Book", "Part One", "Chapter 1"]


def test_context_skips_empty_ancestors() -> None:
    card = one("-\n  - x **y**\n")
    assert card.context == []


# --- question cards -------------------------------------------------------------


@pytest.mark.parametrize("tag", ["#card", "[[card]]", "#[[card]]", "#Card"])
def test_a_tagged_block_is_a_question_card(tag: str) -> None:
    text = f"- What does **SM-2** schedule? {tag}\n  card-ease-factor:: 2.5\n  id:: 651\n\t- reviews\n\t\t- by **easiness**\n\t- intervals\n"
    card = one(text)
    assert card.kind == BASIC
    assert card.front == "What does **SM-2** schedule?"
    assert card.back == "What does **SM-2** schedule?\n- reviews\n  - by **easiness**\n- intervals"
    assert card.answers == [] and card.hint is None


def test_a_question_card_hides_its_clozes_on_the_front() -> None:
    card = one("- #card The capital is {{c1::Paris::city}} and {{cloze big}}\n  - yes\n")
    assert card.kind == BASIC
    assert card.front == "The capital is [city] and [...]"
    assert card.back == "The capital is Paris and big\n- yes"


def test_question_cards_make_no_cloze_cards_from_their_subtree() -> None:
    found = cards_of("- q #card\n  - **a**\n    - **b** c\n- after **d**\n")
    assert [(c.kind, c.answers) for c in found] == [(BASIC, []), (CLOZE, ["d"])]


@pytest.mark.parametrize(
    "block",
    [
        "- about #cards in general",
        "- #card-game rules",
        "- see [[cards]]",
        "- the `#card` tag",
        "- mail#card",
    ],
)
def test_things_that_are_not_the_card_tag(block: str) -> None:
    assert cards_of(block + " **x**\n")[0].kind == CLOZE


def test_card_tag_in_fenced_code_is_not_a_tag() -> None:
    assert [c.kind for c in cards_of("- **a**\n  ```\n  #card\n  ```\n")] == [CLOZE]


# --- front, back, tags ----------------------------------------------------------


def test_back_is_the_block_and_its_children_as_an_outline() -> None:
    text = "- top **x**\n  more\n\t- child {{c1::one}}\n\t\t- grand\n\t\t  child\n\t- second\n"
    card = cards_of(text)[0]
    assert card.front == "top [...]\nmore"
    assert card.back == "top **x**\nmore\n- child one\n  - grand\n    child\n- second"


def test_tags_come_from_the_page_and_the_block() -> None:
    text = "tags:: [[Machine Learning]], books\n\n- a **x**\n  tags:: [[extra]], books\n- b **y**\n"
    assert [c.tags for c in cards_of(text)] == [
        ["Machine Learning", "books", "extra"],
        ["Machine Learning", "books"],
    ]
    assert one("---\ntags: [ml, '#sys']\n---\n- **x** y\n").tags == ["ml", "sys"]


def test_card_fields() -> None:
    card = one("# H\n- parent\n  - child **x** here\n", path="notes/n.md")
    assert (card.source, card.line, card.context) == ("notes/n.md", 3, ["H", "parent"])
    assert card.text == "child **x** here"
    json = card.to_json()
    assert set(json) >= {
        "id",
        "kind",
        "source",
        "line",
        "context",
        "answers",
        "hint",
        "front",
        "back",
        "tags",
    }
    assert json["id"] == card.content_hash and json["kind"] == "cloze"


# --- markers switched off ----------------------------------------------------------


@pytest.mark.parametrize(
    ("off", "left"),
    [
        (STRONG, [["b"], ["c"], ["d"]]),
        (HIGHLIGHT, [["a"], ["c"], ["d"]]),
        (LOGSEQ_CLOZE, [["a"], ["b"], ["d"]]),
        (ANKI_CLOZE, [["a"], ["b"], ["c"]]),
    ],
)
def test_each_marker_can_be_switched_off(off: str, left: list[list[str]]) -> None:
    text = "- **a** ==b== {{cloze c}} {{c1::d}}\n"
    markers = frozenset(ALL_MARKERS) - {off}
    found = cards_of(text, markers)
    assert [c.answers for c in found] == left
    # a switched-off marker is plain text on the front
    written = {
        STRONG: "**a**",
        HIGHLIGHT: "==b==",
        LOGSEQ_CLOZE: "{{cloze c}}",
        ANKI_CLOZE: "{{c1::d}}",
    }
    assert all(written[off] in c.front for c in found)


def test_whole_bold_heading_rule_needs_strong_on() -> None:
    assert answers("- **Title**\n  - a ==b==\n", frozenset({HIGHLIGHT})) == [["b"]]


# --- identity ------------------------------------------------------------------------


def hashes(text: str) -> list[str]:
    return [c.content_hash for c in cards_of(text)]


def test_identical_blocks_are_told_apart_by_order() -> None:
    found = cards_of("- same **x**\n- other **y**\n- same **x**\n  - child\n")
    assert [c.answers for c in found] == [["x"], ["y"], ["x"]]
    assert len({c.content_hash for c in found}) == 3
    assert found[0].block_hash != found[2].block_hash


def test_hash_survives_reindenting_reordering_and_properties() -> None:
    base = "- alpha **one**\n  more text\n- beta ==two==\n"
    h = sorted(hashes(base))
    assert sorted(hashes("- parent\n\t- alpha **one**\n\t  more   text\n\t\t- beta ==two==\n")) == h
    assert sorted(hashes("* beta ==two==\n1. alpha **one**\n   more text\n")) == h
    assert (
        sorted(
            hashes("- alpha **one**\n  collapsed:: true\n  more text\n  id:: 1\n- beta ==two==\n")
        )
        == h
    )
    assert sorted(hashes("# New heading\n" + base)) == h


def test_hash_changes_when_the_text_is_edited() -> None:
    a, b = hashes("- alpha **one**\n"), hashes("- alpha **one!**\n")
    c = hashes("- Alpha **one**\n")
    assert len({a[0], b[0], c[0]}) == 3


def test_cards_of_one_block_differ_by_their_deletion_and_share_the_block() -> None:
    found = cards_of("- **a** and **b**\n")
    assert found[0].content_hash != found[1].content_hash
    assert found[0].block_hash == found[1].block_hash


def test_hash_survives_moving_between_files_and_renaming(tmp_path: Path) -> None:
    one_dir, two_dir = tmp_path / "v1", tmp_path / "v2"
    one_dir.mkdir()
    two_dir.mkdir()
    (one_dir / "a.md").write_text("- keep **this**\n- and ==that==\n")
    (one_dir / "b.md").write_text("- other {{c1::thing}}\n")
    # v2: `that` moved into b (renamed c), a renamed z, indentation changed
    (two_dir / "z.md").write_text("- parent\n\t- keep **this**\n")
    (two_dir / "c.md").write_text("- other {{c1::thing}}\n\t- and ==that==\n")
    before = {tuple(c.answers): c.content_hash for c in extract_paths([one_dir]).cards}
    after = {tuple(c.answers): c.content_hash for c in extract_paths([two_dir]).cards}
    assert before == after and len(before) == 3


# --- files, folders, bad input ------------------------------------------------------


def test_folders_recurse_over_markdown_files_skipping_vault_internals(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "logseq" / "bak").mkdir(parents=True)
    (tmp_path / "top.md").write_text("- top **alpha**\n")
    (tmp_path / "sub" / "deeper" / "d.MD").write_text("- deep **beta**\n")
    (tmp_path / "sub" / "notes.txt").write_text("- not md **gamma**\n")
    (tmp_path / ".git" / "x.md").write_text("- hidden **delta**\n")
    (tmp_path / "logseq" / "bak" / "old.md").write_text("- backup **epsilon**\n")
    (tmp_path / ".hidden.md").write_text("- hidden **zeta**\n")
    result = extract_paths([tmp_path])
    assert sorted(a for c in result.cards for a in c.answers) == ["alpha", "beta"]
    assert [p.name for p in note_files([tmp_path])] == ["d.MD", "top.md"]


def test_files_come_in_path_order_part_by_part(tmp_path: Path) -> None:
    # `x/zz.md` after `x/d/a.md` (part by part), `x-y` after `x` (not string order)
    names = ["x/zz.md", "x/d/a.md", "x-y/a.md", "x/a.md", "b.md", "x/d-e/q.md", "x/d/e/f.md"]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("- a **b**\n")
    found = list(note_files([tmp_path]))
    assert found == sorted(tmp_path / name for name in names)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "b.md",
        "x/a.md",
        "x/d/a.md",
        "x/d/e/f.md",
        "x/d-e/q.md",
        "x/zz.md",
        "x-y/a.md",
    ]


def test_bad_files_become_warnings_and_others_still_yield(tmp_path: Path) -> None:
    (tmp_path / "a-good.md").write_text("- good **one**\n")
    (tmp_path / "b-latin1.md").write_bytes(b"- caf\xe9 **x**\n")
    (tmp_path / "c-nul.md").write_bytes(b"- a\n- b\x00 **x**\n")
    (tmp_path / "d-yaml.md").write_text("---\ntags: [a\n---\n- y **x**\n")
    (tmp_path / "e-broken-link.md").symlink_to(tmp_path / "nowhere.md")
    (tmp_path / "f-good.md").write_text("---\ntags: [t]\n---\n- also **two**\n")
    result = extract_paths([tmp_path])
    assert [c.answers for c in result.cards] == [["one"], ["two"]]
    assert result.files == 2 and result.lines == 5 and result.blocks == 2
    where = [(Path(w.path).name, w.line) for w in result.warnings]
    assert where == [
        ("b-latin1.md", 1),
        ("c-nul.md", 2),
        ("d-yaml.md", 3),
        ("e-broken-link.md", None),
    ]
    assert all(w.reason for w in result.warnings)


# --- fixtures: one file per dialect ------------------------------------------------


def test_logseq_fixture() -> None:
    found = extract_paths([FIXTURES / "logseq-page.md"]).cards
    assert [(c.kind, c.answers, c.hint) for c in found] == [
        (CLOZE, ["SM-2"], None),
        (CLOZE, ["easiness factor"], "EF"),
        (BASIC, [], None),
        (CLOZE, ["1.3"], None),
    ]
    assert found[0].tags == ["spaced repetition", "memory"]
    assert found[1].context == ["Scheduling", "SM-2 came out in 1990"]
    assert found[2].front == "What does a lapse reset?"
    assert (
        found[2].back
        == "What does a lapse reset?\n- the repetition count\n- the interval, to one day"
    )
    assert found[3].context == ["Scheduling", "Limits"]
    assert all("collapsed" not in c.back and "id::" not in c.back for c in found)


def test_obsidian_fixture() -> None:
    found = extract_paths([FIXTURES / "obsidian-note.md"]).cards
    assert [(c.answers, c.hint) for c in found] == [
        (["Raft"], None),
        (["leader", "log"], "who"),
        (["term"], None),
        (["majority"], None),
    ]
    assert {tuple(c.tags) for c in found} == {("distributed", "consensus")}
    assert found[0].context == ["Consensus", "Raft"]
    assert found[3].context == ["Consensus", "Safety", "Commit rule"]
    assert "```" in found[2].back and "**not a card**" in found[2].back


def test_plain_outline_fixture() -> None:
    found = extract_paths([FIXTURES / "plain-outline.md"]).cards
    assert [c.answers for c in found] == [["TCP"], ["three-way handshake"], ["SYN"], ["UDP"]]
    assert [c.context for c in found] == [
        ["Networking"],
        ["Networking", "TCP is reliable"],
        ["Networking", "TCP is reliable", "it opens with a three-way handshake"],
        ["Networking"],
    ]
    assert found[1].front == "it opens with a [...]\nwhich takes one round trip and a half"


# --- the sample deck ---------------------------------------------------------------


SAMPLE_ANSWERS = [
    "learning", "complex patterns", "existing data", "make predictions", "unseen data",
    "learning", "complex patterns", "existing data", "predictions", "unseen data",
    "repetitive tasks", "low cost of bad predictions", "at scale", "the patterns are constantly changing",
    "focus on the business metrics!", "reliability", "scalability", "maintainability", "adaptability",
]  # fmt: skip


def test_the_sample_deck_is_pinned() -> None:
    result = extract_paths([SEED])
    assert result.warnings == []
    found = result.cards
    # the one place the sample's card count is spelled out (helpers.sample_card_count)
    assert len(found) == 19
    assert [a for c in found for a in c.answers] == SAMPLE_ANSWERS
    assert all(c.kind == CLOZE and len(c.answers) == 1 for c in found)
    assert len({c.content_hash for c in found}) == 19
    assert {"learning", "complex patterns", "reliability"} <= set(SAMPLE_ANSWERS)
    # Preface and the chapter titles are no card, but they are context
    assert not any("Preface" in a or "Chapter" in a for c in found for a in c.answers)
    assert found[0].context == ["Chapter 1. Overview of Machine Learning Systems"]
    assert found[0].line == 21
    reliability = found[SAMPLE_ANSWERS.index("reliability")]
    assert reliability.context == [
        "Chapter 2. Introduction to Machine Learning System Design",
        "4 requirements for ML systems:",
    ]
    assert reliability.front.startswith('[...] - "the system should continue')
    assert reliability.back.startswith("**[[reliability]]** - ")
    assert found[0].tags == [
        "books", "machine learning", "MLOps", "system design", "Chip Huyen", "data science",
    ]  # fmt: skip
    assert found[5].context[-1].startswith("you should use ML for: learning of complex patterns")


def test_the_sample_deck_reads_the_same_from_a_crlf_bom_copy(tmp_path: Path) -> None:
    copy = tmp_path / "copy.md"
    copy.write_bytes(b"\xef\xbb\xbf" + SEED.read_bytes().replace(b"\n", b"\r\n"))
    original = [(c.content_hash, c.front, c.back, c.context) for c in extract_paths([SEED]).cards]
    assert [
        (c.content_hash, c.front, c.back, c.context) for c in extract_paths([copy]).cards
    ] == original


def test_the_bundled_sample_is_the_seed() -> None:
    bundled = ROOT / "flashcards" / "data" / "seeds" / SEED.name
    assert bundled.read_bytes() == SEED.read_bytes()


# --- scale -----------------------------------------------------------------------------


def test_300_levels_of_nesting_give_bounded_cards() -> None:
    text = "".join("\t" * i + f"- level {i} **a{i}**\n" for i in range(300))
    found = cards_of(text)
    assert len(found) == 300
    inner = [f"level {i} a{i}" for i in range(299 - MAX_CONTEXT + 2, 299)]
    assert found[-1].context == ["level 0 a0", "…", *inner]
    assert found[MAX_CONTEXT - 1].context == [f"level {i} a{i}" for i in range(MAX_CONTEXT - 1)]
    back = found[0].back.split("\n")
    assert back[1 : MAX_BACK_DEPTH + 1] == [
        "  " * d + f"- level {d + 1} **a{d + 1}**" for d in range(MAX_BACK_DEPTH)
    ]
    assert back[-1] == "  " * MAX_BACK_DEPTH + "- …"


def test_3000_levels_of_nesting_stay_linear_in_size() -> None:
    """The 4.5 MB outline 3,000 levels deep that ran out of 6 GB: every card's context and
    back are bounded, so what the cards hold grows with the notes, not their square."""
    text = "".join(" " * i + f"- level {i} **a{i}** and some words\n" for i in range(3000))
    warnings: list = []
    found = disambiguate(list(extract(parse_note(text, "deep.md"), ALL_MARKERS, warnings, junk=())))
    assert len(found) == 3000
    held = sum(len(c.back) + len(c.front) + sum(map(len, c.context)) for c in found)
    assert held < 100 * len(text)
    assert [(w.line, "nested more than 32 levels deep" in w.reason) for w in warnings] == [
        (MAX_CONTEXT + 2, True)  # the first block with more than MAX_CONTEXT ancestors
    ]


def test_too_many_deletions_in_one_block_are_cut_with_a_warning() -> None:
    text = "- " + " ".join(f"**w{i}**" for i in range(MAX_DELETIONS + 50)) + "\n"
    warnings: list = []
    found = list(extract(parse_note(text, "many.md"), ALL_MARKERS, warnings, junk=()))
    assert [c.answers for c in found] == [[f"w{i}"] for i in range(MAX_DELETIONS)]
    assert len(warnings) == 1 and warnings[0].line == 1
    assert f"the first {MAX_DELETIONS} make cards" in warnings[0].reason


def test_a_5_mb_line_with_deletions() -> None:
    filler = "plain words and more words " * 190_000
    text = f"- start **first** {filler} ==middle== {filler} {{{{c1::last}}}} end\n"
    assert len(text) > 5_000_000
    assert [c.answers for c in cards_of(text)] == [["first"], ["middle"], ["last"]]


def test_many_unclosed_clozes_stay_linear(steps) -> None:
    # each `{{c1::` used to scan to the end of the text for its `}}`: quadratic
    def work(n: int) -> int:
        return steps(lambda: cards_of("- " + "{{c1::" * n + " **x**\n"))

    assert [c.answers for c in cards_of("- " + "{{c1::" * 50_000 + " **x**\n")] == [["x"]]
    assert work(8_000) < 5 * work(2_000)  # 4x the text: linear is ~4x the work


@pytest.mark.parametrize("unit", ["**a ", "==a ", "{{cloze a ", "`a ", "[a "])
def test_unbalanced_markers_scale_linearly(unit: str, steps) -> None:
    small = steps(lambda: find_deletions(unit * 2_000))
    large = steps(lambda: find_deletions(unit * 8_000))
    # 4x the text: linear is ~4x the work, quadratic ~16x
    assert large <= 5 * small


# --- properties ----------------------------------------------------------------------

LOGSEQ_HINT = " \\\\ "  # Logseq writes `{{cloze answer \\ cue}}`: two backslashes
_WORD = st.sampled_from(["alpha", "beta", "gamma", "delta", "x1", "naïve", "Ω", "two words"])


@st.composite
def _marked_block(draw) -> tuple[str, list[list[str]], list[str | None]]:
    """A block of words and deletions whose answers are known in advance."""
    parts: list[str] = []
    expected: list[tuple[str, list[str], str | None]] = []  # (group key, answers, hint)
    anki: dict[int, int] = {}
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["word", "strong", "under", "mark", "logseq", "anki"]))
        word = draw(_WORD)
        if kind == "word":
            parts.append(word)
            continue
        hint = draw(st.one_of(st.none(), _WORD)) if kind in ("logseq", "anki") else None
        if kind == "strong":
            parts.append(f"**{word}**")
        elif kind == "under":
            parts.append(f"__{word}__")
        elif kind == "mark":
            parts.append(f"=={word}==")
        elif kind == "logseq":
            cue = LOGSEQ_HINT + hint if hint else ""
            parts.append(f"{{{{cloze {word}{cue}}}}}")
        else:
            n = draw(st.integers(1, 3))
            parts.append(f"{{{{c{n}::{word}{'::' + hint if hint else ''}}}}}")
            if n in anki:
                key, got, first_hint = expected[anki[n]]
                expected[anki[n]] = (key, [*got, word], first_hint or hint)
                continue
            anki[n] = len(expected)
        expected.append((kind, [word], hint))
    text = " ".join(parts)
    return text, [e[1] for e in expected], [e[2] for e in expected]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(_marked_block(), st.sampled_from(["- ", "* ", "1. ", "\t- ", ""]))
def test_generated_deletions_are_found_exactly(block, bullet: str) -> None:
    text, expected, hints = block
    found = cards_of(
        f"- parent\n{bullet}{text}\n" if bullet.startswith("\t") else f"{bullet}{text}\n"
    )
    found = [c for c in found if c.answers]
    # a block that is one strong span is a heading: no card
    if re.fullmatch(r"\*\*[^*]+\*\*|__[^_]+__", text):
        assert found == []
        return
    assert [c.answers for c in found] == expected
    assert [c.hint for c in found] == hints
    for card in found:
        assert card.front.count("[") >= len(card.answers)


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


_MARKUP_PIECES = st.sampled_from(
    [
        "**", "__", "==", "*", "_", "=", " ", "\n  ", "`", "``", "[[", "]]", "[", "](u)", "\\",
        "{{cloze ", "{{c1::", "{{c2::", "::", "}}", " \\\\ ", "!", "<", ">", "~~", "#", "a", "b c",
        "word", "é",
    ]
)  # fmt: skip


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKUP_PIECES, max_size=30).map("".join))
@example("\n  * \\\\ **__**")  # the card is the nested block's
def test_every_answer_comes_from_its_block_source(body: str) -> None:
    """Each answer's non-blank characters appear, in order, in the block as written.

    Markup is only ever taken away from an answer (markers, wiki brackets,
    escapes, link targets), never added; the strategy leaves out `&` and `%`,
    the only CommonMark inputs that are decoded into other characters.
    """
    text = f"- {body}\n"
    note = parse_note(text)
    # every block's text: an empty bullet followed by an indented one nests the second
    source = "\n".join(b.text for b, _ in iter_blocks(note.blocks))
    for card in cards_of(text):
        for answer in card.answers:
            assert answer == answer.strip() and answer
            assert _is_subsequence(re.sub(r"\s", "", answer), source), (answer, source)
        if card.kind == CLOZE:  # the front shows each hidden answer as [...] or [hint]
            assert "[..." in card.front or (card.hint and f"[{card.hint}]" in card.front)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_extraction_never_raises_on_arbitrary_text(text: str) -> None:
    if text.lstrip("\ufeff").startswith("---"):
        text = "\n" + text  # front matter errors are the reader's, tested there
    for card in cards_of(text):
        assert card.kind in (CLOZE, BASIC)
        assert card.front and card.content_hash


# --- several processes, and the benchmark's vault ----------------------------------------


def _vault_module():
    spec = importlib.util.spec_from_file_location("bench_vault", ROOT / "benchmarks" / "vault.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_vault_is_deterministic(tmp_path: Path) -> None:
    generate = _vault_module().generate
    counts = generate(tmp_path / "a", files=30, seed=3)
    again = generate(tmp_path / "b", files=30, seed=3)
    assert counts == again and counts["files"] == 30 and counts["lines"] > 30 * 20
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.md"))
    assert files_a == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.md"))
    assert all(
        (tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in files_a
    )
    result = extract_paths([tmp_path / "a"])
    assert result.warnings == [] and result.files == 30 and result.lines == counts["lines"]
    kinds = {c.kind for c in result.cards}
    markers = {d.kind for c in result.cards for d in find_deletions(c.text)}
    assert kinds == {CLOZE, BASIC} and markers == set(ALL_MARKERS)


@pytest.mark.parametrize("can_fork", [True, False])
def test_several_processes_give_the_same_result(tmp_path: Path, can_fork: bool) -> None:
    _vault_module().generate(tmp_path, files=40, seed=11)
    (tmp_path / "notes" / "bad.md").write_bytes(b"- caf\xe9\n")
    (tmp_path / "pages" / "same.md").write_text("- repeated **block**\n")
    (tmp_path / "zz-same.md").write_text("- repeated **block**\n")
    serial = extract_paths([tmp_path])
    with forking(can_fork):
        parallel = extract_paths([tmp_path], workers=3)
    assert [asdict(c) for c in parallel.cards] == [asdict(c) for c in serial.cards]
    assert [str(w) for w in parallel.warnings] == [str(w) for w in serial.warnings] != []
    assert (parallel.files, parallel.lines, parallel.blocks) == (
        serial.files,
        serial.lines,
        serial.blocks,
    )
    assert len({c.content_hash for c in parallel.cards}) == len(parallel.cards)


def test_big_inputs_are_read_in_two_processes_by_default(tmp_path: Path, monkeypatch) -> None:
    # a four-core machine whatever this one has: the default depends on the cores
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert reading.default_workers(50) == 1  # forking costs more than it saves
    assert reading.default_workers(51) == 2  # this process and one more, at most
    _vault_module().generate(tmp_path / "vault", files=60, seed=5)
    readers = tmp_path / "readers.txt"
    read_text = reading.read_text

    def spy(raw, path, options, graph=None):
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return read_text(raw, path, options, graph)

    monkeypatch.setattr(reading, "read_text", spy)  # a spy: which processes read notes
    with forking(True):
        parallel = extract_paths([tmp_path / "vault"])
    assert len(set(readers.read_text().split())) == 2
    with forking(False):
        serial = extract_paths([tmp_path / "vault"])
    assert [asdict(c) for c in parallel.cards] == [asdict(c) for c in serial.cards]
    assert parallel.files == serial.files == 60


def test_no_fork_while_another_thread_runs() -> None:
    """A process with threads (the study app's build worker) is read in, not forked."""
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not reading._can_fork()
    finally:
        release.set()
        other.join()


def test_files_a_dead_reader_had_not_sent_are_read_here(tmp_path: Path, monkeypatch) -> None:
    _vault_module().generate(tmp_path, files=60, seed=9)
    serial = extract_paths([tmp_path], workers=1)
    last = max(note_files([tmp_path]))  # always in a forked worker's share
    this_process = os.getpid()
    read_text = reading.read_text

    def dying(raw, path, options, *rest):
        if os.getpid() != this_process and path == str(last):
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return read_text(raw, path, options, *rest)

    # the only way to kill a forked reader at a chosen file: the file it reads decides
    monkeypatch.setattr(reading, "read_text", dying)
    with forking(True):
        parallel = extract_paths([tmp_path], workers=2)
    assert [asdict(c) for c in parallel.cards] == [asdict(c) for c in serial.cards]
    assert (parallel.files, parallel.lines) == (serial.files, serial.lines) == (60, serial.lines)


_EVERY_RULE = st.one_of(
    _MARKUP_PIECES,
    st.sampled_from(["&amp;", "&#42;", "&", "<b>", "</i>", "<http://x.y>", "<a@b.c>", "![i](s)"]),
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EVERY_RULE, max_size=30).map("".join))
def test_the_inline_loop_by_character_gives_markdown_its_own_tokens(body: str) -> None:
    """Looking rules up by character (flashcards.notes.inline_loop) changes no token."""
    for markers in (frozenset(ALL_MARKERS), frozenset([STRONG, HIGHLIGHT])):
        fast = inline_module._parser(markers)
        assert "tokenize" in vars(fast.inline) and "skipToken" in vars(fast.inline)
        stock = inline_module._parser.__wrapped__(markers)
        del stock.inline.tokenize, stock.inline.skipToken  # markdown-it's own loops again

        def shape(md):
            tokens = inline_module._parse_inline(md, body)
            return [(t.type, t.content, t.markup, t.nesting, t.level) for t in tokens]

        assert shape(fast) == shape(stock)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EVERY_RULE, max_size=30).map("".join))
def test_markdown_it_s_own_loop_finds_the_same_deletions(body: str) -> None:
    """A markdown-it with an inline rule the by-character table does not know (an
    upgrade) keeps its own loop, and its rules still stamp the positions deletions and
    code spans are read by: the same deletions, no KeyError."""
    import flashcards.notes.inline_loop as inline_loop

    markers = frozenset(ALL_MARKERS)
    expected = inline_module.scan(body, markers, plain=True)
    known = inline_loop._RULE_STARTS.pop("entity")  # as if markdown-it had a new rule
    inline_module._parser.cache_clear()
    try:
        md = inline_module._parser(markers)
        assert "tokenize" not in vars(md.inline)  # markdown-it's own loop
        assert inline_module.scan(body, markers, plain=True) == expected
    finally:
        inline_loop._RULE_STARTS["entity"] = known
        inline_module._parser.cache_clear()


def test_the_card_tag_precheck_never_misses_a_tag() -> None:
    """`_may_be_tagged` (a substring test on the lowered text) is True wherever the
    case-insensitive `_CARD_TAG` can match: every character that matches c, a, r or d
    under IGNORECASE lowers to that letter."""
    import sys

    from flashcards.cards import _CARD_TAG, _may_be_tagged

    for letter in "card":
        pattern = re.compile(letter, re.IGNORECASE)
        others = [
            chr(i)
            for i in range(sys.maxunicode + 1)
            if pattern.fullmatch(chr(i)) and chr(i).lower() != letter
        ]
        assert others == []
    for text in ["#card", "#CARD x", "a [[Card]]", "#[[cArD]]", "x #card-y", "#cards"]:
        assert _may_be_tagged(text) or not _CARD_TAG.search(text)
