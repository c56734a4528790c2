"""Sync through journals: three devices converge whatever the order, torn copies, repeats."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flashcards import Collection

from .support import NOTES, history, make_device, states, study, when

DAYS = [  # (device, day, grades): interleaved days, the same deck on all three
    (0, 0, [4, 5, 2]),
    (1, 0, [3, 4]),
    (2, 1, [5, 1, 4, 4]),
    (0, 2, [4, 4, 4]),
    (1, 3, [2, 5]),
    (2, 3, [4]),
]


def _devices(tmp_path: Path, notes) -> list[Collection]:
    notes.write("facts.md", NOTES)
    return [make_device(tmp_path, name, notes.root) for name in ("a", "b", "c")]


def _study_all(devices: list[Collection]) -> None:
    for minute, (who, day, grades) in enumerate(DAYS):
        study(devices[who], day, grades, minute * 10)


def _copy_torn(src: Path, dst: Path, cut: int) -> None:
    """A copy of a journal taken while it was being written: the last line cut short."""
    data = src.read_bytes()
    dst.write_bytes(data[: max(len(data) - cut, 0)])


def _deliver(devices: list[Collection], folders: list[Path], who: int, cut: int = 0) -> None:
    """The transport: the journals in `who`'s folder reach the others' folders when they
    are newer (longer) there, cut short by `cut` bytes; never a device's own journal."""
    for other, folder in enumerate(folders):
        if other == who:
            continue
        for journal in folders[who].glob("*.jsonl"):
            target = folder / journal.name
            if journal.stem == devices[other].device_id:
                continue
            if not target.exists() or target.stat().st_size < journal.stat().st_size - cut:
                _copy_torn(journal, target, cut)


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    order=st.lists(st.integers(0, 2), min_size=3, max_size=9),
    cuts=st.lists(st.integers(1, 40), min_size=9, max_size=9),
)
def test_three_devices_end_identical_whatever_the_order(tmp_path_factory, notes, order, cuts):
    tmp = tmp_path_factory.mktemp("devices")
    notes.root = tmp / "notes"
    notes.root.mkdir()
    devices = _devices(tmp, notes)
    _study_all(devices)
    folders = [tmp / f"sync-{i}" for i in range(3)]  # each device's copy of the folder
    for folder in folders:
        folder.mkdir()
    # syncs in a shuffled order, each device's folder receiving torn copies of the others'
    for step, who in enumerate(order):
        devices[who].sync(folders[who])
        _deliver(devices, folders, who, cuts[step] if step % 2 else 0)
    # then the transport catches up: whole copies everywhere, and a last round of syncs
    for _ in range(2):
        for who in range(3):
            devices[who].sync(folders[who])
            _deliver(devices, folders, who)
    for who in range(3):
        devices[who].sync(folders[who])
    first = states(devices[0])
    assert any(row[2] > 0 for row in first)  # something was learnt
    for device in devices:
        assert states(device) == first
        assert history(device) == history(devices[0])
        assert device.review_count() == sum(len(g) for _, _, g in DAYS)
        assert device.doctor() == []
        device.close()


def test_a_journal_read_twice_adds_nothing(tmp_path, notes):
    a, b, _ = _devices(tmp_path, notes)
    study(a, 0, [4, 4, 2], 0)
    folder = tmp_path / "sync"
    folder.mkdir()
    a.sync(folder)
    assert b.sync(folder).added == 3
    before = (states(b), b.review_count())
    # the same journal read again from the start (as after a fresh clone) adds nothing
    b.close()
    import sqlite3

    conn = sqlite3.connect(b.path)
    conn.execute("DELETE FROM sync_peers")
    conn.commit()
    conn.close()
    with Collection.open(b.path, timezone="UTC") as again:
        report = again.sync(folder)
        assert report.journals == 1 and report.added == 0
        assert (states(again), again.review_count()) == before


def test_a_torn_last_line_waits_until_it_is_complete(tmp_path, notes):
    a, b, _ = _devices(tmp_path, notes)
    study(a, 0, [4, 5], 0)
    mine, theirs = tmp_path / "a-sync", tmp_path / "b-sync"
    mine.mkdir()
    theirs.mkdir()
    a.sync(mine)
    journal = mine / f"{a.device_id}.jsonl"
    _copy_torn(journal, theirs / journal.name, 5)
    report = b.sync(theirs)
    assert (report.added, report.warnings) == (1, [])  # the whole first line only
    shutil.copyfile(journal, theirs / journal.name)
    assert b.sync(theirs).added == 1
    assert states(b) == states(a)


def test_a_review_of_a_card_not_built_here_waits_for_it(tmp_path, notes):
    notes.write("facts.md", NOTES)
    a = make_device(tmp_path, "a", notes.root)
    study(a, 0, [4, 4, 4, 4, 4, 4], 0)
    folder = tmp_path / "sync"
    folder.mkdir()
    a.sync(folder)
    # b has built only part of the same notes so far (its own copy, the same deck name)
    other = tmp_path / "b" / "notes"
    other.mkdir(parents=True)
    lines = NOTES.splitlines(keepends=True)
    (other / "facts.md").write_text("".join(lines[:2]))
    b = make_device(tmp_path, "b", other)
    report = b.sync(folder)
    assert (report.added, report.pending) == (2, 4)
    (other / "facts.md").write_text(NOTES)
    b.build(other)
    assert b.review_count() == 6  # merged as the build made the cards
    assert states(b) == states(a)
    assert b.sync(folder).pending == 0
    assert b.doctor() == []


def test_undo_on_one_device_is_replayed_by_the_others(tmp_path, notes):
    a, b, c = _devices(tmp_path, notes)
    folder = tmp_path / "sync"
    folder.mkdir()
    study(a, 0, [4, 5], 0)
    a.sync(folder)
    b.sync(folder)
    # a takes back its last answer after it was journaled, and answers again
    a.undo()
    card = a.next_card(now=when(0, 30))
    a.answer(card.id, 1, now=when(0, 30))
    a.sync(folder)
    lines = (folder / f"{a.device_id}.jsonl").read_text().splitlines()
    assert '"kind": "undo"' in lines[-1]  # after the new answer: undos follow the reviews
    assert b.sync(folder).undone == 1
    c.sync(folder)  # c reads the review and its undo in one go
    for device in (b, c):
        assert states(device) == states(a)
        assert history(device) == history(a)
        assert device.doctor() == []
    assert a.review_count() == 2


def test_a_large_merge_keeps_the_stats_summaries_equal_to_the_log(tmp_path, notes):
    """Over a thousand reviews at once take the bulk path into the summaries."""
    from flashcards.sync.journal import Entry, encode, header

    a, b, _ = _devices(tmp_path, notes)
    card = a.cards()[0]
    folder = tmp_path / "sync"
    folder.mkdir()
    device = "00000000000000ff"
    lines = [header(device)]
    for i in range(1200):
        t = 1_741_608_000_000 + i * 86_400_000 // 4
        day = when(i // 4, 0).date().isoformat()
        lines.append(
            encode(Entry(device, "x", "notes", card.content_hash, t, day, 4, 1000, "review"))
        )
    (folder / f"{device}.jsonl").write_bytes(b"".join(lines))
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    before = b._store.execute(indexes).fetchall()
    assert b.sync(folder).added == 1200
    assert b.doctor() == []  # card states and per-day summaries both match the log
    # more rows than the log held: its index by day was dropped for the insert, made again
    assert b._store.execute(indexes).fetchall() == before
