"""Progress stats: the review log's aggregates composed into one JSON-ready dict.

`compute` is what `Collection.stats()`, `flashcards stats` and the app's stats
screen show. All counting happens in SQL (`flashcards.store.stats`); this
module only shapes the grouped rows: study days into a year of history,
answers into retention and button shares, cards into histograms. How the
figures are drawn (calendar grid, bars) is flashcards.charts.
"""

from __future__ import annotations

from datetime import date, timedelta, tzinfo

from flashcards import sm2
from flashcards.clock import utc_ms, utc_offsets
from flashcards.store import Store, summaries
from flashcards.store import stats as queries
from flashcards.views import Counts

MATURE_DAYS = summaries.MATURE_DAYS  # Anki's line between young and mature cards: 21 days
HISTORY_DAYS = 365
FORECAST_DAYS = 30
RETENTION_PERIODS = (7, 30, 365)
# interval histogram buckets in days, (from, to) inclusive; None = no upper end
INTERVAL_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (1, 1),
    (2, 3),
    (4, 7),
    (8, 14),
    (15, 20),
    (21, 30),
    (31, 60),
    (61, 90),
    (91, 180),
    (181, 365),
    (366, None),
)
EASE_STEP = 100  # EF histogram bucket width, thousandths (0.1)
BUTTONS = ("again", "hard", "good", "easy")


