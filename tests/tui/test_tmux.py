"""The installed `flashcards` in a real terminal: tmux runs it, we type and read the screen.

From launch (a first run: the bundled sample deck is built) through one
answered card, then quit; the collection must hold exactly that answer. The
app's stderr is not redirected: if it crashes, the traceback is what the
pane shows and what the failure message prints.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import reviews_in, wait_until

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def installed_flashcards() -> str:
    """The console script next to this Python (the one `pip install -e .` made)."""
    beside = Path(sys.executable).parent / "flashcards"
    found = str(beside) if beside.exists() else shutil.which("flashcards")
    assert found, "the `flashcards` command is not installed; run pip install -e '.[test]'"
    return found


class Pane:
    """One tmux session on a private server socket (never the user's tmux)."""

    def __init__(self, socket: Path) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            [TMUX, "-S", str(self.socket), *args], check=True, capture_output=True, text=True
        ).stdout

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, needle: str, polls: int = 300) -> str:
        for _ in range(polls):
            screen = self.text()
            if needle in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} did not appear; the pane shows:\n{self.text()}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)


def test_launch_study_one_card_and_quit(tmp_path):
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
        command,
    )
    try:
        pane.tmux("set-option", "-t", "app", "remain-on-exit", "on")
        home = pane.wait_for("0 done · 15 left")
        assert "Designing Machine Learning Systems" in home
        pane.keys("Enter")
        front = pane.wait_for("Show answer")
        assert "[...]" in front and "New 15" in front
        pane.keys("Space")
        back = pane.wait_for("3 Good · 1d")
        assert "learning" in back
        pane.keys("3")
        pane.wait_for("New 14")
        pane.keys("Escape")
        summary = pane.wait_for("Cards studied")
        assert "100%" in summary
        pane.keys("q")
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
