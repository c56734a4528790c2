"""flashcards: spaced-repetition cloze cards from outline notes.

`from flashcards import Collection` is the scripting entry point; it is loaded
lazily so that importing the package (and `flashcards --help`) stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["Collection"]

if TYPE_CHECKING:
    from flashcards.collection import Collection


def __getattr__(name: str) -> Any:
    if name == "Collection":
        from flashcards.collection import Collection

        return Collection
    raise AttributeError(name)
