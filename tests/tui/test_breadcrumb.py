"""The breadcrumb uses the width it has: whole when it fits, the longest crumbs cut first."""

from __future__ import annotations

from flashcards.tui.widgets.card import CRUMB_MIN, breadcrumb

LONG = "An ancestor block that is a whole paragraph of text, far longer than 48 characters"


def test_the_whole_breadcrumb_shows_when_it_fits():
    context = ["Mechanics", LONG, "Newton's laws"]
    assert breadcrumb(context, 200).plain == " › ".join(context)  # 48 chars a crumb no more


def test_the_longest_crumb_is_cut_to_fit_and_short_ones_stay():
    shown = breadcrumb(["Mechanics", LONG, "Newton's laws"], 60).plain
    assert len(shown) <= 60
    assert shown.startswith("Mechanics › An ancestor") and shown.endswith("… › Newton's laws")


def test_no_crumb_goes_below_its_minimum():
    shown = breadcrumb([LONG] * 6, 20).plain
    assert all(len(c) == CRUMB_MIN for c in shown.split(" › "))
