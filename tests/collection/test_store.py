"""The collection file: where it lives, its schema and migrations, and the files it refuses."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from helpers import NOW, Notes, run_python
from sqlite_utils.migrations import Migrations

import flashcards.store.schema as store_module
from flashcards import Collection
from flashcards.collection import default_path
from flashcards.store import CollectionBusy, CollectionDamaged, Store, StoreError, integrity

FACTS = "- The **mitochondria** is the powerhouse of the cell.\n- Paris is in **France**.\n"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sidecars(path: Path) -> list[Path]:
    return [p for p in path.parent.iterdir() if p.name.startswith(path.name + "-")]


@pytest.fixture
def built(db_path: Path, notes: Notes) -> Path:
    """A real collection with a deck and a review, closed (its WAL folded into the file)."""
    notes.write("facts.md", FACTS)
    with Collection.open(db_path, timezone="UTC") as col:
        col.build(notes.root)
        col.answer(col.cards()[0].id, 4, now=NOW)
    assert not _sidecars(db_path)
    return db_path


# -- where the collection lives ---------------------------------------------------


def test_open_creates_the_file_and_its_folders(tmp_path):
    path = tmp_path / "deep" / "er" / "collection.sqlite"
    with Collection.open(path) as col:
        assert col.path == path
        assert col.decks() == []
    assert path.is_file()


def test_the_collection_is_in_wal_mode_with_a_busy_timeout(db_path):
    Collection.open(db_path).close()
    store = Store(db_path)
    assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert store.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # it is kept in the file
    assert conn.execute("PRAGMA application_id").fetchone()[0] == store_module.APP_ID
    conn.close()


def test_flashcards_db_names_the_default_collection(tmp_path, monkeypatch):
    monkeypatch.setenv("FLASHCARDS_DB", str(tmp_path / "from-env.sqlite"))
    assert default_path() == tmp_path / "from-env.sqlite"
    with Collection.open() as col:
        assert col.path == tmp_path / "from-env.sqlite"
    assert (tmp_path / "from-env.sqlite").is_file()


def test_without_flashcards_db_the_collection_is_in_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASHCARDS_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    expected = tmp_path / "data" / "flashcards" / "collection.sqlite"
    assert default_path() == expected
    with Collection.open() as col:
        assert col.path == expected
    assert expected.is_file()


# -- schema and migrations -------------------------------------------------------


def _applied(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    finally:
        conn.close()


def _columns(path: Path, table: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
    finally:
        conn.close()


def every_step() -> list:
    """This flashcards' schema steps, in order: what an empty database still needs."""
    return store_module.migrations.pending(sqlite_utils.Database(memory=True))


def test_the_schema_knows_its_steps_and_their_table_without_sqlite_utils():
    # opening reads the applied steps itself: the same table and names sqlite-utils uses
    assert Migrations.migrations_table == store_module.MIGRATIONS_TABLE
    assert store_module.migrations.name == store_module.MIGRATION_SET
    assert store_module.step_names() == [m.name for m in every_step()]
    assert len(every_step()) == store_module.SCHEMA_VERSION


# opens, studies and closes an up-to-date collection, then lists what it imported
STUDY_WITHOUT_SQLITE_UTILS = r"""
import sys
from flashcards import Collection
with Collection.open(sys.argv[1], timezone="UTC") as col:
    card = col.next_card()
    col.answer(card.id, 4)
    col.undo()
    col.stats()
print(" ".join(sorted(m.partition(".")[0] for m in sys.modules)))
"""


def test_studying_an_up_to_date_collection_never_imports_sqlite_utils(built):
    done = run_python(STUDY_WITHOUT_SQLITE_UTILS, str(built))
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert "flashcards" in loaded and "sqlite3" in loaded  # the study did run
    assert "sqlite_utils" not in loaded


def test_a_connection_fires_triggers_from_triggers(built):
    # as it did when sqlite-utils' Database set it on every connection
    store = Store(built, readonly=True)
    assert store.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    store.close()
    store = Store(built)
    assert store.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    store.close()


def test_a_nested_transaction_that_fails_undoes_only_its_own_writes(built):
    store = Store(built)
    with store.atomic():
        store.execute("INSERT INTO config(key, value) VALUES ('outer', '1')")
        with pytest.raises(sqlite3.IntegrityError), store.atomic():
            store.execute("INSERT INTO config(key, value) VALUES ('inner', '1')")
            store.execute("INSERT INTO config(key, value) VALUES ('inner', '2')")
        with store.atomic():
            store.execute("INSERT INTO config(key, value) VALUES ('second', '1')")
    keys = {r[0] for r in store.execute("SELECT key FROM config")}
    store.close()
    assert {"outer", "second"} <= keys and "inner" not in keys


