"""Logseq's `^^highlight^^` spelled `==highlight==` in what a card shows.

A Logseq block's `^^x^^` is a highlight (`inline`, with `CARET_HIGHLIGHT` among
the markers, reads it as one). What shows a card — its faces, the app, every
export — renders the card's text as Markdown, where only `==x==` is a
highlight; so a Logseq block's text is kept for its cards with each `^^` that
the reader reads as a highlight's marker written `==` instead. The two are as
long, so the block's deletions stand where they stood, and both are runs of
ASCII punctuation, so every other marker opens and closes as it did. The
block's identity (its normalised text, its hashes) is taken from the text as
written, not from this.

Where `==` would read otherwise (a `=` next to the `^^`, `^^` and `==` crossing
each other), the text is left as written: a highlight there shows its carets
rather than a different highlight.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flashcards.notes.inline import mark_markers
from flashcards.notes.markers import CARET_HIGHLIGHT, HIGHLIGHT, STRONG, Deletion


def as_equals(text: str, markers: frozenset[str], spans: Iterable[tuple[int, int]] = ()) -> str:
    """`text` with its `^^` highlight markers written `==`; only within `spans` (the
    text's prose, end exclusive) when given. The text itself when it has none, or when
    `==` there would not read as the same highlights."""
    if "^^" not in text or CARET_HIGHLIGHT not in markers:
        return text
    chars: list[str] | None = None
    for a, b in spans or ((0, len(text)),):
        segment = text[a:b]
        if "^^" not in segment:
            continue
        found = mark_markers(segment, markers)
        carets = [pos for pos, markup in found if markup == "^^"]
        if not carets:
            continue
        respelled = list(segment)
        for pos in carets:
            respelled[pos] = respelled[pos + 1] = "="
        new = "".join(respelled)
        if mark_markers(new, markers - {CARET_HIGHLIGHT}) != [(pos, "==") for pos, _ in found]:
            continue  # `==` would read otherwise here: leave it as written
        if chars is None:
            chars = list(text)
        chars[a:b] = respelled
    return text if chars is None else "".join(chars)


def as_equals_marked(
    text: str,
    marks: Sequence[Deletion],
    markers: frozenset[str],
    spans: Iterable[tuple[int, int]] = (),
) -> tuple[str, tuple[Deletion, ...]]:
    """`as_equals(text)`, and the text's deletions with what they hold written so too (a
    strong span's `^^` inside it, a cloze's answer): a card's body and its marks."""
    body = as_equals(text, markers, spans)
    return body, tuple(
        d
        if "^^" not in d.inner
        else d._replace(
            inner=body[d.start + 2 : d.end - 2]
            if d.kind in (STRONG, HIGHLIGHT)
            else as_equals(d.inner, markers)
        )
        for d in marks
    )
