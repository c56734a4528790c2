"""`NoteError`: a note file that cannot be read, apart from the reader that raises it.

The study app catches it among the failures it explains (flashcards.tui.failures) from
its first screen on, but reads no notes before the first card: importing the outline
reader for this one class compiled its six patterns and made its classes first
(~11 million instructions of the first card's launch). `flashcards.notes.outline`
raises it and exports it under its old name.
"""

from __future__ import annotations


class NoteError(Exception):
    """A note file that cannot be read; carries where and why."""

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        self.unreadable = False  # the file's fault (permissions, not a file), not its content's
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {reason}")
