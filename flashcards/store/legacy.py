"""Cards as schema step m004 found them: their stored faces turned into a block each.

Before m004 a card stored its front, back and Anki cloze text as plain strings.
The back is the block as shown (clozes resolved, strong and highlight as
written), then its children's outline, whose first bullet starts a line
outside fenced code; that block is the new block's text. The cloze text is the
same block with this card's deletions as `{{c1::answer::hint}}` markers: read
side by side, they say where each deletion sits and whether it was strong or
highlighted text (`**x**`, `__x__`, `==x==`) or a cloze (the answer alone). The
faces rendered from the result are the ones the card stored. Only cards no
build reaches again (retired ones) keep these blocks: the next build re-reads
every deck's notes.
"""

from __future__ import annotations

import json
import re

from flashcards.notes.markers import ANKI_CLOZE, HIGHLIGHT, STRONG

_C1 = re.compile(r"\{\{c1::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_FENCE = re.compile(r"\s*(`{3,}|~{3,})")


def block_of_legacy_card(
    kind: str, front: str, back: str, cloze: str, answers: str, hint: str | None
) -> tuple[str, str, str, str]:
    """(body, marks JSON, hidden JSON, children) of a card stored before m004."""
    children = _children(back)
    own = back[: len(back) - len(children) - 1] if children else back
    if kind != "cloze":
        # a question: its clozes are hidden on the front, shown on the back
        marks = _question_marks(front, own)
        return own, json.dumps(marks), json.dumps(list(range(len(marks)))), children
    listed = json.loads(answers)
    marks: list[list[object]] = []
    at = 0  # in `own`, where the text after the last marker goes on
    last = 0  # in `cloze`, likewise
    for i, m in enumerate(_C1.finditer(cloze)):
        at += m.start() - last
        last = m.end()
        inner = m.group(1)
        answer = listed[i] if i < len(listed) else inner
        cue = m.group(2)  # each marker its own hint (the card's is the first of them)
        for kind_, shown in (
            (STRONG, f"**{inner}**"),
            (STRONG, f"__{inner}__"),
            (HIGHLIGHT, f"=={inner}=="),
        ):
            if own.startswith(shown, at):
                marks.append([kind_, at, at + len(shown), inner, answer, cue, None])
                at += len(shown)
                break
        else:  # a cloze: the back shows its answer alone
            marks.append([ANKI_CLOZE, at, at + len(inner), inner, answer, cue, 1])
            at += len(inner)
    return own, json.dumps(marks), json.dumps(list(range(len(marks)))), children


def _children(back: str) -> str:
    """The children's outline at the end of a stored back ('' when it has none)."""
    lines = back.split("\n")
    fence: str | None = None
    for i, line in enumerate(lines):
        if i and fence is None and (line.startswith("- ") or line == "-"):
            return "\n".join(lines[i:])
        m = _FENCE.match(line)
        if m and (fence is None or m.group(1).startswith(fence)):
            fence = None if fence else m.group(1)
    return ""


_PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]")


def _question_marks(front: str, own: str) -> list[list[object]]:
    """A question card's hidden clozes: where its front shows `[...]` (or `[hint]`) and
    its back the answer. The two texts are the same elsewhere: walked side by side, a
    placeholder the back does not show is a gap, up to where the front's next text is."""
    marks: list[list[object]] = []
    a = b = 0
    while a < len(front) and b <= len(own):
        m = _PLACEHOLDER.match(front, a)
        if m and not own.startswith(m.group(), b):
            after = _PLACEHOLDER.search(front, m.end())
            rest = front[m.end() : after.start() if after else len(front)]
            end = own.find(rest, b) if rest else (len(own) if after is None else b)
            if end < 0:
                break  # not a front of this back: leave the rest as text
            inner = own[b:end]
            hint = None if m.group() == "[...]" else m.group()[1:-1]
            marks.append([ANKI_CLOZE, b, end, inner, inner, hint, 1])
            a, b = m.end(), end
            continue
        a += 1
        b += 1
    return marks
