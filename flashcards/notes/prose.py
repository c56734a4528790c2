"""A block's prose: the parts of its text where markup counts, outside code and comments.

A block's text may hold fenced code (its lines are code, whatever they hold) and
`%% comments %%` (no card text): a `**x**` or `{{c1::x}}` there is no deletion.
`prose_spans` says where the prose is, `prose_deletions` finds the deletions in it,
and `outside_comments` drops those a comment holds. `flashcards.cards` reads every
block's deletions through here, and `flashcards.notes.card_tags` its `#card` tags.
"""

from __future__ import annotations

from flashcards.notes.inline import Deletion, find_deletions
from flashcards.notes.outline import Block
from flashcards.notes.render import comment_spans


def prose_spans(block: Block, text: str) -> list[tuple[int, int]]:
    """Character ranges of `text` outside fenced code."""
    if not block.code:
        return [(0, len(text))]
    starts = [0]
    for line in block.lines:
        starts.append(starts[-1] + len(line) + 1)
    spans: list[tuple[int, int]] = []
    at = 0
    for first, end in block.code:
        spans.append((at, max(at, starts[first] - 1)))
        at = min(len(text), starts[min(end, len(block.lines))])
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if b > a]


def prose_deletions(block: Block, text: str, markers: frozenset[str]) -> list[Deletion]:
    """The deletions of the block's `text`, in order: those of its prose, where they stand."""
    if not block.code:
        return find_deletions(text, markers)
    found: list[Deletion] = []
    for a, b in prose_spans(block, text):
        segment = text[a:b]
        for d in find_deletions(segment, markers):
            if a:
                d = Deletion(d.kind, d.start + a, d.end + a, d.inner, d.answer, d.hint, d.number)
            found.append(d)
    return found


def outside_comments(text: str, deletions: list[Deletion]) -> list[Deletion]:
    """The `deletions` of `text` that no `%% comment %%` of it holds."""
    comments = comment_spans(text)
    if not comments:
        return deletions
    return [d for d in deletions if not any(a < d.end and d.start < b for a, b in comments)]
