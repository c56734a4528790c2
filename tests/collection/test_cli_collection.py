"""The collection commands: build, decks, cards, doctor, and --db / FLASHCARDS_DB."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import Notes, run_flashcards, sample_card_count

from flashcards import Collection
from flashcards.decks import bundled_decks_dir
from flashcards.store import SCHEMA_VERSION

LONG_NAME = "Designing Data-Intensive Applications, Second Edition, Reading Notes"
SAMPLE_NAME = "Designing Machine Learning Systems"
SPEC = f"""\
---
name: {LONG_NAME}
notes: [../notes]
new_per_day: 5
---
My reading notes.
"""
# when `built` answers its card: the cards tests below spell out its due date, the next day
STUDIED_AT = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
FACTS = (
    "- The **mitochondria** is the powerhouse of the cell.\n"
    "- Paris is the capital of **France**.\n"
    "- Water boils at **100** degrees at sea level.\n"
)


@pytest.fixture
def deck_dir(tmp_path: Path, notes: Notes) -> Path:
    notes.write("facts.md", FACTS)
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "reading.md").write_text(SPEC)
    return tmp_path / "decks"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- build ------------------------------------------------------------------------


def test_build_without_arguments_builds_every_spec_in_decks(cli, deck_dir, db_path):
    (deck_dir / "second.md").write_text("---\nname: Second\nnotes: [../notes/facts.md]\n---\n")
    result = cli("--db", str(db_path), "build", "--json")
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [r["deck"] for r in reports] == [LONG_NAME, "Second"]
    assert [r["new"] for r in reports] == [3, 3]


def test_build_without_arguments_or_decks_folder_builds_the_sample_deck(cli, db_path):
    result = cli("--db", str(db_path), "build", "--json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    assert report["deck"] == SAMPLE_NAME
    assert report["new"] == report["cards"] == sample_card_count()


def test_build_with_an_empty_decks_folder_says_what_to_do(cli, tmp_path, db_path):
    (tmp_path / "decks").mkdir()
    result = cli("--db", str(db_path), "build")
    assert result.exit_code == 1
    assert "no deck specs in ./decks" in result.stderr
    assert not db_path.exists()


def test_build_a_notes_file_makes_a_deck_named_after_it(cli, notes, db_path):
    path = notes.write("cell biology.md", FACTS)
    result = cli("--db", str(db_path), "build", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["deck"] == "cell biology"


def test_build_a_notes_folder_makes_a_deck_named_after_it(cli, notes, db_path):
    notes.write("a.md", FACTS)
    notes.write("sub/b.md", "- Light is **fast**.\n")
    result = cli("--db", str(db_path), "build", str(notes.root), "--json")
    (report,) = json.loads(result.stdout)
    assert report["deck"] == "notes"
    assert report["files"] == report["read"] == 2
    assert report["cards"] == 4


def test_build_json_is_the_whole_report(cli, deck_dir, db_path):
    result = cli("--db", str(db_path), "build", "--json")
    (report,) = json.loads(result.stdout)
    assert set(report) == {
        "deck",
        "files",
        "read",
        "new",
        "updated",
        "edited",
        "moved",
        "retired",
        "restored",
        "unchanged",
        "schedules",
        "cards",
        "rescheduled",
        "lines",
        "seconds",
        "warnings",
        "skipped",
        "hidden",
        "dialects",
        "renamed_from",
    }
    again = json.loads(cli("--db", str(db_path), "build", "--json").stdout)[0]
    assert (again["read"], again["unchanged"], again["new"]) == (0, 3, 0)


def test_the_build_report_fits_80_columns(cli, deck_dir, notes):
    sample = bundled_decks_dir() / "designing-machine-learning-systems.md"
    result = cli("--db", "c.sqlite", "build", str(deck_dir / "reading.md"), str(sample))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert lines[0].startswith("Built into c.sqlite: 2 decks, 2 files (2 read) in ")
    # a long name keeps its line, its counts go under it; a usual one shares the line
    assert lines[1:] == [
        f"{LONG_NAME}: 3 cards",
        "  3 new",
        f"{SAMPLE_NAME}: {sample_card_count()} cards — {sample_card_count()} new",
    ]
    notes.write("facts.md", FACTS.replace("the powerhouse", "powerhouse") + "- More **xenon**.\n")
    lines = cli("--db", "c.sqlite", "build").stdout.splitlines()
    assert lines[1:] == [f"{LONG_NAME}: 4 cards", "  1 new, 1 edited, 2 unchanged"]


def test_the_build_report_shows_retired_cards(cli, deck_dir, notes):
    cli("--db", "c.sqlite", "build")
    notes.write("facts.md", FACTS.splitlines(keepends=True)[0])
    lines = cli("--db", "c.sqlite", "build").stdout.splitlines()
    assert lines[1:] == [f"{LONG_NAME}: 1 card", "  1 unchanged; 2 retired"]


def test_build_shows_no_progress_bar_when_not_on_a_terminal(cli, deck_dir, db_path):
    result = cli("--db", str(db_path), "build")
    assert result.stderr == ""
    assert "━" not in result.output


def test_build_shows_a_progress_bar_on_a_terminal(deck_dir, db_path, tmp_path):
    master, slave = pty.openpty()
    proc = run_flashcards(
        "--db",
        str(db_path),
        "build",
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=slave,
        env={"COLUMNS": "80"},
        timeout=60,
        text=False,
    )
    os.close(slave)
    shown = b""
    while select.select([master], [], [], 0.2)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(master)
    assert proc.returncode == 0
    assert b"building reading.md" in shown
    assert "━".encode() in shown  # the bar
    assert b"building" not in proc.stdout  # the report itself is plain


def test_warnings_are_capped_so_the_report_fits_a_screen(cli, notes, db_path):
    for i in range(14):
        notes.write(f"broken-{i:02d}.md", "---\ntitle: [unclosed\n---\n- **xenon**\n")
    notes.write("good.md", FACTS)
    result = cli("--db", str(db_path), "build", str(notes.root))
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert len(warnings) == 11
    assert warnings[-1] == "warning: … and 4 more for notes (all of them with --json)"
    assert "broken-00.md:" in warnings[0] and "broken YAML front matter" in warnings[0]
    report = json.loads(cli("--db", str(db_path), "build", str(notes.root), "--json").stdout)
    assert len(report[0]["warnings"]) == 14


def test_build_strict_exits_1_on_warnings(cli, notes, db_path):
    notes.write("broken.md", "---\ntitle: [unclosed\n---\n")
    notes.write("good.md", FACTS)
    assert cli("--db", str(db_path), "build", str(notes.root)).exit_code == 0
    assert cli("--db", str(db_path), "build", "--strict", str(notes.root)).exit_code == 1


def test_build_of_a_missing_path_fails_before_touching_the_collection(cli, db_path):
    result = cli("--db", str(db_path), "build", "nowhere.md")
    assert result.exit_code == 1
    assert "nowhere.md: no such file or folder" in result.stderr
    assert not db_path.exists()


# -- decks and cards ----------------------------------------------------------------


@pytest.fixture
def built(cli, deck_dir, db_path) -> Path:
    assert cli("--db", str(db_path), "build").exit_code == 0
    with Collection.open(db_path, timezone="UTC") as col:
        cards = col.cards()
        col.answer(cards[0].id, 5, now=STUDIED_AT)
    # retire one card: its block is deleted
    lines = FACTS.splitlines(keepends=True)
    (deck_dir.parent / "notes" / "facts.md").write_text(lines[0] + lines[1])
    assert cli("--db", str(db_path), "build").exit_code == 0
    return db_path


def test_decks_json_lists_each_deck_with_its_counts(cli, built):
    result = cli("--db", str(built), "decks", "--json")
    assert result.exit_code == 0
    (deck,) = json.loads(result.stdout)
    assert deck["name"] == LONG_NAME
    assert (deck["cards"], deck["retired"]) == (2, 1)
    assert deck["new"] == 1  # one of the two active cards was answered
    assert deck["due"] >= 0
    assert {"name", "cards", "new", "due", "retired"} <= set(deck)


def test_decks_table_fits_80_columns(cli, built):
    sample_spec = bundled_decks_dir() / "designing-machine-learning-systems.md"
    assert cli("--db", str(built), "build", str(sample_spec)).exit_code == 0
    result = cli("--db", str(built), "decks")
    lines = result.stdout.splitlines()
    assert all(len(line) <= 80 for line in lines), lines
    assert "due" in lines[0] and "today" in lines[1] and "retired" in lines[1]
    # a name of usual length stays on one line; a very long one folds inside its column
    sample = next(line for line in lines if line.startswith(SAMPLE_NAME))
    cards = str(sample_card_count())
    listed = json.loads(cli("--db", str(built), "decks", "--json").stdout)
    (left,) = [sum(d["left_today"].values()) for d in listed if d["name"] == SAMPLE_NAME]
    assert sample.split()[4:] == [cards, cards, "0", str(left), "0"]
    assert any(line.startswith("Designing Data-Intensive Applications,") for line in lines)


def test_cards_json_has_the_stable_id_deck_status_hash_and_state(cli, built):
    result = cli("--db", str(built), "cards", LONG_NAME, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 2  # the retired card is left out
    with Collection.open(built) as col:
        ids = {c.id for c in col.cards(include_retired=False)}
    assert {r["id"] for r in rows} == ids
    for row in rows:
        assert row["deck"] == LONG_NAME and row["status"] == "active"
        assert len(row["content_hash"]) == 16
        assert {"repetitions", "ef", "interval", "due", "lapses"} <= set(row)
    studied = [r for r in rows if r["repetitions"]]
    assert [(r["ef"], r["interval"], r["due"]) for r in studied] == [(2.6, 1, "2024-03-02")]


def test_cards_retired_includes_retired_cards(cli, built):
    rows = json.loads(cli("--db", str(built), "cards", "--retired", "--json").stdout)
    assert sorted(r["status"] for r in rows) == ["active", "active", "retired"]


def test_cards_without_a_deck_lists_every_deck(cli, built, notes):
    notes.write("more/physics.md", "- Light is **fast**.\n")
    cli("--db", str(built), "build", str(notes.root / "more"))
    rows = json.loads(cli("--db", str(built), "cards", "--json").stdout)
    assert {r["deck"] for r in rows} == {LONG_NAME, "more"}


def test_cards_of_an_unknown_deck_say_which_decks_exist(cli, built):
    result = cli("--db", str(built), "cards", "Nope")
    assert result.exit_code == 1
    assert "no deck named 'Nope'" in result.stderr and LONG_NAME in result.stderr


def test_flashcards_db_does_what_db_does(cli, built):
    result = cli("decks", "--json", env={"FLASHCARDS_DB": str(built)})
    assert json.loads(result.stdout)[0]["name"] == LONG_NAME
    # --db wins over the environment
    result = cli("--db", str(built), "decks", "--json", env={"FLASHCARDS_DB": "/nonexistent/x"})
    assert json.loads(result.stdout)[0]["name"] == LONG_NAME


def test_commands_on_a_missing_collection_say_to_build_first(cli, tmp_path):
    for command in ("decks", "cards", "doctor"):
        result = cli("--db", str(tmp_path / "none.sqlite"), command)
        assert result.exit_code == 1
        assert "no collection at" in result.stderr and "flashcards build" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


# -- files that are not collections ---------------------------------------------------


def _spoil_text(path: Path) -> None:
    path.write_text("- these are notes, not a collection\n")


def _spoil_other(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()


def _spoil_truncate(path: Path, built: Path) -> None:
    data = built.read_bytes()
    path.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("case", ["text", "other", "truncated"])
@pytest.mark.parametrize("command", ["build", "decks", "cards", "doctor"])
def test_unusable_files_are_refused_by_every_command(cli, built, tmp_path, case, command):
    path = tmp_path / f"{case}.sqlite"
    if case == "text":
        _spoil_text(path)
    elif case == "other":
        _spoil_other(path)
    else:
        _spoil_truncate(path, built)
    before = _digest(path)
    result = cli("--db", str(path), command)
    assert result.exit_code == 1
    message = result.stderr
    assert message.startswith(f"error: {path}: ")
    assert "--db" in message  # what to do
    assert "Traceback" not in result.output
    assert _digest(path) == before


def test_a_collection_from_a_newer_flashcards_is_refused_by_the_cli(cli, built):
    conn = sqlite3.connect(built)
    conn.execute(
        "INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
        "VALUES ('flashcards', 'm900_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    before = _digest(built)
    result = cli("--db", str(built), "decks")
    assert result.exit_code == 1
    assert f"error: {built}: was written by a newer flashcards" in result.stderr
    assert "upgrade flashcards" in result.stderr
    assert _digest(built) == before


def test_a_damaged_page_read_by_a_command_gives_a_message_not_a_traceback(cli, built):
    conn = sqlite3.connect(built)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cards'").fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(built.read_bytes())
    data[(root - 1) * page_size : root * page_size] = b"\xff" * page_size
    built.write_bytes(bytes(data))
    result = cli("--db", str(built), "cards")
    assert result.exit_code == 1
    assert f"error: {built}: " in result.stderr
    assert "damaged" in result.stderr and "flashcards doctor" in result.stderr


# -- doctor -----------------------------------------------------------------------


def _sql(path: Path, statement: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute(statement)
    conn.commit()
    conn.close()


def test_doctor_on_a_healthy_collection(cli, built):
    result = cli("--db", str(built), "doctor")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{built}: schema version {SCHEMA_VERSION}, 1 reviews",
        "ok: no problems found",
    ]


def test_doctor_finds_and_repairs_corrupted_card_state(cli, built):
    _sql(built, "UPDATE card_state SET due = '1999-01-01', repetitions = 3")
    result = cli("--db", str(built), "doctor")
    assert result.exit_code == 1
    assert "problem: 3 card states differ from a replay of their reviews" in result.stdout
    assert "flashcards doctor --repair" in result.stdout
    result = cli("--db", str(built), "doctor", "--repair")
    assert result.exit_code == 0
    assert "repaired: card state rebuilt from the reviews" in result.stdout
    assert cli("--db", str(built), "doctor").exit_code == 0
    rows = json.loads(cli("--db", str(built), "cards", "--retired", "--json").stdout)
    assert sorted(r["repetitions"] for r in rows) == [0, 0, 1]


def test_doctor_reports_an_orphan_review_that_repair_cannot_fix(cli, built):
    _sql(
        built,
        "INSERT INTO reviews(card_id, time_ms, day, q, kind, reps_before, ef_before, "
        "interval_before, lapses_before, reps_after, ef_after, interval_after, lapses_after) "
        "VALUES (999, 0, '2024-03-01', 4, 'review', 0, 2500, 0, 0, 1, 2500, 1, 0)",
    )
    result = cli("--db", str(built), "doctor", "--repair")
    assert result.exit_code == 1
    assert "reviews of cards that do not exist (card ids 999)" in result.stdout
    assert "still wrong:" in result.stdout
