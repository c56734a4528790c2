"""The study benchmark's collection: 100,000 cards and 1,000,000 reviews, written straight.

Rows go through the store's connection with executemany: cards across a few decks,
review histories simulated with SM-2 so that every card's state equals a replay of
its reviews, a realistic share due today (DUE_SHARE). `_q` is the grade of a
simulated answer, shared with the measured sessions (and Anki's, via bench_study).
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta

from flashcards import sm2
from flashcards.collection import Collection
from flashcards.store import Store
from flashcards.store import decks as deck_rows
from flashcards.study.state import state_tuple

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
                None,  # no identity
                None,  # no spec file
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
