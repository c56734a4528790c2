"""`flashcards serve`: a real server in a child process, asked over HTTP with urllib.
Loopback needs no token; any other bind needs the printed one, or gets 403."""

from __future__ import annotations

import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import child_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(db: Path, *args: str) -> Iterator[tuple[str, int]]:
    """`flashcards serve ARGS` running; its printed URL and its port."""
    port = free_port()
    cmd = [sys.executable, "-m", "flashcards", "--db", str(db), "serve", *args, "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    try:
        first = proc.stdout.readline()  # type: ignore[union-attr]
        assert first.startswith("serving the study app on http://"), first
        yield first.split(" on ", 1)[1].strip(), port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def status(url: str, cookie: str | None = None, **headers: str) -> int:
    if cookie:
        headers["Cookie"] = cookie
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def test_non_loopback_bind_needs_the_printed_token(db_path: Path) -> None:
    with serving(db_path, "--host", "0.0.0.0") as (url, port):
        assert "?token=" in url
        token = url.split("?token=", 1)[1]
        assert len(token) >= 24
        base = f"http://127.0.0.1:{port}"
        assert status(url) == 200
        assert status(f"{base}/") == 403
        assert status(f"{base}/?token=wrong{token}") == 403
        assert status(f"{base}/ws") == 403
        assert status(url, Origin="http://evil.example") == 403
        assert status(f"{base}/static/js/textual.js") == 403
        # the page's scripts and websocket carry the cookie the good request set
        assert status(f"{base}/static/js/textual.js", cookie=f"flashcards_token={token}") == 200
        assert status(f"{base}/static/js/textual.js", cookie="flashcards_token=x") == 403


def test_each_run_makes_a_new_token(db_path: Path) -> None:
    with serving(db_path, "--host", "0.0.0.0") as (first, _):
        pass
    with serving(db_path, "--host", "0.0.0.0") as (second, _):
        pass
    assert first.split("?token=")[1] != second.split("?token=")[1]


def test_loopback_needs_no_token(db_path: Path) -> None:
    with serving(db_path) as (url, port):
        assert url == f"http://127.0.0.1:{port}/"
        assert status(url) == 200
        assert status(f"{url}static/js/textual.js") == 200
        # another site's page in the same browser may not drive the app
        assert status(f"{url}ws", Origin="http://evil.example") == 403
        assert status(url, Origin=f"http://127.0.0.1:{port}") == 200
        # nor a name rebound to 127.0.0.1 by someone else's DNS
        assert status(url, Host=f"evil.example:{port}") == 403
        assert status(url, Host=f"localhost:{port}") == 200


def test_the_page_points_its_websocket_at_the_address_used(db_path: Path) -> None:
    with (
        serving(db_path, "--host", "0.0.0.0") as (url, port),
        urllib.request.urlopen(url, timeout=30) as response,
    ):
        page = response.read().decode()
    assert f"ws://127.0.0.1:{port}/ws" in page
    assert "0.0.0.0" not in page


def test_a_port_in_use_says_so(db_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "flashcards",
                "--db",
                str(db_path),
                "serve",
                "--port",
                str(port),
            ],
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"error: cannot listen on 127.0.0.1:{port}" in done.stderr
    assert "Traceback" not in done.stderr
