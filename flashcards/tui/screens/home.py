"""Home: the decks with what is new, due and done today; pick one and study.

Builds (the first run's and `r`) run on a worker thread with their own
connection and post their progress back, so this screen keeps answering keys
while a large vault is read. Studying, the statistics, the keys page and a
build's end are messages to the app (flashcards.tui.messages).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, ProgressBar, Static

from flashcards.collection import CollectionError
from flashcards.display import visible
from flashcards.tui.building import (
    BuildOutcome,
    build_decks,
    default_targets,
    rebuild_targets,
)
from flashcards.tui.failures import guarded
from flashcards.tui.messages import (
    BrowseRequested,
    BuildFinished,
    CustomStudyRequested,
    HelpRequested,
    MessageRequested,
    StatsRequested,
    StudyRequested,
)
from flashcards.tui.screens.base import AppScreen
from flashcards.tui.watching import NotesRebuilt
from flashcards.tui.widgets.card import to_content
from flashcards.tui.widgets.keys import Keys
from flashcards.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from flashcards.collection import Collection, DeckSummary
    from flashcards.decks import DeckSpec

ALL_DECKS = "\x00all"  # the row key of "All decks" (no deck can be named so)
PROGRESS_EVERY = 0.05  # seconds between progress messages from a build


class BuildProgress(Message):
    """How far the build worker is: `done` of `total` files of deck `name`."""

    def __init__(self, name: str, done: int, total: int) -> None:
        super().__init__()
        self.name = name
        self.done = done
        self.total = total


class BuildDone(Message):
    """The build worker's outcome (the app hears of it as BuildFinished)."""

    def __init__(self, outcome: BuildOutcome, first_run: bool) -> None:
        super().__init__()
        self.outcome = outcome
        self.first_run = first_run


def _cells(name: Text, new: int, due: int, cards: int, done: int, left: int) -> list[Text]:
    right = [Text(str(n), justify="right") for n in (new, due, cards)]
    return [name, *right, Text(f"{done} done · {left} left", justify="right")]