@pytest.fixture
def next_version(monkeypatch) -> Migrations:
    """This flashcards, plus one schema step a later version would bring."""
    steps = Migrations("flashcards")
    for step in every_step():
        steps(name=step.name)(step.fn)

    @steps()
    def m999_card_notes(db):
        db.execute("ALTER TABLE cards ADD COLUMN note TEXT")

    # another version of flashcards is another list of steps: the store reads this one
    monkeypatch.setattr(store_module, "migrations", steps)
    return steps


def test_a_new_collection_has_every_schema_step(db_path):
    Collection.open(db_path).close()
    assert _applied(db_path) == [m.name for m in every_step()]
    assert len(_applied(db_path)) == store_module.SCHEMA_VERSION


def test_an_older_collection_is_copied_then_migrated(built, next_version):
    with Collection.open(built, timezone="UTC") as col:
        assert "note" in _columns(built, "cards")
        assert len(col.cards()) == 2 and col.review_count() == 1
    assert _applied(built)[-1] == "m999_card_notes"
    copies = list(built.parent.glob(built.name + ".before-migration-*"))
    assert len(copies) == 1
    # the copy is the collection as it was: same schema, cards and reviews
    assert "m999_card_notes" not in _applied(copies[0])
    assert "note" not in _columns(copies[0], "cards")
    conn = sqlite3.connect(copies[0])
    assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1
    conn.close()
    # an up-to-date collection is not copied again
    Collection.open(built).close()
    assert len(list(built.parent.glob(built.name + ".before-migration-*"))) == 1


def test_a_new_collection_needs_no_copy(db_path, next_version):
    Collection.open(db_path).close()
    assert _applied(db_path)[-1] == "m999_card_notes"
    assert not list(db_path.parent.glob("*.before-migration-*"))


def test_a_failing_migration_says_where_the_copy_is(built, monkeypatch):
    steps = Migrations("flashcards")
    for step in every_step():
        steps(name=step.name)(step.fn)

    @steps()
    def m999_broken(db):
        db.execute("ALTER TABLE cards ADD COLUMN note TEXT")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store_module, "migrations", steps)
    with pytest.raises(StoreError, match="disk on fire") as err:
        Collection.open(built)
    assert ".before-migration-" in str(err.value)
    # the broken step rolled back: the file is still a working collection of the old version
    monkeypatch.undo()
    assert "note" not in _columns(built, "cards")
    with Collection.open(built) as col:
        assert len(col.cards()) == 2


def test_a_collection_from_a_newer_flashcards_is_refused(built, next_version, monkeypatch):
    Collection.open(built).close()  # migrated by the "newer" flashcards
    monkeypatch.undo()  # back to this version, which does not know m999
    before = _digest(built)
    with pytest.raises(StoreError) as err:
        Collection.open(built)
    message = str(err.value)
    assert str(built) in message and "newer flashcards" in message
    assert "m999_card_notes" in message and "upgrade" in message
    assert _digest(built) == before
    assert not _sidecars(built)


# -- files that are not (usable) collections --------------------------------------


def _not_sqlite(path: Path) -> None:
    path.write_text("- just some notes\n")


