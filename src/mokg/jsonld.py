"""JSON-LD records framed and compacted straight from the triples, the same document as PyLD's.

:func:`mokg.records.framed` used to turn a record's triples into JSON-LD with PyLD
(``jsonld.from_rdf``, then ``jsonld.frame`` with mokg's context and a frame that embeds
``components``, ``claims`` and ``disagreements`` with ``@embed: @always``): about 50 ms a
model record (up to 150). :func:`frame_record` builds the same framed, compacted tree directly
from a subject index of the triples in one walk — about 1 ms a model record — and gives
*exactly* the document PyLD (3.3) gives: same JSON, same key order, same arrays in the same
order. ``tests/test_jsonld.py`` compares the two on every record of the bundled graph, on
records made to use every term and kind of value, on variants of the context and on random
graphs. What can be computed from the context is computed once per context (its inverse
context, keyword aliases, prefixes) and the term chosen for a property and a kind of value
(node, datatype, language…) is kept in a table.

What it reproduces (read against PyLD's ``_from_rdf``, ``_frame``/``_match_frame``,
``_compact``, ``_compact_iri``, ``_select_term`` and ``_compact_value``):

* the values PyLD gets from RDF: the triples without repeats and, for one subject and
  predicate, in the order of the N-Triples form of their objects (the order of
  :func:`mokg.formats.canonical`); ``rdf:type`` IRIs as ``@type``; no native types
  (``useNativeTypes`` off), ``xsd:string`` dropped, language tags lower-cased;
* framing: the entity at the top (frame ``@id``); every node's properties in sorted order,
  their objects in order; ``@embed: @always`` for the frame's forward terms (``components``)
  and everything below them, the default ``@once`` elsewhere (a node already embedded
  anywhere in the same tree becomes a reference), no embedding of a node that is already
  on the path above its parent (PyLD's circular-reference check, which leaves the parent
  itself out); a node with nothing to embed written as a reference; the frame's ``@reverse``
  terms (``claims``, ``disagreements``): every subject, in sorted order, having the term's
  property with the entity as object, embedded with ``@always``, each in a tree of its own
  (PyLD frames each such subject as if at the top level, so the set of nodes already
  embedded starts afresh); ``@omitDefault`` (no ``@null`` defaults are added);
* compaction with the context: keys in the order of the expanded keys (``@id``,
  ``@reverse``, ``@type``, then property IRIs sorted); term selection through the inverse
  context exactly as PyLD (containers, ``@type``/``@language`` preferences, ``@vocab`` versus
  ``@id`` for node values whose IRI is a term, ``@reverse`` terms), else the ``@vocab``
  suffix, else the shortest compact IRI with one of the context's prefixes, else the IRI;
  value compaction (``@id``/``@vocab`` coercion to strings, a value whose ``@type`` or
  ``@language`` is the term's own, or a plain string under a term with ``@language: null``,
  as a bare string; other values as ``{"type": …, "@value": …}`` or
  ``{"@language": …, "@value": …}``); containers ``@set`` (always an array), none (a single
  value alone, more in an array), ``@language`` maps (``@set`` or not) and ``@list`` (never
  chosen: lists fall back); reverse terms moved to the node, other reverse properties under
  ``@reverse``; keyword aliases (``id``, ``type``).

What raises :class:`Unsupported` (and makes :func:`mokg.records.framed` fall back to PyLD
for that record): blank nodes (PyLD labels and prunes them) and RDF-star triples;
``rdf:first``, ``rdf:rest``, ``rdf:nil`` (lists); ``rdf:JSON`` literals; a literal object of
``rdf:type`` or of a ``@reverse`` frame property; a value or compacted IRI equal to
``@null`` (PyLD's clean-up drops those); an IRI that reads as a compact IRI of the
context (``mokg:x``); an entity with no triple of its own. For every record, a context
with: remote or scoped contexts, ``@base``, ``@direction``, ``@propagate``, ``@nest``,
``@index``, ``@type: @none``, containers other than ``@set``, ``@list`` and ``@language``
(``@id``, ``@type``, ``@index``, ``@graph`` maps), terms with a colon (compact IRIs or IRIs
as terms), a ``@reverse`` term with a container other than ``@set``, or frame terms it does
not define.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyoxigraph as ox

__all__ = ["Unsupported", "frame_record"]

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDF_TYPE = f"{_RDF}type"
_RDF_LIST_TERMS = frozenset({f"{_RDF}first", f"{_RDF}rest", f"{_RDF}nil"})
_RDF_JSON = f"{_RDF}JSON"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Containers of a term this module can compact with (as PyLD's inverse context spells them).
_CONTAINERS = frozenset({"@none", "@set", "@list", "@language", "@language@set"})
#: Term definition entries that change compaction in ways not reproduced here.
_UNSUPPORTED_ENTRIES = ("@context", "@nest", "@index", "@direction")

# Embedding of a frame: the top frame (its flags are the defaults: @once), @always, @once.
_TOP, _ALWAYS, _ONCE = 0, 1, 2
#: The frame a property's objects are matched against when the frame names none (PyLD's
#: implicit frame, with its parent's flags).
_IMPLICIT = {_TOP: _ONCE, _ALWAYS: _ALWAYS, _ONCE: _ONCE}

# What term selection depends on in a value (see PyLD's _compact_iri / _select_term).
_NODE, _REVERSE, _TYPED, _LANG, _PLAIN, _NO_VALUE = range(6)
# How a value is written under its term.
_SINGLE, _SET, _LANGMAP, _LANGMAP_SET = range(4)


class Unsupported(Exception):
    """The record (or the context) holds something this implementation does not reproduce."""


@dataclass
class _Context:
    """What compaction needs of a processed context, with tables filled as terms are met."""

    mappings: dict[str, dict | None]
    vocab: str | None
    has_default_language: bool
    default_language: str | None
    inverse: dict[str, dict[str, dict[str, dict[str, str]]]]
    prefixes: list[tuple[str, str]]  # (IRI, term) of the terms usable as prefixes
    prefix_terms: tuple[str, ...]
    always: frozenset[str]  # forward properties the frame embeds @always
    reverse: tuple[str, ...]  # reverse properties of the frame, sorted
    # keyword aliases ("id", "type"…) and whether types are always an array
    id_key: str = "@id"
    type_key: str = "@type"
    type_as_set: bool = False
    value_key: str = "@value"
    language_key: str = "@language"
    none_key: str = "@none"
    reverse_key: str = "@reverse"
    vocab_terms: dict[str, str | None] = field(default_factory=dict)  # IRI → its term (value None)
    iris: dict[tuple[str, bool], str] = field(default_factory=dict)
    terms: dict[tuple, tuple] = field(default_factory=dict)

    # -- IRIs ---------------------------------------------------------------------------

    def alias(self, keyword: str) -> str:
        """A keyword as PyLD compacts it: its alias without container, else the term selected for it."""
        alias = self.inverse.get(keyword, {}).get("@none", {}).get("@type", {}).get("@none")
        return alias or self.select(keyword, _NO_VALUE, None) or keyword

    def select(self, iri: str, kind: int, extra: object) -> str | None:
        """PyLD's term selection (``_compact_iri`` with vocab, then ``_select_term``)."""
        containers_map = self.inverse.get(iri)
        if containers_map is None:
            return None
        node_containers = ["@id", "@id@set", "@type", "@set@type"]
        index = ["@index", "@index@set"]
        if kind in (_NODE, _REVERSE):
            containers = [*node_containers, "@set", "@none", *index]
            key = "@type"
            prefs = ["@reverse"] if kind == _REVERSE else []
            prefs += ["@vocab", "@id"] if extra else ["@id", "@vocab"]
        elif kind == _NO_VALUE:
            containers, key, prefs = ["@set", "@none"], "@type", ["@id"]
        elif kind == _LANG:
            containers = ["@language", "@language@set", "@set", "@none", *index]
            key, prefs = "@language", [extra]
        elif kind == _TYPED:
            containers, key, prefs = ["@set", "@none", *index], "@type", [extra]
        else:  # _PLAIN: a string without type or language
            containers = ["@set", "@none", *index, "@language", "@language@set"]
            key, prefs = "@language", ["@null"]
        if kind not in (_NODE, _REVERSE):
            direction = [p for p in prefs if "_" in p]
            if direction:
                prefs.append("_" + direction[0].split("_")[-1])
        prefs.append("@none")
        for container in containers:
            entry = containers_map.get(container)
            if entry is None:
                continue
            table = entry[key]
            for pref in prefs:
                if pref in table:
                    return table[pref]
        return None

    def compact_iri(self, iri: str, vocab: bool) -> str:
        """An IRI compacted without a value (an ``@id``, a type, a datatype, an ``@id``/``@vocab`` value)."""
        key = (iri, vocab)
        compacted = self.iris.get(key)
        if compacted is None:
            term = self.vocab_term(iri) if vocab else None
            compacted = term if term is not None else self.fallback(iri, vocab)
            if len(self.iris) > 200_000:
                self.iris.clear()
            self.iris[key] = compacted
        return compacted

    def vocab_term(self, iri: str) -> str | None:
        """The term an IRI compacts to on its own (PyLD's ``_compact_iri`` with vocab and no value), if any."""
        if iri not in self.inverse:
            return None
        if iri not in self.vocab_terms:  # bounded: the IRIs of the context's terms
            self.vocab_terms[iri] = self.select(iri, _NO_VALUE, None)
        return self.vocab_terms[iri]

    def fallback(self, iri: str, vocab: bool) -> str:
        """No term: the ``@vocab`` suffix, else a compact IRI, else the IRI (PyLD's ``_compact_iri``)."""
        if vocab and self.vocab and iri.startswith(self.vocab) and iri != self.vocab:
            suffix = iri[len(self.vocab) :]
            if suffix not in self.mappings:
                return _checked(suffix)
        candidate = None
        for prefix, term in self.prefixes:
            if iri.startswith(prefix) and iri != prefix:
                curie = f"{term}:{iri[len(prefix) :]}"
                if candidate is None or (len(curie), curie) < (len(candidate), candidate):
                    candidate = curie
        if candidate is not None:
            return _checked(candidate)
        if iri.startswith(self.prefix_terms):
            raise Unsupported(f"{iri} reads as a compact IRI")  # PyLD: "IRI confused with prefix"
        return _checked(iri)

    # -- terms --------------------------------------------------------------------------

    def term(self, prop: str, kind: int, extra: object) -> tuple:
        """How a value of ``prop`` is written: (its key, how values add up under it, how the value is written).

        PyLD's choice depends on the value only through ``kind`` and ``extra``: a node (is its
        IRI a term's?), a reverse node (the same), a typed literal (its datatype), a literal
        with a language (the language), a plain string; the table fills as values are met.
        """
        key = (prop, kind, extra)
        found = self.terms.get(key)
        if found is not None:
            return found
        term = self.select(prop, kind, extra)
        if term is None:
            term = self.fallback(prop, True)
        mapping = self.mappings.get(term)
        containers = set(mapping.get("@container", ())) if mapping else set()
        if "@language" in containers:
            adding = _LANGMAP_SET if "@set" in containers else _LANGMAP
        else:
            adding = _SET if containers & {"@set", "@list"} else _SINGLE
        type_ = mapping.get("@type") if mapping else None
        language = mapping["@language"] if mapping and "@language" in mapping else self.default_language
        if kind in (_NODE, _REVERSE):
            # a node reference: a string under @id / @vocab coercion, else {"id": …}
            writing = "@vocab" if type_ == "@vocab" else "@id" if type_ == "@id" else None
        elif kind == _TYPED:
            writing = "bare" if extra == type_ else "typed"
        elif kind == _LANG:
            writing = "bare" if extra == language else "language"
        else:
            null_language = bool(mapping) and "@language" in mapping and mapping["@language"] is None
            writing = "bare" if not self.has_default_language or null_language else "plain"
        found = (term, adding, writing)
        self.terms[key] = found
        return found


