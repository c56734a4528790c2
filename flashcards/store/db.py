"""The connection to the collection and its transactions: `Store`.

Every query lives in the module of its caller (see the package docstring);
`Store` opens the file (`connection.open_database`), runs one transaction at a
time with the write lock taken up front, turns SQLite's failures into the
errors they mean, and keeps the file's soundness record when it closes.
"""

from __future__ import annotations

import sqlite3
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from flashcards.store import pending_mark, soundness
from flashcards.store.connection import open_database, reader_uri
from flashcards.store.errors import (
    CollectionDamaged,
    CollectionReadOnly,
    StoreError,
    explain,
    is_busy,
)

if TYPE_CHECKING:
    from flashcards.store.sqlite_lib import sqlite_utils

# BEGIN IMMEDIATE waits up to the busy timeout for another writer; a writer that holds
# the lock longer than that (a stuck process) is waited for this many times more
BUSY_RETRIES = 2
CHUNK = 900  # parameters of one IN (...) list: below SQLite's limit of 999


# The stores of this process, and what the closed ones committed: the command line tells
# by them whether a Ctrl-C anywhere in a command found a collection changed (a command
# may open several stores, and close them before it is interrupted).
_open_stores: weakref.WeakSet[Store] = weakref.WeakSet()
_closed_commits = 0


def commits_in_process() -> int:
    """How many transactions this process has committed to any collection."""
    return _closed_commits + sum(store.commits for store in list(_open_stores))


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    """Slices small enough for one statement's parameters."""
    for i in range(0, len(items), size):
        yield items[i : i + size]


