"""Review: one card at a time — front, reveal, answer — until the day's queue is empty.

The screen asks the collection for the next card, the counts left and the
outcome of each answer button; it keeps only what the end-of-session summary
needs (who was answered how, and when). The answer time sent with each
answer runs from the reveal to the key press. The summary, the decks screen,
the keys page and messages to read are asked of the app (flashcards.tui.messages);
with nothing due, the page says why and what comes next (flashcards.tui.nothing_due).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.content import Content

from flashcards import sm2
from flashcards.collection import CardView, Collection, CollectionError
from flashcards.display import visible
from flashcards.store import CollectionBusy
from flashcards.tui.editing import EditRebuilt, NoteEditing
from flashcards.tui.failures import RECOVERABLE, guarded
from flashcards.tui.messages import (
    BrowseRequested,
    BuildFirstRequested,
    CustomStudyRequested,
    HelpRequested,
    HomeRequested,
    SummaryRequested,
)
from flashcards.tui.nothing_due import nothing_due_text
from flashcards.tui.session import Session
from flashcards.tui.watching import NotesRebuilt
from flashcards.tui.widgets.answers import AnswerBar
from flashcards.tui.widgets.card import CardFace, Crumbs, back_content, front_content, shown_as
from flashcards.tui.widgets.keys import Keys
from flashcards.tui.widgets.status import StatusLine
from flashcards.tui.widgets.title import TitleBar

BUSY_TRIES = 25  # retries of an answer while another process writes (about 10 s in all)
RETRY_SECONDS = 0.25
# after an answer, the collection's idle work (`Collection.idle`: a checkpoint every 16
# answers) waits this long, so that it runs while the user reads the new card
IDLE_SECONDS = 0.4


@dataclass
class PendingAnswer:
    """An answer the user gave that the collection has not taken yet."""

    card_id: int
    q: int
    moment: datetime
    duration_ms: int
    tries: int = 0


class ReviewScreen(NoteEditing):
    """Study one deck (or all decks): front, Space to reveal, 1–4 to answer."""

    BINDINGS = [
        Binding("space,enter", "reveal", "Show answer / Good", key_display="space"),
        *(Binding(str(k), f"answer({k})", show=False) for k in range(6)),
        Binding("j", "scroll(1)", "Scroll", show=False),
        Binding("k", "scroll(-1)", "Scroll", show=False),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit"),
        Binding("slash,B", "browse", "Browse", key_display="/"),
        Binding("c", "custom", "Custom study"),  # shown when nothing is due
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("escape,q", "end", "End", key_display="esc"),
    ]

    def __init__(
        self,
        col: Collection,
        deck: str | None,
        session: Session | None = None,
        undo_first: bool = False,
        *,
        collection_path: Path,
        now: datetime | None = None,
        clock: Callable[[], float],
    ) -> None:
        """`now` fixes the moment (tests; None: the clock); `clock` times the answers."""
        super().__init__()
        self.col = col
        self.collection_path = Path(collection_path)
        self.now = now
        self.clock = clock
        self.deck = deck
        self.card: CardView | None = None
        self.revealed = False
        self.revealed_at = 0.0
        self.keys: set[int] = set()
        self.session = session or Session()
        self.undo_first = undo_first  # back from the summary with `u`: take the last one back
        self.busy = False  # an edit's rebuild is running
        self.pending: PendingAnswer | None = None  # an answer given and not saved yet
        self.practice = False  # answers move no schedule (custom study's cram, ahead)

    def compose(self) -> ComposeResult:
        if not self.undo_first:
            # the first card before its widgets: the keys are made for it, in the first
            # paint (on_mount shows it; a failure is left to load_next)
            try:
                self.card = self.first_card()
            except RECOVERABLE:
                self.card = None
        yield TitleBar(icon="▦")
        # one readable column, centred: the breadcrumb and the card, in the middle of it
        with Center(id="middle"):
            with VerticalScroll(id="card"):
                yield Crumbs(id="crumbs")
                yield CardFace(id="face")
            yield StatusLine(id="status")
        # the bar may be wider than the text: every label spelled out in full at 160 columns
        with Center(id="bottom"):
            yield AnswerBar(id="answers")
        yield Keys()

    @guarded("starting the review")
    def on_mount(self) -> None:
        self.sub_title = visible(self.deck or "all decks")
        self.query_one("#card").focus()
        if self.undo_first and self.col.can_undo:
            self.action_undo()
        elif self.card is not None:
            self.show_card(self.card)  # read in compose
        else:
            self.load_next()

    # -- showing -----------------------------------------------------------------

    def first_card(self) -> CardView | None:
        """The card to open on, read before the widgets are (None: `load_next` finds it)."""
        return self.col.next_card(self.deck, self.now)

    @guarded("reading the next card")
    def load_next(self) -> None:
        """Show the next card, or the summary / 'nothing due' when the queue is empty."""
        try:
            card = self.col.next_card(self.deck, self.now)
        except CollectionError as err:
            self.show_empty(f"{err}")
            return
        if card is None:
            if self.session.answers:
                self.request(SummaryRequested(self.deck, self.session))
            else:
                self.show_nothing_due()
            return
        self.show_card(card)

    def show_card(self, card: CardView) -> None:
        self.card = card
        self.revealed = False
        self.keys = set()
        if self.session.started is None:
            self.session.started = self.clock()
        self.query_one(Crumbs).show(card.crumbs)
        self.query_one("#face", CardFace).update(front_content(card))
        self.query_one("#card", VerticalScroll).scroll_home(animate=False)
        self.query_one(AnswerBar).display = True
        self.query_one(AnswerBar).show_front()
        self.show_status()
        self.refresh_bindings()

    def show_status(self) -> None:
        card = self.card
        counts = self.col.counts(self.deck, self.now)
        counts_line = Content.assemble(
            ("New ", "$text-muted"),
            (str(counts.new), "bold $text-primary"),
            ("  Review ", "$text-muted"),
            (str(counts.review), "bold $text-success"),
            ("  Drill ", "$text-muted"),
            (str(counts.drill), "bold $text-warning"),
        )
        where: list[str | tuple[str, str]] = []
        if card is not None:
            if card.leech:
                where.append((f" leech · {card.lapses} lapses ", "bold reverse $error"))
                where.append("  ")
            if self.deck is None:
                where.append((visible(card.deck) + "  ", "$text-muted"))
            where.append((visible(f"{Path(card.source).name}:{card.line}"), "$text-muted"))
        self.query_one(StatusLine).show(counts_line, Content.assemble(*where))

    def show_nothing_due(self) -> None:
        summaries = self.col.decks(self.now)
        if self.deck is None and not summaries:
            self.request(BuildFirstRequested(self.deck))  # a first run: build, then study
            return
        self.show_empty(nothing_due_text(self.col, self.deck, summaries, self.now))

    def show_empty(self, text: str) -> None:
        self.card = None
        self.query_one(Crumbs).show([])
        self.query_one("#face", CardFace).update(Content(visible(text)))
        self.query_one(AnswerBar).display = False
        self.query_one(StatusLine).show(Content(""), Content(""))
        self.refresh_bindings()

    # -- keys --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not super().check_action(action, parameters):
            return False  # the summary or the decks are on their way: no key acts here
        if action in ("end", "help", "browse"):
            return self.pending is None or action != "browse"
        if action == "custom":
            return self.card is None and not self.busy  # offered when nothing is due
        if self.busy or self.pending is not None:
            return False
        if action == "undo":
            return self.col is not None and self.col.can_undo
        if self.card is None:
            return False
        if action == "reveal":
            return not self.revealed or sm2.good_key(self.card.grades) in self.keys
        if action == "answer":
            return self.revealed and parameters[0] in self.keys
        return True

    def action_scroll(self, lines: int) -> None:
        """j / k: scroll a long answer a line down or up (the arrows do too)."""
        self.query_one("#card", VerticalScroll).scroll_relative(y=lines, animate=False)

    @guarded("showing the answer")
    def action_reveal(self) -> None:
        """Space or Enter: show the answer; once it shows, answer Good (as in Anki)."""
        card = self.card
        if card is None:
            return
        if self.revealed:
            self.action_answer(sm2.good_key(card.grades))
            return
        self.revealed = True
        self.revealed_at = self.clock()
        faces = self.col.buttons(card.id, self.now)
        if self.practice:  # cramming or studying ahead: no interval to tell
            faces = [replace(f, practice=True) for f in faces]
        self.keys = {f.key for f in faces}
        self.query_one("#face", CardFace).update(back_content(card))
        self.query_one(AnswerBar).show_grades(card.grades, faces)
        self.refresh_bindings()

    def on_answer_bar_chosen(self, message: AnswerBar.Chosen) -> None:
        if self.leaving:
            return
        if message.key is None:
            self.action_reveal()
        else:
            self.action_answer(message.key)

    def action_answer(self, key: int) -> None:
        card = self.card
        if card is None or not self.revealed or key not in self.keys or self.pending:
            return
        if self.col.readonly:
            self.notify(
                "This collection is read-only: answers cannot be saved.",
                severity="warning",
                markup=False,
            )
            return
        q = sm2.quality_for_key(key, card.grades)
        duration_ms = max(0, round((self.clock() - self.revealed_at) * 1000))
        # the moment of the key press: a retried answer is saved with the time it was given
        moment = self.now or datetime.now(UTC)
        self.pending = PendingAnswer(card.id, q, moment, duration_ms)
        self.save_pending()

    def save_pending(self) -> None:
        """Save the answer given; while another process holds the collection, keep it and
        try again (the status line says so); on any other failure, say what happened and
        offer to try again. An answer is never dropped without the user choosing so."""
        pending = self.pending
        if pending is None:
            return
        try:
            self.save_answer(pending)
        except CollectionBusy as err:
            pending.tries += 1
            if pending.tries < BUSY_TRIES:
                self.query_one(StatusLine).show(
                    where=Content(
                        "Saving your answer… the collection is busy (another flashcards is writing)"
                    )
                )
                self.set_timer(RETRY_SECONDS, self.save_pending)
                return
            pending.tries = 0
            self.answer_failed(err)
            return
        except RECOVERABLE as err:
            self.answer_failed(err)
            return
        self.pending = None
        self.session.answers.append((pending.card_id, pending.q))
        self.load_next()
        self.set_timer(IDLE_SECONDS, self.idle_work)

    @guarded("copying saved answers into the collection file")
    def idle_work(self) -> None:
        """The collection's work for idle moments, off the answer's path (`Collection.idle`)."""
        if self.pending is None and not self.leaving:
            self.col.idle()

    def save_answer(self, pending: PendingAnswer) -> None:
        """Give the collection the answer (custom study logs it its own way)."""
        self.col.answer(pending.card_id, pending.q, pending.moment, duration_ms=pending.duration_ms)

    @guarded("undoing the last answer")
    def action_undo(self) -> None:
        if not self.col.can_undo:
            self.notify("Nothing to undo.")
            return
        last = self.col.undo(self.now)
        if last is None:
            return
        self.took_back(last)
        # the last answer of this session is taken back (suspend/bury leave no answer)
        for i in range(len(self.session.answers) - 1, -1, -1):
            if self.session.answers[i][0] == last.id:
                del self.session.answers[i]
                break
        self.notify("Undone.", timeout=2)
        self.show_card(last)

    def took_back(self, card: CardView) -> None:
        """Undo took back the last action on `card` (a custom study puts it first again)."""

    @guarded("suspending the card")
    def action_suspend(self) -> None:
        if self.card is None:
            return
        self.col.suspend(self.card.id, self.now)
        self.notify("Suspended — it will not come back until unsuspended. u undoes.", timeout=3)
        self.load_next()

    @guarded("burying the card")
    def action_bury(self) -> None:
        if self.card is None:
            return
        self.col.bury(self.card.id, self.now)
        self.notify("Buried until tomorrow. u undoes.", timeout=3)
        self.load_next()

    def action_help(self) -> None:
        self.request(HelpRequested())

    def action_browse(self) -> None:
        self.request(BrowseRequested())

    def action_custom(self) -> None:
        self.request(CustomStudyRequested(self.deck))

    @guarded("reading the card")
    def on_screen_resume(self) -> None:
        """Back from the browser (or a message): the card shown may be suspended or
        buried now, and unsuspended cards may be due (not on first showing: on_mount read it)."""
        busy = self.leaving or self.pending is not None or self.busy
        if not self.covered or not self.is_mounted or busy:
            return
        card = self.card
        if card is None:
            if self.session.answers or self.col.next_card(self.deck, self.now) is not None:
                self.load_next()
            return
        try:
            status = self.col.card(card.id, self.now).status
        except CollectionError:
            status = "gone"
        if status != "active":
            self.load_next()
        else:
            self.show_status()

    def answer_failed(self, error: BaseException) -> None:
        """Say why the answer was not saved; `r` tries again, Esc gives it up (said so)."""
        from flashcards.tui.failures import explain
        from flashcards.tui.screens.message import MessageScreen

        title, body = explain(error, self.collection_path, "saving your answer")
        body += (
            "\n\nYour answer is kept until you choose: r tries to save it again, Esc goes "
            "on without it (the card stays, to be answered again)."
        )

        def chosen(choice: str | None) -> None:
            if choice == "retry":
                self.save_pending()
                return
            self.pending = None
            self.refresh_bindings()
            self.notify("The answer was not saved; answer the card again.", severity="warning")

        self.app.push_screen(MessageScreen(title, body, retry=True), chosen)

    def action_end(self) -> None:
        if self.pending is not None:
            self.notify("Saving your last answer first…", severity="warning")
            return
        if self.session.answers:
            self.request(SummaryRequested(self.deck, self.session))
        else:
            self.request(HomeRequested())

    # -- the notes changed (flashcards.tui.watching) -------------------------------

    def holds_rebuild(self) -> bool:
        """A rebuild from changed notes waits while an answer is being saved (a key
        press in flight) and while this screen's own `e` rebuild runs."""
        return self.pending is not None or self.busy

    @guarded("reading the rebuilt card")
    def on_notes_rebuilt(self, message: NotesRebuilt) -> None:
        """Follow the notes: on the front, the card is shown again as the notes now say
        (or the next one, if it left them); once the answer shows, the card stays as it
        was read until it is answered — the rebuilt cards come with the next card."""
        if not self.is_mounted or self.leaving or self.pending is not None:
            return
        card = self.card
        if card is None:
            self.follow_notes_when_empty()
            return
        if not message.changed:
            return
        if self.revealed:
            self.notify(
                "Your notes changed: this card shows as it was; the next one is up to date.",
                timeout=3,
            )
            return
        try:
            now = self.col.card(card.id, self.now)
        except CollectionError:
            now = None
        if now is None or now.status != "active":
            self.notify("That card left your notes (it keeps its history).", timeout=3)
            self.load_next()
        elif shown_as(now) != shown_as(card):
            self.show_card(now)
        else:
            self.show_status()  # other cards came or went: the counts moved

    def follow_notes_when_empty(self) -> None:
        """Nothing was due: cards the notes just gained may be."""
        if self.session.answers:
            return  # the summary is on its way
        if self.col.next_card(self.deck, self.now) is not None:
            self.load_next()

    # -- editing -----------------------------------------------------------------

    def action_edit(self) -> None:
        if self.card is not None:
            self.edit(self.card)

    @guarded("rebuilding the deck")
    def on_edit_rebuilt(self, message: EditRebuilt) -> None:
        self.rebuilt(message)
        try:
            card = self.col.card(message.card_id, self.now)
        except CollectionError:
            card = None
        if card is not None and card.status == "active":
            self.show_card(card)  # the edited card keeps its id and history
        else:
            self.load_next()
