"""A card's faces for the JSON document (front, back, cloze text), each block's share
worked out once for all its cards.

SQLite writes the rest of a card's object (`flashcards/store/export.py`); the three
faces are rendered here from the block's text, marks and children, exactly as
`faces.front_text`, `faces.back_text` and `faces.cloze` render them, and written as
`json.dumps(text, ensure_ascii=False)` writes them. A block's cards share its parsed
marks, its text rendered once (`_Block.own`: the back's first part, and a question
card's front) and its back (encoded once). A card hiding one strong or highlight span
of a block with several is two slices of that rendering around its placeholder, what
`faces._shared_front` makes of it, worked out for all the block's such cards at once
(`_Block.ones`); a card hiding the one deletion of a block whose text around it holds
no markup is that text around its placeholder (`_Block.front`), what
`faces._simple_front` makes of it. Any other card goes to `faces`, as does any card an
echo of its answer would need hidden.

Two common blocks skip the general renderer: one whose marks are all strong or
highlight spans and whose text holds no other markup renders as its text without the
spans' markers (`emphasis_text`), and one of a single cloze with no markup anywhere is
its own rendering, its three faces encoded from the same pieces (`_Block._one_cloze`).

JSON escapes character by character, so a text whose encoding is only its quotes
longer than itself escapes nothing, nor does any stretch of it: the faces cut from
such a block's texts are quoted, not encoded again; and the encoding of a text is the
encodings of its pieces, joined.
"""

from __future__ import annotations

import json
from itertools import accumulate
from json.encoder import encode_basestring
from json.scanner import make_scanner

from flashcards import faces
from flashcards.notes import render
from flashcards.notes.markers import HIGHLIGHT, STRONG, Deletion

# A string as SQLite's json_object writes one (non-ASCII kept as is): what
# json.dumps(text, ensure_ascii=False) returns, without making a JSONEncoder per call
dumps = encode_basestring
# json.loads without its checks for leading and trailing whitespace and data, nor
# raw_decode's Python frame around the scanner: the stored lists are json.dumps' own.
# `_decode(text, 0)` -> (the value, where it ends)
_decode = make_scanner(json.JSONDecoder())

_EMPHASIS = (STRONG, HIGHLIGHT)
_SPAN_MARKERS = {STRONG: "**", HIGHLIGHT: "=="}
_NO_ONES: dict[int, tuple[str, str]] = {}
_NO_CUTS: list[tuple[int, int] | None] = []
# a stored mark as its Deletion, without a Python call per mark (`Deletion(*m)` runs the
# named tuple's own __new__): a list of all seven fields, as the build writes them
_new_tuple = tuple.__new__
_FIELDS = len(Deletion._fields)
_BLOCKS_KEPT = 1024  # the blocks last seen: a large export is never held in memory


def _no_echo(answer: str, lowered: str | None) -> bool:
    """Whether `answer` has no echo to hide in a front's text: `faces.may_stand_in` finds
    it nowhere there, or `faces.answer_pattern` would find nothing. `lowered` is the
    text lowered when it is ASCII; None: not known to be (the pattern decides)."""
    if lowered is not None and answer.isascii() and answer.strip().lower() not in lowered:
        return True
    return faces.answer_pattern((answer,)) is None


