"""A Logseq graph's index of what its notes point to, and which notes must follow it.

A block reference `((uuid))` may point to a block of any page or journal of
the graph, so a note's cards depend on other files. `index_of_graph` builds
the index from the graph's files (for a preview, which has no collection);
a build keeps each file's entries and the entries it looked at in the
collection, and `to_reread` says which files show an entry whose text changed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from flashcards.notes import logseq
from flashcards.notes.files import MAX_FILE_MB, note_files, read_bounded
from flashcards.notes.outline import Note, NoteError, parse_note

MAX_GRAPH_FILES = 20_000  # files of one graph read for its index
GRAPH_FOLDERS = ("pages", "journals")
_EMBEDDED_PAGE = re.compile(rb"\{\{embed[ \t]+\[\[([^\[\]{}\n]{1,500})\]\]")
_TITLE = re.compile(rb"\A(?:[^\n]*\n){0,20}?title::[ \t]*([^\n]+)", re.IGNORECASE)


def graph_files(root: str) -> list[Path]:
    """The notes files of a graph's `pages/` and `journals/`, at most MAX_GRAPH_FILES."""
    folders = [os.path.join(root, f) for f in GRAPH_FOLDERS if os.path.isdir(os.path.join(root, f))]
    return list(note_files(folders))[:MAX_GRAPH_FILES]


def index_of_graph(root: str, max_bytes: int | None = None) -> dict[str, str]:
    """Every block with an `id::` in the graph, and every page some note embeds.

    Only files that hold an `id::` or are embedded are parsed; a file that cannot be
    read adds nothing (its own reading reports it).
    """
    cap = max_bytes or MAX_FILE_MB * 1_000_000
    raw: list[tuple[Path, bytes]] = []
    embedded: set[str] = set()
    for path in graph_files(root):
        try:
            data, _ = read_bounded(path, cap)
        except NoteError:
            continue
        raw.append((path, data))
        if b"{{embed" in data:
            embedded.update(
                m.decode("utf-8", "replace").strip().lower() for m in _EMBEDDED_PAGE.findall(data)
            )
    index: dict[str, str] = {}
    for path, data in raw:
        if b"id::" not in data and page_name(data, path, root).lower() not in embedded:
            continue
        note = indexed_note(data, path, root)
        if note is not None:
            index.update(logseq.entries(note))
    return index


def page_name(data: bytes, path: Path, root: str) -> str:
    """The page a graph file is, as an embed names it: its `title::`, else its file name's
    page title (read from the raw bytes, before any parse)."""
    title = titled(data)
    return logseq.page_title(path, {}, root) if title is None else title


def titled(data: bytes) -> str | None:
    """A graph file's `title::` (from its raw bytes), None when it has none."""
    title = _TITLE.match(data)
    return title[1].decode("utf-8", "replace").strip() if title else None


def indexed_note(data: bytes, path: Path, root: str) -> Note | None:
    """A graph file parsed and cleaned as Logseq shows it, ready for `logseq.entries`; None
    when it cannot be parsed (its own reading reports that)."""
    try:
        note = parse_note(data, str(path))
    except NoteError:
        return None
    note.title = logseq.page_title(path, note.metadata, root)
    logseq.clean(note)
    return note


def to_reread(
    index: Mapping[str, str],
    seen_by: Iterable[tuple[str, Mapping[str, str | None]]],
) -> list[str]:
    """The files (of `seen_by`: a file and the entries it showed, with their text then)
    that show an entry whose text in `index` is not what they showed."""
    return [
        path for path, seen in seen_by if any(index.get(key) != text for key, text in seen.items())
    ]
