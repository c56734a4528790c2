"""Generate a large synthetic collection straight through SQL, for benchmarks.

The cards are not built from notes and the reviews are not replayed through
SM-2: the rows only need the shapes and spreads the stats queries see in a
real collection (study days with gaps, a mix of drills, new/young/mature
answers, intervals and EFs spread out, some retired, suspended and buried
cards). Deterministic for a given seed.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from flashcards.store import Store
from flashcards.store import decks as deck_rows

STAMP = "2024-01-01T00:00:00Z"


def make_collection(
    path: Path,
    *,
    cards: int = 100_000,
    reviews: int = 1_000_000,
    decks: int = 4,
    days: int = 730,
    today: date = date(2025, 6, 1),
    seed: int = 1,
) -> Path:
    """Write a collection of `cards` cards in `decks` decks and `reviews` answers
    spread over the `days` study days up to `today`."""
    rng = random.Random(seed)
    store = Store(path)
    try:
        with store.atomic():
            for d in range(decks):
                deck_rows.upsert(store, None, f"deck-{d + 1}", None, None, [], "synthetic", {})
            deck_ids = list(deck_rows.deck_ids(store))
            rows = list(_card_rows(rng, cards, deck_ids, today))
            store.db.conn.executemany(
                "INSERT INTO blocks(id, deck_id, source, line, body, marks, children, context, "
                "tags, norm) VALUES (?, ?, ?, ?, ?, ?, '', '[]', '[]', ?)",
                (r[0] for r in rows),
            )
            store.db.conn.executemany(
                "INSERT INTO cards(id, guid, deck_id, content_hash, base_hash, block_hash, kind, "
                "deletion, source, position, block_id, hidden, answers, hint, retired, "
                "suspended, buried_until, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'cloze', 'strong', ?, ?, ?, '[0]', ?, NULL, ?, ?, ?, "
                "?, ?)",
                (r[1] for r in rows),
            )
            store.db.conn.executemany(
                "INSERT INTO card_state(card_id, repetitions, ef, interval, due, lapses, "
                "last_day, drill) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                _state_rows(rng, cards, today),
            )
            store.db.conn.executemany(
                "INSERT INTO reviews(card_id, time_ms, day, q, duration_ms, kind, reps_before, "
                "ef_before, interval_before, due_before, lapses_before, reps_after, ef_after, "
                "interval_after, due_after, lapses_after) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                _review_rows(rng, cards, reviews, days, today),
            )
        store.execute("ANALYZE")
    finally:
        store.close()
    return path


def _card_rows(rng: random.Random, n: int, deck_ids: list[int], today: date):
    tomorrow = (today + timedelta(days=1)).isoformat()
    for i in range(1, n + 1):
        text = f"card {i} is about **term {i}**"
        retired = 1 if rng.random() < 0.05 else 0
        suspended = 1 if rng.random() < 0.01 else 0
        buried = tomorrow if rng.random() < 0.005 else None
        source = f"/notes/file-{i // 50}.md"
        deck_id = deck_ids[i % len(deck_ids)]
        start = text.index("**")
        marks = json.dumps([["strong", start, len(text), f"term {i}", f"term {i}", None, None]])
        block = (i, deck_id, source, i % 50 + 1, text, marks, text.replace("**", ""))
        card = (
            i,
            f"g{i:08d}",
            deck_id,
            f"h{i:08d}",
            f"b{i:08d}",
            f"k{i // 3:08d}",
            source,
            i % 50,
            i,
            json.dumps([f"term {i}"]),
            retired,
            suspended,
            buried,
            STAMP,
            STAMP,
        )
        yield block, card


def _state_rows(rng: random.Random, n: int, today: date):
    for i in range(1, n + 1):
        if rng.random() < 0.2:  # never studied
            yield (i, 0, 2500, 0, None, 0, None, 0)
            continue
        interval = max(1, int(rng.lognormvariate(2.5, 1.3)))
        due = today + timedelta(days=rng.randint(-10, interval))
        ef = rng.randrange(1300, 3000, 20)
        lapses = min(12, int(rng.expovariate(0.6)))
        last = today - timedelta(days=rng.randint(0, 30))
        drill = 1 if last == today and rng.random() < 0.3 else 0
        yield (
            i,
            rng.randint(1, 12),
            ef,
            interval,
            due.isoformat(),
            lapses,
            last.isoformat(),
            drill,
        )


def _review_rows(rng: random.Random, cards: int, total: int, days: int, today: date):
    first = today - timedelta(days=days - 1)
    # about 85% of days studied, and always the last one (so "today" has figures)
    study_days = [
        first + timedelta(days=d) for d in range(days) if rng.random() < 0.85 or d == days - 1
    ]
    # each study day gets a share of the total between half and one and a half times
    # the average; the last day takes what rounding left over
    weights = [rng.uniform(0.5, 1.5) for _ in study_days]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    counts[-1] += total - sum(counts)
    for day, n in zip(study_days, counts, strict=True):
        iso = day.isoformat()
        # answers between 05:00 and 23:00 UTC of the day, in time order
        start_ms = int(datetime.combine(day, time(5), UTC).timestamp() * 1000)
        for t in sorted(rng.randrange(0, 18 * 3_600_000) for _ in range(n)):
            card = rng.randint(1, cards)
            q = rng.choices((1, 2, 3, 4, 5), weights=(10, 3, 15, 55, 17))[0]
            kind = "drill" if rng.random() < 0.15 else "review"
            interval = max(1, int(rng.lognormvariate(2.3, 1.2)))
            ef = rng.randrange(1300, 3000, 20)
            due_before = None if rng.random() < 0.08 else iso
            yield (
                card,
                start_ms + t,
                iso,
                q,
                rng.randint(1500, 20000),
                kind,
                3,
                ef,
                interval,
                due_before,
                0,
                4,
                ef,
                interval,
                iso,
                0,
            )