def _checked(compacted: str) -> str:
    if compacted == "@null":  # PyLD's clean-up would turn it into null
        raise Unsupported("a compacted IRI is @null")
    return compacted


_CONTEXTS: dict[int, tuple[object, tuple[str, ...], _Context]] = {}


def _context(context: Mapping, frame_terms: tuple[str, ...]) -> _Context:
    """The compiled context, cached for the same (equal) context and frame terms."""
    cached = _CONTEXTS.get(id(context))
    if cached is not None and cached[1] == frame_terms and cached[0] == context:
        return cached[2]
    compiled = _compile(context, frame_terms)
    if len(_CONTEXTS) > 16:
        _CONTEXTS.clear()
    _CONTEXTS[id(context)] = (copy.deepcopy(context), frame_terms, compiled)
    return compiled


def _refuse_remote(url: str, options: object = None) -> dict:
    raise Unsupported(f"a remote context ({url})")


def _compile(context: Mapping, frame_terms: tuple[str, ...]) -> _Context:
    from pyld import jsonld

    if not isinstance(context, Mapping) or not isinstance(context.get("@context"), Mapping):
        raise Unsupported("the context is not one inline object")
    processor = jsonld.JsonLdProcessor()
    options = {
        "processingMode": "json-ld-1.1",
        "base": "",
        "documentLoader": _refuse_remote,
        "contextResolver": jsonld.ContextResolver({}, _refuse_remote),
    }
    try:
        active = processor.process_context(
            processor._get_initial_context(options), copy.deepcopy(dict(context["@context"])), options
        )
    except Unsupported:
        raise
    except Exception as error:  # an invalid context: PyLD will say why
        raise Unsupported(f"the context does not process: {error}") from error
    if any(key in active for key in ("@base", "@direction", "@propagate")):
        raise Unsupported("@base, @direction or @propagate in the context")
    mappings: dict[str, dict | None] = {
        term: (dict(m) if m is not None else None) for term, m in active["mappings"].items()
    }
    for term, mapping in mappings.items():
        if ":" in term:
            raise Unsupported(f"term {term} has a colon")
        if mapping is None:
            continue
        if any(entry in mapping for entry in _UNSUPPORTED_ENTRIES) or mapping.get("@type") == "@none":
            raise Unsupported(f"term {term}: scoped context, @nest, @index, @direction or @type @none")
        container = "".join(sorted(mapping.get("@container", ["@none"])))
        if container not in _CONTAINERS:
            raise Unsupported(f"term {term}: container {container}")
        if mapping["reverse"] and container not in ("@none", "@set"):
            raise Unsupported(f"reverse term {term}: container {container}")
        if not isinstance(mapping.get("@id"), str | type(None)):
            raise Unsupported(f"term {term}: several IRIs")
    default_language = active.get("@language")
    inverse = _inverse(mappings, default_language if "@language" in active else "@none")

    always, reverse = set(), set()
    for name in frame_terms:
        mapping = mappings.get(name)
        iri = mapping.get("@id") if mapping else None
        if not iri or iri.startswith("@") or ":" not in iri:
            raise Unsupported(f"the frame term {name} is not defined by the context")
        (reverse if mapping["reverse"] else always).add(iri)
    compiled = _Context(
        mappings=mappings,
        vocab=active.get("@vocab"),
        has_default_language="@language" in active,
        default_language=default_language,
        inverse=inverse,
        prefixes=[(m["@id"], t) for t, m in mappings.items() if m is not None and m["_prefix"] and m.get("@id")],
        prefix_terms=tuple(f"{t}:" for t, m in mappings.items() if m is not None and m["_prefix"]),
        always=frozenset(always),
        reverse=tuple(sorted(reverse)),
    )
    compiled.id_key = compiled.alias("@id")
    compiled.type_key = compiled.alias("@type")
    type_mapping = mappings.get(compiled.type_key)
    compiled.type_as_set = bool(type_mapping) and "@set" in type_mapping.get("@container", ())
    compiled.value_key = compiled.alias("@value")
    compiled.language_key = compiled.alias("@language")
    compiled.none_key = compiled.alias("@none")
    compiled.reverse_key = compiled.alias("@reverse")
    return compiled


