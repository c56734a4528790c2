"""Card text rendered as a plain reader sees it (issue 12, items 4 and 6).

One small notes file per rule under fixtures/render/; each test reads it the way
`flashcards cards --json` does and pins the front and back a reader sees.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards import faces
from flashcards.notes import math, render
from flashcards.notes.inline import find_deletions
from flashcards.reading import extract_paths

FIXTURES = Path(__file__).parent / "fixtures" / "render"


def _cards(name: str) -> dict[str, dict[str, object]]:
    cards = extract_paths([FIXTURES / name]).cards
    return {
        c.answers[0]: {**c.to_json(), "crumbs": faces.crumbs(c.context, c.answers)} for c in cards
    }


def test_links_show_their_text_and_bare_urls_stay():
    card = _cards("link.md")["borrow checker"]
    assert card["front"] == "The [...] is explained in the Rust book and at https://rust-lang.org"
    assert (
        card["back"]
        == "The borrow checker is explained in the Rust book and at https://rust-lang.org"
    )
    link = next(
        s for s in render.spans("see [the Rust book](https://x.org/b)") if s.text == "the Rust book"
    )
    assert link.styles == (render.LINK,) and link.target == "https://x.org/b"


def test_images_are_placeholders_that_keep_their_target():
    card = _cards("image.md")["mitochondrion"]
    assert card["front"] == "A [...] looks like [image: mito.png] or [image: organelle.png]"
    images = [
        s
        for s in render.spans("![a cell](attachments/cells/mito.png) ![[b.png|300]]")
        if render.IMAGE in s.styles
    ]
    assert [s.target for s in images] == ["attachments/cells/mito.png", "b.png"]
    assert render.plain("![[Other note]]") == "[embed: Other note]"


def test_wiki_links_show_their_alias_or_page():
    card = _cards("wikilink.md")["chloroplast"]
    assert card["front"] == "Making sugar happens in the [...] of a Plant cell"


def test_pipe_tables_are_aligned_columns():
    card = _cards("table.md")["noble gases"]
    assert card["back"] == (
        "The noble gases are inert:\ngas    │ symbol\n───────┼───────\nHelium │ He\nNeon   │ Ne"
    )
    assert "|" not in card["front"]


def test_callouts_are_quoted_under_their_type_and_title():
    card = _cards("callout.md")["Krebs cycle"]
    assert (
        card["front"]
        == "The [...] runs in the matrix\nNote: Where it happens\n│ inside mitochondria"
    )
    assert render.plain("> just a quote") == "│ just a quote"


def test_footnotes_are_removed():
    card = _cards("footnote.md")["Treaty of Westphalia"]
    assert card["front"] == "The [...] was signed in 1648"
    assert card["back"] == "The Treaty of Westphalia was signed in 1648"


def test_comments_are_removed_and_make_no_card():
    cards = _cards("comment.md")
    assert set(cards) == {"hippocampus", "amygdala"}  # `**not a card**` sits in a comment
    assert cards["hippocampus"]["front"] == "The [...] stores memories"
    assert cards["amygdala"]["front"] == "A block about the [...] and fear"


def test_emphasis_and_strike_lose_their_markers_and_keep_their_styles():
    card = _cards("emphasis.md")["Darwin"]
    assert card["front"] == "The Origin of Species by [...] was 1858 1859, first edition"
    styles = {s.text: s.styles for s in render.spans("*a* _b_ ~~c~~ ==d== **e**")}
    assert styles == {
        "a": (render.EM,),
        "b": (render.EM,),
        "c": (render.STRIKE,),
        "d": (render.MARK,),
        "e": (render.STRONG,),
        " ": (),
    }


def test_inline_code_keeps_its_text():
    card = _cards("code.md")["keyword arguments"]
    assert card["front"] == "In Python **kwargs collects [...]"


def test_math_becomes_unicode_through_pylatexenc():
    card = _cards("math.md")["golden ratio"]
    assert "$" not in card["front"] and "\\" not in card["front"]
    assert "φ" in card["front"] and "√" in card["front"]
    assert "∑" in card["back"] and "π" in card["back"] and "∞" in card["back"]
    assert render.plain("costs $5 and $10") == "costs $5 and $10"  # money is not math


def test_amsmath_fractions_are_fractions():
    """`\\dfrac{7}{3}` reads 7/3, as `\\frac` does (pylatexenc alone gives `73`)."""
    card = _cards("fraction.md")["improper fraction"]
    assert "7/3" in card["front"] and "1/2" in card["front"]
    assert math.math_text(r"\cfrac{1}{2} = \frac{1}{2}") == "1/2 = 1/2"


def test_a_huge_formula_shows_as_written():
    formula = "x^{" * 3000 + "1" + "}" * 3000
    assert math.math_text(formula) == formula
    assert render.plain(f"see ${formula}$") == f"see {formula}"


def test_note_text_is_data_with_control_characters_kept_for_the_shells():
    # the renderer adds no markup of its own; the shells make control characters visible
    assert render.plain("[bold]x[/bold] \x1b[31m") == "[bold]x[/bold] \x1b[31m"


def test_the_breadcrumb_hides_the_answers_its_children_define():
    cards = _cards("breadcrumb.md")
    assert cards["learning"]["crumbs"] == [
        "you should use ML for: [...] of patterns, existing data"
    ]
    assert cards["existing data"]["crumbs"] == [
        "you should use ML for: learning of patterns, [...]"
    ]
    assert cards["learning"]["context"] == [
        "you should use ML for: learning of patterns, existing data"
    ]


def test_the_answer_is_hidden_wherever_else_it_stands_on_the_front():
    cards = _cards("echo.md")
    # case-insensitive, whole words only
    assert cards["Entropy"]["front"] == (
        "[...] never decreases: [...] of an isolated system grows, and [...] is a state function"
    )
    assert cards["Entropy"]["back"] == (
        "Entropy never decreases: entropy of an isolated system grows, and ENTROPY is a state function"
    )
    assert faces.crumbs(["entropyish and entropy"], ["entropy"]) == ["entropyish and [...]"]


def test_answers_too_short_to_match_safely_are_not_looked_for():
    assert faces.crumbs(["an ox in a box"], ["ox"]) == ["an ox in a box"]


# -- gaps stay where they were ------------------------------------------------------

WORDS = st.sampled_from(
    [
        "alpha",
        "beta",
        "[a link](http://x.org)",
        "*it*",
        "~~old~~",
        "`co de`",
        "$\\alpha$",
        "[[page|alias]]",
        "![[img.png]]",
        "[^1]",
        "%% note %%",
        "_em_",
        "==hi==",
        "x",
        "\n",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(WORDS, max_size=6),
    st.text(alphabet="abcdef ", min_size=1, max_size=8).filter(str.strip),
    st.lists(WORDS, max_size=6),
    st.sampled_from(["**{}**", "=={}==", "{{{{c1::{}}}}}", "{{{{cloze {}}}}}"]),
)
def test_the_gap_answer_stands_exactly_where_the_gap_was(before, answer, after, marker):
    answer = answer.strip()
    body = " ".join(before) + " " + marker.format(answer) + " " + " ".join(after)
    marks = find_deletions(body)
    own = [i for i, d in enumerate(marks) if d.answer == " ".join(answer.split())]
    if not own:
        return  # the marker did not make a deletion here (e.g. inside a comment)
    hidden = (own[0],)
    segments = faces.segments(body, marks, hidden)
    gaps = [s for s in segments if isinstance(s, faces.Gap)]
    assert len(gaps) == 1
    # the front with the gap's answer (as the back renders it) put in its place is the back
    filled = "".join(
        render.plain(s.shown) if isinstance(s, faces.Gap) else s.text for s in segments
    )
    assert filled == faces.back_text(body, marks, "")


def test_crumbs_hide_answers_in_any_case_ignorecase_folds():
    # crumbs look for an answer's pattern only where the context holds the answer at all
    # (casefolded): letters IGNORECASE treats as one (ſ/s, K/K) must still be hidden
    assert faces.crumbs(["ſpin states", "The \u212aELVIN scale"], ["spin", "kelvin"]) == [
        "[...] states",
        "The [...] scale",
    ]
    assert faces.crumbs(["Heat", "Cold"], ["spin", "Heat"]) == ["[...]", "Cold"]


def test_harmless_inline_html_shows_as_its_text_with_its_style():
    text = (
        "<u>under</u> <i>it</i> <b>bold</b> <s>gone</s> <mark>hi</mark> <kbd>Ctrl</kbd>"
        " <em>e</em> <strong>st</strong> <del>d</del> <ins>new</ins> <small>sm</small>"
    )
    assert render.plain(text) == "under it bold gone hi Ctrl e st d new sm"
    styles = {s.text: s.styles for s in render.spans(text) if s.text != " "}
    assert styles == {
        "under": (render.UNDERLINE,),
        "it": (render.EM,),
        "bold": (render.STRONG,),
        "gone": (render.STRIKE,),
        "hi": (render.MARK,),
        "Ctrl": (render.CODE,),
        "e": (render.EM,),
        "st": (render.STRONG,),
        "d": (render.STRIKE,),
        "new": (render.UNDERLINE,),
        "sm": (),
    }
    # nested in Markdown and around it, the styles add up
    assert {s.text: s.styles for s in render.spans("**a <u>b</u>** <i>*c*</i>")} == {
        "a ": (render.STRONG,),
        "b": (render.STRONG, render.UNDERLINE),
        " ": (),
        "c": (render.EM, render.EM),
    }


def test_br_is_a_line_break_and_sup_sub_are_unicode_where_it_has_the_characters():
    assert render.plain("one<br>two<br/>three<BR />four") == "one\ntwo\nthree\nfour"
    assert render.plain("H<sub>2</sub>O and E = mc<sup>2</sup>") == "H₂O and E = mc²"
    assert render.plain("x<sup>n+1</sup> and a<sub>(i-1)</sub>") == "xⁿ⁺¹ and a₍ᵢ₋₁₎"
    # no superscript for every character: the text as it is
    assert render.plain("the 5<sup>th</sup> of May, CO<sub>2aq</sub>") == "the 5th of May, CO2aq"


def test_inline_html_is_data_never_markup():
    # unknown tags, unbalanced ones and stray closers stay as written
    assert render.plain("<script>x</script> <div>d</div>") == "<script>x</script> <div>d</div>"
    assert render.plain("a <u>open and </i>closed") == "a <u>open and </i>closed"
    assert render.plain("<b>x <i>y</b> z</i>") == "x <i>y z</i>"
    # a tag's attributes are never shown or used; text inside stays literal
    assert render.plain('<span style="color:red">[bold]red[/bold]</span>') == "[bold]red[/bold]"
    assert render.plain("<b>\x1b[31mx</b>") == "\x1b[31mx"  # the shells make it visible
    # in code the tags are text
    assert render.plain("`<u>x</u>`") == "<u>x</u>"


def test_cards_show_inline_html_as_text(tmp_path):
    notes = tmp_path / "chem.md"
    notes.write_text("- Water is H<sub>2</sub>O, a <u>polar</u> **molecule**.<br>It boils.\n")
    (card,) = extract_paths([notes]).cards
    assert card.to_json()["front"] == "Water is H₂O, a polar [...].\nIt boils."
    assert card.to_json()["back"] == "Water is H₂O, a polar molecule.\nIt boils."
