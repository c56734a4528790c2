"""The card browser (`/` or `B`): search every card as you type, sort, see a card's
history, suspend / unsuspend, bury / unbury, and edit its note.

The search runs a short while after the last key (DEBOUNCE), on a thread of its
own with its own connection, for one page of rows from SQL (`Collection.find`: a
LIMIT, indexed orders): typing never waits for a big collection. Every change is one transaction, and `u` takes back this
screen's own changes, last first. Text from notes is shown as data, never markup.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from queue import SimpleQueue

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Input, Static

from flashcards import sm2
from flashcards.browse import SORT_LABELS, SORTS, Found, FoundCard, PastReview
from flashcards.collection import Collection, CollectionError
from flashcards.display import visible
from flashcards.store import StoreError
from flashcards.tui.editing import EditRebuilt, NoteEditing
from flashcards.tui.failures import guarded
from flashcards.tui.messages import FailureReported, HelpRequested
from flashcards.tui.watching import NotesRebuilt
from flashcards.tui.widgets.keys import Keys
from flashcards.tui.widgets.title import TitleBar

DEBOUNCE = 0.15  # seconds after the last key before the search runs
# column key -> (header, the sort it picks, width; None: the card's text takes the rest)
COLUMNS = {
    "card": ("Card", "card", None),
    "state": ("State", None, 9),
    "due": ("Due", "due", 10),
    "interval": ("Ivl", "interval", 5),
    "ease": ("Ease", "ease", 4),
    "lapses": ("Lapses", "lapses", 6),
    "last": ("Last", "last", 10),
    "deck": ("Deck", None, 12),
}
# the columns shown from a width on: narrow terminals keep the card's text readable
SHOWN_FROM = {"ease": 70, "lapses": 70, "last": 100, "deck": 120}
CELL_PADDING = 2  # a DataTable cell's padding, both sides
SCROLLBAR = 2


def shown_columns(width: int) -> tuple[list[str], int]:
    """The columns a table `width` wide shows, and the width left for the card's text."""
    keys = [k for k in COLUMNS if width >= SHOWN_FROM.get(k, 0)]
    fixed = sum(COLUMNS[k][2] or 0 for k in keys) + CELL_PADDING * len(keys) + SCROLLBAR
    return keys, max(16, width - fixed)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _day(day) -> str:  # noqa: ANN001 - a date or None
    return day.isoformat() if day else "—"


