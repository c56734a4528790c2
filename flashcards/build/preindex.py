"""The Logseq entries of notes files a build has never read, found before it reads them.

A file showing `((uuid))` or `{{embed}}` of a block in a file read after it
would show the entry as missing, and be read a second time once the graph's
index knows it (`flashcards.build.read._follow_references`): on a cold build
that was about a third of the files. Indexing the new files first — parsing
only those that hold an `id::` or are embedded somewhere, as
`flashcards.notes.graph.index_of_graph` does — costs a fraction of that.
Anything this misses is still caught by the second reading: it only saves work.

The notes it parses are kept, up to `KEPT_BYTES` of their files, for the reading
that follows (`keep`): a file's parse is then not made twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from flashcards.notes import logseq
from flashcards.notes.files import read_bounded
from flashcards.notes.graph import indexed_note, titled
from flashcards.notes.outline import Note, NoteError

_EMBEDDED_PAGE = re.compile(rb"\{\{embed[ \t]+\[\[([^\[\]{}\n]{1,500})\]\]")
# Files' bytes whose parsed notes are kept for the reading (about 8x that as objects)
KEPT_BYTES = 4_000_000

Kept = dict[str, tuple[bytes, Note]]  # file -> its bytes and their note, as `indexed_note` made it


def entries_of_new_files(
    files: Iterable[tuple[str | Path, str, int]],
    embedded: Iterable[str] = (),
    keep: Kept | None = None,
) -> dict[str, str]:
    """The index entries of `files` ((path, its graph root, the size cap)): blocks with an
    `id::`, and the pages embedded by one of these files or named in `embedded` (the
    `[[page` keys other files showed). A file that cannot be read or parsed adds nothing
    (its own reading reports it).

    One file's bytes at a time (a cold build's files are the whole vault): a file with
    an `id::` is parsed as it is read; one without is read again, once every file has
    said which pages it embeds, only if it is one of them. With `keep`, the notes parsed
    go there (file -> its bytes and note), up to KEPT_BYTES of files."""
    room = [KEPT_BYTES if keep is not None else 0]

    def entries_of(data: bytes, path: str | Path, root: str) -> dict[str, str] | None:
        note = indexed_note(data, path, root)
        if note is None:
            return None
        if keep is not None and len(data) <= room[0]:
            room[0] -= len(data)
            keep[str(path)] = (data, note)
        return logseq.entries(note)

    wanted = {key[2:] for key in embedded if key.startswith("[[")}
    found: list[dict[str, str] | None] = []  # per file, in order: its entries, once parsed
    later: list[tuple[int, str | Path, str, int, str | None]] = []  # no id: their `title::`
    for path, root, cap in files:
        try:
            data, _ = read_bounded(path, cap)
        except NoteError:
            found.append(None)
            continue
        if b"{{embed" in data:
            wanted.update(
                m.decode("utf-8", "replace").strip().lower() for m in _EMBEDDED_PAGE.findall(data)
            )
        if b"id::" in data:
            found.append(entries_of(data, path, root))
        else:
            later.append((len(found), path, root, cap, titled(data)))
            found.append(None)
    if wanted:
        for at, path, root, cap, title in later:
            page = logseq.page_title(path, {}, root) if title is None else title
            if page.lower() in wanted:
                try:
                    data, _ = read_bounded(path, cap)
                except NoteError:
                    continue
                found[at] = entries_of(data, path, root)
    index: dict[str, str] = {}
    for entries in found:
        if entries:
            # only what some file may show: blocks by id, and the pages embedded (each read
            # job carries the index to a forked reader, so it is kept small)
            index.update(
                (key, text)
                for key, text in entries.items()
                if not key.startswith("[[") or key[2:] in wanted
            )
    return index
