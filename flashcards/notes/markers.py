"""The deletion markers and the record of one deletion: names only, nothing to import.

Kept apart from the parser (`inline`, which loads markdown-it) so that what only
needs the names — deck settings, card views, the study app's start — stays light.
"""

from __future__ import annotations

from typing import NamedTuple

STRONG = "strong"
HIGHLIGHT = "highlight"
LOGSEQ_CLOZE = "logseq_cloze"
ANKI_CLOZE = "anki_cloze"
ALL_MARKERS = (STRONG, HIGHLIGHT, LOGSEQ_CLOZE, ANKI_CLOZE)
# Not a deletion kind, nor a deck's switch: among the markers a text is read with, it says
# that `^^x^^` spells a highlight too (Logseq's second spelling of `==x==`; it means
# nothing in Obsidian or plain Markdown). Its highlights are HIGHLIGHT deletions.
CARET_HIGHLIGHT = "caret_highlight"


class Deletion(NamedTuple):
    """One deletion found in a text (a named tuple: tens of thousands are made per vault)."""

    kind: str  # one of ALL_MARKERS
    start: int  # span of the whole marker in the text, end exclusive
    end: int
    inner: str  # the source between the markers (the answer as written)
    answer: str  # the answer as plain text
    hint: str | None = None
    number: int | None = None  # Anki cloze number
