"""Card text → the HTML fields Anki shows, shared by the `apkg` and `tsv` exports.

Note text is Markdown and is data: raw HTML in a note is escaped, never passed
through, so a `<script>` in someone's notes shows as text in Anki. Highlights
(`==x==`) become `<mark>`, Logseq `[[links]]` their plain title (`[[page|alias]]`
the alias), and a card's Anki cloze markers (`{{c1::answer::hint}}`) pass
through for Anki to render. Math becomes Anki's own MathJax markers, `\\(…\\)`
and `\\[…\\]`; pipe tables HTML tables; `> [!note] Title` callouts a block quote
under a bold `Note: Title`. An image (`![](path)`, `![[img.png]]`) is a placeholder
naming its target (`image_placeholder`): the apkg writer puts the file in the package
and an `<img>` there, other writers `[image: name]` (`export.media`); footnotes and `%% comments %%` are dropped — the same
reading as `flashcards.notes.render`, whose syntax rules these are.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt

from flashcards import faces
from flashcards.export.job import ExportCard, ExportDeck

# the one definition of `==highlight==` syntax, shared with the card extractor
from flashcards.notes.inline import highlight_plugin
from flashcards.notes.math import math_plugin
from flashcards.notes.render import embed_text, wikilink_plugin, without_comments

BREADCRUMB = " › "

# Text without these renders as itself (escaped): most card text, so most card
# text skips the Markdown parser.
_MARKUP = re.compile(r"[\\`*_\[\]<>&=\n$%~|^]")
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
_FENCE = re.compile(r"(`{3,}|~{3,})")


# What the fast paths below do not render: math, comments, strike, tables, quotes, embeds
# (one pattern of the three, `[$%~|^]|!\[|^\s*(?:[-*+]\s+)?>`, tried every branch at
# every character: ~4x slower than the three asked apart, and it ran ~9 times a card;
# the characters are asked with `in`, ~3x faster than their character class)
_QUOTE_LINE = re.compile(r"^\s*(?:[-*+]\s+)?>", re.MULTILINE)


def is_slow(text: str) -> bool:
    """Whether `text` holds what the fast paths do not render."""
    return bool(
        "$" in text
        or "%" in text
        or "~" in text
        or "|" in text
        or "^" in text
        or "![" in text
        or (">" in text and _QUOTE_LINE.search(text))
    )


_CALLOUT = re.compile(r"^(\s*(?:[-*+]\s+)?>[ \t]?)\[!([\w-]+)\][+-]?[ \t]*(.*)$", re.MULTILINE)
_FOOTNOTE_DEF = re.compile(
    r"^\s*(?:[-*+]\s+)?\[\^[^\]\s]+\]:.*(?:\n(?:    |\t).*)*\n?", re.MULTILINE
)


def _math_html(self, tokens, idx, options, env) -> str:  # noqa: ANN001 - markdown-it's signature
    """Anki's MathJax markers: `\\(…\\)` inline, `\\[…\\]` for `$$…$$`."""
    tok = tokens[idx]
    body = _escape(tok.content)
    return f"\\[{body}\\]" if tok.meta["display"] else f"\\({body}\\)"


IMAGE_OPEN, IMAGE_CLOSE = "\ue002", "\ue003"


def image_placeholder(target: str, alt: str = "") -> str:
    """Where an image goes in a rendered field: its target (and, when it has no name,
    its alt text), escaped, between two private-use characters."""
    return f"{IMAGE_OPEN}{_escape(target)}\ue004{_escape(alt)}{IMAGE_CLOSE}"


