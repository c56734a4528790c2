"""Find the deletions (the hidden parts of cloze cards) in a block's text.

A simple block (clean `**x**`, `==x==`, clozes in plain prose: most of them) is
scanned by `inline_simple`, which finds what markdown-it would; any other is
parsed. Inline Markdown is parsed by markdown-it-py, CommonMark-exact, so code spans,
link targets, escapes and unbalanced markers behave as a Markdown reader
expects. Three small extensions are added here:

- `==highlight==` as a delimiter rule, built on markdown-it's own delimiter
  machinery (the same one `~~strikethrough~~` uses), and Logseq's `^^highlight^^`
  the same way where the markers say so (`CARET_HIGHLIGHT`: Logseq notes);
- Logseq `{{cloze answer \\ cue}}` and Anki `{{c1::answer::hint}}` as rules;
- source positions: the tokens a card is made from (strong and highlight
  markers, clozes, code spans) remember where in the text they start, so a
  card's front can be the user's own text with one span replaced.

The parser's inline loop sends each character straight to the rules that can
start with it, and stamps the positions of emphasis and code tokens
(`flashcards.notes.inline_loop`): the same tokens as markdown-it's own loop.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Delimiter, StateInline
from markdown_it.token import Token

from flashcards.notes.inline_loop import dispatch_by_character
from flashcards.notes.inline_simple import ANKI_OPEN as _ANKI
from flashcards.notes.inline_simple import INLINE_MARKUP as _INLINE_MARKUP
from flashcards.notes.inline_simple import LOGSEQ_OPEN as _LOGSEQ
from flashcards.notes.inline_simple import scan_simple as _scan_simple
from flashcards.notes.inline_simple import tidy as _tidy
from flashcards.notes.markers import (  # noqa: F401 - the names readers import from here too
    ALL_MARKERS,
    ANKI_CLOZE,
    CARET_HIGHLIGHT,
    HIGHLIGHT,
    LOGSEQ_CLOZE,
    STRONG,
    Deletion,
)

# Characters that can start a deletion; a text without any of them is not parsed. The
# closing `}}` of a cloze is found by `_next_close`, which remembers its last search so a
# line of 100,000 unclosed `{{c1::` stays linear.
_TRIGGERS = re.compile(r"\*\*|__|==|\{\{")


def has_trigger(text: str) -> bool:
    """`_TRIGGERS.search(text)`, by substring tests (several times quicker; most blocks of
    a vault hold none). Each pair is looked for only where its character is: a search
    for one character is several times quicker than for two."""
    return (
        ("*" in text and "**" in text)
        or ("=" in text and "==" in text)
        or ("{" in text and "{{" in text)
        or ("_" in text and "__" in text)
    )


def _parse_inline(md: MarkdownIt, src: str) -> list[Token]:
    tokens: list[Token] = []
    state = StateInline(src, md, {}, tokens)
    md.inline.tokenize(state)
    for rule in md.options["flashcards_post"]:
        rule(state)
    return tokens


def _cloze_rule(state: StateInline, silent: bool) -> bool:
    src = state.src
    pos = state.pos
    if not src.startswith("{{", pos):
        return False
    markers = state.md.options["flashcards_markers"]
    m = None
    if src.startswith("{{cloze", pos) and LOGSEQ_CLOZE in markers:
        m = _LOGSEQ.match(src, pos)
        kind = LOGSEQ_CLOZE
    elif src.startswith("{{c", pos) and ANKI_CLOZE in markers:
        m = _ANKI.match(src, pos)
        kind = ANKI_CLOZE
    if m is None:
        return False
    close = _next_close(state, m.end())
    if close < 0:
        return False
    end = close + 2
    if not silent:
        token = state.push("cloze", "", 0)
        token.meta["pos"] = pos
        token.meta["kind"] = kind
        token.meta["end"] = end
        body = src[m.end() : close]
        if kind == LOGSEQ_CLOZE:
            inner, _, hint = body.partition("\\\\")
            token.meta["inner"] = inner.strip()
            token.meta["hint"] = hint.strip() or None
            token.meta["inner_at"] = m.end()
        else:
            inner, _, hint = body.partition("::")
            token.meta["inner"] = inner
            token.meta["hint"] = hint.strip() or None
            token.meta["number"] = int(m.group(1))
        token.content = src[pos:end]
    state.pos = end
    return True


def _next_close(state: StateInline, pos: int) -> int:
    """Index of the first `}}` at or after `pos`, or -1; one scan per line, not per opener."""
    memo = state.env.get("_flashcards_close")
    if memo is not None:
        searched_from, found = memo
        if searched_from <= pos and (found < 0 or found >= pos):
            return found
    found = state.src.find("}}", pos)
    state.env["_flashcards_close"] = (pos, found)
    return found


def _mark_tokenize(state: StateInline, silent: bool) -> bool:
    """`==` delimiter runs, exactly as markdown-it tokenizes `~~`."""
    if silent or state.src[state.pos] != "=":
        return False
    return _mark_runs(state, "=")


def _caret_tokenize(state: StateInline, silent: bool) -> bool:
    """Logseq's `^^` delimiter runs, as `==` runs (a marker of their own: `^^` and `==`
    never close each other)."""
    if silent or state.src[state.pos] != "^":
        return False
    return _mark_runs(state, "^")


def _mark_runs(state: StateInline, ch: str) -> bool:
    start = state.pos
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    at = start  # each token's source position, for `scan`
    if length % 2:
        token = state.push("text", "", 0)
        token.content = ch
        token.meta["pos"] = at
        at += 1
        length -= 1
    pair = ch + ch
    for _ in range(0, length, 2):
        token = state.push("text", "", 0)
        token.content = pair
        token.meta["pos"] = at
        at += 2
        state.delimiters.append(
            Delimiter(
                marker=ord(ch),
                length=0,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


_MARKS = {ord("="): "==", ord("^"): "^^"}  # delimiter marker -> the mark's markup


def _mark_post_process(state: StateInline) -> None:
    def process(delimiters: list[Delimiter]) -> None:
        for start_delim in delimiters:
            markup = _MARKS.get(start_delim.marker)
            if markup is None or start_delim.end == -1:
                continue
            end_delim = delimiters[start_delim.end]
            opener = state.tokens[start_delim.token]
            opener.type, opener.tag, opener.nesting, opener.markup, opener.content = (
                "mark_open",
                "mark",
                1,
                markup,
                "",
            )
            closer = state.tokens[end_delim.token]
            closer.type, closer.tag, closer.nesting, closer.markup, closer.content = (
                "mark_close",
                "mark",
                -1,
                markup,
                "",
            )

    process(state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            process(meta["delimiters"])


def highlight_plugin(md: MarkdownIt) -> None:
    """Teach a MarkdownIt parser `==highlight==` (mark_open/mark_close tokens), with
    markdown-it's own delimiter rules: the reader and the exporters use this one definition."""
    md.inline.ruler.before("emphasis", "mark", _mark_tokenize)
    md.inline.ruler2.before("emphasis", "mark", _mark_post_process)
    md.inline.add_terminator_char("=")


