"""Benchmark of studying: today's queue, answer + next card, undo, on a big collection.

Generates a collection of 100,000 cards and 1,000,000 reviews (rows written
straight through the store's connection with executemany: cards across a few
decks, review histories simulated with SM-2 so that every card's state equals
a replay of its reviews, a realistic share due today), then measures

- building today's queue (the first `next_card` of a fresh session, all decks
  and one deck) — target ≤ 100 ms;
- `answer` + `next_card` over 2,000 answers, --rounds times (default 3) — targets
  p50 ≤ 0.4 ms, p99 ≤ 1.2 ms (issue 10 item 18) — and `undo`, for the record;
- its peer, in the same run and interleaved round by round: the `anki` library's
  answer path on an Anki collection of the same shape (benchmarks/anki_peer.py:
  `build_answer` + `answer_card` + `get_queued_cards()`), with its own fsync per
  answer (Anki opens its file with synchronous=FULL, as flashcards does); then
  min/median/max of each over the rounds, the ratio of the medians and the load.

    python benchmarks/bench_study.py                  # generate in a temp folder, measure
    python benchmarks/bench_study.py --db big.sqlite  # keep (and reuse) the generated files
    python benchmarks/bench_study.py --profile        # also print where the time goes

Figures are printed, never asserted: the machine is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout first

from flashcards import sm2  # noqa: E402
from flashcards.collection import Collection  # noqa: E402
from flashcards.store import Store  # noqa: E402
from flashcards.store import decks as deck_rows  # noqa: E402
from flashcards.study.state import state_tuple  # noqa: E402

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)  # the benchmark's "now": 12:00 UTC
FAIL_Q = (1, 2)
MAX_INTERVAL = 20_000  # days; a longer streak is ended by a lapse so dates stay in range
DUE_SHARE = 0.08  # of the reviewed cards, due today or overdue


def _q(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.04:
        return 1
    if r < 0.05:
        return 2
    if r < 0.20:
        return 3
    if r < 0.75:
        return 4
    return 5


def _history(rng: random.Random, answers: int) -> tuple[list[tuple], int]:
    """A card's simulated reviews on abstract days from 0: (day, q, kind, before, after).

    At least `answers` rows; the history ends with a day's drills done (last q >= 4).
    """
    state = sm2.State()
    day = last = 0
    rows: list[tuple] = []
    # a history ends on a learned card (interval > 1), so it can be placed in the future
    while len(rows) < answers or state.interval < 2:
        last = day
        q = _q(rng)
        if state.interval > MAX_INTERVAL:
            q = 1
        after = sm2.apply(state, q, date(2000, 1, 1) + timedelta(days=day))
        rows.append((day, q, "review", state, after))
        state = after
        while q < sm2.DRILL_UNTIL:
            q = rng.choice((1, 3, 4, 4, 5))
            rows.append((day, q, "drill", state, state))
        day += state.interval + (rng.randint(0, 3) if rng.random() < 0.2 else 0)
    return rows, last


def generate(col: Collection, cards: int, reviews: int, decks: int, seed: int) -> dict:
    """Write decks, cards, card states and reviews; returns a summary."""
    rng = random.Random(seed)
    store = Store(col.path)  # rows written straight through a connection of its own
    conn = store.db.conn
    today = col.today(NOW)
    stamp = "2025-01-01T00:00:00Z"
    reviewed = int(cards * 0.8)  # the rest are new
    started = time.perf_counter()
    with store.atomic():
        deck_ids = [
            deck_rows.upsert(
                store,
                None,  # a new deck
                f"Bench deck {d + 1}",
                None,  # no identity: no spec or notes to name it by
                None,
                [],
                "generated",
                # generous limits, so a 2,000-answer session does not run dry
                {"new_per_day": 100, "reviews_per_day": 2000, "grades": 4, "deletions": []},
            )
            for d in range(decks)
        ]
        card_rows = []
        block_rows = []
        blocks_of: dict[tuple[int, int], int] = {}
        for i in range(cards):
            deck_id = deck_ids[i % decks]
            n = i // decks
            source = f"/bench/deck{deck_id}/note-{n // 200:04d}.md"
            block = f"b{deck_id}-{n // 2}"  # two sibling cards per block
            if i < decks or (i // decks) % 2 == 0:
                body = (
                    f"**term {i}** and **term {i + decks}** of block {n // 2} with some more words"
                )
                marks = json.dumps(
                    [
                        ["strong", 0, len(f"**term {i}**"), f"term {i}", f"term {i}", None, None],
                        [
                            "strong",
                            len(f"**term {i}** and "),
                            len(f"**term {i}** and **term {i + decks}**"),
                            f"term {i + decks}",
                            f"term {i + decks}",
                            None,
                            None,
                        ],
                    ]
                )
                block_rows.append(
                    (
                        len(block_rows) + 1,
                        deck_id,
                        source,
                        1 + (n % 200) * 2,
                        body,
                        marks,
                        "",
                        json.dumps(["Chapter", f"Section {n // 20}"]),
                        "[]",
                        body.replace("**", ""),
                    )
                )
                blocks_of[(deck_id, n // 2)] = len(block_rows)
            card_rows.append(
                (
                    i + 1,
                    f"g{i + 1:08d}",
                    deck_id,
                    f"h{i + 1:08d}",
                    f"h{i + 1:08d}",
                    block,
                    "cloze",
                    "strong",
                    source,
                    n % 200,
                    blocks_of[(deck_id, n // 2)],
                    json.dumps([n % 2]),
                    json.dumps([f"term {i}"]),
                    None,
                    stamp,
                    stamp,
                )
            )
        conn.executemany("INSERT INTO blocks VALUES (?,?,?,?,?,?,?,?,?,?)", block_rows)
        conn.executemany(
            "INSERT INTO cards(id, guid, deck_id, content_hash, base_hash, block_hash, kind, "
            "deletion, source, position, block_id, hidden, answers, hint, created_at, "
            "updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            card_rows,
        )
        del card_rows
        order = list(range(1, cards + 1))
        rng.shuffle(order)
        with_reviews = set(order[:reviewed])
        written = 0
        due_today = 0
        states = []
        review_rows: list[tuple] = []
        base_ms = int(datetime(today.year, today.month, today.day, 10, tzinfo=UTC).timestamp())
        for k, card_id in enumerate(sorted(with_reviews)):
            left = reviews - written
            cards_left = reviewed - k
            if cards_left == 1:
                count = max(1, left)
            else:
                mean = left / cards_left
                count = max(1, min(left - (cards_left - 1), int(rng.uniform(1, 2 * mean))))
            rows, last_day = _history(rng, count)
            final = rows[-1][4]
            # place the history so the card is due `offset` days from today (≤ 0: due now):
            # DUE_SHARE of the reviewed cards are due, most of them today, some overdue
            if rng.random() < DUE_SHARE:
                offset = 0 if rng.random() < 0.7 else rng.randint(-14, -1)
            else:
                offset = rng.randint(1, final.interval - 1)
            if offset <= 0:
                due_today += 1
            shift = (offset - final.interval) - last_day  # abstract day → days from today

            def iso(abstract: int, shift: int = shift) -> str:
                return (today + timedelta(days=abstract + shift)).isoformat()

            def fix(state: sm2.State, shift: int = shift) -> tuple:
                s = state_tuple(state)
                due = None if state.due is None else iso((state.due - date(2000, 1, 1)).days, shift)
                return (*s[:3], due, s[4])

            for day, q, kind, before, after in rows:
                ms = (base_ms + (day + shift) * 86400) * 1000 + rng.randint(0, 36_000_000)
                review_rows.append(
                    (
                        card_id,
                        ms,
                        iso(day),
                        q,
                        rng.randint(2000, 15000),
                        kind,
                        *fix(before),
                        *fix(after),
                    )
                )
            written += len(rows)
            states.append((card_id, *fix(final), iso(last_day), 1 if rows[-1][1] < 4 else 0))
            if len(review_rows) > 50_000:
                _write_reviews(conn, review_rows)
                review_rows.clear()
        _write_reviews(conn, review_rows)
        conn.executemany(
            "INSERT INTO card_state(card_id, repetitions, ef, interval, due, lapses, last_day, "
            "drill) VALUES (?,?,?,?,?,?,?,?)",
            states,
        )
        conn.executemany(
            "INSERT INTO card_state(card_id) VALUES (?)",
            ((cid,) for cid in range(1, cards + 1) if cid not in with_reviews),
        )
    conn.execute("ANALYZE")
    store.close()
    col.refresh()  # another connection wrote the collection
    return {
        "cards": cards,
        "reviews": written,
        "decks": decks,
        "new": cards - reviewed,
        "due_today": due_today,
        "seconds": time.perf_counter() - started,
    }


def _write_reviews(conn, rows: list[tuple]) -> None:
    conn.executemany(
        "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, "
        "ef_before, interval_before, due_before, lapses_before, reps_after, ef_after, "
        "interval_after, due_after, lapses_after) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


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


def measure_answers(col: Collection, answers: int, seed: int) -> dict[str, object]:
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
    drills = 0
    for _ in range(answers):
        if card is None:
            break
        q = _q(rng)
        drills += q < sm2.DRILL_UNTIL
        now += timedelta(seconds=5)
        started = time.perf_counter()
        col.answer(card.id, q, now=now, duration_ms=5000)
        answered = time.perf_counter()
        card = col.next_card(now=now)
        ended = time.perf_counter()
        times.append(ended - started)
        answer_times.append(answered - started)
        next_times.append(ended - answered)
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
        "answers": len(times),
        "drills": drills,
        "p50": _pct(times, 50),
        "p99": _pct(times, 99),
        "max": max(times),
        "answer": (_pct(answer_times, 50), _pct(answer_times, 99)),
        "next": (_pct(next_times, 50), _pct(next_times, 99)),
        # the slowest answers: every ~125th is SQLite's WAL checkpoint (1000 pages)
        "slowest": sorted(range(len(times)), key=times.__getitem__)[-5:],
        "counts_p50": statistics.median(counts_times),
        "undo_p50": statistics.median(undo_times),
        "undo_p99": _pct(undo_times, 99),
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


def _run_flashcards(db: Path, args: argparse.Namespace, round_: int, profile: bool) -> dict:
    # the answers change the file: measure on a copy so a kept file stays pristine
    work = db.with_name(db.stem + "-run.sqlite")
    _copy(db, work)
    try:
        with Collection.open(work, timezone="UTC") as col:
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
            result = measure_answers(col, args.answers, args.seed + round_)
            if profiler:
                profiler.disable()
                stats = pstats.Stats(profiler, stream=sys.stdout)
                stats.sort_stats("cumulative").print_stats(25)
                stats.sort_stats("tottime").print_stats(20)
            return result
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)


def _run_anki(peer: Path, args: argparse.Namespace, round_: int) -> list[float]:
    from anki.collection import Collection as AnkiCollection
    from anki_peer import measure_anki_answers

    work = peer.with_name(peer.stem + "-run.anki2")
    _copy(peer, work)
    col = AnkiCollection(str(work))
    try:
        return measure_anki_answers(col, args.answers, args.seed + round_, _q)
    finally:
        col.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(work) + suffix).unlink(missing_ok=True)
        shutil.rmtree(work.with_suffix(".media"), ignore_errors=True)


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
        "--check", action="store_true", help="run doctor on the generated file (slow)"
    )
    args = parser.parse_args(argv)

    tmp = None
    if args.db is None:
        tmp = tempfile.TemporaryDirectory(prefix="bench-study-")
        args.db = Path(tmp.name) / "bench.sqlite"
    fresh = not args.db.exists()
    with Collection.open(args.db, timezone="UTC") as col:
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
        theirs: list[list[float]] = []
        loads = []
        for round_ in range(args.rounds):  # interleaved, so both see the same load
            result = _run_flashcards(args.db, args, round_, args.profile and round_ == 0)
            ours.append(result)
            print(
                f"round {round_ + 1}: flashcards answer + next card over {result['answers']:,} "
                f"answers: p50 {_ms(result['p50'])}, p99 {_ms(result['p99'])}, "
                f"max {_ms(result['max'])}; answer p50 {_ms(result['answer'][0])}, next card "
                f"p50 {_ms(result['next'][0])}; undo + next p50 {_ms(result['undo_p50'])}"
            )
            if peer is not None:
                times = _run_anki(peer, args, round_)
                theirs.append(times)
                print(
                    f"round {round_ + 1}: Anki answer_card + get_queued_cards over "
                    f"{len(times):,} answers: p50 {_ms(_pct(times, 50))}, "
                    f"p99 {_ms(_pct(times, 99))}"
                )
            loads.append(os.getloadavg()[0])
        print(
            f"\nanswer + next card, {args.rounds} rounds of {args.answers:,} answers, "
            "synchronous=FULL (both):"
        )
        for label, key, target in (("p50", "p50", 0.4), ("p99", "p99", 1.2)):
            mine = [r[key] for r in ours]
            print(f"  flashcards {label}: {_spread(mine)}  (target ≤ {target} ms)")
            if theirs:
                peers = [_pct(t, 50 if key == "p50" else 99) for t in theirs]
                ratio = statistics.median(mine) / statistics.median(peers)
                print(f"  Anki       {label}: {_spread(peers)}  ratio flashcards/Anki {ratio:.2f}")
        print(
            f"  load average during the rounds (1 min): {', '.join(f'{x:.2f}' for x in loads)}; "
            f"now {_load()} on {os.cpu_count()} cores"
        )
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


if __name__ == "__main__":
    raise SystemExit(main())
