"""The simple-block scan (notes/inline_simple.py) finds exactly what markdown-it finds.

Hypothesis writes blocks out of the pieces that change a parse (marker runs of every
length, clozes of both kinds, escapes, code spans, links, entities, HTML, flanking
punctuation and spaces, Logseq's `^^` runs); wherever the scan answers, its deletions and
plain text must be the parse's, for every set of enabled markers, Logseq's or not.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flashcards.notes.inline import (
    _TRIGGERS,
    _parse_inline,
    _parser,
    _plain_tokens,
    _scan_parsed,
    find_deletions,
    has_trigger,
    plain_text,
    scan,
)
from flashcards.notes.inline_simple import scan_simple
from flashcards.notes.markers import (
    ALL_MARKERS,
    ANKI_CLOZE,
    CARET_HIGHLIGHT,
    HIGHLIGHT,
    LOGSEQ_CLOZE,
    STRONG,
    Deletion,
)

PIECES = [
    "**",
    "==",
    "*",
    "=",
    "***",
    "===",
    "__",
    "_",
    "{{c1::",
    "{{c12::",
    "{{cloze ",
    "{{cloze\t",
    "{{cloze}}",
    "{{embed ",
    "{",
    "}}",
    "}",
    "::",
    "\\\\",
    "\\",
    "`",
    "[",
    "]",
    "](x)",
    "[[",
    "]]",
    "#",
    "[[page]]",
    "#[[tag]]",
    "![",
    "]:",
    "!",
    "<b>",
    "&amp;",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u2003",
    "a",
    "word",
    "é",
    "7",
    ".",
    ",",
    '"',
    "(",
    ")",
    "-",
    "€",
    "«",
    "^^",
    "^",
    "^^^",
]
# Whole deletions, well formed or nearly, so that many blocks are simple ones.
SPANS = [
    "**word**",
    "**two words**",
    "** word**",
    "**word **",
    "**é.**",
    "**(a)**",
    "==word==",
    "==a b==",
    "== a==",
    "{{c1::word}}",
    "{{c2::word::hint}}",
    "{{c3:: a ::}}",
    "{{cloze word}}",
    "{{cloze  a b \\\\ cue}}",
    "{{cloze \\\\ cue}}",
    "{{c1::[[page]]}}",
    "{{c1::`x`}}",
    "**[[page]]**",
    "==[[a]] b==",
    "[[page]]",
    "#[[tag]]",
    "[a]",
    "[x](y)",
    "`code`",
    "`a**b**`",
    "`{{c1::x}}`",
    "``x``",
    "``a`b``",
    "`` a ` b ``",
    "` x`",
    "`x `",
    "`a\nb`",
    "`<b>&amp;_\\`",
    "```",
    "^^word^^",
    "^^a b^^",
    "a^b",
    "`^^x^^`",
]
PLAIN = [" ", "a", "word", ".", ",", "(", ")", "\n", "é", "-", "!", "]", "}"]
blocks = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=14).map("".join),
    st.lists(st.sampled_from(SPANS + PLAIN + PIECES[:8]), max_size=12).map("".join),
    st.lists(st.sampled_from(SPANS + PLAIN), max_size=10).map("".join),
)
# CARET_HIGHLIGHT: read as Logseq (`^^x^^` a highlight)
marker_sets = st.sets(st.sampled_from((*ALL_MARKERS, CARET_HIGHLIGHT))).map(frozenset)


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=blocks, markers=marker_sets, plain=st.booleans())
@example(text="a**b**c", markers=frozenset(ALL_MARKERS), plain=True)
@example(text="**a** ==b== {{c1::c::d}} {{cloze e \\\\ f}}", markers=frozenset(), plain=True)
@example(text="a **b**, c", markers=frozenset(ALL_MARKERS), plain=True)
@example(text="a^b **c**", markers=frozenset({*ALL_MARKERS, CARET_HIGHLIGHT}), plain=True)
def test_the_simple_scan_finds_what_markdown_it_finds(
    text: str, markers: frozenset[str], plain: bool
) -> None:
    simple = scan_simple(text, markers, plain)
    if simple is not None:
        assert simple == _scan_parsed(text, markers, plain)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=blocks, markers=marker_sets)
@example(text="a **b** `c**d**` ==e==", markers=frozenset(ALL_MARKERS))
def test_plain_text_is_what_markdown_it_tokens_give(text: str, markers: frozenset[str]) -> None:
    """`plain_text` takes the simple scan's plain text where it has one: the same."""
    assert plain_text(text, markers) == _plain_tokens(_parse_inline(_parser(markers), text))


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(blocks, st.text()))
def test_has_trigger_is_the_trigger_search(text: str) -> None:
    assert has_trigger(text) == (_TRIGGERS.search(text) is not None)


