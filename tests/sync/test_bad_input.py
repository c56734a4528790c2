"""Journals and folders a sync cannot use: warned about or refused, nothing half-applied."""

from __future__ import annotations

import json

import pytest
from helpers import run_flashcards

from flashcards.collection import CollectionError

from .support import NOTES, make_device, states, study


@pytest.fixture
def pair(tmp_path, notes):
    notes.write("facts.md", NOTES)
    a = make_device(tmp_path, "a", notes.root)
    b = make_device(tmp_path, "b", notes.root)
    study(a, 0, [4, 5], 0)
    folder = tmp_path / "sync"
    folder.mkdir()
    a.sync(folder)
    yield a, b, folder
    a.close()
    b.close()


def test_lines_not_json_or_with_unknown_fields_are_skipped_naming_file_and_line(pair):
    a, b, folder = pair
    journal = folder / f"{a.device_id}.jsonl"
    good = journal.read_text().splitlines()
    extra = json.loads(good[1]) | {"stability": 3.2}
    journal.write_text("\n".join([good[0], "{not json", json.dumps(extra), good[2]]) + "\n")
    report = b.sync(folder)
    assert report.added == 1
    assert report.warnings == [
        f"{journal}:2: not JSON; line skipped",
        f"{journal}:3: unknown field 'stability'; line skipped",
    ]


def test_a_line_nested_deeper_than_json_decodes_is_skipped_not_a_crash(pair):
    a, b, folder = pair
    journal = folder / f"{a.device_id}.jsonl"
    good = journal.read_text().splitlines()
    deep = "[" * 3000 + "]" * 3000  # within MAX_LINE; the decoder gives up at ~1000
    journal.write_text("\n".join([good[0], deep, good[1], good[2]]) + "\n")
    report = b.sync(folder)
    assert report.added == 2
    assert report.warnings == [f"{journal}:2: nested too deep; line skipped"]
    (folder / "0123456789abcdef.jsonl").write_text("[" * 5000 + "\n")
    with pytest.raises(CollectionError, match="not a flashcards journal"):
        b.sync(folder)


def test_a_journal_of_a_newer_format_is_refused_and_nothing_is_merged(pair, tmp_path):
    a, b, folder = pair
    (folder / "0123456789abcdef.jsonl").write_text(
        json.dumps({"flashcards_journal": 2, "device": "0123456789abcdef"}) + "\n"
    )
    before = (states(b), b.review_count())
    with pytest.raises(CollectionError, match="format version 2 is newer"):
        b.sync(folder)
    assert (states(b), b.review_count()) == before
    assert not (folder / f"{b.device_id}.jsonl").exists() or b.review_count() == 0


def test_a_missing_folder_says_so(pair, tmp_path):
    _, b, _ = pair
    with pytest.raises(CollectionError, match="no such folder"):
        b.sync(tmp_path / "nowhere")


def test_a_read_only_folder_says_so_and_changes_nothing(pair, as_user, user_dirs):
    _, b, folder = pair
    before = (states(b), b.review_count())
    folder.chmod(0o555)
    try:  # as an ordinary user: permissions apply
        done = run_flashcards("--db", str(b.path), "sync", str(folder), user=as_user, env=user_dirs)
    finally:
        folder.chmod(0o755)
    assert done.returncode == 1
    assert f"{folder}: the folder is read-only" in done.stderr
    assert "Traceback" not in done.stderr
    assert (states(b), b.review_count()) == before


def test_the_cli_syncs_the_configured_folder_and_names_bad_ones(cli, tmp_path, user_dirs):
    folder = tmp_path / "shared"
    folder.mkdir()
    config = tmp_path / "config" / "flashcards" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'sync = "{folder}"\n')
    notes = tmp_path / "n"
    notes.mkdir()
    (notes / "facts.md").write_text(NOTES)
    assert cli("build", str(notes)).exit_code == 0
    result = cli("sync")
    assert result.exit_code == 0, result.output
    assert f"synced with {folder}" in result.output
    missing = cli("sync", str(tmp_path / "nope"))
    assert missing.exit_code == 1
    assert "no such folder" in missing.output
    assert "Traceback" not in missing.output
