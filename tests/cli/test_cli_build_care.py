"""`flashcards build` as a careful tool: unknown spec keys warned about, one broken spec
reported while the others are built, Ctrl-C leaves the collection as it was, and the
sample deck a first run builds is the user's own copy."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Notes, child_env, hearing_ctrl_c, run_python, sample_card_count

from flashcards import Collection
from flashcards.decks import bundled_decks_dir

FACTS = "- Paris is the capital of **France**.\n- Water boils at **100** degrees.\n"


def _spec(folder: Path, name: str, front: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(f"---\n{front}---\nA deck.\n")
    return path


def test_an_unknown_spec_key_warns_with_the_nearest_known_key(cli, tmp_path, notes, db_path):
    notes.write("facts.md", FACTS)
    spec = _spec(tmp_path / "decks", "facts.md", "notes: [../notes]\nnew_per_dya: 5\n")
    result = cli("--db", str(db_path), "build")
    assert result.exit_code == 0
    assert (
        "warning: decks/facts.md:3: unknown deck-spec key 'new_per_dya' is ignored; "
        "did you mean new_per_day?"
    ) in " ".join(result.stderr.split())
    report = json.loads(cli("--db", str(db_path), "build", "--json").stdout)
    assert any("did you mean new_per_day?" in w for w in report[0]["warnings"])
    # previewing the spec says so too
    preview = cli("cards", str(spec))
    assert "did you mean new_per_day?" in " ".join(preview.stderr.split())


def test_one_broken_spec_is_reported_and_the_others_are_built(cli, tmp_path, notes, db_path):
    notes.write("facts.md", FACTS)
    decks = tmp_path / "decks"
    _spec(decks, "a-good.md", "name: Good\nnotes: [../notes]\n")
    _spec(decks, "b-broken.md", "name: Broken\nnotes: [../notes]\ngrades: 5\n")
    _spec(decks, "c-fine.md", "name: Fine\nnotes: [../notes]\n")
    result = cli("--db", str(db_path), "build")
    assert result.exit_code == 1
    assert "decks/b-broken.md:4: 'grades' must be 4" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
    with Collection.open(db_path) as col:
        assert col.deck_names() == ["Fine", "Good"]


def test_ctrl_c_during_a_build_leaves_the_collection_unchanged(tmp_path, notes, db_path):
    notes.write("facts.md", FACTS)
    decks = tmp_path / "decks"
    _spec(decks, "facts.md", "name: Facts\nnotes: [../notes]\n")
    with Collection.open(db_path) as col:
        col.build(decks / "facts.md")
    notes.write("facts.md", FACTS + "- The sun is a **star**.\n")  # a build would add a card
    before = _cards(db_path)
    # hold the write lock so the build cannot get past reading and BEGIN IMMEDIATE
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    master, slave = pty.openpty()
    with hearing_ctrl_c():
        proc = subprocess.Popen(
            [sys.executable, "-m", "flashcards", "--db", str(db_path), "build"],
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env=child_env(COLUMNS="80"),
        )
    os.close(slave)
    shown = b""
    try:
        # the progress bar at 1/1: the notes are read, and the build waits for the lock
        # (it cannot commit before the ROLLBACK below, so the Ctrl-C lands in the build)
        while not re.search(rb"building facts\.md.*1/1", shown, re.DOTALL):
            assert select.select([master], [], [], 60)[0], f"the build never read: {shown!r}"
            shown += os.read(master, 65536)
        proc.send_signal(signal.SIGINT)
        blocker.execute("ROLLBACK")  # let it go: the interrupt is already on its way
        proc.wait(timeout=60)
        while select.select([master], [], [], 0)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        blocker.close()
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    told = " ".join(shown.decode(errors="replace").split())
    assert proc.returncode == 130, told
    assert "interrupted: the collection was not changed" in told
    assert "Traceback" not in told
    assert _cards(db_path) == before


@pytest.mark.parametrize("specs", [["facts.md"], ["facts.md", "more.md"]])
def test_ctrl_c_as_a_build_commits_says_the_deck_was_built(tmp_path, notes, db_path, specs):
    notes.write("facts.md", FACTS)
    for name in specs:
        _spec(tmp_path / "decks", name, f"name: {name[:-3]}\nnotes: [../notes]\n")
    # the Ctrl-C lands just after the first deck's transaction committed: in the step a
    # build takes next (merging synced reviews that wait for its new cards)
    code = f"""
        import signal, sys
        import flashcards.sync

        def ctrl_c(store):
            signal.raise_signal(signal.SIGINT)
            return 0

        flashcards.sync.apply_pending = ctrl_c
        sys.argv = ["flashcards", "--db", {str(db_path)!r}, "build"]
        from flashcards.cli import main
        main()
    """
    with hearing_ctrl_c():
        proc = run_python(code, cwd=tmp_path)
    told = " ".join(proc.stderr.split())
    assert proc.returncode == 130, told
    assert "not changed" not in told and "Traceback" not in told
    if len(specs) == 1:
        assert "interrupted as the build ended: facts.md was built, the collection has it" in told
    else:
        assert "interrupted: already built: facts.md; not built: more.md" in told
    with Collection.open(db_path, readonly=True) as col:
        assert col.deck_names() == ["facts"]
        assert len(list(col.cards(None))) == 2


def _cards(db_path: Path) -> list[str]:
    with Collection.open(db_path, readonly=True) as col:
        return sorted(c.content_hash for c in col.cards(None))


def test_a_first_run_builds_the_users_copy_of_the_sample_deck(cli, tmp_path, db_path, user_dirs):
    result = cli("--db", str(db_path), "build", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["cards"] == sample_card_count()
    home = Path(user_dirs["XDG_DATA_HOME"]) / "flashcards" / "sample"
    with Collection.open(db_path, readonly=True) as col:
        sources = {c.source for c in col.cards(None)}
        (name,) = col.deck_names()
        spec_path = col.deck_info(name)["spec_path"]
    assert Path(str(spec_path)).resolve().is_relative_to(home.resolve())
    assert all(Path(s).resolve().is_relative_to(home.resolve()) for s in sources)
    assert not any(Path(s).resolve().is_relative_to(bundled_decks_dir().parent) for s in sources)
    # an edit to the user's copy is what the next build reads
    (notes_file,) = (home / "seeds").iterdir()
    Notes(home / "seeds").write(notes_file.name, notes_file.read_text() + "- A **new** one.\n")
    again = json.loads(cli("--db", str(db_path), "build", "--json").stdout)[0]
    assert again["cards"] == sample_card_count() + 1


def test_a_sample_deck_built_from_the_package_becomes_the_users_copy(cli, db_path, user_dirs):
    with Collection.open(db_path) as col:  # as an earlier version built it
        col.build(bundled_decks_dir() / "designing-machine-learning-systems.md")
        (name,) = col.deck_names()
        deck_id = col.deck_id(name)
        first = next(iter(col.cards(None)))
    result = cli("--db", str(db_path), "build", "--json")
    assert result.exit_code == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert report["cards"] == sample_card_count() and report["new"] == 0
    home = Path(user_dirs["XDG_DATA_HOME"]) / "flashcards" / "sample"
    with Collection.open(db_path, readonly=True) as col:
        assert col.deck_names() == [name] and col.deck_id(name) == deck_id
        assert Path(str(col.deck_info(name)["spec_path"])).parent == (home / "decks").resolve()
        kept = next(c for c in col.cards(None) if c.content_hash == first.content_hash)
        assert kept.id == first.id
        assert Path(kept.source).resolve().is_relative_to(home.resolve())


def test_a_folder_of_deck_specs_builds_each_spec_not_a_folder_deck(cli, tmp_path, notes, db_path):
    notes.write("facts.md", FACTS)
    decks = tmp_path / "decks"
    _spec(decks, "a.md", "name: Geography\nnotes: [../notes]\n")
    (decks / "loose.md").write_text("- Gold is **Au**.\n")
    result = cli("--db", str(db_path), "build", "decks")
    assert result.exit_code == 0
    stderr = " ".join(result.stderr.split())
    assert "decks: holds deck specs, so each spec is built; 1 other notes file(s) here" in stderr
    assert "(loose.md)" in stderr
    with Collection.open(db_path) as col:
        # the spec's deck and its two cards; no deck named "decks", no card from loose.md
        assert col.deck_names() == ["Geography"]
        assert [d.cards for d in col.decks()] == [2]


def test_a_broken_settings_file_after_a_build_says_the_build_is_saved(
    cli, tmp_path, notes, db_path, user_dirs
):
    notes.write("facts.md", FACTS)
    settings = Path(user_dirs["XDG_CONFIG_HOME"]) / "flashcards" / "config.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("[unclosed\n")
    result = cli("--db", str(db_path), "build", "notes")
    assert result.exit_code == 1
    told = " ".join(result.stderr.split())
    assert f"error: {settings}: not TOML" in told
    assert told.endswith("fix that line (the build is saved; nothing was synced)")
    with Collection.open(db_path, readonly=True) as col:
        assert len(list(col.cards(None))) == 2
