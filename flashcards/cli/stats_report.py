"""The `flashcards stats` report: the figures as Rich renderables, 80 columns wide.

The layout of the calendar and the column charts is flashcards.charts, shared
with the app's stats screen; this module styles it for the terminal. Rich is
imported inside `stats_report`, so importing the CLI does not load it.
"""

from __future__ import annotations

from flashcards import charts
from flashcards.charts import count
from flashcards.display import visible


def stats_report(figures: dict) -> list[object]:
    """The `flashcards stats` report as rich renderables, 80 columns wide."""
    from rich import box
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from flashcards import stats as st

    def heading(title: str, note: str = "") -> Text:
        text = Text("\n")
        text.append(title, style="bold")
        if note:
            text.append(f"  {note}", style="dim")
        return text

    def grid() -> Table:
        return Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, padding=(0, 1))

    def calendar_text(cal: charts.Calendar) -> Text:
        """Month names over week columns, Mon/Wed/Fri labels, and the legend."""
        text = Text(charts.month_line(cal) + "\n", style="dim")
        for weekday, row in enumerate(cal.cells):
            text.append(charts.weekday_label(weekday), style="dim")
            for glyph, level in charts.heat_cells(row):
                text.append(glyph, style=None if level is None else charts.HEAT_STYLES[level])
            text.rstrip()
            text.append("\n")
        text.append("    less ", style="dim")
        for level in range(5):
            text.append(charts.HEAT[level], style=charts.HEAT_STYLES[level])
        text.append(f" more   (busiest day: {count(cal.maximum, 'answer')})", style="dim")
        return text

    def columns_text(values: list[int], height: int, labels: dict[int, str]) -> Text:
        """One bar per value, two characters apart, the largest value on the scale."""
        chart = charts.columns(values, height, labels, gap=1, scale_width=5, zero_on_scale=True)
        text = Text()
        for scale, bars in zip(chart.scale, chart.bars, strict=True):
            text.append(scale, style="dim")
            text.append(bars, style="green")
            text.append("\n")
        text.append(chart.axis, style="dim")
        return text

    parts: list[object] = []
    deck = figures["deck"]
    title = Text("Stats — ", style="bold")
    title.append(visible(deck) if deck is not None else "all decks", style="bold")
    zone = figures["timezone"] or "this computer's time"
    title.append(
        f"   study day {figures['day']} ({zone}, days start {figures['rollover_hour']:02d}:00)",
        style="dim",
    )
    parts.append(title)

    today, streak, cards = figures["today"], figures["streak"], figures["cards"]
    left = today["left"]
    summary = Table.grid(padding=(0, 2))
    summary.add_column(style="bold")
    summary.add_column()
    summary.add_row(
        "Today",
        f"{count(today['answers'], 'answer')} on {count(today['cards'], 'card')} "
        f"({today['new']} new, {count(today['drills'], 'drill')}) "
        f"in {charts.duration(today['time_ms'])}",
    )
    summary.add_row(
        "Left",
        f"{left['new']} new, {left['review']} review, {left['drill']} drill to study today",
    )
    summary.add_row(
        "Streak",
        f"{_days(streak['current'])} (longest {_days(streak['longest'])}); "
        f"{count(streak['days_studied'], 'study day')}, "
        f"{count(streak['answers'], 'answer')} in all",
    )
    parts.append(summary)

    parts.append(heading("Cards"))
    table = grid()
    columns = ("total", "new", "learning", "young", "mature", "suspended", "buried", "retired")
    for name in (*columns, "leeches"):
        table.add_column(name, justify="right")
    table.add_row(*(str(cards[name]) for name in (*columns, "leeches")))
    parts.append(table)

    history = figures["history"]
    answers = history["answers"]
    studied = sum(1 for n in answers if n)
    parts.append(
        heading(
            "Reviews, last 365 days",
            f"{count(sum(answers), 'answer')} on {count(studied, 'day')}, "
            f"{charts.duration(sum(history['time_ms']))}",
        )
    )
    parts.append(calendar_text(charts.calendar(history)))

    parts.append(heading("Time spent"))
    spent = Table.grid(padding=(0, 3))
    ms = history["time_ms"]
    cells = []
    for label, days in (("today", 1), ("7 days", 7), ("30 days", 30), ("365 days", 365)):
        cells.append(Text.assemble((label + " ", "dim"), charts.duration(sum(ms[-days:]))))
    per_day = sum(ms) // studied if studied else 0
    cells.append(Text.assemble(("per study day ", "dim"), charts.duration(per_day)))
    spent.add_row(*cells)
    parts.append(spent)

    due = figures["forecast"]["due"]
    parts.append(
        heading(
            "Forecast, cards due in the next 30 days",
            f"{sum(due)} in all; overdue cards count today",
        )
    )
    parts.append(columns_text(due, 6, {0: "today", 7: "+7", 14: "+14", 21: "+21", 28: "+28"}))

    parts.append(heading("True retention", "share of scheduled answers of seen cards with q >= 3"))
    table = grid()
    table.add_column("")
    for period in ("7", "30", "365"):
        table.add_column(f"{period} days", justify="right")
    for group in ("young", "mature", "all"):
        row = [group]
        for period in ("7", "30", "365"):
            cell = figures["retention"][period][group]
            row.append(
                f"{charts.percent(cell['rate'])} of {cell['reviews']}" if cell["reviews"] else "—"
            )
        table.add_row(*row)
    parts.append(table)

    parts.append(heading("Answer buttons, last 365 days"))
    table = grid()
    table.add_column("")
    for name in st.BUTTONS:
        table.add_column(name, justify="right")
    for group in ("new", "young", "mature", "drill"):
        counts = figures["buttons"][group]
        total = sum(counts)
        table.add_row(
            group,
            *(f"{n} ({n / total:.0%})" if total else "0" for n in counts),
        )
    parts.append(table)

    def histogram(title: str, rows: list[tuple[str, int]], style: str) -> Table:
        """One labelled bar per bucket, scaled to the largest."""
        table = grid()
        table.add_column(title)
        table.add_column("cards", justify="right")
        table.add_column("", width=14)
        top = max((n for _, n in rows), default=0)
        for label, n in rows:
            table.add_row(label, str(n), Text(charts.horizontal_bar(n, top, 14), style=style))
        return table

    def interval_label(lo: int, hi: int | None) -> str:
        return f"{lo}d" if lo == hi else f"{lo}-{hi}d" if hi else f"> {lo - 1}d"

    intervals = histogram(
        "interval",
        [(interval_label(b["from"], b["to"]), b["cards"]) for b in figures["intervals"]],
        "cyan",
    )
    ease = histogram("EF", [(f"{b['from']:.1f}", b["cards"]) for b in figures["ease"]], "magenta")
    side = Table.grid(padding=(0, 4))
    side.add_row(intervals, ease)
    parts.append(heading("Intervals and ease", "of scheduled cards"))
    parts.append(side)

    hours = [h["answers"] for h in figures["hours"]]
    parts.append(heading("Hour of day, last 365 days", "answers by local time"))
    parts.append(columns_text(hours, 4, {0: "0h", 6: "6h", 12: "12h", 18: "18h", 23: "23h"}))
    return [Group(*parts)]


def _days(n: int) -> str:
    return count(n, "day")
