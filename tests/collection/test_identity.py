"""Card identity through edits: what a note-taker does to notes keeps review history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from helpers import NOW, Notes, reviews_in

import flashcards.build
from flashcards import Collection
from flashcards.build import BuildReport
from flashcards.reading import extract_paths

A = """\
# Biology
- The **mitochondria** is the powerhouse of the cell.
- Cells divide by **mitosis** in most tissues.
  - Meiosis makes **gametes** for sexual reproduction.
"""
B = """\
- Water boils at **100** degrees Celsius at sea level.
- Paris is the capital of **France** and its largest city.
"""
COUNTS = ("new", "updated", "edited", "moved", "retired", "restored", "unchanged")


@pytest.fixture(autouse=True, params=["whole deck", "changed files"])
def matching(request, monkeypatch):
    """Run every case both ways a build can look at the deck: its whole index, or only
    the changed files' cards and cards of the same content."""
    monkeypatch.setattr(
        flashcards.build, "FEW_FILES", 0.0 if request.param == "whole deck" else 1.0
    )


@dataclass
class Snapshot:
    """What must survive an edit: the card's id, schedule and review log."""

    id: int
    status: str
    state: tuple
    reviews: list[tuple]


def snapshot(col: Collection) -> dict[str, Snapshot]:
    out = {}
    for c in col.cards():
        out[c.answers[0]] = Snapshot(
            c.id,
            c.status,
            (c.repetitions, c.ef, c.interval, c.due, c.lapses),
            [(q, day, kind) for cid, q, day, kind, *_ in reviews_in(col.path) if cid == c.id],
        )
    return out


def counts(report: BuildReport) -> dict[str, int]:
    return {k: getattr(report, k) for k in COUNTS if getattr(report, k)}


@pytest.fixture
def studied(col: Collection, notes: Notes) -> dict[str, Snapshot]:
    """Two files built and every card answered once (grades differ so states differ)."""
    notes.write("a.md", A)
    notes.write("b.md", B)
    report = col.build(notes.root)
    assert counts(report) == {"new": 5}
    for q, card in zip([5, 4, 3, 5, 4], col.cards(), strict=True):
        col.answer(card.id, q, now=NOW)
    before = snapshot(col)
    assert all(s.reviews and s.state[0] == 1 for s in before.values())
    return before


def assert_kept(col: Collection, before: dict[str, Snapshot], *answers: str) -> None:
    after = snapshot(col)
    for answer in answers or before:
        assert after[answer] == before[answer], answer


def assert_as_previewed(col: Collection, notes: Notes) -> None:
    """The active cards are the cards a preview of the notes shows, hash for hash."""
    preview = extract_paths([notes.root]).cards
    active = col.cards(include_retired=False)
    assert sorted(c.content_hash for c in active) == sorted(c.content_hash for c in preview)


def test_a_rebuild_without_changes_keeps_everything(col, notes, studied):
    report = col.build(notes.root)
    assert counts(report) == {"unchanged": 5}
    assert report.read == 0
    assert_kept(col, studied)


def test_a_fixed_typo_keeps_the_card(col, notes, studied):
    notes.write("a.md", A.replace("powerhouse", "powrhouse"))
    report = col.build(notes.root)
    assert counts(report) == {"edited": 1, "unchanged": 4}
    assert_kept(col, studied)
    card = col.card(studied["mitochondria"].id)
    assert "powrhouse" in card.front


def test_a_reworded_sentence_keeps_the_card(col, notes, studied):
    notes.write(
        "a.md",
        A.replace(
            "The **mitochondria** is the powerhouse of the cell.",
            "The **mitochondria** is known as the powerhouse of every cell.",
        ),
    )
    old_hash = col.card(studied["mitochondria"].id).content_hash
    report = col.build(notes.root)
    assert counts(report) == {"edited": 1, "unchanged": 4}
    assert_kept(col, studied)
    card = col.card(studied["mitochondria"].id)
    assert card.content_hash != old_hash
    assert card.front == "The [...] is known as the powerhouse of every cell."


