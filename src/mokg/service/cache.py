"""Answers kept for the life of the service, by their headers: a record asked for again costs a lookup."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping

from fastapi.responses import Response

__all__ = ["ResponseCache", "key"]


def key(headers: Mapping[str, str]) -> str:
    """What names one answer: the headers a view decided on, its entity tag among them.

    The tag alone is not enough: one representation is sent with ``Vary`` and
    ``Content-Location`` when it was negotiated, without them when its suffix named it.
    """
    return "\n".join(f"{name}: {value}" for name, value in sorted(headers.items()))


class ResponseCache:
    """Finished answers, by :func:`key`, within ``max_bytes``; the least recently used go first.

    A key holds an entity tag, which names one representation of one graph version, so a kept
    answer is right for as long as the service runs: a record asked for again costs a lookup,
    not a query and a serialization. Answers larger than a sixteenth of the budget are not kept.
    Thread-safe: synchronous views run in a thread pool.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self._answers: OrderedDict[str, tuple[int, bytes, str | None, dict[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def answer(self, key: str, build: Callable[[], Response]) -> Response:
        """The kept answer for ``key``, else ``build()``'s (kept)."""
        kept = self.get(key)
        return kept if kept is not None else self.keep(key, build())

    def get(self, key: str) -> Response | None:
        """A fresh response from the answer kept for ``key``, if there is one."""
        with self._lock:
            kept = self._answers.get(key)
            if kept is None:
                return None
            self._answers.move_to_end(key)
        status, body, media_type, headers = kept
        return Response(body, status_code=status, media_type=media_type, headers=headers)

    def keep(self, key: str, response: Response) -> Response:
        """Keep ``response`` for ``key`` when it is a 200 of bytes within the item limit; return it."""
        body = getattr(response, "body", None)
        if response.status_code != 200 or not isinstance(body, bytes) or len(body) > self.max_bytes // 16:
            return response
        headers = {k: v for k, v in response.headers.items() if k not in ("content-length", "content-type")}
        with self._lock:
            if key not in self._answers:
                self._answers[key] = (200, body, response.media_type, headers)
                self.size += len(body)
                while self.size > self.max_bytes:
                    _, (_, dropped, _, _) = self._answers.popitem(last=False)
                    self.size -= len(dropped)
        return response
