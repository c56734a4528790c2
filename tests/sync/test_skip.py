"""A sync opens only the journals that changed since it last read them, and reads a
rewritten journal again from its start."""

from __future__ import annotations

import os
import shutil

import pytest

from .support import NOTES, make_device, states, study


@pytest.fixture
def pair(tmp_path, notes):
    notes.write("facts.md", NOTES)
    a = make_device(tmp_path, "a", notes.root)
    b = make_device(tmp_path, "b", notes.root)
    yield a, b
    a.close()
    b.close()


def _folders(tmp_path):
    mine, theirs = tmp_path / "a-sync", tmp_path / "b-sync"
    mine.mkdir()
    theirs.mkdir()
    return mine, theirs


def test_a_journal_appended_after_a_sync_with_no_news_is_still_read(pair, tmp_path):
    a, b = pair
    folder = tmp_path / "sync"
    folder.mkdir()
    study(a, 0, [4, 4], 0)
    a.sync(folder)
    assert b.sync(folder).added == 2
    again = b.sync(folder)
    assert (again.journals, again.added) == (0, 0)  # unchanged: not even opened
    study(a, 1, [5], 0)
    a.sync(folder)
    report = b.sync(folder)
    assert (report.journals, report.added, report.warnings) == (1, 1, [])
    assert states(b) == states(a)


def test_a_journal_touched_but_not_changed_is_read_again_and_adds_nothing(pair, tmp_path):
    a, b = pair
    folder = tmp_path / "sync"
    folder.mkdir()
    study(a, 0, [4, 3], 0)
    a.sync(folder)
    b.sync(folder)
    journal = folder / f"{a.device_id}.jsonl"
    info = journal.stat()
    os.utime(journal, ns=(info.st_atime_ns, info.st_mtime_ns + 5_000_000_000))
    report = b.sync(folder)
    assert (report.journals, report.added, report.warnings) == (1, 0, [])


def _lines(path):
    return path.read_bytes().splitlines(keepends=True)


def test_a_journal_rewritten_with_other_lines_before_the_offset_is_read_from_its_start(
    pair, tmp_path
):
    a, b = pair
    mine, theirs = _folders(tmp_path)
    study(a, 0, [4, 4, 4], 0)
    a.sync(mine)
    journal = mine / f"{a.device_id}.jsonl"
    copy = theirs / journal.name
    shutil.copyfile(journal, copy)
    assert b.sync(theirs).added == 3
    study(a, 1, [5, 5, 5, 5], 0)
    a.sync(mine)
    header, first, _, _, *later = _lines(journal)
    # the copy lost lines 2 and 3 (a folder restored from an older backup, say), then
    # got the rest: longer than what b read, with other bytes where b stopped
    copy.write_bytes(header + first + b"".join(later))
    assert copy.stat().st_size > len(header + first) + 2 * len(first)
    report = b.sync(theirs)
    assert (report.added, report.warnings) == (4, [])
    assert b.review_count() == 7


def test_a_journal_cut_shorter_than_where_the_last_read_stopped_is_read_from_its_start(
    pair, tmp_path
):
    a, b = pair
    mine, theirs = _folders(tmp_path)
    study(a, 0, [4, 4, 4], 0)
    a.sync(mine)
    journal = mine / f"{a.device_id}.jsonl"
    copy = theirs / journal.name
    shutil.copyfile(journal, copy)
    assert b.sync(theirs).added == 3
    study(a, 1, [5], 0)
    a.sync(mine)
    header, first, _, _, newest = _lines(journal)
    copy.write_bytes(header + first + newest)
    report = b.sync(theirs)
    assert (report.journals, report.added, report.warnings) == (1, 1, [])
    assert b.review_count() == 4


def test_a_journal_longer_than_one_read_is_read_on_next_time_though_unchanged(
    pair, tmp_path, monkeypatch
):
    from flashcards.sync import journal

    a, b = pair
    folder = tmp_path / "sync"
    folder.mkdir()
    study(a, 0, [4, 4, 4, 4], 0)
    a.sync(folder)
    lines = _lines(folder / f"{a.device_id}.jsonl")
    # one read takes the header and about two review lines
    monkeypatch.setattr(journal, "MAX_READ", len(lines[1]) * 2 + 10)
    first = b.sync(folder).added
    assert 0 < first < 4
    added = [b.sync(folder).added for _ in range(3)]
    assert first + sum(added) == 4
    assert states(b) == states(a)


def test_an_answer_given_the_id_of_a_merged_review_taken_back_is_still_news(pair, tmp_path):
    a, b = pair
    folder = tmp_path / "sync"
    folder.mkdir()
    study(a, 0, [4], 0)
    a.sync(folder)
    assert b.sync(folder).added == 1  # the top row of b's log
    a.undo()
    a.sync(folder)
    assert b.sync(folder).undone == 1  # gone from b's log: its id is free again
    study(b, 0, [5], 30)  # and SQLite hands it to b's own next answer
    assert b.sync(folder).written == 1
    assert a.sync(folder).added == 1
    assert states(a) == states(b)
