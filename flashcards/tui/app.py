"""The study app: a thin Textual shell over `flashcards.Collection`.

`make_app` builds the app for the CLI and for the tests alike (so the tests
drive what users run); `run_app` runs it and returns the exit code.

The app is the one place that knows how the screens follow one another. A
screen never calls it: it posts a message (flashcards.tui.messages) that
bubbles up here, and an `on_...` handler below pushes, switches or pops the
screens. The screens get what they need — the collection, the moment (fixed
in tests), the clock — in their constructors, so none imports this module.

Start-up is on the clock (launch to first card ≤ 1 s with 10,000 cards):
this module imports only `textual.app`, the collection and the messages (a
few Message classes); each screen's module — and with it the widgets it needs
(the decks table, the progress bar) — is imported when that screen is first
shown, and deck-spec parsing (YAML) only when a build starts.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding

from flashcards.collection import Collection, CollectionError
from flashcards.display import visible
from flashcards.gcpause import StartupPause
from flashcards.store import StoreError
from flashcards.tui.messages import (
    BrowseRequested,
    BuildFinished,
    BuildFirstRequested,
    CustomStudyRequested,
    FailureReported,
    HelpRequested,
    HomeRequested,
    MessageRequested,
    ResumeRequested,
    StatsRequested,
    StudyRequested,
    SummaryRequested,
)
from flashcards.tui.watching import NotesFollowing

BUSY_TIMEOUT_MS = 400  # how long an answer waits for another writer before the app retries

if TYPE_CHECKING:
    from flashcards.decks import DeckSpec
    from flashcards.study.custom import CustomStudy
    from flashcards.tui.screens.review import ReviewScreen
    from flashcards.tui.session import Session


class FlashcardsApp(NotesFollowing, App[None]):
    """Decks → review → summary, over one collection file; while it is open, the decks'
    notes are watched and rebuilt when they change (flashcards.tui.watching)."""

    CSS_PATH = "app.tcss"
    TITLE = "flashcards"
    ENABLE_COMMAND_PALETTE = False  # every action has its own key; see `?`
    BINDINGS = [
        # a terminal tool quits on Ctrl+C (Textual's default is copy + a hint)
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
    ]

    def __init__(
        self,
        path: Path,
        deck: str | None = None,
        *,
        study: bool = False,
        now: datetime | None = None,
        clock: Callable[[], float] = time.monotonic,
        specs: Sequence[Path | DeckSpec] | None = None,
        watch: bool = False,
    ) -> None:
        super().__init__()
        self.watch_notes = watch
        self.settings_problem = ""  # the settings file could not be used: said at start
        self._watch_init()
        self.collection_path = Path(path)
        self.start_deck = deck
        self.start_study = study or deck is not None
        self.fixed_now = now
        self.clock = clock
        self.specs = specs
        self.col: Collection | None = None
        self.pending_review: tuple[str | None] | None = None
        self.startup_pause = StartupPause()  # no collector pauses until the first screen shows

    @property
    def now(self) -> datetime | None:
        """The moment the collection should see: fixed in tests, else None (the clock)."""
        return self.fixed_now

    @property
    def opened(self) -> Collection:
        """The open collection: screens that use it are made only once it is open."""
        assert self.col is not None, "no screen needs the collection before it is open"
        return self.col

    # -- start and stop --------------------------------------------------------

    def on_load(self) -> None:
        self.startup_pause.begin()

    def on_mount(self) -> None:
        # whichever screen comes first (a card, the decks, a message), once it is drawn
        self.call_after_refresh(self.startup_pause.end)
        if self.settings_problem:
            self.notify(self.settings_problem, title="Settings", severity="warning", markup=False)
        try:
            # a short wait for another writer: the app keeps an answer and retries it
            # itself (showing that it does) rather than freeze for the 10 s default
            self.col = Collection.open(
                self.collection_path, backup=False, busy_timeout_ms=BUSY_TIMEOUT_MS
            )
        except (StoreError, sqlite3.Error, OSError) as err:
            from flashcards.tui.screens.message import MessageScreen

            self.push_screen(
                MessageScreen(
                    "The collection cannot be opened",
                    f"{err}\n\nNothing was changed. Pass another file with --db or set "
                    "FLASHCARDS_DB, or move this file aside to start a new collection.",
                    fatal=True,
                )
            )
            return
        if self.col.readonly:
            self.notify(f"{self.col.notice}.", title="Read-only", severity="warning", timeout=10)
        else:
            # once the first screen is drawn: their threads would hold the GIL (and the
            # disk) while the first card is made, and neither is needed before it
            self.call_after_refresh(self.start_background)
        if not self.start_study:
            self.go_home()
            return
        if self.start_deck is not None:
            try:
                self.col.deck_id(self.start_deck)
            except CollectionError as err:
                self.go_home()
                self.show_message("No such deck", f"{err}\n\nPick one from the list.")
                return
        self.start_review(self.start_deck)

    def start_background(self) -> None:
        """Today's backup, and watching the notes of the decks."""
        self.backup_worker()
        self.start_watching()

    @work(thread=True, exclusive=True, group="backup")
    def backup_worker(self) -> None:
        """Today's backup, off the UI thread, on a connection of its own."""
        try:
            with Collection.open(self.collection_path, backup=False) as col:
                problem = col.daily_backup()
        except (StoreError, sqlite3.Error, OSError) as err:
            problem = f"no backup could be made today: {err}"
        if problem:
            self.call_from_thread(
                self.notify, problem, title="Backup", severity="warning", timeout=8, markup=False
            )

    # -- failures --------------------------------------------------------------

    def report_failure(self, error: BaseException, doing: str = "") -> None:
        """A failure of the collection as a message over the current screen; the app goes on."""
        from flashcards.tui.failures import explain
        from flashcards.tui.screens.message import MessageScreen

        title, body = explain(error, self.collection_path, doing)
        self.push_screen(MessageScreen(title, body))

    def _handle_exception(self, error: Exception) -> None:
        """The last resort, for a failure no screen caught (the screens catch the
        collection's own): Textual stops the message loop that raised, so the app ends
        — with one line that says what happened and what to do, never a traceback. A bug
        leaves its details in a log file for a report."""
        from flashcards.tui.failures import RECOVERABLE, explain

        if self.is_headless and not isinstance(error, RECOVERABLE):
            super()._handle_exception(error)  # tests: let the test see the bug
            return
        if isinstance(error, RECOVERABLE):
            title, body = explain(error, self.collection_path)
            message = f"flashcards stopped — {title.lower()}: {body}"
        else:
            log = _write_log(error)
            message = (
                f"flashcards stopped on an internal error ({type(error).__name__}: {error}); "
                f"the details are in {log}"
            )
        self.exit(
            return_code=1,
            message=visible(f"{message}. Every answer shown as done was saved."),
        )

    def on_unmount(self) -> None:
        self.startup_pause.end()  # an app that ends before its first screen shows
        self.stop_watching()  # the watch threads end within a step: quitting never waits
        if self.col is not None:
            self.col.close()

    def action_toggle_theme(self) -> None:
        """Light ↔ dark (TEXTUAL_THEME picks the theme to start with)."""
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    # -- navigation: the screens ask (flashcards.tui.messages), the app goes ----

    def on_home_requested(self, message: HomeRequested) -> None:
        self.go_home()

    def on_study_requested(self, message: StudyRequested) -> None:
        self.start_review(message.deck)

    def on_build_first_requested(self, message: BuildFirstRequested) -> None:
        """Nothing built yet: the decks screen builds the defaults, then the review starts."""
        self.pending_review = (message.deck,)
        self.go_home()

    def on_build_finished(self, message: BuildFinished) -> None:
        """A build ended on the decks screen; start the review that waited for it."""
        if self.pending_review is not None and self.col is not None and self.col.decks(self.now):
            (deck,) = self.pending_review
            self.pending_review = None
            self.start_review(deck)
        self.start_watching()  # the decks built may read other notes

    def on_summary_requested(self, message: SummaryRequested) -> None:
        from flashcards.tui.screens.summary import SummaryScreen, summarize

        col = self.opened
        summary = summarize(col, message.deck, message.session, self.now, self.clock())
        self.switch_screen(SummaryScreen(col, summary, message.session))

    def on_resume_requested(self, message: ResumeRequested) -> None:
        """From the summary, `u`: the same session goes on with its last action undone."""
        self.switch_screen(self.review_screen(message.deck, message.session, undo_first=True))

    def on_stats_requested(self, message: StatsRequested) -> None:
        from flashcards.tui.screens.stats import StatsScreen

        # tests fix the moment (self.now); the stats must see the same one
        self.push_screen(StatsScreen(self.collection_path, message.deck, now=self.now))

    def on_browse_requested(self, message: BrowseRequested) -> None:
        from flashcards.tui.screens.browse import BrowseScreen

        self.push_screen(BrowseScreen(self.opened, self.collection_path, now=self.now))

    def on_custom_study_requested(self, message: CustomStudyRequested) -> None:
        from flashcards.tui.screens.custom import CustomStudyScreen

        def chosen(study: CustomStudy | None) -> None:
            if study is not None:
                self.start_custom_study(study)

        self.push_screen(CustomStudyScreen(message.deck), chosen)

    def start_custom_study(self, study: CustomStudy) -> None:
        """The custom study chosen: more new cards go to the ordinary review; the other
        kinds to a review of their own cards."""
        from flashcards.tui.screens.custom import CustomReviewScreen

        try:
            session = self.opened.custom_study(study, self.now)
        except (CollectionError, StoreError) as err:
            self.show_message("No custom study", f"{err}")
            return
        if study.kind == "new":
            self.notify(visible(f"{study.describe()}; u on the review undoes it."), markup=False)
            self.start_review(study.deck)
            return
        if not session.cards:
            self.show_message(
                "Nothing to study",
                visible(f"No cards for {study.describe()}.") + "\n\nPick another kind, or "
                "another deck on the decks screen.",
            )
            return
        self.push_screen(
            CustomReviewScreen(
                self.opened,
                session,
                collection_path=self.collection_path,
                now=self.now,
                clock=self.clock,
            )
        )

    def on_help_requested(self, message: HelpRequested) -> None:
        from flashcards.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def on_message_requested(self, message: MessageRequested) -> None:
        self.show_message(message.title, message.body)

    def on_failure_reported(self, message: FailureReported) -> None:
        self.report_failure(message.error, message.doing)

    def go_home(self) -> None:
        """Back to the decks screen (made on first use: a review start does not need it)."""
        from flashcards.tui.screens.home import HomeScreen

        if any(isinstance(s, HomeScreen) for s in self.screen_stack):
            while not isinstance(self.screen, HomeScreen):
                self.pop_screen()
        elif len(self.screen_stack) > 1:
            self.switch_screen(
                HomeScreen(self.opened, self.collection_path, now=self.now, specs=self.specs)
            )
        else:
            self.push_screen(
                HomeScreen(self.opened, self.collection_path, now=self.now, specs=self.specs)
            )

    def start_review(self, deck: str | None) -> None:
        # an empty collection is found by the review itself (it asks for a first build):
        # counting every deck here would cost ~60 ms of a 10,000-card start
        self.push_screen(self.review_screen(deck))

    def review_screen(
        self, deck: str | None, session: Session | None = None, *, undo_first: bool = False
    ) -> ReviewScreen:
        """A review of `deck` on this app's collection, moment and clock."""
        from flashcards.tui.screens.review import ReviewScreen

        return ReviewScreen(
            self.opened,
            deck,
            session,
            undo_first,
            collection_path=self.collection_path,
            now=self.now,
            clock=self.clock,
        )

    def show_message(self, title: str, body: str) -> None:
        from flashcards.tui.screens.message import MessageScreen

        self.push_screen(MessageScreen(title, body))


