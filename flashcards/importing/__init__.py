"""Importing history from Anki packages (`.apkg`, `.colpkg`) into a collection.

`package` opens the zip (every format Anki writes) with bounded reads, `anki`
reads its notes, cards and review log, `apply` turns them into flashcards
reviews (round trip, by note GUID) and `foreign` writes an Anki user's own notes
as a notes file. The `anki` library is never imported here.
"""

from __future__ import annotations


class PackageError(Exception):
    """A package that cannot be imported: says which file, what is wrong, what to do."""


__all__ = ["PackageError"]