def compute(
    store: Store,
    deck_id: int | None,
    deck_name: str | None,
    today: date,
    tz: tzinfo | None,
    rollover_hour: int,
    left: Counts,
) -> dict[str, object]:
    """Every progress figure for one deck (or all decks when deck_id is None).

    `today` is a study day (days roll over at `rollover_hour` in `tz`; tz None
    is the computer's time zone). Figures about the past count answers up to
    and including `today`; card figures describe the cards as they are now.
    `left` is what today's queue still holds (the caller's, so that it matches
    the study session exactly).

    The result, as printed by `flashcards stats --json`:

    - `deck`: the deck name, or null for all decks.
    - `day`: today's study day, `YYYY-MM-DD`. `rollover_hour`: the local hour
      a study day starts. `timezone`: the zone name, or null for the
      computer's own.
    - `cards`: card counts. `total` active (not retired) cards, split into
      exactly one of `new` (never answered), `learning` (answered below 4
      today and waiting for a same-day drill), `young` (interval < 21 days),
      `mature` (interval >= 21 days), `suspended`, `buried` (hidden until a
      later day); plus `retired` (gone from the notes, history kept) and
      `leeches` (active cards with 8 or more lapses, overlapping the others).
    - `today`: `cards` (different cards answered), `answers` (all answers,
      drills included), `reviews` (scheduled answers, the day's first per
      card), `new` (of which first answers of new cards), `drills` (same-day
      repeats), `time_ms` (answer time, milliseconds), and `left`: `new`,
      `review`, `drill` cards still to study today within the deck limits.
    - `streak`: `current` (consecutive study days with answers, ending today,
      or yesterday when today has none yet), `longest` (ever), `days_studied`
      (days with answers, ever), `answers` (every answer ever).
    - `history`: the last 365 study days, oldest first: `start` and `end`
      (= `day`) dates, `answers` (answers per day, drills included) and
      `time_ms` (answer time per day, milliseconds) — lists of 365 integers.
    - `retention`: true retention over the last `"7"`, `"30"` and `"365"`
      study days (today included). Each holds `young`, `mature` and `all`,
      each `{reviews, passed, rate}`: scheduled answers of cards that had been
      scheduled before (a new card's first answer is not a recall test and
      does not count; nor do same-day drills), how many were answered 3 or
      more, and `passed / reviews` (null when there were none). Young and
      mature go by the interval before the answer (< 21 / >= 21 days). SM-2
      has no relearning steps, so the day-after review of a lapsed card counts
      (as young), like any other scheduled review.
    - `forecast`: `start` (= `day`) and `due`: cards due on each of the next
      30 days, today first; overdue cards count today, a buried card counts on
      the day it comes back; suspended cards and new cards are not counted,
      and deck limits are not applied.
    - `buttons`: answers of the last 365 study days by Anki button (SM-2
      quality 0–2 = again, 3 = hard, 4 = good, 5 = easy), as
      `[again, hard, good, easy]` for `new`, `young`, `mature` (scheduled
      answers, by the card's state before) and `drill` (same-day repeats).
    - `intervals`: scheduled active cards by interval: a list of
      `{from, to, cards}` buckets in days (`to` inclusive, null = no limit).
    - `ease`: scheduled active cards by easiness factor: a list of
      `{from, to, cards}` buckets 0.1 wide (`from` inclusive, `to`
      exclusive), from the lowest to the highest EF present.
    - `schedulers`: each deck's scheduler, `{deck name: "sm2" | "fsrs"}` (the decks
      the figures cover); FSRS cards keep SM-2's starting EF, so `ease` is SM-2's.
    - `hours`: answers of the last 365 study days by local hour of day
      (wall-clock time in the collection's time zone, daylight saving
      included): 24 objects `{hour, answers, passed}`, passed = q >= 3.
    """
    iso = today.isoformat()
    start = today - timedelta(days=HISTORY_DAYS - 1)

    answers = _fold_answers(queries.review_groups(store, deck_id, start.isoformat(), iso), start)
    intervals, eases = queries.schedule_groups(store, deck_id)
    figures: dict[str, object] = {
        "deck": deck_name,
        "day": iso,
        "rollover_hour": rollover_hour,
        "timezone": _zone_name(tz),
        "cards": queries.card_counts(store, deck_id, iso, MATURE_DAYS, sm2.LEECH_LAPSES),
        "today": {
            "cards": queries.cards_studied(store, deck_id, iso),
            **answers["today"],
            "left": {"new": left.new, "review": left.review, "drill": left.drill},
        },
        "streak": _streak(queries.study_runs(store, deck_id, iso), today),
        "history": {
            "start": start.isoformat(),
            "end": iso,
            "answers": answers["answers"],
            "time_ms": answers["time_ms"],
        },
        "retention": answers["retention"],
        "forecast": {"start": iso, "due": _forecast(store, deck_id, today)},
        "buttons": answers["buttons"],
        "intervals": _interval_buckets(intervals),
        "ease": _ease_buckets(eases),
        "hours": _hours(store, deck_id, start, today, tz),
        "schedulers": _schedulers(store, deck_id),
    }
    return figures


def _schedulers(store: Store, deck_id: int | None) -> dict[str, str]:
    """Each deck's scheduler (sm2 or fsrs), by deck name."""
    from flashcards.decks import DeckSettings
    from flashcards.store import decks as deck_rows

    return {
        row.name: DeckSettings.from_json(row.settings).scheduler
        for row in deck_rows.all_decks(store)
        if deck_id is None or row.id == deck_id
    }


