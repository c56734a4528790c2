"""The installed `flashcards` in a real terminal: tmux runs it, we type and read the screen.

From launch (a first run: the bundled sample deck is built) through one
answered card, then quit; the collection must hold exactly that answer. Then
the app beside `flashcards build` runs of another shell on the same
collection: rebuild, stats and answers go on, and every answer is kept. The
app's stderr is not redirected: if it crashes, the traceback is what the
pane shows and what the failure message prints.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import child_env, reviews_in, wait_until

from flashcards.collection import Collection
from flashcards.decks import bundled_decks_dir

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def installed_flashcards() -> str:
    """The console script next to this Python (the one `pip install -e .` made)."""
    beside = Path(sys.executable).parent / "flashcards"
    found = str(beside) if beside.exists() else shutil.which("flashcards")
    assert found, "the `flashcards` command is not installed; run pip install -e '.[test]'"
    return found


class Pane:
    """One tmux session on a private server socket (never the user's tmux).

    `forbidden`: text no screen may ever show; every read of the pane checks it."""

    def __init__(self, socket: Path, forbidden: tuple[str, ...] = ()) -> None:
        self.socket = socket
        self.forbidden = forbidden

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            [TMUX, "-S", str(self.socket), *args], check=True, capture_output=True, text=True
        ).stdout

    def text(self) -> str:
        screen = self.tmux("capture-pane", "-p", "-t", "app")
        for word in self.forbidden:
            assert word.lower() not in screen.lower(), f"the app shows {word!r}:\n{screen}"
        return screen

    def wait_for(self, needle: str, polls: int = 300) -> str:
        for _ in range(polls):
            screen = self.text()
            if needle in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} did not appear; the pane shows:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)


def first_day_of_the_sample(folder: Path) -> tuple[int, str]:
    """The bundled sample deck's first study day, from a scratch collection: how many new
    cards it offers (siblings wait) and the first card's answer. What the app must show,
    derived here so that an edit to the sample's notes fails notes/test_cards.py only."""
    folder.mkdir()
    with Collection.open(folder / "scratch.sqlite") as col:
        col.build(bundled_decks_dir() / "designing-machine-learning-systems.md")
        (deck,) = col.decks()
        return deck.left.new, col.next_card().answers[0]


def test_launch_study_one_card_and_quit(tmp_path):
    new_today, first_answer = first_day_of_the_sample(tmp_path / "scratch")
    db = tmp_path / "collection.sqlite"
    pane = Pane(tmp_path / "tmux.sock")  # inside the test's folder: removed with it
    exit_file = tmp_path / "exit-status"
    # tmux runs this through sh: the app's exit status lands in a file (tmux's own
    # #{pane_dead_status} is sometimes never filled in: it can miss reaping the child)
    app = shlex.join([installed_flashcards(), "--db", str(db)])
    command = f"{app}; echo $? > {shlex.quote(str(exit_file))}"
    pane.tmux(
        "-f",
        "/dev/null",  # no user tmux.conf
        "new-session",
        "-d",
        "-s",
        "app",
        "-x",
        "100",
        "-y",
        "30",
        "-c",
        str(tmp_path),  # no ./decks here: the first run builds the bundled sample deck
        "-e",
        f"FLASHCARDS_DB={db}",
        "-e",
        f"PYTHONPATH={child_env()['PYTHONPATH']}",  # this checkout's code, not main's install
        command,
    )
    try:
        pane.tmux("set-option", "-t", "app", "remain-on-exit", "on")
        home = pane.wait_for(f"0 done · {new_today} left")
        assert "Designing Machine Learning Systems" in home
        pane.keys("Enter")
        front = pane.wait_for("Show answer")
        assert "[...]" in front and f"New {new_today}" in front
        pane.keys("Space")
        back = pane.wait_for("3 Good")
        # the buttons say what they do (one line or two, as the width allows)
        assert "1 Again" in back and "today" in back and "1d" in back
        assert first_answer in back
        pane.keys("3")
        # one card fewer, and the cards of its block's family buried for the day
        for _ in range(300):
            left = re.search(r"New (\d+)", pane.text())
            if left and int(left[1]) < new_today:
                break
            time.sleep(0.1)
        assert left and int(left[1]) <= new_today - 1, pane.text()
        pane.keys("Escape")
        summary = pane.wait_for("Cards studied")
        assert "100%" in summary
        pane.keys("q")  # back one screen: the decks
        pane.wait_for("1 done")
        pane.keys("q")  # q on the decks quits
        wait_until(
            lambda: exit_file.exists() and exit_file.read_text().strip(),
            f"the app quitting (the pane shows:\n{pane.text()})",
        )
        status = exit_file.read_text().strip()
        assert status == "0", f"exit status {status}; the pane shows:\n{pane.text()}"
    finally:
        subprocess.run([TMUX, "-S", str(pane.socket), "kill-server"], capture_output=True)
    rows = reviews_in(db)
    assert len(rows) == 1
    assert rows[0][1] == 4  # Good
    assert rows[0][5] is not None and rows[0][5] >= 0  # the answer time was measured


# -- the app beside builds from another shell ------------------------------------------

TROUBLE = ("Traceback", "malformed", "locked", "damaged", "could not be", "flashcards stopped")
ANSWERS = (3, 1, 4, 2, 3, 4, 3)  # keys: Good, Again (a drill comes back), Easy, Hard...


def _environment(tmp_path: Path) -> dict[str, str]:
    """This checkout's flashcards, and every user folder (data, cache, backups) in tmp_path."""
    home = tmp_path / "home"
    return {
        "PYTHONPATH": child_env()["PYTHONPATH"],  # this checkout: the app and the builds run it
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
    }


def _write_notes(folder: Path, files: int = 2, blocks: int = 6) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        (folder / f"topic-{f}.md").write_text(
            "".join(
                f"- Fact {f}.{b} says **answer-{f}-{b}** about topic {f}, block {b}.\n"
                for b in range(blocks)
            ),
            encoding="utf-8",
        )


def test_the_app_keeps_working_while_another_shell_builds_the_same_collection(
    tmp_path, monkeypatch
):
    notes = tmp_path / "notes"
    _write_notes(notes)
    db = tmp_path / "collection.sqlite"
    env = {**os.environ, **_environment(tmp_path)}
    monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])  # this process's opens too
    flashcards = [sys.executable, "-m", "flashcards", "--db", str(db)]
    first = subprocess.run([*flashcards, "build", str(notes)], env=env, capture_output=True)
    assert first.returncode == 0, first.stderr
    with Collection.open(db, readonly=True) as col:
        reworded_id = next(c.id for c in col.cards() if c.answers == ["answer-1-2"])

    def build_elsewhere() -> subprocess.Popen:
        """`flashcards build` from another shell, started now and left running."""
        return subprocess.Popen(
            [*flashcards, "build", str(notes)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def built(proc: subprocess.Popen) -> None:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, out + err
        assert not any(word.lower() in (out + err).lower() for word in TROUBLE), out + err

    pane = Pane(tmp_path / "tmux.sock", forbidden=TROUBLE)
    exit_file = tmp_path / "exit-status"
    command = f"{shlex.join(flashcards)}; echo $? > {shlex.quote(str(exit_file))}"
    settings = [
        arg for key, value in _environment(tmp_path).items() for arg in ("-e", f"{key}={value}")
    ]
    pane.tmux(
        *("-f", "/dev/null", "new-session", "-d", "-s", "app", "-x", "100", "-y", "30"),
        *("-c", str(tmp_path), *settings, command),
    )
    try:
        pane.tmux("set-option", "-t", "app", "remain-on-exit", "on")
        pane.wait_for("0 done · 12 left")
        # a build in the other shell, and the app's own rebuild (r) at the same time
        other = build_elsewhere()
        pane.keys("r")
        pane.wait_for("Built notes")
        built(other)
        # stats, and back to the decks
        pane.keys("t")
        pane.wait_for("answers today")
        pane.keys("Escape")
        pane.wait_for("r Rebuild")
        # the notes change (a block added, one reworded) and the other shell builds again
        # while cards are answered in the app
        topic = notes / "topic-1.md"
        text = topic.read_text(encoding="utf-8").replace("Fact 1.2 says", "Fact 1.2 now says")
        topic.write_text(text + "- A later fact names **answer-late** here.\n", encoding="utf-8")
        other = build_elsewhere()
        pane.keys("Enter")
        for key in ANSWERS:
            pane.wait_for("Show answer")
            pane.keys("Space")
            pane.wait_for("1 Again")
            pane.keys(str(key))
        pane.wait_for("Show answer")  # the last answer was taken: the next card is up
        built(other)
        pane.keys("Escape")
        pane.wait_for("Cards studied")
        pane.keys("q")  # back one screen: the decks
        pane.wait_for("done ·")
        pane.keys("q")  # q on the decks quits
        wait_until(
            lambda: exit_file.exists() and exit_file.read_text().strip(),
            f"the app quitting (the pane shows:\n{pane.text()})",
        )
        status = exit_file.read_text().strip()
        assert status == "0", f"exit status {status}; the pane shows:\n{pane.text()}"
    finally:
        subprocess.run([TMUX, "-S", str(pane.socket), "kill-server"], capture_output=True)

    doctor = subprocess.run([*flashcards, "doctor"], env=env, capture_output=True, text=True)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    with Collection.open(db, readonly=True) as col:
        reviews = reviews_in(col.path)
        assert [r[1] for r in sorted(reviews, key=lambda r: r[6])] == [
            {1: 1, 2: 3, 3: 4, 4: 5}[key] for key in ANSWERS
        ]
        assert col.doctor() == []  # SQLite's integrity check among the rest
        answers = {c.answers[0]: c for c in col.cards()}
    # the builds of the other shell landed: the added card, and the reworded one (its id kept)
    assert answers["answer-late"].status == "active"
    reworded = answers["answer-1-2"]
    assert reworded.id == reworded_id and "now says" in reworded.front
