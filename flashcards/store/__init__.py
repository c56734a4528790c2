"""The collection file: the only place with SQL.

One SQLite file in WAL mode, its schema steps run by sqlite-utils. `Store` is the
connection and its transactions; every query lives in the module of its
caller and maps its rows to named records next to its SQL:

- `decks` — decks, their notes files' records (for incremental builds);
- `cards` — blocks and cards as a build writes and matches them, cards as
  screens and scripts read them;
- `queue` — today's queue, answering and undo (the study's hot path);
- `integrity` — the soundness check on open, and what `doctor` checks and repairs;
- `stats`, `export` — the read-only aggregates of those callers.

Tables: `decks`, `sources`; `blocks` (a block's text, deletions, children and
context, once for its cards); `cards` (identity, hashes, which deletions it
hides, status); `reviews` (append-only: the source of truth); `card_state`
(derived from the reviews, kept for fast queues); `config`.

Opening (and refusing) files is `connection.py`; what errors mean,
`errors.py`; backups, `backup.py`; the schema, `schema.py`.
"""

from __future__ import annotations

from flashcards.store.db import CHUNK, Store, chunks, marks
from flashcards.store.errors import (
    CollectionBusy,
    CollectionDamaged,
    CollectionReadOnly,
    DiskFull,
    StoreError,
)
from flashcards.store.schema import SCHEMA_VERSION

__all__ = [
    "CHUNK",
    "SCHEMA_VERSION",
    "CollectionBusy",
    "CollectionDamaged",
    "CollectionReadOnly",
    "DiskFull",
    "Store",
    "StoreError",
    "chunks",
    "marks",
]