@lru_cache(maxsize=16)
def _parser(markers: frozenset[str]) -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.options["flashcards_markers"] = markers
    if LOGSEQ_CLOZE in markers or ANKI_CLOZE in markers:
        # after `text`, which stops at every `{`: the rule is tried only where it can match
        md.inline.ruler.after("text", "cloze", _cloze_rule)
        md.inline.add_terminator_char("{")
    highlight_plugin(md)
    carets = CARET_HIGHLIGHT in markers
    if carets:
        md.inline.ruler.after("mark", "caret_mark", _caret_tokenize)
    # Line breaks stay in the text: a soft or hard break token neither makes nor hides a
    # deletion (emphasis looks at the characters around a run, not at tokens), and
    # everything read from the tokens folds whitespace, a line break included.
    md.inline.ruler.disable("newline")
    # Stop the `text` rule only where one of this parser's rules can start (and at `]`,
    # which ends link labels). The default set also stops at `# $ % + - : > @ ^ } ~`,
    # for rules this parser does not have: each such stop is a round of failing rules
    # and leaves the tokens as they are.
    stops = "!&*<[\\]_`=" + ("{" if LOGSEQ_CLOZE in markers or ANKI_CLOZE in markers else "")
    stops += "^" if carets else ""
    md.inline.terminator_re = re.compile("[" + re.escape(stops) + "]")
    # Post-processing without `fragments_join`: it only merges neighbouring text
    # tokens, and everything here reads text tokens by concatenating them.
    md.options["flashcards_post"] = [
        rule.fn
        for rule in md.inline.ruler2.__rules__
        if rule.enabled and rule.name != "fragments_join"
    ]
    dispatch_by_character(md, stops)
    return md


def find_deletions(text: str, markers: frozenset[str] = frozenset(ALL_MARKERS)) -> list[Deletion]:
    """Every deletion in `text`, in order. `text` is prose (no fenced code)."""
    return scan(text, markers)[0]


