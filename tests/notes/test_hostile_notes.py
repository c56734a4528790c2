"""Hostile and pathological notes: reads that never end, small files that explode, notes
that try to drive the terminal. Each is a warning or a message, never a hang, a crash or
an escape sequence on the user's terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from helpers import run_flashcards

# every C0 and C1 control character but newline and tab, and DEL
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
OSC52 = "\x1b]52;c;aGFja2Vk\x07"  # writes "hacked" to the clipboard
TITLE = "\x1b]0;owned\x07"
CSI = "\x9b31m"


def flashcards(*args: str, cwd: Path, user: list[str] = ()) -> subprocess.CompletedProcess:
    """The installed command as a user runs it, from `cwd`, on its own collection."""
    env = {
        "FLASHCARDS_DB": str(cwd / "collection.sqlite"),
        "XDG_CACHE_HOME": str(cwd / "cache"),
        "COLUMNS": "120",
    }
    return run_flashcards(*args, cwd=cwd, env=env, user=user)


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "good.md").write_text("- Paris is in **France**.\n")
    return notes


# -- reads that never end ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["cards", "build"])
def test_a_fifo_named_like_a_note_is_skipped_not_waited_for(vault, tmp_path, command):
    os.mkfifo(vault / "x.md")
    result = flashcards(command, str(vault), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"{vault / 'x.md'}: is not a regular file" in result.stderr
    assert "France" in result.stdout or "1 card" in result.stdout


@pytest.mark.parametrize("command", ["cards", "build"])
def test_a_link_to_dev_zero_is_skipped(vault, tmp_path, command):
    (vault / "zero.md").symlink_to("/dev/zero")
    result = flashcards(command, str(vault), cwd=tmp_path)
    assert result.returncode == 0
    assert "zero.md: is not a regular file" in result.stderr


def test_a_deck_reading_dev_zero_is_warned_about(vault, tmp_path):
    spec = tmp_path / "deck.md"
    spec.write_text(f"---\nname: Zero\nnotes: [/dev/zero, {vault}]\n---\n")
    result = flashcards("build", str(spec), cwd=tmp_path)
    assert result.returncode == 0
    assert "/dev/zero: is not a regular file" in result.stderr
    assert "Zero: 1 card" in result.stdout


def test_a_notes_file_over_the_size_cap_is_skipped_with_a_warning(vault, tmp_path):
    (vault / "huge.md").write_text("- **x** y\n" * 200_000)  # 2 MB
    spec = tmp_path / "deck.md"
    spec.write_text(f"---\nname: Capped\nnotes: [{vault}]\nmax_file_mb: 1\n---\n")
    result = flashcards("build", str(spec), cwd=tmp_path)
    assert result.returncode == 0
    assert "huge.md: is 2.0 MB, over the 1 MB limit" in result.stderr
    assert "max_file_mb" in result.stderr and "Capped: 1 card" in result.stdout


def test_an_unreadable_folder_keeps_its_cards(vault, tmp_path, as_user):
    sub = vault / "private"
    sub.mkdir()
    (sub / "secret.md").write_text("- The code is **1234**.\n")
    assert flashcards("build", str(vault), cwd=tmp_path).returncode == 0
    sub.chmod(0)
    try:
        result = flashcards("build", str(vault), "--json", cwd=tmp_path, user=as_user)
    finally:
        sub.chmod(0o755)
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["retired"] == 0 and report["cards"] == 2
    assert any("private: folder cannot be read" in w for w in report["warnings"])


# -- small files that exhaust memory -------------------------------------------------------

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
    for prev, name in zip([None, *"abcdefg"], "abcdefgh", strict=True)
)


def test_a_yaml_alias_bomb_in_a_note_is_refused(vault, tmp_path):
    (vault / "bomb.md").write_text(f"---\n{BOMB}tags: [*h, *h, *h]\n---\n- **boom** here\n")
    assert len((vault / "bomb.md").read_bytes()) < 600
    result = flashcards("cards", str(vault), cwd=tmp_path)
    assert result.returncode == 0
    assert "bomb.md:1: front matter expands to more than 10,000 values" in result.stderr


def test_a_yaml_alias_bomb_in_a_deck_spec_is_refused(vault, tmp_path):
    spec = tmp_path / "deck.md"
    spec.write_text(f"---\nname: Bomb\nnotes: [{vault}]\n{BOMB}---\n")
    result = flashcards("build", str(spec), cwd=tmp_path)
    assert result.returncode == 1
    assert "expands to more than 10,000 values" in result.stderr


def test_cards_json_streams_one_card_at_a_time(vault, tmp_path):
    (vault / "many.md").write_text("".join(f"- fact **item{i}** here\n" for i in range(5000)))
    result = flashcards("cards", str(vault), "--json", cwd=tmp_path)
    rows = json.loads(result.stdout)
    assert len(rows) == 5001 and rows[0]["answers"] == ["France"]


# -- notes that try to drive the terminal ----------------------------------------------


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    notes = tmp_path / f"notes{TITLE}"
    notes.mkdir()
    (notes / f"evil{OSC52}.md").write_text(
        f"- Copy this {OSC52}: the **answer{CSI}** is {TITLE}here\n"
        f"  - a child with a bell \x07 and a **second** one\n"
    )
    (notes / f"broken{OSC52}.md").write_text("---\nkey: [unclosed\n---\n- x\n")
    spec = tmp_path / "deck.md"
    # YAML allows control characters only escaped: "\e" is ESC, "\a" BEL
    spec.write_text(
        '---\nname: "Evil \\e]52;c;aGFja2Vk\\a deck"\nnotes: ["notes\\e]0;owned\\a"]\n---\n'
    )
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["build", "deck.md"],
        ["cards"],
        ["cards", "--json"],
        ["decks"],
        ["decks", "--json"],
        ["stats", f"Evil {OSC52} deck"],
        ["stats", "--json"],
    ],
    ids=lambda a: " ".join(a)[:20],
)
def test_no_control_character_from_notes_reaches_the_terminal(hostile, args):
    assert flashcards("build", "deck.md", cwd=hostile).returncode == 0
    result = flashcards(*args, cwd=hostile)
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert not RAW_CONTROL.search(stream), repr(RAW_CONTROL.search(stream))
    if args[0] in ("cards", "decks") and "--json" in args:
        assert "\\u001b]52;c;aGFja2Vk\\u0007" in result.stdout  # escaped, and exact


def test_json_keeps_the_note_text_exact(hostile):
    flashcards("build", "deck.md", cwd=hostile)
    rows = json.loads(flashcards("cards", "--json", cwd=hostile).stdout)
    assert any(OSC52 in row["front"] and CSI in row["answers"][0] for row in rows)


def test_preview_warnings_show_file_names_visibly(hostile):
    result = flashcards("cards", f"notes{TITLE}", cwd=hostile)
    assert "broken␛]52;c;aGFja2Vk␇.md:3: broken YAML" in result.stderr


# -- small things ----------------------------------------------------------------------


def test_an_unreadable_deck_spec_is_an_error_not_an_empty_deck(tmp_path, as_user):
    spec = tmp_path / "deck.md"
    spec.write_text("---\nname: Locked\nnotes: [x]\n---\n")
    spec.chmod(0)
    result = flashcards("build", str(spec), cwd=tmp_path, user=as_user)
    assert result.returncode == 1
    assert f"{spec}: cannot be read (Permission denied)" in result.stderr


def test_the_study_app_without_a_terminal_says_so(tmp_path):
    for command in ([], ["review"]):
        result = flashcards(*command, cwd=tmp_path)
        assert result.returncode == 1
        assert "needs a terminal" in result.stderr and not result.stdout


@pytest.mark.parametrize("moment", ["9999-12-31T12:00:00+00:00", "0001-01-01T12:00:00+00:00"])
def test_dates_at_the_ends_of_the_calendar_are_a_message(vault, tmp_path, moment):
    flashcards("build", str(vault), cwd=tmp_path)
    result = flashcards("stats", "--now", moment, cwd=tmp_path)
    assert result.returncode == 1
    assert "outside the years 1971–9000" in result.stderr and "Traceback" not in result.stderr


def test_streamed_json_is_the_same_text_as_one_dump(vault, tmp_path):
    (vault / "more.md").write_text("- a **b** c\n  - child\n- d ==e== f\n")
    result = flashcards("cards", str(vault), "--json", cwd=tmp_path)
    assert (
        result.stdout == json.dumps(json.loads(result.stdout), indent=2, ensure_ascii=False) + "\n"
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert flashcards("cards", str(empty), "--json", cwd=tmp_path).stdout == "[]\n"
