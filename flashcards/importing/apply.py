"""Anki answers turned into flashcards reviews of the cards they belong to.

Buttons 1-4 become SM-2 qualities 1/3/4/5 (the four-button mapping of `sm2`); a
card's first answer of a study day is a review, its later ones that day drills;
the states are replayed by SM-2 from the card's own log. An answer already in the
log (the same card within a second, as flashcards' own export sends its reviews
out) is recognised and not added again, so importing a file twice adds nothing.
Runs inside the import's transaction.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo

from flashcards import sm2
from flashcards.clock import DEFAULT_ROLLOVER_HOUR, study_day
from flashcards.importing.anki import Answer
from flashcards.store import Store, history
from flashcards.study.state import replay_row, state_from_row, state_tuple

SAME_ANSWER_MS = 1000  # an exported review comes back with its time to the ms (or +1 on a clash)
BATCH = 20_000


def _day(time_ms: int, tz: tzinfo | None, rollover_hour: int) -> date:
    return study_day(datetime.fromtimestamp(time_ms / 1000, UTC), tz, rollover_hour)


def add_answers(
    store: Store,
    answers: Iterable[Answer],
    target: dict[int, int],
    tz: tzinfo | None = None,
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
) -> tuple[int, int]:
    """Add the answers of Anki cards `target` maps to our card ids; (added, already there)."""
    by_card: dict[int, list[Answer]] = {}
    for answer in answers:
        card_id = target.get(answer.cid)
        if card_id is not None:
            by_card.setdefault(card_id, []).append(answer)
    added = known = 0
    ids = sorted(by_card)
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        logs = history.card_reviews(store, part)
        rows: list[tuple] = []
        states: list[tuple] = []
        for card_id in part:
            new, seen = _card_rows(card_id, logs[card_id], by_card[card_id], tz, rollover_hour)
            known += seen
            if new:
                rows.extend(new)
                log = [*logs[card_id], *((r[3], r[2], r[5], r[1], *r[11:16]) for r in new)]
                states.append((*replay_row(log), card_id))
        history.add_reviews(store, rows)
        history.write_states(store, states)
        added += len(rows)
    return added, known


def _card_rows(
    card_id: int,
    log: list[tuple],
    answers: list[Answer],
    tz: tzinfo | None,
    rollover_hour: int,
) -> tuple[list[tuple], int]:
    """The review rows one card's new answers add, and how many were there already.
    `log` rows: (q, day, kind, time_ms, reps, ef, interval, due, lapses (after))."""
    times = sorted(r[3] for r in log)
    replayed = replay_row(log)
    state = state_from_row(replayed)
    reviewed_days = {r[1] for r in log if r[2] == "review"}
    rows: list[tuple] = []
    seen = 0
    for answer in sorted(answers):
        i = bisect.bisect_left(times, answer.time_ms - SAME_ANSWER_MS)
        if i < len(times) and times[i] <= answer.time_ms + SAME_ANSWER_MS:
            seen += 1
            continue
        q = sm2.FOUR_BUTTONS[answer.button]
        day = _day(answer.time_ms, tz, rollover_hour)
        iso = day.isoformat()
        drill = iso in reviewed_days
        after = state if drill else sm2.apply(state, q, day)
        rows.append(
            (
                card_id,
                answer.time_ms,
                iso,
                q,
                answer.duration_ms or None,
                "drill" if drill else "review",
                *state_tuple(state),
                *state_tuple(after),
            )
        )
        reviewed_days.add(iso)
        state = after
    return rows, seen
