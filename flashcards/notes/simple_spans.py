"""Simple inline text → the styled spans markdown-it gives it, without markdown-it.

Most card text is words with `**strong**`, `==highlight==`, `` `code` `` and
`[[links]]`, nothing else. `flashcards.notes.render` gives every front and back
of an export to markdown-it-py, which costs ~0.25 ms a call: most of a
50,000-card JSON export. `simple_spans` renders such text itself, to exactly the
spans `render` makes of markdown-it's tokens (a property test holds the two
equal), and answers None for anything else — any other markup, or these spans
where markdown-it could read them otherwise (nested, adjacent, unbalanced, a
link target after a wiki link) — which then goes to markdown-it. `simple_block` does
the same for a block's whole text, lines and all.
"""

from __future__ import annotations

import re

# a span whose markers open and close for sure: its first and last characters are
# letters or digits (its runs are then left- and right-flanking), nothing inside is
# markup and it stays on one line
_EDGE = r"[^\W_]"
_PLAIN = r"[^*_`\[\]\\<>=&~$|!\n]"
_SPAN = re.compile(
    rf"\*\*(?P<strong>{_EDGE}(?:{_PLAIN}*{_EDGE})?)\*\*"
    rf"|==(?P<mark>{_EDGE}(?:{_PLAIN}*{_EDGE})?)=="
    # a one-backtick code span, with no backtick either side (a longer run is another
    # code span's fence); the lookbehind follows the backtick so every branch starts
    # with a literal and the engine skips ahead to candidates
    r"|`(?<!``)(?P<code>[^`\n]+)`(?!`)"
    r"|\[\[(?P<wiki>[^\[\]`|\n]+)\]\](?!\()"  # `[[a]](url)` is a link whose text is `[a]`
)


def _unsafe(text: str) -> bool:
    """Whether `text` holds what only markdown-it renders, outside the spans above:
    escapes, HTML and autolinks, entities, strike, math, embeds and images, a normalised
    carriage return or NUL. Asked a character at a time with `in`: the one regex with
    an alternation this was tried both branches at every character, ~9x slower, and
    every block's text and children are asked."""
    return (
        "\\" in text
        or "<" in text
        or ">" in text
        or "&" in text
        or "~" in text
        or "$" in text
        or "\r" in text
        or "\0" in text
        or "![" in text
    )


def _leftover(text: str) -> bool:
    """Whether the text between the spans holds markup they did not take (asked with
    `in`, as `_unsafe`)."""
    return "*" in text or "_" in text or "`" in text or "[" in text or "]" in text or "=" in text


def as_written(text: str) -> bool:
    """Whether `text` holds no markup at all (`render._MARKUP` finds nothing): `render`'s
    `plain` and `spans` give it as written. Asked a character at a time with `in`, as
    `_unsafe`: the character class costs ~40 instructions a character, most of a
    one-cloze block's check in the JSON export."""
    return not (
        "*" in text
        or "=" in text
        or "[" in text
        or "]" in text
        or "`" in text
        or "_" in text
        or "~" in text
        or "$" in text
        or "%" in text
        or "|" in text
        or ">" in text
        or "<" in text
        or "\\" in text
        or "&" in text
        or "!" in text
    )


# what each span becomes: (text, styles, target) as `render` builds its Span
Piece = tuple[str, tuple[str, ...], str | None]


def simple_spans(text: str, strong: str, mark: str, code: str, ref: str) -> list[Piece] | None:
    """`text` as `(text, styles, target)` pieces, each style one of the names given;
    None when markdown-it must render it. No piece is empty."""
    if _unsafe(text):
        return None
    # split() gives the text between spans, then each span's four groups, and so on
    parts = _SPAN.split(text)
    if _leftover("\x00".join(parts[::5]) if len(parts) > 1 else text):
        return None
    out: list[Piece] = []
    if parts[0]:
        out.append((parts[0], (), None))
    previous = None
    for at in range(1, len(parts), 5):
        strong_, mark_, code_, wiki, after = parts[at : at + 5]
        if strong_ is not None:
            kind = "strong"
            if previous == kind and not parts[at - 1]:
                return None  # `**a****b**`: one run of four, read otherwise
            out.append((strong_, (strong,), None))
        elif mark_ is not None:
            kind = "mark"
            if previous == kind and not parts[at - 1]:
                return None
            out.append((mark_, (mark,), None))
        elif code_ is not None:
            kind = "code"
            if code_[0] == " " or code_[-1] == " ":
                return None  # markdown-it strips one space from each end of some
            out.append((code_, (code,), None))
        else:
            kind = "wiki"
            shown = wiki.strip()
            if shown != wiki:
                return None
            out.append((shown, (ref,), shown))
        if after:
            out.append((after, (), None))
        previous = kind
    return out


def simple_block(text: str, strong: str, mark: str, code: str, ref: str) -> list[Piece] | None:
    """A whole block's text as `render` makes it of text whose every line is prose (no
    table row, no comment; `simple_spans` takes no fence, quote or footnote) and that
    `simple_spans` renders: those pieces, without the line breaks that end the text.
    None for any other text."""
    if "|" in text or "%%" in text:
        return None
    found = simple_spans(text, strong, mark, code, ref)
    if found is None:
        return None
    while found and found[-1][0] == "\n":
        found.pop()
    return found


def simple_block_text(text: str) -> str | None:
    """The texts of `simple_block`'s pieces, joined (what `render.plain` shows of simple
    text), without a piece per span: every block's children are rendered so by the
    JSON export. None where `simple_block` is None."""
    if "|" in text or "%%" in text or _unsafe(text):
        return None
    parts = _SPAN.split(text)
    if len(parts) == 1:
        if _leftover(text):
            return None
        return "" if text == "\n" else text  # a piece of a lone line break is dropped
    if _leftover("\x00".join(parts[::5])):
        return None
    out = [parts[0]]
    previous = None
    for at in range(1, len(parts), 5):
        strong_, mark_, code_, wiki, after = parts[at : at + 5]
        if strong_ is not None:
            if previous == "strong" and not parts[at - 1]:
                return None  # as `simple_spans`
            out.append(strong_)
            previous = "strong"
        elif mark_ is not None:
            if previous == "mark" and not parts[at - 1]:
                return None
            out.append(mark_)
            previous = "mark"
        elif code_ is not None:
            if code_[0] == " " or code_[-1] == " ":
                return None
            out.append(code_)
            previous = "code"
        else:
            if wiki.strip() != wiki:
                return None
            out.append(wiki)
            previous = "wiki"
        out.append(after)
    # a span is never a line break: only the text after the last one can be a last
    # piece `simple_block` drops
    if out[-1] == "\n":
        out.pop()
    return "".join(out)
