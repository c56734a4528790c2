"""The collection file: the only place with SQL.

One SQLite file in WAL mode, opened through sqlite-utils. The schema is a set
of sqlite-utils `Migrations`; a copy of the file is kept before migrating, and
a file from a newer flashcards (a migration we do not know) is refused.

Tables:
- `decks`, `sources` (path, size, mtime, hash) for incremental builds;
- `cards` — what the notes say, with a stable `id` and the content hash;
- `reviews` — append-only, the source of truth (undo removes the last one);
- `card_state` — derived from the reviews, kept for fast queues.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

APP_ID = 0x464C4331  # 'FLC1' in the SQLite header's application_id
BUSY_TIMEOUT_MS = 10_000

migrations = Migrations("flashcards")


class StoreError(Exception):
    """A collection file that cannot be used; the file is left as it was."""


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    # one statement at a time: executescript() would commit the migration's transaction
    _run_script(
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


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


SCHEMA_VERSION = len(migrations._migrations)

CARD_COLUMNS = (
    "id, guid, deck_id, content_hash, base_hash, block_hash, kind, deletion, source, line, "
    "position, context, text, front, back, cloze, answers, hint, tags, retired, suspended, "
    "buried_until, created_at, updated_at"
)
STATE_COLUMNS = "repetitions, ef, interval, due, lapses, last_day, drill"


@dataclass
class ReviewRow:
    id: int
    card_id: int
    time_ms: int
    day: str
    q: int
    duration_ms: int | None
    kind: str
    before: tuple[int, int, int, str | None, int]
    after: tuple[int, int, int, str | None, int]


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class Store:
    """A flashcards collection file. One Store belongs to one thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.db = _open_checked(self.path)

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        self.db.conn.close()

    @contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        """One transaction: everything inside commits together or not at all."""
        with self.db.atomic():
            yield self.db

    def execute(
        self, sql: str, params: Sequence[object] | dict[str, object] = ()
    ) -> sqlite3.Cursor:
        return self.db.conn.execute(sql, params)

    # -- config --------------------------------------------------------------

    def get_config(self, key: str, default: str | None = None) -> str | None:
        row = self.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_config(self, key: str, value: str) -> None:
        with self.atomic():
            self.execute(
                "INSERT INTO config(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- decks and sources ---------------------------------------------------

    def deck_rows(self) -> list[sqlite3.Row]:
        return self._rows("SELECT * FROM decks ORDER BY name")

    def deck_by_name(self, name: str) -> sqlite3.Row | None:
        rows = self._rows("SELECT * FROM decks WHERE name = ?", (name,))
        return rows[0] if rows else None

    def deck_by_id(self, deck_id: int) -> sqlite3.Row | None:
        rows = self._rows("SELECT * FROM decks WHERE id = ?", (deck_id,))
        return rows[0] if rows else None

    def upsert_deck(
        self, name: str, spec_path: str | None, notes: list[str], description: str, settings: dict
    ) -> int:
        """Create or update a deck row inside the caller's transaction; returns its id."""
        row = self.execute("SELECT id FROM decks WHERE name = ?", (name,)).fetchone()
        values = (spec_path, json.dumps(notes), description, json.dumps(settings, sort_keys=True))
        if row:
            self.execute(
                "UPDATE decks SET spec_path = ?, notes = ?, description = ?, settings = ? WHERE id = ?",
                (*values, row[0]),
            )
            return int(row[0])
        cur = self.execute(
            "INSERT INTO decks(name, spec_path, notes, description, settings) VALUES (?, ?, ?, ?, ?)",
            (name, *values),
        )
        return int(cur.lastrowid)

    def mark_built(self, deck_id: int) -> None:
        self.execute("UPDATE decks SET built_at = ? WHERE id = ?", (now_iso(), deck_id))

    def sources(self, deck_id: int) -> dict[str, tuple[int, int, str]]:
        return {
            path: (size, mtime, digest)
            for path, size, mtime, digest in self.execute(
                "SELECT path, size, mtime_ns, hash FROM sources WHERE deck_id = ?", (deck_id,)
            )
        }

    def replace_sources(self, deck_id: int, rows: Iterable[tuple[str, int, int, str]]) -> None:
        self.execute("DELETE FROM sources WHERE deck_id = ?", (deck_id,))
        self.db.conn.executemany(
            "INSERT INTO sources(deck_id, path, size, mtime_ns, hash) VALUES (?, ?, ?, ?, ?)",
            ((deck_id, *r) for r in rows),
        )

    # -- cards ---------------------------------------------------------------

    def card_index(self, deck_id: int) -> list[sqlite3.Row]:
        """The light columns a build matches on, for every card of a deck."""
        return self._rows(
            "SELECT id, content_hash, base_hash, source, line, position, retired "
            "FROM cards WHERE deck_id = ?",
            (deck_id,),
        )

    def card_rows(self, ids: Iterable[int]) -> list[sqlite3.Row]:
        ids = list(ids)
        out: list[sqlite3.Row] = []
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            marks = ",".join("?" * len(chunk))
            out.extend(self._rows(f"SELECT {CARD_COLUMNS} FROM cards WHERE id IN ({marks})", chunk))
        return out

    def cards_of_sources(self, deck_id: int, sources: Sequence[str]) -> list[sqlite3.Row]:
        """Active cards of the given files, in outline order."""
        out: list[sqlite3.Row] = []
        for source in sources:
            out.extend(
                self._rows(
                    f"SELECT {CARD_COLUMNS} FROM cards WHERE deck_id = ? AND source = ? AND retired = 0 "
                    "ORDER BY position",
                    (deck_id, source),
                )
            )
        return out

    def insert_cards(self, rows: list[dict[str, object]]) -> None:
        if not rows:
            return
        cols = [c for c in rows[0] if c != "id"]
        marks = ", ".join("?" * len(cols))
        cur = self.db.conn.cursor()
        cur.executemany(
            f"INSERT INTO cards({', '.join(cols)}) VALUES ({marks})",
            ([r[c] for c in cols] for r in rows),
        )
        # fresh cards get a fresh state row; a card id is never reused
        self.execute(
            "INSERT INTO card_state(card_id) SELECT id FROM cards "
            "WHERE id NOT IN (SELECT card_id FROM card_state)"
        )

    def update_cards(self, updates: list[tuple[int, dict[str, object]]]) -> None:
        for card_id, values in updates:
            sets = ", ".join(f"{k} = ?" for k in values)
            self.execute(f"UPDATE cards SET {sets} WHERE id = ?", (*values.values(), card_id))

    def retire_cards(self, ids: Iterable[int]) -> None:
        stamp = now_iso()
        self.db.conn.executemany(
            "UPDATE cards SET retired = 1, updated_at = ? WHERE id = ?", ((stamp, i) for i in ids)
        )

    def set_flags(
        self, card_id: int, *, suspended: int | None = None, buried_until: object = ...
    ) -> None:
        if suspended is not None:
            self.execute("UPDATE cards SET suspended = ? WHERE id = ?", (suspended, card_id))
        if buried_until is not ...:
            self.execute("UPDATE cards SET buried_until = ? WHERE id = ?", (buried_until, card_id))

    def card_with_state(self, card_id: int) -> sqlite3.Row | None:
        rows = self._rows(
            f"SELECT c.*, d.name AS deck, d.settings AS deck_settings, {_prefixed('s', STATE_COLUMNS)} "
            "FROM cards c JOIN decks d ON d.id = c.deck_id JOIN card_state s ON s.card_id = c.id "
            "WHERE c.id = ?",
            (card_id,),
        )
        return rows[0] if rows else None

    def cards_with_state(
        self, deck_id: int | None = None, include_retired: bool = True
    ) -> list[sqlite3.Row]:
        where = []
        params: list[object] = []
        if deck_id is not None:
            where.append("c.deck_id = ?")
            params.append(deck_id)
        if not include_retired:
            where.append("c.retired = 0")
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        return self._rows(
            f"SELECT c.*, d.name AS deck, d.settings AS deck_settings, {_prefixed('s', STATE_COLUMNS)} "
            f"FROM cards c JOIN decks d ON d.id = c.deck_id JOIN card_state s ON s.card_id = c.id "
            f"{clause} ORDER BY d.name, c.source, c.position",
            params,
        )

    def deck_counts(self, day: str) -> list[sqlite3.Row]:
        """Per deck: cards, new, due today (reviews), retired, suspended."""
        return self._rows(
            """
            SELECT d.id, d.name, d.built_at,
                   COUNT(c.id) AS total,
                   SUM(c.retired = 0) AS active,
                   SUM(c.retired = 0 AND c.suspended = 0 AND s.due IS NULL) AS new,
                   SUM(c.retired = 0 AND c.suspended = 0 AND s.due <= :day) AS due,
                   SUM(c.retired) AS retired,
                   SUM(c.retired = 0 AND c.suspended = 1) AS suspended
            FROM decks d
            LEFT JOIN cards c ON c.deck_id = d.id
            LEFT JOIN card_state s ON s.card_id = c.id
            GROUP BY d.id ORDER BY d.name
            """,
            {"day": day},
        )

    # -- study queue ---------------------------------------------------------

    def due_candidates(self, day: str, deck_ids: Sequence[int]) -> list[tuple]:
        """Due reviews, most overdue first, then outline order: (id, deck, block)."""
        marks = ",".join("?" * len(deck_ids))
        return self.execute(
            f"SELECT c.id, c.deck_id, c.block_hash FROM card_state s JOIN cards c ON c.id = s.card_id "
            f"WHERE s.due <= ? AND c.deck_id IN ({marks}) AND c.retired = 0 AND c.suspended = 0 "
            f"AND (c.buried_until IS NULL OR c.buried_until <= ?) "
            f"ORDER BY s.due, c.source, c.position",
            (day, *deck_ids, day),
        ).fetchall()

    def new_candidates(self, day: str, deck_ids: Sequence[int]) -> list[tuple]:
        """New cards in outline order: (id, deck, block)."""
        marks = ",".join("?" * len(deck_ids))
        return self.execute(
            f"SELECT c.id, c.deck_id, c.block_hash FROM cards c JOIN card_state s ON s.card_id = c.id "
            f"WHERE s.due IS NULL AND c.deck_id IN ({marks}) AND c.retired = 0 AND c.suspended = 0 "
            f"AND (c.buried_until IS NULL OR c.buried_until <= ?) "
            f"ORDER BY c.deck_id, c.source, c.position",
            (*deck_ids, day),
        ).fetchall()

    def reviews_on(self, day: str) -> list[tuple]:
        """Today's answers: (card, deck, block, kind, was_new, q, review id), in order."""
        return self.execute(
            "SELECT r.card_id, c.deck_id, c.block_hash, r.kind, r.due_before IS NULL, r.q, r.id "
            "FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.day = ? ORDER BY r.id",
            (day,),
        ).fetchall()

    def state_of(self, card_id: int) -> tuple | None:
        return self.execute(
            f"SELECT {STATE_COLUMNS} FROM card_state WHERE card_id = ?", (card_id,)
        ).fetchone()

    def add_review(
        self,
        card_id: int,
        time_ms: int,
        day: str,
        q: int,
        duration_ms: int | None,
        kind: str,
        before: tuple,
        after: tuple,
        drill: int,
    ) -> int:
        """Append a review and move the card's state, inside the caller's transaction."""
        cur = self.execute(
            "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, ef_before, "
            "interval_before, due_before, lapses_before, reps_after, ef_after, interval_after, "
            "due_after, lapses_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (card_id, time_ms, day, q, duration_ms, kind, *before, *after),
        )
        self.execute(
            "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
            "last_day = ?, drill = ? WHERE card_id = ?",
            (*after, day, drill, card_id),
        )
        return int(cur.lastrowid)

    def delete_review(self, review_id: int) -> None:
        self.execute("DELETE FROM reviews WHERE id = ?", (review_id,))

    def reviews_of(self, card_id: int) -> list[tuple]:
        """(q, day, kind) of a card's reviews in order."""
        return self.execute(
            "SELECT q, day, kind FROM reviews WHERE card_id = ? ORDER BY id", (card_id,)
        ).fetchall()

    def write_state(self, card_id: int, state: tuple) -> None:
        self.execute(
            "UPDATE card_state SET repetitions = ?, ef = ?, interval = ?, due = ?, lapses = ?, "
            "last_day = ?, drill = ? WHERE card_id = ?",
            (*state, card_id),
        )

    def all_reviews(self, deck_id: int | None = None) -> Iterator[tuple]:
        """(card_id, q, day, kind, time_ms, duration_ms, review id) for every review, by card and time."""
        if deck_id is None:
            return self.execute(
                "SELECT card_id, q, day, kind, time_ms, duration_ms, id FROM reviews ORDER BY card_id, id"
            )
        return self.execute(
            "SELECT r.card_id, r.q, r.day, r.kind, r.time_ms, r.duration_ms, r.id FROM reviews r "
            "JOIN cards c ON c.id = r.card_id WHERE c.deck_id = ? ORDER BY r.card_id, r.id",
            (deck_id,),
        )

    def all_states(self) -> dict[int, tuple]:
        return {
            row[0]: tuple(row[1:])
            for row in self.execute(f"SELECT card_id, {STATE_COLUMNS} FROM card_state")
        }

    def review_count(self) -> int:
        return int(self.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])

    def next_due_day(self, deck_ids: Sequence[int]) -> str | None:
        marks = ",".join("?" * len(deck_ids))
        row = self.execute(
            f"SELECT MIN(s.due) FROM card_state s JOIN cards c ON c.id = s.card_id "
            f"WHERE c.deck_id IN ({marks}) AND c.retired = 0 AND c.suspended = 0 AND s.due IS NOT NULL",
            tuple(deck_ids),
        ).fetchone()
        return row[0] if row else None

    # -- integrity -----------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        problems: list[str] = []
        result = self.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            problems.append(f"SQLite integrity check: {result}")
        for table, parent, *_ in self.execute("PRAGMA foreign_key_check").fetchall():
            problems.append(f"table {table} has rows pointing at missing {parent} rows")
        checks = {
            "reviews of cards that do not exist": "SELECT COUNT(*) FROM reviews WHERE card_id NOT IN (SELECT id FROM cards)",
            "card states of cards that do not exist": "SELECT COUNT(*) FROM card_state WHERE card_id NOT IN (SELECT id FROM cards)",
            "cards without a state row": "SELECT COUNT(*) FROM cards WHERE id NOT IN (SELECT card_id FROM card_state)",
            "cards of decks that do not exist": "SELECT COUNT(*) FROM cards WHERE deck_id NOT IN (SELECT id FROM decks)",
        }
        for what, sql in checks.items():
            n = self.execute(sql).fetchone()[0]
            if n:
                problems.append(f"{n} {what}")
        return problems

    def add_missing_states(self) -> int:
        cur = self.execute(
            "INSERT INTO card_state(card_id) SELECT id FROM cards WHERE id NOT IN (SELECT card_id FROM card_state)"
        )
        return cur.rowcount

    def _rows(
        self, sql: str, params: Sequence[object] | dict[str, object] = ()
    ) -> list[sqlite3.Row]:
        conn = self.db.conn
        old = conn.row_factory
        conn.row_factory = sqlite3.Row
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.row_factory = old


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


