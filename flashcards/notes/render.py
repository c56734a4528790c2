"""Card text as a plain reader sees it: Markdown rendered to styled spans, never raw markup.

A block's text (and its children's outline) is Markdown in a note-taker's
dialect. `spans(text)` renders it to runs of text, each with the styles a
shell may show (strong, italic, strike, code, highlight, a link, an image, math,
a quote, a table, a callout's title); `plain(text)` is the same text without
styles — what `cards --json`, the JSON and TSV exports and the CLI show. Pure:
no Textual, no Rich; the app turns the styles into its own.

What each construct becomes:
- `[text](url)` → `text` (the url kept as the span's target); bare URLs stay as
  written (they are text, and a reader may want to copy them);
- `![alt](path)`, `![[img.png]]` → `[image: img.png]` (the path kept as the
  span's target, for exporters that embed media); `![[note]]` → `[embed: note]`;
- `[[page|alias]]` → `alias`, `[[page]]` → `page`;
- pipe tables → aligned columns (`│` between cells, `─` under the header);
- `> [!note] Title` callouts → quoted lines (`│ `) under `Note: Title`;
  other block quotes → quoted lines;
- footnote references `[^1]` and definitions `[^1]: …` → removed;
- `%% … %%` comments (inline or over several lines) → removed;
- `*italic*`, `_italic_`, `~~strike~~`, `**strong**`, `==highlight==` → their
  text, styled; inline code keeps its text;
- the harmless inline HTML tags (`<u>`, `<b>`, `<i>`, `<s>`, `<mark>`, `<kbd>`...)
  → their text, styled; `<br>` → a line break; `<sup>2</sup>` → `²` where Unicode
  has the characters (`flashcards.notes.inline_html`); any other tag stays text;
- `$…$` / `$$…$$` → readable Unicode through pylatexenc, bounded (a formula
  longer than `math.MAX_MATH`, or one pylatexenc cannot read, shows as written).

Fenced code keeps its lines exactly. Unknown or unbalanced markup is text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from flashcards.notes.inline_html import (
    BREAK,
    SUB,
    SUP,
    TAG_STYLES,
    html_tag_plugin,
    paired,
    shifted,
)
from flashcards.notes.inline_html import TOKEN as HTML_TAG
from flashcards.notes.inline_html import UNDERLINE as UNDERLINE  # a style, as those below
from flashcards.notes.math import math_plugin, math_text
from flashcards.notes.simple_spans import Piece, simple_block, simple_block_text, simple_spans
from flashcards.notes.simple_spans import as_written as as_written  # render.as_written

if TYPE_CHECKING:  # markdown-it loads when text with markup is first rendered, not before:
    # commands that show no card text (`decks`, `--help`) never pay for it
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

STRONG = "strong"
EM = "em"
STRIKE = "strike"
CODE = "code"
MARK = "mark"
LINK = "link"
REF = "ref"  # a wiki link to a page
IMAGE = "image"
MATH = "math"
QUOTE = "quote"
TITLE = "title"  # a callout's title line
TABLE = "table"  # table rules (the cells keep their own styles)

MAX_CACHE_TEXT = 4_000  # texts longer than this are rendered without being cached

_IMAGE_EXT = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|bmp|avif|tiff?)$", re.IGNORECASE)
# Text without any of these renders as itself (most card text)
_MARKUP = re.compile(r"[*_~`$%|>\[\]\\<&=!]")
_FENCE = re.compile(r"^\s*(?:[-*+]\s+)?(`{3,}|~{3,})")
_FOOTNOTE_DEF = re.compile(r"^\s*(?:[-*+]\s+)?\[\^[^\]\s]+\]:")
_QUOTE = re.compile(r"^(\s*(?:[-*+]\s+)?)>[ \t]?(.*)$")
_CALLOUT = re.compile(r"^\[!([\w-]+)\][+-]?[ \t]*(.*)$")
_TABLE_ROW = re.compile(r"^(\s*(?:[-*+]\s+)?)(\|.*\|?)\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(?:\|\s*:?-{1,}:?\s*)*\|?\s*$")
_COMMENT = re.compile(r"[ \t]*%%.*?(?:%%|\Z)", re.DOTALL)


class Span(NamedTuple):
    """A run of rendered text, its styles, and what it points at (a link's url, an
    image's path, a formula's LaTeX source)."""

    text: str
    styles: tuple[str, ...] = ()
    target: str | None = None


def plain(text: str) -> str:
    """The text as a plain reader sees it: rendered, without styles."""
    if not _MARKUP.search(text):
        return text
    if len(text) > MAX_CACHE_TEXT:
        return _plain(text)
    return _plain_cached(text)


def plain_once(text: str) -> str:
    """`plain(text)` for a caller that renders each text once (a block's children in the
    JSON export): simple text goes straight to `simple_block_text`, without the search
    for markup that only tells text as written (which it gives as written too, but for a
    lone line break) and without the cache."""
    simple = simple_block_text(text)
    if simple is None:
        return plain(text)
    return "\n" if text == "\n" else simple


@lru_cache(maxsize=8192)
def _plain_cached(text: str) -> str:
    return _plain(text)


def _plain(text: str) -> str:
    simple = simple_block_text(text)  # no span objects, nor pieces, for simple text
    if simple is not None:
        return simple
    return "".join(s.text for s in spans(text))


def spans(text: str) -> tuple[Span, ...]:
    """The text rendered as styled spans, in order (line breaks are in the spans' text)."""
    if not _MARKUP.search(text):
        return (Span(text),) if text else ()
    if len(text) > MAX_CACHE_TEXT:
        return _render_any(text)
    return _cached(text)


@lru_cache(maxsize=8192)
def _cached(text: str) -> tuple[Span, ...]:
    return _render_any(text)


def _render_any(text: str) -> tuple[Span, ...]:
    simple = _simple(text)
    return tuple(map(Span._make, simple)) if simple is not None else _render(text)


def simple_pieces(text: str) -> list[Piece] | None:
    """`spans(text)` as `(text, styles, target)` tuples when the text is simple (see
    `simple_spans`), without a cache; None when it is not: for callers that render
    each text once (every card's own front)."""
    if not _MARKUP.search(text):
        return [(text, (), None)] if text else []
    return _simple(text)


def _simple(text: str) -> list[Piece] | None:
    return simple_block(text, STRONG, MARK, CODE, REF)


def comment_spans(text: str) -> list[tuple[int, int]]:
    """Where `%% … %%` comments sit in `text` (end exclusive; an unclosed one runs to the end)."""
    if "%%" not in text:
        return []
    return [(m.start(), m.end()) for m in _COMMENT.finditer(text)]


def without_comments(text: str) -> str:
    """`text` with its `%% … %%` comments removed (fenced code is kept as written)."""
    if "%%" not in text:
        return text
    out: list[str] = []
    run: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        m = _FENCE.match(line)
        if fence is None and m:
            if run:
                out.append(_COMMENT.sub("", "\n".join(run)))
                run = []
            fence = m.group(1)
            out.append(line)
        elif fence is not None:
            out.append(line)
            if m and m.group(1).startswith(fence):
                fence = None
        else:
            run.append(line)
    if run:
        out.append(_COMMENT.sub("", "\n".join(run)))
    return "\n".join(out)


# -- blocks: lines ---------------------------------------------------------------


def _render(text: str) -> tuple[Span, ...]:
    text = without_comments(text)
    lines = text.split("\n")
    out: list[Span] = []
    prose: list[str] = []  # ordinary lines, rendered together (inline markup may span them)

    def flush() -> None:
        if prose:
            out.extend(_inline("\n".join(prose)))
            prose.clear()

    def newline() -> None:
        if out or prose:
            flush()
            out.append(Span("\n"))

    i = 0
    fence: str | None = None
    while i < len(lines):
        line = lines[i]
        m = _FENCE.match(line)
        if fence is not None or m:
            if fence is None:
                fence = m.group(1)  # type: ignore[union-attr]
            elif m and m.group(1).startswith(fence):
                fence = None
            newline()
            out.append(Span(line, (CODE,)))
            i += 1
            continue
        if _FOOTNOTE_DEF.match(line):
            i += 1
            while i < len(lines) and lines[i].startswith(("    ", "\t")):
                i += 1  # its continuation lines
            continue
        if _TABLE_ROW.match(line) and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1]):
            end = i + 2
            while end < len(lines) and _TABLE_ROW.match(lines[end]):
                end += 1
            newline()
            out.extend(_table(lines[i:end]))
            i = end
            continue
        q = _QUOTE.match(line)
        if q:
            end = i + 1
            while end < len(lines) and _QUOTE.match(lines[end]):
                end += 1
            newline()
            out.extend(_quote([_QUOTE.match(x) for x in lines[i:end]]))  # type: ignore[misc]
            i = end
            continue
        if prose:
            prose.append(line)
        else:
            newline()
            prose.append(line)
        i += 1
    flush()
    # drop a trailing line break left by a removed footnote or comment
    while out and out[-1].text == "\n":
        out.pop()
    return tuple(s for s in out if s.text)


