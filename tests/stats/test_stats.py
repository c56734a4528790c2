"""Progress stats from a hand-built review history: every figure worked out by hand.

The history (time zone UTC, days roll over at 04:00; "now" is 2025-06-10 12:00,
so today is the study day 2025-06-10 and the year shown starts 2024-06-11).
Each answer takes 10 s unless noted. y = young, m = mature (interval before
the answer < / >= 21 days), "new" = the card's first answer.

alpha   2024-01-01..01-16, one answer a day: q 4, 1, 4, 1, ... (8 lapses: a leech),
        all before the year shown. Ends interval 1, due 2024-01-17 (overdue).
bravo   03-01 q4 new → I1 · 03-02 q4 y(1) → I6 · 03-08 q4 y(6) → I15 ·
        03-23 q4 y(15) → I38 · 04-30 q5 m(38) → I95 EF 2.6 ·
        06-05 q1 m(95) fail → I1 · 06-05 +5 min q4 drill · 06-06 q4 y(1) → I1 due 06-07;
        then buried today (until 06-11).
charlie 01-01 q5 new → I1 EF 2.6 · 01-02 q5 y(1) → I6 EF 2.7 · 01-08 q5 y(6) → I17 EF 2.8 ·
        01-25 q5 y(17) → I48 EF 2.9 · 03-14 q4 m(48) → I140, due 08-01.
delta   02-01 q4 new → I1 · 02-02 q4 y(1) → I6 · 02-08 q4 y(6) → I15 · 02-23 q4 y(15) → I38 ·
        04-02 q4 m(38) → I95 · 05-20 q3 m(95) (early) → I238 EF 2.36, due 2026-01-13.
echo    05-15 q4 new → I1 · 05-17 02:30 UTC (still study day 05-16) q2 y(1) fail →
        02:35 q4 drill · 05-17 10:00 q4 y(1) → I1 due 05-18 (overdue).
foxtrot today 10:00 q1 new (8 s) → I1 due 06-11, a same-day drill pending: learning.
golf    today 10:02 q5 new (4 s) → I1 EF 2.6 due 06-11.
hotel   never answered: new.
india   06-01 21:30 q4 new, then gone from the notes: retired.
juliet  never answered, suspended.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from flashcards.clock import utc_offsets
from flashcards.collection import Collection, CollectionError
from flashcards.store import Store, summaries

# the "now" of the history above, not helpers.NOW: every figure is worked out by hand
# from these dates
HISTORY_NOW = datetime(2025, 6, 10, 12, 0, tzinfo=UTC)
NAMES = (
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliet",
)


def write_deck(folder: Path, names: tuple[str, ...], deck: str = "Words") -> Path:
    """A deck spec and one notes file with a card per name, each its own block."""
    notes = folder / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    (notes / "words.md").write_text(
        "".join(f"- {name} is spelled **{name}**\n" for name in names), encoding="utf-8"
    )
    spec = folder / "decks" / "words.md"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(
        f"---\nname: {deck}\nnotes: [../notes/words.md]\n---\nWords.\n", encoding="utf-8"
    )
    return spec


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}:00+00:00")


def answer(col: Collection, ids: dict[str, int], name: str, q: int, when: datetime, s=10) -> None:
    col.answer(ids[name], q, now=when, duration_ms=s * 1000)


@pytest.fixture
def history(tmp_path: Path) -> Path:
    """The collection described in the module docstring."""
    spec = write_deck(tmp_path, NAMES)
    path = tmp_path / "collection.sqlite"
    with Collection.open(path, timezone="UTC") as col:
        col.build(spec)
        ids = {c.answers[0]: c.id for c in col.cards()}
        for k in range(16):
            answer(col, ids, "alpha", 4 if k % 2 == 0 else 1, at("2024-01-01") + timedelta(days=k))
        for day, q in (
            ("2025-03-01", 4),
            ("2025-03-02", 4),
            ("2025-03-08", 4),
            ("2025-03-23", 4),
            ("2025-04-30", 5),
            ("2025-06-05", 1),
        ):
            answer(col, ids, "bravo", q, at(day))
        answer(col, ids, "bravo", 4, at("2025-06-05", "10:05"))
        answer(col, ids, "bravo", 4, at("2025-06-06"))
        for day, q in (
            ("2025-01-01", 5),
            ("2025-01-02", 5),
            ("2025-01-08", 5),
            ("2025-01-25", 5),
            ("2025-03-14", 4),
        ):
            answer(col, ids, "charlie", q, at(day))
        for day, q in (
            ("2025-02-01", 4),
            ("2025-02-02", 4),
            ("2025-02-08", 4),
            ("2025-02-23", 4),
            ("2025-04-02", 4),
            ("2025-05-20", 3),
        ):
            answer(col, ids, "delta", q, at(day))
        answer(col, ids, "echo", 4, at("2025-05-15"))
        answer(col, ids, "echo", 2, at("2025-05-17", "02:30"))
        answer(col, ids, "echo", 4, at("2025-05-17", "02:35"))
        answer(col, ids, "echo", 4, at("2025-05-17"))
        answer(col, ids, "india", 4, at("2025-06-01", "21:30"))
        answer(col, ids, "foxtrot", 1, at("2025-06-10"), s=8)
        answer(col, ids, "golf", 5, at("2025-06-10", "10:02"), s=4)
        col.suspend(ids["juliet"])
        col.bury(ids["bravo"], now=HISTORY_NOW)
        # india leaves the notes: retired, its review kept
        write_deck(tmp_path, tuple(n for n in NAMES if n != "india"))
        col.build(spec)
        assert col.card(ids["india"]).status == "retired"
    return path


@pytest.fixture
def figures(history: Path) -> dict:
    with Collection.open(history, timezone="UTC") as col:
        return col.stats(now=HISTORY_NOW)


def test_heading(figures):
    assert figures["deck"] is None
    assert figures["day"] == "2025-06-10"
    assert figures["timezone"] == "UTC"
    assert figures["rollover_hour"] == 4


def test_card_counts(figures):
    assert figures["cards"] == {
        "total": 9,  # ten cards, india retired
        "suspended": 1,  # juliet
        "buried": 1,  # bravo, until tomorrow
        "new": 1,  # hotel
        "learning": 1,  # foxtrot: failed today, drill pending
        "young": 3,  # alpha, echo, golf (interval 1)
        "mature": 2,  # charlie (140 d), delta (238 d)
        "retired": 1,  # india
        "leeches": 1,  # alpha: 8 lapses
    }


def test_today(figures):
    assert figures["today"] == {
        "cards": 2,  # foxtrot, golf
        "answers": 2,
        "reviews": 2,
        "new": 2,
        "drills": 0,
        "time_ms": 12_000,  # 8 s + 4 s
        # hotel is new and free; alpha and echo are due; foxtrot's drill waits
        "left": {"new": 1, "review": 2, "drill": 1},
    }


def test_streak(figures):
    assert figures["streak"] == {
        "current": 1,  # today; 06-07..06-09 had no answers
        "longest": 16,  # alpha's sixteen days in January 2024
        # 16 days of alpha + 23 days in 2025 (see the docstring's dates)
        "days_studied": 39,
        # alpha 16, bravo 8, charlie 5, delta 6, echo 4, india 1, foxtrot 1, golf 1
        "answers": 42,
    }


def test_streak_survives_until_the_day_is_over(history):
    with Collection.open(history, timezone="UTC") as col:
        # 2025-06-11 02:00 UTC is still the study day 06-10: the streak is today's
        assert col.stats(now=at("2025-06-11", "02:00"))["streak"]["current"] == 1
        # the next day without answers (yet): yesterday's streak still stands
        assert col.stats(now=at("2025-06-11", "12:00"))["streak"]["current"] == 1
        # a whole day without answers breaks it
        assert col.stats(now=at("2025-06-12", "12:00"))["streak"]["current"] == 0
        # looking back: on 05-17 the run 05-15..05-17 was 3 days long
        back = col.stats(now=at("2025-05-17", "12:00"))["streak"]
        assert back["current"] == 3
        # alpha 16; bravo 03-01..04-30: 5; charlie 5; delta up to 04-02: 5; echo 4
        assert back["answers"] == 16 + 5 + 5 + 5 + 4


def test_history(figures):
    history = figures["history"]
    assert history["start"] == "2024-06-11"
    assert history["end"] == "2025-06-10"
    answers, ms = history["answers"], history["time_ms"]
    assert len(answers) == len(ms) == 365

    def on(day: str) -> int:
        return (date.fromisoformat(day) - date(2024, 6, 11)).days

    assert sum(answers) == 26  # 42 less alpha's 16, before the year
    assert answers[on("2025-06-05")] == 2  # bravo's lapse and its drill
    assert answers[on("2025-05-16")] == 2  # echo at 02:30 and 02:35 UTC on 05-17
    assert answers[on("2025-05-17")] == 1
    assert answers[on("2025-06-01")] == 1  # india, retired since, still counts
    assert answers[-1] == 2
    assert ms[-1] == 12_000
    assert sum(ms) == 24 * 10_000 + 12_000
    days = {i for i, n in enumerate(answers) if n}
    assert len(days) == 23


def test_true_retention(figures):
    def cell(reviews: int, passed: int) -> dict:
        return {"reviews": reviews, "passed": passed, "rate": passed / reviews}

    retention = figures["retention"]
    # last 7 days (06-04..06-10): bravo 06-05 q1 m, 06-06 q4 y; today's answers are new
    assert retention["7"] == {
        "young": cell(1, 1),
        "mature": cell(1, 0),
        "all": cell(2, 1),
    }
    # last 30 days (05-12..): + delta 05-20 q3 m, echo q2 y (05-16), q4 y (05-17)
    assert retention["30"] == {
        "young": cell(3, 2),
        "mature": cell(2, 1),
        "all": cell(5, 3),
    }
    # the year: young = charlie 3, delta 3, bravo 4, echo 2 (one failed);
    # mature = charlie 03-14, delta 04-02 and 05-20, bravo 04-30 and 06-05 (failed)
    assert retention["365"] == {
        "young": cell(12, 11),
        "mature": cell(5, 4),
        "all": cell(17, 15),
    }


def test_forecast(figures):
    due = figures["forecast"]["due"]
    assert figures["forecast"]["start"] == "2025-06-10"
    assert len(due) == 30
    # today: alpha and echo (overdue); bravo is overdue too but buried until tomorrow
    assert due[0] == 2
    # tomorrow: foxtrot, golf (interval 1) and bravo back from burial
    assert due[1] == 3
    # charlie (08-01), delta (2026) fall later; hotel and juliet are new; india retired
    assert sum(due) == 5


def test_answer_buttons(figures):
    assert figures["buttons"] == {
        # again, hard, good, easy
        "new": [1, 0, 4, 2],  # foxtrot q1; delta, bravo, echo, india q4; charlie, golf q5
        "young": [1, 0, 8, 3],  # echo q2; delta ×3, bravo ×4, echo q4; charlie ×3 q5
        "mature": [1, 1, 2, 1],  # bravo q1; delta q3; charlie, delta q4; bravo q5
        "drill": [0, 0, 2, 0],  # bravo, echo
    }


def test_intervals_and_ease(figures):
    intervals = {(b["from"], b["to"]): b["cards"] for b in figures["intervals"]}
    assert intervals[(1, 1)] == 5  # alpha, bravo, echo, foxtrot, golf
    assert intervals[(91, 180)] == 1  # charlie, 140
    assert intervals[(181, 365)] == 1  # delta, 238
    assert sum(intervals.values()) == 7
    assert list(intervals)[-1] == (366, None)
    assert [(b["from"], b["cards"]) for b in figures["ease"]] == [
        (2.3, 1),  # delta 2.36
        (2.4, 0),
        (2.5, 3),  # alpha, echo, foxtrot
        (2.6, 2),  # bravo, golf
        (2.7, 0),
        (2.8, 0),
        (2.9, 1),  # charlie
    ]
    assert figures["ease"][0]["to"] == 2.4


def test_hours(figures):
    hours = {h["hour"]: (h["answers"], h["passed"]) for h in figures["hours"] if h["answers"]}
    assert [h["hour"] for h in figures["hours"]] == list(range(24))
    assert hours == {
        2: (2, 1),  # echo's failure and its drill, 02:30 and 02:35
        10: (23, 21),  # everything else in the year; foxtrot and bravo's q1 failed
        21: (1, 1),  # india
    }


def test_one_deck(history, tmp_path):
    spec = write_deck(tmp_path / "other", ("xray", "yankee"), deck="Other")
    with Collection.open(history, timezone="UTC") as col:
        col.build(spec)
        xray = next(c for c in col.cards("Other") if c.answers == ["xray"])
        col.answer(xray.id, 4, now=at("2025-06-10", "11:00"), duration_ms=3000)
        other = col.stats("Other", now=HISTORY_NOW)
        words = col.stats("Words", now=HISTORY_NOW)
        everything = col.stats(now=HISTORY_NOW)
    assert other["deck"] == "Other"
    assert other["cards"]["total"] == 2
    assert other["cards"]["new"] == 1
    assert other["today"]["answers"] == 1
    assert other["today"]["time_ms"] == 3000
    assert other["streak"] == {"current": 1, "longest": 1, "days_studied": 1, "answers": 1}
    assert other["buttons"]["new"] == [0, 0, 1, 0]
    assert words["cards"]["total"] == 9
    assert words["today"]["answers"] == 2
    assert everything["today"]["answers"] == 3
    assert everything["cards"]["total"] == 11
    assert everything["hours"][11]["answers"] == 1


def test_unknown_deck(history):
    with Collection.open(history) as col, pytest.raises(CollectionError, match="no deck named"):
        col.stats("Nope")


def test_empty_collection(tmp_path):
    with Collection.open(tmp_path / "empty.sqlite", timezone="UTC") as col:
        figures = col.stats(now=HISTORY_NOW)
    assert figures["cards"] == dict.fromkeys(figures["cards"], 0)
    assert figures["today"] == {
        "cards": 0,
        "answers": 0,
        "reviews": 0,
        "new": 0,
        "drills": 0,
        "time_ms": 0,
        "left": {"new": 0, "review": 0, "drill": 0},
    }
    assert figures["streak"] == {"current": 0, "longest": 0, "days_studied": 0, "answers": 0}
    assert figures["history"]["answers"] == [0] * 365
    assert all(
        cell == {"reviews": 0, "passed": 0, "rate": None}
        for period in figures["retention"].values()
        for cell in period.values()
    )
    assert figures["forecast"]["due"] == [0] * 30
    assert figures["buttons"] == {k: [0, 0, 0, 0] for k in ("new", "young", "mature", "drill")}
    assert all(b["cards"] == 0 for b in figures["intervals"])
    assert figures["ease"] == []
    assert all(h["answers"] == 0 for h in figures["hours"])


def test_built_deck_never_studied(tmp_path):
    spec = write_deck(tmp_path, ("one", "two", "three"))
    with Collection.open(tmp_path / "c.sqlite", timezone="UTC") as col:
        col.build(spec)
        figures = col.stats(now=HISTORY_NOW)
    assert figures["cards"]["total"] == figures["cards"]["new"] == 3
    assert figures["today"]["left"] == {"new": 3, "review": 0, "drill": 0}
    assert figures["ease"] == []


# -- time zones and the 04:00 rollover ---------------------------------------------------


def one_card(tmp_path: Path, zone: str) -> tuple[Path, int]:
    spec = write_deck(tmp_path, ("zulu",))
    path = tmp_path / "c.sqlite"
    with Collection.open(path, timezone=zone) as col:
        col.build(spec)
        return path, col.cards()[0].id


def test_hours_follow_daylight_saving(tmp_path):
    # New York moves its clocks from 02:00 to 03:00 on 2025-03-09
    path, card = one_card(tmp_path, "America/New_York")
    with Collection.open(path, timezone="America/New_York") as col:
        col.answer(card, 4, now=at("2025-03-08", "13:30"))  # 08:30 EST
        col.answer(card, 4, now=at("2025-03-10", "13:30"))  # 09:30 EDT
        ny = col.stats(now=at("2025-03-10", "20:00"))
    with Collection.open(path, timezone="UTC") as col:
        utc = col.stats(now=at("2025-03-10", "20:00"))
    assert {h["hour"]: h["answers"] for h in ny["hours"] if h["answers"]} == {8: 1, 9: 1}
    assert {h["hour"]: h["answers"] for h in utc["hours"] if h["answers"]} == {13: 2}


def test_rollover_at_four_in_a_half_hour_zone(tmp_path):
    # Kolkata is UTC+05:30 all year
    path, card = one_card(tmp_path, "Asia/Kolkata")
    with Collection.open(path, timezone="Asia/Kolkata") as col:
        col.answer(card, 4, now=at("2025-03-10", "22:00"))  # 03:30 on 03-11: study day 03-10
        before = col.stats(now=at("2025-03-10", "22:20"))  # 03:50: still 03-10
        col.answer(card, 5, now=at("2025-03-10", "22:40"))  # 04:10: study day 03-11
        after = col.stats(now=at("2025-03-10", "22:45"))
    assert before["day"] == "2025-03-10"
    assert before["today"]["answers"] == 1
    assert after["day"] == "2025-03-11"
    assert after["today"]["answers"] == 1
    assert after["today"]["new"] == 0  # the card was answered the study day before
    assert after["history"]["answers"][-2:] == [1, 1]
    assert after["streak"]["current"] == 2
    hours = {h["hour"]: h["answers"] for h in after["hours"] if h["answers"]}
    assert hours == {3: 1, 4: 1}  # local wall-clock hours, half an hour off UTC's


def test_the_same_moment_in_two_time_zones(tmp_path):
    path, card = one_card(tmp_path, "UTC")
    moment = at("2025-03-10", "07:30")  # 03:30 in New York (EDT), 13:00 in Kolkata
    with Collection.open(path, timezone="America/New_York") as col:
        col.answer(card, 4, now=moment)
        ny = col.stats(now=moment)
    with Collection.open(path, timezone="Asia/Kolkata") as col:
        kolkata = col.stats(now=moment)
    assert ny["day"] == "2025-03-09"  # before New York's 04:00
    assert kolkata["day"] == "2025-03-10"
    # the answer was logged on New York's study day, which is Kolkata's yesterday
    assert ny["today"]["answers"] == 1
    assert kolkata["today"]["answers"] == 0
    assert kolkata["streak"]["current"] == 1  # yesterday's answer keeps the streak
    assert ny["hours"][3]["answers"] == 1
    assert kolkata["hours"][13]["answers"] == 1


def test_utc_offsets_find_the_changes():
    from zoneinfo import ZoneInfo

    start = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp() * 1000)
    end = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
    hour = 3_600_000
    spring = int(datetime(2025, 3, 9, 7, tzinfo=UTC).timestamp() * 1000)  # 02:00 EST
    autumn = int(datetime(2025, 11, 2, 6, tzinfo=UTC).timestamp() * 1000)  # 02:00 EDT
    assert utc_offsets(ZoneInfo("America/New_York"), start, end) == [
        (spring, -5 * hour),
        (autumn, -4 * hour),
        (None, -5 * hour),
    ]
    assert utc_offsets(ZoneInfo("Asia/Kolkata"), start, end) == [(None, 5 * hour + hour // 2)]


# -- the summary tables behind the review figures ---------------------------------------


def test_summaries_follow_answers_and_undo(history):
    store = Store(history)  # a second connection, to look at (and spoil) the file
    with Collection.open(history, timezone="UTC") as col:
        assert summaries.summary_problems(store) == []
        hotel = next(c for c in col.cards() if c.answers == ["hotel"])
        col.answer(hotel.id, 4, now=at("2025-06-10", "11:00"), duration_ms=5000)
        assert col.stats(now=HISTORY_NOW)["today"]["answers"] == 3
        col.undo()
        assert col.stats(now=HISTORY_NOW)["today"]["answers"] == 2
        assert col.stats(now=HISTORY_NOW)["today"]["time_ms"] == 12_000
        assert summaries.summary_problems(store) == []


def test_summary_drift_is_found_and_rebuilt(history):
    store = Store(history)  # a second connection, to look at (and spoil) the file
    with Collection.open(history, timezone="UTC") as col:
        # the day rows (slot -1) and the slot rows of the one summary table, spoilt apart
        store.execute(
            "UPDATE review_summary SET answers = answers + 1 WHERE day = '2025-06-10' AND slot = -1"
        )
        store.execute("DELETE FROM review_summary WHERE day = '2025-06-01' AND slot >= 0")
        problems = summaries.summary_problems(store)
        assert len(problems) == 2
        assert all("flashcards doctor --repair" in p for p in problems)
        with store.atomic():
            summaries.rebuild_summaries(store)
        assert summaries.summary_problems(store) == []
        assert col.stats(now=HISTORY_NOW)["today"]["answers"] == 2


def test_doctor_checks_and_repairs_the_summaries(history):
    store = Store(history)  # a second connection, to look at (and spoil) the file
    with Collection.open(history, timezone="UTC") as col:
        expected = col.stats(now=HISTORY_NOW)
        assert col.doctor() == []
        store.execute("UPDATE review_summary SET value = 0 WHERE slot >= 0")  # passed
        problems = col.doctor()
        assert any("review_slots (the review summaries behind the stats)" in p for p in problems)
        store.execute("DROP TRIGGER reviews_summary_delete")
        store.execute("DROP VIEW review_days")
        problems = col.doctor()
        assert problems == [
            "the review summaries behind the stats lack review_days, reviews_summary_delete; "
            "run `flashcards doctor --repair`"
        ]
        reviews = col.review_count()
        col.doctor(repair=True)
        assert col.review_count() == reviews  # repair never touches a review
        assert col.doctor() == []
        assert col.stats(now=HISTORY_NOW) == expected
        # the recreated triggers follow an answer and its undo again
        hotel = next(c for c in col.cards() if c.answers == ["hotel"])
        col.answer(hotel.id, 4, now=HISTORY_NOW)
        col.undo()
        assert col.stats(now=HISTORY_NOW) == expected
        assert col.doctor() == []


def older_copy(history: Path, tmp_path: Path) -> tuple[dict, Path, sqlite3.Connection]:
    """The history's stats, and a copy of its file open to be made into an older one."""
    with Collection.open(history, timezone="UTC") as col:
        expected = col.stats(now=HISTORY_NOW)
    old = tmp_path / "old.sqlite"
    source, conn = sqlite3.connect(history), sqlite3.connect(old)
    source.backup(conn)
    source.close()
    return expected, old, conn


