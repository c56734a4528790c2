"""The collection's schema: the steps that make and upgrade it, run by sqlite-utils' `Migrations`.

Each step runs in its own transaction. The number of steps applied is mirrored
in `PRAGMA user_version` (SQLite's own slot for it), so a newer file is told
apart even by tools that know nothing of sqlite-utils, and the header's
`application_id` marks the file as a flashcards collection.

The steps are plain functions listed in `STEPS`; `migrations`, the sqlite-utils
object that applies them, is made on first use. Importing sqlite-utils costs ~35 ms
of CPU, a sixth of the study app's start, and opening an up-to-date collection needs
only the steps' names (`step_names`): it reads what was applied with one query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flashcards.store.schema_first import FIRST_STEPS, run_script

if TYPE_CHECKING:
    from flashcards.store.sqlite_lib import Migrations, sqlite_utils

APP_ID = 0x464C4331  # 'FLC1' in the SQLite header's application_id
BUSY_TIMEOUT_MS = 10_000
CACHE_KIB = 65_536
MIGRATION_SET = "flashcards"  # the steps' set in sqlite-utils' table of applied steps
MIGRATIONS_TABLE = "_sqlite_migrations"  # that table: sqlite-utils' Migrations.migrations_table

# the schema's history, in order: never reorder or rename a step
STEPS: list[Callable[[sqlite_utils.Database], None]] = list(FIRST_STEPS)


def step(fn: Callable[[sqlite_utils.Database], None]) -> Callable[[sqlite_utils.Database], None]:
    """Registers a schema step after those before it."""
    STEPS.append(fn)
    return fn


def _made_migrations() -> Migrations:
    """sqlite-utils' Migrations over STEPS, made (and sqlite-utils imported) once."""
    from flashcards.store.sqlite_lib import Migrations

    steps = Migrations(MIGRATION_SET)
    for fn in STEPS:
        steps()(fn)
    return steps


def __getattr__(name: str) -> Any:
    if name == "migrations":
        made = globals()["migrations"] = _made_migrations()
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def step_names() -> list[str]:
    """The steps' names in order: of `migrations` once it is made (or replaced: a test
    stands in another version's steps), else of STEPS, without importing sqlite-utils."""
    made = globals().get("migrations")
    if made is not None:
        return [m.name for m in made._migrations]
    return [fn.__name__ for fn in STEPS]


@step
def m009_imported_history(db: sqlite_utils.Database) -> None:
    """History brought in from other tools (flashcards/importing/).

    - `anki_notes`: which card an Anki note's card became (note GUID, card ordinal), for
      the notes of an Anki user's own deck turned into a notes file: importing the same
      package again, or its later reviews, finds them. flashcards' own cards need no
      row: their Anki note GUID is the card's guid.
    - Review rows of kind "import" hold a schedule another tool wrote (an `<!--SR:…-->`
      comment, Logseq `card-*::` properties): the summaries behind the stats leave them
      out, so they are rebuilt with the triggers that do.
    """
    from flashcards.store.summaries import rebuild_summaries

    run_script(
        db,
        """
        CREATE TABLE anki_notes (
            guid TEXT NOT NULL,
            ord INTEGER NOT NULL,
            card_id INTEGER NOT NULL REFERENCES cards(id),
            PRIMARY KEY (guid, ord)
        )
        """,
    )
    rebuild_summaries(db.conn)


@step
def m011_card_lineage(db: sqlite_utils.Database) -> None:
    """What a card's notes say beyond its block: its lineage and its dialect.

    - `ancestors`: the block hashes of the outline blocks above the card's block,
      outermost first, separated by spaces. A study day buries the cards of an
      answered block's ancestors and descendants (issue 12: a parent's back gives its
      children's answers away).
    - `dialect`: which dialect read the card's file (markdown, obsidian, logseq).

    Existing cards have NULL in both (no ancestors known: only siblings are buried)
    until a build reads their notes again.
    """
    run_script(
        db,
        """
        ALTER TABLE cards ADD COLUMN ancestors TEXT;
        ALTER TABLE cards ADD COLUMN dialect TEXT
        """,
    )


