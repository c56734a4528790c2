"""The deletions of a simple block without markdown-it: clean `**x**`, `==x==` and clozes.

Most blocks that hold a deletion marker hold nothing else: a few `**answer**`,
`==answer==` or `{{c1::answer}}` in plain prose. For them a parse by markdown-it
(`inline._scan_parsed`) costs ten times a scan by hand, and finds the same.
`scan_simple` takes only texts whose parse it can tell in advance and gives up
(returns None) on anything else, so the caller parses:

- outside the clozes and code spans, no character that starts another inline rule:
  `\\` `<` `&` `_` (a cloze's body is one token: markdown-it never looks inside it); `[` only
  where the text has no `](` anywhere: with no reference definitions in a block, a
  bracket is then never a link, just text (Logseq's `[[page]]` links are everywhere);
- every `*` and `=` in a run of exactly two, runs in pairs with plain text between
  (no `*`, `=` or `{` inside), the opener able only to open and the closer only to
  close, by CommonMark's flanking rules (markdown-it's own character classes): such
  runs pair with each other in order, and each pair is one strong or mark span;
- every `{` the start of a cloze of an enabled kind that closes; its answer has
  no markup (else `plain_text` would parse it);
- every run of backticks the start of a code span that closes (the next run as long),
  on one line, not starting or ending with a space (markdown-it then strips nothing):
  literal text, its markers none (code binds tighter than any other markup), its content
  part of the plain text. A deletion with a backtick inside is still parsed;
- no `^^` where it may spell a highlight (Logseq's, `CARET_HIGHLIGHT` among the markers):
  such a text is parsed (they are few), a lone `^` is text as it is to markdown-it.

A property test (tests/notes/test_inline_simple.py) checks on generated blocks
that whatever this finds is exactly what markdown-it finds.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace

from flashcards.notes.markers import (
    ANKI_CLOZE,
    CARET_HIGHLIGHT,
    HIGHLIGHT,
    LOGSEQ_CLOZE,
    STRONG,
    Deletion,
)

# Openers only: the closing `}}` is the first one after the opener.
LOGSEQ_OPEN = re.compile(r"\{\{cloze[ \t]+")
ANKI_OPEN = re.compile(r"\{\{c(\d{1,3})::")
WIKI = re.compile(r"#?\[\[([^\[\]]*)\]\]")
# Without these no inline rule applies; `[`/`![` only make a link with `](` (there are no
# reference definitions in a block's text).
INLINE_MARKUP = re.compile(r"[*_=`{\\<&]|\]\(")
# Characters whose rules this scan does not follow.
_GIVE_UP = re.compile(r"[`\\<&_]")
_MARKER = re.compile(r"[*={`]")
_OUTSIDE = re.compile(r"[\\<&_]")  # between markers: a backtick there is a marker itself


def tidy(text: str) -> str:
    """Wiki-link brackets dropped, whitespace folded (`\\s+` → ' ', stripped)."""
    if "[[" in text:
        text = WIKI.sub(r"\1", text)
    return " ".join(text.split())


def _punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


@lru_cache(maxsize=8192)  # pairs of characters repeat: most are letters and spaces
def _flanking(last: str, next_: str) -> tuple[bool, bool]:
    """(left, right) flanking of a delimiter run between `last` and `next_` (markdown-it's
    `scanDelims`; a text's start or end counts as a space)."""
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(next_))
    last_punct, next_punct = _punct(last), _punct(next_)
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    return left, right


def scan_simple(
    text: str, markers: frozenset[str], plain: bool
) -> tuple[list[Deletion], str | None] | None:
    """`inline.scan(text, markers, plain)` for a simple text, or None for any other."""
    if "](" in text:
        return None  # a link (or image): its label and target follow other rules
    if "^" in text and "^^" in text and CARET_HIGHLIGHT in markers:
        return None  # Logseq's `^^highlight^^`: parsed
    found: list[Deletion] = []
    parts: list[str] = []
    size = len(text)
    at = 0
    while (m := _MARKER.search(text, at)) is not None:
        start = m.start()
        if _OUTSIDE.search(text, at, start):
            return None
        parts.append(text[at:start])
        ch = text[start]
        if ch == "`":
            end = _code_span(text, start)
            if end is None:
                return None
            parts.append(text[end[0] : end[1]])
            at = end[2]
            continue
        if ch == "{":
            cloze = _cloze(text, start, markers)
            if cloze is None:
                return None
            if cloze.answer:  # `{{cloze }}` hides nothing: it stays text
                found.append(cloze)
            parts.append(cloze.inner)
            at = cloze.end
            continue
        pair = ch + ch
        if not text.startswith(pair, start):
            return None
        close = text.find(pair, start + 2)
        if close < 0:
            return None
        end = close + 2
        inner = text[start + 2 : close]
        if (
            not inner
            or _MARKER.search(inner)
            or _GIVE_UP.search(inner)
            or (end < size and text[end] == ch)
        ):
            return None
        opens, opener_closes = _flanking(text[start - 1] if start else " ", inner[0])
        closer_opens, closes = _flanking(inner[-1], text[end] if end < size else " ")
        if not opens or opener_closes or not closes or closer_opens:
            return None
        kind = STRONG if ch == "*" else HIGHLIGHT
        if kind in markers:
            found.append(Deletion(kind, start, end, inner, tidy(inner)))
        parts.append(inner)
        at = end
    if _OUTSIDE.search(text, at):
        return None
    if not plain:
        return found, None
    parts.append(text[at:])
    return found, tidy("".join(parts))


def _code_span(text: str, start: int) -> tuple[int, int, int] | None:
    """The code span markdown-it's backtick rule reads at `start` — (its content's start,
    its content's end, the span's end) — or None where it reads none (no closing run as
    long: the run is text) or would change its content (a line break, a space at an end)."""
    size = len(text)
    opened = start
    while opened < size and text[opened] == "`":
        opened += 1
    length = opened - start
    at = opened
    while (close := text.find("`", at)) >= 0:
        end = close
        while end < size and text[end] == "`":
            end += 1
        if end - close == length:
            content = text[opened:close]
            if "\n" in content or content[0] == " " or content[-1] == " ":
                return None
            return opened, close, end
        at = end
    return None


def _cloze(text: str, start: int, markers: frozenset[str]) -> Deletion | None:
    """The cloze `inline._cloze_rule` reads at `start` (its answer even if empty), or None
    where that rule reads none or its answer would need a parse."""
    m = None
    if text.startswith("{{cloze", start) and LOGSEQ_CLOZE in markers:
        m = LOGSEQ_OPEN.match(text, start)
        kind = LOGSEQ_CLOZE
    elif text.startswith("{{c", start) and ANKI_CLOZE in markers:
        m = ANKI_OPEN.match(text, start)
        kind = ANKI_CLOZE
    if m is None:
        return None
    close = text.find("}}", m.end())
    if close < 0:
        return None
    body = text[m.end() : close]
    if kind == LOGSEQ_CLOZE:
        inner, _, hint = body.partition("\\\\")
        inner = inner.strip()
        number = None
    else:
        inner, _, hint = body.partition("::")
        number = int(m.group(1))
    if INLINE_MARKUP.search(inner):
        return None
    return Deletion(kind, start, close + 2, inner, tidy(inner), hint.strip() or None, number)
