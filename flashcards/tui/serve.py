"""(In tui/: textual-serve imports Textual and Rich.) Serving the study app to a browser with textual-serve, behind an access token
whenever the server listens on anything but the loopback interface.

textual-serve has no authentication of its own. On a non-loopback host every
request must carry `?token=...` (a `secrets.token_urlsafe` made per run) or the
cookie the first good request sets (the page's websocket and scripts carry no
query); anything else gets HTTP 403. On loopback no token is asked for.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import secrets
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from textual_serve.server import Server

COOKIE = "flashcards_token"
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_loopback(host: str) -> bool:
    """Whether `host` names only this machine (`localhost`, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(db: Path) -> str:
    """The shell command textual-serve runs per browser session: the app on `db`."""
    return shlex.join([sys.executable, "-m", "flashcards.tui", str(db)])


class StudyServer(Server):
    """textual-serve's Server with a token check in front of every route, URLs made
    from the address the browser used, and the start message given to `announce`."""

    def __init__(
        self,
        db: Path,
        host: str,
        port: int,
        announce: Callable[[str], None],
        token: str | None = None,
    ) -> None:
        super().__init__(app_command(db), host=host, port=port, title="flashcards")
        self.token = None if is_loopback(host) else (token or secrets.token_urlsafe(24))
        self.announce = announce

    def url(self) -> str:
        """The address to open (with the token when one is needed)."""
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "::") else self.host
        if ":" in shown:
            shown = f"[{shown}]"
        base = f"http://{shown}:{self.port}/"
        return f"{base}?token={self.token}" if self.token else base

    def allowed(self, request: web.Request) -> bool:
        """Whether `request` may be served: on loopback when it names a loopback host
        (no DNS rebinding), else with the token; and never a page of another origin
        opening the websocket (browsers let any site try ws://127.0.0.1)."""
        origin = request.headers.get("Origin")
        if origin is not None and urlsplit(origin).netloc != request.host:
            return False
        if self.token is None:
            return is_loopback(urlsplit(f"//{request.host}").hostname or "")
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()

        @web.middleware
        async def check_token(request: web.Request, handler: Handler) -> web.StreamResponse:
            if not self.allowed(request):
                return web.Response(status=403, text="403: this server needs its access token\n")
            response = await handler(request)
            if self.token is not None and request.query.get("token"):
                response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
            return response

        app.middlewares.append(check_token)
        return app

    async def handle_index(self, request: web.Request) -> Any:  # noqa: ANN401 - aiohttp's
        # the page's websocket and static URLs use the address the browser reached us by
        self.public_url = f"{request.scheme}://{request.host}"
        page = await super().handle_index(request)
        # textual-serve's page has no viewport tag, so a phone lays it out 980 px wide
        # and shrinks it: 110 tiny columns. With it, a phone gets the phone layout.
        page.text = page.text.replace("<head>", f"<head>\n    {VIEWPORT}", 1)
        return page

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: `announce` is told once the socket listens (textual-serve prints a logo)."""

    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM; `announce` the URL once connections are taken."""
        loop = asyncio.new_event_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(
            self._make_app(),
            host=self.host,
            port=self.port,
            handle_signals=False,
            loop=loop,
            access_log=None,
            print=lambda *_: self.announce(self.url()),
        )
