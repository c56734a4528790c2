"""A block's cloze cards' HTML (apkg, tsv): the block's text rendered once for all of them.

A block with three deletions makes three cards, whose cloze texts differ only in where
their marker stands; `card_cloze_html` gives each card exactly the HTML
`render.cloze_html` renders from its own cloze text, from the block's text rendered
once (`_shared_text`) and each of its one-deletion cards worked out together
(`_block_cloze_html`).
"""

from __future__ import annotations

from functools import lru_cache

from flashcards import faces
from flashcards.export import render
from flashcards.export.job import ExportCard
from flashcards.notes.markers import Deletion


def card_cloze_html(card: ExportCard) -> str:
    """`cloze_html(card.cloze)`, with the text around the card's deletion rendered once for
    all the cards of its block (a block with three deletions makes three cards).

    A block's cards differ only in the span their marker stands for: where the block's
    text (clozes resolved) takes the fast path whole and the card's marker stands exactly
    where one of its spans stood, the text around the marker renders as that text's pieces
    do, the span's piece left out (a span's piece never depends on another span: a
    placeholder in its place opens, closes or escapes nothing). Anything else renders
    the card's own text, as `cloze_html` does. A card hiding one deletion of several gets
    its HTML from its block's (`_block_cloze_html`), worked out once for all its cards.
    """
    if len(card.marks) > 1:
        if len(card.hidden) == 1 and 0 <= card.hidden[0] < len(card.marks):
            return _block_cloze_html(card.kind, card.body, card.marks)[card.hidden[0]]
        shared = _shared_cloze_html(card.cloze, card.resolved)
        if shared is not None:
            return shared
    return render.cloze_html(card.cloze)


@lru_cache(maxsize=256)  # a block's cards come one after another
def _block_cloze_html(kind: str, body: str, marks: tuple[Deletion, ...]) -> list[str]:
    """The HTML of each of a block's one-deletion cards (`card_cloze_html`), by the index
    of the deletion it hides, the block's text resolved and rendered once for all.

    A card's cloze text is the resolved text with its deletion's stretch as a marker
    (`faces.resolved_spots`). Where the resolved text holds no `{{c` at all, that marker
    is the first and only one the cloze regex finds in it (no match can start before it,
    or after it); the HTML is then `_shared_cloze_html`'s, worked out from the spots."""
    text = faces.resolved(body, marks)
    spots = faces.resolved_spots(marks)
    shared = None if spots is None or "{{c" in text else _shared_text(text)
    out: list[str] = []
    for i, d in enumerate(marks):
        if shared is None or spots is None:
            cloze = faces.cloze(kind, body, marks, (i,))
            html = _shared_cloze_html(cloze, text)
            out.append(render.cloze_html(cloze) if html is None else html)
            continue
        pieces, spans = shared
        start, end = spots[i]
        marker = faces.cloze_marker(d)
        k = spans.get((start, end))
        found = render.CLOZE.match(marker)  # as a search of the cloze text finds it, at `start`
        if k is None or found is None or found.end() != len(marker) or "\ue000" in marker:
            out.append(render.cloze_html(f"{text[:start]}{marker}{text[end:]}"))
        else:
            out.append("".join(pieces[:k]) + render.marker_html(found) + "".join(pieces[k + 1 :]))
    return out


def _shared_cloze_html(cloze: str, text: str) -> str | None:
    """`cloze_html(cloze)` from `text` (the block's text, clozes resolved) rendered once
    (`_shared_text`), where the cloze text's one marker stands where a strong or highlight
    span of `text` stood; None when it does not."""
    first = render.CLOZE.search(cloze)
    if first is None or "\ue000" in first.group():
        return None
    shared = _shared_text(text)
    if shared is None:
        return None
    out, spans = shared
    start, end = first.span()
    k = spans.get((start, len(text) - (len(cloze) - end)))
    if (
        k is not None
        and cloze.startswith(text[:start])
        and cloze.endswith(text[len(text) - (len(cloze) - end) :])
        and render.CLOZE.search(cloze, end) is None
    ):
        return "".join(out[:k]) + render.marker_html(first) + "".join(out[k + 1 :])
    return None


@lru_cache(maxsize=256)  # a block's cards come one after another
def _shared_text(text: str) -> tuple[list[str], dict[tuple[int, int], int]] | None:
    """A block's text (clozes resolved) as `to_html` renders it on the fast path, in
    pieces, and where each of its strong and highlight spans stands in it ((start, end)
    -> the index of its piece); None when `to_html` would render it otherwise."""
    if "\ue000" in text or "\n" in text or text.startswith("- ") or render.is_slow(text):
        return None
    found = render.fast_inline_parts(text, known_fast=True)
    if found is None or len(found[0]) == 1:
        return None
    parts, out = found
    spans: dict[tuple[int, int], int] = {}
    at = len(parts[0])
    for n, i in enumerate(range(1, len(parts), 5)):
        strong, mark, code, wiki, after = parts[i : i + 5]
        if strong is not None or mark is not None:
            size = len(strong if strong is not None else mark) + 4
            spans[(at, at + size)] = 2 * n + 1
        else:
            size = len(code) + 2 if code is not None else len(wiki) + 4
        at += size + len(after)
    return out, spans
