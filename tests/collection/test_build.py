"""Building decks into the collection: specs and notes paths, incremental reads, warnings."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from helpers import NOW, Notes, forking, rows_in, run_flashcards

import flashcards.build
import flashcards.build.read
import flashcards.build.write
import flashcards.cards
from flashcards import Collection
from flashcards.collection import CollectionError
from flashcards.decks import DeckSpec

FACTS = (
    "- The **mitochondria** is the powerhouse of the cell.\n- Paris is the capital of **France**.\n"
)
PHYSICS = "- Water boils at **100** degrees.\n- Light is ==fast==.\n"


@pytest.fixture
def two_files(notes: Notes) -> Notes:
    notes.write("biology.md", FACTS)
    notes.write("physics.md", PHYSICS)
    return notes


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files each build parses (a spy: the report counts files read, not which)."""
    seen: list[str] = []
    parse = flashcards.build.read.read_text

    def spy(raw, path, options, *rest):
        seen.append(Path(path).name)
        return parse(raw, path, options, *rest)

    monkeypatch.setattr(flashcards.build.read, "read_text", spy)
    return seen


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The notes files each build opens (a spy: the report does not name them)."""
    seen: list[str] = []
    read = flashcards.build.read.read_bounded

    def spy(path, *args):
        seen.append(Path(path).name)
        return read(path, *args)

    monkeypatch.setattr(flashcards.build.read, "read_bounded", spy)
    return seen


# -- what a build reads -----------------------------------------------------------


def test_a_deck_spec_builds_its_notes_with_its_settings(col, two_files, tmp_path):
    spec = tmp_path / "decks" / "science.md"
    spec.parent.mkdir()
    spec.write_text(
        "---\nname: Science\nnotes: [../notes/biology.md]\ndeletions: {highlight: false}\n"
        "new_per_day: 7\ngrades: 6\n---\nCells and such.\n"
    )
    report = col.build(spec)
    assert (report.deck, report.files, report.read, report.new) == ("Science", 1, 1, 2)
    info = col.deck_info("Science")
    assert info["spec_path"] == str(spec.resolve())
    assert info["notes"] == [str((two_files.root / "biology.md").resolve())]
    assert info["description"] == "Cells and such."
    assert info["settings"]["new_per_day"] == 7 and info["settings"]["grades"] == 6
    assert col.card(col.cards()[0].id).grades == 6


def test_a_notes_file_builds_a_deck_named_after_it(col, two_files):
    report = col.build(two_files.root / "biology.md")
    assert report.deck == "biology"
    assert [c.answers for c in col.cards("biology")] == [["mitochondria"], ["France"]]


def test_a_notes_folder_builds_a_deck_named_after_it(col, two_files):
    report = col.build(two_files.root)
    assert (report.deck, report.files, report.cards) == ("notes", 2, 4)
    assert report.lines == 4


def test_a_missing_path_is_an_error_that_says_what_to_do(col, tmp_path):
    with pytest.raises(CollectionError, match="no such file or folder; pass a deck spec"):
        col.build(tmp_path / "nowhere")
    assert col.decks() == []


def test_two_decks_of_the_same_notes_are_separate(col, two_files):
    col.build(two_files.root)
    col.build(DeckSpec(name="again", notes=[two_files.root]))
    assert len(col.cards("notes")) == len(col.cards("again")) == 4
    assert not {c.id for c in col.cards("notes")} & {c.id for c in col.cards("again")}


def test_the_deck_order_is_the_outline_order(col, two_files):
    col.build(two_files.root)
    assert [c.answers[0] for c in col.cards()] == ["mitochondria", "France", "100", "fast"]


# -- incremental builds -----------------------------------------------------------


def test_an_unchanged_file_is_not_even_opened(col, two_files, parses, reads):
    col.build(two_files.root)
    assert sorted(parses) == sorted(reads) == ["biology.md", "physics.md"]
    parses.clear()
    reads.clear()
    report = col.build(two_files.root)
    assert report.read == 0 and report.unchanged == report.cards == 4
    assert parses == reads == []


def test_only_the_changed_file_is_parsed(col, two_files, parses):
    col.build(two_files.root)
    parses.clear()
    two_files.write("physics.md", PHYSICS + "- Sound is **slower**.\n")
    report = col.build(two_files.root)
    assert parses == ["physics.md"]
    assert (report.read, report.new, report.unchanged) == (1, 1, 4)


def test_a_touched_file_with_the_same_content_is_hashed_not_parsed(col, two_files, parses, reads):
    col.build(two_files.root)
    parses.clear()
    reads.clear()
    two_files.touch(two_files.root / "biology.md")
    report = col.build(two_files.root)
    assert reads == ["biology.md"] and parses == []
    assert report.read == 0 and report.unchanged == 4
    # its new mtime is remembered: the next build does not open it again
    reads.clear()
    col.build(two_files.root)
    assert reads == []


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(col, notes, tmp_path):
    """A file changed within its mtime's granularity (same size) right after a build."""
    path = notes.root / "quick.md"
    path.write_text("- A **cat** sat.\n")  # mtime: now
    col.build(notes.root)
    stat = path.stat()
    path.write_text("- A **dog** sat.\n")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    report = col.build(notes.root)
    assert (report.new, report.retired) == (1, 1)
    assert [c.answers for c in col.cards(include_retired=False)] == [["dog"]]