def emphasis_text(
    body: str, marks: tuple[Deletion, ...]
) -> tuple[str, list[tuple[int, int]], list[tuple[int, int]]] | None:
    """For a block whose marks are all strong or highlight spans written `**…**` or
    `==…==`, in order, on one line, and whose text holds no other markup: the block's
    text as `faces.shared_pieces` renders it (each span's markers dropped, the pieces
    joined), where each span's text stands in that rendering, and where each span stands
    in the block's text (`faces.resolved_spots`: the resolved text is the block's own);
    None for any other block (`faces.shared_pieces` decides).

    Each span's text starts and ends with a letter or digit and holds no markup, and the
    text between the spans holds none: `simple_spans` finds exactly these spans (none
    adjacent to one of its own kind), and every character outside their markers as
    written."""
    if not marks or "\n" in body or "\r" in body or "\0" in body:
        return None
    texts: list[str] = []
    cuts: list[tuple[int, int]] = []
    spots: list[tuple[int, int]] = []
    at = size = 0
    kind = None
    for d in marks:
        start, end = d.start, d.end
        marker = _SPAN_MARKERS.get(d.kind)
        if (
            marker is None
            or start < at
            or end - start < 5
            or (start == at and d.kind == kind)  # `**a****b**`: one run of four
            or not body.startswith(marker, start)
            or not body.startswith(marker, end - 2)
        ):
            return None
        inner = body[start + 2 : end - 2]
        if not (inner[0].isalnum() and inner[-1].isalnum()):
            return None
        texts.append(body[at:start])
        size += start - at
        cuts.append((size, size + len(inner)))
        texts.append(inner)
        spots.append((start, end))
        size += len(inner)
        at, kind = end, d.kind
    texts.append(body[at:])
    own = "".join(texts)
    if not render.as_written(own):
        return None
    return own, cuts, spots