ALL = frozenset(ALL_MARKERS)


@pytest.mark.parametrize(
    "text",
    [
        "the **answer** here",
        "a ==highlight==, then **bold**.",
        "cloze {{c1::Paris::capital}} and {{c2::Rome}}",
        "logseq {{cloze Paris \\\\ capital}} done",
        "a word and (**paren**)",
        "multi\nline **one** and\n**two**",
        "a [[page]] link and **[[reliability]]**",  # wiki links are text to markdown-it
        "tagged #[[topic]] with ==[[a]] b== [not a link]",
        "a decoy `version**x**` [[index]] and a **real** one",  # code binds tighter
        "``a ` b`` then ==mark== and `<b> & _x_`, {{c1::done}}",
        "`**code**` and **bold**",
    ],
)
def test_simple_blocks_are_scanned_without_a_parse(text: str) -> None:
    simple = scan_simple(text, ALL, True)
    assert simple is not None and simple[0]
    assert simple == _scan_parsed(text, ALL, True) == scan(text, ALL, True)


@pytest.mark.parametrize(
    "text",
    [
        "a `b` c `d",  # a backtick run that never closes is text: parsed
        "`a\nb` **x**",  # a code span over a line break: its content changes
        "\\**not** bold",  # an escape
        "**a *b* c**",  # nested emphasis
        "** not** bold",  # an opener before a space cannot open
        'a**"b"**c',  # punctuation inside a word: the runs do not flank
        "***triple***",
        "**a** **b",  # an unclosed run
        "[**link**](x)",
        "{{embed [[page]]}} **x**",
        "{{c1::**bold** answer}}",  # the answer itself needs a parse
        "__under__",
        "&amp; **x**",
        "<b>**x**</b>",
        "==a **b** c==",
    ],
)
def test_anything_else_is_left_to_markdown_it(text: str) -> None:
    assert scan_simple(text, ALL, True) is None
    assert find_deletions(text) == _scan_parsed(text, ALL, False)[0]


def test_disabled_markers_still_pair_but_find_nothing() -> None:
    only_clozes = frozenset({ANKI_CLOZE, LOGSEQ_CLOZE})
    assert scan_simple("**a** ==b== {{c1::c}}", only_clozes, True) == (
        _scan_parsed("**a** ==b== {{c1::c}}", only_clozes, True)
    )
    found, plain = scan_simple("**a** ==b==", frozenset({STRONG, HIGHLIGHT}), True) or ([], None)
    assert [d.kind for d in found] == [STRONG, HIGHLIGHT] and plain == "a b"


LOGSEQ = frozenset({*ALL_MARKERS, CARET_HIGHLIGHT})


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=blocks, markers=marker_sets)
@example(text="{{c1::{{c1::=={{cloze}}", markers=frozenset(ALL_MARKERS))  # in a hint
def test_carets_are_read_as_equals_signs_are(text: str, markers: frozenset[str]) -> None:
    """In Logseq's reading, `^^` runs make the highlights `==` runs make in their place
    (the same delimiter rules), and a text with them is never taken by the simple scan."""
    equals = text.replace("^", "")
    carets = equals.replace("=", "^")
    logseq = markers | {CARET_HIGHLIGHT}
    swap = str.maketrans("=", "^")
    assert scan(carets, logseq) == (
        [
            d._replace(
                inner=d.inner.translate(swap),
                answer=d.answer.translate(swap),
                hint=d.hint and d.hint.translate(swap),
            )
            for d in find_deletions(equals, markers - {CARET_HIGHLIGHT})
        ],
        None,
    )
    if "^^" in carets:
        assert scan_simple(carets, logseq, True) is None


def test_a_caret_highlight_is_parsed_only_where_logseq_reads_it() -> None:
    assert scan_simple("the ^^word^^ here", LOGSEQ, True) is None
    assert scan("the ^^word^^ here", LOGSEQ)[0] == [Deletion(HIGHLIGHT, 4, 12, "word", "word")]
    assert scan_simple("the ^^word^^ **here**", ALL, True) == (
        _scan_parsed("the ^^word^^ **here**", ALL, True)
    )