def test_a_recent_file_is_rechecked_until_its_mtime_is_old_enough(col, notes, reads):
    path = notes.root / "fresh.md"
    path.write_text("- A **cat** sat.\n")
    col.build(notes.root)
    reads.clear()
    col.build(notes.root)
    assert reads == ["fresh.md"]  # hashed again: written less than 2 s before the build
    old = time.time_ns() - 10 * 10**9
    os.utime(path, ns=(old, old))
    col.build(notes.root)
    reads.clear()
    col.build(notes.root)
    assert reads == []


def test_changing_the_deletion_markers_rereads_every_file(col, two_files, tmp_path, parses):
    spec = tmp_path / "science.md"
    spec.write_text("---\nname: Science\nnotes: [notes]\n---\n")
    col.build(spec)
    assert len(col.cards("Science")) == 4
    spec.write_text("---\nname: Science\nnotes: [notes]\ndeletions: {highlight: false}\n---\n")
    parses.clear()
    report = col.build(spec)
    assert sorted(parses) == ["biology.md", "physics.md"]
    assert (report.retired, report.unchanged) == (1, 3)
    # other settings do not change the cards: no re-read
    spec.write_text(
        "---\nname: Science\nnotes: [notes]\ndeletions: {highlight: false}\nnew_per_day: 3\n---\n"
    )
    parses.clear()
    report = col.build(spec)
    assert parses == [] and report.unchanged == 3
    assert col.deck_info("Science")["settings"]["new_per_day"] == 3


def test_a_new_reader_version_rereads_every_file_once_and_keeps_ids_and_reviews(
    col, two_files, db_path, parses, monkeypatch
):
    col.build(two_files.root)
    ids = {c.answers[0]: c.id for c in col.cards()}
    col.answer(ids["France"], 5, now=NOW)
    col.answer(ids["fast"], 2, now=NOW)
    reviews = rows_in(db_path, "SELECT * FROM reviews ORDER BY id")
    states = rows_in(db_path, "SELECT * FROM card_state ORDER BY card_id")

    # an upgrade whose reader shows blocks differently: nothing in the notes changed (a
    # later flashcards is other code, so its version and its extract are patched in)
    monkeypatch.setattr(flashcards.cards, "READER_VERSION", flashcards.cards.READER_VERSION + 1)
    read_text = flashcards.build.read.read_text

    def new_reader(raw, path, options, *rest):
        read = read_text(raw, path, options, *rest)
        for card in read.cards:
            card.block.children = card.block.children or "- (read by the new reader)"
        return read

    monkeypatch.setattr(flashcards.build.read, "read_text", new_reader)
    parses.clear()
    report = col.build(two_files.root)
    assert sorted(parses) == ["biology.md", "physics.md"]
    assert (report.read, report.updated, report.new, report.retired) == (2, 4, 0, 0)
    assert {c.answers[0]: c.id for c in col.cards()} == ids
    assert all("(read by the new reader)" in c.back for c in col.cards())
    assert rows_in(db_path, "SELECT * FROM reviews ORDER BY id") == reviews
    assert rows_in(db_path, "SELECT * FROM card_state ORDER BY card_id") == states
    # once: the next build trusts the files again
    parses.clear()
    report = col.build(two_files.root)
    assert parses == [] and report.read == 0 and report.unchanged == 4


