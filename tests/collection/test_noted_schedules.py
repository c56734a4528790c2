"""A build gives cards without history the schedule their notes write, as an import row."""

from __future__ import annotations

from datetime import date, timedelta

from helpers import NOW, Notes

from flashcards import Collection

OSR = "- The capital of France is {{c1::Paris}} and of Italy {{c2::Rome}} <!--SR:!2025-03-12,4,230!2000-01-01,1,250-->\n"
LOGSEQ = (
    "- What does SM-2 keep per card? #card\n"
    "  card-last-interval:: 10.5\n"
    "  card-repeats:: 3\n"
    "  card-ease-factor:: 2.36\n"
    "  card-next-schedule:: 2025-03-20T08:00:00.000Z\n"
    "  card-last-reviewed:: 2025-03-09T08:00:00.000Z\n"
    "  card-last-score:: 5\n"
    "  - an easiness factor\n"
)


def by_answer(col: Collection) -> dict[str, object]:
    return {(c.answers[0] if c.answers else c.front): c for c in col.cards()}


def test_cards_start_from_the_schedule_in_their_notes(col: Collection, notes: Notes) -> None:
    path = notes.write("deck.md", OSR)
    text = path.read_bytes()
    report = col.build(notes.root)
    assert report.schedules == 1
    cards = by_answer(col)
    paris, rome = cards["Paris"].state, cards["Rome"].state
    assert (paris.due, paris.interval, paris.ef, paris.repetitions) == (
        date(2025, 3, 12),
        4,
        2300,
        2,
    )
    assert rome.is_new
    assert col.doctor() == []  # the state is the replay of the log
    assert path.read_bytes() == text  # the notes are never written
    # the next answer goes on from the imported state: ceil(4 × 2.3) = 10 days
    later = NOW + timedelta(days=2)
    after = col.answer(cards["Paris"].id, 4, now=later)
    assert (after.interval, after.repetitions) == (10, 3)
    assert col.doctor() == []


def test_logseq_card_properties_give_the_state(col: Collection, notes: Notes) -> None:
    notes.write("page.md", LOGSEQ)
    report = col.build(notes.root)
    assert report.schedules == 1
    (card,) = col.cards()
    assert (card.state.due, card.state.interval, card.state.ef) == (date(2025, 3, 20), 11, 2360)
    assert col.doctor() == []


def test_an_imported_schedule_is_no_answer_of_the_day(col: Collection, notes: Notes) -> None:
    notes.write("page.md", LOGSEQ)  # last reviewed 2025-03-09, the day before NOW
    col.build(notes.root)
    stats = col.stats(now=NOW - timedelta(days=1))
    assert stats["today"]["answers"] == 0 and stats["today"]["cards"] == 0


def test_history_wins_over_the_notes(col: Collection, notes: Notes) -> None:
    notes.write("deck.md", "- Water boils at **one hundred** degrees\n")
    col.build(notes.root)
    (card,) = col.cards()
    col.answer(card.id, 5, now=NOW)
    notes.write(
        "deck.md", "- Water boils at **one hundred** degrees <!--SR:!2030-01-01,40,250-->\n"
    )
    report = col.build(notes.root)
    assert report.schedules == 0
    (card,) = col.cards()
    assert card.state.due == NOW.date() + timedelta(days=1)


def test_a_second_build_imports_nothing_more(col: Collection, notes: Notes) -> None:
    notes.write("deck.md", OSR)
    col.build(notes.root)
    reviews = col.review_count()
    notes.write("other.md", "- Light is ==fast==.\n")
    report = col.build(notes.root)
    assert report.schedules == 0 and col.review_count() == reviews


def test_a_malformed_comment_is_a_build_warning(col: Collection, notes: Notes) -> None:
    notes.write(
        "deck.md", "- first **card** here\n- a {{c1::second}} one <!--SR:!2025-13-40,4,230-->\n"
    )
    report = col.build(notes.root)
    assert report.schedules == 0 and report.cards == 2
    (warning,) = report.warnings
    assert warning.startswith(f"{notes.root / 'deck.md'}:2: its schedule is ignored")
