"""The HTML fast paths' test of what they cannot render, asked as three cheap
questions, says what the one pattern it replaced said, on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from flashcards.export import render

# the pattern the fast paths used to search (math, comments, strike, tables, quotes,
# embeds): the reference
ONE_PATTERN = re.compile(r"[$%~|^]|!\[|^\s*(?:[-*+]\s+)?>", re.MULTILINE)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab $%~|^![>-*+ \t\n", max_size=30))
def test_slow_says_what_the_one_pattern_said(text):
    assert render.is_slow(text) == bool(ONE_PATTERN.search(text))


def test_the_cases_one_by_one():
    for text, slow in [
        ("plain **words**", False),
        ("a $x$ formula", True),
        ("an ![](img.png) image", True),
        ("a > b inside a line", False),
        ("> a quote", True),
        ("- > a quoted item", True),
        ("text\n  > quote on a later line", True),
        ("a ! and a [ apart", False),
    ]:
        assert render.is_slow(text) is slow, text