@step
def m012_deck_list_indexes(db: sqlite_utils.Database) -> None:
    """Narrow indexes for the deck list (flashcards/store/decks.py `counts`).

    `cards_status` (deck, retired, suspended): a deck's card totals are counted from it
    alone, never from the wide `cards` rows. `cards_flags` (id, deck, retired,
    suspended): the deck and flags of each new or due card, found through
    `card_state_due`, in one narrow look-up.
    """
    db.execute("CREATE INDEX cards_status ON cards(deck_id, retired, suspended)")
    db.execute("CREATE INDEX cards_flags ON cards(id, deck_id, retired, suspended)")


@step
def m013_sync(db: sqlite_utils.Database) -> None:
    """Histories merged through per-device journals (`flashcards/sync/`).

    A review names its device: NULL for this device's own, the other device's id for
    one imported from its journal (unique per device, card and moment, so a journal
    read twice adds nothing). The collection's own device id is made here, once.
    `sync_written` is the last own review written to this device's journal; undo
    deleting such a review leaves a note in `sync_outbox` (the journal says so next
    sync) and lowers the mark, since SQLite may give the next answer the freed id.
    Reviews of cards this collection has not built yet wait in `sync_pending`; the
    reviews other devices took back are remembered in `sync_undone`, and how far each
    other device's journal was read in `sync_peers`.
    """
    import secrets

    run_script(
        db,
        """
        ALTER TABLE reviews ADD COLUMN device TEXT;
        CREATE UNIQUE INDEX reviews_origin ON reviews(device, card_id, time_ms)
            WHERE device IS NOT NULL;
        CREATE INDEX reviews_replay ON reviews(card_id, time_ms);
        CREATE TABLE sync_peers (
            device TEXT PRIMARY KEY,
            offset INTEGER NOT NULL,
            lines INTEGER NOT NULL,
            size INTEGER NOT NULL
        );
        CREATE TABLE sync_pending (
            device TEXT NOT NULL,
            guid TEXT NOT NULL,
            deck TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            day TEXT NOT NULL,
            q INTEGER NOT NULL,
            duration_ms INTEGER,
            kind TEXT NOT NULL,
            PRIMARY KEY (device, guid, time_ms)
        );
        CREATE TABLE sync_undone (
            device TEXT NOT NULL,
            guid TEXT NOT NULL,
            time_ms INTEGER NOT NULL,
            PRIMARY KEY (device, guid, time_ms)
        );
        CREATE TABLE sync_outbox (
            card_id INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            day TEXT NOT NULL,
            q INTEGER NOT NULL,
            duration_ms INTEGER
        );
        INSERT INTO config(key, value) VALUES ('sync_written', '0')
            ON CONFLICT(key) DO NOTHING
        """,
    )
    # on its own: the trigger's body has semicolons of its own
    db.execute(
        """
        CREATE TRIGGER reviews_sync_undo AFTER DELETE ON reviews
            WHEN old.device IS NULL
            AND old.id <= (SELECT CAST(value AS INTEGER) FROM config WHERE key = 'sync_written')
        BEGIN
            INSERT INTO sync_outbox VALUES
                (old.card_id, old.time_ms, old.day, old.q, old.duration_ms);
            UPDATE config SET value = CAST(old.id - 1 AS TEXT) WHERE key = 'sync_written';
        END
        """,
    )
    db.execute(
        "INSERT INTO config(key, value) VALUES ('device_id', ?) ON CONFLICT(key) DO NOTHING",
        (secrets.token_hex(8),),
    )


@step
def m014_stats_index(db: sqlite_utils.Database) -> None:
    """A narrow covering index for the stats' card queries (flashcards/store/stats.py).

    They need of `cards` only the deck, the retired/suspended flags and buried_until
    (and the id, which every index carries): read from this index, a million cards
    cost a pass over a few tens of bytes each instead of over the wide rows with
    their guids and hashes.
    """
    db.execute("CREATE INDEX cards_stats ON cards(deck_id, retired, suspended, buried_until)")


