"""The collection file under faults: damaged, read-only, busy, empty, not a file; backups.

Commands run as real subprocesses (`python -m flashcards`), as an ordinary user would run
them (`as_user`: as root, without the powers that ignore permissions).
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import NOW, Notes, run_flashcards

from flashcards import Collection
from flashcards.store import CollectionDamaged, Store, StoreError
from flashcards.store.backup import DAILY, WEEKLY, list_backups, newest_backup, thin

FACTS = "- The **mitochondria** is the powerhouse of the cell.\n- Paris is in **France**.\n"
READING = ["decks", "cards", "stats", "doctor"]


def flashcards(*args: str, user: list[str] = (), cwd: Path | None = None, env=None):
    return run_flashcards(*args, user=user, cwd=cwd, env={"COLUMNS": "100", **(env or {})})


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-"))


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A collection with a deck and one review, closed."""
    notes = Notes(tmp_path / "notes")
    notes.write("facts.md", FACTS)
    path = tmp_path / "col" / "collection.sqlite"
    with Collection.open(path, timezone="UTC") as col:
        col.build(notes.root)
        col.answer(col.cards()[0].id, 4, now=NOW)
    return path


def damage(path: Path, table: str = "cards") -> None:
    conn = sqlite3.connect(path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * size + 8 : root * size] = b"\xa5" * (size - 8)
    path.write_bytes(bytes(data))


# -- durability ------------------------------------------------------------------------


def test_every_commit_waits_for_the_disk(built):
    """synchronous=FULL: an answer acknowledged survives a power cut, not only a crash."""
    store = Store(built)
    assert store.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    store.close()


# -- a damaged file is refused, never written ---------------------------------------------


@pytest.mark.parametrize("command", ["build", *READING[:3]])
def test_a_damaged_collection_is_refused_by_every_command(built, tmp_path, command):
    damage(built, "reviews")
    before = digest(built)
    args = [command, str(tmp_path / "notes")] if command == "build" else [command]
    result = flashcards("--db", str(built), *args)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith(f"error: {built}: the collection file is damaged")
    assert "Traceback" not in result.stderr
    assert digest(built) == before and sidecars(built) == []


def test_doctor_names_the_newest_backup_of_a_damaged_collection(built):
    with Collection.open(built) as col:  # the day's backup, then one more by hand
        col.backup()
    backup = newest_backup(built)
    damage(built, "reviews")
    result = flashcards("--db", str(built), "doctor")
    assert result.returncode == 1
    assert "damaged" in result.stdout and f"flashcards restore {backup}" in result.stdout
    repair = flashcards("--db", str(built), "doctor", "--repair")
    assert repair.returncode == 1 and "cannot fix this" in repair.stdout


def test_a_damaged_file_is_refused_even_when_it_was_sound_a_moment_ago(built):
    """The soundness check is skipped only for the very file version found sound."""
    Collection.open(built).close()
    damage(built, "cards")
    with pytest.raises(CollectionDamaged):
        Collection.open(built)


# -- read-only collections can be read --------------------------------------------------


def _immutable(path: Path, on: bool) -> None:
    subprocess.run(["chattr", "+i" if on else "-i", str(path)], check=True)


@pytest.fixture(params=["file", "folder"])
def read_only(request, built, as_user) -> Path:
    """The collection made unwritable: the file itself, or its folder (as a read-only mount)."""
    target = built if request.param == "file" else built.parent
    if as_user:
        _immutable(target, True)
    else:
        target.chmod(0o555 if target.is_dir() else 0o444)
    yield built
    if as_user:
        _immutable(target, False)
    else:
        target.chmod(0o755 if target.is_dir() else 0o644)


@pytest.mark.parametrize("command", [*READING, "export"])
def test_reading_commands_work_on_a_read_only_collection(read_only, as_user, tmp_path, command):
    before = digest(read_only)
    args = ["export", "-o", str(tmp_path / "out.json")] if command == "export" else [command]
    result = flashcards("--db", str(read_only), *args, user=as_user)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "damaged" not in result.stderr
    assert digest(read_only) == before and sidecars(read_only) == []


def test_writing_to_a_read_only_collection_says_read_only(read_only, as_user, tmp_path):
    before = digest(read_only)
    result = flashcards("--db", str(read_only), "build", str(tmp_path / "notes"), user=as_user)
    assert result.returncode == 1
    assert "read-only" in result.stderr and "damaged" not in result.stderr
    assert digest(read_only) == before and sidecars(read_only) == []


