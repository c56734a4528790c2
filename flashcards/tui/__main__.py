"""`python -m flashcards.tui DB`: the study app alone, for `flashcards serve` to run
under textual-serve's web driver (its stdin and stdout are pipes, not a terminal)."""

from __future__ import annotations

import sys
from pathlib import Path

from flashcards.tui.app import run_app

if __name__ == "__main__":
    sys.exit(run_app(Path(sys.argv[1])))
