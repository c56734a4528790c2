"""The Anki peer of the study benchmark: the same cards and histories in a real Anki collection.

`anki` is a test-only judge (never imported by flashcards/); this module is imported by
benchmarks only. `make_anki_study` writes a collection of `cards` cloze cards (two per
note, as the flashcards benchmark has two sibling deletions per block), about `reviews`
revlog rows, the same share of new and due cards and the same daily limits, straight
with Anki's `add_notes`, then the states and the revlog with SQLite directly while Anki
has the file closed (Anki reopens it with synchronous=FULL, WAL, exclusive locking). `measure_anki_answers` times what Anki's study screen does per
answer: `build_answer` + `answer_card` (one transaction, committed) and then
`get_queued_cards()` for the next card.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

CLOZE = "Cloze"


def make_anki_study(path: Path, cards: int, reviews: int, seed: int, due_share: float):
    """An Anki collection at `path` shaped as the flashcards study benchmark's; returns it open."""
    from anki.collection import AddNoteRequest, Collection

    rng = random.Random(seed)
    col = Collection(str(path))
    deck_id = col.decks.id("Bench")
    conf = col.decks.config_dict_for_deck_id(deck_id)
    # the flashcards benchmark: 4 decks of 100 new / 2,000 reviews a day
    conf["new"]["perDay"] = 400
    conf["rev"]["perDay"] = 8000
    col.decks.update_config(conf)
    col.decks.select(deck_id)
    model = col.models.by_name(CLOZE)
    requests = []
    for n in range(cards // 2):
        note = col.new_note(model)
        i, j = 2 * n, 2 * n + 1
        note["Text"] = (
            f"{{{{c1::term {i}}}}} and {{{{c2::term {j}}}}} of block {n} with some more words"
        )
        requests.append(AddNoteRequest(note=note, deck_id=deck_id))
    col.add_notes(requests)
    today = col.sched.today
    col.close()
    db = sqlite3.connect(str(path))
    ids = [r[0] for r in db.execute("select id from cards order by id")]
    rng.shuffle(ids)
    reviewed = ids[: int(len(ids) * 0.8)]
    per_card = max(1, reviews // max(1, len(reviewed)))
    states = []
    revlog = []
    stamp = int(time.time() * 1000) - 86_400_000 * 400
    for k, card_id in enumerate(reviewed):
        ivl = rng.randint(2, 400)
        offset = (
            (0 if rng.random() < 0.7 else rng.randint(-14, -1))
            if rng.random() < due_share
            else rng.randint(1, ivl)
        )
        factor = rng.randrange(1300, 3000, 20)
        states.append((today + offset, ivl, factor, per_card, rng.randint(0, 3), card_id))
        for r in range(per_card):
            revlog.append(
                (
                    stamp + k * 1000 + r,
                    card_id,
                    rng.choice((1, 3, 3, 4)),
                    ivl,
                    ivl // 2,
                    factor,
                    rng.randint(2000, 15000),
                    1,
                )
            )
    with db:
        db.executemany(
            "insert into revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "values (?, ?, -1, ?, ?, ?, ?, ?, ?)",
            revlog,
        )
        db.executemany(
            "update cards set type=2, queue=2, due=?, ivl=?, factor=?, reps=?, lapses=? where id=?",
            states,
        )
    db.close()
    col = Collection(str(path))
    col.db.execute("analyze")
    return col


def measure_anki_answers(col, answers: int, seed: int, grade, mark=lambda: None) -> list[float]:
    """Seconds per answer + next card over `answers` answers; `grade(rng)` gives SM-2 q.
    `mark()` is called, untimed, before each answer and once after the last."""
    from anki.scheduler.v3 import CardAnswer

    rng = random.Random(seed)
    ratings = {1: CardAnswer.AGAIN, 2: CardAnswer.AGAIN, 3: CardAnswer.HARD, 4: CardAnswer.GOOD}
    sched = col.sched
    queued = sched.get_queued_cards()
    times = []
    for _ in range(answers):
        if not queued.cards:
            break
        top = queued.cards[0]
        rating = ratings.get(grade(rng), CardAnswer.EASY)
        mark()
        started = time.perf_counter()
        card = col.get_card(top.card.id)
        card.start_timer()
        sched.answer_card(sched.build_answer(card=card, states=top.states, rating=rating))
        queued = sched.get_queued_cards()
        times.append(time.perf_counter() - started)
    mark()
    return times