@pytest.mark.parametrize("kind", ["empty", "devnull"])
@pytest.mark.parametrize("command", READING)
def test_reading_commands_never_create_or_convert(tmp_path, kind, command):
    path = tmp_path / "empty.sqlite"
    if kind == "empty":
        path.touch()
    else:
        path.symlink_to("/dev/null")
    result = flashcards("--db", str(path), command)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    if kind == "empty":
        assert "no collection" in result.stderr and path.stat().st_size == 0
    else:
        assert "not a regular file" in result.stderr
    assert sidecars(path) == []


def test_a_busy_collection_says_busy(built, tmp_path):
    holder = sqlite3.connect(built, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with (
            Collection.open(built, busy_timeout_ms=50) as col,
            pytest.raises(StoreError, match="busy while building deck notes: another flashcards"),
        ):
            col.build(tmp_path / "notes")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_file_with_a_newer_schema_number_is_refused(built):
    conn = sqlite3.connect(built)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StoreError, match="newer flashcards"):
        Collection.open(built)


def test_an_empty_sqlite_file_of_another_program_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 7")  # another program's own schema number
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="not a flashcards collection"):
        Collection.open(path)
    assert digest(path) == before


# -- backups ---------------------------------------------------------------------------


def test_a_backup_is_made_on_the_first_open_of_the_day_only(built):
    assert list_backups(built) == []  # made when it had no reviews yet: nothing to keep
    Collection.open(built).close()
    Collection.open(built).close()
    (backup,) = list_backups(built)
    assert backup.path.parent == built.parent / "backups" and backup.why == ""
    with Collection.open(backup.path, readonly=True) as copy:
        assert copy.review_count() == 1


def test_backups_are_thinned_to_7_days_and_4_weeks(built):
    folder = built.parent / "backups"
    folder.mkdir()
    today = datetime(2026, 12, 1, 9, 0)
    for days in range(60):
        for hour in (9, 18):
            made = today - timedelta(days=days) + timedelta(hours=hour - 9)
            (folder / f"{built.stem}-{made:%Y-%m-%d-%H%M%S}.sqlite").write_bytes(b"")
    (folder / f"{built.stem}-2026-01-01-000000-manual.sqlite").write_bytes(b"")
    (folder / "someone-elses-file.sqlite").write_bytes(b"")
    thin(built)
    kept = [b for b in list_backups(built) if b.why == ""]
    assert len(kept) == DAILY + WEEKLY
    days = [b.made.date() for b in kept]
    assert days[:DAILY] == [(today - timedelta(days=d)).date() for d in range(DAILY)]
    assert all(b.made.hour == 18 for b in kept[:DAILY])  # the newest of each day
    weeks = {d.isocalendar()[:2] for d in days[DAILY:]}
    assert len(weeks) == WEEKLY
    assert (folder / "someone-elses-file.sqlite").exists()
    assert any(b.why == "manual" for b in list_backups(built))


def test_backup_list_and_restore_from_the_command_line(built, tmp_path):
    made = flashcards("--db", str(built), "backup")
    assert made.returncode == 0 and "Backed up" in made.stdout
    listed = flashcards("--db", str(built), "backup", "--list")
    (backup,) = list_backups(built)
    assert str(backup.path) in listed.stdout
    with Collection.open(built, timezone="UTC") as col:  # a review made after the backup
        col.answer(col.cards()[1].id, 5, now=NOW)
    restored = flashcards("--db", str(built), "restore", backup.path.name)
    assert restored.returncode == 0, restored.stderr
    with Collection.open(built, readonly=True) as col:
        assert col.review_count() == 1
    kept = [b for b in list_backups(built) if b.why == "before-restore"]
    assert len(kept) == 1
    with Collection.open(kept[0].path, readonly=True) as col:
        assert col.review_count() == 2  # the collection as it was, review kept


def test_a_damaged_collection_can_be_restored(built):
    with Collection.open(built) as col:
        backup = col.backup()
    damage(built, "cards")
    result = flashcards("--db", str(built), "restore", str(backup))
    assert result.returncode == 0, result.stderr
    with Collection.open(built) as col:
        assert col.doctor() == [] and col.review_count() == 1
    assert {b.why for b in list_backups(built) if b.why} == {"damaged", "manual"}


def test_restore_refuses_what_is_not_a_collection(built, tmp_path):
    junk = tmp_path / "junk.sqlite"
    junk.write_text("not a database")
    before = digest(built)
    result = flashcards("--db", str(built), "restore", str(junk))
    assert result.returncode == 1 and "not a flashcards collection" in result.stderr
    assert digest(built) == before
