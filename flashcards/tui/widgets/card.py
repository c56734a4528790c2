"""How a card's text is shown: note text turned into styled, literal `Content`.

Text from notes is data. It is never parsed as Rich/Textual markup: a note
saying `[bold]` or `[@click=app.quit]x[/]` shows exactly that. The only
styling comes from the Markdown the cards keep (`**strong**`, `__strong__`,
`==highlight==`, `` `code` ``, `[[page links]]`) and from the gaps of the card itself, and is
applied as spans on plain text. Fenced code is left exactly as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from flashcards.collection import CardView
from flashcards.display import visible

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


def placeholders(card: CardView) -> list[str]:
    """The gap markers the front shows in place of the card's answers."""
    found = ["[...]"]
    if card.hint:
        found.insert(0, f"[{card.hint}]")
    return found


def to_content(
    text: str, gaps: Sequence[str] = (), answers: list[str] | None = None, bullets: bool = False
) -> Content:
    """Plain note text as Content; gap markers styled (or, with answers, filled in).

    With `bullets`, outline items (`- item`) show as `• item`. Control characters in
    the text are shown as visible stand-ins (`flashcards.display`), never sent on.
    """
    text = visible(text)
    pattern = _INLINE
    if gaps:
        alternatives = "|".join(re.escape(g) for g in gaps)
        pattern = f"(?P<gap>{alternatives})|{_INLINE}"
    inline = re.compile(pattern)
    parts: list[tuple[str, str] | str] = []
    answer_at = 0
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
                if answers is None:
                    parts.append((m.group(0), GAP_STYLE))
                else:
                    shown = answers[min(answer_at, len(answers) - 1)] if answers else m.group(0)
                    answer_at += 1
                    parts.append((shown, ANSWER_STYLE))
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


def front_content(card: CardView) -> Content:
    """The question: the block with this card's answers as gaps."""
    return to_content(card.front, placeholders(card))


def back_content(card: CardView) -> Content:
    """The answer: the block with the gaps filled in, then the block's children."""
    front_lines = card.front.count("\n") + 1
    back_lines = card.back.split("\n")
    children = "\n".join(back_lines[front_lines:])
    answered = to_content(card.front, placeholders(card), answers=list(card.answers))
    if card.kind != "cloze" and not card.answers:
        # a question card: the front is the question, the children are the answer
        answered = to_content("\n".join(back_lines[:front_lines]))
    if not children.strip():
        return answered
    return Content.assemble(answered, "\n\n", to_content(children, bullets=True))


CRUMB_WIDTH = 48  # an ancestor block can be a whole paragraph: show its start


def breadcrumb(card: CardView) -> Content:
    """Where the card sits in its notes: the ancestor blocks and headings, each kept short."""
    crumbs = [
        c if len(c) <= CRUMB_WIDTH else c[: CRUMB_WIDTH - 1].rstrip() + "…" for c in card.context
    ]
    return Content(visible(" › ".join(crumbs)))


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
