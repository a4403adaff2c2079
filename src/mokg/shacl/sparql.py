"""SHACL-SPARQL (SHACL 1.0 §5, §6): SPARQL-based constraints and constraint components.

A constraint's query is run **once for all focus nodes**, not once per node. SHACL defines
pre-binding (Appendix A) as joining the focus node into every basic graph pattern of the query;
mokg joins the *set* of focus nodes instead, by writing the focus pattern into the query's
groups (:func:`prepare`):

- into the WHERE group of the query and of each subquery (which must project ``$this``);
- into any other group that uses ``$this`` in an expression (``FILTER``, ``BIND``) without
  binding it in a triple pattern of its own, as ``{ FILTER($this = ex:x) } UNION {…}``;
- never inside ``EXISTS``: SPARQL already evaluates it with the row's ``$this``.

Since every part of the query then binds ``$this`` to the same focus node, each solution is the
solution the query would give for that node alone. ``GROUP BY`` gets ``$this`` added (an
aggregate is per focus node); ``LIMIT``/``OFFSET`` would count all nodes' solutions together
and are refused. The syntax SHACL 1.0 forbids with pre-binding (``VALUES``, ``SERVICE``,
``AS $this``, subqueries that do not return ``$this``) is refused when the validator is built,
with the shape named; so is ``$shapesGraph`` (mokg validates one graph). ``MINUS`` is refused
only when its group uses a pre-bound variable: one that does not is evaluated the same with or
without pre-binding (mokg's claim rules use such anti-joins).

Prefixed names are expanded with the ``sh:prefixes`` declarations, so a query can be nested in
another (nested shapes, one query per constraint) without a prologue of its own.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from mokg.errors import MokgError
from mokg.shacl.compiler import Compiler, Focus, Select
from mokg.shacl.graph import SH, ShapesGraph, Term, describe, sparql_term
from mokg.untrusted import _tokens, scan_query

if TYPE_CHECKING:
    from mokg.shacl.shapes import Shape

__all__ = [
    "Component",
    "ComponentConstraint",
    "Parameter",
    "Prepared",
    "SparqlConstraint",
    "component_constraints",
    "components",
    "prefixes",
    "prepare",
    "sparql_constraints",
]

#: Where the focus pattern goes, in a prepared query.
_FOCUS = "\x01"
_AGGREGATES = {"count", "sum", "min", "max", "avg", "sample", "group_concat"}
_MODIFIERS = {"group", "having", "order", "limit", "offset"}
_UNESCAPE = re.compile(r"\\(.)")  # a local name's escapes (\-, \.…)


@dataclass
class _Group:
    """One ``{…}`` of a query: its role and how it uses ``$this`` directly (not in nested groups)."""

    open: int
    role: str  # "where" (of a query or subquery), "exists", "subquery" (holds one), "group"
    in_exists: bool
    paren_depth: int
    pattern_use: bool = False  # $this in a triple pattern
    expression_use: bool = False  # $this in FILTER, BIND… (inside brackets)
    bind_use: bool = False
    close: int = -1


@dataclass(frozen=True)
class Prepared:
    """A query rewritten for all focus nodes at once: ``render(focus)`` is the SELECT to run."""

    text: str

    def render(self, focus: str) -> str:
        return self.text.replace(_FOCUS, focus)


def prepare(
    query: str,
    declared: dict[str, str],
    constants: dict[str, str],
    where: str,
    *,
    ask: bool = False,
) -> Prepared:
    """Rewrite a SHACL-SPARQL query (see the module): prefixes expanded, ``constants`` substituted.

    ``constants`` maps a variable name (``PATH``, ``currentShape``, a component's parameters) to
    the SPARQL text that replaces it. For an ASK query (``ask``), the result is its WHERE group,
    to be used inside ``FILTER NOT EXISTS`` with ``$this`` and ``$value`` bound. ``where`` names
    the constraint in errors.
    """
    if scan_query(query).services:
        raise MokgError(f"{where}: SHACL 1.0 forbids SERVICE in SPARQL-based constraints (pre-binding)")
    tokens = list(_tokens(query))
    edits: list[tuple[int, int, str]] = []
    start = _prologue(tokens, edits, where)
    prefixes = declared | _declared_in(tokens[:start])
    form = tokens[start].text.casefold() if start < len(tokens) else ""
    if form != ("ask" if ask else "select"):
        raise MokgError(f"{where}: expected a SPARQL {'ASK' if ask else 'SELECT'} query")
    prebound = {"this", "value"} if ask else {"this"}
    _terms(tokens, start, prefixes, constants, prebound, edits, where)
    groups = _groups(tokens, start)
    if ask:
        body = groups[0]
        text = _apply(query, edits, tokens[body.open].start, tokens[body.close].start + 1)
        _check_subqueries(tokens, groups, prebound, where)
        return Prepared(text)
    _check_subqueries(tokens, groups, prebound, where)
    main = groups[0]
    for group in groups:
        if _injects(group):
            edits.append((tokens[group.open].start + 1, tokens[group.open].start + 1, f" {_FOCUS} "))
    _project_this(tokens, start, edits)
    _group_by_this(tokens, start, main, edits, where)
    return Prepared(_apply(query, edits, tokens[start].start, len(query)))


def _apply(query: str, edits: list[tuple[int, int, str]], begin: int, end: int) -> str:
    """``query[begin:end]`` with the edits inside it made."""
    parts, position = [], begin
    for start, stop, text in sorted(e for e in edits if begin <= e[0] and e[1] <= end):
        parts += [query[position:start], text]
        position = stop
    parts.append(query[position:end])
    return "".join(parts)


def _prologue(tokens: list, edits: list, where: str) -> int:
    """Skip (and blank out) the query's own PREFIX declarations; the index of its query form."""
    index = 0
    while index < len(tokens) and tokens[index].kind == "word" and tokens[index].text.casefold() in ("prefix", "base"):
        if tokens[index].text.casefold() == "base":
            raise MokgError(f"{where}: BASE is not supported in SPARQL-based constraints; write full IRIs")
        if index + 2 >= len(tokens) or tokens[index + 1].kind != "pname" or tokens[index + 2].kind != "iri":
            raise MokgError(f"{where}: malformed PREFIX declaration")
        edits.append((tokens[index].start, tokens[index + 2].start + len(tokens[index + 2].text), ""))
        index += 3
    return index


def _declared_in(prologue: list) -> dict[str, str]:
    return {prologue[i + 1].text[:-1]: prologue[i + 2].text[1:-1] for i in range(0, len(prologue), 3)}


def _terms(
    tokens: list,
    start: int,
    prefixes: dict[str, str],
    constants: dict[str, str],
    prebound: set[str],
    edits: list,
    where: str,
) -> None:
    """Check the tokens SHACL 1.0 forbids, expand prefixed names and substitute the constants."""
    for index in range(start, len(tokens)):
        token = tokens[index]
        word = token.text.casefold()
        if token.kind == "word" and word == "values":
            raise MokgError(f"{where}: SHACL 1.0 forbids VALUES in SPARQL-based constraints (pre-binding)")
        if token.kind == "word" and word == "minus" and prebound & _variables_of_group(tokens, index + 1):
            raise MokgError(
                f"{where}: SHACL 1.0 forbids MINUS in SPARQL-based constraints (pre-binding); mokg allows it "
                f"only when it does not use {', '.join(f'${name}' for name in sorted(prebound))}"
            )
        if token.kind == "pname":
            edits.append((token.start, token.start + len(token.text), _expand(token.text, prefixes, where)))
        elif token.kind == "var":
            name = token.text[1:]
            before = tokens[index - 1]
            if before.kind == "word" and before.text.casefold() == "as" and name in prebound | set(constants):
                raise MokgError(f"{where}: SHACL 1.0 forbids AS ?{name}: ${name} is pre-bound")
            if name == "shapesGraph":
                raise MokgError(f"{where}: $shapesGraph is not supported (mokg validates one data graph)")
            if name in constants:
                edits.append((token.start, token.start + len(token.text), constants[name]))


def _variables_of_group(tokens: list, start: int) -> set[str]:
    """The variable names used in the ``{…}`` that opens at ``tokens[start]``, nested groups included."""
    names, depth = set(), 0
    for token in tokens[start:]:
        depth += token.text == "{"
        depth -= token.text == "}"
        if token.kind == "var":
            names.add(token.text[1:])
        if depth == 0:
            break
    return names


def _expand(pname: str, prefixes: dict[str, str], where: str) -> str:
    prefix, local = pname.split(":", 1)
    if prefix not in prefixes:
        raise MokgError(f"{where}: the prefix {prefix}: is not declared (sh:prefixes)")
    local = _UNESCAPE.sub(r"\1", local)
    return f"<{prefixes[prefix]}{local}>"


def _groups(tokens: list, start: int) -> list[_Group]:
    """Every ``{…}`` from the query form on, outermost first, with its role and its direct uses of ``$this``."""
    groups: list[_Group] = []
    stack: list[_Group] = []
    parens = 0
    expects_where = False
    bind_depth: int | None = None
    for index in range(start, len(tokens)):
        token = tokens[index]
        word = token.text.casefold() if token.kind == "word" else ""
        if word in ("select", "ask"):
            expects_where = True
        elif token.text == "{":
            previous = tokens[index - 1].text.casefold()
            following = tokens[index + 1].text.casefold() if index + 1 < len(tokens) else ""
            if following == "select":
                role = "subquery"
            elif previous == "exists":
                role = "exists"
            elif expects_where:
                role, expects_where = "where", False
            else:
                role = "group"
            in_exists = role == "exists" or bool(stack and stack[-1].in_exists)
            group = _Group(index, role, in_exists, parens)
            groups.append(group)
            stack.append(group)
        elif token.text == "}" and stack:
            stack.pop().close = index
        elif token.text in "([":
            parens += 1
            if tokens[index - 1].text.casefold() == "bind":
                bind_depth = parens
        elif token.text in ")]":
            bind_depth = None if bind_depth == parens else bind_depth
            parens -= 1
        elif token.kind == "var" and token.text[1:] == "this" and stack:
            group = stack[-1]
            if parens > group.paren_depth:
                group.expression_use = True
                group.bind_use = group.bind_use or bind_depth is not None
            else:
                group.pattern_use = True
    return groups


def _injects(group: _Group) -> bool:
    """Whether the focus pattern goes into ``group`` (see the module)."""
    if group.in_exists or group.role == "subquery":
        return False
    return group.role == "where" or group.bind_use or (group.expression_use and not group.pattern_use)


def _projection(tokens: list, select: int) -> tuple[bool, set[str], int]:
    """A SELECT's projection: whether it is ``*``, the variables it names, and the index after its modifiers."""
    index = select + 1
    while index < len(tokens) and tokens[index].text.casefold() in ("distinct", "reduced"):
        index += 1
    after_modifiers = index
    names: set[str] = set()
    parens = 0
    star = False
    while index < len(tokens) and tokens[index].text != "{" and tokens[index].text.casefold() != "where":
        token = tokens[index]
        parens += token.text == "("
        parens -= token.text == ")"
        if token.text == "*" and parens == 0:
            star = True
        elif token.kind == "var" and (parens == 0 or tokens[index - 1].text.casefold() == "as"):
            names.add(token.text[1:])
        index += 1
    return star, names, after_modifiers


def _check_subqueries(tokens: list, groups: list[_Group], prebound: set[str], where: str) -> None:
    """SHACL 1.0: a subquery returns every pre-bound variable (``SELECT *`` only if it binds ``$this``)."""
    for position, group in enumerate(groups):
        if group.role != "subquery":
            continue
        star, names, _ = _projection(tokens, group.open + 1)
        inner = [g for g in groups[position + 1 :] if g.open < group.close and not g.in_exists]
        missing = {"this"} if star and not any(g.pattern_use for g in inner) else prebound - names
        if missing:
            raise MokgError(
                f"{where}: SHACL 1.0 requires each subquery to return "
                + ", ".join(f"${name}" for name in sorted(missing))
            )


def _project_this(tokens: list, start: int, edits: list) -> None:
    """Make the query return ``$this``: which focus node a solution is about."""
    star, names, after = _projection(tokens, start)
    if not star and "this" not in names:
        at = tokens[after - 1].start + len(tokens[after - 1].text)
        edits.append((at, at, " ?this"))


def _group_by_this(tokens: list, start: int, main: _Group, edits: list, where: str) -> None:
    """Aggregate per focus node: ``$this`` added to GROUP BY (or GROUP BY ``$this`` when grouping is implicit)."""
    tail = tokens[main.close + 1 :]
    words = [t.text.casefold() if t.kind == "word" else "" for t in tail]
    if "limit" in words or "offset" in words:
        raise MokgError(f"{where}: LIMIT and OFFSET are not supported: they would count every focus node's solutions")
    _, _, after = _projection(tokens, start)
    projection = tokens[after : main.open]
    aggregates = any(
        t.kind == "word" and t.text.casefold() in _AGGREGATES and tokens[after + i + 1].text == "("
        for i, t in enumerate(projection)
    )
    if "group" in words:
        begin = words.index("group") + 2
        end = next((i for i in range(begin, len(tail)) if words[i] in _MODIFIERS), len(tail))
        if not any(t.kind == "var" and t.text[1:] == "this" for t in tail[begin:end]):
            at = tail[end - 1].start + len(tail[end - 1].text)
            edits.append((at, at, " ?this"))
    elif aggregates or "having" in words:
        at = tokens[main.close].start + 1
        edits.append((at, at, " GROUP BY ?this"))


# --------------------------------------------------------------------------------------------
# Constraints
# --------------------------------------------------------------------------------------------


def prefixes(graph: ShapesGraph, node: Term, where: str) -> dict[str, str]:
    """The prefixes a query may use: the ``sh:declare`` of its ``sh:prefixes`` (and what they ``owl:imports``)."""
    declared: dict[str, str] = {}
    for owner in graph.objects(node, SH.prefixes):
        for ontology in graph.imports(owner):
            for declaration in graph.objects(ontology, SH.declare):
                prefix, namespace = graph.value(declaration, SH.prefix), graph.value(declaration, SH.namespace)
                if not isinstance(prefix, ox.Literal) or not isinstance(namespace, ox.Literal):
                    raise MokgError(f"{where}: a prefix declaration needs one sh:prefix and one sh:namespace")
                if declared.get(prefix.value, namespace.value) != namespace.value:
                    raise MokgError(f"{where}: the prefix {prefix.value}: is declared twice, differently")
                declared[prefix.value] = namespace.value
    return declared


def _shape_constants(shape: Shape, where: str) -> dict[str, str]:
    """``$PATH`` (property shapes) and ``$currentShape``, written into the query."""
    constants = {}
    if shape.path is not None:
        constants["PATH"] = shape.path.sparql()
    if isinstance(shape.node, ox.NamedNode):
        constants["currentShape"] = str(shape.node)
    return constants


def _rename(text: str, this: str) -> str:
    """A group of ``text`` (a SELECT returning ``?this``) returning it as ``this``, for nested use."""
    if this == "?this":
        return f"{{ {text} }}"
    return f"{{ SELECT DISTINCT (?this AS {this}) WHERE {{ {{ {text} }} }} }}"


@dataclass(frozen=True)
class SparqlConstraint:
    """An ``sh:sparql`` constraint: the results are the solutions of its SELECT (§5.3)."""

    source: Term
    query: Prepared
    messages: tuple[ox.Literal, ...]
    component = SH.SPARQLConstraintComponent

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        text = self.query.render(focus.bind("?this"))
        return Select(_rename(text, this), this, "?value", "?path")

    def parameters(self) -> dict[str, Term]:
        return {}

    def message(self) -> str:
        return "SPARQL constraint not met"


def sparql_constraints(graph: ShapesGraph, shape: Shape) -> list[SparqlConstraint]:
    """The active ``sh:sparql`` constraints of ``shape``, their queries prepared (refused if SHACL forbids them)."""
    constraints = []
    for node in graph.objects(shape.node, SH.sparql):
        where = f"shape {describe(shape.node)}, SPARQL constraint {describe(node)}"
        deactivated = graph.value(node, SH.deactivated)
        if isinstance(deactivated, ox.Literal) and deactivated.value == "true":
            continue
        select = graph.value(node, SH.select)
        if not isinstance(select, ox.Literal):
            raise MokgError(f"{where}: needs one sh:select query (a string)")
        query = prepare(select.value, prefixes(graph, node, where), _shape_constants(shape, where), where)
        messages = tuple(m for m in graph.objects(node, SH.message) if isinstance(m, ox.Literal))
        constraints.append(SparqlConstraint(node, query, messages))
    return constraints


# --------------------------------------------------------------------------------------------
# SPARQL-based constraint components (§6)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parameter:
    path: ox.NamedNode
    optional: bool

    @property
    def name(self) -> str:
        """The variable a parameter's value is bound to: the local name of its path (§6.2.1)."""
        return re.split(r"[#/:]", self.path.value)[-1]


@dataclass(frozen=True)
class Component:
    """A constraint component declared in the shapes graph, with its parameters and validators."""

    node: ox.NamedNode
    parameters: tuple[Parameter, ...]
    node_validator: Term | None
    property_validator: Term | None
    validator: Term | None
    messages: tuple[ox.Literal, ...] = ()


def components(graph: ShapesGraph) -> list[Component]:
    """The constraint components declared in ``graph`` (SHACL's own Core components are built in)."""
    found = []
    for node in graph.subjects_with(SH.parameter):
        if not isinstance(node, ox.NamedNode) or node.value.startswith(SH.base):
            continue
        parameters = []
        for declaration in graph.objects(node, SH.parameter):
            path = graph.value(declaration, SH.path)
            if not isinstance(path, ox.NamedNode):
                raise MokgError(f"constraint component {describe(node)}: each sh:parameter needs an IRI sh:path")
            optional = graph.value(declaration, SH.optional)
            parameters.append(Parameter(path, isinstance(optional, ox.Literal) and optional.value == "true"))
        found.append(
            Component(
                node,
                tuple(sorted(parameters, key=lambda p: p.name)),
                graph.value(node, SH.nodeValidator),
                graph.value(node, SH.propertyValidator),
                graph.value(node, SH.validator),
                tuple(m for m in graph.objects(node, SH.message) if isinstance(m, ox.Literal)),
            )
        )
    return found


@dataclass(frozen=True)
class ComponentConstraint:
    """A use of a SPARQL-based constraint component by a shape, its parameters bound (§6.3).

    A SELECT validator's solutions are the results; an ASK validator is asked for each value
    node, as ``FILTER NOT EXISTS`` over the value nodes, and each one it answers false for is a
    result with that value.
    """

    component: ox.NamedNode
    query: Prepared
    ask: bool
    bound: dict[str, Term] = field(compare=False)
    messages: tuple[ox.Literal, ...] = ()
    source = None

    def where(self, c: Compiler, shape: Shape, focus: Focus, this: str) -> Select:
        if not self.ask:
            return Select(_rename(self.query.render(focus.bind("?this")), this), this, "?value", "?path")
        values = c.values(shape, focus, "?this", "?value")
        text = f"SELECT ?this ?value WHERE {{ {values} FILTER NOT EXISTS {self.query.text} }}"
        return Select(_rename(text, this), this, "?value")

    def parameters(self) -> dict[str, Term]:
        return self.bound

    def message(self) -> str:
        return f"Value does not satisfy {describe(self.component)}"


def component_constraints(graph: ShapesGraph, shape: Shape, declared: list[Component]) -> list[ComponentConstraint]:
    """The uses of declared components by ``shape``: one per combination of its parameter values."""
    constraints = []
    for component in declared:
        values = {p.name: graph.objects(shape.node, p.path) for p in component.parameters}
        if not all(values[p.name] for p in component.parameters if not p.optional):
            continue
        where = f"shape {describe(shape.node)}, constraint component {describe(component.node)}"
        validator = _validator(component, shape, where)
        select, ask = graph.value(validator, SH.select), graph.value(validator, SH.ask)
        if not isinstance(select or ask, ox.Literal):
            raise MokgError(f"{where}: the validator {describe(validator)} needs one sh:select or sh:ask query")
        messages = tuple(m for m in graph.objects(validator, SH.message) if isinstance(m, ox.Literal))
        names = [name for name, found in values.items() if found]
        for combination in itertools.product(*(values[name] for name in names)):
            bound = dict(zip(names, combination, strict=True))
            constants = _shape_constants(shape, where) | {
                name: sparql_term(term, f"{where}, parameter ${name}") for name, term in bound.items()
            }
            query = prepare(
                (select or ask).value, prefixes(graph, validator, where), constants, where, ask=select is None
            )
            constraints.append(
                ComponentConstraint(component.node, query, select is None, bound, messages or component.messages)
            )
    return constraints


def _validator(component: Component, shape: Shape, where: str) -> Term:
    """The validator for this kind of shape (§6.2.3): node or property validator, else the ASK validator."""
    specific = component.property_validator if shape.path is not None else component.node_validator
    validator = specific or component.validator
    if validator is None:
        kind = "property" if shape.path is not None else "node"
        raise MokgError(f"{where}: the component has no validator for {kind} shapes")
    return validator
