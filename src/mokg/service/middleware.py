"""The layers every response passes through: compression, CORS, security headers.

- **Security headers.** Every response says ``X-Content-Type-Options: nosniff`` and a
  ``Referrer-Policy``; every HTML page also gets a strict ``Content-Security-Policy`` (scripts,
  styles and everything else only from this origin, no inline script, no framing, no plugins)
  unless its view set a policy of its own, and ``X-Frame-Options: DENY`` for older browsers.
- **Compression.** Starlette's gzip, minus what is compressed already (``application/gzip``).
  Compressed bytes are another representation, so their strong ETag becomes weak (``W/``):
  a cache never mixes the two encodings, and ``If-None-Match`` still matches (weakly).
- **CORS.** Any origin may read (the data are public), GET and POST only; the headers browser
  code needs are exposed: ``Link`` (``cite-as``, alternates), ``ETag``, ``Content-Location``,
  ``Retry-After``, ``X-Result-Truncated``.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "EXPOSED_HEADERS", "SECURITY_HEADERS", "install"]

#: The policy of every HTML page: nothing but this origin, no inline script, never in a frame.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

#: Headers on every response.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

#: Response headers browser code may read across origins.
EXPOSED_HEADERS = ["ETag", "Link", "Content-Location", "Retry-After", "X-Result-Truncated"]


class _ResponseHeaders:
    """Base of a layer that only rewrites the headers of ``http.response.start``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.rewrite(MutableHeaders(scope=message))
            await send(message)

        await self.app(scope, receive, rewrite)

    def rewrite(self, headers: MutableHeaders) -> None:
        raise NotImplementedError


class SecurityHeaders(_ResponseHeaders):
    """``nosniff`` and a referrer policy everywhere; a strict CSP and no framing on HTML."""

    def rewrite(self, headers: MutableHeaders) -> None:
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)
        if headers.get("content-type", "").startswith("text/html"):
            headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            headers.setdefault("X-Frame-Options", "DENY")


class WeakETagWhenEncoded(_ResponseHeaders):
    """A compressed response is another representation: its strong ETag becomes weak."""

    def rewrite(self, headers: MutableHeaders) -> None:
        tag = headers.get("etag")
        if tag and "content-encoding" in headers and not tag.startswith("W/"):
            headers["ETag"] = f"W/{tag}"


def install(app: FastAPI) -> None:
    """Add the layers, innermost first: gzip, then the ETag rewrite that must see its result, CORS, headers."""
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(WeakETagWhenEncoded)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=EXPOSED_HEADERS,
    )
    app.add_middleware(SecurityHeaders)