def test_a_collection_without_a_recorded_reader_version_rereads_once(
    col, two_files, db_path, parses
):
    col.build(two_files.root)
    conn = sqlite3.connect(db_path)
    with conn:  # as a collection built before reader versions were recorded
        conn.execute("DELETE FROM config WHERE key LIKE 'reader_version.%'")
    conn.close()
    parses.clear()
    report = col.build(two_files.root)
    assert sorted(parses) == ["biology.md", "physics.md"]
    assert (report.read, report.unchanged, report.new) == (2, 4, 0)
    parses.clear()
    assert col.build(two_files.root).read == 0 and parses == []


def test_a_file_unreadable_during_a_full_reread_is_read_next_time(
    col, two_files, db_path, parses, as_user, user_dirs
):
    col.build(two_files.root)
    conn = sqlite3.connect(db_path)
    with conn:  # every file is to be read again, as after a reader upgrade
        conn.execute("DELETE FROM config WHERE key LIKE 'reader_version.%'")
    conn.close()
    locked = two_files.root / "physics.md"
    locked.chmod(0)
    try:  # a real permission error: the build runs as an ordinary user would run it
        done = run_flashcards(
            "--db",
            str(db_path),
            "build",
            str(two_files.root),
            "--json",
            user=as_user,
            env=user_dirs,
        )
    finally:
        locked.chmod(0o644)  # its size and mtime are as they were
    assert done.returncode == 0, done.stderr
    (report,) = json.loads(done.stdout)
    assert len(report["warnings"]) == 1 and "check its permissions" in report["warnings"][0]
    assert report["cards"] == 4 and report["retired"] == 0
    # its cards came from the old reader: read again though its size and mtime are the same
    parses.clear()
    report = col.build(two_files.root)
    assert parses == ["physics.md"] and report.unchanged == 4
    parses.clear()
    assert col.build(two_files.root).read == 0 and parses == []


def test_a_big_build_reads_in_two_processes_with_the_same_result(tmp_path, notes, monkeypatch):
    for i in range(120):
        notes.write(f"n{i:03d}.md", f"- Fact **item{i}** of {i % 7}.\n- Same **block**.\n")
    readers = tmp_path / "readers.txt"  # the processes that parsed notes, one line a file
    parse = flashcards.build.read.read_text

    def spy(raw, path, options, *rest):
        with readers.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return parse(raw, path, options, *rest)

    monkeypatch.setattr(flashcards.build.read, "read_text", spy)
    runs = {}
    for can_fork in (True, False):
        # forking is allowed with no other thread running; the app's worker thread is not
        readers.write_text("")
        calls: list[tuple[int, int]] = []
        with forking(can_fork), Collection.open(tmp_path / f"{can_fork}.sqlite") as col:
            report = col.build(notes.root, progress=lambda d, t, seen=calls: seen.append((d, t)))
            cards = [(c.id, c.answers, c.content_hash, c.source, c.line) for c in col.cards()]
        pids = set(readers.read_text().split())
        runs[can_fork] = (report.read, report.new, report.lines, cards, len(pids))
        assert calls[-1] == (120, 120)
        assert all(a[0] <= b[0] <= b[1] for a, b in zip(calls, calls[1:], strict=False))
    assert runs[True][4] == 2 and runs[False][4] == 1  # forked: this process and one more
    assert runs[True][:4] == runs[False][:4]
    assert runs[True][:3] == (120, 240, 240)