def scan(
    text: str, markers: frozenset[str] = frozenset(ALL_MARKERS), plain: bool = False
) -> tuple[list[Deletion], str | None]:
    """`find_deletions(text)`, and with `plain` also `plain_text(text)` if it comes for free.

    The plain text is None when not asked for, or when the text has no deletion
    marker and so was not parsed; a caller that needs it then asks `plain_text`,
    whose fast path applies.
    """
    if not has_trigger(text) and not ("^" in text and "^^" in text and CARET_HIGHLIGHT in markers):
        return [], None
    simple = _scan_simple(text, markers, plain)
    if simple is not None:
        return simple
    return _scan_parsed(text, markers, plain)


def _scan_parsed(
    text: str, markers: frozenset[str], plain: bool
) -> tuple[list[Deletion], str | None]:
    """`scan` by markdown-it's tokens: every text, however tangled its markup."""
    md = _parser(markers)
    tokens = _parse_inline(md, text)
    found: list[Deletion] = []
    open_at: list[tuple[str, int, int]] = []  # (kind, token index, source pos)
    for i, tok in enumerate(tokens):
        ttype = tok.type
        if ttype == "text":
            continue  # most tokens
        if ttype == "cloze":
            if open_at:
                continue  # a cloze inside a strong span belongs to that span
            inner = tok.meta["inner"]
            answer = plain_text(inner, markers)
            if not answer:
                continue  # `{{cloze }}` hides nothing: it stays text
            found.append(
                Deletion(
                    kind=tok.meta["kind"],
                    start=tok.meta["pos"],
                    end=tok.meta["end"],
                    inner=inner,
                    answer=answer,
                    hint=tok.meta.get("hint"),
                    number=tok.meta.get("number"),
                )
            )
        elif ttype == "strong_open" and STRONG in markers:
            # the opener token is the inner of the two marker characters
            open_at.append((STRONG, i, tok.meta["pos"] - 1))
        elif ttype == "mark_open" and HIGHLIGHT in markers:
            open_at.append((HIGHLIGHT, i, tok.meta["pos"]))
        elif ttype in ("strong_close", "mark_close") and open_at:
            want = STRONG if ttype == "strong_close" else HIGHLIGHT
            if open_at[-1][0] != want:
                continue
            kind, first, start = open_at.pop()
            if open_at:
                continue  # nested deletions: the outer one is the card
            end = tok.meta["pos"] + 2
            inner = text[start + 2 : end - 2]
            if i == first + 2 and tokens[first + 1].type == "text":  # `**one text**`: most
                answer = _tidy(tokens[first + 1].content)
            else:
                answer = _plain_tokens(tokens[first + 1 : i])
            if answer.strip():
                found.append(Deletion(kind, start, end, inner, answer))
    if len(found) > 1:
        found.sort(key=lambda d: d.start)  # a strong span is found at its end, a cloze at its start
    return found, _plain_tokens(tokens) if plain else None


def _plain_tokens(tokens: list[Token]) -> str:
    parts: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "code_inline", "text_special", "html_inline"):
            parts.append(tok.content)
        elif tok.type == "cloze":
            parts.append(tok.meta["inner"])
        elif tok.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif tok.type == "image":
            parts.append(tok.content)
    return _tidy("".join(parts))


def plain_text(text: str, markers: frozenset[str] = frozenset(ALL_MARKERS)) -> str:
    """The text as a reader sees it: markup, wiki-link brackets and cloze syntax removed."""
    if not _INLINE_MARKUP.search(text) and not (
        "^" in text and "^^" in text and CARET_HIGHLIGHT in markers
    ):
        return _tidy(text)
    # the simple scan's plain text is what markdown-it's tokens give (its property test)
    simple = _scan_simple(text, markers, True)
    if simple is not None:
        return simple[1]  # type: ignore[return-value]
    return _plain_tokens(_parse_inline(_parser(markers), text))


def mark_markers(text: str, markers: frozenset[str]) -> list[tuple[int, str]]:
    """Where each highlight's opening and closing marker starts in `text`, and its
    spelling (`==` or `^^`), in order: the marks the reader's parser reads."""
    return [
        (tok.meta["pos"], tok.markup)
        for tok in _parse_inline(_parser(markers), text)
        if tok.type in ("mark_open", "mark_close")
    ]


def code_spans(text: str) -> list[tuple[int, int]]:
    """Source spans (end exclusive) of the inline code in `text`, as CommonMark finds them."""
    if "`" not in text:
        return []
    spans: list[tuple[int, int]] = []
    for tok in _parse_inline(_parser(frozenset(ALL_MARKERS)), text):
        if tok.type != "code_inline":
            continue
        start = tok.meta["pos"]
        size = len(tok.markup)
        at = start + size
        end = len(text)
        while (run := text.find("`", at)) >= 0:  # the closing run is the next one as long
            stop = run
            while stop < len(text) and text[stop] == "`":
                stop += 1
            if stop - run == size:
                end = stop
                break
            at = stop
        spans.append((start, end))
    return spans