class _Block:
    """What a block's cards share: its marks, its text resolved and rendered (`own`, and
    as JSON), its back as JSON, where each of its marks stands in its resolved text and
    in its rendering, and (lazily) the faces of its one-gap cards that its one rendering
    gives."""

    __slots__ = ("body", "marks", "back", "resolved", "own", "own_json", "cuts", "spots")
    __slots__ += ("ones",)

    def __init__(self, body: str, marks: tuple[Deletion, ...], children: str) -> None:
        self.body = body
        self.marks = marks
        self.ones: dict[int, tuple[str, str]] | None = None
        # where each strong or highlight mark's text stands in `own`, when the fronts'
        # one rendering holds it as a piece (`faces.shared_pieces`); None: no such mark
        self.cuts: list[tuple[int, int] | None] | None = None
        # where each mark stands in the resolved text (`faces.resolved_spots`); None:
        # marks not in order and apart
        self.spots: list[tuple[int, int]] | None
        emphasis = emphasis_text(body, marks) if len(marks) > 1 else None
        if emphasis is not None:
            # strong and highlight stay as written in the resolved text: it is the body
            self.resolved = body
            self.own, self.cuts, self.spots = emphasis  # type: ignore[assignment]
            self.own_json = dumps(self.own)
        elif not marks:  # a question: its text is its resolved text
            self.resolved, self.spots = body, []
            self.own = render.plain(body)
            self.own_json = dumps(self.own)
        elif len(marks) == 1 and marks[0].kind not in _EMPHASIS:
            d = marks[0]
            self.spots = [(d.start, d.start + len(d.inner))]  # the cloze's answer
            self._one_cloze(d)
        else:
            self.spots = faces.resolved_spots(marks)
            self.resolved = faces.resolved(body, marks)
            # the fronts' one rendering of the resolved text is the back's too
            # (`render.plain` joins the same pieces): a block with several marks renders
            # it once
            shared = faces.shared_pieces(self.resolved) if len(marks) > 1 else None
            if shared is None:
                self.own = render.plain(self.resolved)
            else:
                self.own = "".join(shared[0])
                self.cuts = _shared_cuts(shared, marks, self.spots)
            self.own_json = dumps(self.own)
        if children:  # `faces.back_text`: the block, a line break, its children
            self.back = f"{self.own_json[:-1]}\\n{dumps(render.plain_once(children))[1:]}"
        else:
            self.back = self.own_json

    def _one_cloze(self, d: Deletion) -> None:
        """A block of one cloze: its text resolved is the text around the cloze with its
        answer between. When none of the three holds markup, that is its rendering too,
        and the card hiding the cloze shows the text around its placeholder
        (`faces._simple_front`) and Anki's marker (`cloze`): all three encoded from the
        same two pieces, each encoded once (JSON escapes character by character)."""
        body = self.body
        before, after = body[: d.start], body[d.end :]
        self.resolved = self.own = f"{before}{d.inner}{after}"
        bare = before + after
        if not (render.as_written(bare) and render.as_written(d.inner)):
            self.own = render.plain(self.resolved)
            self.own_json = dumps(self.own)
            return
        head, tail = dumps(before)[:-1], dumps(after)[1:]
        self.own_json = f"{head}{dumps(d.inner)[1:-1]}{tail}"
        if _no_echo(d.answer, bare.lower() if bare.isascii() else None):
            placeholder = dumps(f"[{d.hint or '...'}]")[1:-1]
            marker = dumps(faces.cloze_marker(d))[1:-1]
            self.ones = {0: (f"{head}{placeholder}{tail}", f"{head}{marker}{tail}")}

    def resolved_json(self) -> str:
        """The resolved text as JSON: a question card's cloze text."""
        return self.own_json if self.resolved == self.own else dumps(self.resolved)

    def one(self, i: int) -> tuple[str, str]:
        """The front and cloze text, as JSON, of a cloze card hiding mark `i` alone."""
        if self.ones is None:
            self.ones = self._ones()
        found = self.ones.get(i)
        if found is None:
            return dumps(self.front(i)), dumps(self.cloze(i))
        return found

    def cloze(self, i: int) -> str:
        """`faces.cloze` of a cloze card hiding mark `i` alone: the resolved text with
        that mark in Anki's syntax (other strong and highlight spans stay as written,
        as they do in the resolved text; other clozes resolved)."""
        if self.spots is None:
            return faces.cloze("cloze", self.body, self.marks, (i,))
        start, end = self.spots[i]
        text = self.resolved
        return f"{text[:start]}{faces.cloze_marker(self.marks[i])}{text[end:]}"

    def front(self, i: int) -> str:
        """`faces.front_text` of a cloze card hiding mark `i` alone, with its answer."""
        marks = self.marks
        if len(marks) == 1 and i == 0:
            # `faces._simple_front` of text without markup around the gap: rendered, it
            # is itself, the gap's placeholder in its place
            d = marks[0]
            body = self.body
            before, after = body[: d.start], body[d.end :]
            if render.as_written(before) and render.as_written(after):
                bare = before + after
                if _no_echo(d.answer, bare.lower() if bare.isascii() else None):
                    return f"{before}[{d.hint or '...'}]{after}"
        return faces.front_text(self.body, marks, (i,), [marks[i].answer])

    def _ones(self) -> dict[int, tuple[str, str]]:
        """For each strong or highlight mark whose span the block's one rendering holds
        as a piece (`cuts`), and whose answer stands nowhere else on the front: the
        front `faces._shared_front` gives the card hiding it (the rendered text around
        that piece, its placeholder between) and its cloze text (`cloze`), as JSON. The
        other marks: none."""
        cuts = self.cuts
        if cuts is None or self.spots is None:
            return _NO_ONES  # `front` renders a one-mark block's front on its own
        own, text, spots = self.own, self.resolved, self.spots
        # lower() keeps an ASCII text's length: the text around a piece, lowered, is
        # the slices of the lowered whole around it
        lowered = own.lower() if own.isascii() else None
        # every character of a front stands in own, and of a cloze text in the resolved
        # text (its marker's own characters escape nothing): when the text escapes none
        # (its encoding is only its quotes longer), neither does any stretch of it
        own_clean = len(self.own_json) == len(own) + 2
        text_clean = len(self.resolved_json()) == len(text) + 2
        ones: dict[int, tuple[str, str]] = {}
        for i, d in enumerate(self.marks):
            cut = cuts[i]
            if cut is None:
                continue
            start, end = cut
            answer = d.answer
            # `_no_echo` of the text around the piece, asked here: one call less a card
            if (
                lowered is None
                or not answer.isascii()
                or answer.strip().lower() in lowered[:start] + lowered[end:]
            ) and faces.answer_pattern((answer,)) is not None:
                continue  # an echo to hide, maybe: `front_text` hides it
            hint = d.hint
            placeholder = f"[{hint}]" if hint else "[...]"
            if own_clean and (not hint or hint in own):
                front = f'"{own[:start]}{placeholder}{own[end:]}"'
            else:
                front = dumps(f"{own[:start]}{placeholder}{own[end:]}")
            at, stop = spots[i]
            if text_clean and d.inner in text and (not hint or hint in text):
                cloze = f'"{text[:at]}{faces.cloze_marker(d)}{text[stop:]}"'
            else:
                cloze = dumps(f"{text[:at]}{faces.cloze_marker(d)}{text[stop:]}")
            ones[i] = (front, cloze)
        return ones