def _fold_answers(groups: list[queries.AnswerGroup], start: date) -> dict:
    """The year's answer groups (see `queries.review_groups`) folded into the
    history, button counts, true retention and today's answers."""
    answers = [0] * HISTORY_DAYS
    time_ms = [0] * HISTORY_DAYS
    buttons = {kind: [0, 0, 0, 0] for kind in ("new", "young", "mature", "drill")}
    retention = {
        str(p): {c: {"reviews": 0, "passed": 0} for c in ("young", "mature", "all")}
        for p in RETENTION_PERIODS
    }
    today = {"answers": 0, "reviews": 0, "new": 0, "drills": 0, "time_ms": 0}
    index: dict[str, int] = {}
    for group in groups:
        day, q, n, ms = group.day, group.q, group.answers, group.duration_ms
        if day not in index:
            index[day] = (date.fromisoformat(day) - start).days
        i = index[day]
        age = HISTORY_DAYS - 1 - i  # 0 = today
        answers[i] += n
        time_ms[i] += ms
        scheduled = group.kind == "review"
        cls = "new" if group.new else "mature" if group.mature else "young"
        buttons[cls if scheduled else "drill"][sm2.rating(q) - 1] += n
        if scheduled and cls != "new":  # true retention: recall tests of seen cards only
            for period in RETENTION_PERIODS:
                if age < period:
                    for group in (cls, "all"):
                        cell = retention[str(period)][group]
                        cell["reviews"] += n
                        cell["passed"] += n if q >= sm2.PASS else 0
        if age == 0:
            today["answers"] += n
            today["time_ms"] += ms
            if scheduled:
                today["reviews"] += n
                today["new"] += n if cls == "new" else 0
            else:
                today["drills"] += n
    for groups_of_period in retention.values():
        for cell in groups_of_period.values():
            cell["rate"] = cell["passed"] / cell["reviews"] if cell["reviews"] else None
    return {
        "answers": answers,
        "time_ms": time_ms,
        "buttons": buttons,
        "retention": retention,
        "today": today,
    }


def _zone_name(tz: tzinfo | None) -> str | None:
    if tz is None:
        return None
    return getattr(tz, "key", None) or str(tz)


def _streak(runs: list[queries.StudyRun], today: date) -> dict[str, int]:
    current = 0
    if runs:
        last = date.fromisoformat(runs[-1].last)
        # today is not over: a streak that reached yesterday still stands
        if last >= today - timedelta(days=1):
            current = runs[-1].days
    return {
        "current": current,
        "longest": max((r.days for r in runs), default=0),
        "days_studied": sum(r.days for r in runs),
        "answers": sum(r.answers for r in runs),
    }


def _forecast(store: Store, deck_id: int | None, today: date) -> list[int]:
    due = [0] * FORECAST_DAYS
    until = today + timedelta(days=FORECAST_DAYS)
    for group in queries.due_groups(store, deck_id, today.isoformat(), until.isoformat()):
        due[(date.fromisoformat(group.day) - today).days] += group.cards
    return due


def _interval_buckets(groups: list[queries.ValueGroup]) -> list[dict[str, int | None]]:
    out: list[dict[str, int | None]] = [
        {"from": lo, "to": hi, "cards": 0} for lo, hi in INTERVAL_BUCKETS
    ]
    for group in groups:
        for bucket in out:
            if bucket["to"] is None or group.value <= bucket["to"]:  # type: ignore[operator]
                bucket["cards"] += group.cards  # type: ignore[operator]
                break
    return out


def _ease_buckets(groups: list[queries.ValueGroup]) -> list[dict[str, float | int]]:
    if not groups:
        return []
    counts: dict[int, int] = {}
    for group in groups:
        low = group.value // EASE_STEP * EASE_STEP
        counts[low] = counts.get(low, 0) + group.cards
    return [
        {"from": low / 1000, "to": (low + EASE_STEP) / 1000, "cards": counts.get(low, 0)}
        for low in range(min(counts), max(counts) + 1, EASE_STEP)
    ]


def _hours(
    store: Store, deck_id: int | None, start: date, today: date, tz: tzinfo | None
) -> list[dict[str, int]]:
    # every answer of a study day lies within a day either side of its UTC date
    first_ms = utc_ms(start - timedelta(days=1))
    last_ms = utc_ms(today + timedelta(days=2))
    offsets = utc_offsets(tz, first_ms, last_ms)
    hours = [{"hour": h, "answers": 0, "passed": 0} for h in range(24)]
    for group in queries.hour_groups(store, deck_id, start.isoformat(), today.isoformat(), offsets):
        hours[int(group.hour)]["answers"] = group.answers
        hours[int(group.hour)]["passed"] = int(group.passed or 0)
    return hours