def _open_checked(path: Path) -> sqlite_utils.Database:
    """Open (or create) a collection, refusing files that are not ours or are newer."""
    existed = path.exists() and path.stat().st_size > 0
    if path.exists() and path.is_dir():
        raise StoreError(f"{path}: is a folder, not a collection file; pass a file path with --db")
    if existed:
        with path.open("rb") as fh:
            header = fh.read(16)
        if header != b"SQLite format 3\x00":
            raise StoreError(
                f"{path}: not a flashcards collection (not an SQLite file); "
                "choose another path with --db or FLASHCARDS_DB"
            )
    elif not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db = sqlite_utils.Database(conn)
        if existed:
            _check_ours(db, path)
        with db.ensure_autocommit_on():
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError(f"{path}: could not switch the collection to WAL mode ({mode})")
        # A killed process loses nothing committed: WAL with NORMAL sync survives a
        # process crash; only a power cut can drop the last transactions.
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        pending = migrations.pending(db)
        if pending:
            if existed:
                _backup(conn, path)
            migrations.apply(db)
            conn.execute(f"PRAGMA application_id = {APP_ID}")
        return db
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"{path}: cannot be opened as a collection ({exc}); "
            "it may be damaged — restore a backup or choose another path with --db"
        ) from None


def _check_ours(db: sqlite_utils.Database, path: Path) -> None:
    conn = db.conn
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id not in (0, APP_ID) or (tables and Migrations.migrations_table not in tables):
        raise StoreError(
            f"{path}: is an SQLite file but not a flashcards collection; "
            "choose another path with --db or FLASHCARDS_DB"
        )
    if Migrations.migrations_table in tables:
        known = {m.name for m in migrations._migrations}
        applied = {
            r[0]
            for r in conn.execute(
                f"SELECT name FROM {Migrations.migrations_table} WHERE migration_set = ?",
                (migrations.name,),
            )
        }
        if not applied and tables - {Migrations.migrations_table}:
            raise StoreError(
                f"{path}: is an SQLite file but not a flashcards collection; "
                "choose another path with --db or FLASHCARDS_DB"
            )
        newer = applied - known
        if newer:
            raise StoreError(
                f"{path}: was written by a newer flashcards (schema steps {', '.join(sorted(newer))}); "
                "upgrade flashcards to open it"
            )


def _backup(conn: sqlite3.Connection, path: Path) -> Path:
    """Copy the collection aside before a migration changes it."""
    target = path.with_name(f"{path.name}.before-migration-{time.strftime('%Y%m%d-%H%M%S')}")
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target
