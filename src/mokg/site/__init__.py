"""The static site of mokg: leaderboard, record pages, compare, ontology and SPARQL pages.

``build(store, out, base_iri=…, context=…)`` writes it (see :mod:`mokg.site.builder` and
``docs/site.md``); ``python -m mokg.site screenshot FILE`` builds it, serves it and takes a
screenshot of the leaderboard with Chromium.
"""

from mokg.site.builder import (
    DEFAULT_PAGE_SIZE,
    MARKER,
    PAGE_BUDGET,
    BuildReport,
    Progress,
    SiteError,
    build,
    source_digests,
)
from mokg.site.progress import terminal_progress

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MARKER",
    "PAGE_BUDGET",
    "BuildReport",
    "Progress",
    "SiteError",
    "build",
    "source_digests",
    "terminal_progress",
]