def test_migration_fills_the_summaries_from_an_older_file(history, tmp_path):
    """A collection from before the summaries gets them filled from its review log."""
    expected, old, conn = older_copy(history, tmp_path)
    # as a collection from before step m003 had it: no summaries, the step not applied
    for trigger in ("insert", "delete", "update"):
        conn.execute(f"DROP TRIGGER reviews_summary_{trigger}")
    conn.execute("DROP VIEW review_days")
    conn.execute("DROP VIEW review_slots")
    conn.execute("DROP TABLE review_summary")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm003_review_summaries'")
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    with Collection.open(old, timezone="UTC") as col:
        assert "review_days" in {r[0] for r in Store(old).execute("SELECT name FROM sqlite_master")}
        assert col.stats(now=HISTORY_NOW) == expected
    assert list(tmp_path.glob("old.sqlite.before-migration-*"))  # the copy kept before


def test_store_is_read_only_for_stats(history):
    """Computing stats writes nothing: the file's change counter stays put."""
    before = Store(history)
    counter = before.execute("PRAGMA data_version").fetchone()[0]
    with Collection.open(history, timezone="UTC") as col:
        col.stats(now=HISTORY_NOW)
    assert before.execute("PRAGMA data_version").fetchone()[0] == counter
    before.close()


def test_stats_say_each_decks_scheduler_and_fsrs_due_dates_feed_the_forecast(
    col: Collection, notes
) -> None:
    from flashcards.decks import DeckSettings, DeckSpec

    for name, scheduler in (("plain", "sm2"), ("memory", "fsrs")):
        path = notes.write(f"{name}.md", f"- {name} fact is **{name}1**.\n")
        col.build(DeckSpec(name=name, notes=[path], settings=DeckSettings(scheduler=scheduler)))
    now = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)
    (card,) = col.cards("memory")
    col.answer(card.id, 5, now)  # Easy: FSRS schedules it days out
    assert col.stats(now=now)["schedulers"] == {"memory": "fsrs", "plain": "sm2"}
    figures = col.stats("memory", now=now)
    assert figures["schedulers"] == {"memory": "fsrs"}
    due = col.card(card.id).due
    assert figures["forecast"]["due"][(due - col.today(now)).days] == 1


