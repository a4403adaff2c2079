"""From shapes to SPARQL: focus nodes, value nodes and the nodes that do not conform to a shape.

Every constraint becomes one SELECT that finds its violations for *all* focus nodes at once.
Queries are built from group patterns, each a sub-SELECT, so that the variables of one part
never meet those of another (each part's helpers are fresh, ``?_1``, ``?_2``…); a part hands on
only the variables it projects:

- a **focus** pattern binds one variable to each focus node once (a shape's targets, or the
  value nodes of an enclosing constraint);
- the **value nodes** of a shape for a focus: the focus itself for a node shape, what its path
  reaches for a property shape (DISTINCT: a sequence path, or a triple written in two files of
  the store, would give one twice);
- the **non-conforming** nodes of a shape among a focus: the union of its constraints'
  violations. ``sh:node``, ``sh:not``, ``sh:and``/``or``/``xone`` and qualified value shapes are
  joins with, or MINUS of, these sets, evaluated bottom-up like any SPARQL group, so no node
  set ever goes through Python (blank nodes could not be written back into a query).

A focus restricted to given nodes (incremental validation) carries a marker, ``VALUES ?x`` and a
NUL character in braces, where the nodes are written when the query runs (:func:`restrict`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mokg.errors import MokgError
from mokg.shacl.graph import describe

if TYPE_CHECKING:
    from mokg.shacl.shapes import Shape

__all__ = ["RESTRICTION", "Compiler", "Focus", "Select", "empty", "restrict"]

#: Where a focus pattern may be restricted to given nodes (see :func:`restrict`).
RESTRICTION = "\0"
_MARKER = re.compile(r"VALUES (\?\w+) \{\0\}")


def restrict(query: str, nodes: Sequence[str] | None, *, blank: bool = False) -> str:
    """``query`` with its focus restricted to ``nodes`` (terms in SPARQL syntax), or unrestricted.

    ``blank`` keeps every blank focus node too: they cannot be named in a query, so the caller
    picks the ones it wants from the results.
    """
    if nodes is None:
        return _MARKER.sub("", query)
    if blank:

        def keep(var: str) -> str:
            return f"FILTER(isBlank({var})" + "".join(f" || sameTerm({var}, {node})" for node in nodes) + ")"

        return _MARKER.sub(lambda m: keep(m.group(1)), query)
    return _MARKER.sub(lambda m: f"VALUES {m.group(1)} {{ {' '.join(nodes)} }}", query)


@dataclass(frozen=True)
class Focus:
    """A set of focus nodes as a SPARQL pattern: ``bind(var)`` is a group binding ``var`` to each once."""

    bind: Callable[[str], str]


@dataclass(frozen=True)
class Select:
    """The violations of one constraint: a group pattern, and which of its variables say what.

    ``this`` is the focus node; ``value`` (optional) the result's value; ``path`` (optional) a
    variable holding the result path, for constraints whose path is found in the data.
    """

    text: str
    this: str
    value: str | None = None
    path: str | None = None


class Compiler:
    """Builds the SPARQL of one query, handing out fresh variable names."""

    def __init__(self) -> None:
        self._count = 0
        self._stack: list[Shape] = []

    def var(self) -> str:
        self._count += 1
        return f"?_{self._count}"

    def values(self, shape: Shape, focus: Focus, this: str, value: str) -> str:
        """The value nodes of ``shape`` for ``focus``: distinct (``this``, ``value``) pairs."""
        if shape.path is None:
            return f"{{ SELECT {this} {value} WHERE {{ {focus.bind(this)} BIND({this} AS {value}) }} }}"
        return (
            f"{{ SELECT DISTINCT {this} {value} WHERE {{ {focus.bind(this)} {this} {shape.path.sparql()} {value} }} }}"
        )

    def value_focus(self, shape: Shape, focus: Focus) -> Focus:
        """The value nodes of ``shape`` for ``focus``, as the focus of nested shapes."""
        if shape.path is None:
            return focus

        def bind(var: str) -> str:
            this = self.var()
            return f"{{ SELECT DISTINCT {var} WHERE {{ {self.values(shape, focus, this, var)} }} }}"

        return Focus(bind)

    def nonconforming(self, shape: Shape, focus: Focus, var: str) -> str:
        """A group binding ``var`` to the nodes of ``focus`` that do not conform to ``shape``.

        A node conforms when validating it against the shape gives no result of any severity
        (SHACL 1.0 §3.5); a deactivated shape has none. Shapes that refer to themselves,
        directly or not, have no defined meaning in SHACL 1.0 (§3.4.3) and are refused.
        """
        if shape in self._stack:
            cycle = " -> ".join(describe(s.node) for s in [*self._stack, shape])
            raise MokgError(f"recursive shapes are not supported: {cycle}")
        if shape.deactivated:
            return empty(var)
        self._stack.append(shape)
        try:
            branches = [constraint.where(self, shape, focus, var).text for constraint in shape.constraints]
            branches += [self._property_branch(shape, focus, var, p) for p in shape.properties if not p.deactivated]
        finally:
            self._stack.pop()
        if not branches:
            return empty(var)
        return f"{{ SELECT DISTINCT {var} WHERE {{ {' UNION '.join(branches)} }} }}"

    def _property_branch(self, shape: Shape, focus: Focus, var: str, prop: Shape) -> str:
        """The focus nodes of ``shape`` with a value node that does not conform to its property shape ``prop``."""
        value = self.var()
        nested = self.nonconforming(prop, self.value_focus(shape, focus), value)
        return f"{{ SELECT DISTINCT {var} WHERE {{ {self.values(shape, focus, var, value)} {nested} }} }}"


def empty(var: str) -> str:
    """A group with no solution (a shape nothing violates)."""
    return f"{{ VALUES {var} {{ }} }}"
