"""`flashcards cards PATH... [--json] [--strict]`: previews cards from notes, touching no collection.

Tested through click's CliRunner and as a real subprocess (`python -m flashcards`).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLE_NOTES, run_flashcards, sample_card_count
from helpers import SAMPLE_SPEC as SAMPLE_DECK

FIELDS = {"id", "kind", "source", "line", "context", "answers", "hint", "front", "back", "tags"}


@pytest.fixture
def cards(cli):
    """`flashcards cards ARGS` in this process (the shared `cli`: FLASHCARDS_DB and the
    user folders point into tmp_path, so no collection can appear anywhere else)."""

    def run(*args: str):
        return cli("cards", *args)

    return run


@pytest.fixture
def flashcards(user_dirs: dict[str, str]):
    """`python -m flashcards ARGS` from `cwd`, with the same user folders as `cli`."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return run_flashcards(*args, cwd=cwd, env={**user_dirs, "COLUMNS": "200"})

    return run


def assert_no_collection(root: Path) -> None:
    """Nothing was made where `user_dirs` points a collection and the user's folders."""
    assert not (root / "db").exists()
    assert not (root / "data").exists()
    assert not (root / "home").exists()


def vault(root: Path) -> Path:
    """A small vault in three dialects, with a subfolder and things to skip."""
    v = root / "vault"
    (v / "pages").mkdir(parents=True)
    (v / "notes" / "deep").mkdir(parents=True)
    (v / ".obsidian").mkdir()
    (v / "logseq" / "bak").mkdir(parents=True)
    (v / "pages" / "srs.md").write_text(
        "tags:: memory\n\n- ## Scheduling\n\t- **SM-2** came out in 1990\n\t  collapsed:: true\n"
        "\t- What resets on a lapse? #card\n\t\t- the interval\n"
    )
    (v / "notes" / "deep" / "raft.md").write_text(
        "---\ntags: [distributed]\n---\n# Raft\n\n- the {{c1::leader::who}} appends to the {{c1::log}}\n"
    )
    (v / "notes" / "plain.md").write_text(
        "* **TCP** is reliable\n  + {{cloze SYN \\\\ first}} opens it\n"
    )
    (v / "notes" / "ignored.txt").write_text("- **not** a note\n")
    (v / ".obsidian" / "workspace.md").write_text("- **hidden** folder\n")
    (v / "logseq" / "bak" / "srs.md").write_text("- **backup** copy\n")
    return v


# --- CliRunner -------------------------------------------------------------------------