def test_a_build_on_a_worker_thread_reads_in_its_own_process(tmp_path, notes, monkeypatch):
    """The study app builds on a worker thread: forking a process with threads is unsafe."""
    for i in range(80):
        notes.write(f"n{i:03d}.md", f"- Fact **item{i}**.\n")
    readers: list[int] = []
    parse = flashcards.build.read.read_text

    def spy(raw, path, options, *rest):
        readers.append(os.getpid())  # a forked reader's calls would not show up here
        return parse(raw, path, options, *rest)

    monkeypatch.setattr(flashcards.build.read, "read_text", spy)
    outcome = {}

    def build() -> None:
        with Collection.open(tmp_path / "app.sqlite") as col:
            outcome["report"] = col.build(notes.root)

    worker = threading.Thread(target=build)
    worker.start()
    worker.join()
    assert outcome["report"].new == 80 and outcome["report"].read == 80
    assert readers == [os.getpid()] * 80


def test_the_sources_table_follows_the_files(col, two_files, db_path):
    col.build(two_files.root)
    two_files.remove("physics.md")
    col.build(two_files.root)
    rows = rows_in(db_path, "SELECT path, size FROM sources")
    assert rows == [(str(two_files.root / "biology.md"), len(FACTS))]


# -- files that cannot be read ----------------------------------------------------


def test_a_broken_file_is_a_warning_and_its_cards_are_kept(col, two_files):
    col.build(two_files.root)
    two_files.write("physics.md", "---\ntitle: [unclosed\n---\n- New **stuff**.\n")
    report = col.build(two_files.root)
    (warning,) = report.warnings
    assert warning.startswith(str(two_files.root / "physics.md") + ":")
    assert "broken YAML front matter" in warning and "its cards are kept as they were" in warning
    assert report.cards == 4 and report.retired == 0
    # fixed: the file is read again
    two_files.write("physics.md", PHYSICS + "- New **stuff**.\n")
    report = col.build(two_files.root)
    assert report.warnings == [] and report.read == 1
    assert (report.new, report.unchanged) == (1, 4)


def test_a_new_broken_file_is_a_warning_and_adds_nothing(col, two_files):
    two_files.write("binary.md", "- \x00\x01 not text")
    report = col.build(two_files.root)
    assert len(report.warnings) == 1 and "binary.md" in report.warnings[0]
    assert report.cards == 4


def test_a_missing_notes_path_warns_and_retires_until_it_is_back(col, two_files, tmp_path):
    spec = tmp_path / "science.md"
    spec.write_text("---\nname: Science\nnotes: [notes/physics.md]\n---\n")
    col.build(spec)
    moved = two_files.rename("physics.md", "elsewhere.txt")
    report = col.build(spec)
    (warning,) = report.warnings
    assert warning == (
        f"{spec}: notes path {tmp_path / 'notes/physics.md'} does not exist; fix the deck's "
        "'notes:' list (its cards are retired until it is back)"
    )
    assert report.retired == 2 and report.cards == 0
    moved.rename(two_files.root / "physics.md")
    report = col.build(spec)
    assert report.restored == 2 and report.warnings == []


# -- one transaction ---------------------------------------------------------------


def test_a_build_that_fails_part_way_changes_nothing(col, two_files, db_path, monkeypatch):
    col.build(two_files.root)
    col.answer(col.cards()[0].id, 4, now=NOW)
    tables = ("cards", "card_state", "reviews", "sources", "decks")
    before = {t: rows_in(db_path, f"SELECT * FROM {t}") for t in tables}
    two_files.write("biology.md", FACTS.replace("powerhouse", "power plant"))
    two_files.remove("physics.md")
    two_files.write("chemistry.md", "- **Salt** is NaCl.\n")

    def fail(*args):
        raise OSError("disk full")

    # a failure after retiring and editing, inside the one transaction: only a patch puts a
    # fault exactly there
    monkeypatch.setattr("flashcards.store.cards.insert_cards", fail)
    with pytest.raises(OSError, match="disk full"):
        col.build(two_files.root)
    assert {t: rows_in(db_path, f"SELECT * FROM {t}") for t in tables} == before
    monkeypatch.undo()
    report = col.build(two_files.root)
    assert (report.edited, report.retired, report.new) == (1, 2, 1)


def test_progress_is_reported_up_to_the_last_file(col, notes):
    for i in range(40):
        notes.write(f"n{i:02d}.md", f"- Fact **item{i}**.\n")
    calls: list[tuple[int, int]] = []
    col.build(notes.root, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 40) and calls[-1] == (40, 40)
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:], strict=False))


