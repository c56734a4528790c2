"""One process of the concurrency tests (test_concurrency.py runs several of these at once).

    python concurrency_worker.py '{"role": "answer", "db": ..., ...}'

Roles:
- `answer`: answers cards of the deck through the Python API, a fixed number a day;
- `build`: rebuilds the deck from its notes folder a fixed number of times a day, editing
  the notes before each build;
- `open`: opens and closes the collection a fixed number of times a day, reading decks
  and cards, read-only every other time;
- `hold`: keeps one connection open and obeys commands read from stdin, one a line
  (`answer N`, `side`, `quit`), answering each with one line on stdout.

The first three go through the same study days together: every process begins each day
at a barrier (a folder of files), so the answerers answer the same cards on the same day
while the deck is rebuilt and the file opened and closed beside them.

The last stdout line of every role is a JSON object saying what it did. Nothing here reads
a clock: waits are counted polls, and each loop is bounded by a count.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flashcards import Collection

DAY_ONE = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # noon UTC: rollover 04:00 is far away
# SM-2 qualities: a third of them fails (below 4), so drills come back the same day
GRADES = (4, 5, 1, 4, 3, 5, 2, 4, 0, 4, 5, 3)
BARRIER_POLLS = 20_000  # × 5 ms: a party that never arrives fails this one, never hangs it


def barrier(folder: str, name: str, party: str, parties: int) -> None:
    """Wait until `parties` processes have reached the barrier `name`."""
    os.makedirs(folder, exist_ok=True)
    Path(folder, f"{name}.{party}").touch()
    prefix = f"{name}."
    for _ in range(BARRIER_POLLS):
        if sum(entry.startswith(prefix) for entry in os.listdir(folder)) >= parties:
            return
        time.sleep(0.005)
    raise SystemExit(f"barrier {name}: {parties} parties did not arrive")


def days(job: dict, party: str) -> Iterator[int]:
    """The study days of the run, each entered at the barrier with every other party."""
    for day in range(job["days"]):
        barrier(job["barrier"], f"day{day}", party, job["parties"])
        yield day


def answer(job: dict) -> dict:
    """`per_day` answers a day; returns the review ids the collection acknowledged."""
    me = int(job["worker"])
    ids: list[int] = []
    fallbacks = 0
    with Collection.open(job["db"], timezone="UTC") as col:
        # the deck's cards in outline order: what to answer when the queue is empty today
        order = [c.id for c in col.cards(include_retired=False)]
        for day in days(job, f"answer{me}"):
            now = DAY_ONE + timedelta(days=day)
            for i in range(job["per_day"]):
                card = col.next_card(now=now)
                if card is None:  # done for today in this process's view: answer anyway
                    card_id = order[(day * job["per_day"] + i) % len(order)]
                    fallbacks += 1
                else:
                    card_id = card.id
                q = GRADES[(me * 5 + len(ids)) % len(GRADES)]
                col.answer(card_id, q, now=now, duration_ms=1000 + i)
                ids.append(col.last_review_id)
    return {"role": "answer", "answers": len(ids), "ids": ids, "fallbacks": fallbacks}


def build(job: dict) -> dict:
    """`per_day` builds a day of the notes folder, the notes edited before each."""
    notes = Path(job["notes"])
    files = sorted(notes.glob("*.md"))
    reports = []
    with Collection.open(job["db"], timezone="UTC") as col:
        for _day in days(job, "build"):
            for _ in range(job["per_day"]):
                edit_notes(files, len(reports))
                report = col.build(notes)
                reports.append([report.new, report.edited, report.retired, report.cards])
    return {"role": "build", "builds": len(reports), "reports": reports}


def edit_notes(files: list[Path], n: int) -> None:
    """The n-th edit: one file gets a block appended, another a block reworded (an edit
    that keeps its card: the answer and most of the words stay)."""
    grown = files[n % len(files)]
    grown.write_text(
        grown.read_text(encoding="utf-8")
        + f"- An added fact number {n} names **added-{n}** for the soak.\n",
        encoding="utf-8",
    )
    edited = files[(n + 1) % len(files)]
    lines = edited.read_text(encoding="utf-8").splitlines(keepends=True)
    facts = [i for i, line in enumerate(lines) if " about " in line]  # not the added ones
    i = facts[n % len(facts)]
    lines[i] = lines[i].replace(" about ", f" (edit {n}) about ", 1)
    edited.write_text("".join(lines), encoding="utf-8")


def open_close(job: dict) -> dict:
    """`per_day` opens a day, read-only every other time, each reading decks and cards
    before closing: the pattern that used to lose a live WAL."""
    loops = seen = 0
    for _day in days(job, "open"):
        for _ in range(job["per_day"]):
            with Collection.open(job["db"], timezone="UTC", readonly=loops % 2 == 0) as col:
                col.decks()
                seen = max(seen, len(col.cards()))
            loops += 1
    return {"role": "open", "loops": loops, "cards": seen}


def hold(job: dict) -> dict:
    """One connection held open across commands from stdin (see the module docstring)."""
    ids: list[int] = []
    day = 0
    with Collection.open(job["db"], timezone="UTC") as col:
        print("ready", flush=True)
        for line in sys.stdin:
            command, *args = line.split()
            if command == "answer":
                now = DAY_ONE + timedelta(days=day)
                day += 1
                given = 0
                while given < int(args[0]):
                    card = col.next_card(now=now)
                    if card is None:
                        break
                    col.answer(card.id, GRADES[len(ids) % len(GRADES)], now=now)
                    ids.append(col.last_review_id)
                    given += 1
                print(f"answered {given}", flush=True)
            elif command == "side":
                # what the app's workers do beside its main connection: a second connection
                # of this process opened and closed (the old header read dropped the locks
                # of the first one here)
                with Collection.open(job["db"], timezone="UTC", readonly=True) as other:
                    other.decks()
                with Collection.open(job["db"], timezone="UTC", backup=False) as other:
                    other.cards()
                print("side done", flush=True)
            elif command == "quit":
                break
    return {"role": "hold", "answers": len(ids), "ids": ids}


ROLES = {"answer": answer, "build": build, "open": open_close, "hold": hold}

if __name__ == "__main__":
    job = json.loads(sys.argv[1])
    print(json.dumps(ROLES[job["role"]](job)), flush=True)
