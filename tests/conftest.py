"""Fixtures every test folder shares.

The test tree: each folder (notes/, collection/, study/, stats/, export/, cli/, tui/,
package/) is a package, so a folder's own `support.py` or `conftest.py` never collides
with another's (`from .support import ...`); tests/ itself is not a package and is on
sys.path, so what every folder shares is `from helpers import ...`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# pytest's default import mode puts this folder on sys.path already; said here so that
# `from helpers import ...` does not depend on the import mode
TESTS = str(Path(__file__).parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)

from click.testing import CliRunner, Result  # noqa: E402 - after the path above
from helpers import Notes, count_steps  # noqa: E402

from flashcards import Collection  # noqa: E402


@pytest.fixture(autouse=True)
def _own_data_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Every test's user data folder is its own (the sample deck is copied there on first
    use), and so is its cache folder (the files known sound, `store/soundness.py`, keep
    64: a run of the suite would push out the user's own, and a benchmark's big file
    would be checked again, for seconds, inside a timed run): no test reads or writes
    the real ones."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the test's collection file goes (not made yet)."""
    return tmp_path / "collection.sqlite"


@pytest.fixture
def col(db_path: Path) -> Iterator[Collection]:
    """A fresh collection in UTC, so study days do not depend on the machine's zone."""
    with Collection.open(db_path, timezone="UTC") as c:
        yield c


@pytest.fixture
def notes(tmp_path: Path) -> Notes:
    """An empty notes folder, tmp_path/notes, whose writes get controlled mtimes."""
    return Notes(tmp_path / "notes")


@pytest.fixture
def user_dirs(tmp_path: Path) -> dict[str, str]:
    """Environment variables that put a user's collection, home and data, cache and config
    folders inside tmp_path, none of them made: whatever a command creates there is the
    test's to see, and nothing reaches the real ones."""
    return {
        "FLASHCARDS_DB": str(tmp_path / "db" / "collection.sqlite"),
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_dirs: dict[str, str]):
    """`cli(*args, env=None)` runs the click command in this process, as a user would from
    tmp_path in an 80-column terminal (but not a tty), with the user folders of
    `user_dirs`; `env` changes variables for one call (None removes one). Exceptions the
    command does not handle propagate: a traceback is a failure, not an exit code."""
    from flashcards.cli import main

    monkeypatch.chdir(tmp_path)
    runner = CliRunner(env={"COLUMNS": "80", **user_dirs})

    def invoke(*args: str, env: dict[str, str | None] | None = None) -> Result:
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke


@pytest.fixture
def as_user() -> list[str]:
    """A command prefix that runs a program as an ordinary user would: file permissions
    apply. Run as root (CI, containers), the program keeps uid 0 but loses the
    capabilities that let root ignore permission bits and the immutable flag."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner,-linux_immutable"]


@pytest.fixture
def steps() -> Callable[[Callable[[], object]], int]:
    return count_steps
