"""Which files the open app watches for its decks, and the blocking watch over them.

Plain code (no Textual): `watch_plan` reads, from the collection, each deck's spec
file and notes paths; `WatchPlan.decks_touched` says which decks a set of changed
paths concerns; `watch_paths` runs watchfiles over the plan until a stop event is
set, calling back with each debounced batch of changes that concern a deck.

A notes *file* is watched through its folder, not by itself: an editor that saves
by writing a new file and renaming it over the old one (vim, most IDEs) replaces
the inode a watch on the file would follow, and later saves would go unseen. So
the folders of files (and of deck specs) are watched flat, the notes folders
recursively, and a filter keeps only the paths a deck reads — as the vault walk
reads them (`*.md`, `*.markdown`, no dot-folders, no vault internals).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flashcards.notes.files import NOTE_SUFFIXES, SKIP_DIRS

if TYPE_CHECKING:
    from flashcards.collection import Collection

STEP_MS = 100  # quiet time that ends a batch: an editor's save is several events
DEBOUNCE_MS = 1600  # the longest a batch is held while events keep coming
READY_MS = 300  # the watch says it has started (its first timeout) after this


@dataclass
class WatchPlan:
    """Each deck's files (spec and notes files) and notes folders, as absolute paths."""

    files: dict[str, set[str]] = field(default_factory=dict)  # deck -> spec and notes files
    folders: dict[str, set[str]] = field(default_factory=dict)  # deck -> notes folders

    @property
    def flat_roots(self) -> list[str]:
        """The folders holding watched files (watched without their subfolders)."""
        parents = {os.path.dirname(f) for fs in self.files.values() for f in fs}
        return sorted(p for p in parents if os.path.isdir(p))

    @property
    def tree_roots(self) -> list[str]:
        """The notes folders (watched with everything under them)."""
        roots = {f for fs in self.folders.values() for f in fs}
        return sorted(r for r in roots if os.path.isdir(r))

    def decks_touched(self, paths: Iterable[str]) -> set[str]:
        """The decks that read any of `paths` (changed, created or deleted)."""
        touched: set[str] = set()
        for path in paths:
            forms = {os.path.abspath(path), os.path.realpath(path)}
            for deck, files in self.files.items():
                if forms & files:
                    touched.add(deck)
            for deck, folders in self.folders.items():
                if any(_in_vault(p, folder) for p in forms for folder in folders):
                    touched.add(deck)
        return touched

    def concerns(self, path: str) -> bool:
        """True when a change at `path` is one a deck would read."""
        return bool(self.decks_touched([path]))


def _in_vault(path: str, folder: str) -> bool:
    """`path` is a notes file the walk of `folder` reads (or a folder that may hold some)."""
    if not path.startswith(folder.rstrip(os.sep) + os.sep):
        return False
    parts = path[len(folder.rstrip(os.sep)) + 1 :].split(os.sep)
    if any(p.startswith(".") or p in SKIP_DIRS for p in parts):
        return False
    name = parts[-1].lower()
    # a folder moved in or out carries notes with it; its name has no notes suffix
    return name.endswith(NOTE_SUFFIXES) or "." not in name


def watch_plan(col: Collection) -> WatchPlan:
    """What to watch for every deck in use in `col` (its spec file, its notes)."""
    plan = WatchPlan()
    for name in col.deck_names():
        info = col.deck_info(name)
        files: set[str] = set()
        folders: set[str] = set()
        spec = info.get("spec_path")
        if spec:
            files |= _forms(str(spec))
        for note in info.get("notes") or []:  # type: ignore[union-attr]
            path = str(note)
            if os.path.isdir(path):
                folders |= _forms(path)
            else:
                files |= _forms(path)  # a file, or gone: watched for its return
        plan.files[name] = files
        plan.folders[name] = folders
    return plan


def _forms(path: str) -> set[str]:
    """A path as stored and as the file system resolves it (events may carry either)."""
    return {os.path.abspath(path), os.path.realpath(path)}


def watch_paths(
    plan: WatchPlan,
    roots: list[str],
    recursive: bool,
    stop: threading.Event,
    changed: Callable[[set[str]], None],
    ready: Callable[[], None] = lambda: None,
) -> None:
    """Watch `roots` until `stop` is set; `changed(paths)` for each batch that concerns a
    deck (paths a deck reads). Blocks: run it on a thread of its own. Stops within a
    step (STEP_MS) of `stop` being set. `ready()` once the watches are in place (any
    change from then on is seen): at the first batch or the first quiet READY_MS."""
    import watchfiles

    if not roots:
        ready()
        return
    started = False
    for batch in watchfiles.watch(
        *roots,
        watch_filter=lambda _change, path: plan.concerns(path),
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        stop_event=stop,
        rust_timeout=READY_MS,
        yield_on_timeout=True,
        recursive=recursive,
        raise_interrupt=False,
        ignore_permission_denied=True,
    ):
        if not started:
            started = True
            ready()
        if stop.is_set():
            return
        if batch:
            changed({path for _change, path in batch})