def when(day) -> str:  # noqa: ANN001 - a date
    """'Mon 3 Feb 2025' — a due date as people say it."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class DecksTable(DataTable):
    """The decks; Enter (shown in the footer) studies the highlighted one."""

    BINDINGS = [
        Binding("enter", "select_cursor", "Study"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]


def reflow(text: str) -> str:
    """Markdown paragraphs as flowing text: single line breaks become spaces."""
    return re.sub(r"(?<!\n)\n(?!\n)", " ", text.strip())


class HomeScreen(AppScreen):
    """The decks table, today's progress, and the build progress when building."""

    # this screen's own rules, loaded when it first shows (app.tcss has the shared ones)
    CSS = """
    #home-middle {
        height: 1fr;
    }
    #decks {
        height: auto;
        max-height: 1fr;
        width: auto;
        max-width: 100%;
    }
    #empty {
        padding: 1 2;
        color: $text-warning;
        display: none;
    }
    #building {
        height: 1;
        margin-top: 1;
    }
    #build-label {
        width: auto;
        margin-right: 2;
    }
    #build-bar {
        width: 1fr;
    }
    """

    BINDINGS = [
        Binding("enter", "study_selected", "Study", show=False),
        Binding("a", "study_all", "All decks"),
        Binding("r", "rebuild", "Rebuild"),
        Binding("t", "stats", "Stats"),
        Binding("slash,B", "browse", "Browse", key_display="/"),
        Binding("c", "custom", "Custom"),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(
        self,
        col: Collection,
        collection_path: Path,
        *,
        now: datetime | None = None,
        specs: Sequence[Path | DeckSpec] | None = None,
    ) -> None:
        """`now` fixes the moment (tests); `specs` replaces the first run's default decks."""
        super().__init__()
        self.col = col
        self.collection_path = Path(collection_path)
        self.now = now
        self.specs = specs
        self.building = False
        self.summaries: list[DeckSummary] = []
        self._last_progress = 0.0
        self._fresh = False  # True from on_mount's read of the deck list to the first resume

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="▦")
        # one column of readable width, centred on a wide terminal
        with Center(id="home-middle"), Vertical(id="home"):
            yield DecksTable(id="decks", cursor_type="row", zebra_stripes=True)
            yield Static("", id="empty", markup=False)
            yield Static("", id="today", markup=False)
            yield Static("", id="description", markup=False)
            with Horizontal(id="building"):
                yield Static("", id="build-label", markup=False)
                yield ProgressBar(id="build-bar", show_eta=False)
        yield Keys()

    @guarded("reading your decks")
    def on_mount(self) -> None:
        self.sub_title = "decks"
        table = self.query_one("#decks", DataTable)
        table.add_column("Deck", key="deck")
        for label in ("New", "Due", "Cards"):
            table.add_column(Text(label, justify="right"), key=label.lower())
        table.add_column(Text("Today", justify="right"), key="today")
        self.query_one("#building").display = False
        # the deck list is read once here (a large collection pays for each read); the
        # resume that follows the first mount shows what this read
        self._fresh = True
        self.summaries = self.col.decks(self.now)
        if not self.summaries:
            self.start_build(first_run=True)
        else:
            self.show_decks()

    def on_screen_resume(self) -> None:
        # back from a review: counts have moved
        if self._fresh:
            self._fresh = False
            return
        if self.is_mounted and not self.building:
            self.refresh_decks()

    # -- the table -------------------------------------------------------------

    @guarded("reading your decks")
    def refresh_decks(self) -> None:
        """Read the deck list again and show it."""
        self.summaries = self.col.decks(self.now)
        self.show_decks()

    def show_decks(self) -> None:
        """Fill the table (or the 'no decks yet' text) from `summaries`."""
        table = self.query_one("#decks", DataTable)
        selected = self.selected_key()
        table.clear()
        empty = self.query_one("#empty", Static)
        if not self.summaries:
            table.display = False
            empty.display = True
            empty.update(
                Content(
                    "No decks yet.\n\n"
                    "Put deck specs in ./decks (or run `flashcards build NOTES_FOLDER`),\n"
                    "then press r to build them."
                )
            )
            self.query_one("#today", Static).update("")
            self.query_one("#description", Static).update("")
            return
        table.display = True
        empty.display = False
        for d in self.summaries:
            # deck names come from specs: data, so rich Text (never markup)
            table.add_row(
                *_cells(
                    Text(visible(d.name)), d.new, d.due, d.cards, d.studied_today, d.left.total
                ),
                key=d.name,
            )
        if len(self.summaries) > 1:
            total = self.summaries
            table.add_row(
                *_cells(
                    Text("All decks", style="bold"),
                    sum(d.new for d in total),
                    sum(d.due for d in total),
                    sum(d.cards for d in total),
                    sum(d.studied_today for d in total),
                    sum(d.left.total for d in total),
                ),
                key=ALL_DECKS,
            )
        if selected is not None:
            try:
                table.move_cursor(row=table.get_row_index(selected))
            except Exception:  # the deck is gone after a rebuild
                table.move_cursor(row=0)
        self.show_today()
        table.focus()

    def selected_key(self) -> str | None:
        table = self.query_one("#decks", DataTable)
        if not table.row_count:
            return None
        try:
            row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        except Exception:
            return None
        return row_key.value

    def selected_deck(self) -> str | None:
        """The highlighted deck's name; None for "All decks"."""
        key = self.selected_key()
        return None if key in (None, ALL_DECKS) else key

    def show_today(self) -> None:
        if not self.summaries:
            return
        studied = sum(d.studied_today for d in self.summaries)
        left = sum(d.left.total for d in self.summaries)
        line = f"Today: {studied} studied, {left} left"
        if not left:
            nxt = self.col.next_due(None)
            line += f" — next review due {when(nxt)}" if nxt else " — nothing scheduled yet"
        self.query_one("#today", Static).update(Content(line))

    @on(DataTable.RowHighlighted, "#decks")
    @guarded("reading the deck")
    def show_description(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key else None
        text = ""
        if key and key != ALL_DECKS:
            try:
                text = str(self.col.deck_info(key).get("description") or "")
            except CollectionError:  # a deck renamed by a concurrent build
                text = ""
        # deck descriptions are user text: their inline Markdown rendered as card text is
        # (styled spans on literal text, control characters made visible), never markup
        self.query_one("#description", Static).update(to_content(reflow(text)))

    # -- studying --------------------------------------------------------------

    @on(DataTable.RowSelected, "#decks")
    def study_row(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_study_selected()

    def action_study_selected(self) -> None:
        if self.selected_key() is None:
            self.notify("No deck to study yet; press r to build your decks.", severity="warning")
            return
        self.study(self.selected_deck())

    def action_study_all(self) -> None:
        if not self.summaries:
            self.notify("No deck to study yet; press r to build your decks.", severity="warning")
            return
        self.study(None)

    def study(self, deck: str | None) -> None:
        if self.leaving:  # Enter typed ahead: the review asked for is on its way
            return
        if self.building:
            self.notify("Building the decks — study when it is done.", severity="warning")
            return
        self.request(StudyRequested(deck))

    # -- building --------------------------------------------------------------

    def action_rebuild(self) -> None:
        if self.building:
            self.notify("Already building.")
            return
        self.start_build(first_run=not self.summaries)

    @guarded("starting the build")
    def start_build(self, first_run: bool) -> None:
        targets: list
        if not first_run:
            targets = rebuild_targets(self.col)
        elif self.specs is not None:
            targets = list(self.specs)
        else:
            targets = default_targets()
        if not targets:
            self.refresh_decks()
            self.notify(
                "No deck specs in ./decks: add one, or run `flashcards build NOTES_FOLDER`.",
                severity="warning",
                timeout=8,
            )
            return
        self.building = True
        if first_run:
            self.query_one("#decks").display = False  # an empty table says nothing yet
        box = self.query_one("#building")
        box.display = True
        label = "Building your decks for the first time…" if first_run else "Rebuilding…"
        self.query_one("#build-label", Static).update(Content(label))
        self.query_one("#build-bar", ProgressBar).update(total=None, progress=0)
        self.build_worker(targets, first_run)

    @work(thread=True, exclusive=True, group="build")
    def build_worker(self, targets: list, first_run: bool) -> None:
        def progress(name: str, done: int, total: int) -> None:
            moment = time.monotonic()
            if done >= total or moment - self._last_progress >= PROGRESS_EVERY:
                self._last_progress = moment
                self.post_message(BuildProgress(name, done, total))

        outcome = build_decks(self.collection_path, targets, progress)
        self.post_message(BuildDone(outcome, first_run))

    def on_build_progress(self, message: BuildProgress) -> None:
        self.query_one("#build-label", Static).update(
            Content(visible(f"Building {message.name}: {message.done}/{message.total} files"))
        )
        self.query_one("#build-bar", ProgressBar).update(
            total=max(message.total, 1), progress=message.done
        )

    @guarded("reading the rebuilt decks")
    def on_build_done(self, message: BuildDone) -> None:
        self.building = False
        self.query_one("#building").display = False
        outcome = message.outcome
        self.col.refresh()  # another connection changed the cards: rebuild the queue
        self.refresh_decks()
        if outcome.errors:
            self.request(
                MessageRequested(
                    "Some decks could not be built",
                    "\n\n".join(outcome.errors)
                    + "\n\nFix the file named above and press r to rebuild.",
                )
            )
        elif outcome.reports:
            warnings = outcome.warnings
            note = f"; {len(warnings)} warnings, e.g. {warnings[0]}" if warnings else ""
            self.notify(
                visible(outcome.summary() + note),
                severity="warning" if warnings else "information",
                timeout=6 if warnings else 3,
                markup=False,
            )
        self.post_message(BuildFinished(message.first_run))  # a review may wait for it

    def holds_rebuild(self) -> bool:
        return self.building  # `r` builds: the notes watched wait for it (tui/watching.py)

    def on_notes_rebuilt(self, message: NotesRebuilt) -> None:
        if message.changed and self.is_current and not self.building:
            self.refresh_decks()  # under another screen, its resume counts again

    # -- elsewhere -------------------------------------------------------------

    def action_stats(self) -> None:
        self.request(StatsRequested(self.selected_deck()))

    def action_help(self) -> None:
        self.request(HelpRequested())

    def action_browse(self) -> None:
        self.request(BrowseRequested())

    def action_custom(self) -> None:
        if not self.summaries:
            self.notify("No deck to study yet; press r to build your decks.", severity="warning")
            return
        self.request(CustomStudyRequested(self.selected_deck()))

    def action_quit(self) -> None:
        self.app.exit(return_code=0)
