"""Make a big benchmark collection from a smaller one in SQL: its cards `times` over.

    python benchmarks/scale_collection.py small.sqlite big.sqlite --times 10

Generating a million cards row by row in Python takes most of an hour on a busy
2-core machine; copying the blocks, cards and card states of a 100,000-card
collection ten times over inside SQLite takes a minute. Each copy gets ids past
the last, and its texts, hashes and files a `#k` suffix (so they stay unique and
each copy's blocks are blocks of their own); the states (due days, intervals, EFs)
repeat. With --reviews, the review log is copied too (each copy's answers on its own
cards), its summaries recounted once at the end instead of by the per-row trigger;
without, it is not (the deck list reads only today's answers).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
from pathlib import Path

SUFFIXED = {
    "blocks": ("source",),
    "cards": ("guid", "content_hash", "base_hash", "block_hash", "source"),
    "card_state": (),
}
SHIFTED = {
    "blocks": {"id": "blocks"},
    "cards": {"id": "cards", "block_id": "blocks"},
    "card_state": {"card_id": "cards"},
}


def scale(small: Path, big: Path, times: int, reviews: bool = False) -> None:
    shutil.copyfile(small, big)
    db = sqlite3.connect(big)
    try:
        last = {
            t: db.execute(f"SELECT MAX(id) FROM {t}").fetchone()[0] for t in ("blocks", "cards")
        }
        with db:
            for table in ("blocks", "cards", "card_state"):
                columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
                for k in range(1, times):
                    values = []
                    for c in columns:
                        if c in SHIFTED[table]:
                            values.append(f"{c} + {k * last[SHIFTED[table][c]]}")
                        elif c in SUFFIXED[table]:
                            values.append(f"{c} || '#{k}'")
                        else:
                            values.append(c)
                    db.execute(
                        f"INSERT INTO {table}({', '.join(columns)}) "
                        f"SELECT {', '.join(values)} FROM {table} WHERE "
                        f"{'card_id' if table == 'card_state' else 'id'} <= "
                        f"{last['cards' if table != 'blocks' else 'blocks']}"
                    )
            if reviews:
                _copy_reviews(db, times, last["cards"])
        db.execute("ANALYZE")
    finally:
        db.close()


def _copy_reviews(db: sqlite3.Connection, times: int, cards: int) -> None:
    from flashcards.store.summaries import rebuild_summaries

    columns = [r[1] for r in db.execute("PRAGMA table_info(reviews)")]
    rows = db.execute("SELECT MAX(id) FROM reviews").fetchone()[0]
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'reviews'"
    ).fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for k in range(1, times):
        shift = {"id": f"id + {k * rows}", "card_id": f"card_id + {k * cards}"}
        values = [shift.get(c, c) for c in columns]
        db.execute(
            f"INSERT INTO reviews({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM reviews WHERE id <= {rows}"
        )
    rebuild_summaries(db)  # the summaries, recounted; their triggers made again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("small", type=Path)
    parser.add_argument("big", type=Path)
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--reviews", action="store_true", help="copy the review log too")
    args = parser.parse_args()
    scale(args.small, args.big, args.times, args.reviews)


if __name__ == "__main__":
    main()