def test_the_report_counts_lines_and_time(col, two_files):
    report = col.build(two_files.root)
    assert report.lines == 4 and report.seconds > 0
    data = report.to_json()
    assert data["deck"] == "notes" and data["warnings"] == []


def test_a_build_in_a_collection_opened_twice_sees_the_other_builds(db_path, two_files):
    with Collection.open(db_path) as one, Collection.open(db_path) as two:
        one.build(two_files.root)
        report = two.build(two_files.root)
        assert report.read == 0 and report.unchanged == 4


def test_a_build_committed_elsewhere_while_reading_is_seen_and_read_again(db_path, notes):
    """The snapshot a build read before reading the notes is checked inside its write
    transaction: another connection's commit meanwhile sends it round again."""
    notes.write("a.md", "- one **alpha**\n")
    with Collection.open(db_path) as col:
        col.build(notes.root)
        notes.write("a.md", "- one **beta**\n")
        calls: list[tuple[int, int]] = []

        def other_build_first(done: int, total: int) -> None:
            calls.append((done, total))
            if len(calls) == 1:
                with Collection.open(db_path) as other:
                    assert other.build(notes.root).new == 1

        report = col.build(notes.root, progress=other_build_first)
    assert calls.count((1, 1)) == 2  # the notes were read twice
    assert report.read == 0 and report.new == 0  # the other build had done it all
    assert report.cards == 1


def test_a_build_with_no_commit_elsewhere_reads_once(db_path, notes):
    notes.write("a.md", "- one **alpha**\n")
    with Collection.open(db_path) as col:
        col.build(notes.root)
        notes.write("a.md", "- one **beta**\n")
        calls: list[tuple[int, int]] = []
        report = col.build(notes.root, progress=lambda done, total: calls.append((done, total)))
    assert calls.count((1, 1)) == 1 and report.new == 1


def _indexes(path: Path) -> set[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return set(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
    finally:
        conn.close()


def test_a_first_build_in_bulk_ends_with_every_index(notes: Notes, tmp_path: Path, monkeypatch):
    # a first build of many cards builds the indexes after the rows: the collection must
    # end with exactly the indexes a row-by-row build leaves
    notes.write("a.md", "- the **heart** pumps\n- the **lung** breathes\n- the **heart** pumps\n")
    plain, bulk = tmp_path / "plain.sqlite", tmp_path / "bulk.sqlite"
    with Collection.open(plain) as col:
        col.build(notes.root)
    monkeypatch.setattr(flashcards.build.write, "BULK_CARDS", 1)
    with Collection.open(bulk) as col:
        report = col.build(notes.root)
        assert report.new == 3
        assert sorted(c.answers[0] for c in col.cards()) == ["heart", "heart", "lung"]
    # the same names and statements, UNIQUE ones included; integrity_check passed
    assert _indexes(bulk) == _indexes(plain)


def test_a_new_deck_in_many_batches_counts_its_cards_once(
    notes: Notes, tmp_path: Path, monkeypatch
):
    # a new deck's cards go in batch by batch; the deck summaries' insert triggers are
    # off once for all of them (dropping and making them again per batch made every
    # statement prepare again), and the summaries still agree with a recount
    from flashcards.store import deck_summaries

    notes.write("a.md", "".join(f"- fact {i} is **answer{i}**\n" for i in range(12)))
    monkeypatch.setattr(flashcards.build.write, "BATCH", 4)
    monkeypatch.setattr(deck_summaries, "BULK_ROWS", 2)
    statements: list[str] = []
    with Collection.open(tmp_path / "c.sqlite") as col:
        col._store.conn.set_trace_callback(statements.append)
        assert col.build(notes.root).new == 12
        col._store.conn.set_trace_callback(None)
        assert deck_summaries.problems(col._store) == []
        present = {
            name
            for (name,) in col._store.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            )
        }
    inserts = [t for t in deck_summaries.TRIGGERS if t.endswith("_insert")]
    assert set(inserts) <= present
    for name in inserts:
        assert statements.count(f"DROP TRIGGER {name}") == 1
