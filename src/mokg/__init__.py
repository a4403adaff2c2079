"""mokg: the Model Openness Knowledge Graph.

The public face of the package is listed in ``__all__``; everything else is internal and may
change between releases.
"""

from mokg.config import Settings
from mokg.errors import LoadError, MokgError, QueryError
from mokg.loader import load_files
from mokg.store import EmbeddedStore, Store

__version__ = "0.1.0"

__all__ = [
    "EmbeddedStore",
    "LoadError",
    "MokgError",
    "QueryError",
    "Settings",
    "Store",
    "__version__",
    "load_files",
]