def test_a_block_moved_to_another_file_keeps_its_card(col, notes, studied):
    france = "- Paris is the capital of **France** and its largest city.\n"
    notes.write("b.md", B.replace(france, ""))
    notes.write("a.md", A + france)
    report = col.build(notes.root)
    assert counts(report) == {"moved": 1, "unchanged": 4}
    assert_kept(col, studied)
    card = col.card(studied["France"].id)
    assert card.source == str(notes.root / "a.md")
    assert card.line == 5


def test_reordering_blocks_keeps_every_card(col, notes, studied):
    lines = A.splitlines(keepends=True)
    notes.write("a.md", lines[0] + "".join(lines[2:]) + lines[1])
    report = col.build(notes.root)
    assert counts(report) == {"unchanged": 5}
    assert report.read == 1
    assert_kept(col, studied)
    assert col.card(studied["mitochondria"].id).line == 4  # the line follows the block


def test_re_indenting_keeps_every_card(col, notes, studied):
    # a tab instead of two spaces: the same outline
    notes.write("a.md", A.replace("  - Meiosis", "\t- Meiosis"))
    report = col.build(notes.root)
    assert counts(report) == {"unchanged": 5}
    assert_kept(col, studied)


def test_outdenting_a_block_updates_context_but_keeps_cards(col, notes, studied):
    notes.write("a.md", A.replace("  - Meiosis", "- Meiosis"))
    report = col.build(notes.root)
    # gametes loses its parent from its context; mitosis loses its child from its back
    assert counts(report) == {"updated": 2, "unchanged": 3}
    assert_kept(col, studied)
    assert col.card(studied["gametes"].id).context == ["Biology"]


def test_renaming_a_file_keeps_its_cards(col, notes, studied):
    notes.rename("b.md", "physics and geography.md")
    report = col.build(notes.root)
    assert counts(report) == {"moved": 2, "unchanged": 3}
    assert_kept(col, studied)
    assert col.card(studied["100"].id).source.endswith("physics and geography.md")


def test_a_deleted_block_retires_its_card_and_keeps_history(col, notes, studied):
    notes.write("b.md", B.splitlines(keepends=True)[0])
    report = col.build(notes.root)
    assert counts(report) == {"retired": 1, "unchanged": 4}
    assert report.cards == 4
    after = snapshot(col)
    assert after["France"].status == "retired"
    assert after["France"].reviews == studied["France"].reviews
    assert after["France"].state == studied["France"].state
    assert [d.retired for d in col.decks(NOW)] == [1]
    assert studied["France"].id not in {c.id for c in col.cards(include_retired=False)}


def test_a_retired_card_never_comes_up_for_study(col, notes, studied):
    notes.write("b.md", B.splitlines(keepends=True)[0])
    col.build(notes.root)
    retired = studied["France"].id
    # a year on, everything else is due: study until nothing is left, over two days
    # (a block's answer puts its parent's and children's cards off to the next day)
    shown = []
    for day in (365, 366):
        later = NOW + timedelta(days=day)
        while (card := col.next_card(now=later)) is not None and len(shown) < 50:
            shown.append(card.id)
            col.answer(card.id, 5, now=later)
    assert shown and retired not in shown
    assert set(shown) == {s.id for a, s in studied.items() if a != "France"}


def test_restoring_a_block_brings_its_card_and_history_back(col, notes, studied):
    notes.write("b.md", B.splitlines(keepends=True)[0])
    col.build(notes.root)
    notes.write("b.md", B)
    report = col.build(notes.root)
    assert counts(report) == {"restored": 1, "unchanged": 4}
    assert_kept(col, studied)  # status active again, same id, state and reviews
    assert col.card(studied["France"].id).status == "active"


