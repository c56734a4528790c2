"""A study process killed with SIGKILL mid-session loses no acknowledged answer."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import NOW, child_env, reviews_in

from flashcards import Collection
from flashcards.decks import DeckSettings, DeckSpec

# Answers cards as fast as it can; prints "review-id card-id" once answer() has returned.
STUDENT = textwrap.dedent(
    """
    import random, sys
    from datetime import datetime, timedelta
    from flashcards import Collection

    rng = random.Random(4)
    now = datetime.fromisoformat(sys.argv[2])
    with Collection.open(sys.argv[1], timezone="UTC") as col:
        print("ready", flush=True)
        while True:
            card = col.next_card(now=now)
            if card is None:
                now += timedelta(days=1)
                continue
            col.answer(card.id, rng.choice([1, 3, 4, 5, 5]), now, duration_ms=1000)
            print(col.last_review_id, card.id, flush=True)
            now += timedelta(seconds=20)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_session_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("".join(f"- Fact {i} is **f{i}**.\n" for i in range(150)), encoding="utf-8")
    path = tmp_path / "c.sqlite"
    with Collection.open(path, timezone="UTC") as col:
        col.build(DeckSpec(name="Deck", notes=[notes], settings=DeckSettings(new_per_day=100)))
    script = tmp_path / "student.py"
    script.write_text(STUDENT, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(path), NOW.isoformat()],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acknowledged: list[tuple[int, int]] = []
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        while len(acknowledged) < 300:
            line = proc.stdout.readline()
            assert line, f"the student stopped: {proc.stderr.read()}"
            review_id, card_id = map(int, line.split())
            acknowledged.append((review_id, card_id))
        os.kill(proc.pid, signal.SIGKILL)  # mid-session: it is answering as fast as it can
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)
    # read on through the same buffered pipe (communicate() would skip what it holds)
    rest = proc.stdout.read()
    proc.stdout.close()
    proc.stderr.close()
    # lines printed before the kill are acknowledged answers too
    for line in rest.splitlines():
        review_id, card_id = map(int, line.split())
        acknowledged.append((review_id, card_id))
    assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 300
    with Collection.open(path, timezone="UTC") as col:
        stored = {row[6]: row[0] for row in reviews_in(col.path)}  # review id -> card
        missing = [(r, c) for r, c in acknowledged if stored.get(r) != c]
        assert missing == []
        # at most the answer in flight when it was killed went unacknowledged
        assert len(stored) - len(acknowledged) in (0, 1)
        assert col.doctor() == []
