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

Those are Markdown, for the exporters that render Markdown themselves (apkg,
tsv). What a reader sees is rendered by `flashcards.notes.render`:

- `segments`: the block rendered as styled spans, this card's gaps and the echoes
  of its answers (an answer that also stands elsewhere on the front) — what the
  app styles;
- `front_text` / `back_text`: the same as plain text (`cards --json`, the JSON
  export, the CLI); `crumbs`: the context, rendered, with the card's answers
  hidden in it.

Gaps are rendered in place: each gap is a private-use character while the text
around it is rendered, so Markdown around or across a gap (a link, emphasis,
a table cell) renders as it would with the answer there.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from flashcards.notes import render
from flashcards.notes.markers import HIGHLIGHT, STRONG, Deletion
from flashcards.notes.render import Span

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
    if not marks:  # a question: its text as written
        return body
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
    if len(marks) == 1 and len(hidden) == 1 and hidden[0] == 0:  # most cloze cards
        d = marks[0]
        return f"{body[: d.start]}{cloze_marker(d)}{body[d.end :]}"
    return _cloze(body, marks, hidden)


def _cloze(body: str, marks: Sequence[Deletion], hidden: Sequence[int]) -> str:
    """`cloze` of a cloze card, mark by mark."""
    hide = set(hidden)
    out: list[str] = []
    at = 0
    for i, d in enumerate(marks):
        if i in hide:
            out.append(body[at : d.start])
            out.append(cloze_marker(d))
        elif d.kind not in _EMPHASIS:
            out.append(body[at : d.start] + d.inner)
        else:
            continue
        at = d.end
    out.append(body[at:])
    return "".join(out)


def cloze_marker(d: Deletion) -> str:
    """A hidden deletion in Anki's cloze syntax, as `cloze` writes it."""
    return f"{{{{c1::{d.inner}{'::' + d.hint if d.hint else ''}}}}}"


def resolved_spots(marks: Sequence[Deletion]) -> list[tuple[int, int]] | None:
    """Where each mark stands in the block's `resolved` text, (start, end): what the
    back shows of it (a strong or highlight span as written, a cloze its text). A card
    hiding mark `i` alone has for its `cloze` the resolved text with that stretch in
    Anki's syntax (`cloze_marker`). None when the marks do not stand in order and apart."""
    spots: list[tuple[int, int]] = []
    shift = at = 0
    for d in marks:
        if d.start < at:
            return None
        size = d.end - d.start if d.kind in _EMPHASIS else len(d.inner)
        spots.append((d.start - shift, d.start - shift + size))
        shift += d.end - d.start - size
        at = d.end
    return spots


# -- what a reader sees ------------------------------------------------------------

HIDDEN = "[...]"  # an answer's echo on the front: another place the answer stands
MIN_ECHO = 3  # shorter answers are not looked for elsewhere (`a`, `of` are everywhere)


class Echo(NamedTuple):
    """Another place on the front where the card's answer stands: hidden on the front."""

    text: str


Segment = Span | Gap | Echo


def _sentinels(text: str, count: int) -> list[str]:
    """`count` private-use characters that do not occur in `text`: where the gaps stand
    while the text around them is rendered."""
    found: list[str] = []
    code = 0xE000
    while len(found) < count:
        c = chr(code)
        if c not in text:
            found.append(c)
        code += 1
    return found


def segments(
    body: str, marks: Sequence[Deletion], hidden: Sequence[int], answers: Sequence[str] = ()
) -> list[Segment]:
    """The block rendered: styled spans, this card's gaps, and (with `answers`) the other
    places on the front where one of its answers stands, as `Echo`s."""
    parts = pieces(body, marks, hidden)
    gaps = [p for p in parts if isinstance(p, Gap)]
    out: list[Segment] = []
    if gaps:
        marks_ = _sentinels(body, len(gaps))
        spots = iter(marks_)
        text = "".join(p if isinstance(p, str) else next(spots) for p in parts)
        out = _split(render.spans(text), dict(zip(marks_, gaps, strict=True)))
        if [s for s in out if isinstance(s, Gap)] != gaps:
            # a gap lost in rendering (it cannot be, with the reader's deletions): render
            # the text between the gaps on its own, so no gap is ever lost or moved
            out = []
            for p in parts:
                out.extend(render.spans(p) if isinstance(p, str) else (p,))
    else:
        out = list(render.spans("".join(parts)))
    return _echoes(out, answers) if answers else out


def _split(spans: Sequence[Span], gaps: dict[str, Gap]) -> list[Segment]:
    find = re.compile("[" + "".join(gaps) + "]")
    out: list[Segment] = []
    for s in spans:
        at = 0
        for m in find.finditer(s.text):
            if m.start() > at:
                out.append(Span(s.text[at : m.start()], s.styles, s.target))
            out.append(gaps[m.group()])
            at = m.end()
        if at < len(s.text):
            out.append(Span(s.text[at:], s.styles, s.target) if at else s)
    return out