def history_lines(past: list[PastReview]) -> list[str]:
    """A card's reviews, newest first, one line each."""
    lines = []
    for r in reversed(past):
        moment = datetime.fromtimestamp(r.time_ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")
        button = sm2.FOUR_LABELS[sm2.rating(r.q)]
        took = f"  {r.duration_ms / 1000:.0f}s" if r.duration_ms else ""
        change = (
            f"ivl {r.interval_before}d → {r.interval_after}d, ease {r.ease_after:.2f}"
            if r.kind == "review"
            else "schedule unchanged"
        )
        lines.append(f"{moment}  {r.kind:<6}  {button} (q{r.q})  {change}{took}")
    return lines


class Searched(Message):
    """The searcher's answer to search number `asked`: the cards, or what was wrong."""

    def __init__(self, asked: int, found: Found | str, keep: int | None) -> None:
        super().__init__()
        self.asked = asked
        self.found = found
        self.keep = keep


class BrowseScreen(NoteEditing):
    """Search, table, detail pane."""

    DEFAULT_CSS = """
    #browse-search { margin: 0 1; }
    #browse-count { padding: 0 2; color: $text-muted; height: 1; }
    #browse-table { height: auto; max-height: 50%; }
    #browse-detail {
        height: 1fr; min-height: 4; border-top: solid $primary; padding: 0 2;
        scrollbar-size-vertical: 1;
    }
    """
    BINDINGS = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("o", "next_sort", "Sort"),
        Binding("r", "reverse", "Reverse"),
        Binding("s", "suspend", "Suspend"),
        Binding("b", "bury", "Bury"),
        Binding("e", "edit", "Edit"),
        Binding("u", "undo", "Undo"),
        Binding("question_mark", "help", "Keys", key_display="?"),
        Binding("escape,q", "back", "Back", key_display="esc"),
    ]

    def __init__(
        self, col: Collection, collection_path: Path, *, now: datetime | None = None
    ) -> None:
        super().__init__()
        self.col = col
        self.collection_path = Path(collection_path)
        self.now = now
        self.sort = "card"
        self.descending = False
        self.found: list[FoundCard] = []
        self.changes = 0  # this screen's changes, which `u` may take back
        self.busy = False  # an edit's rebuild is running
        self._timer: Timer | None = None
        self._requests: SimpleQueue = SimpleQueue()  # to the searcher thread
        self._asked = 0  # searches asked for
        self._shown_search = 0  # the last one shown

    def compose(self) -> ComposeResult:
        yield TitleBar(icon="▦")
        yield Input(
            placeholder="Search: words, is:suspended, deck:NAME, tag:NAME", id="browse-search"
        )
        yield Static("", id="browse-count", markup=False)
        yield DataTable(id="browse-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="browse-detail"):
            yield Static("", id="browse-detail-text", markup=False)
        yield Keys()

    @guarded("reading your cards")
    def on_mount(self) -> None:
        self.sub_title = "browse"
        self.query_one("#browse-search", Input).focus()
        self.query_one("#browse-count", Static).update(Content("Searching…"))
        self.searcher()
        self.search()

    # -- searching ---------------------------------------------------------------

    @on(Input.Changed, "#browse-search")
    def typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self.search)

    @on(Input.Submitted, "#browse-search")
    def submitted(self, event: Input.Submitted) -> None:
        if self._timer is not None:
            self._timer.stop()
        self.search()
        self.query_one("#browse-table", DataTable).focus()

    def on_key(self, event) -> None:  # noqa: ANN001 - a Key event
        # ↓ from the search field goes to the table, as Tab does
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.query_one("#browse-table", DataTable).focus()

    def search(self, keep: int | None = None) -> None:
        """Ask the searcher for the search typed; `keep` keeps the cursor on that card."""
        self._timer = None
        self._asked += 1
        text = self.query_one("#browse-search", Input).value
        self._requests.put((self._asked, text, self.sort, self.descending, keep))

    @work(thread=True, exclusive=True, group="search")
    def searcher(self) -> None:
        """Searches on a thread of their own, with their own connection (opened once: the
        UI never waits for SQL); only the latest request waiting is run."""
        col: Collection | None = None
        try:
            while True:
                request = self._requests.get()
                while request is not None and not self._requests.empty():
                    request = self._requests.get_nowait()  # typed on: only the last counts
                if request is None:
                    return
                asked, text, sort, descending, keep = request
                try:
                    if col is None:
                        col = Collection.open(self.collection_path, readonly=True, backup=False)
                    found: Found | str = col.find(
                        text, sort=sort, descending=descending, now=self.now
                    )
                except CollectionError as err:
                    found = f"{err}"
                except (StoreError, sqlite3.Error, OSError) as err:
                    self.post_message(FailureReported(err, "searching your cards"))
                    found = Found()
                self.post_message(Searched(asked, found, keep))
        finally:
            if col is not None:
                col.close()

    def on_unmount(self) -> None:
        self._requests.put(None)  # the searcher ends and closes its connection

    @guarded("showing the cards found")
    def on_searched(self, message: Searched) -> None:
        if message.asked != self._asked:
            return  # a newer search is on its way
        self._shown_search = message.asked
        count = self.query_one("#browse-count", Static)
        if isinstance(message.found, str):
            count.update(Content(visible(message.found)))
            return
        found = message.found
        self.found = found.cards
        order = f"{SORT_LABELS[self.sort]} {'↓' if self.descending else '↑'}"
        shown = (
            f"{found.total_text} card{'' if found.total == 1 else 's'}"
            if len(found.cards) == found.total
            else f"the first {len(found.cards)} of {found.total_text} cards"
        )
        count.update(Content(visible(f"{shown} · sorted by {order}")))
        self.fill(message.keep)

    @property
    def searching(self) -> bool:
        """A search was typed (its pause after the last key is running) or asked for, and
        its answer has not been shown yet."""
        return self._timer is not None or self._shown_search != self._asked

    def fill(self, keep: int | None = None) -> None:
        table = self.query_one("#browse-table", DataTable)
        table.clear(columns=True)
        keys, width = shown_columns(self.size.width)
        for key in keys:
            label, sort, size = COLUMNS[key]
            mark = (" ↓" if self.descending else " ↑") if sort == self.sort else ""
            table.add_column(label + mark, key=key, width=size or width)
        for card in self.found:
            cells = {
                "card": _cut(card.text, width),
                "state": card.status,
                "due": _day(card.due),
                "interval": f"{card.interval}d",
                "ease": f"{card.ease:.2f}",
                "lapses": str(card.lapses),
                "last": _day(card.last_review),
                "deck": _cut(card.deck, 12),
            }
            right = ("interval", "ease", "lapses")
            table.add_row(
                *(Text(visible(cells[k]), justify="right" if k in right else "left") for k in keys),
                key=str(card.id),
            )
        if keep is not None:
            for i, card in enumerate(self.found):
                if card.id == keep:
                    table.move_cursor(row=i)
                    break
        self.show_detail()

    def on_resize(self) -> None:
        if self.found:
            self.fill(self.selected().id if self.selected() else None)

    def selected(self) -> FoundCard | None:
        table = self.query_one("#browse-table", DataTable)
        if not self.found or table.cursor_row >= len(self.found):
            return None
        return self.found[table.cursor_row]

    @on(DataTable.RowHighlighted, "#browse-table")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail()

    @on(DataTable.HeaderSelected, "#browse-table")
    def header(self, event: DataTable.HeaderSelected) -> None:
        sort = COLUMNS.get(str(event.column_key.value), ("", None, None))[1]
        if sort is None:
            return
        if sort == self.sort:
            self.descending = not self.descending
        else:
            self.sort, self.descending = sort, False
        self.search()

    @guarded("reading the card")
    def show_detail(self) -> None:
        detail = self.query_one("#browse-detail-text", Static)
        card = self.selected()
        if card is None:
            detail.update(Content("No card matches." if not self.found else ""))
            return
        past = self.col.history(card.id)
        parts: list[str | tuple[str, str]] = [
            (visible(card.text) + "\n", "bold"),
            ("answer ", "$text-muted"),
            visible(", ".join(card.answers) or "(basic)"),
            (" · ", "$text-muted"),
            visible(f"{card.deck} · {Path(card.source).name}:{card.line}") + "\n",
            ("state  ", "$text-muted"),
            f"{', '.join(card.states) or 'review'} · due {_day(card.due)} · "
            f"interval {card.interval}d · ease {card.ease:.2f} · "
            f"{card.repetitions} in a row · {card.lapses} lapses\n",
        ]
        if card.tags:
            parts += [("tags   ", "$text-muted"), visible(" ".join(card.tags)) + "\n"]
        parts.append((f"History ({len(past)} review{'s' if len(past) != 1 else ''})\n", "bold"))
        parts.append("\n".join(history_lines(past)) if past else "never reviewed")
        detail.update(Content.assemble(*parts))

    # -- keys --------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not super().check_action(action, parameters):
            return False
        if action in ("suspend", "bury", "edit", "undo") and self.busy:
            return False
        if action == "undo":
            return self.changes > 0
        return True

    def action_focus_search(self) -> None:
        self.query_one("#browse-search", Input).focus()

    def action_next_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.descending = False
        self.search()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.search()

    @guarded("changing the card")
    def action_suspend(self) -> None:
        card = self.selected()
        if card is None:
            return
        change = "unsuspend" if "suspended" in card.states else "suspend"
        self.col.change_cards([card.id], change, self.now)
        self.changed(card.id, f"{change.capitalize()}ed.")

    @guarded("changing the card")
    def action_bury(self) -> None:
        card = self.selected()
        if card is None:
            return
        if "buried" in card.states:
            self.col.unbury(card.id, self.now)
            self.changed(card.id, "Unburied: it can come up again today.")
        else:
            self.col.bury(card.id, self.now)
            self.changed(card.id, "Buried until tomorrow.")

    def changed(self, card_id: int, said: str) -> None:
        self.changes += 1
        self.notify(f"{said} u undoes.", timeout=2)
        self.research(card_id)

    def research(self, card_id: int | None) -> None:
        """Search again (the card's state moved), keeping the cursor on the card."""
        self.search(card_id)
        self.refresh_bindings()

    @guarded("undoing the change")
    def action_undo(self) -> None:
        if self.changes <= 0:
            return
        card = self.col.undo(self.now)
        self.changes -= 1
        self.notify("Undone.", timeout=2)
        self.research(card.id if card else None)

    def action_edit(self) -> None:
        found = self.selected()
        if found is None:
            return
        try:
            card = self.col.card(found.id, self.now)
        except CollectionError:
            return
        self.edit(card)

    @guarded("rebuilding the deck")
    def on_edit_rebuilt(self, message: EditRebuilt) -> None:
        self.rebuilt(message)
        self.research(message.card_id)

    def holds_rebuild(self) -> bool:
        """A rebuild from changed notes waits for this screen's own `e` rebuild."""
        return self.busy

    def on_notes_rebuilt(self, message: NotesRebuilt) -> None:
        """The notes changed and were rebuilt: search again, the cursor kept on its card."""
        if message.changed and self.is_mounted and not self.busy:
            found = self.selected()
            self.research(found.id if found else None)

    def action_help(self) -> None:
        self.request(HelpRequested())

    def action_back(self) -> None:
        if isinstance(self.focused, Input) and self.focused.value:
            self.focused.value = ""  # Esc in a search clears it first
            return
        self.dismiss()
