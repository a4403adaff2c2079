"""``python -m mokg.site``: build the static site, or build it and screenshot the leaderboard.

Usage: ``python -m mokg.site build [--out site/]``, or
``python -m mokg.site screenshot docs/leaderboard.png [--page index.html] [--width 1440] [--height 900]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from mokg.config import Settings
from mokg.graph import open_store
from mokg.loader import RELEASES
from mokg.records import load_context
from mokg.releases import Releases
from mokg.site.builder import build
from mokg.site.preview import screenshot, serve
from mokg.site.progress import terminal_progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mokg.site", description="Build or screenshot mokg's static site.")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build the site of the bundled graph")
    build_cmd.add_argument("--out", type=Path, default=Path("site"), help="output folder (default: site/)")
    shot = commands.add_parser("screenshot", help="build the site in a temporary folder, serve it, screenshot a page")
    shot.add_argument("target", type=Path, help="PNG file to write, e.g. docs/leaderboard.png")
    shot.add_argument("--page", default="index.html", help="page of the site to screenshot (default: index.html)")
    shot.add_argument("--width", type=int, default=1440)
    shot.add_argument("--height", type=int, default=900)
    args = parser.parse_args(argv)

    settings = Settings.from_env()  # MOKG_ROOT, MOKG_STORE… as for the mokg command
    store = open_store(settings)
    context = load_context(settings.root)
    releases = Releases(settings.root / RELEASES)  # for the What changed page
    if args.command == "build":
        base, progress = settings.base_iri, terminal_progress()
        report = build(store, args.out, base_iri=base, context=context, progress=progress, releases=releases)
        print(report.summary())
        return 0
    with tempfile.TemporaryDirectory(prefix="mokg-site-") as folder:
        build(store, Path(folder), base_iri=settings.base_iri, context=context, releases=releases)
        with serve(Path(folder)) as url:
            screenshot(f"{url}{args.page}", args.target, width=args.width, height=args.height)
    print(f"wrote {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
