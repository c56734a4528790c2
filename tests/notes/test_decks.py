"""Deck specs: `decks/*.md`, YAML front matter plus a description."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import ROOT, SAMPLE_SPEC, sample_card_count

from flashcards.decks import (
    DEFAULT_NEW_PER_DAY,
    DEFAULT_REVIEWS_PER_DAY,
    DeckError,
    DeckSettings,
    DeckSpec,
    bundled_decks_dir,
    default_deck_specs,
    find_deck_specs,
    is_deck_spec,
    load_deck,
)
from flashcards.notes.inline import ALL_MARKERS, ANKI_CLOZE, HIGHLIGHT, LOGSEQ_CLOZE, STRONG
from flashcards.notes.outline import NoteError
from flashcards.reading import extract_paths

SAMPLE = SAMPLE_SPEC


def spec(
    tmp_path: Path, front: str, body: str = "About this deck.\n", name: str = "deck.md"
) -> Path:
    folder = tmp_path / "decks"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\n{body}")
    return path


def test_the_sample_deck_spec() -> None:
    deck = load_deck(SAMPLE)
    assert deck.name == "Designing Machine Learning Systems"
    assert deck.notes == [ROOT / "seeds" / "designing-machine-learning-systems.md"]
    assert deck.deletions == frozenset(ALL_MARKERS)
    assert (deck.settings.new_per_day, deck.settings.reviews_per_day, deck.settings.grades) == (
        20,
        200,
        4,
    )
    assert "Chip Huyen" in deck.description and not deck.description.startswith("---")
    assert deck.path == SAMPLE
    result = extract_paths(deck.notes, deck.deletions)
    assert len(result.cards) == sample_card_count() and result.warnings == []


def test_note_paths_are_relative_to_the_spec_and_normalised(tmp_path: Path) -> None:
    path = spec(tmp_path, "notes: [../seeds/a.md, ./more/, ../seeds/../other/b.md]\n")
    deck = load_deck(path)
    assert deck.notes == [
        tmp_path / "seeds" / "a.md",
        tmp_path / "decks" / "more",
        tmp_path / "other" / "b.md",
    ]
    assert all(".." not in p.parts and "." not in p.parts for p in deck.notes)


def test_a_relative_spec_path_gives_relative_clean_note_paths(tmp_path: Path, monkeypatch) -> None:
    spec(tmp_path, "notes: [../seeds/a.md]\n")
    monkeypatch.chdir(tmp_path)
    assert load_deck("decks/deck.md").notes == [Path("seeds/a.md")]


def test_absolute_and_home_note_paths(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = spec(tmp_path, f"notes: ['{tmp_path / 'abs.md'}', '~/vault']\n")
    assert load_deck(path).notes == [tmp_path / "abs.md", tmp_path / "home" / "vault"]


def test_notes_may_be_a_single_path(tmp_path: Path) -> None:
    assert load_deck(spec(tmp_path, "notes: ../n.md\n")).notes == [tmp_path / "n.md"]


def test_defaults(tmp_path: Path) -> None:
    deck = load_deck(spec(tmp_path, "notes: [n.md]\n", body="", name="my-deck.md"))
    assert deck.name == "my-deck"
    assert deck.deletions == frozenset(ALL_MARKERS)
    assert (deck.settings.new_per_day, deck.settings.reviews_per_day, deck.settings.grades) == (
        DEFAULT_NEW_PER_DAY,
        DEFAULT_REVIEWS_PER_DAY,
        4,
    )
    assert deck.description == ""
    assert deck.settings.to_json() == {
        "deletions": sorted(ALL_MARKERS),
        "new_per_day": 20,
        "reviews_per_day": 200,
        "grades": 4,
        "scheduler": "sm2",
        "desired_retention": 0.9,
        "parameters": None,
        "learning_steps": [1.0, 10.0],
        "relearning_steps": [10.0],
    }


def test_an_fsrs_deck_spec(tmp_path: Path) -> None:
    deck = load_deck(
        spec(
            tmp_path,
            "notes: [n.md]\nscheduler: fsrs\ndesired_retention: 0.85\n"
            "learning_steps: [30s, 10m, 1h]\nrelearning_steps: []\n",
        )
    )
    settings = deck.settings
    assert (settings.scheduler, settings.desired_retention) == ("fsrs", 0.85)
    assert settings.learning_steps == (0.5, 10.0, 60.0)
    assert settings.relearning_steps == ()
    assert settings.parameters is None
    assert DeckSettings.from_json(settings.to_json()) == settings


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("scheduler: anki", "'scheduler' must be sm2"),
        ("desired_retention: 1.5", "'desired_retention' must be a number from 0.7 to 0.99"),
        ("desired_retention: yes", "'desired_retention' must be a number"),
        ("learning_steps: [10 minutes]", "'learning_steps' must be a list of durations"),
        ("relearning_steps: 10m", "'relearning_steps' must be a list of durations"),
        ("parameters: [1, 2, 3]", "'parameters' must be FSRS's 21 numbers"),
    ],
)
def test_bad_scheduler_settings_name_their_line(tmp_path: Path, line: str, says: str) -> None:
    path = spec(tmp_path, f"notes: [n.md]\nscheduler: fsrs\n{line}\n")
    if line.startswith("scheduler"):
        path = spec(tmp_path, f"notes: [n.md]\n{line}\n")
    with pytest.raises(DeckError) as err:
        load_deck(path)
    assert says in err.value.reason
    key = line.split(":")[0]
    text = path.read_text()
    assert err.value.line == text[: text.index(f"{key}:")].count("\n") + 1


def test_pinned_parameters_are_checked_against_fsrs_bounds(tmp_path: Path) -> None:
    import fsrs

    good = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    deck = load_deck(spec(tmp_path, f"notes: [n.md]\nscheduler: fsrs\nparameters: {good}\n"))
    assert deck.settings.parameters == tuple(good)
    bad = [*good[:20], 99.0]  # the decay, far out of bounds
    with pytest.raises(DeckError) as err:
        load_deck(spec(tmp_path, f"notes: [n.md]\nscheduler: fsrs\nparameters: {bad}\n"))
    assert "parameters[20]" in err.value.reason


def test_deletions_are_switched_off_per_deck(tmp_path: Path) -> None:
    notes = tmp_path / "n.md"
    notes.write_text("- **strong** ==highlight== {{cloze logseq}} {{c1::anki}}\n")
    deck = load_deck(spec(tmp_path, "notes: [../n.md]\ndeletions: {highlight: false}\n"))
    assert deck.deletions == frozenset({STRONG, LOGSEQ_CLOZE, ANKI_CLOZE})
    found = extract_paths(deck.notes, deck.deletions).cards
    assert [c.answers for c in found] == [["strong"], ["logseq"], ["anki"]]
    assert "==highlight==" in found[0].front

    deck = load_deck(
        spec(
            tmp_path,
            "notes: [../n.md]\ndeletions:\n  strong: false\n  anki_cloze: no\n",
            name="d2.md",
        )
    )
    assert deck.deletions == frozenset({HIGHLIGHT, LOGSEQ_CLOZE})
    assert [c.answers for c in extract_paths(deck.notes, deck.deletions).cards] == [
        ["highlight"],
        ["logseq"],
    ]


def test_six_grades(tmp_path: Path) -> None:
    assert load_deck(spec(tmp_path, "notes: [n.md]\ngrades: 6\n")).settings.grades == 6


@pytest.mark.parametrize(
    ("front", "line", "words"),
    [
        ("name: x\n", 1, "no 'notes:' list"),
        ("notes:\n", 1, "no 'notes:' list"),
        ("notes: {a: b}\n", 2, "must be a list of paths"),
        ("notes: [1, 2]\n", 2, "must be a list of paths"),
        ("notes: [n.md]\nname: [1]\n", 3, "'name' must be text"),
        ("notes: [n.md]\ndeletions: [strong]\n", 3, "must map markers"),
        ("notes: [n.md]\ndeletions: {bold: false}\n", 3, "unknown deletion marker 'bold'"),
        ("notes: [n.md]\nnew_per_day: -1\n", 3, "'new_per_day' must be a whole number"),
        ("notes: [n.md]\nreviews_per_day: many\n", 3, "'reviews_per_day' must be a whole number"),
        ("notes: [n.md]\nnew_per_day: true\n", 3, "'new_per_day' must be a whole number"),
        ("notes: [n.md]\ngrades: 5\n", 3, "'grades' must be 4"),
        # YAML notices the unclosed list at the closing `---`, line 4
        ("name: ok\nnotes: [n.md\n", 4, "broken YAML front matter"),
        ("name: ok\nnotes: [n.md]\nbad: a: b\n", 4, "broken YAML front matter"),
    ],
)
def test_spec_errors_say_what_and_where(tmp_path: Path, front: str, line: int, words: str) -> None:
    path = spec(tmp_path, front)
    with pytest.raises(DeckError) as err:
        load_deck(path)
    assert err.value.path == str(path)
    assert err.value.line == line
    assert words in err.value.reason
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_a_spec_that_is_not_utf8_is_a_deck_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.md"
    path.write_bytes(b"---\nnotes: [n.md]\n---\ncaf\xe9\n")
    with pytest.raises(DeckError) as err:
        load_deck(path)
    assert err.value.line == 4 and "UTF-8" in err.value.reason
    assert isinstance(err.value, NoteError)  # callers may catch either


def test_a_missing_spec_is_a_deck_error(tmp_path: Path) -> None:
    with pytest.raises(DeckError, match="cannot be read"):
        load_deck(tmp_path / "none.md")


def test_crlf_and_bom_specs(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(
        b"\xef\xbb\xbf---\r\nname: CRLF\r\nnotes: [n.md]\r\ngrades: 6\r\n---\r\nBody\r\n"
    )
    assert is_deck_spec(path)
    deck = load_deck(path)
    assert (deck.name, deck.settings.grades, deck.description) == ("CRLF", 6, "Body")


def test_is_deck_spec(tmp_path: Path) -> None:
    assert is_deck_spec(SAMPLE)
    assert not is_deck_spec(ROOT / "seeds" / "designing-machine-learning-systems.md")
    note = tmp_path / "note.md"
    note.write_text("---\ntags: [a]\n---\n- notes: are not a deck\n")
    assert not is_deck_spec(note)
    txt = tmp_path / "deck.txt"
    txt.write_text("---\nnotes: [a]\n---\n")
    assert not is_deck_spec(txt)
    assert not is_deck_spec(tmp_path)
    assert not is_deck_spec(tmp_path / "missing.md")


def test_for_notes_names_the_deck_after_the_path(tmp_path: Path) -> None:
    note = tmp_path / "Reading List.md"
    note.write_text("- a\n")
    assert DeckSpec.for_notes(note).name == "Reading List"
    assert DeckSpec.for_notes(note).notes == [note]
    assert DeckSpec.for_notes(tmp_path).name == tmp_path.name
    assert DeckSpec.for_notes(tmp_path).deletions == frozenset(ALL_MARKERS)


def test_find_and_default_deck_specs(tmp_path: Path, monkeypatch) -> None:
    a = spec(tmp_path, "notes: [a.md]\n", name="b-deck.md")
    b = spec(tmp_path, "notes: [a.md]\n", name="a-deck.md")
    (tmp_path / "decks" / "readme.md").write_text("# not a deck\n")
    assert find_deck_specs(tmp_path / "decks") == [b, a]
    assert default_deck_specs(tmp_path) == [b, a]
    # without ./decks: the user's copy of the sample deck bundled in the package
    empty = tmp_path / "elsewhere"
    empty.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    sample = default_deck_specs(empty)
    assert [p.name for p in sample] == [SAMPLE.name]
    assert sample[0].parent == tmp_path / "data" / "flashcards" / "sample" / "decks"


def test_the_sample_deck_is_the_users_own_copy(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    (spec_path,) = default_deck_specs(tmp_path)
    bundled = bundled_decks_dir() / SAMPLE.name
    assert spec_path != bundled and spec_path.read_bytes() == bundled.read_bytes()
    deck = load_deck(spec_path)
    # its notes are the copy's too: editing them (`e`) never touches the package
    assert all(p.is_file() and (tmp_path / "data") in p.parents for p in deck.notes)
    assert [c.content_hash for c in extract_paths(deck.notes, deck.deletions).cards] == [
        c.content_hash for c in extract_paths(load_deck(bundled).notes).cards
    ]
    # the user's edits stay: a second run does not copy over them
    deck.notes[0].write_text(deck.notes[0].read_text() + "- edited **here**\n")
    assert default_deck_specs(tmp_path) == [spec_path]
    assert "edited **here**" in deck.notes[0].read_text()
    assert "edited" not in load_deck(bundled).notes[0].read_text()


def test_unknown_spec_keys_warn_with_the_nearest_known_key(tmp_path: Path) -> None:
    path = spec(tmp_path, "notes: [a.md]\nnew_per_dya: 5\ncolour: red\n")
    deck = load_deck(path)
    assert deck.warnings == (
        f"{path}:3: unknown deck-spec key 'new_per_dya' is ignored; did you mean new_per_day?",
        f"{path}:4: unknown deck-spec key 'colour' is ignored; the keys are "
        "name, notes, deletions, new_per_day, reviews_per_day, grades, scheduler, "
        "desired_retention, learning_steps, relearning_steps, parameters, dialect, junk, "
        "max_file_mb",
    )
    assert load_deck(spec(tmp_path, "notes: [a.md]\nnew_per_day: 5\n")).warnings == ()


def test_the_bundled_sample_deck_works_from_any_folder(tmp_path: Path) -> None:
    deck = load_deck(bundled_decks_dir() / SAMPLE.name)
    assert all(p.is_file() for p in deck.notes)
    assert ".." not in os.fspath(deck.notes[0])
    found = extract_paths(deck.notes, deck.deletions).cards
    assert [c.content_hash for c in found] == [
        c.content_hash for c in extract_paths(load_deck(SAMPLE).notes).cards
    ]


def test_a_note_whose_body_mentions_notes_is_not_a_deck_spec(tmp_path):
    note = tmp_path / "page.md"
    note.write_text("---\ntags: [a]\n---\nnotes:\n- a **bold** claim\n")
    assert not is_deck_spec(note)
    logseq = tmp_path / "logseq.md"
    logseq.write_text("---\nnotes:: x\n---\n- b\n")
    assert not is_deck_spec(logseq)
    spec = tmp_path / "deck.md"
    spec.write_text("\ufeff---\r\nname: D\r\nnotes: [page.md]\r\n---\r\nAbout.\r\n", newline="")
    assert is_deck_spec(spec)
