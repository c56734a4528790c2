"""How a card's text is shown: note text turned into styled, literal `Content`.

Text from notes is data. It is never parsed as Rich/Textual markup: a note
saying `[bold]` or `[@click=app.quit]x[/]` shows exactly that. The Markdown is
rendered by `flashcards.notes.render` (links as their text, math as Unicode,
tables aligned, callouts quoted under their title); its styles (strong,
italic, strike, highlight, code, links) and the card's own gaps are applied
here as spans on plain text. Fenced code is left exactly as written.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

from flashcards import faces
from flashcards.display import visible
from flashcards.faces import Echo, Gap, Segment
from flashcards.notes import render
from flashcards.views import CardView

GAP_STYLE = "bold reverse $accent"
ANSWER_STYLE = "bold underline $text-success"
ECHO_STYLE = "$text-muted"  # the answer where it also stands on the front: hidden, quietly
STRONG_STYLE = "bold"
HIGHLIGHT_STYLE = "bold $text-warning"
CODE_STYLE = "$text-primary"
REF_STYLE = "underline"

# how each style of rendered text (`flashcards.notes.render`) shows in the app
_STYLES = {
    render.STRONG: STRONG_STYLE,
    render.EM: "italic",
    render.STRIKE: "strike",
    render.CODE: CODE_STYLE,
    render.MARK: HIGHLIGHT_STYLE,
    render.LINK: REF_STYLE,
    render.REF: REF_STYLE,
    render.IMAGE: "italic $text-muted",
    render.MATH: "italic",
    render.QUOTE: "$text-secondary",
    render.TITLE: "bold",
    render.TABLE: "$text-muted",
    render.UNDERLINE: "underline",
}

_ITEM = re.compile(r"(?m)^(\s*)[-*+] ")
_HANG = re.compile(r"^\s*(?:[-*+•] |\d+[.)] |│ )?")


def _style(styles: tuple[str, ...]) -> str:
    return " ".join(_STYLES[s] for s in styles if s in _STYLES)


def _parts(spans: list[Segment], answered: bool, bullets: bool) -> list[tuple[str, str] | str]:
    """Rendered segments as Content parts: styles applied, gaps shown or filled, text literal.

    Control characters in the text are shown as visible stand-ins (`flashcards.display`),
    never sent on.
    """
    parts: list[tuple[str, str] | str] = []
    for s in spans:
        if isinstance(s, Gap):
            if answered:
                # the answer as its marker renders it, on one line like its plain text
                parts.extend(
                    (visible(" ".join(a.text.split("\n"))), f"{_style(a.styles)} {ANSWER_STYLE}")
                    for a in render.spans(s.shown)
                )
            else:
                parts.append((f"[{visible(s.hint or '...')}]", GAP_STYLE))
        elif isinstance(s, Echo):
            parts.append((faces.HIDDEN, ECHO_STYLE) if not answered else visible(s.text))
        else:
            text = visible(s.text).expandtabs(4)
            style = _style(s.styles)
            if bullets and render.CODE not in s.styles and ("- " in text or "* " in text):
                at = 0
                for m in _ITEM.finditer(text):
                    if m.start() > at:
                        parts.append(
                            (text[at : m.start()], style) if style else text[at : m.start()]
                        )
                    parts.append((m.group(1) + "• ", "$text-muted"))
                    at = m.end()
                text = text[at:]
            if text:
                parts.append((text, style) if style else text)
    return parts


def to_content(text: str, bullets: bool = False) -> Content:
    """Note text (Markdown) rendered as Content. With `bullets`, outline items (`- item`)
    show as `• item`."""
    # Content.assemble takes strings as plain text (never markup) and (text, style) pairs
    return Content.assemble(*_parts(list(render.spans(text)), False, bullets))


def _block_content(card: CardView, answered: bool) -> Content:
    """The card's block with its gaps: as `[...]` (or `[hint]`), or filled in."""
    return Content.assemble(*_parts(card.segments, answered, False))


def front_content(card: CardView) -> Content:
    """The question: the block with this card's answers as gaps (and hidden wherever
    else they stand on the front)."""
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
    headings, outermost first (rendered, the card's answers masked: `CardView.crumbs`). All of it when it fits; otherwise the longest crumbs are
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


def shown_as(card: CardView) -> tuple[object, ...]:
    """What the review shows of a card: when it differs, the card is shown again."""
    return (
        card.body,
        card.marks,
        card.hidden,
        card.context,
        card.children,
        card.hint,
        card.answers,
        card.source,
        card.line,
        card.kind,
    )
