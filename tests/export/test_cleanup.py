"""Exports clean up after themselves: temporary files named as ours and removed on
any error, SIGTERM and SIGHUP, swept after a SIGKILL; a full disk said plainly."""

from __future__ import annotations

import errno
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import NOW, child_env

from flashcards.export import ExportError, ExportInterrupted, export
from flashcards.export.files import sweep_stale, temp_owner

from .support import open_collection

BIG = 20_000  # cards: an apkg export of them takes a moment, long enough to signal it
POLLS = 4000  # of POLL seconds each, waiting for a subprocess to start writing
POLL = 0.005


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

    # (an I/O error while zipping: no real disk fails on demand, so the zip step is patched)
    monkeypatch.setattr("flashcards.export.apkg.zipfile.ZipFile", broken)
    with open_collection(db) as col, pytest.raises(ExportError, match="Input/output error"):
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


# Run in the child before ARGS (`-m flashcards ...` or `-c SCRIPT ...`): once an apkg
# export has written its first notes into its scratch file, it touches HOLD and waits
# there, so the signal lands mid-write however loaded the machine is (a plain export of
# BIG cards could end between two of the test's looks, and the signal miss it).
_HOLD = """
import runpy, sys, time
from pathlib import Path
from flashcards.export import apkg

hold, *args = sys.argv[1:]
flush = apkg._flush
def flush_then_wait(*a):
    flush(*a)
    Path(hold).touch()
    time.sleep(600)  # until the signal
apkg._flush = flush_then_wait
if args[0] == "-m":
    sys.argv = [args[1], *args[2:]]
    runpy.run_module(args[1], run_name="__main__", alter_sys=True)
else:
    sys.argv = ["-c", *args[2:]]
    exec(compile(args[1], "<script>", "exec"), {"__name__": "__main__"})
"""


def _exporter(args: list[str], hold: Path | None = None) -> subprocess.Popen:
    """`python ARGS`; with `hold`, held mid-write until signalled (see _HOLD). SIGTERM and
    SIGHUP start at their default action, as under a terminal, even when the suite runs
    under `nohup` (an ignored SIGHUP is inherited, and the export rightly leaves it be)."""
    command = [sys.executable, "-c", _HOLD, str(hold), *args] if hold else [sys.executable, *args]

    def default_signals() -> None:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)

    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
        preexec_fn=default_signals,
    )


def _signal_while_writing(
    proc: subprocess.Popen, folder: Path, hold: Path, signum: int
) -> list[str]:
    """Send `signum` once the export holds mid-write (`_exporter(..., hold)`); the
    temporary files there were then."""
    for _ in range(POLLS):
        if hold.exists():
            found = ours(folder)
            proc.send_signal(signum)
            return found
        if proc.poll() is not None:
            break
        time.sleep(POLL)
    proc.kill()
    out, err = proc.communicate()
    pytest.fail(f"the export never started writing (status {proc.returncode}): {out}{err}")


