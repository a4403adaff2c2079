"""Allow ``python -m mokg``.

The guard matters: SPARQL worker processes are spawned, and a spawned process imports the
parent's main module; without it, each worker would run the command line again.
"""

from mokg.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
