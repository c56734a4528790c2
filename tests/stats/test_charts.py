"""Chart layout shared by `flashcards stats` and the app: the calendar grid, bars and words."""

from __future__ import annotations

from datetime import date

from flashcards import charts


def test_calendar_layout():
    start = date(2024, 6, 11)  # a Tuesday
    answers = [0] * 365
    answers[-1] = 8  # today, 2025-06-10, a Tuesday
    answers[-2] = 2
    answers[0] = 1
    cal = charts.calendar({"start": start.isoformat(), "end": "2025-06-10", "answers": answers})
    weeks = len(cal.cells[0])
    assert weeks == 53
    assert all(len(row) == weeks for row in cal.cells)
    assert cal.cells[0][0] is None  # Monday 2024-06-10 is before the year
    assert cal.cells[1][0] == 1  # 1 of 8: the lowest level
    assert cal.cells[1][-1] == 4  # today, the busiest day
    assert cal.cells[0][-1] == 1  # yesterday, 2 of 8
    assert cal.cells[2][-1] is None  # tomorrow is not drawn
    assert cal.maximum == 8
    assert len(cal.months) == weeks
    # July starts in the 4th week (Monday 2024-07-01); June has no room before it,
    # and 2025's June starts in the week of Sunday 06-01, just fitting at the end
    assert cal.months == "   Jul Aug Sep  Oct Nov Dec  Jan Feb Mar  Apr May Jun"


def test_bars():
    # 16 eighths tall: 1 → one eighth, 12 → a full row and half of the next
    assert charts.vertical_bars([0, 1, 12, 16], 2) == ["  ▄█", " ▁██"]
    assert charts.vertical_bars([], 3) == ["", "", ""]
    assert charts.horizontal_bar(1, 2, 4) == "██"
    assert charts.horizontal_bar(1, 3, 4) == "█▍"  # 32 / 3 = 10.7 → 11 eighths
    assert charts.horizontal_bar(0, 3, 4) == ""
    assert charts.duration(45_000) == "45s"
    assert charts.duration(250_000) == "4m 10s"
    assert charts.duration(3_900_000) == "1h 05m"
    assert charts.percent(None) == "—"
    assert charts.percent(0.923) == "92.3%"


def test_heatmap_rows_and_month_line():
    cal = charts.Calendar(cells=[[None, 0, 4]] * 7, months=" Jan  ", maximum=3)
    assert charts.month_line(cal) == "     Jan"  # past the 4-wide weekday labels
    assert [charts.weekday_label(d) for d in (0, 1, 2)] == ["Mon ", "    ", "Wed "]
    assert charts.heat_cells([None, 0, 4]) == [(" ", None), ("·", 0), ("█", 4)]


def test_columns_scale_bars_and_axis():
    # the terminal report: columns two characters apart, a 5-wide scale that shows 0 too
    wide = charts.columns([0, 1, 2], 2, {0: "a", 2: "c"}, gap=1, scale_width=5, zero_on_scale=True)
    assert wide.scale == ["    2 ", "      "]
    assert wide.bars == ["    █", "  █ █"]
    assert wide.axis == "      a   c"
    # the app: one character per column, a 3-wide scale left blank when nothing is counted
    narrow = charts.columns([0, 0, 0, 0], 1, {0: "0", 2: "+2"})
    assert narrow.scale == ["    "]
    assert narrow.bars == [""]
    assert narrow.axis == "    0 +2"
    assert charts.columns([0], 1, {}, zero_on_scale=True).scale == ["  0 "]


def test_counted_words():
    assert charts.count(1, "day") == "1 day"
    assert charts.count(0, "answer") == "0 answers"
