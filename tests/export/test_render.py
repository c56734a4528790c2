"""Card text → Anki HTML: the fast paths render exactly what markdown-it renders."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashcards.export.render import (
    _cloze_html_any,
    _fast_inline,
    _fast_outline,
    _fast_paragraph,
    _markdown,
    back_extra_html,
    cloze_html,
    to_html,
)

INLINE = st.text(alphabet='ab1 é*_=`[]{}:\\<>&#;"-.!c\t', max_size=30)


@settings(max_examples=400, deadline=None)
@given(INLINE)
def test_fast_inline_agrees_with_markdown_it(text):
    fast = _fast_inline(text)
    if fast is not None:
        assert fast == _markdown().renderInline(text)


@st.composite
def outlines(draw):
    """A `- item` outline as a card's back writes its children."""
    items = draw(st.lists(st.tuples(st.integers(0, 3), INLINE), min_size=1, max_size=8))
    lines, depth = [], -1
    for level, text in items:
        level = min(level, depth + 1)
        depth = level
        lines.append("  " * level + "- " + (text or "x"))
    return "\n".join(lines)


@settings(max_examples=300, deadline=None)
@given(outlines())
def test_fast_outline_agrees_with_markdown_it(markdown):
    fast = _fast_outline(markdown)
    if fast is not None:
        assert fast == _markdown().render(markdown).strip()


def test_common_card_text_takes_the_fast_path():
    text = "you should use **complex patterns** from ==existing data== with `code` and [[MLOps]]"
    assert _fast_inline(text) == (
        "you should use <strong>complex patterns</strong> from <mark>existing data</mark> "
        "with <code>code</code> and MLOps"
    )
    outline = "- **learning** - it needs\n  - keep in mind\n- **existing data** - can't"
    assert _fast_outline(outline) is not None


def test_html_in_notes_is_escaped_on_every_path():
    assert to_html('<b>x</b> & "y"') == "&lt;b&gt;x&lt;/b&gt; &amp; &quot;y&quot;"
    assert "<script>" not in to_html("- <script>alert(1)</script>\n- **x**")
    assert "<img" not in to_html('text <img src=x onerror="alert(1)"> **x**')


def test_cloze_markers_survive_rendering():
    assert cloze_html("The {{c1::mitochondria::an organelle}} is **key**") == (
        "The {{c1::mitochondria::an organelle}} is <strong>key</strong>"
    )
    # emphasis across the marker's edge would split it: plain escaped text keeps it
    assert "{{c1::a*b}}" in cloze_html("x *y {{c1::a*b}} z*")


@settings(max_examples=300, deadline=None)
@given(INLINE, INLINE, st.one_of(st.none(), INLINE), INLINE)
def test_every_cloze_marker_reaches_anki(before, answer, hint, after):
    answer = answer.replace("}", "").replace(":", "") or "x"
    hint = hint.replace("}", "").replace(":", "") if hint else None
    marker = "{{c1::" + answer + (f"::{hint}" if hint else "") + "}}"
    rendered = cloze_html(before.replace("{", "") + marker + after.replace("{", ""))
    assert rendered.count("{{c1::") == 1
    assert rendered.count("}}") >= 1


@settings(max_examples=300, deadline=None)
@given(st.lists(INLINE, min_size=2, max_size=5))
def test_fast_paragraph_agrees_with_markdown_it(lines):
    markdown = "\n".join(lines)
    fast = _fast_paragraph(markdown)
    if fast is not None:
        assert fast == _markdown().render(markdown).strip()


def test_a_block_over_several_lines_takes_the_fast_path():
    assert _fast_paragraph("a **b** c\n  on a second `line`") == (
        "<p>a <strong>b</strong> c<br />\non a second <code>line</code></p>"
    )


@settings(max_examples=300, deadline=None)
@given(INLINE, INLINE, st.one_of(st.none(), INLINE), INLINE)
def test_one_marker_path_agrees_with_the_general_path(before, answer, hint, after):
    answer = answer.replace("}", "").replace(":", "") or "x"
    hint = hint.replace("}", "").replace(":", "") if hint else None
    cloze = before + "{{c1::" + answer + (f"::{hint}" if hint else "") + "}}" + after
    assert cloze_html(cloze) == _cloze_html_any(cloze)


def test_private_use_characters_in_a_note_are_kept_beside_markers():
    # the general path marks set-aside markers with private-use characters
    text = "x \ue0007\ue001 {{c1::a}} **b**"
    assert cloze_html(text) == "x \ue0007\ue001 {{c1::a}} <strong>b</strong>"


def test_back_extra_is_the_childrens_outline():
    assert back_extra_html("- child\n  - grandchild") == to_html("- child\n  - grandchild")
    assert back_extra_html("") == ""


# pieces that make spans meet their own markers, a link after a `[[link]]`, ...
SPAN_PIECES = st.lists(
    st.sampled_from(["**", "==", "=", "*", "[[", "]]", "(", ")", "`", "a", "b", " ", "url", "é"]),
    max_size=10,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(SPAN_PIECES)
@example("[[a]](url)")
@example("==a===")
@example("**a****b**")
def test_fast_inline_agrees_with_markdown_it_where_spans_meet(text):
    fast = _fast_inline(text)
    if fast is not None:
        assert fast == _markdown().renderInline(text)


def test_spans_beside_their_own_markers_render_as_markdown_it_does():
    for text in ("[[a]](url)", "==a===", "**a****b**", "x ==a=== y", "see [[a]](url) now"):
        assert to_html(text) == _markdown().renderInline(text), text
        assert to_html(f"- {text}\n  - child") == _markdown().render(f"- {text}\n  - child").strip()