@lru_cache(maxsize=1024)
def answer_pattern(answers: tuple[str, ...]) -> re.Pattern[str] | None:
    """The pattern that finds an answer echoed elsewhere on a front (whole words, any
    case, longest first); None when no answer is long enough to be an echo."""
    words = sorted(
        {a.strip() for a in answers if len(a.strip()) >= MIN_ECHO and re.search(r"\w", a)},
        key=len,
        reverse=True,
    )
    if not words:
        return None
    return re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )


def _may_stand(answers: Sequence[str], out: list[Segment]) -> tuple[str, ...]:
    """The answers that can stand in the spans of `out` at all (a superset of those that
    do): most cards' answers stand only in their gaps, and compiling each card's own
    pattern was most of the JSON export's time. Exact where it answers no: in ASCII
    text, an ASCII answer matches IGNORECASE only where its lower case is a substring of
    the text's lower case; any other answer, or text, is kept for the pattern to decide."""
    return may_stand_in(answers, "".join(s.text for s in out if isinstance(s, Span)))


def may_stand_in(answers: Sequence[str], text: str) -> tuple[str, ...]:
    """`_may_stand` on plain text: the answers that can stand in `text` at all."""
    if not text.isascii():
        return tuple(answers)
    lowered = text.lower()
    return tuple(a for a in answers if not a.isascii() or a.strip().lower() in lowered)


def _echoes(out: list[Segment], answers: Sequence[str]) -> list[Segment]:
    present = _may_stand(answers, out)
    if not present:
        return out
    pattern = answer_pattern(present)
    if pattern is None:
        return out
    shown: list[Segment] = []
    for s in out:
        if not isinstance(s, Span) or render.CODE in s.styles and "\n" in s.text:
            shown.append(s)  # a gap, or fenced code
            continue
        at = 0
        for m in pattern.finditer(s.text):
            if m.start() > at:
                shown.append(Span(s.text[at : m.start()], s.styles, s.target))
            shown.append(Echo(m.group()))
            at = m.end()
        if at == 0:
            shown.append(s)
        elif at < len(s.text):
            shown.append(Span(s.text[at:], s.styles, s.target))
    return shown


def front_text(
    body: str, marks: Sequence[Deletion], hidden: Sequence[int], answers: Sequence[str] = ()
) -> str:
    """The question as plain text: rendered, each gap `[...]` (or `[hint]`), the answers'
    echoes `[...]`."""
    if len(hidden) == 1 and len(marks) > 1:
        shared = _shared_front(body, marks, hidden, answers)
        if shared is not None:
            return shared
    simple = _simple_front(body, marks, hidden, answers)
    if simple is not None:
        return simple
    out: list[str] = []
    for s in segments(body, marks, hidden, answers):
        if isinstance(s, Gap):
            out.append(_placeholder(s))
        elif isinstance(s, Echo):
            out.append(HIDDEN)
        else:
            out.append(s.text)
    return "".join(out)


def _simple_front(
    body: str, marks: Sequence[Deletion], hidden: Sequence[int], answers: Sequence[str]
) -> str | None:
    """`front_text` for a block with gaps whose text `render.simple_pieces` renders (most
    blocks; one front a card, so each is rendered once), as strings: what `segments`
    makes of it, without a span, gap or echo object per piece. None for other blocks."""
    parts = pieces(body, marks, hidden)
    gaps = [p for p in parts if type(p) is Gap]
    if not gaps:  # a question card
        text = "".join(parts)  # type: ignore[arg-type]
        if not answers:  # its back renders the same text: cached for it
            return render.plain(text)
        rendered = render.simple_pieces(text)
        if rendered is None:
            return None
        texts = [text for text, _, _ in rendered]
        return "".join(_hide_echoes(texts, set(), texts, answers))
    marks_ = _sentinels(body, len(gaps))
    spots = iter(marks_)
    rendered = render.simple_pieces("".join(p if type(p) is str else next(spots) for p in parts))
    if rendered is None:
        return None
    joined = "".join([text for text, _, _ in rendered])
    bare = joined  # the texts alone, the gaps left out
    for m in marks_:
        bare = bare.replace(m, "")
    if len(bare) != len(joined) - len(gaps):
        return None  # a gap lost (it cannot be): `segments` knows what to do
    present = may_stand_in(answers, bare) if answers else ()
    if not present or answer_pattern(present) is None:
        # no echo to hide (most cards): the gaps' placeholders in the rendered text
        for m, gap in zip(marks_, gaps, strict=True):
            joined = joined.replace(m, _placeholder(gap))
        return joined
    # the spans' texts cut at the gaps, as `_split` cuts them; a gap shows its placeholder
    texts: list[str] = []
    shown: list[str] = []  # what the front shows, piece by piece
    at_gaps: set[int] = set()  # where in `shown` the gaps are
    if len(gaps) == 1:
        only, placeholder = marks_[0], _placeholder(gaps[0])
        for text, _, _ in rendered:
            if only not in text:
                texts.append(text)
                shown.append(text)
                continue
            before, _, after = text.partition(only)
            if before:
                texts.append(before)
                shown.append(before)
            at_gaps.add(len(shown))
            shown.append(placeholder)
            if after:
                texts.append(after)
                shown.append(after)
    else:
        place = {m: _placeholder(g) for m, g in zip(marks_, gaps, strict=True)}
        find = re.compile("([" + "".join(marks_) + "])")
        for text, _, _ in rendered:
            for n, cut in enumerate(find.split(text)):
                if n % 2:
                    at_gaps.add(len(shown))
                    shown.append(place[cut])
                elif cut:
                    texts.append(cut)
                    shown.append(cut)
    if len(at_gaps) != len(gaps):
        return None  # a gap lost (it cannot be): `segments` knows what to do
    return "".join(_hide_echoes(shown, at_gaps, texts, answers))