def _plans_reading_cards(path: Path, deck_id: int | None) -> list[tuple[str, str]]:
    """(statement, plan line) for every plan line that reads `cards` or `card_state`, over
    every query the stats run against them."""
    from flashcards.store import stats as queries

    store = Store(path)
    statements: list[str] = []
    try:
        store.db.conn.set_trace_callback(statements.append)
        queries.card_counts(store, deck_id, "2025-06-10", 21, 8)
        queries.schedule_groups(store, deck_id)
        queries.due_groups(store, deck_id, "2025-06-10", "2025-07-10")
        queries.cards_studied(store, deck_id, "2025-06-10")
        store.db.conn.set_trace_callback(None)
        lines = []
        for sql in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            for *_, detail in store.execute(f"EXPLAIN QUERY PLAN {sql}"):
                step, table = (detail.split(" ") + [""])[:2]
                if step in ("SCAN", "SEARCH") and table in ("c", "cards", "s", "card_state"):
                    lines.append((sql, detail))
    finally:
        store.close()
    return lines


@pytest.mark.parametrize("one_deck", [False, True])
def test_the_card_queries_never_pass_over_every_card(history, one_deck):
    # a million cards: the figures come from the card summaries (m015); the cards are
    # only looked up where the day matters (buried, in a drill), through an index
    with Collection.open(history, timezone="UTC") as col:
        deck_id = col.deck_id("Words") if one_deck else None
    lines = _plans_reading_cards(history, deck_id)
    assert lines  # the buried and drilling cards are looked up
    scans = [(sql, detail) for sql, detail in lines if detail.startswith("SCAN")]
    assert not scans, scans
