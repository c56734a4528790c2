"""The framed, centred box of the keys page and the message screen, written once.

Each of the two screens carries its own CSS, parsed when it first shows (not on the way
to the first card); both start from these rules and add their own after them.
"""

from __future__ import annotations


def modal_box_css(screen: str, box: str) -> str:
    """CSS for `screen` centring its `box` (a selector): 76 columns at most 95% of the
    terminal, as tall as its content up to 90%, a rounded accent border on the surface."""
    return f"""
    {screen} {{
        align: center middle;
    }}
    {box} {{
        width: 76;
        max-width: 95%;
        height: auto;
        max-height: 90%;
        border: round $accent;
        background: $surface;
        padding: 1 2;
    }}
    """