def test_after_a_sigkill_the_next_export_sweeps_the_stale_files(big_db, tmp_path, export_cli):
    folder = tmp_path / "out"
    folder.mkdir()
    hold = tmp_path / "holding"
    proc = _exporter(
        ["-m", "flashcards", "--db", str(big_db), "export", "-o", str(folder / "a.apkg")], hold
    )
    _signal_while_writing(proc, folder, hold, signal.SIGKILL)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    left = ours(folder)
    assert left and {temp_owner(name) for name in left} == {proc.pid}  # nothing could clean

    (folder / "keep.part").write_text("not ours")
    result = export_cli(big_db, "-f", "reviews-csv", "-o", str(folder / "log.csv"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == ["keep.part", "log.csv"]


# -- SIGTERM and SIGHUP ----------------------------------------------------------------


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_during_an_export_removes_its_files(big_db, tmp_path, signum):
    target = tmp_path / "out" / "deck.apkg"
    target.parent.mkdir()
    hold = tmp_path / "holding"
    proc = _exporter(["-m", "flashcards", "--db", str(big_db), "export", "-o", str(target)], hold)
    _signal_while_writing(proc, target.parent, hold, signum)
    out, err = proc.communicate(timeout=120)

    name = signal.Signals(signum).name
    assert "Exported" not in out, "the export finished before the signal: make BIG larger"
    assert proc.returncode == 128 + signum
    assert err.splitlines() == [
        f"error: {target}: the export was stopped by {name}; nothing was written"
    ]
    assert list(target.parent.iterdir()) == []


def test_a_sigterm_during_the_python_api_export_removes_its_files(big_db, tmp_path):
    target = tmp_path / "out" / "deck.apkg"
    target.parent.mkdir()
    script = (
        "import sys\n"
        "from flashcards.collection import Collection\n"
        "from flashcards.export import export\n"
        "with Collection.open(sys.argv[1], readonly=True) as col:\n"
        "    export(col, [], 'apkg', sys.argv[2])\n"
        "print('finished')\n"
    )
    hold = tmp_path / "holding"
    proc = _exporter(["-c", script, str(big_db), str(target)], hold)
    _signal_while_writing(proc, target.parent, hold, signal.SIGTERM)
    out, err = proc.communicate(timeout=120)

    assert out == "", "the export finished before the signal: make BIG larger"
    assert proc.returncode == 1  # an uncaught ExportInterrupted: its message, no traceback
    assert err.splitlines() == [f"{target}: the export was stopped by SIGTERM; nothing was written"]
    assert list(target.parent.iterdir()) == []


def test_a_signal_in_process_raises_and_removes_the_partial_file(db, tmp_path, monkeypatch):
    out = tmp_path / "deck.json"
    out.write_text("the previous export")

    def interrupted(job, path):
        path.write_text('{"half": ')
        # (never signal a process whose SIGTERM would kill it: the test would take pytest)
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        signal.raise_signal(signal.SIGTERM)
        raise AssertionError("the signal did not stop the export")

    monkeypatch.setattr("flashcards.export.jsonfmt.write", interrupted)
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    with open_collection(db) as col, pytest.raises(ExportInterrupted) as caught:
        export(col, [], "json", out, force=True, now=NOW)
    assert caught.value.signum == signal.SIGTERM
    assert str(caught.value) == f"{out}: the export was stopped by SIGTERM; nothing was written"
    assert out.read_text() == "the previous export"
    assert ours(tmp_path) == []
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before


def test_a_signal_while_the_apkg_scratch_file_is_made_leaves_nothing(db, tmp_path, monkeypatch):
    # the signal lands after the scratch database exists but before apkg.write knows its
    # name (under load, right after the .part file appears): nothing of ours may stay
    from flashcards.export import apkg, files

    made = files.temp_file

    def signalled(folder, name, suffix):
        made(folder, name, suffix)
        signal.raise_signal(signal.SIGTERM)
        raise AssertionError("the signal did not stop the export")

    monkeypatch.setattr(apkg, "temp_file", signalled)
    out = tmp_path / "out"
    out.mkdir()
    with open_collection(db) as col, pytest.raises(ExportInterrupted):
        export(col, [], "apkg", out / "deck.apkg", now=NOW)
    assert list(out.iterdir()) == []


def test_ignored_signals_stay_ignored_and_other_threads_install_nothing(db, tmp_path, monkeypatch):
    seen: list[object] = []

    def looking(job, path):
        seen.append((signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)))
        path.write_text("{}")
        return 0

    monkeypatch.setattr("flashcards.export.jsonfmt.write", looking)
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as under nohup
    try:
        with open_collection(db) as col:
            export(col, [], "json", tmp_path / "a.json", now=NOW)
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            assert seen[0][1] == signal.SIG_IGN  # never taken over
            assert seen[0][0] not in (signal.SIG_DFL, signal.SIG_IGN)  # SIGTERM was

        failures: list[BaseException] = []

        def in_a_thread():
            try:
                with open_collection(db) as col:
                    export(col, [], "json", tmp_path / "b.json", now=NOW)
            except BaseException as exc:  # reported below
                failures.append(exc)

        worker = threading.Thread(target=in_a_thread)
        worker.start()
        worker.join()
        assert failures == []
        assert seen[1] == (signal.getsignal(signal.SIGTERM), signal.SIG_IGN)  # left as they were
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_a_signal_while_the_file_is_renamed_into_place_is_not_lost(tmp_path):
    # between the write and the rename a signal waits; once the previous handler is back
    # it is delivered, so the process still ends as it was told, its export complete
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from flashcards.export.files import atomic_path\n"
        "with atomic_path(sys.argv[1]) as tmp:\n"
        "    tmp.write_text('done')\n"
        "    real = os.replace\n"
        "    def replace(a, b):\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        real(a, b)\n"
        "        print('renamed', flush=True)\n"
        "    os.replace = replace\n"
        "print('carried on')\n"
    )
    target = tmp_path / "deck.md"
    proc = _exporter(["-c", script, str(target)])
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGTERM, err
    assert out == "renamed\n"
    assert target.read_text() == "done"
    assert ours(tmp_path) == []


