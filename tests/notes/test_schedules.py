"""Schedules other tools write in notes: Obsidian SR comments and Logseq card-* properties."""

from __future__ import annotations

from datetime import date

import pytest

from flashcards.cards import extract
from flashcards.notes.outline import parse_note
from flashcards.notes.schedules import for_cards, note_schedules, parse_logseq, parse_osr


def schedules_of(text: str) -> tuple[list, list[str]]:
    note = parse_note(text, "deck.md")
    cards = list(extract(note))
    lines = [c.line for c in cards]
    warnings: list = []
    found = for_cards(note_schedules(note, lines, warnings), lines)
    return [(cards[i].answers, s) for i, s in found], [str(w) for w in warnings]


def test_an_sr_comment_gives_one_segment_per_sibling_in_order() -> None:
    found, warnings = schedules_of(
        "- {{c1::Paris}} is in {{c2::France}} <!--SR:!2024-05-22,1,230!2024-05-25,4,270-->\n"
    )
    assert warnings == []
    (first_answers, first), (second_answers, second) = found
    assert first_answers == ["Paris"] and second_answers == ["France"]
    assert (first.due, first.interval, first.ef) == (date(2024, 5, 22), 1, 2300)
    assert (second.due, second.interval, second.ef) == (date(2024, 5, 25), 4, 2700)
    assert second.last_day == date(2024, 5, 21)  # due - interval: the plugin keeps no more


def test_the_year_2000_placeholder_leaves_that_sibling_new() -> None:
    found, _ = schedules_of(
        "- {{c1::a b}} and {{c2::c d}} <!--SR:!2000-01-01,1,250!2024-05-25,4,270-->\n"
    )
    assert [answers for answers, _ in found] == [["c d"]]


def test_the_comment_may_sit_on_the_line_after_the_card() -> None:
    found, _ = schedules_of(
        "- Water boils at **one hundred** degrees\n<!--SR:!2024-06-01,6,250-->\n"
    )
    assert [(a, s.interval) for a, s in found] == [(["one hundred"], 6)]


def test_the_fsrs_segment_form() -> None:
    (entry,) = parse_osr(
        "!fsrs,2024-06-10T08:00:00.000Z,12,11.5,5.2,2,4,1,0,2024-05-29T08:00:00.000Z"
    )
    assert entry is not None
    assert (entry.due, entry.interval, entry.repetitions, entry.lapses, entry.last_day) == (
        date(2024, 6, 10),
        12,
        4,
        1,
        date(2024, 5, 29),
    )


def test_logseq_card_properties() -> None:
    found, warnings = schedules_of(
        "- What does SM-2 keep? #card\n"
        "  card-last-interval:: 10.5\n"
        "  card-repeats:: 3\n"
        "  card-ease-factor:: 2.36\n"
        "  card-next-schedule:: 2025-03-20T08:00:00.000Z\n"
        "  card-last-reviewed:: 2025-03-10T08:00:00.000Z\n"
        "  card-last-score:: 5\n"
        "  - an easiness factor\n"
    )
    assert warnings == []
    ((_, s),) = found
    assert (s.repetitions, s.ef, s.interval, s.due, s.last_day, s.q) == (
        3,
        2360,
        11,
        date(2025, 3, 20),
        date(2025, 3, 10),
        5,
    )


def test_a_logseq_card_never_repeated_is_new() -> None:
    assert parse_logseq({"card-repeats": "0", "card-last-interval": "-1"}) is None


@pytest.mark.parametrize(
    "comment",
    ["<!--SR:!2025-99-12,4,230-->", "<!--SR:!2025-03-12,4-->", "<!--SR:2025-03-12,4,230-->"],
)
def test_a_malformed_comment_is_a_warning_with_its_line(comment: str) -> None:
    found, warnings = schedules_of(
        f"- first **card** here\n- second {{{{c1::card}}}} x {comment}\n"
    )
    assert found == []
    assert len(warnings) == 1 and warnings[0].startswith("deck.md:2: its schedule is ignored")


def test_a_malformed_property_is_a_warning() -> None:
    found, warnings = schedules_of(
        "- Q? #card\n  card-repeats:: three\n  card-next-schedule:: 2025-03-20\n  - A\n"
    )
    assert found == [] and warnings[0].startswith("deck.md:1: its schedule is ignored")
