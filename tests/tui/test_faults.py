"""The app when the collection fails under it: a message, never a traceback; no answer
dropped without the user choosing so."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
from pathlib import Path

from flashcards.collection import Collection
from flashcards.tui.screens.message import MessageScreen
from flashcards.tui.screens.review import ReviewScreen

from .conftest import flat
from .test_flows import drive, settle


def _answers(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    finally:
        conn.close()


def test_an_answer_waits_for_a_busy_collection_and_is_saved_when_it_frees(
    app_factory, collection_path
):
    app = app_factory(deck="Physics")
    other = sqlite3.connect(collection_path, isolation_level=None)

    async def scenario(pilot):
        await pilot.press("space")
        other.execute("BEGIN IMMEDIATE")  # another process writing, for longer than a moment
        await pilot.press("3")
        for _ in range(100):  # counted looks, not a fixed pause: the first try meets the lock
            await pilot.pause(0.1)
            if "Saving your answer" in flat(app):
                break
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.pending is not None
        assert "Saving your answer" in flat(app) and "busy" in flat(app)
        other.execute("COMMIT")  # the writer is done: the next retry saves the answer
        for _ in range(40):
            await pilot.pause(0.1)
            if screen.pending is None:
                break
        assert screen.pending is None and len(screen.session.answers) == 1

    drive(app, scenario)
    other.close()
    assert _answers(collection_path) == 1


def test_an_answer_held_up_too_long_is_kept_until_the_user_chooses(app_factory, collection_path):
    app = app_factory(deck="Physics")
    other = sqlite3.connect(collection_path, isolation_level=None)

    async def scenario(pilot):
        await pilot.press("space")
        other.execute("BEGIN IMMEDIATE")
        await pilot.press("3")
        for _ in range(200):  # every retry fails: the message comes
            await pilot.pause(0.1)
            if isinstance(app.screen, MessageScreen):
                break
        assert isinstance(app.screen, MessageScreen)
        await pilot.pause()
        assert "The collection is busy" in flat(app) and "r tries to save it again" in flat(app)
        other.execute("COMMIT")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and app.screen.pending is None

    drive(app, scenario)
    other.close()
    assert _answers(collection_path) == 1


def test_a_read_only_collection_opens_to_browse_with_a_notice(
    app_factory, collection_path, as_user
):
    # as root the file would be writable anyway: make it immutable, as `chattr +i` does
    if as_user:
        subprocess.run(["chattr", "+i", str(collection_path)], check=True)
    else:
        collection_path.chmod(0o444)
        collection_path.parent.chmod(0o555)
    try:
        with Collection.open(collection_path) as col:
            readonly = col.readonly
        app = app_factory(deck="Physics")

        async def scenario(pilot):
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press("space")
            await pilot.press("3")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen) and app.screen.pending is None
            texts = [str(n.message) for n in app._notifications]
            assert any("read-only" in t for t in texts), texts

        if as_user and not readonly:
            raise AssertionError("root opened an immutable file for writing")
        drive(app, scenario)
    finally:
        if as_user:
            subprocess.run(["chattr", "-i", str(collection_path)], check=True)
        else:
            collection_path.parent.chmod(0o755)
            collection_path.chmod(0o644)
    assert _answers(collection_path) == 0
    assert not [p for p in collection_path.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]


def test_a_damaged_collection_is_a_message_not_a_traceback(app_factory, collection_path):
    conn = sqlite3.connect(collection_path)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'cards'").fetchone()
    (size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    data = bytearray(collection_path.read_bytes())
    data[(root - 1) * size : root * size] = b"\xff" * size
    collection_path.write_bytes(bytes(data))
    before = collection_path.read_bytes()
    app = app_factory(deck="Physics")

    async def scenario(pilot):
        await pilot.pause()
        assert isinstance(app.screen, MessageScreen)
        text = flat(app)
        assert "cannot be opened" in text and "damaged" in text
        await pilot.press("q")

    drive(app, scenario)
    assert app.return_code == 1
    assert collection_path.read_bytes() == before


def test_a_failure_no_screen_caught_ends_the_app_with_a_message(app_factory):
    app = app_factory()
    said: list[str] = []
    exit_app = app.exit

    def exit_saying(*args, message=None, **kwargs):
        said.append(str(message))
        exit_app(*args, message=message, **kwargs)

    app.exit = exit_saying

    async def scenario(pilot):
        await settle(pilot)

        def broken() -> None:
            raise sqlite3.OperationalError("disk I/O error")

        app.call_later(broken)
        # the app ends on its own: looked for in counted steps, not a fixed sleep that a
        # loaded machine can outlast before the failure is even raised
        for _ in range(600):
            if said:
                break
            await asyncio.sleep(0.05)

    drive(app, scenario)
    assert app.return_code == 1
    assert len(said) == 1 and "disk I/O error" in said[0] and "Traceback" not in said[0]
