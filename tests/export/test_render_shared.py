"""A block's cloze cards share one rendering of the text around their deletions, and each
still gets exactly the HTML its own cloze text renders to."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashcards.export import render_shared
from flashcards.export.job import ExportCard
from flashcards.export.render import cloze_html
from flashcards.export.render_shared import card_cloze_html
from flashcards.notes.inline import find_deletions

# words, deletions of every kind, and the markup that could meet them
PIECES = st.lists(
    st.sampled_from(
        [
            "**term**",
            "**two words**",
            "==mark==",
            "{{cloze hidden}}",
            "{{cloze **bold** \\\\ cue}}",
            "{{c1::anki::hint}}",
            "`code`",
            "[[link]]",
            "[[page|alias]]",
            "a",
            "b",
            " ",
            "é",
            "**",
            "==",
            "=",
            "*",
            "_",
            "`",
            "[",
            "]]",
            "(url)",
            "&",
            "&amp;",
            "<b>",
            '"',
            "$x$",
            "\ue000",
            "}}",
            "::",
            "- ",
            "\n",
        ]
    ),
    max_size=12,
).map("".join)


# mostly what notes hold: words between deletions, code and links (the shared path)
PROSE = st.lists(
    st.sampled_from(
        ["**term**", "**two words**", "==mark==", "{{cloze hidden}}", "`code`", "[[link]]"]
        + ["word", "é", "and", "&", '"', "=", "x=y", "{{c1::anki::hint}}", "*", "$"]
    ),
    max_size=8,
).map(" ".join)


def _card(body: str, hidden: tuple[int, ...]) -> ExportCard:
    marks = tuple(find_deletions(body))
    return ExportCard(
        1, "g", "d", "h", "cloze", "/n/a.md", 1, 0, body, body, hidden, "", "active", "",
        marks, [], [],
    )  # fmt: skip


@settings(max_examples=1500, deadline=None)
@given(st.one_of(PIECES, PROSE), st.data())
@example("say **a** and **b** then ==c==", None)
@example("**a** {{cloze **b**}} `**c**`", None)
@example("**a**\ue000 **b**", None)
def test_each_card_gets_the_html_of_its_own_cloze_text(body, data):
    marks = find_deletions(body)
    cards = [(i,) for i in range(len(marks))]
    if data is not None and len(marks) > 1:
        cards.append(tuple(data.draw(st.sets(st.integers(0, len(marks) - 1), min_size=2))))
    for hidden in cards:
        card = _card(body, hidden)
        assert card_cloze_html(card) == cloze_html(card.cloze), (body, hidden)


def test_the_cards_of_a_block_render_its_text_once():
    render_shared._shared_text.cache_clear()
    render_shared._block_cloze_html.cache_clear()
    body = "the **first** and the **second** beside ==a third== in `code` and [[a link]]"
    htmls = [card_cloze_html(_card(body, (i,))) for i in range(3)]
    assert htmls[0] == (
        "the {{c1::first}} and the <strong>second</strong> beside <mark>a third</mark> "
        "in <code>code</code> and a link"
    )
    assert htmls == [cloze_html(_card(body, (i,)).cloze) for i in range(3)]
    # the block's text rendered once, for its three cards' HTML, worked out together
    info = render_shared._shared_text.cache_info()
    assert (info.misses, info.hits) == (1, 0)
    info = render_shared._block_cloze_html.cache_info()
    assert (info.misses, info.hits) == (1, 2)
