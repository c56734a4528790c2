"""The notes reader: outline Markdown → a tree of blocks (DESIGN.md "Notes format").

Each rule of the outline format is pinned by a small notes text. Cards made from
the blocks are tested in test_cards.py.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards.notes.files import read_note
from flashcards.notes.outline import Block, NoteError, iter_blocks, parse_note


def tree(text: str | bytes) -> list[tuple[int, str]]:
    """(depth, text) of every block, in outline order."""
    return [(len(ancestors), b.text) for b, ancestors in iter_blocks(parse_note(text).blocks)]


def only(text: str | bytes) -> Block:
    blocks = [b for b, _ in iter_blocks(parse_note(text).blocks)]
    assert len(blocks) == 1, blocks
    return blocks[0]


# --- bullets -----------------------------------------------------------------


@pytest.mark.parametrize("bullet", ["-", "*", "+", "1.", "1)", "42.", "7)"])
def test_every_bullet_kind_starts_a_block(bullet: str) -> None:
    assert tree(f"{bullet} alpha\n{bullet} beta\n") == [(0, "alpha"), (0, "beta")]


def test_bullet_kinds_can_be_mixed_in_one_outline() -> None:
    text = "- one\n* two\n+ three\n1. four\n2) five\n"
    assert tree(text) == [(0, "one"), (0, "two"), (0, "three"), (0, "four"), (0, "five")]


@pytest.mark.parametrize(
    "line", ["-no space", "*emphasis*", "1.5 is a number", "+1 vote", "-- dash"]
)
def test_a_marker_without_a_space_is_text_not_a_bullet(line: str) -> None:
    note = parse_note(f"{line}\n")
    assert [b.text for b in note.blocks] == [line]  # a top-level paragraph
    assert note.blocks[0].children == []


def test_an_empty_bullet_makes_an_empty_block() -> None:
    note = parse_note("-\n- \n- real\n")
    assert [b.text for b in note.blocks] == ["", "", "real"]


def test_block_line_numbers_are_one_based_first_lines() -> None:
    text = "intro\n\n- a\n  more a\n\t- b\n- c\n"
    blocks = [b for b, _ in iter_blocks(parse_note(text).blocks)]
    assert [(b.text.split("\n")[0], b.line) for b in blocks] == [
        ("intro", 1),
        ("a", 3),
        ("b", 5),
        ("c", 6),
    ]


# --- nesting -------------------------------------------------------------------

OUTLINE = [(0, "a"), (1, "b"), (2, "c"), (1, "d"), (0, "e")]


@pytest.mark.parametrize(
    "unit", ["\t", "  ", "    ", "   "], ids=["tabs", "2 spaces", "4 spaces", "3 spaces"]
)
def test_nesting_follows_indentation(unit: str) -> None:
    text = "".join(f"{unit * depth}- {word}\n" for depth, word in OUTLINE)
    assert tree(text) == OUTLINE


def test_mixed_tabs_and_spaces_nest_by_columns() -> None:
    # a tab is 4 columns: `\t` and 4 spaces are one level, 8 spaces is the next one
    text = "- a\n\t- b\n        - c\n    - d\n- e\n"
    assert tree(text) == OUTLINE


def test_tab_then_spaces_nests_under_the_tab_level() -> None:
    text = "- a\n\t- b\n\t  - c\n\t- d\n- e\n"
    assert tree(text) == OUTLINE


def test_ordered_items_nest_under_their_content() -> None:
    text = "1. a\n   1. b\n      - c\n   2. d\n2. e\n"
    assert tree(text) == OUTLINE


def test_a_deeper_first_child_and_a_shallower_return() -> None:
    # jumping in by 6 columns is one level; coming back to 2 columns is a sibling of b
    text = "- a\n      - b\n  - c\n"
    assert tree(text) == [(0, "a"), (1, "b"), (1, "c")]


def test_children_and_ancestors() -> None:
    note = parse_note("- a\n  - b\n    - c\n")
    a = note.blocks[0]
    assert [c.text for c in a.children] == ["b"]
    pairs = [(b.text, [x.text for x in anc]) for b, anc in iter_blocks(note.blocks)]
    assert pairs == [("a", []), ("b", ["a"]), ("c", ["a", "b"])]


# --- continuation lines ----------------------------------------------------


def test_indented_lines_continue_their_block() -> None:
    text = "- first line\n  second line\n\t- child\n\t  child continues\n- next\n"
    assert tree(text) == [
        (0, "first line\nsecond line"),
        (1, "child\nchild continues"),
        (0, "next"),
    ]


def test_a_lazy_line_continues_the_block_above() -> None:
    assert tree("- first\nlazy second\n") == [(0, "first\nlazy second")]


def test_a_blank_line_then_indented_text_stays_in_the_block() -> None:
    assert tree("- a\n\n  after blank\n") == [(0, "a\n\nafter blank")]


def test_a_blank_line_then_unindented_text_starts_a_paragraph() -> None:
    assert tree("- a\n\nnot under a\n") == [(0, "a"), (0, "not under a")]


def test_top_level_paragraphs_are_blocks() -> None:
    text = "Para one\nstill one\n\nPara two\n"
    assert tree(text) == [(0, "Para one\nstill one"), (0, "Para two")]


def test_a_thematic_break_ends_the_outline_and_is_no_text() -> None:
    text = "- a\n---\n- b\n***\nafter\n"
    assert tree(text) == [(0, "a"), (0, "b"), (0, "after")]


# --- headings ------------------------------------------------------------------


def test_markdown_headings_are_context_for_what_follows() -> None:
    note = parse_note("# Book\n## Part 1\n- a\n## Part 2\n- b\n### Deep\n- c\n# Next\n- d\n")
    assert [(b.text, b.headings) for b in note.blocks] == [
        ("a", ("Book", "Part 1")),
        ("b", ("Book", "Part 2")),
        ("c", ("Book", "Part 2", "Deep")),
        ("d", ("Next",)),
    ]


def test_a_heading_is_not_a_block_and_closes_the_outline() -> None:
    note = parse_note("- a\n  - b\n## Later\n  - c\n")
    assert [b.text for b in note.blocks] == ["a", "c"]
    assert note.blocks[1].headings == ("Later",)


def test_closing_hashes_and_empty_headings() -> None:
    note = parse_note("## Title ##\n- a\n#\n- b\n")
    assert note.blocks[0].headings == ("Title",)
    assert note.blocks[1].headings == ()  # an empty level-1 heading clears the context


def test_a_hash_without_a_space_is_a_tag_not_a_heading() -> None:
    note = parse_note("#tag line\n- a\n")
    assert [b.text for b in note.blocks] == ["#tag line", "a"]
    assert note.blocks[1].headings == ()


def test_a_logseq_heading_block_is_a_block_marked_as_heading() -> None:
    note = parse_note("- ## Usage\n\t- run it\n- plain\n")
    usage, plain = note.blocks
    assert usage.is_heading and not plain.is_heading
    assert usage.text == "## Usage"
    assert [c.text for c in usage.children] == ["run it"]


# --- fenced code ------------------------------------------------------------------


@pytest.mark.parametrize("fence", ["```", "~~~", "````"])
def test_fenced_code_belongs_to_its_block_verbatim(fence: str) -> None:
    text = f"- example\n  {fence}python\n  - not a bullet\n  key:: not a property\n\n  # not a heading\n      indented\n  {fence}\n  after\n- next\n"
    blocks = [b for b, _ in iter_blocks(parse_note(text).blocks)]
    assert [b.text.split("\n")[0] for b in blocks] == ["example", "next"]
    example = blocks[0]
    assert example.lines == [
        "example",
        f"{fence}python",
        "- not a bullet",
        "key:: not a property",
        "",
        "# not a heading",
        "    indented",
        fence,
        "after",
    ]
    assert example.code == [(1, 8)]
    assert example.properties == {}


def test_a_fence_can_open_on_the_bullet_line() -> None:
    block = only("- ```\n  **x**\n  ```\n")
    assert block.lines == ["```", "**x**", "```"]
    assert block.code == [(0, 3)]


def test_a_shorter_or_other_fence_does_not_close() -> None:
    block = only("- a\n  ````\n  ```\n  ~~~\n  ````\n")
    assert block.code == [(1, 5)]


def test_inline_triple_backticks_do_not_open_a_fence() -> None:
    assert tree("- use ```code``` here\n- next\n") == [(0, "use ```code``` here"), (0, "next")]


def test_an_unclosed_fence_ends_with_its_bullet() -> None:
    text = "- a\n  ```\n  code\n- b\n"
    assert tree(text) == [(0, "a\n```\ncode"), (0, "b")]
    assert parse_note(text).blocks[0].code == [(1, 3)]


def test_an_unclosed_top_level_fence_runs_to_the_end() -> None:
    note = parse_note("```\n- not a bullet\n")
    assert [b.lines for b in note.blocks] == [["```", "- not a bullet"]]
    assert note.blocks[0].code == [(0, 2)]


# --- metadata -----------------------------------------------------------------------


def test_yaml_front_matter_is_metadata_not_blocks() -> None:
    note = parse_note("---\ntitle: Notes\ntags: [ml, systems]\n---\n- a\n")
    assert note.metadata == {"title": "Notes", "tags": ["ml", "systems"]}
    assert note.tags == ["ml", "systems"]
    assert tree("---\ntitle: Notes\n---\n- a\n") == [(0, "a")]
    assert note.blocks[0].line == 5  # lines are counted in the file, front matter included


@pytest.mark.parametrize(
    ("front", "tags"),
    [
        ("tags: ml, systems", ["ml", "systems"]),
        ("tags:\n  - ml\n  - '#systems'", ["ml", "systems"]),
        ("tags: ml", ["ml"]),
        ("tags: []", []),
        ("title: none", []),
    ],
)
def test_front_matter_tags_spellings(front: str, tags: list[str]) -> None:
    assert parse_note(f"---\n{front}\n---\n- a\n").tags == tags


def test_empty_front_matter() -> None:
    note = parse_note("---\n---\n- a\n")
    assert note.metadata == {} and [b.text for b in note.blocks] == ["a"]


def test_logseq_page_properties_are_metadata() -> None:
    note = parse_note(
        "title:: My Page\ntags:: [[Machine Learning]], #mlops, books\nalias:: mp\n\n- a\n"
    )
    assert note.metadata == {
        "title": "My Page",
        "tags": "[[Machine Learning]], #mlops, books",
        "alias": "mp",
    }
    assert note.tags == ["Machine Learning", "mlops", "books"]
    assert tree("title:: My Page\n\n- a\n") == [(0, "a")]


def test_property_lines_after_content_are_not_page_properties() -> None:
    note = parse_note("Some intro\nkey:: value\n")
    assert note.metadata == {}
    assert [b.text for b in note.blocks] == ["Some intro\nkey:: value"]


def test_block_properties_are_kept_out_of_the_text() -> None:
    text = "- question\n  collapsed:: true\n  id:: 64f0-aa\n  card-last-score:: 5\n  card-next-schedule:: 2024-01-01T00:00:00.000Z\n\t- child\n\t  Tags:: x\n"
    note = parse_note(text)
    question = note.blocks[0]
    assert question.text == "question"
    assert question.properties == {
        "collapsed": "true",
        "id": "64f0-aa",
        "card-last-score": "5",
        "card-next-schedule": "2024-01-01T00:00:00.000Z",
    }
    child = question.children[0]
    assert child.text == "child" and child.properties == {"tags": "x"}


def test_a_bullet_that_is_only_a_property_has_no_text() -> None:
    block = only("- id:: 123\n")
    assert block.text == "" and block.properties == {"id": "123"}


def test_a_property_with_no_value() -> None:
    block = only("- a\n  empty::\n")
    assert block.text == "a" and block.properties == {"empty": ""}


# --- line endings, BOM, bad input -------------------------------------------------


def test_crlf_and_bom_read_like_lf() -> None:
    lf = "---\ntags: [x]\n---\n# H\n- a **b**\n  more\n\t- c\n"
    for variant in (
        lf.replace("\n", "\r\n").encode(),
        b"\xef\xbb\xbf" + lf.encode(),
        b"\xef\xbb\xbf" + lf.replace("\n", "\r\n").encode(),
        lf.replace("\n", "\r").encode(),
        "\ufeff" + lf.replace("\n", "\r\n"),
    ):
        note = parse_note(variant)
        assert note.tags == ["x"]
        assert tree(variant) == tree(lf) == [(0, "a **b**\nmore"), (1, "c")]
        assert [b.line for b, _ in iter_blocks(note.blocks)] == [5, 7]


def test_line_count_counts_lines_not_newlines() -> None:
    assert parse_note("").line_count == 0
    assert parse_note("- a").line_count == 1
    assert parse_note("- a\n").line_count == 1
    assert parse_note("- a\n\n").line_count == 2
    assert parse_note("---\nx: 1\n---\n- a\n- b\n").line_count == 5


def test_non_utf8_is_an_error_naming_the_line() -> None:
    with pytest.raises(NoteError) as err:
        parse_note(b"- ok\n- caf\xe9\n", "notes/x.md")
    assert (err.value.path, err.value.line) == ("notes/x.md", 2)
    assert "UTF-8" in err.value.reason
    assert str(err.value).startswith("notes/x.md:2: ")


def test_nul_bytes_are_an_error_naming_the_line() -> None:
    with pytest.raises(NoteError) as err:
        parse_note(b"- a\n- b\n- c\x00\n", "bin.md")
    assert (err.value.path, err.value.line) == ("bin.md", 3)
    assert "NUL" in err.value.reason


def test_broken_yaml_front_matter_is_an_error_naming_the_line() -> None:
    with pytest.raises(NoteError) as err:
        parse_note("---\ntitle: ok\ntags: [a, b\n---\n- a\n", "y.md")
    assert err.value.path == "y.md"
    assert err.value.line in (3, 4)  # the open list, reported where YAML notices it
    assert "front matter" in err.value.reason


@pytest.mark.parametrize("front", ["---\n- a\n- b\n---\n", "---\njust text\n---\n"])
def test_front_matter_that_is_not_a_mapping_is_an_error(front: str) -> None:
    with pytest.raises(NoteError, match="front matter"):
        parse_note(front + "- a\n")


def test_unclosed_front_matter_is_an_error() -> None:
    with pytest.raises(NoteError) as err:
        parse_note("---\ntitle: x\n- a\n", "u.md")
    assert err.value.line == 1 and "never closed" in err.value.reason


def test_unreadable_file_is_an_error_naming_the_path(tmp_path) -> None:
    missing = tmp_path / "gone.md"
    with pytest.raises(NoteError) as err:
        read_note(missing)
    assert err.value.path == str(missing) and err.value.line is None
    assert "cannot be read" in err.value.reason


def test_read_note_reads_bytes_from_disk(tmp_path) -> None:
    path = tmp_path / "n.md"
    path.write_bytes(b"\xef\xbb\xbf- a\r\n\t- b\r\n")
    note = read_note(path)
    assert note.path == str(path)
    assert [(len(a), b.text) for b, a in iter_blocks(note.blocks)] == [(0, "a"), (1, "b")]


# --- scale: deep nesting and long lines -----------------------------------------------


@pytest.mark.parametrize("unit", ["\t", "  "])
def test_300_levels_of_nesting_without_recursion(unit: str) -> None:
    text = "".join(f"{unit * i}- level {i}\n" for i in range(300))
    pairs = list(iter_blocks(parse_note(text).blocks))
    assert [(len(a), b.text) for b, a in pairs] == [(i, f"level {i}") for i in range(300)]


def test_5000_levels_of_nesting() -> None:
    text = "".join(f"{' ' * i}- {i}\n" for i in range(5000))
    deepest, ancestors = list(iter_blocks(parse_note(text).blocks))[-1]
    assert deepest.text == "4999" and len(ancestors) == 4999


def test_a_5_mb_line(steps) -> None:
    line = "- " + "word " * 1_000_000
    text = line + "\n  continued\n- next\n"
    note = parse_note(text)
    assert steps(lambda: parse_note(text)) < 1_000  # line by line, never character by character
    assert [len(b.text) for b in note.blocks] == [len(line) - 3 + len("\ncontinued"), 4]


# --- properties of the reader --------------------------------------------------------


def _check_tree(text: str) -> None:
    note = parse_note(text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for block, ancestors in iter_blocks(note.blocks):
        assert 1 <= block.line <= max(note.line_count, 1)
        assert all(a.line < block.line for a in ancestors)
        for start, end in block.code:
            assert 0 <= start < end <= len(block.lines)
        assert "\n" not in "".join(block.properties)
    assert note.line_count <= len(lines)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_the_reader_never_raises_on_arbitrary_text(text: str) -> None:
    """Any text is read; only front matter (text starting with '---') can be refused."""
    try:
        _check_tree(text)
    except NoteError:
        assert text.lstrip("\ufeff").startswith("---")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary())
def test_the_reader_refuses_bad_bytes_only_with_a_note_error(raw: bytes) -> None:
    try:
        note = parse_note(raw, "b.md")
    except NoteError as err:
        assert err.path == "b.md" and err.reason
    else:
        assert isinstance(note.blocks, list)


_PIECES = st.sampled_from(
    [
        "- ", "* ", "+ ", "1. ", "2) ", "\t", "  ", "    ", " ", "#", "## ", "```", "~~~",
        "key:: value", "collapsed:: true", "---", "**", "__", "==", "{{cloze ", "{{c1::",
        "}}", " \\\\ ", "`", "[[", "]]", "#card", "word", "two words", "\n", "\n", "\n",
        "\r\n", "\ufeff", "é", "\\",
    ]
)  # fmt: skip


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_the_reader_never_raises_on_outline_shaped_text(text: str) -> None:
    try:
        _check_tree(text)
    except NoteError:
        assert text.lstrip("\ufeff").startswith("---")


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.sampled_from(["\t", "  ", "    "]), st.sampled_from("-*+")),
        min_size=1,
        max_size=30,
    )
)
def test_a_consistently_indented_outline_nests_exactly(rows) -> None:
    """Depths that never jump more than one level in are read back exactly."""
    unit = rows[0][1]
    depths: list[int] = []
    for wanted, _, _ in rows:
        depths.append(min(wanted, depths[-1] + 1) if depths else 0)
    text = "".join(
        f"{unit * d}{bullet} item {i}\n"
        for i, (d, (_, _, bullet)) in enumerate(zip(depths, rows, strict=True))
    )
    assert tree(text) == [(d, f"item {i}") for i, d in enumerate(depths)]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, max_size=60).map("".join))
def test_in_order_is_iter_blocks_without_ancestors(text: str) -> None:
    """`Note.in_order` (the walk the Logseq passes and the schedules share) is the same
    blocks, the same objects, in the same order as `iter_blocks`."""
    try:
        note = parse_note(text)
    except NoteError:
        return
    walked = [block for block, _ in iter_blocks(note.blocks)]
    assert [id(b) for b in note.in_order()] == [id(b) for b in walked]
    assert note.in_order() is note.in_order()  # worked out once
    assert len(walked) == note.block_count


@settings(max_examples=2000)
@given(st.text(alphabet="-*_ \tab", min_size=1, max_size=12))
def test_a_thematic_break_ends_with_its_mark(line: str) -> None:
    """The reader tries `_HRULE` only on lines whose last character is their first
    (or a space): no line that does not fails to be seen."""
    from flashcards.notes.outline import _HRULE

    content = line.lstrip(" \t")
    if content and content[0] in "-*_" and _HRULE.match(content):
        assert content[-1] == content[0] or content[-1] in " \t"
