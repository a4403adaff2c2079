"""Running the app on a public address: uvicorn, with the connection limits it lacks.

uvicorn closes idle kept-alive connections, but gives a client all the time it wants to send
a request: a connection that never sends a byte, or sends its headers one byte every few
seconds, stays open for ever (3,000 such connections were all kept open). :class:`GuardedH11`
adds what nginx calls ``client_header_timeout`` and ``client_body_timeout``, in one limit:

- a client has ``request_timeout`` seconds, from the moment the server waits for a request,
  to send it whole (headers and body); past it, the connection is closed;
- a client (IP address, IPv6 /64) may hold ``connections_per_client`` connections at once;
  another one is answered 429 and closed;
- uvicorn's own limits stay: ``keepalive_timeout`` for idle connections, ``max_connections``
  (its ``limit_concurrency``: 503 beyond), 16 KB of headers.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import ClassVar

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from mokg.config import Settings
from mokg.workers import client_key

__all__ = ["GuardedH11", "guarded_protocol", "serve", "uvicorn_config"]


class GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline per request and a cap on connections per client."""

    request_timeout: ClassVar[float] = 10.0
    connections_per_client: ClassVar[int] = 64
    open_connections: ClassVar[Counter[str]] = Counter()  # per server: see guarded_protocol

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._deadline: asyncio.TimerHandle | None = None
        self._key = client_key(transport.get_extra_info("peername", ("",))[0] or None)
        super().connection_made(transport)
        self.open_connections[self._key] += 1
        if self.open_connections[self._key] > self.connections_per_client:
            message = f"more than {self.connections_per_client} connections from your address: close some first\n"
            transport.write(
                b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain; charset=utf-8\r\nretry-after: 5\r\n"
                b"connection: close\r\ncontent-length: " + str(len(message)).encode() + b"\r\n\r\n" + message.encode()
            )
            transport.close()
            return
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_watching()
        self.open_connections[self._key] -= 1
        if self.open_connections[self._key] <= 0:
            del self.open_connections[self._key]
        super().connection_lost(exc)

    def _waiting_for_request(self) -> bool:
        """Whether the server is still reading a request (not yet whole, and no answer begun)."""
        if self.cycle is not None and self.cycle.response_started and not self.cycle.response_complete:
            return False
        return self.conn.their_state in (h11.IDLE, h11.SEND_BODY) and not self.transport.is_closing()

    def _watch(self) -> None:
        """Start the request deadline when a request is awaited; stop it when the request is whole."""
        if not self._waiting_for_request():
            self._stop_watching()
        elif self._deadline is None and (
            self.conn.their_state is h11.SEND_BODY or self.timeout_keep_alive_task is None
        ):
            # While a kept-alive connection is idle, uvicorn's keep-alive timer applies instead.
            self._deadline = self.loop.call_later(self.request_timeout, self._expire)

    def _stop_watching(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self._waiting_for_request():
            self.transport.close()


def guarded_protocol(settings: Settings) -> type[GuardedH11]:
    """The protocol class for one server: its limits from ``settings``, its own count of connections."""
    return type(
        "GuardedH11",
        (GuardedH11,),
        {
            "request_timeout": settings.request_timeout,
            "connections_per_client": settings.connections_per_client,
            "open_connections": Counter(),
        },
    )


def uvicorn_config(app: FastAPI, settings: Settings, *, log_level: str = "info") -> uvicorn.Config:
    """Uvicorn's configuration for serving ``app`` with the limits of ``settings``."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=guarded_protocol(settings),
        timeout_keep_alive=settings.keepalive_timeout,
        limit_concurrency=settings.max_connections,
        log_level=log_level,
    )


def serve(app: FastAPI, settings: Settings, *, log_level: str = "info") -> None:
    """Serve ``app`` on ``settings.host``:``settings.port`` until interrupted."""
    uvicorn.Server(uvicorn_config(app, settings, log_level=log_level)).run()
