"""Where an answer's time goes: the SQL it runs, replayed bare, against the whole stack.

Issue 10 item 18 asks answer + next card p50 ≤ 0.4 ms with synchronous=FULL. This
benchmark splits that figure in the same run, on copies of one collection
(bench_study.py's, 100k cards / 1M reviews: pass the `--db` it generated):

- **stack**: `Collection.answer` + `next_card` over --answers answers, with the app's
  idle work between them, untimed (bench_study's `measure_answers`, same seed);
- **SQL floor**: the statements that session ran (recorded once through the store's
  connection), replayed on a fresh copy by a bare loop of `sqlite3` calls, each
  answer's statements timed together and its idle statements untimed: the same
  rows, pages, triggers and commits with no Python of ours around them;
- **SQL floor without summaries**: the same with the deck and review summary
  triggers dropped (what the deck list's and the stats' counts cost the answer; since
  schema step m021 an answer leaves them to the fold in the idle moment, untimed, so
  the two floors should agree).

Each is taken --rounds times, interleaved; min/median/max of the p50s and p99s and
the load average are printed, and the stack's p50 over the floor's.

    python benchmarks/bench_answer_floor.py --db /path/study100k.sqlite

Figures are printed, never asserted: the machine is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout first

from bench_study import _copy, _ms, _pct, measure_answers  # noqa: E402

from flashcards.collection import Collection  # noqa: E402

Params = tuple | dict  # positional or named, as the store passed them
Statements = list[tuple[str, Params]]
Session = list[tuple[Statements, Statements]]


class _Recorder:
    """Stands in for the store's connection and notes every statement, per answer."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self.session: Session = []
        self._timed: Statements = []
        self._idle: Statements = []
        self.idle = False

    def __getattr__(self, name: str) -> object:
        return getattr(self._conn, name)

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        # kept as given: a dict of named parameters stays one (a list becomes a tuple)
        kept = params if isinstance(params, dict) else tuple(params)
        (self._idle if self.idle else self._timed).append((sql, kept))
        return self._conn.execute(sql, params)

    def mark(self) -> None:
        """Before each answer (and after the last): close the previous one's record."""
        if self._timed:
            self.session.append((self._timed, self._idle))
        self._timed, self._idle = [], []


def _record(db: Path, work: Path, answers: int, seed: int) -> Session:
    _copy(db, work)
    with Collection.open(work, timezone="UTC", backup=False) as col:
        store = col._store  # the benchmark's own look inside: the statements it runs
        recorder = _Recorder(store.conn)
        store.conn = recorder  # type: ignore[assignment]
        idle = col.idle

        def idle_recorded() -> None:
            recorder.idle = True
            try:
                idle()
            finally:
                recorder.idle = False

        col.idle = idle_recorded  # type: ignore[method-assign]
        measure_answers(col, answers, seed, recorder.mark)
        store.conn = recorder._conn
    return recorder.session[1:]  # the first holds the session's start (queue, counts)


def _stack(db: Path, work: Path, answers: int, seed: int) -> list[float]:
    _copy(db, work)
    with Collection.open(work, timezone="UTC", backup=False) as col:
        return measure_answers(col, answers, seed)["times"]  # type: ignore[return-value]


def _replay(db: Path, work: Path, session: Session, summaries: bool) -> list[float]:
    _copy(db, work)
    conn = sqlite3.connect(str(work), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        if not summaries:
            names = conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND (name LIKE 'deck%' "
                "OR name LIKE 'card_intervals%' OR name LIKE 'card_eases%' "
                "OR name LIKE 'reviews_summary%')"
            ).fetchall()
            for (name,) in names:
                conn.execute(f'DROP TRIGGER "{name}"')
        times = []
        clock = time.perf_counter
        for timed, idle in session:
            started = clock()
            for sql, params in timed:
                conn.execute(sql, params).fetchall()
            times.append(clock() - started)
            for sql, params in idle:
                conn.execute(sql, params).fetchall()
        return times
    finally:
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


def _spread(values: list[float]) -> str:
    return (
        f"min {_ms(min(values))}, median {_ms(statistics.median(values))}, max {_ms(max(values))}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="bench_study.py's collection")
    parser.add_argument("--answers", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (≥ 3)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if not args.db.is_file():
        parser.error(f"{args.db}: no such collection; generate it with bench_study.py --db")
    work = args.db.with_name(args.db.stem + "-floor.sqlite")
    session = _record(args.db, work, args.answers, args.seed)
    statements = sum(len(timed) for timed, _ in session) / len(session)
    print(f"recorded {len(session):,} answers + next card: {statements:.2f} statements each")
    kinds = {"stack": [], "SQL floor": [], "SQL floor without summaries": []}
    p99s: dict[str, list[float]] = {k: [] for k in kinds}
    loads = []
    try:
        for round_ in range(args.rounds):  # interleaved, so all see the same load
            runs = {
                "stack": _stack(args.db, work, args.answers, args.seed),
                "SQL floor": _replay(args.db, work, session, summaries=True),
                "SQL floor without summaries": _replay(args.db, work, session, summaries=False),
            }
            for kind, times in runs.items():
                kinds[kind].append(_pct(times, 50))
                p99s[kind].append(_pct(times, 99))
                print(
                    f"round {round_ + 1}: {kind}: p50 {_ms(_pct(times, 50))}, "
                    f"p99 {_ms(_pct(times, 99))}"
                )
            loads.append(os.getloadavg()[0])
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
    print(f"\nanswer + next card, {args.rounds} rounds, synchronous=FULL; over the rounds:")
    for kind in kinds:
        print(f"  {kind + ' p50':<34} {_spread(kinds[kind])}")
        print(f"  {kind + ' p99':<34} {_spread(p99s[kind])}")
    floor = statistics.median(kinds["SQL floor"])
    stack = statistics.median(kinds["stack"])
    print(f"  stack p50 / SQL floor p50          {stack / floor:.2f} (of the medians)")
    print(f"  stack p50 - SQL floor p50          {_ms(stack - floor)}: our Python around the SQL")
    print(
        f"  load average during the rounds (1 min): {', '.join(f'{x:.2f}' for x in loads)}; "
        f"now {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
