"""Many processes on one collection at once: nothing lost, nothing doubled, nothing damaged.

The soak runs, as separate OS processes (`concurrency_worker.py`), four answerers on the
same deck and the same study days, a builder rebuilding that deck from edited notes, and
a process opening and closing the collection in a loop. Two focused tests pin down the
corruption the loop used to cause: a process holding the collection open with changes in
its WAL while other commands come and go, and no code path opening the collection file or
its -wal/-shm with anything but SQLite (DESIGN.md, "The collection").

Every loop is bounded by a count, never a duration; no test reads a clock.
"""

from __future__ import annotations

import builtins
import io
import json
import os
import pathlib
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import NOW, Notes, child_env, run_flashcards

from flashcards import Collection
from flashcards.export import export

WORKER = Path(__file__).with_name("concurrency_worker.py")
TROUBLE = ("traceback", "locked", "busy", "malformed", "damaged")

ANSWERERS = 4
# study days, which every process goes through together; raise it to hunt (the counts
# below are per day): FLASHCARDS_SOAK_DAYS=100
DAYS = int(os.environ.get("FLASHCARDS_SOAK_DAYS", "10"))
ANSWERS_PER_DAY = 15  # per answerer: 150 answers each in 10 days
BUILDS_PER_DAY = 1  # 10 builds
OPENS_PER_DAY = 20  # 200 opens and closes


def _env(tmp_path: Path) -> dict[str, str]:
    """What a child process's environment changes (see helpers.child_env): user folders
    (the integrity cache, backups of the default collection) inside the test's folder."""
    home = tmp_path / "home"
    return {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
    }


def _vault(notes: Notes, files: int, blocks: int) -> None:
    """`files` notes files of `blocks` one-line blocks, one card each."""
    for f in range(files):
        notes.write(
            f"topic-{f}.md",
            "".join(
                f"- Fact {f}.{b} says **answer-{f}-{b}** about topic {f}, block {b}.\n"
                for b in range(blocks)
            ),
        )


def _start(job: dict, env: dict[str, str], **pipes: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WORKER), json.dumps(job)],
        env=child_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **pipes,
    )


@contextmanager
def _reaped(procs: list[subprocess.Popen]) -> Iterator[list[subprocess.Popen]]:
    """Workers still running when the test fails are killed, not left behind."""
    try:
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def _finish(proc: subprocess.Popen, name: str) -> dict:
    """Wait for a worker; its report (the last stdout line), after checking it ended well."""
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{err}"
    assert not any(word in err.lower() for word in TROUBLE), f"{name} stderr:\n{err}"
    return json.loads(out.strip().splitlines()[-1])


