"""Exports clean up after themselves: temporary files named as ours, removed on any
error, swept by the next export after a SIGKILL."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import flashcards
from flashcards.cli import main
from flashcards.export import export, sweep_stale, temp_owner

from .support import NOW, SAMPLE_SPEC, open_collection

ROOT = Path(flashcards.__file__).resolve().parent.parent  # the checkout under test
BIG = 20_000  # cards: an apkg export of them takes a moment, long enough to signal it
POLLS = 4000  # of POLL seconds each, waiting for a subprocess to start writing
POLL = 0.005


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "collection.sqlite"
    with open_collection(path) as col:
        col.build(SAMPLE_SPEC)
    return path


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    notes = folder / "big.md"
    notes.write_text("".join(f"- fact {i} says the **answer{i}x** holds\n" for i in range(BIG)))
    path = folder / "big.sqlite"
    with open_collection(path) as col:
        col.build(notes)
    return path


def ours(folder: Path) -> list[str]:
    """The temporary files of our naming in `folder`."""
    return sorted(p.name for p in folder.iterdir() if temp_owner(p.name) is not None)


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def run(db: Path, *args: str):
    return CliRunner().invoke(main, ["--db", str(db), "export", *args])


# -- temporary files: our naming, removed on any error ---------------------------------


def test_temporary_files_are_named_as_ours_next_to_the_target(db, tmp_path, monkeypatch):
    import zipfile

    seen: list[str] = []
    real = zipfile.ZipFile

    def watching(*args, **kwargs):  # the package is zipped: the scratch collection is made
        seen.extend(ours(tmp_path))
        return real(*args, **kwargs)

    monkeypatch.setattr("flashcards.export.apkg.zipfile.ZipFile", watching)
    with open_collection(db) as col:
        export(col, [], "apkg", tmp_path / "deck.apkg", now=NOW)

    prefix = f".deck.apkg.flashcards-export-{os.getpid()}-"
    assert all(name.startswith(prefix) for name in seen)
    assert sorted(name.rsplit(".", 1)[1] for name in seen) == ["anki2", "part"]
    assert {temp_owner(name) for name in seen} == {os.getpid()}
    assert ours(tmp_path) == []  # both gone once the package is in place


def test_the_scratch_collection_is_removed_when_the_package_fails(db, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("flashcards.export.apkg.zipfile.ZipFile", broken)
    with open_collection(db) as col, pytest.raises(OSError, match="Input/output error"):
        export(col, [], "apkg", tmp_path / "deck.apkg", now=NOW)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_only_stale_files_of_our_naming_are_swept(db, tmp_path):
    gone = dead_pid()
    stale = [
        f".deck.apkg.flashcards-export-{gone}-k3j2h1g0.part",
        f".deck.apkg.flashcards-export-{gone}-a_b4c5d6.anki2",
        f".deck.apkg.flashcards-export-{gone}-a_b4c5d6.anki2-journal",
        f".other.tsv.flashcards-export-{gone}-zz9zz9zz.part",
    ]
    kept = [
        f".deck.apkg.flashcards-export-{os.getpid()}-k3j2h1g0.part",  # this process: writing
        ".deck.apkg.flashcards-export-1-k3j2h1g0.part",  # pid 1 is alive (not ours)
        ".deck.apkg.k3j2h1g0.part",  # not our naming (an older export's, or anyone's)
        f"deck.apkg.flashcards-export-{gone}-k3j2h1g0.part",  # not hidden
        f".deck.apkg.flashcards-export-{gone}-k3j2h1g0.txt",  # not our suffix
        f".deck.apkg.flashcards-export-{gone}-k3j2h1g0.part.bak",
        "notes.md",
    ]
    for name in stale + kept:
        (tmp_path / name).write_text("x")
    folder = tmp_path / f".deck.apkg.flashcards-export-{gone}-dirdirdi.part"
    folder.mkdir()  # not a regular file
    kept.append(folder.name)
    before = set(os.listdir(tmp_path))

    with open_collection(db) as col:
        export(col, [], "tsv", tmp_path / "deck.tsv", now=NOW)

    assert set(os.listdir(tmp_path)) == before - set(stale) | {"deck.tsv"}
    assert sweep_stale(tmp_path) == []  # nothing of ours is left to sweep


# -- exports in a subprocess, signalled while they write -------------------------------


def _exporter(args: list[str]) -> subprocess.Popen:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    return subprocess.Popen(
        [sys.executable, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _signal_while_writing(proc: subprocess.Popen, folder: Path, signum: int) -> list[str]:
    """Send `signum` once the export's temporary file appears; what there was then."""
    for _ in range(POLLS):
        found = ours(folder)
        if found:
            proc.send_signal(signum)
            return found
        if proc.poll() is not None:
            break
        time.sleep(POLL)
    proc.kill()
    out, err = proc.communicate()
    pytest.fail(f"the export never started writing (status {proc.returncode}): {out}{err}")


def test_after_a_sigkill_the_next_export_sweeps_the_stale_files(big_db, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    proc = _exporter(
        ["-m", "flashcards", "--db", str(big_db), "export", "-o", str(folder / "a.apkg")]
    )
    _signal_while_writing(proc, folder, signal.SIGKILL)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    left = ours(folder)
    assert left and {temp_owner(name) for name in left} == {proc.pid}  # nothing could clean

    (folder / "keep.part").write_text("not ours")
    result = run(big_db, "-f", "reviews-csv", "-o", str(folder / "log.csv"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["keep.part", "log.csv"]
