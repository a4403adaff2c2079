"""A terminal progress bar for :func:`mokg.site.build` (its ``progress`` callback)."""

from __future__ import annotations

import sys
from typing import TextIO

from mokg.site.builder import Progress

__all__ = ["terminal_progress"]


def terminal_progress(stream: TextIO | None = None, width: int = 30) -> Progress:
    """A ``progress(done, total, path)`` callback drawing ``[#####.....] 42/140 model/x.html`` on one line.

    On a terminal the line is redrawn in place and ended when the build is done; elsewhere (a
    log, CI) nothing is written, so that logs stay short.
    """
    out = stream if stream is not None else sys.stderr
    live = out.isatty()

    def progress(done: int, total: int, path: str) -> None:
        if not live:
            return
        filled = width * done // total if total else width
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {path[:48]:<48}"
        out.write(line)
        if done >= total:
            out.write("\n")
        out.flush()

    return progress
