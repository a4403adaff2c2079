"""mokg's SHACL engine: SHACL Core and SHACL-SPARQL compiled into SPARQL, run where the data are.

Shapes are read once (:mod:`~mokg.shacl.shapes`, with :mod:`~mokg.shacl.paths` and
:mod:`~mokg.shacl.graph`), each constraint compiled into one query that finds its results for
every focus node at once (:mod:`~mokg.shacl.compiler`, :mod:`~mokg.shacl.core` for the Core
components, :mod:`~mokg.shacl.sparql` for SPARQL-based constraints and components), and the
queries run through :meth:`mokg.store.Store.query` (:mod:`~mokg.shacl.engine`). Nothing is copied
out of the store, so validation scales with the store rather than with Python's memory.
"""

from mokg.shacl.engine import Engine, Result

__all__ = ["Engine", "Result"]
