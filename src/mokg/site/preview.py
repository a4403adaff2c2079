"""Serve a built site on 127.0.0.1 and take screenshots of it with Chromium (Playwright, Debian's browser).

Used by ``python -m mokg.site screenshot`` and by the tests. No browser is ever downloaded:
Playwright drives the Chromium at :data:`CHROMIUM`.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "screenshot", "serve"]

#: Debian's Chromium (``apt-get install chromium``), overridable with ``MOKG_CHROMIUM``.
CHROMIUM = os.environ.get("MOKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over HTTP on a free port of 127.0.0.1 while the block runs; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def screenshot(url: str, target: Path, *, width: int = 1440, height: int = 900, full_page: bool = False) -> Path:
    """A PNG screenshot of the page at ``url``, written to ``target``."""
    from playwright.sync_api import sync_playwright  # a test / docs dependency, not needed to build

    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url)
            page.wait_for_load_state("load")
            page.screenshot(path=str(target), full_page=full_page)
        finally:
            browser.close()
    return target