def marks(n: int) -> str:
    """`?, ?, ?` for n parameters."""
    return ",".join("?" * n)


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
        self.conn = opened.conn
        self.conn.isolation_level = None  # no implicit transactions: see `atomic`
        self._db: sqlite_utils.Database | None = None
        self._savepoints = 0  # names each savepoint apart
        self.readonly = opened.readonly
        self.notice = opened.notice
        self.damaged = opened.damage  # what SQLite found wrong, when opened for `doctor`
        # transactions this connection committed; counted as COMMIT is sent, so that a
        # Ctrl-C raised as COMMIT returns cannot leave a saved change uncounted
        self.commits = 0
        self.checkpointed_at = 0  # `commits` at the last `checkpoint`
        self._failed = False  # SQLite reported damage on this connection
        _open_stores.add(self)

    @property
    def db(self) -> sqlite_utils.Database:
        """The connection as sqlite-utils' Database, for the schema's steps: made (and
        sqlite-utils imported, ~35 ms) on first use, which opening a collection that is up
        to date never makes."""
        if self._db is None:
            from flashcards.store.sqlite_lib import sqlite_utils

            self._db = sqlite_utils.Database(self.conn, execute_plugins=False)
        return self._db

    # -- lifecycle -----------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self not in _open_stores

    def close(self) -> None:
        global _closed_commits
        self.conn.close()
        if self in _open_stores:  # counted once, whether it is closed once or twice
            _closed_commits += self.commits  # (a Ctrl-C between the two counts it twice:
            _open_stores.discard(self)  # more than none is all a caller asks)
        if self.commits and not self._failed:
            # only SQLite wrote the file since it was found sound: still sound as it is now
            soundness.remember(self.path)

    def reader_uri(self) -> str | None:
        """A read-only URI of the file this store reads, for another connection to ATTACH
        (the apkg export copies the review log with it, SQLite to SQLite); None when the
        store reads something else (an older schema's copy in memory)."""
        for _, name, file in self.conn.execute("PRAGMA database_list"):
            if name == "main" and file:  # a copy in memory has no file
                return reader_uri(Path(file))
        return None

    def daily_backup(self) -> Path | None:
        """Today's backup into `backups/` unless there is one (see `backup.py`)."""
        from flashcards.store.backup import daily_backup

        if self.readonly:
            return None
        return daily_backup(self.conn, self.path)

    def backup(self, why: str = "manual") -> Path:
        from flashcards.store.backup import make_backup

        return make_backup(self.conn, self.path, why=why)

    def fail(self, exc: BaseException, doing: str = "") -> StoreError:
        """The StoreError a failed SQLite call means; remembers damage it reports."""
        err = explain(exc, self.path, doing)
        if isinstance(err, CollectionDamaged):
            self._failed = True
        return err

    @contextmanager
    def atomic(self, doing: str = "", answer: bool = False) -> Iterator[Store]:
        """One transaction: everything inside commits together or not at all.

        BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy
        timeout, then BUSY_RETRIES times more): every read inside the block sees
        the state its writes will be based on, and no other process can change it
        in between. Failures become the StoreError they mean (read-only, busy, disk
        full, damaged); `doing` names the job for the message.

        Answers pending in the summaries (`pending.py`) are folded in first, unless
        this is an `answer` itself, which leaves them pending and adds its own.
        """
        conn = self.conn
        if conn.in_transaction:  # nested: a savepoint inside the caller's transaction
            with self._savepoint():
                yield self
            return
        if self.readonly:
            raise CollectionReadOnly(
                f"{self.path}: the collection was opened read-only"
                f"{' — ' + self.notice if self.notice else ''}; nothing was changed"
            )
        try:
            for attempt in range(self.busy_retries + 1):
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if not is_busy(exc) or attempt == self.busy_retries:
                        raise self.fail(exc, doing) from None
        except BaseException:  # Ctrl-C as BEGIN returns: no transaction is left open
            if conn.in_transaction:
                conn.rollback()
            raise
        try:
            if not answer:
                self._fold_pending()
            yield self
        except BaseException as exc:
            if conn.in_transaction:
                conn.rollback()
            if isinstance(exc, sqlite3.OperationalError | sqlite3.DatabaseError) and not isinstance(
                exc, sqlite3.IntegrityError | sqlite3.ProgrammingError
            ):
                raise self.fail(exc, doing) from None
            raise
        before = self.commits
        try:
            self.commits = before + 1
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.commits = before
            if conn.in_transaction:
                conn.rollback()
            raise self.fail(exc, doing) from None
        except BaseException:
            # a Ctrl-C: raised as COMMIT returned (committed: counted), or before it ran
            # (the transaction is still open: it rolls back, and was not a commit)
            if conn.in_transaction:
                self.commits = before
                conn.rollback()
            raise

    def fold_pending(self, after_checkpoint: bool = False) -> bool:
        """Fold the pending answers into the summaries now, in a transaction of their own
        (the app's idle moment, closing); True when there were any. `after_checkpoint`:
        the idle moment's, right after `checkpoint`, whose commit does not count towards
        the next one (the cycle counts answers)."""
        if self.readonly or not pending_mark.waiting(self.conn):
            return False
        with self.atomic("adding the answers to the deck list's and stats' counts"):
            pass  # which folds them in first
        if after_checkpoint:
            self.checkpointed_at = self.commits
        return True

    def _fold_pending(self) -> None:
        """Fold the answers pending in the summaries into them (`pending.fold`), inside
        this write transaction, before it writes anything of its own."""
        if pending_mark.waiting(self.conn):
            from flashcards.store import pending

            pending.fold(self)

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A block inside the open transaction that rolls back alone if it fails."""
        self._savepoints += 1
        name = f"flashcards_{self._savepoints}"
        conn = self.conn
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            # a failure such as a RAISE(ROLLBACK) trigger may have ended the whole
            # transaction, savepoints and all: then there is nothing left to undo here
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        conn.execute(f"RELEASE SAVEPOINT {name}")

    def checkpoint(self) -> tuple[int, int] | None:
        """Copy the WAL's committed frames into the collection file: a PASSIVE checkpoint,
        which waits for no other connection and leaves the frames another one still reads.
        With synchronous=FULL it syncs the WAL, then the file, so nothing committed is
        ever at risk. (frames in the WAL, frames now in the file), or None when nothing
        can be done here (read-only, or inside a transaction)."""
        if self.readonly or self.conn.in_transaction:
            return None
        self.checkpointed_at = self.commits
        try:
            _, frames, copied = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            raise self.fail(exc, "copying saved answers into the collection") from None
        return int(frames), int(copied)

    @property
    def changes(self) -> int:
        """Rows this connection has inserted, changed or deleted since it opened, by any
        statement or trigger (SQLite's total_changes): equal twice, nothing was written."""
        return self.conn.total_changes

    def execute(
        self, sql: str, params: Sequence[object] | dict[str, object] = ()
    ) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, params) -> sqlite3.Cursor:  # noqa: ANN001 - any iterable
        return self.conn.executemany(sql, params)

    def one(self, sql: str, params: Sequence[object] = ()) -> object:
        """The first column of the first row (None when there is none)."""
        row = self.conn.execute(sql, params).fetchone()
        return row[0] if row else None

    # -- config --------------------------------------------------------------

    def get_config(self, key: str, default: str | None = None) -> str | None:
        row = self.execute("SELECT value FROM config WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_config(self, key: str, value: str) -> None:
        """Set a config value, in the caller's transaction or one of its own."""
        with self.atomic():
            self.execute(
                "INSERT INTO config(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )
