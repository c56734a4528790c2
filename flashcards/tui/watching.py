"""Notes change, the app follows: the decks' notes watched while the app is open.

`NotesFollowing` is mixed into the app. Two watch threads (Textual workers running
`notes_watch.watch_paths`: notes folders recursively, the folders of notes files
and deck specs flat) post `NotesChanged` with each debounced batch of changes. The
app rebuilds the decks those paths belong to on a worker of its own (the same
`build_decks` as `r` and `e`, on its own connection, committing in steps), then
refreshes its collection and posts `NotesRebuilt` to every screen in the stack; each
screen follows in its own way (the review shows the card's new text or moves on,
the decks screen counts again, the browser searches again).

When a rebuild waits — decided here, and said in the README's "Studying":
- While any screen `holds_rebuild()`: an answer given and not saved yet (the key
  press is in flight, perhaps retrying against a busy collection), a rebuild of the
  screen's own (`e`, or `r` on the decks screen). The changes are kept and the
  rebuild starts as soon as the hold ends, checked every HOLD_RETRY seconds.
- Changes that arrive during a rebuild are gathered and rebuilt right after it.
- The review screen itself never swaps the card under the user's hand: once the
  answer is shown (the next key is an answer), it keeps the card as it was read
  and the rebuilt card comes with the next card; on the front, the card is shown
  again with its new text (the answer keys are not live there).
A build error while watching is a notification (the file and line, what to do),
never a message box or a traceback; watching goes on. Watching stops, within a
watch step, when the app unmounts: quitting never waits on a watch.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

from textual import work
from textual.message import Message

from flashcards.display import visible

if TYPE_CHECKING:
    from pathlib import Path

    from flashcards.collection import Collection
    from flashcards.tui.building import BuildOutcome
    from flashcards.tui.notes_watch import WatchPlan

# the builds (flashcards.tui.building) are imported when the notes first change: the
# app imports this module at start, and a start with no edit needs none of it

HOLD_RETRY = 0.25  # seconds between looks at a hold (an answer being saved)


class NotesChanged(Message):
    """A watch thread saw `paths` change (created, modified or deleted)."""

    def __init__(self, paths: set[str]) -> None:
        super().__init__()
        self.paths = paths


class WatchFailed(Message):
    """A watch thread stopped on an error (`reason`): the notes are no longer watched."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class NotesFollowed(Message):
    """The rebuild worker's outcome for `decks` (to the app)."""

    def __init__(self, outcome: BuildOutcome, decks: set[str]) -> None:
        super().__init__()
        self.outcome = outcome
        self.decks = decks


class NotesRebuilt(Message, bubble=False):
    """To each screen: the decks were rebuilt from changed notes; the app's collection
    has forgotten what it cached. `changed`: whether any card changed at all."""

    def __init__(self, outcome: BuildOutcome) -> None:
        super().__init__()
        self.outcome = outcome
        self.changed = changed(outcome)


class Holding(Protocol):
    def holds_rebuild(self) -> bool: ...


def changed(outcome: BuildOutcome) -> bool:
    """Did the build change any card (new, edited, moved, retired...)?"""
    what = ("new", "edited", "updated", "moved", "retired", "restored")
    return any(getattr(r, k) for r in outcome.reports for k in what)