def _integrity(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def _reviews(db: Path) -> list[tuple[int, int, str, str]]:
    """(review id, card, day, kind) of every review, straight from the file."""
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id, card_id, day, kind FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()


def _assert_sound(db: Path, acknowledged: list[int]) -> list[tuple[int, int, str, str]]:
    """The file is sound, holds each acknowledged answer exactly once and nothing else,
    no card got two scheduled answers in a day, and card states replay from the reviews."""
    assert _integrity(db) == ["ok"]
    reviews = _reviews(db)
    twice = [rid for rid, n in Counter(acknowledged).items() if n > 1]
    assert not twice, f"review ids acknowledged to two answers: {twice[:10]}"
    assert len(reviews) == len(acknowledged)
    assert {r[0] for r in reviews} == set(acknowledged)
    scheduled = Counter((card, day) for _, card, day, kind in reviews if kind == "review")
    doubled = [key for key, n in scheduled.items() if n > 1]
    assert not doubled, f"cards scheduled twice on one day (card, day): {doubled[:10]}"
    with Collection.open(db, timezone="UTC") as col:
        assert col.doctor() == []
    return reviews


def test_answerers_a_builder_and_an_opener_at_once_keep_every_answer_once(tmp_path):
    notes = Notes(tmp_path / "notes")
    _vault(notes, files=6, blocks=50)
    db = tmp_path / "collection.sqlite"
    with Collection.open(db, timezone="UTC") as col:
        assert col.build(notes.root).cards == 300
    env = _env(tmp_path)
    common = {"db": str(db), "barrier": str(tmp_path / "barrier"), "days": DAYS}
    common["parties"] = ANSWERERS + 2  # every process enters each day together
    jobs = {
        f"answerer {n}": {**common, "role": "answer", "worker": n, "per_day": ANSWERS_PER_DAY}
        for n in range(ANSWERERS)
    }
    jobs["builder"] = {
        **common,
        "role": "build",
        "notes": str(notes.root),
        "per_day": BUILDS_PER_DAY,
    }
    jobs["opener"] = {**common, "role": "open", "per_day": OPENS_PER_DAY}
    with _reaped([]) as procs:
        procs += [_start(job, env) for job in jobs.values()]  # all at once
        reports = {name: _finish(proc, name) for name, proc in zip(jobs, procs, strict=True)}
    answered = [reports[f"answerer {n}"] for n in range(ANSWERERS)]
    built, opened = reports["builder"], reports["opener"]

    assert [a["answers"] for a in answered] == [DAYS * ANSWERS_PER_DAY] * ANSWERERS
    assert built["builds"] == DAYS * BUILDS_PER_DAY
    # every build added its block and kept the reworded card (edited, not retired + new)
    assert all(
        new == 1 and edited == 1 and retired == 0 for new, edited, retired, _ in built["reports"]
    )
    assert built["reports"][-1][3] == 300 + DAYS * BUILDS_PER_DAY
    assert opened["loops"] == DAYS * OPENS_PER_DAY and opened["cards"] >= 300

    acknowledged = [rid for a in answered for rid in a["ids"]]
    reviews = _assert_sound(db, acknowledged)
    # the soak did collide: cards answered by two processes on the same study day
    who = {rid: n for n, a in enumerate(answered) for rid in a["ids"]}
    answerers_of: dict[tuple[int, str], set[int]] = {}
    for rid, card, day, _kind in reviews:
        answerers_of.setdefault((card, day), set()).add(who[rid])
    shared = sum(len(procs) > 1 for procs in answerers_of.values())
    assert shared >= 20, f"only {shared} (card, day) pairs were answered by two processes"
    assert any(kind == "drill" for *_, kind in reviews)


def test_a_collection_held_open_outlives_commands_opening_and_closing_it(tmp_path):
    """The old corruption: a process with changes in its WAL (not yet checkpointed) loses
    its locks when any other descriptor of the file is closed; a command that then closes
    the file as if it were the last connection checkpoints and deletes the live WAL, and
    the holder's next commits land in a deleted file. Here the holder also opens and closes
    second connections of its own (as the app's build, stats and backup workers do)."""
    notes = Notes(tmp_path / "notes")
    _vault(notes, files=3, blocks=20)
    db = tmp_path / "collection.sqlite"
    wal = db.with_name(db.name + "-wal")
    with Collection.open(db, timezone="UTC") as col:
        col.build(notes.root)
    env = _env(tmp_path)
    holder = _start({"role": "hold", "db": str(db)}, env, stdin=subprocess.PIPE)

    def tell(command: str) -> str:
        holder.stdin.write(command + "\n")
        holder.stdin.flush()
        reply = holder.stdout.readline()  # a blocking read: no polling, no clock
        assert reply, f"the holder ended: {holder.stderr.read()}"
        return reply.strip()

    with _reaped([holder]):
        assert holder.stdout.readline().strip() == "ready"
        assert tell("answer 15") == "answered 15"
        live = wal.stat()
        assert live.st_size > 0  # the answers are in the WAL, not yet in the file
        for command in ("side", "answer 5", "side"):
            tell(command)
            for args in (["decks"], ["cards"], ["stats"], ["doctor"]):
                run = run_flashcards("--db", str(db), *args, env=env)
                assert run.returncode == 0, f"{args}: {run.stdout}{run.stderr}"
                assert not any(word in run.stderr.lower() for word in TROUBLE), run.stderr
                # the holder's WAL is the same file still: no command closed the collection
                # as its last user (which checkpoints and deletes the WAL)
                assert wal.exists(), f"`flashcards {args[0]}` deleted the holder's live WAL"
                assert wal.stat().st_ino == live.st_ino, f"`flashcards {args[0]}` replaced the WAL"
        assert tell("answer 15") == "answered 15"
        holder.stdin.write("quit\n")
        holder.stdin.flush()
        report = _finish(holder, "holder")
    assert report["answers"] == 35
    _assert_sound(db, report["ids"])


def test_nothing_but_sqlite_opens_the_collection_file(tmp_path, monkeypatch):
    notes = Notes(tmp_path / "notes")
    _vault(notes, files=2, blocks=5)
    db = tmp_path / "collection.sqlite"
    collection_files = {db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")}
    opened: list[Path] = []
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the integrity cache

    def recording(real):  # noqa: ANN001, ANN202 - wraps open() functions of any signature
        def wrapper(file, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            if isinstance(file, str | bytes | os.PathLike):
                opened.append(Path(os.path.abspath(os.fsdecode(file))))
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", recording(builtins.open))
    monkeypatch.setattr(io, "open", recording(io.open))
    monkeypatch.setattr(os, "open", recording(os.open))
    monkeypatch.setattr(pathlib.Path, "open", recording(pathlib.Path.open))

    col = Collection.open(db, timezone="UTC")
    col.build(notes.root)
    for card in col.cards()[:4]:
        col.answer(card.id, 4, now=NOW)
    col.close()
    # a second open: the collection now has reviews, so this one makes the daily backup
    col = Collection.open(db, timezone="UTC")
    col.decks(now=NOW)
    col.stats(now=NOW)
    export(col, [], "tsv", tmp_path / "cards.tsv")
    col.close()

    # the recording saw what Python opened: the notes read, the export written
    assert notes.root / "topic-0.md" in opened
    assert any(p.parent == tmp_path and "cards.tsv" in p.name for p in opened)
    assert list((tmp_path / "backups").iterdir())  # the daily backup was made (by SQLite)
    wrong = sorted({str(p) for p in opened if p in collection_files})
    assert not wrong, f"opened with something other than SQLite: {wrong}"
