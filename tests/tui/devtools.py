"""A headless Chromium driven through the DevTools protocol, for the browser test of
`flashcards serve`: JSON commands over the page's websocket (aiohttp's client, which
textual-serve brings), the terminal's text read from xterm.js's own buffer.

xterm.js draws with WebGL or a canvas, so the page's DOM holds no text. A script run
before the page's own catches the `Terminal` textual.js makes (it is kept in a
closure) as it is assigned, and `screen()` reads its rows: exactly the cells the
browser shows. Clicks are mouse events at a cell's pixel centre, which xterm.js hands
to the app as the terminal mouse reports a tap in a phone's browser makes.

Waits are counted loops of short sleeps, never clock readings.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
STEP = 0.1  # seconds a wait sleeps between looks

# the page's `this.terminal = new Terminal(...)` lands in this setter (nothing in the
# page defines `terminal` itself), which keeps the terminal where we can read it
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true});
    window.__terminal = value;
  },
});
"""

SCREEN = """
(() => {
  const t = window.__terminal;
  if (!t) return null;
  const box = t.element.querySelector(".xterm-screen").getBoundingClientRect();
  const rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = t.buffer.active.getLine(t.buffer.active.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return {rows, cols: t.cols, x: box.left, y: box.top, width: box.width, height: box.height};
})()
"""


class Page:
    """One browser tab, spoken to over its DevTools websocket."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.ids = itertools.count(1)
        self.screen: dict[str, Any] = {}

    async def send(self, method: str, **params: object) -> dict[str, Any]:
        """Send a command; its result (events that come first are passed over)."""
        n = next(self.ids)
        await self.ws.send_str(json.dumps({"id": n, "method": method, "params": params}))
        async for message in self.ws:
            reply = json.loads(message.data)
            if reply.get("id") == n:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
        raise RuntimeError(f"{method}: the browser closed the connection")

    async def evaluate(self, expression: str) -> Any:  # noqa: ANN401 - any JSON value
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def wait_for(self, expression: str, tries: int = 600) -> Any:  # noqa: ANN401
        """The first truthy value of `expression`, looked at every STEP seconds."""
        for _ in range(tries):
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(STEP)
        raise AssertionError(f"never true after {tries} looks: {expression}")

    async def read_screen(self) -> list[str]:
        """The terminal's rows as the browser shows them."""
        self.screen = await self.evaluate(SCREEN) or {}
        return self.screen.get("rows", [])

    async def wait_for_text(self, *texts: str, tries: int = 600) -> list[str]:
        """The terminal's rows once every one of `texts` is on them."""
        rows: list[str] = []
        for _ in range(tries):
            rows = await self.read_screen()
            if all(any(text in row for row in rows) for text in texts):
                return rows
            await asyncio.sleep(STEP)
        shown = "\n".join(rows)
        raise AssertionError(f"never on screen after {tries} looks: {texts}\n{shown}")

    async def click_text(self, text: str) -> None:
        """Click the middle of the first place `text` is shown."""
        rows = await self.read_screen()
        found = [(y, row.find(text)) for y, row in enumerate(rows) if text in row]
        if not found:
            raise AssertionError(f"{text!r} is not on screen:\n" + "\n".join(rows))
        y, x = found[0]
        s = self.screen
        cell_w, cell_h = s["width"] / s["cols"], s["height"] / len(rows)
        await self.click(s["x"] + (x + len(text) / 2) * cell_w, s["y"] + (y + 0.5) * cell_h)

    async def click(self, x: float, y: float) -> None:
        await self.send("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
        for kind in ("mousePressed", "mouseReleased"):
            await self.send(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@asynccontextmanager
async def chromium(profile: Path, width: int, height: int) -> AsyncIterator[Page]:
    """A headless Chromium with its profile in `profile`, and its first tab, a phone's
    viewport of `width`x`height` CSS pixels, ready for `Page.navigate`."""
    assert CHROMIUM is not None
    profile.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            CHROMIUM,
            "--headless=new",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--no-sandbox",  # tests may run as root, where Chromium's sandbox refuses
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--enable-unsafe-swiftshader",  # WebGL in software: xterm.js asks for it
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(600):
            if port_file.exists() and len(port_file.read_text().splitlines()) >= 2:
                break
            assert proc.poll() is None, f"chromium exited with {proc.returncode}"
            await asyncio.sleep(STEP)
        else:
            raise AssertionError("chromium never wrote DevToolsActivePort")
        port = int(port_file.read_text().splitlines()[0])
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/json/list") as response:
                targets = await response.json()
            tab = next(t for t in targets if t["type"] == "page")
            async with http.ws_connect(tab["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                page = Page(ws)
                await page.send("Page.enable")
                await page.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
                # a window is never narrower than ~500 px: the phone's viewport is emulated
                await page.send(
                    "Emulation.setDeviceMetricsOverride",
                    width=width,
                    height=height,
                    deviceScaleFactor=1,
                    mobile=True,
                )
                yield page
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