def test_a_block_restored_into_another_file_comes_back_too(col, notes, studied):
    france = "- Paris is the capital of **France** and its largest city.\n"
    notes.write("b.md", B.replace(france, ""))
    col.build(notes.root)
    notes.write("c.md", france)
    report = col.build(notes.root)
    assert counts(report) == {"restored": 1, "unchanged": 4}
    assert_kept(col, studied)


def test_a_changed_answer_is_a_new_card(col, notes, studied):
    notes.write("b.md", B.replace("**100**", "**99.97**"))
    report = col.build(notes.root)
    assert counts(report) == {"new": 1, "retired": 1, "unchanged": 4}
    after = snapshot(col)
    assert after["100"].status == "retired"
    assert after["100"].reviews == studied["100"].reviews
    assert after["99.97"].reviews == [] and after["99.97"].id != studied["100"].id


def test_a_rewritten_sentence_is_a_new_card(col, notes, studied):
    notes.write("b.md", B.replace("Water boils at", "At the top of Everest it is not"))
    notes.write(
        "b.md",
        "- **100** is also the number of pennies in a dollar, a different fact.\n"
        "- Paris is the capital of **France** and its largest city.\n",
    )
    report = col.build(notes.root)
    assert counts(report) == {"new": 1, "retired": 1, "unchanged": 4}


def test_several_edits_in_one_build_are_each_counted(col, notes, studied):
    france = "- Paris is the capital of **France** and its largest city.\n"
    notes.write(
        "a.md",
        A.replace("powerhouse", "powrhouse").replace(
            "  - Meiosis makes **gametes** for sexual reproduction.\n", ""
        )
        + france,
    )
    notes.write("b.md", B.replace(france, "") + "- Light is **fast**.\n")
    report = col.build(notes.root)
    assert counts(report) == {
        "new": 1,
        "edited": 1,
        "moved": 1,
        "retired": 1,
        "updated": 1,  # mitosis: its child is gone from its back
        "unchanged": 1,
    }
    assert report.cards == 5
    assert_kept(col, studied, "mitochondria", "France", "100", "mitosis")
    assert_as_previewed(col, notes)


def test_editing_a_block_with_two_deletions_keeps_both_cards(col, notes):
    notes.write("a.md", "- **Oxygen** and **hydrogen** make water.\n")
    col.build(notes.root)
    ids = {c.answers[0]: c.id for c in col.cards()}
    for card_id in ids.values():
        col.answer(card_id, 5, now=NOW)
    notes.write("a.md", "- **Oxygen** and **hydrogen** together make water.\n")
    report = col.build(notes.root)
    assert counts(report) == {"edited": 2}
    assert {c.answers[0]: c.id for c in col.cards()} == ids
    assert all(c.repetitions == 1 for c in col.cards())


def test_identical_blocks_are_separate_cards(col, notes):
    same = "- The speed of light is **299792458** m/s.\n"
    notes.write("a.md", same + same)
    notes.write("b.md", same)
    report = col.build(notes.root)
    assert report.new == 3
    assert_as_previewed(col, notes)
    cards = col.cards()
    assert len({c.id for c in cards}) == len({c.content_hash for c in cards}) == 3


def test_deleting_one_copy_of_an_identical_block_keeps_the_others_history(col, notes):
    same = "- The speed of light is **299792458** m/s.\n"
    notes.write("a.md", same)
    notes.write("b.md", "- Sound is **slower**.\n" + same)
    col.build(notes.root)
    in_a, in_b = (c for c in col.cards() if c.answers == ["299792458"])
    assert in_a.source.endswith("a.md") and in_b.source.endswith("b.md")
    col.answer(in_b.id, 5, now=NOW)  # only b's copy was studied
    notes.remove("a.md")
    report = col.build(notes.root)
    assert counts(report) == {"retired": 1, "unchanged": 2}
    assert_as_previewed(col, notes)
    assert col.card(in_b.id).status == "active"
    assert col.card(in_b.id).repetitions == 1
    assert col.card(in_a.id).status == "retired"
    # the survivor is now the first copy: its hash is the plain one, as a preview shows it
    notes.write("a.md", same)
    report = col.build(notes.root)
    assert counts(report) == {"restored": 1, "unchanged": 2}
    assert_as_previewed(col, notes)
    assert col.card(in_a.id).status == "active" and col.card(in_a.id).repetitions == 0
    assert col.card(in_b.id).repetitions == 1