def _other_sqlite(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos(name) VALUES ('cat.jpg')")
    conn.commit()
    conn.close()


def _other_sqlite_in_wal(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.commit()
    conn.close()


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garbled(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:4096] = bytes((i * 7 + 13) % 256 for i in range(100, 4096))  # the schema page
    path.write_bytes(bytes(data))


REFUSED = {
    "not an SQLite file": (_not_sqlite, "not an SQLite file"),
    "another program's SQLite file": (_other_sqlite, "not a flashcards collection"),
    "another program's SQLite file in WAL mode": (
        _other_sqlite_in_wal,
        "not a flashcards collection",
    ),
    "a truncated collection": (_truncated, "damaged"),
    "a garbled collection": (_garbled, "damaged"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_unusable_files_are_refused_and_left_untouched(case, built, tmp_path):
    spoil, reason = REFUSED[case]
    path = tmp_path / "target.sqlite"
    path.write_bytes(built.read_bytes())
    spoil(path)
    before = _digest(path)
    with pytest.raises(StoreError) as err:
        Collection.open(path)
    message = str(err.value)
    assert message.startswith(str(path))
    assert reason in message
    assert "--db" in message  # what to do: choose another path (or restore a copy)
    assert _digest(path) == before
    assert not _sidecars(path)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(StoreError, match="is a folder"):
        Collection.open(tmp_path)


def test_an_empty_file_becomes_a_collection(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.touch()
    with Collection.open(path) as col:
        assert col.decks() == []


# -- transactions ------------------------------------------------------------------


def test_atomic_rolls_everything_back_on_error(db_path):
    store = Store(db_path)
    with pytest.raises(RuntimeError), store.atomic():
        store.execute("INSERT INTO config(key, value) VALUES ('a', '1')")
        raise RuntimeError("boom")
    assert store.get_config("a") is None
    store.set_config("a", "2")
    assert store.get_config("a") == "2"
    store.close()


def test_atomic_takes_the_write_lock_at_once(db_path):
    """BEGIN IMMEDIATE: a second writer waits for the first instead of failing later."""
    first, second = Store(db_path), Store(db_path)
    second.execute("PRAGMA busy_timeout = 50")
    with first.atomic():
        first.execute("INSERT INTO config(key, value) VALUES ('a', '1')")
        with pytest.raises(CollectionBusy, match="busy"), second.atomic():
            pass  # never reached: the lock is taken when the transaction begins
    assert second.get_config("a") == "1"
    first.close()
    second.close()


def test_nested_atomic_blocks_are_savepoints(db_path):
    store = Store(db_path)
    with store.atomic():
        store.execute("INSERT INTO config(key, value) VALUES ('outer', '1')")
        with pytest.raises(RuntimeError), store.atomic():
            store.execute("INSERT INTO config(key, value) VALUES ('inner', '1')")
            raise RuntimeError("boom")
    assert store.get_config("outer") == "1"
    assert store.get_config("inner") is None
    store.close()


# -- doctor (the API; the command is in test_cli_collection.py) ----------------------


def _sql(path: Path, *statements: str) -> None:
    """Write to the file behind the collection's back, as a bug or a crash might."""
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_doctor_finds_nothing_wrong_with_a_healthy_collection(built):
    with Collection.open(built) as col:
        assert col.doctor() == []


def test_doctor_finds_card_state_that_is_not_the_replay_of_the_reviews(built):
    _sql(built, "UPDATE card_state SET interval = 99, repetitions = 7")
    with Collection.open(built, timezone="UTC") as col:
        problems = col.doctor()
        assert len(problems) == 1
        assert "2 card states differ from a replay" in problems[0]
        assert "--repair" in problems[0]
        assert col.doctor(repair=True) == problems
        assert col.doctor() == []
        reviewed = [c for c in col.cards() if c.repetitions]
        assert [(c.repetitions, c.interval) for c in reviewed] == [(1, 1)]


def test_doctor_repairs_a_missing_state_row_from_the_reviews(built):
    conn = sqlite3.connect(built)
    (card_id,) = conn.execute("SELECT card_id FROM reviews").fetchone()
    conn.close()
    _sql(built, f"DELETE FROM card_state WHERE card_id = {card_id}")
    with Collection.open(built, timezone="UTC") as col:
        assert any("have no state row" in p for p in col.doctor())
        col.doctor(repair=True)
        assert col.doctor() == []
        assert col.card(card_id).repetitions == 1


def test_doctor_reports_orphan_reviews_and_never_deletes_them(built):
    _sql(
        built,
        "INSERT INTO reviews(card_id, time_ms, day, q, kind, reps_before, ef_before, "
        "interval_before, lapses_before, reps_after, ef_after, interval_after, lapses_after) "
        "VALUES (4242, 0, '2024-03-01', 4, 'review', 0, 2500, 0, 0, 1, 2500, 1, 0)",
    )
    with Collection.open(built) as col:
        problems = col.doctor()
        assert any("1 reviews of cards that do not exist (card ids 4242)" in p for p in problems)
        col.doctor(repair=True)
        assert col.doctor() == problems  # still there: reviews are never deleted
        assert col.review_count() == 2


def test_doctor_removes_orphan_state_rows(built):
    _sql(built, "INSERT INTO card_state(card_id) VALUES (777)")
    with Collection.open(built) as col:
        assert any("card_state rows point at cards" in p for p in col.doctor())
        col.doctor(repair=True)
        assert col.doctor() == []


def test_doctor_reports_a_lost_table(built):
    _sql(built, "DROP TABLE sources")
    with Collection.open(built) as col:
        problems = col.doctor()
    assert problems == ["tables sources are missing; restore a copy of the collection"]


def test_doctor_reports_a_damaged_page(built):
    """Damage past the schema pages opens, but the integrity check catches it."""
    conn = sqlite3.connect(built)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'reviews'").fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(built.read_bytes())
    at = (root - 1) * page_size
    data[at : at + page_size] = b"\xff" * page_size  # the reviews table's page
    built.write_bytes(bytes(data))
    before = _digest(built)
    with pytest.raises(CollectionDamaged, match="damaged"):
        Collection.open(built)  # refused: nothing may write into it
    with Collection.open(built, allow_damaged=True) as col:
        problems = col.doctor(repair=True)
    assert len(problems) == 1
    assert problems[0].startswith("the SQLite file is damaged (")
    assert "restore a copy" in problems[0]
    assert _digest(built) == before


def test_the_schema_version_counts_applied_steps(built):
    with Collection.open(built):
        assert integrity.applied_migrations(Store(built)) == [m.name for m in every_step()]