def _quote(matches: list[re.Match[str]]) -> list[Span]:
    """A block quote, or an Obsidian callout (`> [!note] Title`) with its type and title."""
    lead = matches[0].group(1)
    pad = " " * len(lead) if lead else ""
    out: list[Span] = []
    body = [m.group(2) for m in matches]
    callout = _CALLOUT.match(body[0])
    if callout:
        kind = callout.group(1).replace("-", " ").capitalize()
        title = callout.group(2).strip()
        head = [Span(lead), Span(f"{kind}: " if title else kind, (QUOTE, TITLE))]
        head.extend(_restyle(_inline(title), (QUOTE, TITLE)))
        out.extend(head)
        body = body[1:]
        prefix = pad
    else:
        prefix = lead
    for n, line in enumerate(body):
        if out:
            out.append(Span("\n"))
        out.append(Span((prefix if n or callout else lead) + "│ ", (QUOTE,)))
        out.extend(_restyle(_inline(line), (QUOTE,)))
    return out


def _restyle(spans_: list[Span], extra: tuple[str, ...]) -> list[Span]:
    return [Span(s.text, (*extra, *s.styles), s.target) for s in spans_]


def _cells(row: str) -> list[str]:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    cells: list[str] = []
    cell: list[str] = []
    at = 0
    while at < len(row):
        c = row[at]
        if c == "\\" and row[at + 1 : at + 2] == "|":
            cell.append("|")
            at += 2
            continue
        if c == "|":
            cells.append("".join(cell).strip())
            cell = []
        else:
            cell.append(c)
        at += 1
    cells.append("".join(cell).strip())
    return cells