def test_json_for_a_notes_file(tmp_path: Path, cards) -> None:
    note = tmp_path / "n.md"
    note.write_text(
        "---\ntags: [t]\n---\n# H\n- parent\n  - the **answer** is {{c1::here::hint}}\n"
    )
    result = cards(str(note), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [set(r) >= FIELDS for r in rows] == [True, True]
    first, second = rows
    assert first == {
        **first,
        "kind": "cloze",
        "source": str(note),
        "line": 6,
        "context": ["H", "parent"],
        "answers": ["answer"],
        "hint": None,
        "front": "the [...] is here",
        "back": "the answer is here",  # rendered: as a reader sees it
        "tags": ["t"],
    }
    assert (second["answers"], second["hint"], second["front"]) == (
        ["here"],
        "hint",
        "the answer is [hint]",
    )
    assert isinstance(first["id"], str) and first["id"] != second["id"]
    assert result.stderr == ""
    assert_no_collection(tmp_path)


def test_a_folder_recurses_over_markdown_files(tmp_path: Path, cards) -> None:
    result = cards(str(vault(tmp_path)), "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    by_answer = {tuple(r["answers"]): r for r in rows}
    assert sorted(by_answer) == sorted([("leader", "log"), ("TCP",), ("SYN",), ("SM-2",), ()])
    sources = {Path(r["source"]).relative_to(tmp_path / "vault").as_posix() for r in rows}
    assert sources == {"notes/deep/raft.md", "notes/plain.md", "pages/srs.md"}
    question = by_answer[()]
    assert (question["kind"], question["front"], question["back"]) == (
        "basic",
        "What resets on a lapse?",
        "What resets on a lapse?\n- the interval",
    )
    assert question["context"] == ["Scheduling"] and question["tags"] == ["memory"]
    assert by_answer[("SYN",)]["hint"] == "first"
    assert by_answer[("SYN",)]["context"] == ["TCP is reliable"]
    assert_no_collection(tmp_path)


def test_a_deck_spec_path(tmp_path: Path, cards) -> None:
    result = cards(str(SAMPLE_DECK), "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert len(rows) == sample_card_count()
    answers = [a for r in rows for a in r["answers"]]
    assert {"learning", "complex patterns", "reliability"} <= set(answers)
    assert "Preface" not in answers and not any(a.startswith("Chapter") for a in answers)
    assert {r["source"] for r in rows} == {str(SAMPLE_NOTES)}  # no `decks/../seeds`
    assert rows[0]["context"] == ["Chapter 1. Overview of Machine Learning Systems"]
    assert_no_collection(tmp_path)


def test_a_deck_spec_switches_markers_off(tmp_path: Path, cards) -> None:
    (tmp_path / "n.md").write_text("- **strong** and ==highlight==\n")
    deck = tmp_path / "deck.md"
    deck.write_text("---\nname: No highlight\nnotes: [n.md]\ndeletions: {highlight: false}\n---\n")
    rows = json.loads(cards(str(deck), "--json").stdout)
    assert [r["answers"] for r in rows] == [["strong"]]
    # no card hides it; the front shows it as highlighted text, without its markers
    assert rows[0]["front"] == "[...] and highlight"


def test_several_paths_at_once(tmp_path: Path, cards) -> None:
    one = tmp_path / "one.md"
    one.write_text("- **first** x\n")
    rows = json.loads(cards(str(one), str(SAMPLE_DECK), "--json").stdout)
    assert len(rows) == 1 + sample_card_count() and rows[0]["answers"] == ["first"]


def test_the_table(tmp_path: Path, cards) -> None:
    note = tmp_path / "t.md"
    note.write_text(
        "- the **answer** here\n- [bold red]not markup[/] ==kept==\n- q? #card\n  - a\n"
    )
    result = cards(str(note))
    assert result.exit_code == 0
    out = result.stdout
    assert "3 cards" in out
    assert "answer" in out and "kept" in out and "(basic)" in out
    assert "[bold red]not markup[/]" in out  # note text is data, never console markup
    assert "t.md:1" in out


def test_bad_files_warn_once_each_and_the_rest_still_yield(tmp_path: Path, cards) -> None:
    v = vault(tmp_path)
    (v / "latin1.md").write_bytes(b"- ok\n- caf\xe9 **xenon**\n")
    (v / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (v / "yaml.md").write_text("---\ntitle: [broken\n---\n- a **xenon**\n")
    (v / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    result = cards(str(v), "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5  # the good files' cards
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 4
    assert all(w.startswith("warning: ") for w in warnings)
    text = "\n".join(warnings)
    assert f"{v / 'latin1.md'}:2: " in text and "UTF-8" in text
    assert f"{v / 'binary.md'}:3: " in text and "NUL" in text
    assert f"{v / 'yaml.md'}:3: " in text and "YAML" in text
    assert f"{v / 'dangling.md'}: cannot be read" in text

    strict = cards(str(v), "--json", "--strict")
    assert strict.exit_code == 1
    assert strict.stdout == result.stdout and strict.stderr == result.stderr
    assert_no_collection(tmp_path)


def test_an_unreadable_file(tmp_path: Path, as_user: list[str], user_dirs) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    locked = notes / "locked.md"
    locked.write_text("- **xenon** y\n")
    (notes / "open.md").write_text("- **zinc** y\n")
    locked.chmod(0)
    result = run_flashcards("cards", str(notes), "--json", "--strict", user=as_user, env=user_dirs)
    assert result.returncode == 1
    assert [r["answers"] for r in json.loads(result.stdout)] == [["zinc"]]
    assert result.stderr == f"warning: {locked}: cannot be read (Permission denied)\n"


def test_strict_with_nothing_wrong_exits_0(tmp_path: Path, cards) -> None:
    assert cards(str(SAMPLE_NOTES), "--strict").exit_code == 0


def test_a_broken_deck_spec_is_a_warning(tmp_path: Path, cards) -> None:
    deck = tmp_path / "deck.md"
    deck.write_text("---\nnotes: [n.md]\ngrades: 5\n---\n")
    result = cards(str(deck), str(SAMPLE_NOTES), "--json")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == sample_card_count()
    assert result.stderr.startswith(f"warning: {deck}:3: 'grades' must be 4")
    assert cards(str(deck), "--strict").exit_code == 1


# --- as a subprocess --------------------------------------------------------------------


def test_subprocess_json_of_the_sample_deck(tmp_path: Path, flashcards) -> None:
    proc = flashcards("cards", "decks/designing-machine-learning-systems.md", "--json", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == sample_card_count()
    assert {r["source"] for r in rows} == {"seeds/designing-machine-learning-systems.md"}
    assert [r["answers"][0] for r in rows][:5] == [
        "learning",
        "complex patterns",
        "existing data",
        "make predictions",
        "unseen data",
    ]
    assert_no_collection(tmp_path)


def test_subprocess_folder_table_and_bad_input(tmp_path: Path, flashcards) -> None:
    v = vault(tmp_path)
    (v / "bad.md").write_bytes(b"- \xff\xfe\n")
    proc = flashcards("cards", "vault", cwd=tmp_path)
    assert proc.returncode == 0
    assert "5 cards" in proc.stdout
    assert "vault/notes/deep/raft.md:6" in proc.stdout
    assert proc.stderr == "warning: vault/bad.md:1: is not UTF-8 text; save it as UTF-8\n"

    strict = flashcards("cards", "vault", "--json", "--strict", cwd=tmp_path)
    assert strict.returncode == 1
    assert len(json.loads(strict.stdout)) == 5
    assert strict.stderr == proc.stderr
    assert_no_collection(tmp_path)


def test_subprocess_help_lists_the_cards_command(tmp_path: Path, flashcards) -> None:
    proc = flashcards("cards", "--help", cwd=tmp_path)
    assert proc.returncode == 0
    assert "--json" in proc.stdout and "--strict" in proc.stdout


def test_a_missing_notes_path_says_so_instead_of_looking_for_a_deck(tmp_path, cli):
    result = cli("--db", str(tmp_path / "c.sqlite"), "cards", str(tmp_path / "gone.md"))
    assert result.exit_code == 1
    assert "gone.md: no such file or folder" in result.output
    assert not (tmp_path / "c.sqlite").exists()


def test_json_uses_no_stream_click_deprecates(tmp_path: Path, cards, monkeypatch) -> None:
    """Click 8.5 deprecates `get_text_stream` (gone in 9.0, which `click>=8.1` allows):
    `--json` writes through `click.echo`. The deprecation is emulated here as click 8.5
    warns it, made an error, so the test holds on whichever click is installed; past 64 KiB of JSON
    the array comes in more than one piece, and reads back the same."""
    import warnings

    import click

    with warnings.catch_warnings():  # reading the name is what click 8.5 warns about
        warnings.simplefilter("ignore", DeprecationWarning)
        real = click.get_text_stream

        def deprecated(*args: object, **kwargs: object) -> object:
            warnings.warn("'get_text_stream' is deprecated", DeprecationWarning, stacklevel=2)
            return real(*args, **kwargs)

        monkeypatch.setattr(click, "get_text_stream", deprecated)
    note = tmp_path / "many.md"
    note.write_text(
        "".join(f"- fact {i} says **answer{i}** plainly\n" for i in range(400)), encoding="utf-8"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        result = cards(str(note), "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(result.stdout) > 1 << 16
    assert [r["answers"] for r in rows] == [[f"answer{i}"] for i in range(400)]
