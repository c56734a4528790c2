"""Logseq graphs read as Logseq shows them: references, chrome, macros, card tags, titles.

Each rule has a tiny graph of its own under fixtures/logseq-graphs/ (a
`logseq/config.edn`, `pages/`, and `journals/` where the rule needs one).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.cards import Card
from flashcards.notes import logseq
from flashcards.notes.graph import index_of_graph
from flashcards.notes.outline import parse_note
from flashcards.reading import extract_paths

GRAPHS = Path(__file__).parent / "fixtures" / "logseq-graphs"
POWERHOUSE = "The cell's powerhouse is the mitochondrion"


def cards_of(graph: str, path: str = "") -> tuple[list[Card], list[str]]:
    result = extract_paths([GRAPHS / graph / path])
    return result.cards, [str(w) for w in result.warnings]


def by_answer(cards: list[Card]) -> dict[str, Card]:
    return {c.answers[0] if c.answers else c.front: c for c in cards}


# -- block references and embeds ----------------------------------------------------


def test_a_block_reference_shows_the_referenced_blocks_text():
    cards, warnings = cards_of("refs", "journals")  # the page it points to is read for the index
    card = by_answer(cards)["ATP"]
    assert card.front == f"Recall: {POWERHOUSE} — it makes [...]"
    assert "((" not in card.back and warnings == []


def test_an_unresolved_reference_shows_a_placeholder_never_the_uuid():
    card = by_answer(cards_of("refs")[0])["kept"]
    assert card.front == "A block I deleted: [missing block] and [...]"
    assert "dead" not in card.back


def test_embeds_show_the_block_or_the_pages_text():
    cards = by_answer(cards_of("refs")[0])
    assert cards["cytoplasm"].front == "Same as Ribosomes make proteins in [...]"
    assert cards["biology"].front == (
        f"All of {POWERHOUSE}; Ribosomes make proteins is about [...]"
    )


def test_referenced_text_makes_no_deletion_where_it_is_shown():
    cards = cards_of("refs", "journals")[0]
    # `Ribosomes make **proteins**` is embedded twice; its card is the page's own only
    assert [c.answers for c in cards_of("refs", "pages")[0]] == [["proteins"]]
    assert all(c.answers != ["proteins"] for c in cards)


def test_a_link_to_a_block_shows_its_label_and_code_keeps_a_reference_as_written():
    cards = by_answer(cards_of("refs")[0])
    assert cards["labels"].front == "A link to it and [...]"
    assert cards["written"].front == (
        "Inline code keeps `((6401b0c2-aaaa-4bbb-8ccc-000000000001))` as [...]"
    )


def test_a_reference_counts_by_its_uuid_in_the_content_hash(tmp_path):
    graph = tmp_path / "g"
    shutil.copytree(GRAPHS / "refs", graph)
    before = by_answer(cards_of_path(graph))["ATP"]
    cells = graph / "pages" / "Cells.md"
    cells.write_text(cells.read_text().replace("powerhouse", "power plant"))
    after = by_answer(cards_of_path(graph))["ATP"]
    assert "power plant" in after.front and "powerhouse" in before.front
    assert after.content_hash == before.content_hash and after.block_hash == before.block_hash


def cards_of_path(path: Path) -> list[Card]:
    return extract_paths([path]).cards


def test_references_are_resolved_only_inside_a_logseq_graph(tmp_path):
    (tmp_path / "note.md").write_text(
        "- see ((6401b0c2-aaaa-4bbb-8ccc-000000000001)) about **cells**\n"
    )
    (card,) = cards_of_path(tmp_path)
    assert card.front == "see ((6401b0c2-aaaa-4bbb-8ccc-000000000001)) about [...]"


def test_nested_and_circular_references_are_bounded(tmp_path):
    (tmp_path / "logseq").mkdir()
    (tmp_path / "logseq" / "config.edn").write_text("{}\n")
    (tmp_path / "pages").mkdir()
    a, b = "6401b0c2-aaaa-4bbb-8ccc-00000000000a", "6401b0c2-aaaa-4bbb-8ccc-00000000000b"
    (tmp_path / "pages" / "loop.md").write_text(
        f"- A says (({b}))\n  id:: {a}\n- B says (({a}))\n  id:: {b}\n- top (({a})) **xenon**\n"
    )
    card = by_answer(cards_of_path(tmp_path))["xenon"]
    assert card.front.startswith("top A says B says") and "((" not in card.front


def test_the_graph_index_holds_ids_and_embedded_pages_only():
    index = index_of_graph(str(GRAPHS / "refs"))
    assert index["6401b0c2-aaaa-4bbb-8ccc-000000000001"] == POWERHOUSE
    assert "[[cells" in index  # embedded by the journal
    assert "[[2024-01-31" not in index  # embedded by nobody


# -- chrome: drawers, planning, task markers ----------------------------------------


def test_drawers_planning_lines_and_task_markers_are_not_card_text():
    cards = by_answer(cards_of("chrome")[0])
    krebs = cards["Krebs cycle"]
    assert krebs.front == "Review the [...]" and krebs.back == "Review the **Krebs cycle**"
    assert cards["electron transport chain"].back == (
        "The **electron transport chain** sits on the inner membrane"
    )
    assert cards["Glycolysis"].front == "[...] happens in the cytoplasm"
    assert cards["word"].front == "NOW is a marker; the [...] stays after it"  # one marker


def test_task_markers_do_not_change_a_cards_hash(tmp_path):
    graph = tmp_path / "g"
    shutil.copytree(GRAPHS / "chrome", graph)
    before = by_answer(cards_of_path(graph))["Krebs cycle"]
    page = graph / "pages" / "Tasks.md"
    page.write_text(page.read_text().replace("TODO [#A]", "DONE"))
    assert by_answer(cards_of_path(graph))["Krebs cycle"].content_hash == before.content_hash


# -- macros and #+BEGIN blocks -------------------------------------------------------


def test_macros_never_make_or_join_a_card_and_clozes_stay():
    cards = cards_of("macros")[0]
    assert [c.answers for c in cards] == [["not a card"], ["nucleus"], ["water"], ["chemistry"]]
    assert cards[0].front == "[...] stays as text around it"
    assert all("{{" not in c.front and "{{" not in c.back for c in cards)


def test_begin_blocks_show_their_content_src_is_code_and_queries_go():
    cards = by_answer(cards_of("macros")[0])
    assert cards["water"].back == "Osmosis moves **water**"
    assert cards["chemistry"].front == "Life is [...]"
    assert "not a deletion" not in cards and "TODO" not in cards
    note = parse_note((GRAPHS / "macros" / "pages" / "Macros.md").read_bytes(), "Macros.md")
    logseq.clean(note)
    src = next(b for b in note.blocks if b.lines and b.lines[0] == "Example code")
    assert src.lines == ["Example code", 'x = "**not a deletion**"'] and src.code == [(1, 2)]
    query = next(b for b in note.blocks if b.lines and b.lines[0] == "A query")
    assert query.lines == ["A query"]


# -- card tags -----------------------------------------------------------------------


def test_a_tags_card_property_is_the_same_as_the_card_tag():
    cards = cards_of("card-tag")[0]
    fronts = {c.front: c for c in cards}
    assert fronts["What does the mitochondrion make?"].back.endswith("- ATP")
    assert fronts["Where is the nucleus?"].kind == "basic"
    assert fronts["What is a [...]?"].kind == "basic"  # a cloze is something to reveal


def test_an_empty_card_block_makes_no_card_and_a_warning():
    cards, warnings = cards_of("card-tag")
    assert "Is this a question?" not in {c.front for c in cards}
    (warning,) = warnings
    assert warning.endswith(
        "Questions.md:7: is a #card block with nothing to reveal (no children, no cloze, "
        "no bold); add its answer as a child block"
    )


def test_a_card_block_with_only_bold_to_reveal_hides_its_bold():
    """`the **answer** #card` with no children and no cloze: the bold is the answer its
    author marked (junk bold still is not, and a block with none still warns)."""
    result = extract_paths([GRAPHS / "card-bold"])
    (card,) = result.cards
    assert (card.kind, card.front_text) == ("basic", "Enzymes [...] of a reaction.")
    assert "lower the activation energy" in card.back
    assert [(k.answer, k.rule) for k in result.skipped] == [("not", "emphasis")]
    assert [str(w).rsplit(":", 2)[-2] for w in result.warnings] == ["2", "3"]


# -- page titles ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("graph", "answer", "title"),
    [
        ("titles", "cell", "biology/cells"),  # `___` is `/`
        ("titles", "Metabolism", "What is life?"),  # %XX escapes
        ("titles", "Golgi", "Organelles of the cell"),  # title:: wins
        ("titles", "nucleolus", "2024-01-31"),  # a journal's date
        ("titles-legacy", "membrane", "biology/cells"),  # the old format: `.` is `/`
    ],
)
def test_the_page_title_is_the_breadcrumbs_root(graph, answer, title):
    assert by_answer(cards_of(graph)[0])[answer].context == [title]


def test_graph_root_is_found_above_a_file_and_not_outside_a_graph(tmp_path):
    assert logseq.graph_root(GRAPHS / "refs" / "journals" / "2024_01_31.md") == str(GRAPHS / "refs")
    (tmp_path / "plain.md").write_text("- x\n")
    assert logseq.graph_root(tmp_path / "plain.md") is None


_LINE_PIECES = st.sampled_from(
    [
        "TODO", "DOING", "DONE", "LATER", "NOW", "WAITING", "WAIT", "CANCELED", "IN-PROGRESS",
        "[#A]", "[#b]", "[#D]", "[", ":", ":LOGBOOK:", ":END:", "SCHEDULED:", "DEADLINE:",
        "{{", "}}", "#+", "#+BEGIN_SRC", " ", "\t", "\u00a0", "\u2003", "\x1c", "\x0b", "a",
        "word", "T", "D", "x:", "-", "\u2028",
    ]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.lists(_LINE_PIECES, max_size=6).map("".join), min_size=1, max_size=4))
def test_the_block_chrome_test_is_any_lines_chrome_test(lines: list[str]) -> None:
    """`clean` tests a block's lines at once: the same as testing each line."""
    assert logseq._has_chrome(lines) == any(logseq._chrome(line) for line in lines)
