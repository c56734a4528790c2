"""Simple inline text renders without markdown-it to exactly the spans markdown-it gives."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from flashcards.notes import render
from flashcards.notes import simple_spans as simple_spans_module
from flashcards.notes.simple_spans import simple_spans

# pieces of card text, markup among them, so that the fast path meets every neighbour
PIECES = [
    "a", "b", "word", "1", "é", " ", "  ", "\n", "\t", ".", ",", "?", "(", ")", "-", "- ",
    "#", "!", "|", ":", "'", '"', "\ue000", "{{", "}}",
    "**", "*", "***", "==", "=", "===", "`", "``", "[[", "]]", "[", "]", "_", "__",
    "~", "$", "&", "<", "\\",
    "**a**", "**two words**", "==m==", "`c`", "` c `", "[[p]]", "[[ p ]]", "[[p|q]]",
]  # fmt: skip
TEXT = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)
SPAN_PIECES = ["**term**", "==mark==", "`code x`", "[[link]]", "**a b**", "x", " and ", "\n"]
SPANS = st.lists(st.sampled_from(SPAN_PIECES + PIECES[:20]), max_size=10).map("".join)


def markdown_it(text: str) -> list[render.Span]:
    return [s for s in render.parsed_inline(text) if s.text]


def fast(text: str) -> list[render.Span] | None:
    found = simple_spans(text, render.STRONG, render.MARK, render.CODE, render.REF)
    return None if found is None else [render.Span._make(p) for p in found]


@settings(max_examples=1500, deadline=None)
@given(st.one_of(TEXT, SPANS))
@example("**a****b**")  # one run of four asterisks: markdown-it reads `a****b` as strong
@example("==a=== x")  # a run of three: the third `=` is inside the highlight
@example("[[a]](url) x")  # a link whose text is `[a]`
@example("`a``b`")
@example("**a**b**c**")
def test_simple_spans_agree_with_markdown_it(text):
    found = fast(text)
    if found is not None:
        assert found == markdown_it(text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(TEXT, SPANS), min_size=1, max_size=4).map("\n".join))
def test_a_block_renders_the_same_either_way(text):
    # whole blocks (lines, quotes, tables, the last line break dropped), not one run of text
    _forget()
    with_fast = render.spans(text), render.plain(text)
    _forget()
    with pytest.MonkeyPatch.context() as m:
        m.setattr(render, "simple_spans", lambda *args: None)
        m.setattr(render, "simple_block", lambda *args: None)
        assert (render.spans(text), render.plain(text)) == with_fast
    _forget()


def _forget() -> None:
    render._cached.cache_clear()
    render._plain_cached.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "you should use **complex patterns** from ==existing data== with `code` and [[MLOps]]",
        "- model data\n- a note with `code 1-2-3` and a [[link 3]] cache",
        "What is question 4-5-6? #card",
        "the \ue000 is **answer 1** here",
    ],
)
def test_common_card_text_skips_markdown_it(text):
    assert fast(text) == markdown_it(text)


# the patterns the two questions were asked with before: the reference
UNSAFE_PATTERN = re.compile(r"[\\<>&~$\r\0]|!\[")
LEFTOVER_PATTERN = re.compile(r"[*_`\[\]=]")


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="ab \\<>&~$\r\0![]*_`=é\n", max_size=20) | TEXT)
def test_the_two_questions_asked_with_in_say_what_their_patterns_said(text):
    assert simple_spans_module._unsafe(text) == bool(UNSAFE_PATTERN.search(text))
    assert simple_spans_module._leftover(text) == bool(LEFTOVER_PATTERN.search(text))


@settings(max_examples=2000, deadline=None)
@given(st.one_of(TEXT, SPANS))
@example("**a**\n")
@example("\n")
@example("**a** [[ b ]]")
@example("==a====b==")
def test_a_block_texts_plain_text_is_its_pieces_texts(text):
    pieces = simple_spans_module.simple_block(
        text, render.STRONG, render.MARK, render.CODE, render.REF
    )
    expected = None if pieces is None else "".join(p[0] for p in pieces)
    assert simple_spans_module.simple_block_text(text) == expected


@settings(max_examples=2000, deadline=None)
@given(st.one_of(TEXT, SPANS, st.text(st.sampled_from("ab \n\r\0|%*=`[]<"), max_size=8)))
@example("\n")
@example("a\r")
@example("**a**\n")
@example("x | y")
def test_a_text_rendered_once_is_its_plain_text(text):
    assert render.plain_once(text) == render.plain(text)


def test_a_text_rendered_once_skips_the_cache(monkeypatch):
    def cached(text: str) -> str:
        raise AssertionError("rendered through the cache")

    monkeypatch.setattr(render, "_plain_cached", cached)
    assert render.plain_once("- a `b` and [[c]]\n- **d**") == "- a b and c\n- d"


@settings(max_examples=2000, deadline=None)
@given(st.one_of(TEXT, st.text(max_size=12)))
@example("a\\b")
@example("!")
def test_text_as_written_is_text_the_markup_class_finds_nothing_in(text):
    assert render.as_written(text) == (render._MARKUP.search(text) is None)
