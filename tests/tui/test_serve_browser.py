"""`flashcards serve` in a real browser at phone size: headless Chromium at 390x844
shows the card, Show answer and the four grade buttons; taps answer, and the review
lands in the collection."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import child_env, reviews_in

from flashcards.collection import Collection

from .conftest import DATA
from .devtools import CHROMIUM, chromium

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH: the browser test needs it (apt-get install chromium; "
    ".ci/run installs it)",
)

PHONE = (390, 844)
GRADES = ("Again", "Hard", "Good", "Easy")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, env: dict[str, str]) -> Iterator[str]:
    """`flashcards serve` on a free loopback port; the URL it prints."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "flashcards", "--db", str(db), "serve", "--port", str(port)],
        env=child_env(**env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert first.startswith("serving the study app on http://"), first
        yield first.split(" on ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """A collection with the physics deck of tests/tui/data built into it."""
    path = tmp_path / "collection.sqlite"
    with Collection.open(path) as col:
        col.build(DATA / "decks" / "physics.md")
    return path


def _reviews(db: Path) -> int:
    with Collection.open(db) as col:
        return col.review_count()


async def _session(url: str, profile: Path, shots: Path, db: Path) -> list[str]:
    async with chromium(profile, *PHONE) as page:
        await page.send("Page.navigate", url=url)
        # textual-serve's start page: its Start button when the page asks for one
        await page.wait_for("document.readyState === 'complete'")
        if await page.evaluate(
            "!!document.querySelector('#start.-delay') && "
            "getComputedStyle(document.querySelector('#start')).display !== 'none'"
        ):
            await page.evaluate("document.querySelector('#start').click()")
        await page.wait_for_text("Physics")
        await page.screenshot(shots / "home.png")
        assert await page.evaluate("[innerWidth, innerHeight]") == list(PHONE)
        await page.click_text("Physics")
        # the footer's keys come a moment after the card and push it up: click once it shows
        await page.wait_for_text("Show answer", "Keys")
        await page.click_text("Show answer")
        rows = await page.wait_for_text(*GRADES)
        await page.screenshot(shots / "answer.png")
        await page.click_text("Easy")
        for _ in range(600):  # the answer is one transaction in the app's process
            if _reviews(db):
                break
            await asyncio.sleep(0.1)
        return rows


def test_a_phone_browser_shows_the_card_and_buttons_and_a_tap_answers(
    tmp_path: Path, built: Path, user_dirs: dict[str, str]
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    with serving(built, user_dirs) as url:
        rows = asyncio.run(_session(url, tmp_path / "chromium", shots, built))
    width = max(len(row) for row in rows)
    assert 40 <= width <= 50, f"{width} columns at 390 px:\n" + "\n".join(rows)  # phone layout
    text = "\n".join(rows)
    for grade in GRADES:
        assert grade in text
    assert "net force" in text or "acceleration" in text or "newton" in text  # the card
    for shot in ("home.png", "answer.png"):
        data = (shots / shot).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    with Collection.open(built) as col:
        assert col.review_count() == 1
    assert [row[1] for row in reviews_in(built)] == [5]  # Easy: SM-2 quality 5
