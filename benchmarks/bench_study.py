"""Benchmark of studying: today's queue, answer + next card, undo, on a big collection.

Generates a collection of 100,000 cards and 1,000,000 reviews (study_collection.py),
then measures

- building today's queue (the first `next_card` of a fresh session, all decks
  and one deck) — target ≤ 100 ms;
- `answer` + `next_card` over 2,000 answers, --rounds times (default 3) — targets
  p50 ≤ 0.4 ms, p99 ≤ 1.2 ms (issue 10 item 18) — and `undo`, for the record; between
  answers, untimed, `col.idle()` runs as the app runs it while the user reads the card
  (a checkpoint every 16 answers, and the rows of the next few cards read ahead; --no-idle answers back to back, leaving checkpoints to
  SQLite's own, on the answers);
- its peer, in the same run and interleaved round by round: the `anki` library's
  answer path on an Anki collection of the same shape (benchmarks/anki_peer.py:
  `build_answer` + `answer_card` + `get_queued_cards()`), with its own fsync per
  answer (Anki opens its file with synchronous=FULL, as flashcards does); then
  min/median/max of each over the rounds, the ratio of the medians and the load;
- the floor both stand on, each round: a 4 KiB write + fdatasync of a small file
  beside the collection, overwritten and appended (study_disk.py), and how many
  answers of each peer grew its -wal file (an append: the file's size goes to the
  file system's journal too) rather than rewrote it in place;
- once, under strace (when installed; --syscalls N answers, 0 for none): fsyncs,
  WAL pwrites and bytes per answer of each peer.

    python benchmarks/bench_study.py                  # generate in a temp folder, measure
    python benchmarks/bench_study.py --db big.sqlite  # keep (and reuse) the generated files
    python benchmarks/bench_study.py --profile        # also print where the time goes
    python benchmarks/bench_study.py --db big.sqlite --wal-autocheckpoint 1000  # compare

Figures are printed, never asserted: the machine is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout first

import study_disk  # noqa: E402
from study_collection import DUE_SHARE, NOW, _q, generate  # noqa: E402

from flashcards import sm2  # noqa: E402
from flashcards.collection import Collection  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure_queue(col: Collection, repeat: int = 7) -> dict[str, float]:
    """Fresh sessions (nothing read yet): the first card, and the first card + the counts,
    which read the whole day's queue up to the decks' limits."""
    out = {}
    first_deck = col.decks(NOW)[0].name
    for label, deck in (("all decks", None), ("one deck", first_deck)):
        first, whole = [], []
        for _ in range(repeat):
            col.refresh()
            started = time.perf_counter()
            col.next_card(deck, now=NOW)
            first.append(time.perf_counter() - started)
            col.counts(deck, now=NOW)
            whole.append(time.perf_counter() - started)
        out[f"{label}: first card"] = statistics.median(first)
        out[f"{label}: first card + counts"] = statistics.median(whole)
    return out


def measure_answers(
    col: Collection,
    answers: int,
    seed: int,
    mark: Callable[[], object] = lambda: None,
    idle: bool = True,
) -> dict[str, object]:
    """Answer + next card `answers` times; `mark()` is called, untimed, before each answer
    and once after the last (the WAL watch, or the syscall child's marker). With `idle`,
    `col.idle()` runs, untimed, after each answer + next card, as the app runs it while
    the user reads the card (its checkpoint every 16 answers, its read-ahead)."""
    rng = random.Random(seed)
    col.refresh()
    now = NOW
    # a session starts as the app starts it: the first card and the counts, which read
    # today's queue up to the decks' limits (timed above as "first card + counts")
    card = col.next_card(now=now)
    col.counts(now=now)
    times: list[float] = []
    answer_times: list[float] = []
    next_times: list[float] = []
    idle_times: list[float] = []
    drills = 0
    for _ in range(answers):
        if card is None:
            break
        q = _q(rng)
        drills += q < sm2.DRILL_UNTIL
        now += timedelta(seconds=5)
        mark()
        started = time.perf_counter()
        col.answer(card.id, q, now=now, duration_ms=5000)
        answered = time.perf_counter()
        card = col.next_card(now=now)
        ended = time.perf_counter()
        times.append(ended - started)
        answer_times.append(answered - started)
        next_times.append(ended - answered)
        if idle:
            started = time.perf_counter()
            col.idle()
            idle_times.append(time.perf_counter() - started)
    mark()
    counts_times = []
    for _ in range(50):  # the app shows the counts after every answer
        started = time.perf_counter()
        col.counts(now=now)
        counts_times.append(time.perf_counter() - started)
        col.answer(card.id, 4, now=now)
        card = col.next_card(now=now)
    undo_times = []
    for _ in range(min(250, len(times))):
        started = time.perf_counter()
        col.undo()
        col.next_card(now=now)
        undo_times.append(time.perf_counter() - started)
    return {
        "times": times,
        "answers": len(times),
        "drills": drills,
        "p50": _pct(times, 50),
        "p99": _pct(times, 99),
        "max": max(times),
        "answer": (_pct(answer_times, 50), _pct(answer_times, 99)),
        "next": (_pct(next_times, 50), _pct(next_times, 99)),
        # the slowest answers (without idle work: every ~385th is SQLite's checkpoint)
        "slowest": sorted(range(len(times)), key=times.__getitem__)[-5:],
        "counts_p50": statistics.median(counts_times),
        "undo_p50": statistics.median(undo_times),
        "undo_p99": _pct(undo_times, 99),
        # the app's idle moment, which holds its screen: the checkpoint and fold every
        # 16 answers are its slowest
        "idle": (_pct(idle_times, 50), max(idle_times)) if idle_times else None,
    }


def _spread(values: list[float]) -> str:
    return (
        f"min {_ms(min(values))}, median {_ms(statistics.median(values))}, max {_ms(max(values))}"
    )


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _anki_peer(path: Path, args: argparse.Namespace) -> Path | None:
    """The Anki collection of the same shape (kept beside --db), or None without `anki`."""
    try:
        from anki_peer import make_anki_study
    except ImportError:  # pragma: no cover - anki is a test dependency
        return None
    if not path.exists():
        started = time.perf_counter()
        make_anki_study(path, args.cards, args.reviews, args.seed, DUE_SHARE).close()
        print(
            f"generated the Anki peer ({args.cards:,} cards) in {time.perf_counter() - started:.1f} s"
        )
    return path


class WalWatch:
    """Counts the answers during which the -wal file grew (an append, not a rewrite in
    place: its new size must reach the file system's journal too). `os.stat` only: the
    file is never opened but by SQLite."""

    def __init__(self, db: Path) -> None:
        self.wal = Path(str(db) + "-wal")
        self.size = self._size()
        self.grew = 0
        self.calls = 0
        self.flags: list[bool] = []  # per answer (between two calls): whether it grew

    def split(self, times: list[float]) -> tuple[list[float], list[float]]:
        """`times` of the answers that rewrote the WAL in place, and of those that grew it."""
        pairs = list(zip(times, self.flags, strict=False))
        return [t for t, g in pairs if not g], [t for t, g in pairs if g]

    def _size(self) -> int:
        try:
            return self.wal.stat().st_size
        except FileNotFoundError:
            return 0

    def __call__(self) -> None:
        size = self._size()
        self.grew += size > self.size
        if self.calls:
            self.flags.append(size > self.size)
        self.calls += 1
        self.size = size


def _run_flashcards(db: Path, args: argparse.Namespace, round_: int, profile: bool) -> dict:
    # the answers change the file: measure on a copy so a kept file stays pristine
    work = db.with_name(db.stem + "-run.sqlite")
    _copy(db, work)
    try:
        # no daily backup of the copy (the app makes it off its UI thread)
        with Collection.open(work, timezone="UTC", backup=False) as col:
            if round_ == 0:
                counts = col.counts(now=NOW)
                print(
                    f"today's queue: {counts.review:,} reviews, {counts.new:,} new (limits applied)"
                )
                for label, seconds in measure_queue(col).items():
                    print(f"today's queue, {label}: {_ms(seconds)}  (target ≤ 100 ms)")
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            if args.wal_autocheckpoint is not None:  # an experiment: not the app's setting
                col._store.db.conn.execute(f"PRAGMA wal_autocheckpoint = {args.wal_autocheckpoint}")
            watch = WalWatch(work)
            result = measure_answers(col, args.answers, args.seed + round_, watch, not args.no_idle)
            result["wal_grew"] = watch.grew
            result["in_place"], result["growing"] = watch.split(result["times"])
            if profiler:
                profiler.disable()
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("cumulative").print_stats(25)
                stats.sort_stats("tottime").print_stats(20)
            return result
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


def _run_anki(
    peer: Path, args: argparse.Namespace, round_: int, mark: Callable[[], object] | None = None
) -> tuple[list[float], WalWatch]:
    """(seconds per answer + next card, what the WAL did during each)."""
    from anki.collection import Collection as AnkiCollection
    from anki_peer import measure_anki_answers

    work = peer.with_name(peer.stem + "-run.anki2")
    _copy(peer, work)
    col = AnkiCollection(str(work))
    watch = WalWatch(work)
    try:
        times = measure_anki_answers(col, args.answers, args.seed + round_, _q, mark or watch)
        return times, watch
    finally:
        col.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        shutil.rmtree(work.with_suffix(".media"), ignore_errors=True)


def _syscall_child(args: argparse.Namespace) -> int:
    """Under strace: answer as a round does, marking each answer with getppid()."""
    if args.syscall_child == "anki":
        _run_anki(args.db.with_suffix(".anki2"), args, 0, os.getppid)
        return 0
    work = args.db.with_name(args.db.stem + "-strace.sqlite")
    _copy(args.db, work)
    try:
        with Collection.open(work, timezone="UTC", backup=False) as col:
            measure_answers(col, args.answers, args.seed, os.getppid, not args.no_idle)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
    return 0


_SYSCALL_ROWS = (
    ("fsync wal", "fsync/fdatasync of the -wal"),
    ("fsync db", "fsync/fdatasync of the collection"),
    ("pwrite64 wal", "pwrite64 to the -wal (2 a frame)"),
    ("bytes wal", "bytes written to the -wal"),
    ("pwrite64 db", "pwrite64 to the collection (checkpoints)"),
)


def _syscalls(args: argparse.Namespace, peer: Path | None, answers: int) -> None:
    child = [sys.executable, str(Path(__file__).resolve()), "--db", str(args.db)]
    child += ["--answers", str(answers), "--seed", str(args.seed), "--syscall-child"]
    child += ["--no-idle"] if args.no_idle else []
    found = {"flashcards": study_disk.count_syscalls([*child, "ours"])}
    if found["flashcards"] is None:
        print("\n(no strace: syscall counts skipped)")
        return
    if peer is not None:
        found["Anki"] = study_disk.count_syscalls([*child, "anki"])
    print(f"\nsyscalls per answer + next card (strace, one run of {answers:,} answers each):")
    print(f"  {'':42s}" + "".join(f"{name:>12s}" for name in found))
    for key, label in _SYSCALL_ROWS:
        cells = "".join(
            f"{(got[1].get(key, 0.0) if got else float('nan')):12.2f}" for got in found.values()
        )
        print(f"  {label:42s}{cells}")


def _row(label: str, values: list[float]) -> str:
    return f"  {label:48s} {study_disk.spread(values)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--reviews", type=int, default=1_000_000)
    parser.add_argument("--decks", type=int, default=4)
    parser.add_argument("--answers", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (≥ 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="collection file to generate into (and reuse)")
    parser.add_argument("--no-anki", action="store_true", help="skip the Anki peer")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the answers")
    parser.add_argument(
        "--no-idle",
        action="store_true",
        help="answer back to back, without the app's idle work between answers "
        "(its checkpoint, its read-ahead)",
    )
    parser.add_argument(
        "--syscalls",
        type=int,
        default=300,
        metavar="N",
        help="answers of the strace run that counts syscalls per answer (0: none)",
    )
    parser.add_argument(
        "--wal-autocheckpoint",
        type=int,
        metavar="PAGES",
        help="override the collection's wal_autocheckpoint (to compare settings)",
    )
    parser.add_argument("--syscall-child", choices=("ours", "anki"), help=argparse.SUPPRESS)
    parser.add_argument(
        "--check", action="store_true", help="run doctor on the generated file (slow)"
    )
    args = parser.parse_args(argv)
    if args.syscall_child:
        return _syscall_child(args)

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-study-")
        args.db = Path(tmp.name) / "bench.sqlite"
    fresh = not args.db.exists()
    with Collection.open(args.db, timezone="UTC", backup=False) as col:
        if fresh:
            summary = generate(col, args.cards, args.reviews, args.decks, args.seed)
            print(
                f"generated {summary['cards']:,} cards ({summary['new']:,} new), "
                f"{summary['reviews']:,} reviews in {summary['decks']} decks, "
                f"{summary['due_today']:,} due today, in {summary['seconds']:.1f} s"
            )
        else:
            print(f"reusing {args.db} ({col.review_count():,} reviews)")
        if args.check:
            started = time.perf_counter()
            problems = col.doctor()
            print(f"doctor: {problems or 'clean'} ({time.perf_counter() - started:.1f} s)")
    peer = None if args.no_anki else _anki_peer(args.db.with_suffix(".anki2"), args)
    try:
        ours: list[dict] = []
        theirs: list[tuple[list[float], int]] = []
        anki_split: list[tuple[list[float], list[float]]] = []
        floors: dict[str, list[float]] = {"overwrite": [], "append": []}
        loads = []
        for round_ in range(args.rounds):  # interleaved, so all see the same load
            floor = study_disk.fsync_floor(args.db.parent)
            for kind, times in floor.items():
                floors[kind].append(statistics.median(times))
            print(
                f"round {round_ + 1}: fsync floor (4 KiB + fdatasync, 30 each): overwrite "
                f"{study_disk.spread(floor['overwrite'])}; append {study_disk.spread(floor['append'])}"
            )
            result = _run_flashcards(args.db, args, round_, args.profile and round_ == 0)
            ours.append(result)
            print(
                f"round {round_ + 1}: flashcards answer + next card over {result['answers']:,} "
                f"answers: p50 {_ms(result['p50'])}, p99 {_ms(result['p99'])}, "
                f"max {_ms(result['max'])}; answer p50 {_ms(result['answer'][0])}, next card "
                f"p50 {_ms(result['next'][0])}; undo + next p50 {_ms(result['undo_p50'])}; "
                + (
                    f"idle work p50 {_ms(result['idle'][0])}, max {_ms(result['idle'][1])}; "
                    if result["idle"]
                    else ""
                )
                + f"the WAL grew during {result['wal_grew']:,} answers"
            )
            if peer is not None:
                times, watch = _run_anki(peer, args, round_)
                grew = watch.grew
                theirs.append((times, grew))
                anki_split.append(watch.split(times))
                print(
                    f"round {round_ + 1}: Anki answer_card + get_queued_cards over "
                    f"{len(times):,} answers: p50 {_ms(_pct(times, 50))}, "
                    f"p99 {_ms(_pct(times, 99))}; the WAL grew during {grew:,} answers"
                )
            loads.append(os.getloadavg()[0])
        print(
            f"\nanswer + next card, {args.rounds} rounds of {args.answers:,} answers, "
            "synchronous=FULL (both); min/median/max over the rounds:"
        )
        print(
            "  (flashcards "
            + (
                "back to back, no idle work between answers)"
                if args.no_idle
                else "with the app's idle work between answers, untimed: a checkpoint every "
                "16 answers, the next cards' rows read ahead; --no-idle for none)"
            )
        )
        print(_row("fsync floor, overwrite 4 KiB", floors["overwrite"]))
        print(_row("fsync floor, append 4 KiB", floors["append"]))
        for label, key, target in (("p50", "p50", 0.4), ("p99", "p99", 1.2)):
            mine = [r[key] for r in ours]
            print(_row(f"flashcards {label} (target ≤ {target} ms)", mine))
            if theirs:
                peers = [_pct(t, 50 if key == "p50" else 99) for t, _ in theirs]
                print(_row(f"Anki       {label}", peers))
                ratio = statistics.median(mine) / statistics.median(peers)
                print(f"  {'ratio flashcards/Anki ' + label:48s} {ratio:.2f} (of the medians)")
            floor = statistics.median(floors["overwrite"])
            print(
                f"  {'flashcards ' + label + ' / fsync floor':48s} "
                f"{statistics.median(mine) / floor:.2f}"
            )
        for label, index in (("rewrote the WAL in place", 0), ("grew the WAL", 1)):
            mine = [_pct(r["in_place" if index == 0 else "growing"], 50) for r in ours]
            print(_row(f"flashcards p50, answers that {label}", mine))
            if anki_split:
                peers = [_pct(split[index], 50) for split in anki_split]
                print(_row(f"Anki       p50, answers that {label}", peers))
        grew = [r["wal_grew"] for r in ours]
        print(f"  answers that grew the WAL: flashcards {grew}", end="")
        print(f", Anki {[g for _, g in theirs]}" if theirs else "")
        print(
            f"  load average during the rounds (1 min): {', '.join(f'{x:.2f}' for x in loads)}; "
            f"now {_load()} on {os.cpu_count()} cores"
        )
        if args.syscalls:
            _syscalls(args, peer, args.syscalls)
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


def _copy(source: Path, target: Path) -> None:
    import sqlite3

    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    # the copy's hundreds of MB are still dirty in the page cache: the first fsyncs of a
    # round would wait for them to reach the disk (the first round measured ~4 ms an
    # answer for both peers, the fsync floor too); flush them before anything is timed
    os.sync()


if __name__ == "__main__":
    raise SystemExit(main())