def _inverse(mappings: dict[str, dict | None], default_language: str) -> dict:
    """PyLD's inverse context (``_get_inverse_context``) for the supported term definitions."""
    inverse: dict[str, dict] = {}
    for term, mapping in sorted(mappings.items(), key=lambda kv: (len(kv[0]), kv[0])):
        if mapping is None or not mapping.get("@id"):
            continue
        container = "".join(sorted(mapping.get("@container", ["@none"])))
        entry = inverse.setdefault(mapping["@id"], {}).setdefault(container, {"@language": {}, "@type": {}, "@any": {}})
        entry["@any"].setdefault("@none", term)
        if mapping["reverse"]:
            entry["@type"].setdefault("@reverse", term)
        elif "@type" in mapping:
            entry["@type"].setdefault(mapping["@type"], term)
        elif "@language" in mapping:
            language = mapping["@language"]
            entry["@language"].setdefault("@null" if language is None else language, term)
        else:
            entry["@language"].setdefault(default_language, term)
            entry["@type"].setdefault("@none", term)
            entry["@language"].setdefault("@none", term)
    return inverse


# -- the record -------------------------------------------------------------------------


def _index(triples: Sequence[ox.Triple]) -> tuple[dict[str, dict[str, list]], dict[str, list[str]]]:
    """Subject → predicate → objects (IRIs as ``str``, literals as tuples), and subject → types."""
    by_subject: dict[str, dict[str, list]] = {}
    named, literal = ox.NamedNode, ox.Literal
    for triple in set(triples):
        subject, obj = triple.subject, triple.object
        if type(subject) is not named or (type(obj) is not named and type(obj) is not literal):
            raise Unsupported("a blank node or a quoted triple")
        predicate = triple.predicate.value
        properties = by_subject.get(subject.value)
        if properties is None:
            properties = by_subject[subject.value] = {}
        objects = properties.get(predicate)
        if objects is None:
            properties[predicate] = [obj]
        else:
            objects.append(obj)
    nodes: dict[str, dict[str, list]] = {}
    types: dict[str, list[str]] = {}
    for subject, properties in by_subject.items():
        node = nodes[subject] = {}
        for predicate, objects in properties.items():
            if predicate in _RDF_LIST_TERMS:
                raise Unsupported("an RDF list")
            if len(objects) > 1:
                objects.sort(key=str)  # the order of the N-Triples form, as in mokg.formats.canonical
            values = [_value(o) for o in objects]
            if predicate == _RDF_TYPE:
                if any(type(v) is not str for v in values):
                    raise Unsupported("a literal rdf:type")
                types[subject] = values
            else:
                node[predicate] = values
    return nodes, types


