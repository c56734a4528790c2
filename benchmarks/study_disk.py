"""The disk side of the study benchmark: this disk's fsync floor, and what an answer asks of it.

- `fsync_floor`: a 4 KiB write + fdatasync of a small file of our own beside the
  collection (never the collection), overwritten in place and appended; an answer with
  synchronous=FULL cannot be faster than one such sync, so it is the floor both peers
  stand on. Appending costs more: the file's new size must reach the file system's
  journal too, which is what a WAL that is still growing asks of every commit.
- `count_syscalls`: runs a child under `strace` that marks the start of every answer
  with getppid() and returns the syscalls per answer (answer + next card) by call and by
  file (-wal, the collection, other): fsyncs, pwrites (two per WAL frame: its header,
  its page) and bytes written. None without strace.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

TRACED = "fsync,fdatasync,pwrite64,write,getppid"
_CALL = re.compile(r"^(?:\d+\s+)?(\w+)\((\d+)<([^>]*)>.*=\s*(-?\d+)")


def fsync_floor(folder: Path, syncs: int = 30) -> dict[str, list[float]]:
    """Seconds per 4 KiB write + fdatasync, `syncs` times each: overwriting the file's first
    page, and appending a page to it."""
    page = b"\0" * 4096
    out: dict[str, list[float]] = {"overwrite": [], "append": []}
    fd, name = tempfile.mkstemp(prefix="fsync-floor-", dir=folder)
    try:
        os.write(fd, page)
        os.fsync(fd)
        for kind in ("overwrite", "append"):
            for i in range(syncs):
                offset = 0 if kind == "overwrite" else (i + 1) * len(page)
                started = time.perf_counter()
                os.pwrite(fd, page, offset)
                os.fdatasync(fd)
                out[kind].append(time.perf_counter() - started)
    finally:
        os.close(fd)
        os.unlink(name)
    return out


def _kind(path: str) -> str:
    if path.endswith("-wal"):
        return "wal"
    if path.endswith((".sqlite", ".anki2")):
        return "db"
    return "other"


def per_answer(trace: str) -> tuple[int, dict[str, float]]:
    """(answers, mean count per answer) from an `strace -f -y` log whose child called
    getppid() before every answer and once after the last."""
    spans: list[Counter] = []
    for line in trace.splitlines():
        if "getppid()" in line:
            spans.append(Counter())
            continue
        m = _CALL.match(line)
        if not m or not spans:
            continue
        call, _, path, result = m.groups()
        call = "fsync" if call == "fdatasync" else call  # either is the commit's sync
        key = f"{call} {_kind(path)}"
        spans[-1][key] += 1
        if call in ("pwrite64", "write") and int(result) > 0:
            spans[-1][f"bytes {_kind(path)}"] += int(result)
    answers = spans[:-1]  # the last span is after the last answer
    if not answers:
        return 0, {}
    keys = sorted({k for c in answers for k in c})
    return len(answers), {k: sum(c[k] for c in answers) / len(answers) for k in keys}


def count_syscalls(argv: list[str], timeout_s: float = 900) -> tuple[int, dict[str, float]] | None:
    """Run `argv` under strace; (answers, syscalls per answer), or None without strace."""
    strace = shutil.which("strace")
    if strace is None:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-strace-") as tmp:
        log = Path(tmp) / "trace"
        done = subprocess.run(
            [strace, "-f", "-y", "-qq", "-o", str(log), "-e", f"trace={TRACED}", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=timeout_s,
            check=False,
        )
        if done.returncode != 0 or not log.exists():
            print(f"strace run failed ({done.returncode}): {done.stderr.strip()[-300:]}")
            return None
        return per_answer(log.read_text(errors="replace"))


def spread(values: list[float], scale: float = 1000, unit: str = "ms") -> str:
    """min/median/max of `values` (seconds, shown in ms)."""
    return (
        f"min {min(values) * scale:.2f} {unit}, median {statistics.median(values) * scale:.2f} "
        f"{unit}, max {max(values) * scale:.2f} {unit}"
    )
