"""Sync through a real git repository: two clones study, commit, pull and merge."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .support import NOTES, history, make_device, states, study


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_two_clones_merge_without_conflict_to_identical_states(tmp_path, notes):
    notes.write("facts.md", NOTES)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed))
    (seed / "README").write_text("review journals\n")
    git(seed, "add", "README")
    git(seed, "commit", "-q", "-m", "start")
    git(seed, "push", "-q", "origin", "HEAD:main")
    clones = [tmp_path / "laptop", tmp_path / "desktop"]
    for clone in clones:
        git(tmp_path, "clone", "-q", str(origin), str(clone))
    a = make_device(tmp_path, "a", notes.root)
    b = make_device(tmp_path, "b", notes.root)
    study(a, 0, [4, 5, 2], 0)
    study(b, 0, [3, 4], 30)
    for col, clone in ((a, clones[0]), (b, clones[1])):
        col.sync(clone)
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", "reviews")
    git(clones[0], "push", "-q", "origin", "HEAD:main")
    git(clones[1], "pull", "-q", "--no-rebase", "origin", "main")  # a merge commit
    assert "Merge" in git(clones[1], "log", "-1", "--format=%s")
    b.sync(clones[1])
    study(b, 1, [4], 0)  # and studies on after merging
    b.sync(clones[1])
    git(clones[1], "add", "-A")
    git(clones[1], "commit", "-q", "-m", "more reviews")
    git(clones[1], "push", "-q", "origin", "HEAD:main")
    git(clones[0], "pull", "-q", "--no-rebase", "origin", "main")
    a.sync(clones[0])
    assert git(clones[0], "status", "--porcelain") == ""  # a wrote nothing new: no conflict
    assert states(a) == states(b)
    assert history(a) == history(b)
    assert a.review_count() == b.review_count() == 6