class NotesFollowing:
    """The app's half of watching (see the module's docstring). Needs the app's
    `col` (open), `collection_path`, and Textual's App methods."""

    col: Collection | None
    collection_path: Path
    watch_notes: bool

    def _watch_init(self) -> None:
        self._watch_stop: threading.Event | None = None
        self._watch_plan: WatchPlan | None = None
        self._watch_roots: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._watch_waiting: set[str] = set()  # decks whose notes changed, not rebuilt yet
        self._watch_building = False
        self._watch_retry = False  # a look at the hold is on the timer
        self._watch_ready: list[threading.Event] = []  # one per watch thread: watches set

    @property
    def watching(self) -> bool:
        """True once every watch thread has its watches in place (tests wait for it)."""
        return self._watch_stop is not None and all(e.is_set() for e in self._watch_ready)

    # -- the watch threads -----------------------------------------------------

    def start_watching(self) -> None:
        """Watch the notes of the decks now in the collection (again, if they moved)."""
        if not self.watch_notes or self.col is None or self.col.readonly:
            return
        # imported here: the notes walk is not needed before the first screen shows
        from flashcards.tui.notes_watch import watch_plan

        plan = watch_plan(self.col)
        roots = (tuple(plan.tree_roots), tuple(plan.flat_roots))
        self._watch_plan = plan
        if self._watch_stop is not None and roots == self._watch_roots:
            return  # the same folders: the threads watching them go on, with the new plan
        self.stop_watching()
        self._watch_roots = roots
        stop = self._watch_stop = threading.Event()
        self._watch_ready = []
        tree, flat = roots
        for folders, recursive in ((tree, True), (flat, False)):
            if folders:
                ready = threading.Event()
                self._watch_ready.append(ready)
                self.notes_watch_worker(list(folders), recursive, stop, ready)

    def stop_watching(self) -> None:
        """End the watch threads (each returns within a watch step)."""
        if self._watch_stop is not None:
            self._watch_stop.set()
            self._watch_stop = None

    @work(thread=True, group="notes-watch")
    def notes_watch_worker(
        self, roots: list[str], recursive: bool, stop: threading.Event, ready: threading.Event
    ) -> None:
        from flashcards.tui.notes_watch import watch_paths

        def seen(paths: set[str]) -> None:
            self.post_message(NotesChanged(paths))  # type: ignore[attr-defined]

        try:
            # the plan is read at each batch: a rebuild may replace it (same folders)
            watch_paths(_live_plan(self), roots, recursive, stop, seen, ready.set)
        except Exception as err:  # noqa: BLE001 - any failure of the watcher: said, not raised
            if not stop.is_set():
                self.post_message(WatchFailed(f"{err}"))  # type: ignore[attr-defined]

    def on_watch_failed(self, message: WatchFailed) -> None:
        self.notify(  # type: ignore[attr-defined]
            visible(
                f"Your notes are no longer watched ({message.reason}); "
                "press r on the decks screen after editing them."
            ),
            title="Notes",
            severity="warning",
            timeout=10,
            markup=False,
        )

    # -- rebuilding ------------------------------------------------------------

    def on_notes_changed(self, message: NotesChanged) -> None:
        if self._watch_plan is None or self.col is None:
            return
        # read again (a few small rows): a deck renamed meanwhile, here or by
        # `flashcards decks rename` elsewhere, is rebuilt under the name it has now
        from flashcards.tui.notes_watch import watch_plan

        self._watch_plan = plan = watch_plan(self.col)
        self._watch_waiting |= plan.decks_touched(message.paths)
        self.follow_notes()

    def follow_notes(self) -> None:
        """Rebuild the decks whose notes changed, unless a rebuild runs or a screen holds."""
        if self._watch_building or not self._watch_waiting or self.col is None:
            return
        stack = self.screen_stack  # type: ignore[attr-defined]
        if any(getattr(s, "holds_rebuild", lambda: False)() for s in stack):
            if not self._watch_retry:
                self._watch_retry = True
                self.set_timer(HOLD_RETRY, self._follow_again)  # type: ignore[attr-defined]
            return
        from flashcards.tui.building import rebuild_targets

        names = sorted(self._watch_waiting)
        self._watch_waiting = set()
        targets = rebuild_targets(self.col, names)
        if not targets:
            return
        self._watch_building = True
        self.notes_build_worker(targets, set(names))

    def _follow_again(self) -> None:
        self._watch_retry = False
        self.follow_notes()

    @work(thread=True, group="notes-build")
    def notes_build_worker(self, targets: list, decks: set[str]) -> None:
        from flashcards.tui.building import build_decks

        outcome = build_decks(self.collection_path, targets, lambda *_: None)
        self.post_message(NotesFollowed(outcome, decks))  # type: ignore[attr-defined]

    def on_notes_followed(self, message: NotesFollowed) -> None:
        self._watch_building = False
        if self.col is None:
            return
        self.col.refresh()  # the worker's connection changed the cards
        outcome = message.outcome
        if outcome.errors:
            self.notify(  # type: ignore[attr-defined]
                visible(
                    "Your notes changed but could not be built: "
                    + " · ".join(outcome.errors)
                    + ". Fix the notes and save again; the cards stay as they were."
                ),
                title="Notes",
                severity="error",
                timeout=10,
                markup=False,
            )
        elif changed(outcome):
            self.notify(  # type: ignore[attr-defined]
                visible(f"Notes changed. {outcome.summary()}"), timeout=3, markup=False
            )
        for screen in list(self.screen_stack):  # type: ignore[attr-defined]
            screen.post_message(NotesRebuilt(outcome))
        self.start_watching()  # a spec may now name other notes
        self.follow_notes()  # what changed meanwhile


def _live_plan(owner: NotesFollowing) -> WatchPlan:
    """The app's current plan, looked up at each event (a rebuild replaces it)."""
    from flashcards.tui.notes_watch import WatchPlan

    class LivePlan(WatchPlan):
        def concerns(self, path: str) -> bool:
            plan = owner._watch_plan
            return plan is not None and plan.concerns(path)

    return LivePlan()