def _table(lines: list[str]) -> list[Span]:
    """A pipe table as aligned columns: `│` between cells, a `─` rule under the header."""
    lead = _TABLE_ROW.match(lines[0]).group(1)  # type: ignore[union-attr]
    pad = " " * len(lead)
    rows = [[_inline(c) for c in _cells(_TABLE_ROW.match(x).group(2))] for x in lines[:1]]  # type: ignore[union-attr]
    rows += [[_inline(c) for c in _cells(x)] for x in lines[2:]]
    columns = max(len(r) for r in rows)
    widths = [0] * columns
    for r in rows:
        for k, cell in enumerate(r):
            widths[k] = max(widths[k], sum(len(s.text) for s in cell))
    out: list[Span] = []
    for n, r in enumerate(rows):
        if n:
            out.append(Span("\n"))
        out.append(Span(lead if n == 0 else pad))
        for k in range(columns):
            cell = r[k] if k < len(r) else []
            if k:
                out.append(Span(" │ ", (TABLE,)))
            styles = (TABLE, STRONG) if n == 0 else ()
            out.extend(_restyle(cell, styles) if styles else cell)
            fill = widths[k] - sum(len(s.text) for s in cell)
            if fill and k < columns - 1:
                out.append(Span(" " * fill))
        if n == 0:
            out.append(Span("\n"))
            out.append(Span(pad + "─┼─".join("─" * w for w in widths), (TABLE,)))
    return out


# -- inline: markdown-it tokens ----------------------------------------------------


def _wikilink(state: StateInline, silent: bool) -> bool:
    """`[[page]]` → page, `[[page|alias]]` → alias; `![[file]]` → an image or an embed."""
    src, pos = state.src, state.pos
    embed = src.startswith("![[", pos)
    if not embed and not src.startswith("[[", pos):
        return False
    start = pos + (3 if embed else 2)
    end = src.find("]]", start)
    inner = src[start:end] if end >= 0 else ""
    if not inner.strip() or "[" in inner or "\n" in inner:
        return False
    if not silent:
        target, _, alias = inner.partition("|")
        token = state.push("wikilink", "", 0)
        token.meta["target"] = target.strip()
        token.meta["alias"] = alias.strip()
        token.meta["embed"] = embed
    state.pos = end + 2
    return True


def _footnote_ref(state: StateInline, silent: bool) -> bool:
    """`[^label]` is a footnote reference: it shows nothing."""
    src, pos = state.src, state.pos
    if not src.startswith("[^", pos):
        return False
    end = src.find("]", pos + 2)
    if end < 0 or end == pos + 2 or any(c in src[pos + 2 : end] for c in " \t\n["):
        return False
    state.pos = end + 1
    return True


