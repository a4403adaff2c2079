"""Allow ``python -m mokg``."""

from mokg.cli import main

raise SystemExit(main())
