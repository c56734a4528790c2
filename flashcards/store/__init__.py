"""The collection file: the only place with SQL.

One SQLite file in WAL mode, opened through sqlite-utils. The schema is a set
of sqlite-utils `Migrations`; a copy of the file is kept before migrating, and
a file from a newer flashcards (a migration we do not know) is refused.

Tables:
- `decks`, `sources` (path, size, mtime, hash) for incremental builds;
- `cards` — what the notes say, with a stable `id` and the content hash;
- `reviews` — append-only, the source of truth (undo removes the last one);
- `card_state` — derived from the reviews, kept for fast queues.

Opening (and refusing) files is `connection.py`; what errors mean, `errors.py`;
backups, `backup.py`; the on-open soundness check, `integrity.py`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from flashcards.clock import iso_utc
from flashcards.store import integrity
from flashcards.store.connection import open_database
from flashcards.store.errors import (
    CollectionBusy,
    CollectionDamaged,
    CollectionReadOnly,
    DiskFull,
    StoreError,
    explain,
    is_busy,
)
from flashcards.store.schema import SCHEMA_VERSION, TABLES, migrations, sqlite_utils

__all__ = [
    "SCHEMA_VERSION",
    "CollectionBusy",
    "CollectionDamaged",
    "CollectionReadOnly",
    "DiskFull",
    "Store",
    "StoreError",
]

# BEGIN IMMEDIATE waits up to the busy timeout for another writer; a writer that holds
# the lock longer than that (a stuck process) is waited for this many times more
BUSY_RETRIES = 2

CARD_COLUMNS = (
    "id, guid, deck_id, content_hash, base_hash, block_hash, kind, deletion, source, line, "
    "position, context, text, front, back, cloze, answers, hint, tags, retired, suspended, "
    "buried_until, created_at, updated_at"
)
STATE_COLUMNS = "repetitions, ef, interval, due, lapses, last_day, drill"


# columns a build writes for a new card, in the order insert_cards expects them
CARD_WRITE_COLUMNS = (
    "guid",
    "deck_id",
    "content_hash",
    "base_hash",
    "block_hash",
    "kind",
    "deletion",
    "source",
    "line",
    "position",
    "context",
    "text",
    "front",
    "back",
    "cloze",
    "answers",
    "hint",
    "tags",
    "created_at",
    "updated_at",
)


_KEY_COLUMNS = "id, content_hash, base_hash, source, position, retired"


class CardKey(NamedTuple):
    """What a build matches a card on."""

    id: int
    content_hash: str
    base_hash: str
    source: str
    position: int
    retired: int


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


class Store:
    """A flashcards collection file. One Store belongs to one thread.

    `readonly` opens it for reading only (nothing is created, converted or left behind);
    a file this process cannot write is opened so whatever was asked, and `readonly`
    and `notice` say so.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        readonly: bool = False,
        allow_damaged: bool = False,
        busy_timeout_ms: int | None = None,
    ) -> None:
        """`busy_timeout_ms` (default 10 s, retried BUSY_RETRIES times) is how long a write
        waits for another writer; given, it is waited once (the app keeps its answer and
        retries itself rather than freeze)."""
        self.path = Path(path)
        options = {} if busy_timeout_ms is None else {"busy_timeout_ms": busy_timeout_ms}
        opened = open_database(self.path, readonly=readonly, allow_damaged=allow_damaged, **options)
        self.busy_retries = BUSY_RETRIES if busy_timeout_ms is None else 0
        self.db = opened.db
        self.db.conn.isolation_level = None  # no implicit transactions: see `atomic`
        self.readonly = opened.readonly
        self.notice = opened.notice
        self.damaged = opened.damage  # what SQLite found wrong, when opened for `doctor`
        self._wrote = False  # this connection committed something
        self._failed = False  # SQLite reported damage on this connection

    # -- lifecycle -----------------------------------------------------------

    def close(self) -> None:
        self.db.conn.close()
        if self._wrote and not self._failed:
            # only SQLite wrote the file since it was found sound: still sound as it is now
            integrity.remember(self.path)

    def daily_backup(self) -> Path | None:
        """Today's backup into `backups/` unless there is one (see `backup.py`)."""
        from flashcards.store.backup import daily_backup

        if self.readonly:
            return None
        return daily_backup(self.db.conn, self.path)

    def backup(self, why: str = "manual") -> Path:
        from flashcards.store.backup import make_backup

        return make_backup(self.db.conn, self.path, why=why)

    def fail(self, exc: BaseException, doing: str = "") -> StoreError:
        """The StoreError a failed SQLite call means; remembers damage it reports."""
        err = explain(exc, self.path, doing)
        if isinstance(err, CollectionDamaged):
            self._failed = True
        return err

    @contextmanager
    def atomic(self, doing: str = "") -> Iterator[sqlite_utils.Database]:
        """One transaction: everything inside commits together or not at all.

        BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy
        timeout, then BUSY_RETRIES times more): every read inside the block sees
        the state its writes will be based on, and no other process can change it
        in between. Failures become the StoreError they mean (read-only, busy, disk
        full, damaged); `doing` names the job for the message.
        """
        conn = self.db.conn
        if conn.in_transaction:  # nested: a savepoint inside the caller's transaction
            with self.db.atomic():
                yield self.db
            return
        if self.readonly:
            raise CollectionReadOnly(
                f"{self.path}: the collection was opened read-only"
                f"{' — ' + self.notice if self.notice else ''}; nothing was changed"
            )
        for attempt in range(self.busy_retries + 1):
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or attempt == self.busy_retries:
                    raise self.fail(exc, doing) from None
        try:
            yield self.db
        except BaseException as exc:
            if conn.in_transaction:
                conn.rollback()
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError | sqlite3.ProgrammingError
            ):
                raise self.fail(exc, doing) from None
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.rollback()
            raise self.fail(exc, doing) from None
        self._wrote = True

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
        self.execute("UPDATE decks SET built_at = ? WHERE id = ?", (iso_utc(), deck_id))

    def deck_reader(self, deck_id: int) -> str | None:
        """The version of the notes reader that made the deck's cards (None: unknown, as in
        collections built before it was recorded)."""
        return self.get_config(f"reader_version.deck.{deck_id}")

    def set_deck_reader(self, deck_id: int, version: str) -> None:
        """Record the reader version of a deck's cards, inside the caller's transaction."""
        self.execute(
            "INSERT INTO config(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (f"reader_version.deck.{deck_id}", version),
        )

    def sources(self, deck_id: int) -> dict[str, tuple[int, int, str]]:
        return {
            path: (size, mtime, digest)
            for path, size, mtime, digest in self.execute(
                "SELECT path, size, mtime_ns, hash FROM sources WHERE deck_id = ?", (deck_id,)
            )
        }

    def write_sources(
        self, deck_id: int, rows: Iterable[tuple[str, int, int, str]], gone: Iterable[str]
    ) -> None:
        """Record (path, size, mtime_ns, hash) of files read; forget the `gone` paths."""
        self.db.conn.executemany(
            "DELETE FROM sources WHERE deck_id = ? AND path = ?", ((deck_id, p) for p in gone)
        )
        self.db.conn.executemany(
            "INSERT INTO sources(deck_id, path, size, mtime_ns, hash) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(deck_id, path) DO UPDATE SET size = excluded.size, "
            "mtime_ns = excluded.mtime_ns, hash = excluded.hash",
            ((deck_id, *r) for r in rows),
        )

    # -- cards ---------------------------------------------------------------

    def card_keys(self, deck_id: int) -> list[CardKey]:
        """The light columns a build matches on, for every card of a deck."""
        return [
            CardKey(*row)
            for row in self.execute(
                f"SELECT {_KEY_COLUMNS} FROM cards WHERE deck_id = ?", (deck_id,)
            )
        ]

    def card_keys_of(self, deck_id: int, sources: Sequence[str]) -> list[CardKey]:
        """Match columns of every card (active or retired) from the given files."""
        return self._card_keys_where(deck_id, "source", sources)

    def card_keys_like(self, deck_id: int, base_hashes: Sequence[str]) -> list[CardKey]:
        """Match columns of every card with one of the given contents (before copy numbers)."""
        return self._card_keys_where(deck_id, "base_hash", base_hashes)

    def _card_keys_where(self, deck_id: int, column: str, values: Sequence[str]) -> list[CardKey]:
        out: list[CardKey] = []
        for chunk in _chunks(values):
            out.extend(
                CardKey(*row)
                for row in self.execute(
                    f"SELECT {_KEY_COLUMNS} FROM cards WHERE deck_id = ? "
                    f"AND {column} IN ({','.join('?' * len(chunk))})",
                    (deck_id, *chunk),
                )
            )
        return out

    def card_rows(self, ids: Iterable[int]) -> list[sqlite3.Row]:
        ids = list(ids)
        out: list[sqlite3.Row] = []
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            marks = ",".join("?" * len(chunk))
            out.extend(self._rows(f"SELECT {CARD_COLUMNS} FROM cards WHERE id IN ({marks})", chunk))
        return out

    def active_card_count(self, deck_id: int) -> int:
        return int(
            self.execute(
                "SELECT COUNT(*) FROM cards WHERE deck_id = ? AND retired = 0", (deck_id,)
            ).fetchone()[0]
        )

    def insert_cards(self, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
        """Insert new cards (values in `columns` order), each with a fresh state row."""
        last = self.execute("SELECT COALESCE(MAX(id), 0) FROM cards").fetchone()[0]
        cur = self.db.conn.executemany(
            f"INSERT INTO cards({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            rows,
        )
        if cur.rowcount:
            # ids only grow (cards are never deleted), so the new ones are those above `last`
            self.execute(
                "INSERT INTO card_state(card_id) SELECT id FROM cards WHERE id > ?", (last,)
            )
        return cur.rowcount

    def update_cards(self, updates: dict[int, dict[str, object]]) -> None:
        """Partial updates: {card id: {column: value}}, batched by the set of columns."""
        groups: dict[tuple[str, ...], list[tuple[object, ...]]] = {}
        for card_id, values in updates.items():
            groups.setdefault(tuple(values), []).append((*values.values(), card_id))
        for columns, params in groups.items():
            sets = ", ".join(f"{c} = ?" for c in columns)
            self.db.conn.executemany(f"UPDATE cards SET {sets} WHERE id = ?", params)

    def retire_cards(self, ids: Iterable[int], stamp: str) -> None:
        self.db.conn.executemany(
            "UPDATE cards SET retired = 1, updated_at = ? WHERE id = ?", ((stamp, i) for i in ids)
        )

    def park_hashes(self, ids: Iterable[int]) -> None:
        """Give cards a placeholder hash while hashes change hands (they are unique per deck)."""
        self.db.conn.executemany(
            "UPDATE cards SET content_hash = 'moving:' || id WHERE id = ?", ((i,) for i in ids)
        )

    def set_hashes(self, pairs: Iterable[tuple[str, int]]) -> None:
        """(content hash, card id) pairs."""
        self.db.conn.executemany("UPDATE cards SET content_hash = ? WHERE id = ?", pairs)

    def set_flags(
        self, card_id: int, *, suspended: int | None = None, buried_until: object = ...
    ) -> None:
        if suspended is not None:
            self.execute("UPDATE cards SET suspended = ? WHERE id = ?", (suspended, card_id))
        if buried_until is not ...:
            self.execute("UPDATE cards SET buried_until = ? WHERE id = ?", (buried_until, card_id))

    def card_with_state(self, card_id: int) -> sqlite3.Row | None:
        rows = self._rows(_CARD_WITH_STATE, (card_id,))  # a constant: built once, not per card
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

    def due_page(
        self, day: str, deck_ids: Sequence[int], after: str, rows: int
    ) -> tuple[list[tuple], str]:
        """Due reviews with `after` < due <= `day`, in queue order (most overdue first, then
        outline order): (due, source, position, id, deck, block) — and the last due day read.

        Whole due days at a time, at least `rows` cards when there are that many: a page
        never splits a day, so no day is read (and sorted) twice however many cards it has.
        """
        # the due day of the rows-th card (all decks: a cheap bound from the covering index)
        last = self.execute(
            "SELECT due FROM card_state WHERE due > ? AND due <= ? ORDER BY due LIMIT 1 OFFSET ?",
            (after, day, max(rows - 1, 0)),
        ).fetchone()
        upto = last[0] if last else day
        marks = ",".join("?" * len(deck_ids))
        found = self.execute(
            "SELECT s.due, c.source, c.position, c.id, c.deck_id, c.block_hash "
            "FROM card_state s JOIN cards c ON c.id = s.card_id "
            f"WHERE s.due > ? AND s.due <= ? AND c.deck_id IN ({marks}) "
            "AND c.retired = 0 AND c.suspended = 0 "
            "AND (c.buried_until IS NULL OR c.buried_until <= ?) "
            "ORDER BY s.due, c.source, c.position, c.id",
            (after, upto, *deck_ids, day),
        ).fetchall()
        return found, upto

    def new_page(
        self, day: str, deck_id: int, after: tuple[str, int, int], rows: int
    ) -> list[tuple]:
        """Up to `rows` new cards of a deck after `after` = (source, position, id), in outline
        order: (source, position, id, block). Walks the cards_order index and stops early."""
        return self.execute(
            "SELECT c.source, c.position, c.id, c.block_hash "
            "FROM cards c JOIN card_state s ON s.card_id = c.id "
            "WHERE c.deck_id = ? AND (c.source, c.position, c.id) > (?, ?, ?) "
            # `+` keeps the planner on cards_order: most cards are not new, but walking in
            # outline order lets the LIMIT stop the scan early
            "AND +s.due IS NULL AND c.retired = 0 AND c.suspended = 0 "
            "AND (c.buried_until IS NULL OR c.buried_until <= ?) "
            "ORDER BY c.source, c.position, c.id LIMIT ?",
            (deck_id, *after, day, rows),
        ).fetchall()

    def reviews_on(self, day: str) -> list[tuple]:
        """Today's answers, in order: (card, deck, block, kind, was_new, q, review id,
        the card's suspended flag, its buried_until)."""
        return self.execute(
            "SELECT r.card_id, c.deck_id, c.block_hash, r.kind, r.due_before IS NULL, r.q, r.id, "
            "c.suspended, c.buried_until "
            "FROM reviews r JOIN cards c ON c.id = r.card_id WHERE r.day = ? ORDER BY r.id",
            (day,),
        ).fetchall()

    def state_of(self, card_id: int) -> tuple | None:
        return self.execute(
            f"SELECT {STATE_COLUMNS} FROM card_state WHERE card_id = ?", (card_id,)
        ).fetchone()

    def answer_state(self, card_id: int) -> tuple | None:
        """What answering needs in one look-up: the state columns, then deck id, block,
        suspended flag and buried_until."""
        return self.execute(_ANSWER_STATE, (card_id,)).fetchone()

    def card_flags(self, card_id: int) -> tuple | None:
        """(suspended, buried_until) of a card."""
        return self.execute(
            "SELECT suspended, buried_until FROM cards WHERE id = ?", (card_id,)
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

    def review_count_above(self, n: int) -> bool:
        """Whether there are more than n reviews (cheap: stops at the n+1st)."""
        row = self.execute("SELECT COUNT(*) FROM (SELECT 1 FROM reviews LIMIT ?)", (n + 1,))
        return int(row.fetchone()[0]) > n

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

    def applied_migrations(self) -> list[str]:
        return [m.name for m in migrations.applied(self.db)]

    def integrity_problems(self) -> list[str]:
        """What is wrong with the file, each saying what to do; [] when all is well."""
        damage = self.damage()
        if damage:
            # nothing else can be trusted (or even read) in a damaged file
            from flashcards.store.backup import newest_backup

            backup = newest_backup(self.path)
            where = (
                f"restore the newest backup with `flashcards restore {backup}`"
                if backup
                else "restore a copy of the collection"
            )
            return [
                f"the SQLite file is damaged ({'; '.join(damage)}); {where} — --repair cannot fix this"
            ]
        problems: list[str] = []
        applied = self.applied_migrations()
        missing = [m.name for m in migrations._migrations if m.name not in applied]
        if missing:
            problems.append(
                f"schema version {len(applied)} of {len(migrations._migrations)}: steps {', '.join(missing)} "
                "were never applied; restore a copy of the collection"
            )
        lost = self.missing_tables()
        if lost:
            problems.append(
                f"tables {', '.join(lost)} are missing; restore a copy of the collection"
            )
            return problems
        broken: dict[tuple[str, str], int] = {}
        for table, _rowid, parent, _fk in self.execute("PRAGMA foreign_key_check"):
            broken[(table, parent)] = broken.get((table, parent), 0) + 1
        for (table, parent), n in sorted(broken.items()):
            if (table, parent) == ("reviews", "cards"):
                ids = [
                    r[0]
                    for r in self.execute(
                        "SELECT DISTINCT card_id FROM reviews "
                        "WHERE card_id NOT IN (SELECT id FROM cards) ORDER BY card_id LIMIT 5"
                    )
                ]
                problems.append(
                    f"{n} reviews of cards that do not exist (card ids {', '.join(map(str, ids))}"
                    f"{'…' if len(ids) == 5 else ''}); reviews are never deleted — restore a copy "
                    "of the collection if cards were lost"
                )
            elif table in ("card_state", "sources"):
                problems.append(
                    f"{n} {table} rows point at {parent} that do not exist; "
                    "run `flashcards doctor --repair` to remove them"
                )
            else:
                problems.append(
                    f"{n} {table} rows point at {parent} that do not exist; "
                    "restore a copy of the collection"
                )
        stateless = self.execute(
            "SELECT COUNT(*) FROM cards WHERE id NOT IN (SELECT card_id FROM card_state)"
        ).fetchone()[0]
        if stateless:
            problems.append(
                f"{stateless} cards have no state row; run `flashcards doctor --repair`"
            )
        return problems

    def damage(self) -> list[str]:
        """SQLite's own integrity check: [] when the file is sound."""
        try:
            found = [r[0] for r in self.execute("PRAGMA integrity_check(5)").fetchall()]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [] if found == ["ok"] else found

    def missing_tables(self) -> list[str]:
        tables = {r[0] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return [t for t in TABLES if t not in tables]

    def repair_rows(self) -> None:
        """Fix derived rows, inside the caller's transaction: states and sources only."""
        self.execute(
            "INSERT INTO card_state(card_id) "
            "SELECT id FROM cards WHERE id NOT IN (SELECT card_id FROM card_state)"
        )
        self.execute("DELETE FROM card_state WHERE card_id NOT IN (SELECT id FROM cards)")
        # sources only make builds incremental: the next build re-reads the files
        self.execute("DELETE FROM sources WHERE deck_id NOT IN (SELECT id FROM decks)")

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


def _chunks(items: Sequence[str], size: int = 900) -> Iterator[Sequence[str]]:
    """Slices small enough for one statement's parameters."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c.strip()}" for c in columns.split(","))


# the statements of the study's hot path, built once (answering and showing a card)
_CARD_WITH_STATE = (
    f"SELECT c.*, d.name AS deck, d.settings AS deck_settings, {_prefixed('s', STATE_COLUMNS)} "
    "FROM cards c JOIN decks d ON d.id = c.deck_id JOIN card_state s ON s.card_id = c.id "
    "WHERE c.id = ?"
)
_ANSWER_STATE = (
    f"SELECT {_prefixed('s', STATE_COLUMNS)}, c.deck_id, c.block_hash, c.suspended, "
    "c.buried_until FROM card_state s JOIN cards c ON c.id = s.card_id WHERE s.card_id = ?"
)