def _shared_front(
    body: str, marks: Sequence[Deletion], hidden: Sequence[int], answers: Sequence[str]
) -> str | None:
    """`_simple_front` for a card whose one gap stands where a strong or highlight span of
    its block's text (clozes resolved) stood, from that text rendered once for all the
    block's cards (`shared_pieces`): the span's piece left out, a placeholder in its
    place. Rendering the text with the gap there makes the same pieces (the gap opens,
    closes or joins no span), so the front is the same. None for any other card."""
    parts = pieces(body, marks, hidden)
    at = [n for n, p in enumerate(parts) if type(p) is Gap]
    if len(at) != 1:
        return None
    text = resolved(body, marks)
    shared = shared_pieces(text)
    if shared is None:
        return None
    texts, spans = shared
    (g,) = at
    before, after = "".join(parts[:g]), "".join(parts[g + 1 :])  # type: ignore[arg-type]
    end = len(text) - len(after)
    k = spans.get((len(before), end))
    if k is None or not text.startswith(before) or not text.endswith(after):
        return None
    gap = parts[g]
    placeholder = _placeholder(gap)  # type: ignore[arg-type]
    left, right = texts[:k], texts[k + 1 :]
    present = may_stand_in(answers, "".join(left) + "".join(right)) if answers else ()
    if not present or answer_pattern(present) is None:
        return "".join(left) + placeholder + "".join(right)
    return "".join(_hide_echoes([*left, placeholder, *right], {k}, left + right, answers))


@lru_cache(maxsize=256)  # a block's cards come one after another
def shared_pieces(text: str) -> tuple[list[str], dict[tuple[int, int], int]] | None:
    """A one-line text's rendered pieces (`render.simple_pieces`), and where each strong or
    highlight span stood in it ((start, end) -> the index of its piece); None when the
    text is not simple, or has no such span."""
    if "\n" in text:
        return None
    rendered = render.simple_pieces(text)
    if rendered is None:
        return None
    spans: dict[tuple[int, int], int] = {}
    at = 0
    for n, (piece, styles, _) in enumerate(rendered):
        size = len(piece)
        if styles:  # the markers around the span's text: `**`, `==`, `` ` ``, `[[ ]]`
            size += 2 if styles[0] == render.CODE else 4
            if styles[0] in (render.STRONG, render.MARK):
                spans[(at, at + size)] = n
        at += size
    if at != len(text) or not spans:
        return None  # (cannot be: every piece is its source, less its markers)
    return [piece for piece, _, _ in rendered], spans


def _hide_echoes(
    shown: list[str], at_gaps: set[int], texts: list[str], answers: Sequence[str]
) -> list[str]:
    """`shown` with the answers' echoes hidden in its texts (all but `at_gaps`)."""
    if not answers:
        return shown
    present = may_stand_in(answers, "".join(texts))
    pattern = answer_pattern(present) if present else None
    if pattern is None:
        return shown
    # an echo never crosses a span's edge: each text is searched on its own
    return [t if n in at_gaps else pattern.sub(HIDDEN, t) for n, t in enumerate(shown)]


def back_text(body: str, marks: Sequence[Deletion], children: str) -> str:
    """The answer side as plain text: the block resolved, then its children, rendered."""
    own = render.plain(resolved(body, marks))
    return f"{own}\n{render.plain(children)}" if children else own


def crumbs(context: Sequence[str], answers: Sequence[str] = ()) -> list[str]:
    """The context as a front shows it: each entry rendered, the card's answers hidden."""
    out, _ = rendered_context(tuple(context))
    if not answers:
        return list(out)
    present = answers_in_context(context, answers)
    pattern = answer_pattern(present) if present else None
    if pattern is None:
        return list(out)
    return [pattern.sub(HIDDEN, c) for c in out]


def answers_in_context(context: Sequence[str], answers: Sequence[str]) -> tuple[str, ...]:
    """The answers the rendered context holds at all (`crumbs` hides only these): most
    cards' answers are not in their breadcrumb, and each card's own set of answers would
    otherwise compile a pattern (the export of 50k cards spent ~45% of its time there);
    casefold() folds every pair of letters IGNORECASE treats as one, so no echo is
    missed."""
    _, folded = rendered_context(tuple(context))
    return tuple(a for a in answers if a.strip().casefold() in folded)


@lru_cache(maxsize=1024)  # a block's cards, and a section's blocks, share one context
def rendered_context(context: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """The context's entries rendered, and all of them as one case-folded text."""
    out = tuple(render.plain(c) for c in context)
    return out, "\n".join(out).casefold()
