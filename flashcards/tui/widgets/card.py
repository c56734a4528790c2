"""How a card's text is shown: note text turned into styled, literal `Content`.

Text from notes is data. It is never parsed as Rich/Textual markup: a note
saying `[bold]` or `[@click=app.quit]x[/]` shows exactly that. The only
styling comes from the Markdown the cards keep (`**strong**`, `__strong__`,
`==highlight==`, `` `code` ``, `[[page links]]`) and from the gaps of the card itself, and is
applied as spans on plain text. Fenced code is left exactly as written.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from flashcards import faces
from flashcards.display import visible
from flashcards.faces import Gap
from flashcards.views import CardView

GAP_STYLE = "bold reverse $accent"
ANSWER_STYLE = "bold underline $text-success"
STRONG_STYLE = "bold"
HIGHLIGHT_STYLE = "bold $text-warning"
CODE_STYLE = "$text-primary"
REF_STYLE = "underline"

_ITEM = re.compile(r"^(\s*)[-*+] ")
_HANG = re.compile(r"^\s*(?:[-*+•] |\d+[.)] )?")
_FENCE = re.compile(r"^\s*(?:[-*+]\s+)?(```|~~~)")
_INLINE = r"(?P<code>`[^`\n]+`)|\[\[(?P<ref>[^\]\n]+)\]\]|\*\*(?P<strong>[^*\n]+?)\*\*|__(?P<under>[^_\n]+?)__|==(?P<mark>[^=\n]+?)=="


def _sentinels(text: str, count: int) -> list[str]:
    """`count` private-use characters that do not occur in `text`: where the gaps go while
    the text around them is styled (so a note's own `[...]` is never taken for one)."""
    found: list[str] = []
    code = 0xE000
    while len(found) < count:
        c = chr(code)
        if c not in text:
            found.append(c)
        code += 1
    return found


def to_content(
    text: str, gaps: dict[str, tuple[str, str]] | None = None, bullets: bool = False
) -> Content:
    """Plain note text as Content, with `gaps` (sentinel character -> (shown, style))
    put in their places. With `bullets`, outline items (`- item`) show as `• item`.

    Control characters in the text are shown as visible stand-ins (`flashcards.display`),
    never sent on.
    """
    text = visible(text)
    pattern = _INLINE
    if gaps:
        pattern = f"(?P<gap>[{''.join(gaps)}])|{_INLINE}"
    inline = re.compile(pattern)
    parts: list[tuple[str, str] | str] = []
    in_code = False
    for n, line in enumerate(text.expandtabs(4).split("\n")):
        if n:
            parts.append("\n")
        if _FENCE.match(line):
            in_code = not in_code
            parts.append((line, CODE_STYLE))
            continue
        if in_code:
            # code keeps its layout and its characters, asterisks included
            parts.append((line, CODE_STYLE))
            continue
        at = 0
        if bullets:
            item = _ITEM.match(line)
            if item:
                parts.append((item.group(1) + "• ", "$text-muted"))
                at = item.end()
        for m in inline.finditer(line, at):
            parts.append(line[at : m.start()])
            at = m.end()
            kind = m.lastgroup
            if kind == "gap":
                assert gaps is not None
                parts.append(gaps[m.group(0)])
            elif kind == "code":
                parts.append((m.group(0), CODE_STYLE))
            elif kind == "ref":
                parts.append((m.group(kind), REF_STYLE))  # a Logseq/Obsidian page link
            elif kind == "mark":
                parts.append((m.group(kind), HIGHLIGHT_STYLE))
            else:
                parts.append((m.group(kind), STRONG_STYLE))
        parts.append(line[at:])
    # Content.assemble takes strings as plain text (never markup) and (text, style) pairs
    return Content.assemble(*parts)


def _block_content(card: CardView, answered: bool) -> Content:
    """The card's block with its gaps: as `[...]` (or `[hint]`), or filled in."""
    pieces = card.pieces
    gaps = [p for p in pieces if isinstance(p, Gap)]
    marks = _sentinels(card.body, len(gaps))
    shown: dict[str, tuple[str, str]] = {}
    text: list[str] = []
    for piece in pieces:
        if isinstance(piece, Gap):
            mark = marks[len(shown)]
            if answered:
                shown[mark] = (visible(piece.answer), ANSWER_STYLE)
            else:
                shown[mark] = (f"[{visible(piece.hint or '...')}]", GAP_STYLE)
            text.append(mark)
        else:
            text.append(piece)
    return to_content("".join(text), shown)


def front_content(card: CardView) -> Content:
    """The question: the block with this card's answers as gaps."""
    return _block_content(card, answered=False)


def back_content(card: CardView) -> Content:
    """The answer: the block with the gaps filled in, then the block's children."""
    if card.kind != "cloze" and not card.answers:
        # a question card: the front is the question, the children are the answer
        answered = to_content(faces.resolved(card.body, card.marks))
    else:
        answered = _block_content(card, answered=True)
    if not card.children.strip():
        return answered
    return Content.assemble(answered, "\n\n", to_content(card.children, bullets=True))


CRUMB_MIN = 12  # however many crumbs, each keeps at least this much of its start


def breadcrumb(context: list[str], room: int) -> Content:
    """Where the card sits in its notes, in `room` characters: the ancestor blocks and
    headings, outermost first. All of it when it fits; otherwise the longest crumbs are
    shortened (an ancestor can be a whole paragraph) until it does, down to CRUMB_MIN."""
    crumbs = [visible(c) for c in context]
    sep = " › "
    room = max(room - len(sep) * (len(crumbs) - 1), 0)
    cap = max((len(c) for c in crumbs), default=0)
    while cap > CRUMB_MIN and sum(min(len(c), cap) for c in crumbs) > room:
        cap -= 1
    cut = [c if len(c) <= cap else c[: cap - 1].rstrip() + "…" for c in crumbs]
    return Content(sep.join(cut))


class Crumbs(Widget):
    """The breadcrumb, cut to the width it has (two lines at most), redrawn on resize."""

    DEFAULT_CSS = """
    Crumbs { width: 1fr; height: auto; max-height: 2; }
    """

    LINES = 2

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.context: list[str] = []

    def show(self, context: list[str]) -> None:
        self.context = list(context)
        self.refresh(layout=True)

    def _content(self, width: int) -> Content:
        return breadcrumb(self.context, max(width, 1) * self.LINES - self.LINES)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self.context:
            return 0
        return min(self.LINES, len(self._content(width).wrap(max(width, 1))))

    def render(self) -> Content:
        return self._content(self.content_region.width)


def hanging(content: Content, width: int) -> list[Content]:
    """Wrap each line to `width`, continuing under its own text (after indent and bullet).

    Outline children and indented code stay readable when a line is longer
    than the terminal: the wrapped part lines up with where the text began.
    """
    lines: list[Content] = []
    width = max(width, 4)
    for line in content.split("\n", allow_blank=True):
        plain = line.plain
        if len(plain) <= width:
            lines.append(line)
            continue
        hang = min(len(_HANG.match(plain).group(0)), width // 2)
        head, rest = line.divide([hang]) if hang else (Content(""), line)
        for i, piece in enumerate(rest.wrap(width - hang)):
            lines.append(Content.assemble(head if i == 0 else " " * hang, piece.rstrip()))
    return lines


class CardFace(Widget):
    """A card's front or back, wrapped with hanging indents. All text arrives as Content."""

    DEFAULT_CSS = """
    CardFace { width: 1fr; height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.content = Content("")

    def update(self, content: Content) -> None:
        self.content = content
        self.refresh(layout=True)

    def _lines(self, width: int) -> list[Content]:
        return hanging(self.content, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines(width))

    def render(self) -> Content:
        return Content("\n").join(self._lines(self.content_region.width))