def _wikilink_html(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    meta = tokens[idx].meta
    target = meta["target"]
    if meta["embed"]:
        text = embed_text(target)
        return image_placeholder(target) if text.startswith("[image: ") else _escape(text)
    return _escape(meta["alias"] or target)


def _image_html(self, tokens, idx, options, env) -> str:  # noqa: ANN001
    src = str(tokens[idx].attrs.get("src", ""))
    return image_placeholder(src, tokens[idx].content)


def _callout(m: re.Match[str]) -> str:
    kind = m.group(2).replace("-", " ").capitalize()
    title = m.group(3).strip()
    return f"{m.group(1)}**{kind}{': ' + title if title else ''}**"


def _prepare(markdown: str) -> str:
    """What the parser reads: comments and footnote definitions gone, callouts titled."""
    markdown = without_comments(markdown)
    if "[^" in markdown:
        markdown = _FOOTNOTE_DEF.sub("", markdown)
    if "[!" in markdown:
        markdown = _CALLOUT.sub(_callout, markdown)
    return markdown


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # html=False: HTML in notes is shown as text, not interpreted
    md = MarkdownIt("commonmark", {"html": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    md.use(highlight_plugin)
    md.use(math_plugin)
    md.use(wikilink_plugin)
    md.add_render_rule("math", _math_html)
    md.add_render_rule("wikilink", _wikilink_html)
    md.add_render_rule("image", _image_html)
    return md


def to_html(markdown: str) -> str:
    """Markdown (a block's text, an outline) → HTML for an Anki field."""
    if not markdown:
        return ""
    if not _MARKUP.search(markdown):
        return _escape(markdown)
    slow = is_slow(markdown)
    if slow:
        markdown = _prepare(markdown)
    if "\n" not in markdown and not markdown.startswith("- "):
        # one line is inline text, as in the outline it came from: no <p> around it
        # (a one-item outline — a question's single child — is still a list)
        fast = _fast_inline(markdown, known_fast=not slow)
        return fast if fast is not None else _markdown().renderInline(markdown)
    return _outline_html(markdown)


# -- fast paths -------------------------------------------------------------------
# markdown-it-py costs ~0.2 ms a call, which is most of a 50,000-card export. Most
# card text is plain words with **strong**, ==highlight==, `code` and [[links]]:
# those render here, to exactly what markdown-it renders (a test holds them to
# it); anything else goes to markdown-it.

# A span whose markers open and close for sure: its first and last characters are
# letters or digits (so the runs are left- and right-flanking) and nothing inside
# is markup.
_EDGE = r"[^\W_]"
_PLAIN = r"[^*_`\[\]\\<>=&\n]"
_SPAN = re.compile(
    rf"\*\*(?P<strong>{_EDGE}(?:{_PLAIN}*{_EDGE})?)\*\*"
    rf"|==(?P<mark>{_EDGE}(?:{_PLAIN}*{_EDGE})?)=="
    # the lookbehind comes after the backtick: every branch then starts with a literal,
    # which lets the regex engine skip ahead to the next '*', '=', '`' or '['
    r"|`(?<!``)(?P<code>[^`\n]+)`(?!`)"
    r"|\[\[(?P<wiki>[^\[\]\n]+)\]\]"
)
# what markdown could still read as markup between the spans above
# (one leading character class, so the regex engine skips ahead to candidates)
_LEFTOVER = re.compile(r"[*_`\[\]\\<>=&](?:(?<![=&])|(?<==)=|(?<=&)#?\w+;)")
_ITEM = re.compile(r"( *)- (.*)")
# an item starting with a letter, a digit or an inline span cannot open another block...
_BLOCK_START = re.compile(r"[^\W_]|\*\*[^\W_]|==|`[^`]|\[\[|[\"'(\ue000]")
_ORDERED = re.compile(r"\d{1,9}[.)](?:\s|$)")  # ...that is not a numbered list


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _fast_inline(text: str, known_fast: bool = False) -> str | None:
    """One line with only the simple spans, rendered; None when markdown-it must.
    `known_fast`: the caller found `is_slow(text)` false already."""
    found = fast_inline_parts(text, known_fast)
    return None if found is None else "".join(found[1])


def fast_inline_parts(text: str, known_fast: bool = False) -> tuple[list, list[str]] | None:
    """`_fast_inline` in pieces: what `_SPAN.split` made of the text, and the HTML of each
    piece (the text before the first span, then each span and the text after it)."""
    if text[:1].isspace() or text[-1:].isspace():
        return None  # markdown strips a line's edges
    if not known_fast and is_slow(text):
        return None
    if "===" in text or "****" in text or "]](" in text:
        # a span beside its own marker (`==a===`, `**a****b**`: one longer run, which
        # markdown pairs otherwise) or a `[[link]]` followed by `(`: a Markdown link
        return None
    # split() gives the text between spans, then each span's four groups, and so on
    parts = _SPAN.split(text)
    if len(parts) == 1:
        return None if _LEFTOVER.search(text) else (parts, [_escape(text)])
    if _LEFTOVER.search("\x00".join(parts[::5])):
        return None
    # every piece is a slice of `text`: when it has nothing to escape, neither do they
    escape = _escape if "&" in text or "<" in text or ">" in text or '"' in text else str
    out = [escape(parts[0])]
    for at in range(1, len(parts), 5):
        strong, mark, code, wiki, after = parts[at : at + 5]
        if strong is not None:
            out.append(f"<strong>{escape(strong)}</strong>")
        elif mark is not None:
            out.append(f"<mark>{escape(mark)}</mark>")
        elif code is not None:
            if code.strip() != code or "  " in code:
                return None  # markdown trims and folds a code span's spaces
            out.append(f"<code>{escape(code)}</code>")
        else:
            if not wiki.strip() or wiki != wiki.strip():
                return None
            out.append(escape(wiki))
        out.append(escape(after))
    return parts, out


@lru_cache(maxsize=4096)
def _outline_html(markdown: str) -> str:
    """Several lines: a block with its children's outline (siblings share one)."""
    fast = _fast_outline(markdown) if markdown.startswith("- ") else _fast_paragraph(markdown)
    return fast if fast is not None else _markdown().render(markdown).strip()


def _fast_paragraph(markdown: str) -> str | None:
    """Lines of one paragraph (a block written over several lines), each simple."""
    if markdown[0].isspace():
        return None  # an indented first line may be code
    out: list[str] = []
    for line in markdown.split("\n"):
        text = line.lstrip()  # a paragraph's later lines lose their indent
        if not _BLOCK_START.match(text) or _ORDERED.match(text):
            return None  # a blank line, a list, a heading, a fence... : markdown-it
        body = _fast_inline(text)
        if body is None:
            return None
        out.append(body)
    return "<p>" + "<br />\n".join(out) + "</p>"


def _fast_outline(markdown: str) -> str | None:
    """A tight `- item` outline whose items are single simple lines, as markdown-it
    renders it; None for anything else."""
    out: list[str] = []
    depth = -1
    for line in markdown.split("\n"):
        m = _ITEM.fullmatch(line)
        if m is None or len(m.group(1)) % 2:
            return None
        level = len(m.group(1)) // 2
        text = m.group(2)
        if level > depth + 1 or not _BLOCK_START.match(text) or _ORDERED.match(text):
            return None
        body = _fast_inline(text)
        if body is None:
            return None
        if level == depth + 1:
            out.append("\n<ul>\n" if depth >= 0 else "<ul>\n")
        else:
            out.append("</li>\n" + "</ul>\n</li>\n" * (depth - level))
        out.append(f"<li>{body}")
        depth = level
    out.append("</li>\n" + "</ul>\n</li>\n" * depth + "</ul>")
    return "".join(out)


def _inline_html(text: str) -> str:
    if not _MARKUP.search(text):
        return _escape(text)
    fast = _fast_inline(text)
    return fast if fast is not None else _markdown().renderInline(text)


_ONE_PLACEHOLDER = "\ue0000\ue001"  # what the general path puts for a first marker


def marker_html(m: re.Match[str]) -> str:
    """A `{{c1::answer::hint}}` marker with its answer and hint rendered."""
    number, answer, hint = m.group(1), m.group(2), m.group(3)
    shown = _inline_html(answer) + (f"::{_inline_html(hint)}" if hint else "")
    return f"{{{{c{number}::{shown}}}}}"


def cloze_html(cloze: str) -> str:
    """A card's cloze text as HTML that still carries its `{{c1::answer::hint}}` markers.

    The markers are set aside while the text around them is rendered (so Markdown
    cannot split one, e.g. with emphasis across its edge); their answer and hint
    are rendered on their own and put back. A card's cloze text usually has one
    marker, its own deletion: that case skips the placeholder regex.
    """
    first = CLOZE.search(cloze)
    if first is not None and "\ue000" not in cloze and CLOZE.search(cloze, first.end()) is None:
        # one marker (a card's own deletion) and no placeholder character in the text:
        # the placeholder is found by plain string search
        text = f"{cloze[: first.start()]}{_ONE_PLACEHOLDER}{cloze[first.end() :]}"
        rendered = to_html(text)
        if rendered.count(_ONE_PLACEHOLDER) != 1:  # never lose a marker
            return _escape(cloze).replace("\n", "<br>")
        return rendered.replace(_ONE_PLACEHOLDER, marker_html(first))
    return _cloze_html_any(cloze)


def _cloze_html_any(cloze: str) -> str:
    """cloze_html for any number of markers."""
    markers: list[str] = []

    def aside(m: re.Match[str]) -> str:
        markers.append(marker_html(m))
        return f"\ue000{len(markers) - 1}\ue001"

    rendered = to_html(CLOZE.sub(aside, cloze))
    placed = 0

    def back(m: re.Match[str]) -> str:
        nonlocal placed
        index = int(m.group(1))
        if index >= len(markers):
            return m.group()  # the note's own text (private-use characters), kept
        placed += 1
        return markers[index]

    rendered = _PLACEHOLDER.sub(back, rendered)
    if placed != len(markers):  # cannot happen with markdown-it; never lose a marker
        return _escape(cloze).replace("\n", "<br>")
    return rendered


def open_fence(lines: list[str], fence: str | None = None) -> str | None:
    """The fence marker still open after `lines` (None when outside fenced code),
    by the outline reader's rules: ```` ```inline``` ```` on one line is a code span."""
    for line in lines:
        fence = _fence_step(line, fence)
    return fence


def _fence_step(line: str, fence: str | None) -> str | None:
    stripped = line.strip()
    if fence is None:
        m = _FENCE.match(stripped)
        if m and not (m.group(1)[0] == "`" and "`" in stripped[len(m.group(1)) :]):
            return m.group(1)
        return None
    if stripped.startswith(fence) and not stripped.strip(fence[0]):
        return None
    return fence


@lru_cache(maxsize=1024)  # the cards of one block share their children
def back_extra_html(children: str) -> str:
    """A cloze card's back extra: the outline of its block's children, as HTML."""
    return to_html(children)


def context_html(card: ExportCard) -> str:
    """The card's breadcrumb: rendered, with the card's own answers hidden in it."""
    context = tuple(card.context)
    if card.kind == "basic" or not card.hidden:
        return _breadcrumb(context, ())
    # keyed by the answers the context holds, usually none: the cards of a section share
    if len(card.hidden) == 1:  # most cards: `faces.answers_in_context` of its one answer
        answer = card.marks[card.hidden[0]].answer
        folded, shown = _context(context)
        return _breadcrumb(context, (answer,)) if answer.strip().casefold() in folded else shown
    answers = faces.answers_in_context(context, [card.marks[i].answer for i in card.hidden])
    return _breadcrumb(context, answers)


@lru_cache(maxsize=1024)  # many cards share a context
def _context(context: tuple[str, ...]) -> tuple[str, str]:
    """The context rendered and case-folded (`faces.rendered_context`), and its breadcrumb
    when it holds none of a card's answers: one lookup for most cloze cards."""
    return faces.rendered_context(context)[1], _breadcrumb(context, ())


@lru_cache(maxsize=1024)  # many cards share a context
def _breadcrumb(context: tuple[str, ...], answers: tuple[str, ...]) -> str:
    return BREADCRUMB.join(_escape(c) for c in faces.crumbs(context, answers))


_escape_source = lru_cache(maxsize=1024)(_escape)


def source_html(deck: ExportDeck, card: ExportCard) -> str:
    # a line number needs no escaping; the file name is escaped once per file
    return f"{_escape_source(deck.short_source(card.source))}:{card.line}"


def note_guid(card: ExportCard) -> str:
    """The Anki note GUID of a card (apkg and tsv alike): our stable guid itself (never its
    text), so notes in Anki and cards in flashcards can be told apart and matched by the
    same id."""
    return card.guid


def anki_tags(tags: list[str]) -> list[str]:
    """Anki tags are space-separated: spaces inside a tag become '_'."""
    return list(_anki_tags(tuple(tags)))


def anki_tag_text(tags: list[str]) -> str:
    """A card's tags as Anki's space-separated tag field."""
    return _anki_tag_text(tuple(tags))


@lru_cache(maxsize=1024)
def _anki_tag_text(tags: tuple[str, ...]) -> str:
    return " ".join(_anki_tags(tags))


@lru_cache(maxsize=1024)  # a deck's cards share a few tag lists
def _anki_tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for tag in tags:
        clean = re.sub(r"\s+", "_", tag.strip())
        if clean and clean not in out:
            out.append(clean)
    return tuple(out)


def basic_back(card: ExportCard) -> str:
    """A question card's answer side: its children, and the block revealed when the front
    hid something (a cloze inside a question)."""
    return card.back if card.hidden else card.children