def wikilink_plugin(md: MarkdownIt) -> None:
    """Teach a parser `[[page|alias]]`, `![[embed]]` (`wikilink` tokens) and footnote
    references `[^1]` (which make no token)."""
    md.inline.ruler.before("link", "footnote_ref", _footnote_ref)
    md.inline.ruler.before("image", "wikilink", _wikilink)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    from flashcards.notes.inline import highlight_plugin

    md = MarkdownIt("commonmark", {"html": False})
    md.enable("strikethrough")
    md.use(highlight_plugin)
    md.use(math_plugin)
    md.use(wikilink_plugin)
    md.use(html_tag_plugin)
    md.inline.ruler.disable("newline")  # line breaks stay in the text
    return md


def image_name(target: str) -> str:
    """What an image placeholder names: the file's name, without its folders or size."""
    name = target.split("|")[0].strip().replace("\\", "/").rstrip("/")
    return name.rsplit("/", 1)[-1] or name


def is_image(target: str) -> bool:
    """Whether a link target names an image file (by its extension)."""
    return bool(_IMAGE_EXT.search(target.split("|")[0].strip()))


def embed_text(target: str) -> str:
    """What an `![[embed]]` shows: `[image: name]` for an image, `[embed: name]` otherwise."""
    kind = "image" if is_image(target) else "embed"
    return f"[{kind}: {image_name(target)}]"


def _inline(text: str) -> list[Span]:
    if not text:
        return []
    if not _MARKUP.search(text):
        return [Span(text)]
    simple = simple_spans(text, STRONG, MARK, CODE, REF)
    if simple is not None:  # most card text: markdown-it's spans without markdown-it
        return [Span._make(p) for p in simple]
    return parsed_inline(text)


def parsed_inline(text: str) -> list[Span]:
    """Inline text rendered through markdown-it's tokens (what `simple_spans` must equal,
    but for the empty spans this leaves and `spans` drops)."""
    md = _parser()
    tokens = md.parseInline(text)[0].children or []
    out: list[Span] = []
    styles: list[str] = []
    links: list[str | None] = []
    tags: list[tuple[str, int]] = []  # the open HTML tags: name, where their text starts
    tagged = paired(tokens)
    opened = 0
    for n, tok in enumerate(tokens):
        t = tok.type
        target = links[-1] if links else None
        if tags:
            styles_now = (*styles, *(TAG_STYLES[name] for name, _ in tags if TAG_STYLES[name]))
        else:
            styles_now = tuple(styles)
        if t in ("text", "text_special", "html_inline") or (t == HTML_TAG and n not in tagged):
            out.append(Span(tok.content, styles_now, target))
        elif t == HTML_TAG:
            name = tok.meta["name"]
            if name == BREAK:
                out.append(Span("\n", styles_now))
            elif not tok.meta["closing"]:
                tags.append((name, len(out)))
            else:
                _, start = tags.pop()
                if name in (SUP, SUB):
                    run = out[start:]
                    texts = shifted([s.text for s in run], name)
                    out[start:] = [s._replace(text=x) for s, x in zip(run, texts, strict=True)]
        elif t == "code_inline":
            out.append(Span(tok.content, (*styles_now, CODE), target))
        elif t in ("strong_open", "em_open", "s_open", "mark_open"):
            styles.append({"strong": STRONG, "em": EM, "s": STRIKE, "mark": MARK}[tok.tag])
        elif t in ("strong_close", "em_close", "s_close", "mark_close"):
            if styles:
                styles.pop()
        elif t == "link_open":
            links.append(str(tok.attrs.get("href", "")))
            styles.append(LINK)
            opened = len(out)
        elif t == "link_close":
            if links:
                href = links.pop()
                if len(out) == opened and href:  # a link without text shows its url
                    out.append(Span(href, styles_now, href))
            if styles:
                styles.pop()
        elif t == "image":
            src = str(tok.attrs.get("src", ""))
            out.append(Span(f"[image: {image_name(src) or tok.content}]", (IMAGE,), src))
        elif t == "wikilink":
            target_ = tok.meta["target"]
            if tok.meta["embed"]:
                out.append(Span(embed_text(target_), (IMAGE,), target_))
            else:
                shown = tok.meta["alias"] or target_
                out.append(Span(shown, (*styles_now, REF), target_))
        elif t == "math":
            out.append(Span(math_text(tok.content), (*styles_now, MATH), tok.content))
        elif t in ("softbreak", "hardbreak"):
            out.append(Span("\n", styles_now))
    return out
