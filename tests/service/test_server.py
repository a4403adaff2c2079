"""mokg's server: a client has a deadline to send its request, and a share of the connections.

3,000 half-open connections were all kept open by uvicorn: a connection that sends nothing,
or sends its headers a byte at a time, had no deadline. These tests run the real server
(uvicorn with each of mokg's two protocols) on 127.0.0.1 and open raw sockets to it.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from conftest import TINY_ROOT, live_server
from fastapi import FastAPI

from mokg.config import Settings
from mokg.graph import open_store
from mokg.service import create_app
from mokg.service.server import GuardedH11, GuardedHttpTools

SETTINGS = Settings(root=TINY_ROOT, request_timeout=1.0, connections_per_client=20, keepalive_timeout=1)


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(SETTINGS, store=open_store(SETTINGS))


@pytest.fixture(scope="module", params=[GuardedHttpTools, GuardedH11], ids=["httptools", "h11"])
def address(app: FastAPI, request: pytest.FixtureRequest) -> Iterator[tuple[str, int]]:
    """The server on each of mokg's two HTTP protocols (httptools, the default; h11)."""
    with live_server(app, SETTINGS, request.param) as url:
        host, port = url.removeprefix("http://").split(":")
        yield host, int(port)


def closed_by_server(connection: socket.socket, within: float) -> bool:
    """Whether the server closes ``connection`` within ``within`` seconds (reading what it sends first)."""
    connection.settimeout(within)
    try:
        while connection.recv(4096):
            pass
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True
    return True


def test_silent_connections_are_closed_at_the_deadline(address: tuple[str, int]):
    connections = [socket.create_connection(address) for _ in range(15)]
    try:
        started = time.monotonic()
        assert all(closed_by_server(c, within=5) for c in connections)
        assert time.monotonic() - started < 5
    finally:
        for connection in connections:
            connection.close()


def test_half_sent_headers_are_closed_at_the_deadline(address: tuple[str, int]):
    with socket.create_connection(address) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: mokg\r\n")
        assert closed_by_server(connection, within=5)


def test_a_trickle_of_bytes_does_not_extend_the_deadline(address: tuple[str, int]):
    with socket.create_connection(address) as connection:
        started = time.monotonic()
        for byte in b"GET /health HTTP/1.1\r\nHost: mokg\r\nX-Slow: ":
            try:
                connection.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.2)
            if time.monotonic() - started > 5:
                break
        assert closed_by_server(connection, within=5)
        assert time.monotonic() - started < 5


def read_response(connection: socket.socket) -> bytes:
    """One whole HTTP response (headers, then Content-Length bytes of body) from ``connection``."""
    connection.settimeout(5)
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    while len(body) < length:
        body += connection.recv(4096)
    return head


def test_a_complete_request_is_answered_and_the_connection_kept_alive(address: tuple[str, int]):
    with socket.create_connection(address) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: mokg\r\n\r\n")
        assert read_response(connection).startswith(b"HTTP/1.1 200")
        connection.sendall(b"GET /stats HTTP/1.1\r\nHost: mokg\r\n\r\n")
        assert read_response(connection).startswith(b"HTTP/1.1 200")


def test_a_client_past_its_share_of_connections_is_told_so(address: tuple[str, int]):
    connections = [socket.create_connection(address) for _ in range(SETTINGS.connections_per_client)]
    try:
        with socket.create_connection(address) as extra:
            extra.settimeout(5)
            answer = extra.recv(4096)
        assert answer.startswith(b"HTTP/1.1 429") and b"retry-after: 5" in answer
    finally:
        for connection in connections:
            connection.close()