def _value(term: ox.NamedNode | ox.Literal) -> str | tuple[int, str | None, str]:
    """An object as the framer sees it: an IRI (``str``) or (kind, datatype or language, lexical form)."""
    if type(term) is ox.NamedNode:
        iri = term.value
        if iri in _RDF_LIST_TERMS:
            raise Unsupported("an RDF list")
        return iri
    lexical = term.value
    if lexical == "@null":
        raise Unsupported("a literal @null")
    if term.language:
        return (_LANG, term.language.lower(), lexical)
    datatype = term.datatype.value
    if datatype == _XSD_STRING:
        return (_PLAIN, None, lexical)
    if datatype == _RDF_JSON:
        raise Unsupported("an rdf:JSON literal")
    return (_TYPED, datatype, lexical)


class _Framer:
    """One record: frames and compacts it in a single walk (see the module's docstring)."""

    def __init__(self, ctx: _Context, nodes: dict[str, dict[str, list]], types: dict[str, list[str]]) -> None:
        self.ctx = ctx
        self.nodes = nodes
        self.types = types
        self.stack: list[str] = []

    def is_term(self, iri: str) -> bool:
        """Whether a node's IRI compacts to a term defined for it (PyLD then prefers @vocab terms)."""
        return self.ctx.vocab_term(iri) is not None

    def match(self, iri: str, frame: int, embedded: bool, unique: set[str]) -> dict | None:
        """The framed, compacted node ``iri``, or ``None`` for a reference (PyLD's ``_match_frame``)."""
        stack = self.stack
        if embedded:
            embed = _ONCE if frame == _TOP else frame  # the top frame's own flag is the default, @once
            if iri in stack[:-1] or (embed == _ONCE and iri in unique):
                return None
        unique.add(iri)
        stack.append(iri)
        ctx = self.ctx
        out: dict[str, object] = {ctx.id_key: ctx.compact_iri(iri, False)}
        if frame == _TOP and ctx.reverse:
            self.reverse(iri, out)
        types = self.types.get(iri)
        if types:
            compacted = [ctx.compact_iri(t, True) for t in types]
            out[ctx.type_key] = compacted if len(compacted) > 1 or ctx.type_as_set else compacted[0]
        properties = self.nodes.get(iri)
        if properties:
            implicit = _IMPLICIT[frame]
            for prop in sorted(properties):
                child = _ALWAYS if frame == _TOP and prop in ctx.always else implicit
                for value in properties[prop]:
                    if type(value) is str:
                        term, adding, writing = ctx.term(prop, _NODE, self.is_term(value))
                        item = self.match(value, child, True, unique)
                        if item is None:
                            item = self.reference(value, writing)
                    else:
                        term, adding, writing = ctx.term(prop, value[0], value[1])
                        item = self.literal(value, writing)
                    self.add(out, term, adding, item, value)
        stack.pop()
        if len(out) == 1:  # nothing but its @id: PyLD compacts it as a reference
            return None
        return out

    def reverse(self, iri: str, out: dict[str, object]) -> None:
        """The frame's reverse terms: every subject pointing at the entity, each framed on its own."""
        ctx = self.ctx
        found: dict[str, object] = {}
        for prop in ctx.reverse:
            subjects = []
            for subject, properties in self.nodes.items():
                values = properties.get(prop)
                if values:
                    if any(type(v) is not str for v in values):
                        raise Unsupported("a literal value of a reverse frame property")  # PyLD: KeyError
                    if iri in values:
                        subjects.append(subject)
            for subject in sorted(subjects):
                term, adding, writing = ctx.term(prop, _REVERSE, self.is_term(subject))
                item = self.match(subject, _ALWAYS, False, set())
                if item is None:
                    item = self.reference(subject, writing)
                self.add(found, term, adding, item, subject)
        for term in list(found):
            mapping = ctx.mappings.get(term)
            if mapping and mapping["reverse"]:
                value = found.pop(term)
                if "@set" in mapping.get("@container", ()) and not isinstance(value, list):
                    value = [value]
                out[term] = value
        if found:
            out[ctx.reverse_key] = found

    def reference(self, iri: str, writing: str | None) -> object:
        if writing is None:
            return {self.ctx.id_key: self.ctx.compact_iri(iri, False)}
        return self.ctx.compact_iri(iri, writing == "@vocab")

    def literal(self, value: tuple, writing: str) -> object:
        kind, tag, lexical = value
        if writing == "bare":
            return lexical
        ctx = self.ctx
        if kind == _TYPED:
            return {ctx.type_key: ctx.compact_iri(tag, True), ctx.value_key: lexical}
        if kind == _LANG:
            return {ctx.language_key: tag, ctx.value_key: lexical}
        return {ctx.value_key: lexical}

    def add(self, out: dict, term: str, adding: int, item: object, value: object) -> None:
        """PyLD's ``add_value`` of a compacted item, with its term's container."""
        if adding in (_SINGLE, _SET):
            existing = out.get(term)
            if existing is None:
                out[term] = [item] if adding == _SET else item
            elif type(existing) is list:
                existing.append(item)
            else:
                out[term] = [existing, item]
            return
        # a language map: {language: value}, "@none" (or its alias) for values without one
        language = value[1] if type(value) is tuple and value[0] == _LANG else None
        if type(item) is dict and "@value" in item:  # PyLD tests the keyword, not its alias
            item = item["@value"]
        adding = _SET if adding == _LANGMAP_SET else _SINGLE
        self.add(out.setdefault(term, {}), language or self.ctx.none_key, adding, item, None)


def frame_record(
    triples: Sequence[ox.Triple], iri: str, context: Mapping, context_url: str, frame_terms: tuple[str, ...]
) -> dict:
    """The record framed on ``iri`` and compacted, as PyLD frames it; :class:`Unsupported` where it cannot.

    ``frame_terms`` are the context's terms the frame embeds with ``@embed: @always`` and
    ``@omitDefault`` (mokg's: ``components``, ``claims``, ``disagreements``); the document
    refers to the context by ``context_url``.
    """
    ctx = _context(context, frame_terms)
    scheme = iri.split(":", 1)[0]
    if scheme in ctx.mappings or scheme == "_":
        raise Unsupported(f"the entity {iri} reads as a compact IRI or a blank node")
    nodes, types = _index(triples)
    if iri not in nodes and iri not in types:
        raise Unsupported(f"no triple about {iri}")
    document = _Framer(ctx, nodes, types).match(iri, _TOP, False, set())
    if document is None:
        raise Unsupported(f"nothing to frame about {iri}")
    return {"@context": context_url, **document}
