"""A build's last step: schedules written in the notes (`notes/schedules.py`) given to the
cards that have no history yet, as one review row of kind "import" each.

The row's after-state is the schedule, so a card's state is still the replay of its
log (`study/state.py` starts the replay from it) and `doctor` still holds. Cards that
have any review keep their own history: the notes never override it, and are never
written.
"""

from __future__ import annotations

from flashcards import sm2
from flashcards.clock import FIRST_DAY, LAST_DAY, utc_ms
from flashcards.notes.schedules import NotedSchedule
from flashcards.store import Store, history
from flashcards.study.state import IMPORT, replay_row, state_tuple

NOON_MS = 12 * 3_600_000  # an imported schedule's moment: noon UTC of its day


def import_row(card_id: int, s: NotedSchedule) -> tuple:
    """The review row that sets a card's state to a schedule from its notes."""
    state = sm2.State(s.repetitions, s.ef, s.interval, s.due, s.lapses)
    return (
        card_id,
        utc_ms(s.last_day) + NOON_MS,
        s.last_day.isoformat(),
        s.q,
        None,
        IMPORT,
        *state_tuple(sm2.State()),
        *state_tuple(state),
    )


def in_range(s: NotedSchedule) -> bool:
    return FIRST_DAY <= s.last_day <= s.due <= LAST_DAY


def apply_schedules(
    store: Store, deck_id: int, found: list[tuple[str, int, NotedSchedule]], warnings: list[str]
) -> int:
    """Give each card without history the schedule its notes write; returns how many.
    Inside the build's transaction."""
    targets: dict[int, NotedSchedule] = {}
    for source, position, schedule in found:
        if not in_range(schedule):
            warnings.append(
                f"{source}: schedule ignored: due {schedule.due} (last answered "
                f"{schedule.last_day}) is outside {FIRST_DAY}..{LAST_DAY}; fix the date"
            )
            continue
        card_id = history.card_at(store, deck_id, source, position)
        if card_id is not None:
            targets[card_id] = schedule
    if not targets:
        return 0
    fresh = [i for i in targets if i not in history.reviewed(store, list(targets))]
    rows = [import_row(card_id, targets[card_id]) for card_id in fresh]
    history.add_reviews(store, rows)
    history.write_states(
        store, [(*replay_row([(r[3], r[2], r[5], r[1], *r[11:16])]), r[0]) for r in rows]
    )
    return len(rows)
