"""A card's faces, rendered from its block's text and its gaps — never re-parsed.

A card carries its block's text as written (`body`), the block's deletions
(`marks`: where each marker sits, what it hides), which of them this card
hides (`hidden`) and the block's children (`children`, an outline). From these
every consumer renders what it shows; none searches a flattened string for
`[...]` or splits a back at its line breaks (a note's own `[...]`, or a
deletion across a line break, fooled that).

- `pieces`: the block as runs of text and gaps, in order — what the app styles;
- `front` / `back` / `cloze`: the plain strings of the JSON and the exports
  (`[...]` or `[hint]` for a gap on the front, the children after the block on
  the back, Anki's `{{c1::answer::hint}}` in the cloze text).

Strong and highlight deletions that a card does not hide stay as written
(`**term**` is emphasis); cloze markers it does not hide show their answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from flashcards.notes.markers import HIGHLIGHT, STRONG, Deletion

BASIC = "basic"
_EMPHASIS = (STRONG, HIGHLIGHT)


class Gap(NamedTuple):
    """One hidden span of a card: where it sits in the text it is a piece of, and what
    it hides."""

    answer: str  # the answer as plain text
    hint: str | None
    shown: str  # what the back shows in its place: the marked text, clozes resolved


Piece = str | Gap  # a run of text as written, or a gap


def pieces(body: str, marks: Sequence[Deletion], hidden: Sequence[int]) -> list[Piece]:
    """The block's text as runs of text and this card's gaps, in text order."""
    out: list[Piece] = []
    at = 0
    hide = set(hidden)
    for i, d in enumerate(marks):
        if i in hide:
            out.append(body[at : d.start])
            shown = body[d.start : d.end] if d.kind in _EMPHASIS else d.inner
            out.append(Gap(d.answer, d.hint, shown))
        elif d.kind not in _EMPHASIS:
            out.append(body[at : d.start] + d.inner)
        else:
            continue  # strong and highlight of other cards stay as written
        at = d.end
    out.append(body[at:])
    return [p for p in out if p != ""]


def _placeholder(gap: Gap) -> str:
    return f"[{gap.hint or '...'}]"


def front(body: str, marks: Sequence[Deletion], hidden: Sequence[int]) -> str:
    """The question: each gap as `[...]` (or `[hint]`), other clozes resolved."""
    if len(marks) == 1 and hidden:  # most blocks: one deletion, hidden
        d = marks[0]
        return f"{body[: d.start]}[{d.hint or '...'}]{body[d.end :]}"
    return "".join(
        p if isinstance(p, str) else _placeholder(p) for p in pieces(body, marks, hidden)
    )


def resolved(body: str, marks: Sequence[Deletion]) -> str:
    """The block as its back (and its ancestors' backs) show it: cloze syntax replaced
    by what it hides, strong and highlight as written."""
    out: list[str] = []
    at = 0
    for d in marks:
        if d.kind in _EMPHASIS:
            continue
        out.append(body[at : d.start])
        out.append(d.inner)
        at = d.end
    out.append(body[at:])
    return "".join(out)


def back(body: str, marks: Sequence[Deletion], children: str) -> str:
    """The answer side as one string: the block resolved, then its children's outline."""
    own = resolved(body, marks)
    return f"{own}\n{children}" if children else own


def cloze(kind: str, body: str, marks: Sequence[Deletion], hidden: Sequence[int]) -> str:
    """The block in Anki's cloze syntax: this card's gaps as `{{c1::answer::hint}}`.
    A question card has none: its text, clozes resolved."""
    if kind == BASIC:
        return resolved(body, marks)
    hide = set(hidden)
    out: list[str] = []
    at = 0
    for i, d in enumerate(marks):
        if i in hide:
            out.append(body[at : d.start])
            out.append(f"{{{{c1::{d.inner}{'::' + d.hint if d.hint else ''}}}}}")
        elif d.kind not in _EMPHASIS:
            out.append(body[at : d.start] + d.inner)
        else:
            continue
        at = d.end
    out.append(body[at:])
    return "".join(out)
