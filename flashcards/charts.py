"""Chart layout shared by `flashcards stats` and the app's stats screen, as plain text.

The figures (flashcards.stats) become the calendar heatmap's grid and month
line, column charts of eighth-blocks with their scale and axis, bars, and the
short duration, percent and count words. Everything here is strings, levels
and lists: no Rich, no Textual. Each shell styles these pieces its own way
(a Rich `Text` for the terminal report, a widget's content in the app), so the
two pictures are laid out by the same code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

EIGHTHS_UP = " ▁▂▃▄▅▆▇█"
EIGHTHS_RIGHT = " ▏▎▍▌▋▊▉█"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# the heatmap's five levels: distinct without colour too; coloured like a contribution graph
HEAT = ("·", "░", "▒", "▓", "█")
HEAT_STYLES = ("grey42", "#0e6d2e", "#26a641", "#39d353", "bold #7ee787")
WEEKDAY_LABELS = ("Mon", "", "Wed", "", "Fri", "", "")  # every other row, as GitHub does
LABEL_WIDTH = 4  # the weekday label column, before the first week


@dataclass
class Calendar:
    """A contribution-graph layout: one column per week (Monday first), one row per weekday.

    `cells[weekday][week]` is a level 0–4 (0 = no answers, 4 = the busiest
    days) or None outside the history. `months` has one character per week,
    with a month's name starting at the week its first day falls in.
    """

    cells: list[list[int | None]]
    months: str
    maximum: int


def calendar(history: dict[str, object]) -> Calendar:
    """Lay out `history` (as in `flashcards.stats.compute`'s result) as a calendar heatmap."""
    start = date.fromisoformat(str(history["start"]))
    end = date.fromisoformat(str(history["end"]))
    answers: list[int] = list(history["answers"])  # type: ignore[call-overload]
    first_monday = start - timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    cells: list[list[int | None]] = [[None] * weeks for _ in range(7)]
    maximum = max(answers, default=0)
    for i, n in enumerate(answers):
        day = start + timedelta(days=i)
        week = (day - first_monday).days // 7
        cells[day.weekday()][week] = level(n, maximum)
    months = [" "] * weeks
    for week in range(weeks):
        sunday = first_monday + timedelta(weeks=week, days=6)
        # a month's name starts at the week holding its 1st, with a blank column before it
        if sunday.day <= 7 and week + 3 <= weeks and (week == 0 or months[week - 1] == " "):
            months[week : week + 3] = MONTHS[sunday.month - 1]
    if weeks >= 4 and months[:4] == [" "] * 4:
        months[:3] = MONTHS[start.month - 1]  # name the partial month the graph starts in
    return Calendar(cells, "".join(months), maximum)


def level(n: int, maximum: int) -> int:
    """0 for no answers, else 1–4 by quarters of the busiest day."""
    if n <= 0 or maximum <= 0:
        return 0
    return min(4, max(1, -(-4 * n // maximum)))


def month_line(cal: Calendar) -> str:
    """The month names over the week columns, past the weekday labels."""
    return " " * LABEL_WIDTH + cal.months.rstrip()


def weekday_label(weekday: int) -> str:
    """The label column of a heatmap row (0 = Monday), padded to its width."""
    return f"{WEEKDAY_LABELS[weekday]:<{LABEL_WIDTH}}"


def heat_cells(row: list[int | None]) -> list[tuple[str, int | None]]:
    """One heatmap row's cells as (character, level); a day outside the history is blank."""
    return [(" ", None) if lv is None else (HEAT[lv], lv) for lv in row]


def vertical_bars(values: list[int], height: int) -> list[str]:
    """Rows (top first) of a bar chart with one character per value, in eighths.

    A non-zero value always shows at least its lowest eighth.
    """
    top = max(values, default=0)
    units = [0 if v <= 0 or top <= 0 else max(1, round(v * height * 8 / top)) for v in values]
    rows = []
    for row in range(height - 1, -1, -1):
        base = row * 8
        rows.append("".join(EIGHTHS_UP[min(8, max(0, u - base))] for u in units))
    return rows


@dataclass
class Columns:
    """A column chart as lines of text: `scale[i]` then `bars[i]` make row i (top first),
    and `axis` goes under them; each part is styled by the shell that shows it."""

    scale: list[str]
    bars: list[str]
    axis: str


def columns(
    values: list[int],
    height: int,
    labels: dict[int, str],
    *,
    gap: int = 0,
    scale_width: int = 3,
    zero_on_scale: bool = False,
) -> Columns:
    """One column per value, `gap` blanks apart, with the largest value on the scale
    (an all-zero chart shows 0 there only with `zero_on_scale`) and each of `labels`
    (value index -> text) on the axis under its column."""
    top = max(values, default=0)
    scale = [
        f"{str(top) if i == 0 and (top or zero_on_scale) else '':>{scale_width}} "
        for i in range(height)
    ]
    bars = ["".join(c + " " * gap for c in row).rstrip() for row in vertical_bars(values, height)]
    step = gap + 1
    axis = [" "] * (len(values) * step)
    for at, label in labels.items():
        axis[at * step : at * step + len(label)] = label
    return Columns(scale, bars, " " * (scale_width + 1) + "".join(axis).rstrip())


def horizontal_bar(value: float, maximum: float, width: int) -> str:
    """A bar `width` characters long at most, in eighths of a character."""
    if maximum <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value * width * 8 / maximum))
    full, part = divmod(min(eighths, width * 8), 8)
    return "█" * full + (EIGHTHS_RIGHT[part] if part else "")


def duration(ms: int) -> str:
    """A short human duration: '45s', '4m 10s', '1h 05m'."""
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"


def percent(rate: float | None) -> str:
    """A share as '92.3%', or '—' when there is none."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def count(n: int, word: str) -> str:
    """'1 day', '2 days': `n` and `word`, plural unless n is 1."""
    return f"{n} {word}{'' if n == 1 else 's'}"
