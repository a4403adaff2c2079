"""Running the app on a public address: uvicorn, with the connection limits it lacks, on every core.

uvicorn closes idle kept-alive connections, but gives a client all the time it wants to send
a request: a connection that never sends a byte, or sends its headers one byte every few
seconds, stays open for ever (3,000 such connections were all kept open). mokg's protocols add
what nginx calls ``client_header_timeout`` and ``client_body_timeout``, in one limit:

- a client has ``request_timeout`` seconds, from the moment the server waits for a request,
  to send it whole (headers and body); past it, the connection is closed;
- a client (IP address, IPv6 /64) may hold ``connections_per_client`` connections at once;
  another one is answered 429 and closed;
- uvicorn's own limits stay: ``keepalive_timeout`` for idle connections, ``max_connections``
  (its ``limit_concurrency``: 503 beyond), the size of headers.

Two protocols carry them: :class:`GuardedHttpTools` (uvicorn's httptools parser, C: 60 % more
requests per second than h11 on this machine, the default) and :class:`GuardedH11` (pure Python).
Their limits come from the settings of the process (``MOKG_*``), so uvicorn's worker processes
(``serve(..., workers=N)``, one per core) get them too.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from typing import ClassVar

import h11
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from mokg.config import Settings
from mokg.workers import client_key

__all__ = ["GuardedH11", "GuardedHttpTools", "serve", "uvicorn_config"]


class _Guard:
    """A request deadline and a per-client connection cap, for a uvicorn HTTP protocol (a mixin).

    ``settings`` is the limits' source: the class's own when set (tests, one server), else the
    process's environment, read once.
    """

    settings: ClassVar[Settings | None] = None
    open_connections: ClassVar[Counter[str]] = Counter()

    # Provided by uvicorn's protocol classes.
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    timeout_keep_alive_task: asyncio.TimerHandle | None

    @classmethod
    def limits(cls) -> Settings:
        if cls.settings is None:
            cls.settings = Settings.from_env()
        return cls.settings

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        admitted = self._admit(transport)
        super().connection_made(transport)
        if admitted:
            self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._release()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def _admit(self, transport: asyncio.Transport) -> bool:
        """Count the new connection against its client; refuse it (429, closed) past the cap."""
        self._deadline: asyncio.TimerHandle | None = None
        self._key = client_key(transport.get_extra_info("peername", ("",))[0] or None)
        self.open_connections[self._key] += 1
        cap = self.limits().connections_per_client
        if self.open_connections[self._key] <= cap:
            return True
        message = f"more than {cap} connections from your address: close some first\n".encode()
        transport.write(
            b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: text/plain; charset=utf-8\r\nretry-after: 5\r\n"
            b"connection: close\r\ncontent-length: " + str(len(message)).encode() + b"\r\n\r\n" + message
        )
        transport.close()
        return False

    def _release(self) -> None:
        self._stop_watching()
        self.open_connections[self._key] -= 1
        if self.open_connections[self._key] <= 0:
            del self.open_connections[self._key]

    def _receiving(self) -> bool:
        """Whether the server is still reading a request (not yet whole, and no answer begun)."""
        raise NotImplementedError

    def _watch(self) -> None:
        """Start the request deadline when a request is awaited; stop it when the request is whole."""
        if not self._receiving() or self.transport.is_closing():
            self._stop_watching()
        elif self._deadline is None and self.timeout_keep_alive_task is None:
            # While a kept-alive connection is idle, uvicorn's keep-alive timer applies instead.
            self._deadline = self.loop.call_later(self.limits().request_timeout, self._expire)

    def _stop_watching(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self._receiving():
            self.transport.close()


class GuardedHttpTools(_Guard, HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline per request and a cap on connections per client."""

    _awaiting = True  # a request is awaited from the moment the connection opens

    def on_message_begin(self) -> None:
        self._awaiting = True
        super().on_message_begin()

    def on_message_complete(self) -> None:
        self._awaiting = False
        super().on_message_complete()

    def _receiving(self) -> bool:
        return self._awaiting


class GuardedH11(_Guard, H11Protocol):
    """uvicorn's h11 protocol with a deadline per request and a cap on connections per client."""

    def _receiving(self) -> bool:
        if self.cycle is not None and self.cycle.response_started and not self.cycle.response_complete:
            return False
        return self.conn.their_state in (h11.IDLE, h11.SEND_BODY)


def _protocol(settings: Settings, base: type[_Guard] = GuardedHttpTools) -> type[_Guard]:
    """``base`` with the limits of ``settings`` and its own count of connections (one server)."""
    return type(base.__name__, (base,), {"settings": settings, "open_connections": Counter()})


def uvicorn_config(
    app: FastAPI, settings: Settings, *, log_level: str = "info", protocol: type[_Guard] = GuardedHttpTools
) -> uvicorn.Config:
    """Uvicorn's configuration for serving ``app`` in this process with the limits of ``settings``."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=_protocol(settings, protocol),
        timeout_keep_alive=settings.keepalive_timeout,
        limit_concurrency=settings.max_connections,
        log_level=log_level,
    )


def serve(app: FastAPI | None, settings: Settings, *, log_level: str = "info", workers: int = 1) -> None:
    """Serve on ``settings.host``:``settings.port`` until interrupted.

    One process serves ``app``; with ``workers`` > 1, uvicorn starts that many processes, each
    building its app from the settings (exported as ``MOKG_*``) over the same store, which must
    then be a store folder or a remote store (``app`` is not used).
    """
    if workers == 1 and app is not None:
        uvicorn.Server(uvicorn_config(app, settings, log_level=log_level)).run()
        return
    os.environ.update(settings.to_env())
    uvicorn.run(
        "mokg.service.app:app_from_env",
        factory=True,
        workers=workers,
        host=settings.host,
        port=settings.port,
        http="mokg.service.server:GuardedHttpTools",
        timeout_keep_alive=settings.keepalive_timeout,
        limit_concurrency=settings.max_connections,
        log_level=log_level,
    )
