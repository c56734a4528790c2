"""Custom study: choosing one (a dialog), and studying its cards (a review of their own).

The dialog offers the four kinds of `flashcards.study.custom` — study ahead N days,
today's failed cards again, N more new cards today, cram the deck (or a tag) — and,
for ahead and cram, whether the answers reschedule. It is dismissed with the
`CustomStudy` chosen; the app starts it. The custom review is the ordinary review
screen over the session's own cards, its answers logged as the session says.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, OptionList, Static
from textual.widgets.option_list import Option

from flashcards.collection import CardView, Collection, CollectionError
from flashcards.display import visible
from flashcards.study.custom import KIND_LABELS, KINDS, CustomSession, CustomStudy, CustomStudyError
from flashcards.tui.messages import HomeRequested
from flashcards.tui.screens.review import PendingAnswer, ReviewScreen
from flashcards.tui.widgets.status import StatusLine

# what the value field asks for, per kind (None: no value)
_VALUE = {
    "ahead": ("Days ahead", "1"),
    "failed": None,
    "new": ("New cards", "10"),
    "cram": ("Tag (empty: the whole deck)", ""),
}


class CustomStudyScreen(ModalScreen["CustomStudy | None"]):
    """Pick a kind (↑↓ Enter, or 1–4), fill in its number or tag, Enter starts."""

    DEFAULT_CSS = """
    CustomStudyScreen { align: center middle; }
    #custom-box {
        width: 64; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; padding: 0 1; background: $surface;
    }
    #custom-kinds { height: auto; max-height: 6; }
    #custom-label { margin-top: 1; color: $text-muted; }
    #custom-error { color: $text-error; height: auto; }
    """
    BINDINGS = [
        Binding("escape", "close", "Cancel"),
        *(Binding(str(i + 1), f"pick({i})", show=False) for i in range(len(KINDS))),
        Binding("ctrl+r", "toggle_reschedule", "Reschedule", show=False),
    ]

    def __init__(self, deck: str | None) -> None:
        super().__init__()
        self.deck = deck
        self.kind = "ahead"

    def compose(self) -> ComposeResult:
        with Vertical(id="custom-box") as box:
            box.border_title = visible(f"Custom study · {self.deck or 'all decks'}")
            box.border_subtitle = "Enter start · Esc cancel"
            yield OptionList(
                *(Option(f"{i + 1}  {KIND_LABELS[k]}", id=k) for i, k in enumerate(KINDS)),
                id="custom-kinds",
            )
            yield Static("", id="custom-label", markup=False)
            yield Input("", id="custom-value")
            yield Checkbox("Reschedule: count the answers as real reviews", id="custom-reschedule")
            yield Static("", id="custom-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).highlighted = 0
        self.show_kind()
        self.query_one(OptionList).focus()

    def show_kind(self) -> None:
        value = _VALUE[self.kind]
        field = self.query_one("#custom-value", Input)
        label = self.query_one("#custom-label", Static)
        field.display = label.display = value is not None
        if value is not None:
            label.update(Content(value[0]))
            field.value = value[1]
        self.query_one(Checkbox).display = self.kind in ("ahead", "cram")
        self.query_one("#custom-error", Static).update("")

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.kind = event.option.id
            self.show_kind()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if _VALUE[self.kind] is None:
            self.start()
        else:
            self.query_one("#custom-value", Input).focus()

    def action_pick(self, index: int) -> None:
        self.query_one(OptionList).highlighted = index
        self.kind = KINDS[index]
        self.show_kind()
        if _VALUE[self.kind] is not None:
            self.query_one("#custom-value", Input).focus()

    def action_toggle_reschedule(self) -> None:
        self.query_one(Checkbox).toggle()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    def chosen(self) -> CustomStudy:
        """The custom study the fields say; CustomStudyError when one is wrong."""
        value = self.query_one("#custom-value", Input).value.strip()
        reschedule = self.query_one(Checkbox).value
        if self.kind in ("ahead", "new"):
            try:
                number = int(value)
            except ValueError:
                raise CustomStudyError(f"{value!r} is not a whole number") from None
            if self.kind == "ahead":
                return CustomStudy("ahead", self.deck, days=number, reschedule=reschedule)
            return CustomStudy("new", self.deck, new=number)
        if self.kind == "cram":
            return CustomStudy(
                "cram", self.deck, tag=value.lstrip("#") or None, reschedule=reschedule
            )
        return CustomStudy("failed", self.deck)

    def start(self) -> None:
        try:
            study = self.chosen()
        except CustomStudyError as err:
            self.query_one("#custom-error", Static).update(Content(visible(f"{err}")))
            return
        self.dismiss(study)

    def action_close(self) -> None:
        self.dismiss(None)


class CustomReviewScreen(ReviewScreen):
    """A review of a custom session's cards: the same keys; Esc goes back to the decks."""

    def __init__(self, col: Collection, custom: CustomSession, **kwargs: object) -> None:
        super().__init__(col, custom.study.deck, **kwargs)  # type: ignore[arg-type]
        self.custom = custom
        self.practice = custom.study.log_kind is not None

    def first_card(self) -> CardView | None:
        return None  # the session's own queue: load_next reads it once the screen is up

    def load_next(self) -> None:
        # (no on_mount here: Textual runs the review's own, which loads the first card)
        self.sub_title = visible(self.custom.study.describe())
        card_id = self.custom.next_card_id()
        if card_id is None:
            n = len(self.session.answers)
            self.show_empty(
                f"Custom study done: {self.custom.study.describe()}.\n\n"
                f"{n} answer{'s' if n != 1 else ''} given. Press Esc to go back to your decks."
            )
            return
        try:
            card = self.col.card(card_id, self.now)
        except CollectionError:
            card = None
        if card is None or card.status != "active":
            self.custom.drop(card_id)  # suspended, buried or gone meanwhile
            self.load_next()
            return
        self.show_card(card)

    def show_status(self) -> None:
        super().show_status()
        if self.custom.study.kind == "failed":
            how = "answered today: drills, the schedule stays"
        elif self.practice:
            how = "practice: the schedule stays"
        else:
            how = "answers reschedule"
        self.query_one(StatusLine).show(counts=Content(f"Left {self.custom.left}  ·  {how}"))

    def save_answer(self, pending: PendingAnswer) -> None:
        self.col.answer_custom(
            self.custom, pending.card_id, pending.q, pending.moment, pending.duration_ms
        )

    def action_undo(self) -> None:
        if not self.session.answers:  # what came before this study is not its to undo
            self.notify("Nothing to undo in this custom study.")
            return
        super().action_undo()

    def took_back(self, card: CardView) -> None:
        self.custom.unanswer(card.id)

    def action_custom(self) -> None:
        self.notify("Finish this custom study first (Esc ends it).")

    def follow_notes_when_empty(self) -> None:
        """Custom study done: new cards from the notes are not part of it."""

    def action_end(self) -> None:
        if self.pending is not None:
            self.notify("Saving your last answer first…", severity="warning")
            return
        self.request(HomeRequested())