# -- a full disk, and other failed writes ----------------------------------------------


@pytest.fixture
def full_disk(tmp_path: Path):
    """A real, tiny file system (tmpfs), filled up; skipped where it cannot be mounted."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({made.stderr.strip()})")
    try:
        (mount / "deck.apkg").write_text("the previous export")
        with (mount / "filler").open("wb", buffering=0) as fh:
            for _ in range(1000):  # 64 KiB in 4 KiB blocks, then the disk is full
                try:
                    fh.write(b"x" * 4096)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC
                    break
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("fmt", ["apkg", "tsv", "json"])
def test_a_full_disk_is_said_plainly_and_leaves_no_partial_file(db, full_disk, fmt, export_cli):
    # apkg fills up inside genanki's SQLite (SQLITE_FULL), the others in Python's writes
    target = full_disk / "deck.apkg"
    before = sorted(os.listdir(full_disk))
    result = export_cli(db, "-f", fmt, "-o", str(target), "--force")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {target}: the disk is full; nothing was written — free some space and try again\n"
    )
    assert "Traceback" not in result.output
    assert sorted(os.listdir(full_disk)) == before
    assert target.read_text() == "the previous export"


def test_a_full_disk_in_the_package_database_is_not_blamed_on_the_collection(
    db, tmp_path, monkeypatch, export_cli
):
    # (what a full disk looks like from the package's SQLite, for where no tmpfs can be
    # mounted: the notes' rows are where the bulk of the package is written)
    def full(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("flashcards.export.apkg._flush", full)
    target = tmp_path / "deck.apkg"
    result = export_cli(db, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {target}: the disk is full; nothing was written — free some space and try again\n"
    )
    assert str(db) not in result.stderr  # the collection is fine: it is never blamed
    assert list(tmp_path.glob(".*")) == [] and not target.exists()


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_or_quota_in_a_write_is_said_plainly(
    db, tmp_path, monkeypatch, code, export_cli
):
    # (the OS boundary simulated, for where no tmpfs can be mounted)
    def full(job, path):
        path.write_text("half an export")
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr("flashcards.export.tsv.write", full)
    target = tmp_path / "deck.tsv"
    result = export_cli(db, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {target}: the disk is full; nothing was written — free some space and try again\n"
    )
    assert list(tmp_path.glob(".*")) == [] and not target.exists()


def test_other_failed_writes_say_what_and_where(db, tmp_path, monkeypatch, export_cli):
    def failing(job, path):
        raise OSError(errno.EIO, "Input/output error")

    # (a failing disk simulated at the writer: no real one fails on demand)
    monkeypatch.setattr("flashcards.export.md.write", failing)
    target = tmp_path / "deck.md"
    result = export_cli(db, "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: {target}: cannot write the export (Input/output error); nothing was written — "
        "check the folder and its disk, or choose another path\n"
    )
    assert "Traceback" not in result.output
    assert list(tmp_path.glob(".*")) == []