@step
def m015_deck_summaries(db: sqlite_utils.Database) -> None:
    """The deck list's card counts per deck, kept by triggers (store/deck_summaries.py)."""
    from flashcards.store.deck_summaries import statements

    for statement in statements():
        db.execute(statement)


@step
def m017_sync_peer_marks(db: sqlite_utils.Database) -> None:
    """How each other device's journal looked when last read, beside its offset: its
    modification time (a journal of the same size and time is not opened at all) and
    the last line before the offset (still there when the file was only appended to;
    else it was rewritten, and is read again from its start)."""
    db.execute("ALTER TABLE sync_peers ADD COLUMN mtime_ns INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE sync_peers ADD COLUMN tail BLOB NOT NULL DEFAULT x''")


@step
def m018_summary_lookups(db: sqlite_utils.Database) -> None:
    """The deck summaries' triggers made again (store/deck_summaries.py `_take`): they
    found a card's old count row by the deck alone and scanned its due days; each now
    looks the row up by its whole key. Same counts, no data changes."""
    from flashcards.store.deck_summaries import remake_triggers

    remake_triggers(db)


# What an answer no longer writes (m019): the browse sorts' indexes of card_state (m005),
# and reviews_card(card_id, id), which reviews_replay(card_id, time_ms) (m013) does the
# work of: both lead with the card, and a card's few reviews sort by id in a moment.
ANSWER_DROPPED_INDEXES = (
    "card_state_interval",
    "card_state_ef",
    "card_state_lapses",
    "card_state_last",
    "reviews_card",
)


@step
def m019_answer_pages(db: sqlite_utils.Database) -> None:
    """Fewer pages per answer, each written and synced before it is acknowledged
    (synchronous=FULL, issue 10): the indexes in `ANSWER_DROPPED_INDEXES` go, one to
    three pages an answer between them (the browser's sorts by interval, ease, lapses and
    last review read the states and keep the top of the page instead:
    store/browse.py), and the deck summaries' triggers are made again: they take a card
    out of its group and put it back only when the group changes (`deck_summaries._moved`),
    not whenever a column it is read from does. Same counts, no data changes."""
    from flashcards.store.deck_summaries import remake_triggers

    for name in ANSWER_DROPPED_INDEXES:
        db.execute(f"DROP INDEX IF EXISTS {name}")
    remake_triggers(db)


@step
def m020_review_summary(db: sqlite_utils.Database) -> None:
    """The review summaries' two tables become one, read through two views of the old
    names (store/summaries.py): an answer's day row and slot row share a page, one page
    fewer written and synced per answer. The rows are copied as they are."""
    from flashcards.store.summaries import merge_tables

    merge_tables(db.conn)


@step
def m021_pending_answers(db: sqlite_utils.Database) -> None:
    """An answer no longer writes the summaries behind the deck list and the stats as it
    is saved: it is pending until it is folded in (store/pending.py), three to four pages
    fewer written and synced per answer. The mark, the summaries' triggers that stand
    still while it is set, and the views that read pending answers into the summaries."""
    from flashcards.store import pending

    pending.step(db.conn)


@step
def m022_pending_by_id(db: sqlite_utils.Database) -> None:
    """The views that read the pending answers into the summaries made again, their
    range of the log marked as the few rows it is (store/pending_mark.PENDING): read
    as a large part of the log, it was found by a pass over the log or the cards. No
    data changes."""
    from flashcards.store import pending

    pending.remake_live_views(db.conn)


TABLES = (
    "config",
    "decks",
    "sources",
    "blocks",
    "cards",
    "card_state",
    "reviews",
    "fsrs_state",
    "fsrs_parameters",
    "graph_entries",
    "graph_refs",
    "anki_notes",
)


SCHEMA_VERSION = len(STEPS)
