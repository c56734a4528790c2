"""Anki answers turned into flashcards reviews of the cards they belong to.

Buttons 1-4 become SM-2 qualities 1/3/4/5 (the four-button mapping of `sm2`); a
card's first answer of a study day is a review, its later ones that day drills;
the states are replayed by SM-2 from the card's own log: the replay of the log so
far, then one SM-2 step per new answer (appended after it), the replay of the
whole log (when new answers are older than some of the card's own, its state is
then read again as the replay of its whole log, in replay order). An answer already in the log (the same card within a second, as
flashcards' own export sends its reviews out) is recognised and not added again,
so importing a file twice adds nothing. Runs inside the import's transaction.

Half a million answers, so: they come in one pass, by card and time (`anki.answers`);
a batch of cards reads its review times in one query (from an index alone: a file
imported again reads no more), and the whole log only of the cards that get new
answers; the SM-2 steps run in one loop on plain integers (`sm2.apply`'s arithmetic,
which the tests hold it to, row by row);
study days are worked out once per quarter hour and dates turned to text once each;
rows go in by executemany, and the review summaries are counted in the same loop
(`tally`) and written once, the per-row trigger off meanwhile
(`summaries.appending_in_bulk`); an import as big as the collection drops the indexes
it would hit at random and makes them again after (`history.bulk_writes`), and the card
summaries' per-row state triggers give way to two grouped counts per batch
(`deck_summaries.updating_states`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, tzinfo
from itertools import groupby
from operator import itemgetter

from flashcards import sm2
from flashcards.clock import DEFAULT_ROLLOVER_HOUR, study_day
from flashcards.importing.tally import Tally
from flashcards.store import Store, deck_summaries, history
from flashcards.store.summaries import MATURE_DAYS, PASS_Q, SLOT_MS, appending_in_bulk
from flashcards.study.state import replay_row

SAME_ANSWER_MS = 1000  # an exported review comes back with its time to the ms (or +1 on a clash)
BATCH_ROWS = 50_000  # answers per batch of cards (a card's answers stay in one batch)
_LAST_ORDINAL = date.max.toordinal()


class StudyDays:
    """The study day of a time (ms since 1970), worked out once per quarter hour: every
    time zone's offset is a whole number of quarter hours (as `store.summaries` relies
    on), so a day never rolls over inside one."""

    def __init__(self, tz: tzinfo | None, rollover_hour: int) -> None:
        self._tz, self._rollover = tz, rollover_hour
        self.slots: dict[int, tuple[str, int]] = {}

    def __call__(self, time_ms: int) -> tuple[str, int]:
        """(the day as ISO text, its ordinal)."""
        slot = time_ms // SLOT_MS
        found = self.slots.get(slot)
        if found is None:
            at = datetime.fromtimestamp(slot * SLOT_MS / 1000, UTC)
            day = study_day(at, self._tz, self._rollover)
            found = self.slots[slot] = (day.isoformat(), day.toordinal())
        return found


class _Dates(dict[int, str]):
    """ISO text of a date ordinal, made once per date (past the last date: the last)."""

    def __missing__(self, ordinal: int) -> str:
        text = self[ordinal] = date.fromordinal(min(ordinal, _LAST_ORDINAL)).isoformat()
        return text


def add_answers(
    store: Store,
    answers: Iterable[tuple[int, int, int, int]],
    tz: tzinfo | None = None,
    rollover_hour: int = DEFAULT_ROLLOVER_HOUR,
    expected: tuple[int, int] = (0, 0),
) -> tuple[int, int]:
    """Add (card id, time ms, button, duration ms) answers, by card and time, to our cards;
    (added, already there). `expected`: about how many answers and cards that is (the
    indexes a bulk write hits at random are then made again after it, `history.bulk_writes`)."""
    added = known = 0
    days, dates, tally = StudyDays(tz, rollover_hour), _Dates(), Tally()
    interleaved: list[int] = []
    with (
        history.bulk_writes(store, "reviews", expected[0]),
        history.bulk_writes(store, "card_state", expected[1]),
        appending_in_bulk(store),
        deck_summaries.updating_states(store, expected[1]) as moving,
    ):
        for batch in _batches(answers):
            times = history.review_times(store, [card_id for card_id, _ in batch])
            fresh = _fresh(batch, times)
            known += sum(len(group) for _, group in batch) - sum(len(g) for _, g in fresh)
            ids = [card_id for card_id, _ in fresh]
            # the whole log only of the cards that have one and get new answers
            logs = history.card_reviews(store, [c for c in ids if times[c]])
            decks = history.deck_of(store, ids)
            rows: list[tuple] = []
            states: list[tuple] = []
            for card_id, group in fresh:
                log = logs.get(card_id, [])
                start = len(rows)
                state = _card_rows(
                    card_id, decks.get(card_id, 0), log, group, rows, days, dates, tally
                )
                states.append((*state, card_id))
                if log and rows[start][1] < times[card_id][-1]:
                    interleaved.append(card_id)
            history.add_reviews(store, rows)
            with moving([s[-1] for s in states]):
                history.write_states(store, states)
            added += len(rows)
        tally.write(store)
        if interleaved:  # older than answers already here: the replay of the whole log
            logs = history.card_reviews(store, interleaved)
            with moving(interleaved):
                history.write_states(store, [(*replay_row(logs[c]), c) for c in interleaved])
    return added, known


def _batches(
    answers: Iterable[tuple[int, int, int, int]],
) -> Iterator[list[tuple[int, list[tuple[int, int, int, int]]]]]:
    """[(card id, its answers)] batches of about BATCH_ROWS answers."""
    batch: list[tuple[int, list[tuple[int, int, int, int]]]] = []
    size = 0
    for card_id, group in groupby(answers, key=itemgetter(0)):
        found = list(group)
        batch.append((card_id, found))
        size += len(found)
        if size >= BATCH_ROWS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _fresh(
    batch: list[tuple[int, list[tuple[int, int, int, int]]]], times: dict[int, list[int]]
) -> list[tuple[int, list[tuple[int, int, int, int]]]]:
    """The batch's cards that get answers, each with those of its answers that are not in
    its log already (`times`: each card's review times, in order)."""
    out = []
    for card_id, group in batch:
        logged = times[card_id]
        if logged:
            group = [a for a in group if not _known(logged, a[1])]
        if group:
            out.append((card_id, group))
    return out


def _known(times: list[int], time_ms: int) -> bool:
    """Whether an answer at `time_ms` is one of the log's (sorted `times`): within a second."""
    i = bisect.bisect_left(times, time_ms - SAME_ANSWER_MS)
    return i < len(times) and times[i] <= time_ms + SAME_ANSWER_MS


def _card_rows(
    card_id: int,
    deck: int,
    log: list[tuple],
    answers: list[tuple[int, int, int, int]],
    rows: list[tuple],
    days: StudyDays,
    dates: _Dates,
    tally: Tally,
) -> tuple:
    """Append the review rows one card's new answers (one at least, none of them in its
    log) add to `rows` and count them in `tally`; the card_state columns the card then has
    under SM-2. `log` rows: (q, day, kind, time_ms, reps, ef, interval, due, lapses
    (after)).

    The SM-2 step is `sm2.apply` on plain integers: q >= 3 passes (repetitions + 1,
    interval 1, 6, then ceil(interval × EF before) capped, EF by the formula, floored);
    q < 3 fails (repetitions 0, interval 1, a lapse if it had been learned)."""
    if log:
        reps, ef, interval, due, lapses, last_day, back = replay_row(log)
        reviewed = {r[1] for r in log if r[2] == "review"}
    else:
        reps, ef, interval, due, lapses, last_day, back = 0, sm2.EF_START, 0, None, 0, None, 0
        reviewed = set()
    last_q = -1
    buttons, slots, append = sm2.FOUR_BUTTONS, days.slots, rows.append
    step, mature_days, pass_q = sm2.step, MATURE_DAYS, PASS_Q
    day_counts, slot_counts = tally.days, tally.slots
    for _, time_ms, button, duration in answers:
        q = buttons[button]
        slot = time_ms // SLOT_MS
        found = slots.get(slot)
        iso, ordinal = found if found is not None else days(time_ms)
        dur = duration or None
        if due is None:
            new, mature = 1, 0
        else:
            new, mature = 0, 1 if interval >= mature_days else 0
        if iso in reviewed:
            kind = "drill"
            append((card_id, time_ms, iso, q, dur, kind, reps, ef, interval, due, lapses,
                    reps, ef, interval, due, lapses))  # fmt: skip
        else:
            kind = "review"
            reviewed.add(iso)
            r0, e0, i0, d0, l0 = reps, ef, interval, due, lapses
            reps, ef, interval, lapses = step(q, reps, ef, interval, lapses)
            due = dates[ordinal + interval]
            append((card_id, time_ms, iso, q, dur, kind, r0, e0, i0, d0, l0,
                    reps, ef, interval, due, lapses))  # fmt: skip
        key = (iso, deck, kind, q, new, mature)
        counted = day_counts.get(key)
        if counted is None:
            day_counts[key] = [1, duration or 0]
        else:
            counted[0] += 1
            counted[1] += duration or 0
        key = (iso, deck, slot)
        counted = slot_counts.get(key)
        passed = 1 if q >= pass_q else 0
        if counted is None:
            slot_counts[key] = [1, passed]
        else:
            counted[0] += 1
            counted[1] += passed
        last_day, last_q = iso, q
    if last_q >= 0:
        back = 1 if sm2.comes_back(last_q) else 0
    return reps, ef, interval, due, lapses, last_day, back
