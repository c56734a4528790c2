"""The JSON text of a build's list columns, exactly as `json.dumps` writes it, made quickly.

A card row keeps lists (its context, tags, hidden deletions; a block row its
deletions) as JSON text, and stored text is compared as text: an unchanged card
must write the same characters `json.dumps(items, ensure_ascii=False)` would.
`Json` writes them so, encoding each distinct list once while it is remembered,
for `flashcards.build.write`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from json.encoder import encode_basestring as _json_string  # type: ignore[attr-defined]


class Json:
    """JSON text of the list columns, as `json.dumps(items, ensure_ascii=False)` writes it
    (stored text is compared as text). Siblings share contexts, a file shares tags and
    most cards hide one deletion, so each distinct list is encoded once while it is
    remembered (the last `KEPT` of them: repeats come close together)."""

    KEPT = 10_000  # distinct lists remembered: a cold build of a big vault has millions

    def __init__(self) -> None:
        self._seen: dict[tuple, str] = {}

    def __call__(self, items: list | tuple) -> str:
        """A list of strings, or of whole numbers."""
        key = tuple(items)
        text = self._seen.get(key)
        if text is None:
            if len(self._seen) >= self.KEPT:
                self._seen.clear()  # most repeats are siblings' and a file's: close together
            if all(type(item) is str for item in key):
                # what the encoder writes for a list of strings, without its per-call setup
                text = "[" + ", ".join(map(_json_string, key)) + "]"
            else:
                text = json.dumps(list(key), ensure_ascii=False)
            self._seen[key] = text
        return text

    @staticmethod
    def marks(marks: Sequence[tuple]) -> str:
        """A block's deletions (as `json.dumps` of their tuples writes them): each block
        is written once, so nothing is cached."""
        if not marks:
            return "[]"
        out = []
        # as Deletion's fields, in order: named tuples and the plain ones a spool holds alike
        for kind, start, end, inner, answer, hint, number in marks:
            hint_ = "null" if hint is None else _json_string(hint)
            number_ = "null" if number is None else str(number)
            out.append(
                f"[{_json_string(kind)}, {start}, {end}, {_json_string(inner)}, "
                f"{_json_string(answer)}, {hint_}, {number_}]"
            )
        return "[" + ", ".join(out) + "]"
