"""One error tree for mokg.

Every error a user can cause derives from :class:`MokgError` and carries what the two
front ends need: the HTTP status the service answers with and the exit code the CLI ends
with. Nothing else in mokg decides those numbers.

    MokgError                 exit 1, HTTP 500
    ├── ConfigError           exit 2             settings that cannot work (bad base IRI…)
    ├── LoadError             exit 2, HTTP 400   unreadable input (file, line, column)
    ├── QueryError            exit 2, HTTP 400   a SPARQL query the engine rejects
    ├── PayloadTooLarge              HTTP 413   a request body or query over the configured limit
    ├── UnsupportedMediaType         HTTP 415   a request body in a format mokg does not read
    ├── NotAcceptable                HTTP 406   no offered format fits the Accept header
    ├── MethodNotAllowed             HTTP 405   e.g. PUT on /sparql
    ├── ReadOnly                     HTTP 403   SPARQL Update or Graph Store writes: the service is read-only
    ├── QueryTimeout                 HTTP 503   a query ran past the time limit and was stopped
    ├── MemoryLimit                  HTTP 503   a request needed more memory than a worker may use
    ├── ServiceBusy                  HTTP 503   no worker freed up in time (Retry-After)
    ├── TooManyRequests              HTTP 429   the client, or the queue, is at its limit (Retry-After)
    ├── StoreUnavailable     exit 1, HTTP 502   a remote store that cannot be reached or answers with an error
    ├── StoreTimeout         exit 1, HTTP 504   a remote store that does not answer in time
    ├── graph.IncompleteStore exit 1             a store no load finished: never served
    ├── releases.ReleaseError        400 / 404 / 409 / 500   bad, unknown, existing or changed release
    └── citation.UnknownRecord       HTTP 404   no entity to cite or export
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ConfigError",
    "LoadError",
    "MemoryLimit",
    "MethodNotAllowed",
    "MokgError",
    "NotAcceptable",
    "PayloadTooLarge",
    "QueryError",
    "QueryTimeout",
    "ReadOnly",
    "ServiceBusy",
    "StoreTimeout",
    "StoreUnavailable",
    "TooManyRequests",
    "UnsupportedMediaType",
]


class MokgError(Exception):
    """Base of every error mokg reports to a user.

    ``retry_after`` (seconds) is sent as the ``Retry-After`` header by the errors that say when
    trying again makes sense.
    """

    exit_code: int = 1
    http_status: int = 500
    retry_after: int | None = None


class ConfigError(MokgError):
    """Settings that cannot work, such as a base IRI without a trailing slash."""

    exit_code = 2


class LoadError(MokgError):
    """An input file could not be read or parsed; nothing from the load was kept."""

    exit_code = 2
    http_status = 400

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class QueryError(MokgError):
    """The SPARQL engine rejected a query (syntax error, unsupported feature)."""

    exit_code = 2
    http_status = 400


class PayloadTooLarge(MokgError):
    """A request body is larger than the service accepts."""

    http_status = 413


class UnsupportedMediaType(MokgError):
    """A request body's media type is not one mokg can read."""

    http_status = 415


class NotAcceptable(MokgError):
    """No format mokg offers for this result fits the request's Accept header (or ``format``)."""

    http_status = 406

    def __init__(self, message: str, offered: list[str]) -> None:
        super().__init__(message, offered)  # both in args: the error pickles (query workers send it)
        self.message, self.offered = message, list(offered)

    def __str__(self) -> str:
        return f"{self.message}; offered: {', '.join(self.offered)}"


class MethodNotAllowed(MokgError):
    """The HTTP method is not one the resource answers (the allowed ones are named)."""

    http_status = 405

    def __init__(self, message: str, allowed: list[str]) -> None:
        super().__init__(message, allowed)
        self.message, self.allowed = message, list(allowed)

    def __str__(self) -> str:
        return self.message


class ReadOnly(MokgError):
    """A write (SPARQL Update, Graph Store Protocol) on the public, read-only service."""

    http_status = 403


class QueryTimeout(MokgError):
    """A query ran past the configured time limit and its evaluation was stopped."""

    http_status = 503


class MemoryLimit(MokgError):
    """A request needed more memory than a worker may use; the worker was stopped."""

    http_status = 503


class _RetryLater(MokgError):
    """An error that tells the client when to try again (``Retry-After``)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after)  # both in args: the error pickles
        self.message, self.retry_after = message, retry_after

    def __str__(self) -> str:
        return self.message


class ServiceBusy(_RetryLater):
    """Every worker stayed busy for as long as a request may wait."""

    http_status = 503


class TooManyRequests(_RetryLater):
    """The client has as many requests running or waiting as it may, or the queue is full."""

    http_status = 429


class StoreUnavailable(MokgError):
    """A remote store could not be reached, or answered with an error."""

    http_status = 502


class StoreTimeout(MokgError):
    """A remote store did not answer within the time limit."""

    http_status = 504
