"""Anki answers turned into flashcards reviews of the cards they belong to.

Buttons 1-4 become SM-2 qualities 1/3/4/5 (the four-button mapping of `sm2`); a
card's first answer of a study day is a review, its later ones that day drills;
the states are replayed by SM-2 from the card's own log: the replay of the log so
far, then one SM-2 step per new answer (appended after it), the replay of the
whole log. Half a million answers: study days are worked out per quarter hour, rows
go in by executemany in batches, and the review summaries are counted per batch
(`summaries.appending_in_bulk`) instead of by the per-row trigger. An answer already
in the log (the same card within a second, as flashcards' own export sends its
reviews out) is recognised and not added again, so importing a file twice adds nothing.
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
from flashcards.store.summaries import SLOT_MS, appending_in_bulk
from flashcards.study.state import replay_row, state_from_row, state_tuple

SAME_ANSWER_MS = 1000  # an exported review comes back with its time to the ms (or +1 on a clash)
BATCH = 20_000


class StudyDays:
    """The study day of a time (ms since 1970), worked out once per quarter hour: every
    time zone's offset is a whole number of quarter hours (as `store.summaries` relies
    on), so a day never rolls over inside one."""

    def __init__(self, tz: tzinfo | None, rollover_hour: int) -> None:
        self._tz, self._rollover = tz, rollover_hour
        self._days: dict[int, tuple[str, date]] = {}

    def __call__(self, time_ms: int) -> tuple[str, date]:
        """(the day as ISO text, the day)."""
        slot = time_ms // SLOT_MS
        found = self._days.get(slot)
        if found is None:
            at = datetime.fromtimestamp(slot * SLOT_MS / 1000, UTC)
            day = study_day(at, self._tz, self._rollover)
            found = self._days[slot] = (day.isoformat(), day)
        return found


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
    days = StudyDays(tz, rollover_hour)
    added = known = 0
    ids = sorted(by_card)
    with appending_in_bulk(store) as fold:
        for start in range(0, len(ids), BATCH):
            part = ids[start : start + BATCH]
            logs = history.card_reviews(store, part)
            rows: list[tuple] = []
            states: list[tuple] = []
            for card_id in part:
                new, seen, state = _card_rows(card_id, logs[card_id], by_card.pop(card_id), days)
                known += seen
                if new:
                    rows.extend(new)
                    states.append((*state, card_id))
            history.add_reviews(store, rows)
            fold(rows)
            history.write_states(store, states)
            added += len(rows)
    return added, known


def _card_rows(
    card_id: int, log: list[tuple], answers: list[Answer], days: StudyDays
) -> tuple[list[tuple], int, tuple]:
    """The review rows one card's new answers add, how many were there already, and the
    card_state columns the card then has (under SM-2).
    `log` rows: (q, day, kind, time_ms, reps, ef, interval, due, lapses (after))."""
    times = sorted(r[3] for r in log)
    replayed = replay_row(log)
    state = state_from_row(replayed)
    before = state_tuple(state)
    reviewed_days = {r[1] for r in log if r[2] == "review"}
    rows: list[tuple] = []
    seen = 0
    last_day, back, last_q = replayed[5], replayed[6], None
    buttons, apply = sm2.FOUR_BUTTONS, sm2.apply
    for answer in sorted(answers):
        if times:
            i = bisect.bisect_left(times, answer.time_ms - SAME_ANSWER_MS)
            if i < len(times) and times[i] <= answer.time_ms + SAME_ANSWER_MS:
                seen += 1
                continue
        q = buttons[answer.button]
        iso, day = days(answer.time_ms)
        drill = iso in reviewed_days
        if drill:
            after = before
        else:
            state = apply(state, q, day)
            after = state_tuple(state)
            reviewed_days.add(iso)
        rows.append(
            (
                card_id,
                answer.time_ms,
                iso,
                q,
                answer.duration_ms or None,
                "drill" if drill else "review",
                *before,
                *after,
            )
        )
        before = after
        last_day, last_q = iso, q
    if last_q is not None:
        back = 1 if sm2.comes_back(last_q) else 0
    return rows, seen, (*before, last_day, back)
