"""A Logseq graph's index as a build keeps it: each notes file's entries and references.

A file's cards may show text from other files (`((uuid))`, `{{embed}}`); a build
that reads only the changed files takes the unchanged files' entries from here,
and the entries each file showed tell it which files to read again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.store.db import Store


def entries(store: Store, deck_id: int) -> dict[str, dict[str, str]]:
    """Per notes file of the deck: its entries (key -> text)."""
    out: dict[str, dict[str, str]] = {}
    for source, key, text in store.execute(
        "SELECT source, key, text FROM graph_entries WHERE deck_id = ?", (deck_id,)
    ):
        out.setdefault(source, {})[key] = text
    return out


def refs(store: Store, deck_id: int) -> dict[str, list[str]]:
    """Per notes file of the deck: the entries its cards show."""
    out: dict[str, list[str]] = {}
    for source, key in store.execute(
        "SELECT source, key FROM graph_refs WHERE deck_id = ?", (deck_id,)
    ):
        out.setdefault(source, []).append(key)
    return out


def write(
    store: Store,
    deck_id: int,
    read: Mapping[str, tuple[Mapping[str, str], Iterable[str]]],
    gone: Iterable[str],
) -> None:
    """Replace the entries and references of the files `read` (file -> (entries, refs));
    forget those of the `gone` files. Inside the caller's transaction."""
    dropped = [(deck_id, path) for path in [*read, *gone]]
    for table in ("graph_entries", "graph_refs"):
        store.executemany(f"DELETE FROM {table} WHERE deck_id = ? AND source = ?", dropped)
    store.executemany(
        "INSERT INTO graph_entries(deck_id, source, key, text) VALUES (?, ?, ?, ?)",
        (
            (deck_id, path, key, text)
            for path, (found, _) in read.items()
            for key, text in found.items()
        ),
    )
    store.executemany(
        "INSERT INTO graph_refs(deck_id, source, key) VALUES (?, ?, ?)",
        ((deck_id, path, key) for path, (_, keys) in read.items() for key in keys),
    )
