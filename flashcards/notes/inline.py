"""Find the deletions (the hidden parts of cloze cards) in a block's text.

Inline Markdown is parsed by markdown-it-py, CommonMark-exact, so code spans,
link targets, escapes and unbalanced markers behave as a Markdown reader
expects. Three small extensions are added here:

- `==highlight==` as a delimiter rule, built on markdown-it's own delimiter
  machinery (the same one `~~strikethrough~~` uses);
- Logseq `{{cloze answer \\ cue}}` and Anki `{{c1::answer::hint}}` as rules;
- source positions: every token remembers where in the text it started, so a
  card's front can be the user's own text with one span replaced.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import Delimiter, StateInline
from markdown_it.token import Token

STRONG = "strong"
HIGHLIGHT = "highlight"
LOGSEQ_CLOZE = "logseq_cloze"
ANKI_CLOZE = "anki_cloze"
ALL_MARKERS = (STRONG, HIGHLIGHT, LOGSEQ_CLOZE, ANKI_CLOZE)

# Openers only: the closing `}}` is found by `_next_close`, which remembers its
# last search so a line of 100,000 unclosed `{{c1::` stays linear.
_LOGSEQ = re.compile(r"\{\{cloze[ \t]+")
_ANKI = re.compile(r"\{\{c(\d{1,3})::")
_WIKI = re.compile(r"#?\[\[([^\[\]]*)\]\]")
# Characters that can start a deletion; a text without any of them is not parsed.
_TRIGGERS = re.compile(r"\*\*|__|==|\{\{")


@dataclass(frozen=True)
class Deletion:
    kind: str  # one of ALL_MARKERS
    start: int  # span of the whole marker in the text, end exclusive
    end: int
    inner: str  # the source between the markers (the answer as written)
    answer: str  # the answer as plain text
    hint: str | None = None
    number: int | None = None  # Anki cloze number


class _PositionState(StateInline):
    """StateInline that stamps each pushed token with its source offset.

    Delimiter rules push one token per marker character (or per pair for
    `==`) without moving `pos`, so tokens pushed at the same `pos` are offset
    by the length of the ones before them.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._last: Token | None = None
        self._last_at = -1

    def push(self, ttype, tag, nesting):  # type: ignore[no-untyped-def]
        token = super().push(ttype, tag, nesting)
        last = self._last
        if last is not None and self._last_at >= 0 and last.meta.get("_pos0") == self.pos:
            at = self._last_at + len(last.content or last.markup)
        else:
            at = self.pos
        token.meta = {"pos": at, "_pos0": self.pos}
        self._last, self._last_at = token, at
        return token


def _parse_inline(md: MarkdownIt, src: str) -> list[Token]:
    tokens: list[Token] = []
    state = _PositionState(src, md, {}, tokens)
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
    start = state.pos
    if silent or state.src[start] != "=":
        return False
    scanned = state.scanDelims(state.pos, True)
    length = scanned.length
    if length < 2:
        return False
    if length % 2:
        token = state.push("text", "", 0)
        token.content = "="
        length -= 1
    for _ in range(0, length, 2):
        token = state.push("text", "", 0)
        token.content = "=="
        state.delimiters.append(
            Delimiter(
                marker=ord("="),
                length=0,
                token=len(state.tokens) - 1,
                end=-1,
                open=scanned.can_open,
                close=scanned.can_close,
            )
        )
    state.pos += scanned.length
    return True


def _mark_post_process(state: StateInline) -> None:
    def process(delimiters: list[Delimiter]) -> None:
        for start_delim in delimiters:
            if start_delim.marker != ord("=") or start_delim.end == -1:
                continue
            end_delim = delimiters[start_delim.end]
            opener = state.tokens[start_delim.token]
            opener.type, opener.tag, opener.nesting, opener.markup, opener.content = (
                "mark_open",
                "mark",
                1,
                "==",
                "",
            )
            closer = state.tokens[end_delim.token]
            closer.type, closer.tag, closer.nesting, closer.markup, closer.content = (
                "mark_close",
                "mark",
                -1,
                "==",
                "",
            )

    process(state.delimiters)
    for meta in state.tokens_meta:
        if meta and "delimiters" in meta:
            process(meta["delimiters"])


@lru_cache(maxsize=16)
def _parser(markers: frozenset[str]) -> MarkdownIt:
    md = MarkdownIt("commonmark")
    md.options["flashcards_markers"] = markers
    if LOGSEQ_CLOZE in markers or ANKI_CLOZE in markers:
        # after `text`, which stops at every `{`: the rule is tried only where it can match
        md.inline.ruler.after("text", "cloze", _cloze_rule)
        md.inline.add_terminator_char("{")
    md.inline.ruler.before("emphasis", "mark", _mark_tokenize)
    md.inline.ruler2.before("emphasis", "mark", _mark_post_process)
    md.inline.add_terminator_char("=")
    # Stop the `text` rule only where one of this parser's rules can start (and at `]`,
    # which ends link labels). The default set also stops at `# $ % + - : > @ ^ } ~`,
    # for rules this parser does not have: each such stop is a round of failing rules
    # and leaves the tokens as they are.
    stops = "\n!&*<[\\]_`=" + ("{" if LOGSEQ_CLOZE in markers or ANKI_CLOZE in markers else "")
    md.inline.terminator_re = re.compile("[" + re.escape(stops) + "]")
    # Post-processing without `fragments_join`: it only merges neighbouring text
    # tokens, and everything here reads text tokens by concatenating them.
    md.options["flashcards_post"] = [
        rule.fn
        for rule in md.inline.ruler2.__rules__
        if rule.enabled and rule.name != "fragments_join"
    ]
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
    if not _TRIGGERS.search(text):
        return [], None
    md = _parser(markers)
    tokens = _parse_inline(md, text)
    found: list[Deletion] = []
    open_at: list[tuple[str, int, int]] = []  # (kind, token index, source pos)
    for i, tok in enumerate(tokens):
        ttype = tok.type
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
            answer = _plain_tokens(tokens[first + 1 : i])
            if answer.strip():
                found.append(Deletion(kind=kind, start=start, end=end, inner=inner, answer=answer))
    found.sort(key=lambda d: d.start)
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


def _tidy(text: str) -> str:
    """Wiki-link brackets dropped, whitespace folded (`\\s+` → ' ', stripped)."""
    if "[[" in text:
        text = _WIKI.sub(r"\1", text)
    return " ".join(text.split())


def plain_text(text: str, markers: frozenset[str] = frozenset(ALL_MARKERS)) -> str:
    """The text as a reader sees it: markup, wiki-link brackets and cloze syntax removed."""
    # Without these characters no inline rule applies; `[`/`![` only make a link
    # with `](` (there are no reference definitions in a block's text).
    if not any(ch in text for ch in "*_=`{\\<&") and "](" not in text:
        return _tidy(text)
    return _plain_tokens(_parse_inline(_parser(markers), text))


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
