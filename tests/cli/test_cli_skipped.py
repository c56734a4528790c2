"""`flashcards cards PATH --skipped` and the build report's count of skipped deletions
(issue 12 item 5), a missing path among several (item 7)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import run_flashcards

JUNK = Path(__file__).resolve().parents[1] / "notes" / "fixtures" / "junk"


@pytest.fixture
def flashcards(user_dirs: dict[str, str]):
    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return run_flashcards(*args, cwd=cwd, env={**user_dirs, "COLUMNS": "200"})

    return run


def test_skipped_lists_each_deletion_with_its_reason(cli) -> None:
    rows = json.loads(cli("cards", str(JUNK / "label.md"), "--skipped", "--json").stdout)
    assert [(r["line"], r["answer"], r["reason"]) for r in rows] == [
        (1, "Note:", "stock label"),
        (2, "Ex.", "stock label"),
        (3, "Step 2", "stock label"),
        (4, "BREAKING CHANGE", "stock label"),
        (5, "Intuition:", "stock label"),
    ]
    assert all(r["source"] == str(JUNK / "label.md") for r in rows)
    table = cli("cards", str(JUNK), "--skipped")
    assert table.exit_code == 0
    assert "version number" in table.stdout and "bold inside a word" in table.stdout
    assert "43 deletions made no card" in table.stdout  # every fixture of junk/ together


def test_skipped_in_a_real_process(tmp_path: Path, flashcards) -> None:
    result = flashcards("cards", str(JUNK / "short.md"), "--skipped", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Fe" in result.stdout and "1–2 characters" in result.stdout
    assert "2 deletions made no card" in result.stdout


def test_skipped_needs_notes_paths(cli) -> None:
    result = cli("cards", "--skipped")
    assert result.exit_code == 1 and "pass notes files" in result.stderr


def test_the_build_report_counts_skips_also_when_nothing_was_read_again(cli, tmp_path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text((JUNK / "label.md").read_text())
    (notes / "b.md").write_text((JUNK / "version.md").read_text())
    (notes / ".trash").mkdir()
    expected = (
        "  8 deletions made no card (stock label 5, version number 3); "
        f"see flashcards cards {notes} --skipped"
    )
    first = cli("--db", "c.sqlite", "build", str(notes)).stdout.splitlines()
    assert expected in first and "  skipped 1 hidden folder: .trash" in first
    again = cli("--db", "c.sqlite", "build", str(notes), "--json").stdout
    (report,) = json.loads(again)
    assert report["read"] == 0
    assert report["skipped"] == {"stock label": 5, "version number": 3}
    assert expected in cli("--db", "c.sqlite", "build", str(notes)).stdout.splitlines()


def test_a_missing_path_among_several_warns_and_the_rest_are_read(cli, tmp_path) -> None:
    (tmp_path / "n.md").write_text("- the **liver** filters blood\n")
    result = cli("cards", str(tmp_path / "n.md"), str(tmp_path / "gone"), "--json")
    assert result.exit_code == 0
    assert [r["answers"] for r in json.loads(result.stdout)] == [["liver"]]
    assert f"{tmp_path / 'gone'}: no such file or folder" in result.stderr
    built = cli("--db", "c.sqlite", "build", str(tmp_path / "gone"), str(tmp_path / "n.md"))
    assert built.exit_code == 1 and "no such file or folder" in built.stderr
    assert "n: 1 card — 1 new" in built.stdout