def _shared_cuts(
    shared: tuple[list[str], dict[tuple[int, int], int]],
    marks: tuple[Deletion, ...],
    spots: list[tuple[int, int]] | None,
) -> list[tuple[int, int] | None]:
    """Where each strong or highlight mark's text stands in the joined pieces of
    `faces.shared_pieces` (None for a mark whose span is not one of its pieces)."""
    if spots is None:
        return _NO_CUTS
    texts, spans = shared
    at = list(accumulate(map(len, texts), initial=0))  # where each piece starts
    cuts: list[tuple[int, int] | None] = []
    for i, d in enumerate(marks):
        k = spans.get(spots[i]) if d.kind in _EMPHASIS else None
        cuts.append(None if k is None else (at[k], at[k + 1]))
    return cuts


def parse_marks(stored: str) -> tuple[Deletion, ...]:
    """A block's stored marks (JSON lists) as Deletions."""
    return tuple(
        [
            _new_tuple(Deletion, m) if len(m) == _FIELDS else Deletion(*m)
            for m in _decode(stored, 0)[0]
        ]
    )


class Faces:
    """The faces of the cards of a JSON export, in the order its rows come: call
    `card` for each card row."""

    def __init__(self) -> None:
        self.blocks: dict[tuple[str, str, str], _Block] = {}
        self.marks: dict[str, tuple[Deletion, ...]] = {}  # a few texts recur: "[]"...
        self.hiddens: dict[str, tuple[int, ...]] = {}  # a few texts: "[0]", "[1]", ...
        # the block of the last row: a block's cards come one after another, and its
        # texts compare equal faster than a key of them hashes
        self.last: tuple[str, str, str, _Block | None] = ("", "", "", None)

    def block(self, body: str, marks: str, children: str) -> _Block:
        """The block of a row with these texts: made once for all its cards."""
        key = (body, marks, children)
        block = self.blocks.get(key)
        if block is None:
            parsed = self.marks.get(marks)
            if parsed is None:
                parsed = parse_marks(marks)
                if len(parsed) < 2:  # "[]" and others recur; a longer list rarely does
                    self.marks[marks] = parsed
            if len(self.blocks) >= _BLOCKS_KEPT:
                self.blocks.clear()  # the rows come in card id order: a block's cards together
            block = self.blocks[key] = _Block(body, parsed, children)
        self.last = (body, marks, children, block)
        return block

    def card(
        self, head: str, tail: str, kind: str, body: str, marks: str, hidden: str, children: str
    ) -> str:
        """The card's JSON object, all but its closing brace (its reviews go there):
        `head` and `tail` as SQLite wrote them, the faces between them."""
        last_body, last_marks, last_children, block = self.last
        if block is None or body != last_body or marks != last_marks or children != last_children:
            block = self.block(body, marks, children)
        picked = self.hiddens.get(hidden)
        if picked is None:
            picked = self.hiddens[hidden] = tuple(_decode(hidden, 0)[0])
        if kind == faces.BASIC:
            # a question card hides its cloze markers but has no answers of its own: with
            # no gap, its front is its block's text rendered (`faces._simple_front`)
            if picked:
                front = dumps(faces.front_text(body, block.marks, picked, []))
            else:
                front = block.own_json
            cloze = block.resolved_json()  # `faces.cloze` of a question card
        elif len(picked) == 1:
            ones = block.ones
            found = None if ones is None else ones.get(picked[0])
            front, cloze = block.one(picked[0]) if found is None else found
        else:
            parsed = block.marks
            answers = [parsed[i].answer for i in picked]
            front = dumps(faces.front_text(body, parsed, picked, answers))
            cloze = dumps(faces.cloze(kind, body, parsed, picked))
        return f'{head[:-1]},"front":{front},"back":{block.back},"cloze":{cloze},{tail[1:-1]}'