def test_identical_blocks_in_one_file_keep_their_order(col, notes):
    same = "- A **byte** has eight bits.\n"
    notes.write("a.md", same + "- A **nibble** has four.\n" + same)
    col.build(notes.root)
    first, second = sorted((c for c in col.cards() if c.answers == ["byte"]), key=lambda c: c.line)
    col.answer(second.id, 5, now=NOW)
    notes.write("a.md", "- A **nibble** has four.\n" + same + same)
    report = col.build(notes.root)
    assert counts(report) == {"unchanged": 3}
    bytes_ = sorted((c for c in col.cards() if c.answers == ["byte"]), key=lambda c: c.line)
    # copies are told apart by their order: the second copy is still the studied one
    assert [c.id for c in bytes_] == [first.id, second.id]
    assert [c.repetitions for c in bytes_] == [0, 1]


def test_counts_add_up_to_the_active_cards(col, notes, studied):
    notes.write(
        "b.md", "- Light is **fast**.\n- Paris is the capital of **France**, largest city.\n"
    )
    report = col.build(notes.root)
    active = sum(getattr(report, k) for k in COUNTS if k != "retired")
    assert active == report.cards == len(col.cards(include_retired=False))
    assert report.retired == len([c for c in col.cards() if c.status == "retired"])


def test_new_copies_of_a_block_in_quick_builds_get_their_own_guid(col, notes):
    """Found by hypothesis: a copy number handed on within the same second made the
    new card's guid repeat the previous build's."""
    same = "- A **byte** has eight bits.\n"
    notes.write("a.md", same)
    notes.write("c.md", same)
    col.build(notes.root)
    notes.write("b.md", same)  # the new copy takes c.md's copy number; c.md's card moves on
    col.build(notes.root)
    notes.write("a.md", same + same)
    report = col.build(notes.root)
    assert report.new == 1 and report.cards == 4
    cards = col.cards()
    assert len({c.guid for c in cards}) == len(cards) == 4


def test_new_read_options_reread_once_and_keep_every_card(col, notes, tmp_path):
    """A junk switch (as a dialect or the plugin's settings would) changes the reader key:
    the next build reads every file again, once, and every surviving card keeps its id,
    state and reviews; a deletion a rule now skips retires its card with its history.
    (A deck's spec is its identity: the deck is built from one spec throughout.)"""
    notes.write("a.md", A)
    notes.write("b.md", B)
    spec = tmp_path / "deck.md"
    spec.write_text(f"---\nname: notes\nnotes: [{notes.root}]\n---\n")
    assert counts(col.build(spec)) == {"new": 5}
    for q, card in zip([5, 4, 3, 5, 4], col.cards(), strict=True):
        col.answer(card.id, q, now=NOW)
    studied = snapshot(col)
    notes.write("b.md", B + "- **Note:** the **heart** pumps blood.\n")
    report = col.build(spec)
    assert counts(report) == {"new": 1, "unchanged": 5} and report.skipped == {"stock label": 1}
    assert_kept(col, studied)
    spec.write_text(f"---\nname: notes\nnotes: [{notes.root}]\njunk: {{label: false}}\n---\n")
    report = col.build(spec)
    assert report.read == 2 and counts(report) == {"new": 1, "unchanged": 6}
    assert report.skipped == {}
    assert_kept(col, studied)
    again = col.build(spec)
    assert again.read == 0
    spec.write_text(f"---\nname: notes\nnotes: [{notes.root}]\n---\n")
    report = col.build(spec)
    assert report.read == 2 and counts(report) == {"retired": 1, "unchanged": 6}
    assert_kept(col, studied)