def _write_log(error: BaseException) -> Path:
    """The traceback, in the user's data folder (or the temp folder): for a bug report."""
    import tempfile
    import traceback

    import platformdirs

    text = "".join(traceback.format_exception(error))
    for folder in (
        Path(platformdirs.user_data_dir("flashcards", appauthor=False)),
        Path(tempfile.gettempdir()),
    ):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            log = folder / "flashcards-error.log"
            log.write_text(text, encoding="utf-8")
            return log
        except OSError:
            continue
    return Path("(no writable folder for the log)")


def make_app(
    path: Path,
    deck: str | None = None,
    now: datetime | None = None,
    *,
    study: bool = False,
    clock: Callable[[], float] = time.monotonic,
    specs: Sequence[Path | DeckSpec] | None = None,
    watch: bool = False,
) -> FlashcardsApp:
    """The app for `path`: the CLI and the tests both build it here.

    `deck` (or `study`) opens straight into a review; `now` and `clock` fix
    the time for tests; `specs` replaces the first run's default decks;
    `watch=True` follows the notes (`run_app` asks for it unless the settings say
    `watch = false`). Off by default here: a watch worker never ends, so a test
    that waits for every worker (`app.workers.wait_for_complete()`) would wait forever.
    """
    return FlashcardsApp(path, deck, study=study, now=now, clock=clock, specs=specs, watch=watch)


def run_app(path: Path, deck: str | None = None, *, study: bool = False) -> int:
    """Run the app on the collection at `path`; the process exit code. The settings
    file's `watch = false` turns watching the notes off."""
    from flashcards.config import ConfigError, load_config

    try:
        watch, problem = load_config().watch, ""
    except ConfigError as err:
        watch, problem = True, str(err)
    app = make_app(path, deck, study=study, watch=watch)
    app.settings_problem = problem
    app.run()
    return app.return_code or 0
