"""A build whose spool (the cards it read, in a temporary file) finds no room says so:
where, and what to do (TMPDIR); no traceback, status 1, the collection as it was.

The spool holds only what a big build reads past `spool.HELD_CARDS` cards; the tests
set that to 0 so that a small deck spools. The full disk is real where it can be
without root (a file size limit, which makes the kernel answer EFBIG) and injected
where it cannot (ENOSPC at the spool's own writes, told apart by their folder).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from helpers import run_python

from flashcards import Collection
from flashcards.build import spool

_FACT = "- Fact {0} names the **answer{0}** of its line.\n"


def _hashes(db: Path) -> list[str]:
    with Collection.open(db, readonly=True) as col:
        return sorted(c.content_hash for c in col.cards(None))


def _built(notes, db_path: Path, facts: int = 300) -> list[str]:
    """A built deck whose next build would add `facts` cards: its cards' hashes now."""
    notes.write("facts.md", "- One **first** fact to start with.\n")
    with Collection.open(db_path) as col:
        col.build(notes.root)
    notes.write("facts.md", "".join(_FACT.format(i) for i in range(facts)))
    return _hashes(db_path)


def test_a_full_spool_disk_stops_the_build_saying_where_and_what_to_do(
    cli, tmp_path, notes, db_path, monkeypatch
):
    before = _built(notes, db_path)
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(spool, "HELD_CARDS", 0)
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))  # as TMPDIR=spool_dir would
    real_pwrite = os.pwrite

    def full(fd: int, data: bytes, offset: int) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(spool_dir)):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", full)
    result = cli("--db", str(db_path), "build", "notes")  # a traceback would raise here
    told = " ".join(result.stderr.split())
    assert result.exit_code == 1, told
    assert (
        f"no room for the build's temporary file in {spool_dir} (No space left on device)" in told
    )
    assert "this deck was not changed" in told
    assert "set TMPDIR to a folder on a disk with room" in told
    assert _hashes(db_path) == before


def test_a_file_size_limit_on_the_spool_is_said_plainly(tmp_path, notes, db_path):
    # a limit the collection's files (~250 KiB) stay under and 3,000 cards (~700 KiB
    # spooled) do not
    before = _built(notes, db_path, facts=3000)
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    limit = 512 * 1024
    code = f"""
        import resource, sys
        from flashcards.build import spool

        spool.HELD_CARDS = 0
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
        sys.argv = ["flashcards", "--db", {str(db_path)!r}, "build", "notes"]
        from flashcards.cli import main

        main()
    """
    proc = run_python(code, cwd=tmp_path, env={"TMPDIR": str(spool_dir)})
    told = " ".join(proc.stderr.split())
    assert proc.returncode == 1, told
    assert "Traceback" not in told
    assert f"no room for the build's temporary file in {spool_dir} (File too large)" in told
    assert "set TMPDIR" in told
    assert _hashes(db_path) == before
