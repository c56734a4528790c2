"""The schema's first steps, m001–m008: the tables, their indexes, review summaries,
blocks, browsing, FSRS, the notes graph and deck identity.

Plain functions: `flashcards.store.schema` registers them, in this order, before
its later steps (the order is the schema's history; never reorder or rename one).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flashcards.store.sqlite_lib import sqlite_utils


def m001_initial(db: sqlite_utils.Database) -> None:
    # one statement at a time: executescript() would commit the migration's transaction
    run_script(
        db,
        """
        CREATE TABLE config (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE decks (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            spec_path TEXT,
            notes TEXT NOT NULL DEFAULT '[]',
            description TEXT NOT NULL DEFAULT '',
            settings TEXT NOT NULL DEFAULT '{}',
            built_at TEXT
        );
        CREATE TABLE sources (
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            path TEXT NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            hash TEXT NOT NULL,
            PRIMARY KEY (deck_id, path)
        );
        CREATE TABLE cards (
            id INTEGER PRIMARY KEY,
            guid TEXT NOT NULL UNIQUE,
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            content_hash TEXT NOT NULL,
            base_hash TEXT NOT NULL,
            block_hash TEXT NOT NULL,
            kind TEXT NOT NULL,
            deletion TEXT NOT NULL,
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            position INTEGER NOT NULL,
            context TEXT NOT NULL,
            text TEXT NOT NULL,
            front TEXT NOT NULL,
            back TEXT NOT NULL,
            cloze TEXT NOT NULL,
            answers TEXT NOT NULL,
            hint TEXT,
            tags TEXT NOT NULL,
            retired INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            buried_until TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX cards_deck_hash ON cards(deck_id, content_hash);
        CREATE INDEX cards_order ON cards(deck_id, source, position);
        CREATE TABLE card_state (
            card_id INTEGER PRIMARY KEY REFERENCES cards(id),
            repetitions INTEGER NOT NULL DEFAULT 0,
            ef INTEGER NOT NULL DEFAULT 2500,
            interval INTEGER NOT NULL DEFAULT 0,
            due TEXT,
            lapses INTEGER NOT NULL DEFAULT 0,
            last_day TEXT,
            drill INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX card_state_due ON card_state(due);
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY,
            card_id INTEGER NOT NULL REFERENCES cards(id),
            time_ms INTEGER NOT NULL,
            day TEXT NOT NULL,
            q INTEGER NOT NULL,
            duration_ms INTEGER,
            kind TEXT NOT NULL,
            reps_before INTEGER NOT NULL,
            ef_before INTEGER NOT NULL,
            interval_before INTEGER NOT NULL,
            due_before TEXT,
            lapses_before INTEGER NOT NULL,
            reps_after INTEGER NOT NULL,
            ef_after INTEGER NOT NULL,
            interval_after INTEGER NOT NULL,
            due_after TEXT,
            lapses_after INTEGER NOT NULL
        );
        CREATE INDEX reviews_card ON reviews(card_id, id);
        CREATE INDEX reviews_day ON reviews(day);
        """,
    )


def m002_build_index(db: sqlite_utils.Database) -> None:
    # A build looks cards up by content (moves, restores, identical blocks) and counts a
    # deck's active cards; the cards rows are wide, so both read this index only.
    db.execute("CREATE INDEX cards_base ON cards(deck_id, base_hash, retired)")


def run_script(db: sqlite_utils.Database, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m003_review_summaries(db: sqlite_utils.Database) -> None:
    # per-day summaries of the review log, kept by triggers, for fast stats
    # (flashcards/store/summaries.py says why and holds the SQL)
    from flashcards.store.summaries import summary_statements

    for statement in summary_statements():
        db.execute(statement)


def m004_blocks(db: sqlite_utils.Database) -> None:
    """A block's text is stored once for its cards, with its deletions and children.

    Cards stored their front, back, cloze text and context each (a block with 200
    deletions, 200 times); now a card names its block and which deletions it hides,
    and the faces are rendered from that. Existing cards get a block each, made from
    what they stored; the reader version goes up with this step, so the next build of
    every deck re-reads its notes and gives its cards their real, shared blocks —
    keeping every id and review.
    """
    from flashcards.store.legacy import block_of_legacy_card

    run_script(
        db,
        """
        CREATE TABLE blocks (
            id INTEGER PRIMARY KEY,
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            body TEXT NOT NULL,
            marks TEXT NOT NULL,
            children TEXT NOT NULL,
            context TEXT NOT NULL,
            tags TEXT NOT NULL,
            norm TEXT NOT NULL
        );
        CREATE INDEX blocks_source ON blocks(deck_id, source);
        ALTER TABLE cards ADD COLUMN block_id INTEGER REFERENCES blocks(id);
        ALTER TABLE cards ADD COLUMN hidden TEXT NOT NULL DEFAULT '[]'
        """,
    )
    conn = db.conn
    rows = conn.execute(
        "SELECT id, deck_id, kind, source, line, context, text, front, back, cloze, answers, "
        "hint, tags FROM cards ORDER BY id"
    ).fetchall()
    next_block = 1
    blocks: list[tuple] = []
    links: list[tuple] = []
    for (
        card_id,
        deck_id,
        kind,
        source,
        line,
        context,
        text,
        front,
        back,
        cloze,
        answers,
        hint,
        tags,
    ) in rows:
        body, marks, hidden, children = block_of_legacy_card(
            kind, front, back, cloze, answers, hint
        )
        blocks.append(
            (next_block, deck_id, source, line, body, marks, children, context, tags, text)
        )
        links.append((next_block, hidden, card_id))
        next_block += 1
    conn.executemany("INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", blocks)
    conn.executemany("UPDATE cards SET block_id = ?, hidden = ? WHERE id = ?", links)
    for column in ("context", "text", "front", "back", "cloze", "tags", "line"):
        db.execute(f"ALTER TABLE cards DROP COLUMN {column}")
    db.execute("CREATE INDEX cards_block ON cards(block_id)")


def m005_browse_index(db: sqlite_utils.Database) -> None:
    # The card browser pages through every card sorted by one state column (the due date
    # has its index since m001) and filters by flags: each reads an index and stops at
    # its LIMIT instead of sorting 100,000 rows. Flags are rare: partial indexes.
    run_script(
        db,
        """
        CREATE INDEX card_state_interval ON card_state(interval);
        CREATE INDEX card_state_ef ON card_state(ef);
        CREATE INDEX card_state_lapses ON card_state(lapses);
        CREATE INDEX card_state_last ON card_state(last_day);
        CREATE INDEX cards_suspended ON cards(id) WHERE suspended = 1;
        CREATE INDEX cards_buried ON cards(buried_until) WHERE buried_until IS NOT NULL
        """,
    )


def m006_fsrs(db: sqlite_utils.Database) -> None:
    """FSRS beside SM-2: a card's FSRS memory, and the parameters trained per deck.

    `fsrs_state` holds what FSRS remembers of a card of an FSRS deck (derived, like
    card_state: the replay of its reviews under the deck's scheduler); cards of SM-2
    decks have no row. `fsrs_parameters` keeps what `flashcards optimize` trained, with
    the date and the number of reviews it came from.
    """
    run_script(
        db,
        """
        CREATE TABLE fsrs_state (
            card_id INTEGER PRIMARY KEY REFERENCES cards(id),
            stability REAL NOT NULL,
            difficulty REAL NOT NULL,
            phase INTEGER NOT NULL,
            step INTEGER,
            last_ms INTEGER NOT NULL,
            due_ms INTEGER NOT NULL
        );
        CREATE TABLE fsrs_parameters (
            deck_id INTEGER PRIMARY KEY REFERENCES decks(id),
            parameters TEXT NOT NULL,
            trained_at TEXT NOT NULL,
            reviews INTEGER NOT NULL
        )
        """,
    )


def m007_graph_index(db: sqlite_utils.Database) -> None:
    """A Logseq graph's index, per notes file (flashcards/store/graph.py says why).

    `graph_entries`: what a file offers other files (a block's uuid, or `[[` and a
    page's name, with its text); `graph_refs`: the entries a file's cards show. A
    build that reads only changed files still resolves references into unchanged
    ones, and reads again the files that show an entry whose text changed.
    """
    run_script(
        db,
        """
        CREATE TABLE graph_entries (
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            text TEXT NOT NULL,
            PRIMARY KEY (deck_id, source, key)
        );
        CREATE TABLE graph_refs (
            deck_id INTEGER NOT NULL REFERENCES decks(id),
            source TEXT NOT NULL,
            key TEXT NOT NULL,
            PRIMARY KEY (deck_id, source, key)
        )
        """,
    )


def m008_deck_identity(db: sqlite_utils.Database) -> None:
    """A deck is its spec file (or, built from notes alone, its one notes file or folder),
    not its `name:`: a renamed deck keeps its id and history. Decks can be retired (out of
    every queue and list, history kept) and restored. Existing decks get their key from
    the spec path (or single notes path) they were built from."""
    run_script(
        db,
        """
        ALTER TABLE decks ADD COLUMN identity TEXT;
        ALTER TABLE decks ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
        UPDATE decks SET identity = 'spec:' || spec_path WHERE spec_path IS NOT NULL
        """,
    )
    # a deck built from one notes path and named after it is that path's deck (the path
    # may be gone: a file deck is named after the file's stem, a folder deck after it)
    conn = db.conn
    rows = conn.execute(
        "SELECT id, name, notes FROM decks WHERE spec_path IS NULL AND "
        "json_array_length(notes) = 1 ORDER BY id"
    ).fetchall()
    keyed: set[str] = set()
    for deck_id, name, notes in rows:
        path = Path(json.loads(notes)[0])
        identity = f"notes:{path}"
        if name in (path.stem, path.name) and identity not in keyed:
            keyed.add(identity)
            conn.execute("UPDATE decks SET identity = ? WHERE id = ?", (identity, deck_id))
    db.execute("CREATE UNIQUE INDEX decks_identity ON decks(identity) WHERE identity IS NOT NULL")


# in the order `flashcards.store.schema` registers them
FIRST_STEPS = (
    m001_initial,
    m002_build_index,
    m003_review_summaries,
    m004_blocks,
    m005_browse_index,
    m006_fsrs,
    m007_graph_index,
    m008_deck_identity,
)
