"""`spreadsheet_cell`: what the tsv and reviews-csv writers do to a cell that a
spreadsheet would read as a formula (OWASP's CSV-injection rules)."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flashcards.export.files import spreadsheet_cell

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("cell", "plain", "in_html"),
    [
        ("=1+1", "'=1+1", "&#61;1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0", "&#43;cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3", "&#45;2+3"),
        ("@SUM(A1)", "'@SUM(A1)", "&#64;SUM(A1)"),
        ("\t=1", "'\t=1", "&#9;=1"),
        ("\r=1", "'\r=1", "&#13;=1"),
    ],
)
def test_a_cell_starting_like_a_formula_is_defused(cell, plain, in_html):
    assert spreadsheet_cell(cell) == plain
    assert spreadsheet_cell(cell, html=True) == in_html


@pytest.mark.parametrize("cell", ["", "text", " =1", "a=1", "'=1", "<b>=</b>", "{{c1::=x}}"])
def test_other_text_is_left_alone(cell):
    assert spreadsheet_cell(cell) == cell
    assert spreadsheet_cell(cell, html=True) == cell


@pytest.mark.parametrize("value", [0, -5, 1.5, None, "-5", "+3", "-0.25", "-1e3", ".5"])
def test_numbers_are_left_alone(value):
    assert spreadsheet_cell(value) == value


@given(st.text(alphabet=st.sampled_from("=+-@\t\r'1.e &;ab"), max_size=8) | st.text(max_size=8))
def test_every_defused_cell_reads_as_its_text(text):
    plain, in_html = spreadsheet_cell(text), spreadsheet_cell(text, html=True)
    if plain == text:  # left alone: no trigger first, or a number
        assert in_html == text
        assert not text.startswith(TRIGGERS) or float(text) == float(text)
    else:
        assert plain == "'" + text
        reference, rest = in_html.split(";", 1)
        assert html.unescape(reference + ";") == text[0] and rest == text[1:]


def test_the_tsv_writer_defuses_only_the_cells_that_start_like_a_formula(tmp_path, monkeypatch):
    # ~300,000 cells in a 50,000-card export: each is asked its first character first,
    # and only those that could start a formula go through `spreadsheet_cell`
    from helpers import NOW

    from flashcards.export import export, tsv

    from .support import open_collection

    notes = tmp_path / "cells.md"
    notes.write_text("- =1+1 gives **two** here\n- a plain **answer** here\n")
    seen: list[str] = []

    def counted(value, html=False):
        seen.append(value)
        return spreadsheet_cell(value, html)

    monkeypatch.setattr(tsv, "spreadsheet_cell", counted)
    out = tmp_path / "cells.tsv"
    with open_collection(tmp_path / "cells.sqlite") as col:
        col.build(notes)
        export(col, [], "tsv", out, now=NOW)
    rows = [line.split("\t") for line in out.read_text().splitlines() if line[:1] != "#"]
    assert len(rows) == 2
    assert any(row[3].startswith("&#61;1+1 gives {{c1::two}}") for row in rows)
    assert seen == ["cells", "=1+1 gives {{c1::two}} here"]  # the deck's name, then that field
