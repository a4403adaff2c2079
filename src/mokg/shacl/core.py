"""SHACL Core constraint components (SHACL 1.0 §4), each as the SPARQL that finds its violations.

One class per component. :meth:`where` gives a group pattern whose solutions are the
component's validation results for every focus node of a :class:`~mokg.shacl.compiler.Focus`,
projected as the result's focus node (``this``) and, where the component reports one, value.
The comparisons are SPARQL's, as SHACL defines them: ``sameTerm`` for ``sh:in`` and
``sh:hasValue``, ``<`` for ranges (values that cannot be compared violate), ``langMatches`` for
``sh:languageIn``, ``REGEX`` for ``sh:pattern``.

:func:`parse` reads a shape's parameters into these classes, refusing ill-formed ones (two
``sh:minCount``, a negative count, a pattern pyoxigraph cannot compile) when the validator is
built rather than when it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.shacl.compiler import Compiler, Focus, Select
from mokg.shacl.graph import RDF, RDFS, SH, XSD, ShapesGraph, Term, describe, sparql_term

if TYPE_CHECKING:
    from mokg.shacl.shapes import Shape

__all__ = ["PARAMETERS", "CoreConstraint", "parse"]

_INSTANCE_OF = f"{RDF.type}/{RDFS.subClassOf}*"


@dataclass(frozen=True)
class CoreConstraint:
    """A constraint of a SHACL Core component: its parameters, and the SPARQL of its violations."""

    component: ClassVar[ox.NamedNode]
    source: ClassVar[Term | None] = None  # sh:sourceConstraint: only SPARQL-based constraints have one
    #: Whether a result depends only on the value node's own term and the focus node's own triples:
    #: not for sh:class (the value's types) or the nested shapes (whatever they read). Incremental
    #: validation skips these for dependents, whose own triples did not change (mokg.shacl.engine).
    local: ClassVar[bool] = True

    @property
    def nested_shapes(self) -> tuple[Shape, ...]:
        """The shapes this constraint checks its value nodes against (sh:node, sh:not, sh:and/or/xone)."""
        return ()

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        raise NotImplementedError

    def parameters(self) -> dict[str, Term]:
        """The parameter values, by name, for ``{$name}`` in messages."""
        return {}

    def message(self) -> str:
        """The result message when the shape has no ``sh:message``."""
        raise NotImplementedError


def _filter(c: Compiler, shape: Shape, focus: Focus, this: str, violates: Callable[[str], str]) -> Select:
    """The value nodes for which the SPARQL condition ``violates(value)`` holds."""
    value = c.var()
    text = f"{{ SELECT {this} {value} WHERE {{ {c.values(shape, focus, this, value)} FILTER({violates(value)}) }} }}"
    return Select(text, this, value)


# --------------------------------------------------------------------------------------------
# Value type (§4.1)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassConstraint(CoreConstraint):
    local = False
    cls: Term
    component = SH.ClassConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        cls = sparql_term(self.cls, "sh:class")
        return _filter(c, shape, focus, this, lambda v: f"NOT EXISTS {{ {v} {_INSTANCE_OF} {cls} }}")

    def parameters(self) -> dict[str, Term]:
        return {"class": self.cls}

    def message(self) -> str:
        return f"Value does not have class {describe(self.cls)}"


#: Datatypes whose lexical forms SPARQL can check: a cast to the datatype fails on an ill-formed one.
_CASTABLE = {
    XSD[name]
    for name in [
        "boolean",
        "integer",
        "decimal",
        "float",
        "double",
        "dateTime",
        "date",
        "time",
        "gYear",
        "gYearMonth",
        "gMonth",
        "gMonthDay",
        "gDay",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
    ]
}
#: Datatypes that pyoxigraph's store rewrites when it stores a literal (oxigraph issue #1413):
#: ``"1"^^xsd:byte`` is read back as ``"1"^^xsd:integer``, so their values cannot be checked.
_REWRITTEN = {
    XSD[name]
    for name in [
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
        "dateTimeStamp",
    ]
}


@dataclass(frozen=True)
class DatatypeConstraint(CoreConstraint):
    datatype: ox.NamedNode
    component = SH.DatatypeConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        datatype = str(self.datatype)

        def violates(v: str) -> str:
            well_formed = f" && COALESCE(isLiteral({datatype}(STR({v}))), false)" if self.datatype in _CASTABLE else ""
            return f"!(isLiteral({v}) && sameTerm(DATATYPE({v}), {datatype}){well_formed})"

        return _filter(c, shape, focus, this, violates)

    def parameters(self) -> dict[str, Term]:
        return {"datatype": self.datatype}

    def message(self) -> str:
        return f"Value is not a literal of datatype {describe(self.datatype)}"


_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


@dataclass(frozen=True)
class NodeKindConstraint(CoreConstraint):
    kind: ox.NamedNode
    component = SH.NodeKindConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        return _filter(c, shape, focus, this, lambda v: "!" + _NODE_KINDS[self.kind].format(v=v))

    def parameters(self) -> dict[str, Term]:
        return {"nodeKind": self.kind}

    def message(self) -> str:
        return f"Value is not of node kind {describe(self.kind)}"


# --------------------------------------------------------------------------------------------
# Cardinality (§4.2)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MinCountConstraint(CoreConstraint):
    count: int
    component = SH.MinCountConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        enough = (
            f"SELECT {this} WHERE {{ {c.values(shape, focus, this, value)} }} "
            f"GROUP BY {this} HAVING(COUNT({value}) >= {self.count})"
        )
        return Select(f"{{ SELECT {this} WHERE {{ {focus.bind(this)} MINUS {{ {enough} }} }} }}", this)

    def parameters(self) -> dict[str, Term]:
        return {"minCount": _integer(self.count)}

    def message(self) -> str:
        return f"Fewer than {self.count} values"


@dataclass(frozen=True)
class MaxCountConstraint(CoreConstraint):
    count: int
    component = SH.MaxCountConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        text = (
            f"{{ SELECT {this} WHERE {{ {c.values(shape, focus, this, value)} }} "
            f"GROUP BY {this} HAVING(COUNT({value}) > {self.count}) }}"
        )
        return Select(text, this)

    def parameters(self) -> dict[str, Term]:
        return {"maxCount": _integer(self.count)}

    def message(self) -> str:
        return f"More than {self.count} values"


def _integer(number: int) -> ox.Literal:
    return ox.Literal(str(number), datatype=XSD.integer)


# --------------------------------------------------------------------------------------------
# Value range (§4.3) and strings (§4.4)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RangeConstraint(CoreConstraint):
    """``sh:minExclusive``, ``sh:minInclusive``, ``sh:maxExclusive``, ``sh:maxInclusive``: four components."""

    parameter: ox.NamedNode
    bound: Term

    OPERATORS: ClassVar[dict[ox.NamedNode, str]] = {
        SH.minExclusive: ">",
        SH.minInclusive: ">=",
        SH.maxExclusive: "<",
        SH.maxInclusive: "<=",
    }

    @property
    def component(self) -> ox.NamedNode:  # type: ignore[override]
        name = self.parameter.value.rsplit("#", 1)[1]
        return SH[f"{name[0].upper()}{name[1:]}ConstraintComponent"]

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        bound, operator = sparql_term(self.bound, describe(self.parameter)), self.OPERATORS[self.parameter]
        return _filter(c, shape, focus, this, lambda v: f"!COALESCE({v} {operator} {bound}, false)")

    def parameters(self) -> dict[str, Term]:
        return {self.parameter.value.rsplit("#", 1)[1]: self.bound}

    def message(self) -> str:
        return f"Value is not {self.OPERATORS[self.parameter]} {describe(self.bound)}"


@dataclass(frozen=True)
class LengthConstraint(CoreConstraint):
    """``sh:minLength`` / ``sh:maxLength``: blank nodes have no string form and always violate."""

    parameter: ox.NamedNode
    length: int

    @property
    def component(self) -> ox.NamedNode:  # type: ignore[override]
        return SH.MinLengthConstraintComponent if self.parameter == SH.minLength else SH.MaxLengthConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        operator = ">=" if self.parameter == SH.minLength else "<="
        return _filter(
            c,
            shape,
            focus,
            this,
            lambda v: f"isBlank({v}) || !COALESCE(STRLEN(STR({v})) {operator} {self.length}, false)",
        )

    def parameters(self) -> dict[str, Term]:
        return {self.parameter.value.rsplit("#", 1)[1]: _integer(self.length)}

    def message(self) -> str:
        return f"Value has {'fewer' if self.parameter == SH.minLength else 'more'} than {self.length} characters"


@dataclass(frozen=True)
class PatternConstraint(CoreConstraint):
    pattern: str
    flags: str = ""
    component = SH.PatternConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        pattern, flags = ox.Literal(self.pattern), ox.Literal(self.flags)
        return _filter(
            c, shape, focus, this, lambda v: f"isBlank({v}) || !COALESCE(REGEX(STR({v}), {pattern}, {flags}), false)"
        )

    def parameters(self) -> dict[str, Term]:
        return {"pattern": ox.Literal(self.pattern), "flags": ox.Literal(self.flags)}

    def message(self) -> str:
        return f"Value does not match the pattern {self.pattern!r}"


@dataclass(frozen=True)
class LanguageInConstraint(CoreConstraint):
    languages: tuple[str, ...]
    component = SH.LanguageInConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        def violates(v: str) -> str:
            matches = " || ".join(f"LANGMATCHES(LANG({v}), {ox.Literal(tag)})" for tag in self.languages) or "false"
            return f"!(isLiteral({v}) && ({matches}))"

        return _filter(c, shape, focus, this, violates)

    def message(self) -> str:
        return f"Language tag not one of {', '.join(self.languages)}"


@dataclass(frozen=True)
class UniqueLangConstraint(CoreConstraint):
    """One result per focus node and language tag used by two values or more (no ``sh:value``)."""

    component = SH.UniqueLangConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value, language = c.var(), c.var()
        text = (
            f"{{ SELECT {this} {language} WHERE {{ {c.values(shape, focus, this, value)} "
            f'BIND(LCASE(LANG({value})) AS {language}) FILTER({language} != "") }} '
            f"GROUP BY {this} {language} HAVING(COUNT({value}) > 1) }}"
        )
        return Select(text, this)

    def message(self) -> str:
        return "Language tag used by more than one value"


# --------------------------------------------------------------------------------------------
# Property pairs (§4.5)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EqualsConstraint(CoreConstraint):
    """Values of the path missing from ``other``, and values of ``other`` missing from the path."""

    other: ox.NamedNode
    component = SH.EqualsConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value, other = c.var(), str(self.other)
        own = f"{this} {shape.path.sparql()} {value}" if shape.path else f"FILTER(sameTerm({value}, {this}))"
        text = (
            f"{{ SELECT DISTINCT {this} {value} WHERE {{ "
            f"{{ {c.values(shape, focus, this, value)} FILTER NOT EXISTS {{ {this} {other} {value} }} }} UNION "
            f"{{ {focus.bind(this)} {this} {other} {value} FILTER NOT EXISTS {{ {own} }} }} }} }}"
        )
        return Select(text, this, value)

    def parameters(self) -> dict[str, Term]:
        return {"equals": self.other}

    def message(self) -> str:
        return f"Value sets of the path and of {describe(self.other)} differ"


@dataclass(frozen=True)
class DisjointConstraint(CoreConstraint):
    other: ox.NamedNode
    component = SH.DisjointConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        shared = f"{c.values(shape, focus, this, value)} {this} {self.other} {value}"
        return Select(f"{{ SELECT DISTINCT {this} {value} WHERE {{ {shared} }} }}", this, value)

    def parameters(self) -> dict[str, Term]:
        return {"disjoint": self.other}

    def message(self) -> str:
        return f"Value is also a value of {describe(self.other)}"


@dataclass(frozen=True)
class LessThanConstraint(CoreConstraint):
    """``sh:lessThan`` / ``sh:lessThanOrEquals``: one result per pair of values that fails the comparison."""

    other: ox.NamedNode
    or_equals: bool = False

    @property
    def component(self) -> ox.NamedNode:  # type: ignore[override]
        return SH.LessThanOrEqualsConstraintComponent if self.or_equals else SH.LessThanConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value, compared = c.var(), c.var()
        operator = "<=" if self.or_equals else "<"
        text = (
            f"{{ SELECT DISTINCT {this} {value} {compared} WHERE {{ {c.values(shape, focus, this, value)} "
            f"{this} {self.other} {compared} FILTER(!COALESCE({value} {operator} {compared}, false)) }} }}"
        )
        return Select(text, this, value)

    def parameters(self) -> dict[str, Term]:
        return {"lessThanOrEquals" if self.or_equals else "lessThan": self.other}

    def message(self) -> str:
        return f"Value is not {'<=' if self.or_equals else '<'} the values of {describe(self.other)}"


# --------------------------------------------------------------------------------------------
# Logical (§4.6) and shape-based (§4.7) components
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeConstraint(CoreConstraint):
    local = False
    nested: Shape = field(compare=False)
    component = SH.NodeConstraintComponent

    @property
    def nested_shapes(self) -> tuple[Shape, ...]:
        return (self.nested,)

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        bad = c.nonconforming(self.nested, c.value_focus(shape, focus), value)
        return Select(
            f"{{ SELECT {this} {value} WHERE {{ {c.values(shape, focus, this, value)} {bad} }} }}", this, value
        )

    def parameters(self) -> dict[str, Term]:
        return {"node": self.nested.node}

    def message(self) -> str:
        return f"Value does not conform to shape {describe(self.nested.node)}"


@dataclass(frozen=True)
class NotConstraint(CoreConstraint):
    local = False
    nested: Shape = field(compare=False)
    component = SH.NotConstraintComponent

    @property
    def nested_shapes(self) -> tuple[Shape, ...]:
        return (self.nested,)

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        bad = c.nonconforming(self.nested, c.value_focus(shape, focus), value)
        text = f"{{ SELECT {this} {value} WHERE {{ {c.values(shape, focus, this, value)} MINUS {bad} }} }}"
        return Select(text, this, value)

    def parameters(self) -> dict[str, Term]:
        return {"not": self.nested.node}

    def message(self) -> str:
        return f"Value conforms to shape {describe(self.nested.node)}"


@dataclass(frozen=True)
class LogicalConstraint(CoreConstraint):
    """``sh:and``, ``sh:or``, ``sh:xone``: how many of the member shapes each value node conforms to."""

    local = False

    parameter: ox.NamedNode
    shapes: tuple[Shape, ...] = field(compare=False)

    @property
    def nested_shapes(self) -> tuple[Shape, ...]:
        return self.shapes

    @property
    def component(self) -> ox.NamedNode:  # type: ignore[override]
        name = self.parameter.value.rsplit("#", 1)[1]
        return SH[f"{name.capitalize()}ConstraintComponent"]

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        values = c.values(shape, focus, this, value)
        inner = c.value_focus(shape, focus)
        bad = [c.nonconforming(member, inner, value) for member in self.shapes]
        if self.parameter == SH["and"]:
            test = " UNION ".join(bad) if bad else "FILTER(false)"
        elif self.parameter == SH["or"]:
            test = " ".join(bad)
        else:
            test = self._xone(c, bad, value)
        return Select(f"{{ SELECT DISTINCT {this} {value} WHERE {{ {values} {test} }} }}", this, value)

    @staticmethod
    def _xone(c: Compiler, bad: list[str], value: str) -> str:
        """Exactly one conforming member: a value node violates unless it fails all members but one."""
        if len(bad) <= 1:
            return bad[0] if bad else ""
        tag = c.var()
        tagged = " UNION ".join(f"{{ {nc} BIND({i} AS {tag}) }}" for i, nc in enumerate(bad))
        one_left = (
            f"SELECT {value} WHERE {{ {tagged} }} GROUP BY {value} HAVING(COUNT(DISTINCT {tag}) = {len(bad) - 1})"
        )
        return f"MINUS {{ {one_left} }}"

    def parameters(self) -> dict[str, Term]:
        return {self.parameter.value.rsplit("#", 1)[1]: self.shapes[0].node} if self.shapes else {}

    def message(self) -> str:
        how = {"and": "all", "or": "any", "xone": "exactly one"}[self.parameter.value.rsplit("#", 1)[1]]
        return f"Value does not conform to {how} of the shapes {', '.join(describe(s.node) for s in self.shapes)}"


@dataclass(frozen=True)
class QualifiedConstraint(CoreConstraint):
    """``sh:qualifiedMinCount`` or ``sh:qualifiedMaxCount``: how many value nodes conform to ``shape``.

    With ``sh:qualifiedValueShapesDisjoint``, a value node that also conforms to a sibling shape
    (the qualified value shape of another property shape of the same parent) does not count.
    """

    local = False

    nested: Shape = field(compare=False)
    count: int
    maximum: bool
    siblings: tuple[Shape, ...] = field(default=(), compare=False)

    @property
    def component(self) -> ox.NamedNode:  # type: ignore[override]
        return SH.QualifiedMaxCountConstraintComponent if self.maximum else SH.QualifiedMinCountConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = c.var()
        inner = c.value_focus(shape, focus)
        siblings = " ".join(c.nonconforming(s, inner, value) for s in self.siblings)
        conforming = (
            f"{c.values(shape, focus, this, value)} MINUS {c.nonconforming(self.nested, inner, value)} {siblings}"
        )
        if self.maximum:
            text = f"{{ SELECT {this} WHERE {{ {conforming} }} GROUP BY {this} HAVING(COUNT({value}) > {self.count}) }}"
        else:
            enough = f"SELECT {this} WHERE {{ {conforming} }} GROUP BY {this} HAVING(COUNT({value}) >= {self.count})"
            text = f"{{ SELECT {this} WHERE {{ {focus.bind(this)} MINUS {{ {enough} }} }} }}"
        return Select(text, this)

    def parameters(self) -> dict[str, Term]:
        name = "qualifiedMaxCount" if self.maximum else "qualifiedMinCount"
        return {name: _integer(self.count), "qualifiedValueShape": self.nested.node}

    def message(self) -> str:
        return f"{'More' if self.maximum else 'Fewer'} than {self.count} values conform to {describe(self.nested.node)}"


# --------------------------------------------------------------------------------------------
# Other components (§4.8)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedConstraint(CoreConstraint):
    """Each triple of a value node whose predicate is neither a property of the shape nor ignored."""

    allowed: tuple[ox.NamedNode, ...]
    component = SH.ClosedConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value, predicate, obj = c.var(), c.var(), c.var()
        allowed = ", ".join(str(p) for p in self.allowed)
        text = (
            f"{{ SELECT DISTINCT {this} {predicate} {obj} WHERE {{ {c.values(shape, focus, this, value)} "
            f"{value} {predicate} {obj} FILTER({predicate} NOT IN ({allowed})) }} }}"
        )
        return Select(text, this, obj, predicate)

    def message(self) -> str:
        return "Predicate is not allowed (closed shape)"


@dataclass(frozen=True)
class HasValueConstraint(CoreConstraint):
    """One result (without ``sh:value``, w3c/data-shapes#111) when the value is not among the value nodes."""

    value: Term
    component = SH.HasValueConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        value = sparql_term(self.value, "sh:hasValue")
        if shape.path is None:
            return Select(
                f"{{ SELECT {this} WHERE {{ {focus.bind(this)} FILTER(!sameTerm({this}, {value})) }} }}", this
            )
        absent = f"FILTER NOT EXISTS {{ {this} {shape.path.sparql()} {value} }}"
        return Select(f"{{ SELECT {this} WHERE {{ {focus.bind(this)} {absent} }} }}", this)

    def parameters(self) -> dict[str, Term]:
        return {"hasValue": self.value}

    def message(self) -> str:
        return f"Value {describe(self.value)} is missing"


@dataclass(frozen=True)
class InConstraint(CoreConstraint):
    members: tuple[Term, ...]
    component = SH.InConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        members = [sparql_term(m, "sh:in") for m in self.members]
        return _filter(
            c,
            shape,
            focus,
            this,
            lambda v: "!(" + (" || ".join(f"sameTerm({v}, {m})" for m in members) or "false") + ")",
        )

    def message(self) -> str:
        return f"Value is not one of {', '.join(describe(m) for m in self.members)}"


# --------------------------------------------------------------------------------------------
# Reading the parameters of a shape
# --------------------------------------------------------------------------------------------

Resolve = Callable[[Term], "Shape"]


@dataclass(frozen=True)
class _Reader:
    """The parameters of one shape in the shapes graph, read with the checks SHACL's syntax rules ask for."""

    graph: ShapesGraph
    node: Term
    resolve: Resolve

    def where(self, parameter: ox.NamedNode) -> str:
        return f"shape {describe(self.node)}: {describe(parameter)}"

    def values(self, parameter: ox.NamedNode) -> list[Term]:
        return self.graph.objects(self.node, parameter)

    def count(self, parameter: ox.NamedNode, value: Term) -> int:
        if not (isinstance(value, ox.Literal) and value.datatype == XSD.integer and int(value.value) >= 0):
            raise MokgError(f"{self.where(parameter)} must be a non-negative xsd:integer, not {describe(value)}")
        return int(value.value)

    def iri(self, parameter: ox.NamedNode, value: Term) -> ox.NamedNode:
        if not isinstance(value, ox.NamedNode):
            raise MokgError(f"{self.where(parameter)} must be an IRI, not {describe(value)}")
        return value

    def boolean(self, parameter: ox.NamedNode) -> bool:
        value = self.graph.value(self.node, parameter)
        if value is None:
            return False
        if not (isinstance(value, ox.Literal) and value.datatype == XSD.boolean):
            raise MokgError(f"{self.where(parameter)} must be true or false, not {describe(value)}")
        return value.value == "true"

    def list(self, parameter: ox.NamedNode, value: Term) -> list[Term]:
        return self.graph.items(value, self.where(parameter))


def _class(r: _Reader, value: Term) -> list[CoreConstraint]:
    return [ClassConstraint(r.iri(SH["class"], value))]


def _datatype(r: _Reader, value: Term) -> list[CoreConstraint]:
    datatype = r.iri(SH.datatype, value)
    if datatype in _REWRITTEN:
        raise MokgError(
            f"{r.where(SH.datatype)} {describe(datatype)} cannot be checked: pyoxigraph's store reads every such "
            "literal back as xsd:integer or xsd:dateTime (oxigraph issue #1413); use the base datatype"
        )
    return [DatatypeConstraint(datatype)]


def _node_kind(r: _Reader, value: Term) -> list[CoreConstraint]:
    if value not in _NODE_KINDS:
        raise MokgError(f"{r.where(SH.nodeKind)} {describe(value)} is not a SHACL node kind")
    return [NodeKindConstraint(value)]  # type: ignore[arg-type]


def _min_count(r: _Reader, value: Term) -> list[CoreConstraint]:
    count = r.count(SH.minCount, value)
    return [MinCountConstraint(count)] if count > 0 else []


def _max_count(r: _Reader, value: Term) -> list[CoreConstraint]:
    return [MaxCountConstraint(r.count(SH.maxCount, value))]


def _range(parameter: ox.NamedNode) -> Callable[[_Reader, Term], list[CoreConstraint]]:
    def read(r: _Reader, value: Term) -> list[CoreConstraint]:
        if not isinstance(value, ox.Literal):
            raise MokgError(f"{r.where(parameter)} must be a literal, not {describe(value)}")
        return [RangeConstraint(parameter, value)]

    return read


def _length(parameter: ox.NamedNode) -> Callable[[_Reader, Term], list[CoreConstraint]]:
    def read(r: _Reader, value: Term) -> list[CoreConstraint]:
        return [LengthConstraint(parameter, r.count(parameter, value))]

    return read


def _pattern(r: _Reader, value: Term) -> list[CoreConstraint]:
    flags = r.graph.value(r.node, SH.flags)
    if len(r.values(SH.pattern)) > 1:
        raise MokgError(f"{r.where(SH.pattern)}: at most one per shape (with its sh:flags)")
    if not isinstance(value, ox.Literal) or (flags is not None and not isinstance(flags, ox.Literal)):
        raise MokgError(f"{r.where(SH.pattern)} and sh:flags must be strings")
    constraint = PatternConstraint(value.value, flags.value if flags is not None else "")
    _check_regex(constraint, r.where(SH.pattern))
    return [constraint]


def _check_regex(constraint: PatternConstraint, where: str) -> None:
    """Refuse a pattern (or flags) that SPARQL's REGEX in pyoxigraph cannot compile: it would never match."""
    test = (
        f"SELECT (COALESCE(REGEX({ox.Literal('')}, {ox.Literal(constraint.pattern)}, {ox.Literal(constraint.flags)}), "
    )
    test += '"invalid") AS ?ok) {}'
    (row,) = ox.Store().query(test)
    if row["ok"].value == "invalid":
        raise MokgError(
            f"{where} {constraint.pattern!r} (flags {constraint.flags!r}) is not a regular expression pyoxigraph reads"
        )


def _language_in(r: _Reader, value: Term) -> list[CoreConstraint]:
    tags = r.list(SH.languageIn, value)
    if not all(isinstance(tag, ox.Literal) for tag in tags):
        raise MokgError(f"{r.where(SH.languageIn)} must list strings")
    return [LanguageInConstraint(tuple(tag.value for tag in tags))]


def _unique_lang(r: _Reader, value: Term) -> list[CoreConstraint]:
    if not (isinstance(value, ox.Literal) and value.datatype == XSD.boolean):
        raise MokgError(f"{r.where(SH.uniqueLang)} must be true or false")
    # Only the literal true turns the constraint on (W3C test core/property/uniqueLang-002).
    return [UniqueLangConstraint()] if value.value == "true" else []


def _pair(parameter: ox.NamedNode) -> Callable[[_Reader, Term], list[CoreConstraint]]:
    def read(r: _Reader, value: Term) -> list[CoreConstraint]:
        other = r.iri(parameter, value)
        if parameter == SH.equals:
            return [EqualsConstraint(other)]
        if parameter == SH.disjoint:
            return [DisjointConstraint(other)]
        return [LessThanConstraint(other, or_equals=parameter == SH.lessThanOrEquals)]

    return read


def _node(r: _Reader, value: Term) -> list[CoreConstraint]:
    return [NodeConstraint(r.resolve(value))]


def _not(r: _Reader, value: Term) -> list[CoreConstraint]:
    return [NotConstraint(r.resolve(value))]


def _logical(parameter: ox.NamedNode) -> Callable[[_Reader, Term], list[CoreConstraint]]:
    def read(r: _Reader, value: Term) -> list[CoreConstraint]:
        return [LogicalConstraint(parameter, tuple(r.resolve(m) for m in r.list(parameter, value)))]

    return read


def _has_value(r: _Reader, value: Term) -> list[CoreConstraint]:
    sparql_term(value, r.where(SH.hasValue))
    return [HasValueConstraint(value)]


def _in(r: _Reader, value: Term) -> list[CoreConstraint]:
    members = tuple(r.list(SH["in"], value))
    for member in members:
        sparql_term(member, r.where(SH["in"]))
    return [InConstraint(members)]


#: Each Core parameter that starts a constraint, and how to read its value. The other parameters
#: of multi-parameter components (sh:flags, sh:ignoredProperties, sh:qualifiedMin/MaxCount…) are
#: read with their main one, by :mod:`mokg.shacl.shapes` for those that need the shape's context.
PARAMETERS: dict[ox.NamedNode, Callable[[_Reader, Term], list[CoreConstraint]]] = {
    SH["class"]: _class,
    SH.datatype: _datatype,
    SH.nodeKind: _node_kind,
    SH.minCount: _min_count,
    SH.maxCount: _max_count,
    **{p: _range(p) for p in RangeConstraint.OPERATORS},
    SH.minLength: _length(SH.minLength),
    SH.maxLength: _length(SH.maxLength),
    SH.pattern: _pattern,
    SH.languageIn: _language_in,
    SH.uniqueLang: _unique_lang,
    **{p: _pair(p) for p in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)},
    SH.node: _node,
    SH["not"]: _not,
    **{p: _logical(p) for p in (SH["and"], SH["or"], SH.xone)},
    SH.hasValue: _has_value,
    SH["in"]: _in,
}


def parse(graph: ShapesGraph, node: Term, resolve: Resolve) -> list[CoreConstraint]:
    """The Core constraints of the shape ``node`` (but ``sh:closed`` and qualified shapes, see :mod:`shapes`)."""
    reader = _Reader(graph, node, resolve)
    constraints: list[CoreConstraint] = []
    for parameter, read in PARAMETERS.items():
        for value in reader.values(parameter):
            constraints += read(reader, value)
    return constraints


def reader(graph: ShapesGraph, node: Term, resolve: Resolve) -> _Reader:
    """A reader of the parameters of ``node`` (for the components :mod:`shapes` reads itself)."""
    return _Reader(graph, node, resolve)
