"""`flashcards export`: formats, refusals, clear errors, atomic writes."""

from __future__ import annotations

import json

import pytest
from helpers import NOW, sample_card_count

from flashcards.export import FORMATS, ExportError, export

from .support import open_collection


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("apkg", "deck.apkg"),
        ("tsv", "deck.tsv"),
        ("md", "deck.md"),
        ("json", "deck.json"),
        ("reviews-csv", "log.csv"),
    ],
)
def test_every_format_writes_its_file(db, tmp_path, fmt, name, export_cli):
    out = tmp_path / name
    result = export_cli(db, "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0
    what = "0 reviews" if fmt == "reviews-csv" else f"{sample_card_count()} cards"
    assert f"Exported {what} of 1 deck to {out} ({fmt}," in result.stdout


def test_the_format_name_is_case_insensitive(db, tmp_path, export_cli):
    out = tmp_path / "deck.pkg"
    result = export_cli(db, "--format", "APKG", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "(apkg," in result.stdout and out.stat().st_size > 0


def test_the_format_comes_from_the_extension_when_not_given(db, tmp_path, export_cli):
    out = tmp_path / "deck.json"
    result = export_cli(db, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["format"] == "flashcards-export"


def test_named_decks_only(db, tmp_path, export_cli):
    result = export_cli(db, "Designing Machine Learning Systems", "-o", str(tmp_path / "d.tsv"))
    assert result.exit_code == 0, result.output


def test_an_existing_file_is_not_overwritten_without_force(db, tmp_path, export_cli):
    out = tmp_path / "deck.json"
    out.write_text("precious")
    result = export_cli(db, "-o", str(out))
    assert result.exit_code == 1
    assert f"error: {out}: already exists; pass --force to overwrite it" in result.stderr
    assert out.read_text() == "precious"

    result = export_cli(db, "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["cards"]


def test_a_missing_folder_is_a_clear_error(db, tmp_path, export_cli):
    out = tmp_path / "nowhere" / "deck.apkg"
    result = export_cli(db, "-o", str(out))
    assert result.exit_code == 1
    assert f"folder {out.parent} does not exist; create it first" in result.stderr
    assert not out.parent.exists()


def test_a_folder_is_not_a_file_name(db, tmp_path, export_cli):
    result = export_cli(db, "-f", "md", "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "is a folder; pass a file name" in result.stderr


def test_an_unknown_format_is_a_usage_error(db, tmp_path, export_cli):
    result = export_cli(db, "--format", "docx", "-o", str(tmp_path / "deck.docx"))
    assert result.exit_code == 2
    assert "unknown export format 'docx'; use one of apkg, tsv, md, json, reviews-csv" in (
        result.stderr
    )
    result = export_cli(db, "-o", str(tmp_path / "deck.docx"))
    assert result.exit_code == 2
    assert "cannot tell the format from the name; pass --format" in result.stderr
    assert list(tmp_path.glob("deck.*")) == []


def test_an_unknown_deck_names_the_decks_there_are(db, tmp_path, export_cli):
    result = export_cli(db, "Nope", "-o", str(tmp_path / "deck.apkg"))
    assert result.exit_code == 1
    assert "no deck named 'Nope' (decks: Designing Machine Learning Systems)" in result.stderr
    assert not (tmp_path / "deck.apkg").exists()


def test_no_collection_yet(tmp_path, export_cli):
    result = export_cli(tmp_path / "missing.sqlite", "-o", str(tmp_path / "deck.apkg"))
    assert result.exit_code == 1
    assert "no collection at" in result.stderr
    assert not (tmp_path / "missing.sqlite").exists()


def test_a_failed_export_leaves_the_old_file_and_no_temporary_file(db, tmp_path, monkeypatch):
    out = tmp_path / "deck.json"
    out.write_text("the previous export")

    def broken(job, path):
        path.write_text('{"half": ')
        raise OSError(28, "No space left on device")

    # (half written, then the disk full: the real full disk is in test_cleanup's tmpfs test)
    monkeypatch.setattr("flashcards.export.jsonfmt.write", broken)
    with open_collection(db) as col, pytest.raises(ExportError, match="the disk is full"):
        export(col, [], "json", out, force=True, now=NOW)
    assert out.read_text() == "the previous export"
    # the temporary file (".deck.json.*.part", next to it) is gone
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".deck.json")] == []


def test_progress_is_reported_up_to_the_total(db, tmp_path):
    seen: list[tuple[int, int]] = []
    with open_collection(db) as col:
        for fmt in FORMATS:
            if fmt == "reviews-csv":
                continue
            seen.clear()
            export(
                col,
                [],
                fmt,
                tmp_path / f"deck{FORMATS[fmt].suffix}",
                now=NOW,
                progress=lambda d, t: seen.append((d, t)),
            )
            assert seen[-1] == (sample_card_count(), sample_card_count()), fmt


def test_export_is_listed_in_help(cli):
    result = cli("--help")
    assert "export" in result.output
    result = cli("export", "--help")
    for fmt in FORMATS:
        assert fmt in result.output


def test_the_collection_file_is_never_an_export_target(db, export_cli):
    before = db.read_bytes()
    result = export_cli(db, "-f", "json", "-o", str(db), "--force")
    assert result.exit_code == 1
    assert "is the collection's own file; choose another path" in result.stderr
    assert db.read_bytes() == before
