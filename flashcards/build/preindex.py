"""The Logseq entries of notes files a build has never read, found before it reads them.

A file showing `((uuid))` or `{{embed}}` of a block in a file read after it
would show the entry as missing, and be read a second time once the graph's
index knows it (`flashcards.build.read._follow_references`): on a cold build
that was about a third of the files. Indexing the new files first — parsing
only those that hold an `id::` or are embedded somewhere, as
`flashcards.notes.graph.index_of_graph` does — costs a fraction of that.
Anything this misses is still caught by the second reading: it only saves work.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from flashcards.notes import logseq
from flashcards.notes.files import read_bounded
from flashcards.notes.graph import indexed_note, page_name
from flashcards.notes.outline import NoteError

_EMBEDDED_PAGE = re.compile(rb"\{\{embed[ \t]+\[\[([^\[\]{}\n]{1,500})\]\]")


def entries_of_new_files(
    files: Iterable[tuple[str | Path, str, int]], embedded: Iterable[str] = ()
) -> dict[str, str]:
    """The index entries of `files` ((path, its graph root, the size cap)): blocks with an
    `id::`, and the pages embedded by one of these files or named in `embedded` (the
    `[[page` keys other files showed). A file that cannot be read or parsed adds nothing
    (its own reading reports it)."""
    raw: list[tuple[str | Path, str, bytes]] = []
    wanted = {key[2:] for key in embedded if key.startswith("[[")}
    for path, root, cap in files:
        try:
            data, _ = read_bounded(path, cap)
        except NoteError:
            continue
        raw.append((path, root, data))
        if b"{{embed" in data:
            wanted.update(
                m.decode("utf-8", "replace").strip().lower() for m in _EMBEDDED_PAGE.findall(data)
            )
    index: dict[str, str] = {}
    for path, root, data in raw:
        if b"id::" not in data:
            if not wanted:
                continue
            if page_name(data, path, root).lower() not in wanted:
                continue
        note = indexed_note(data, path, root)
        if note is None:
            continue
        # only what some file may show: blocks by id, and the pages embedded (each read
        # job carries the index to a forked reader, so it is kept small)
        index.update(
            (key, text)
            for key, text in logseq.entries(note).items()
            if not key.startswith("[[") or key[2:] in wanted
        )
    return index
