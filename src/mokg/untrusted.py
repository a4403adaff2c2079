"""Untrusted text, checked in Python before a native parser sees it.

pyoxigraph's SPARQL, JSON-LD and RDF/XML parsers recurse on nesting, and a few kilobytes of
brackets overflow their stack: the process dies with a segmentation fault, no exception to
catch (measured: 2,200 nested ``{`` in a query, 3,200 nested JSON-LD ``@list`` objects, 75,000
nested RDF/XML elements on an 8 MB stack). Its SPARQL engine also calls any ``SERVICE``
endpoint a query names. Neither can be turned off in pyoxigraph, so this module reads the
text first, with parsers that cannot crash (Python's ``json`` and ``expat``, and the SPARQL and
Turtle tokenizer below), and refuses what is too deep, too big, or asks for ``SERVICE``:

- :func:`check_query` tokenizes a SPARQL query (SPARQL 1.1 §19.8 terminals, SPARQL 1.2 triple
  terms included) and measures its bracket nesting and finds every ``SERVICE`` in it;
- :func:`check_rdf` measures the nesting of a Turtle, N-Triples, JSON-LD or RDF/XML document.

**Why the SERVICE check errs on the side of refusing.** Oxigraph's parser needs no word
boundary after a keyword: ``trueSERVICE<http://…>{}`` and ``SERVICEex:x{}`` both call the
endpoint (checked on pyoxigraph 0.5.13). So any name outside strings, IRIs, comments,
variables and local names that *contains* ``service`` counts as a SERVICE call, as does a
prefix name containing it (``serviceX:y`` can be read back as ``SERVICE`` ``X:y``). Local
names, variables, blank-node labels and language tags are read greedily by the parser too, so
``?service`` and ``sd:Service`` stay allowed. Whatever hides text from this check (strings,
IRIs, comments) is read exactly as the SPARQL grammar says, and where the grammar itself is
ambiguous — ``<`` is both an IRI's start and "less than", and an IRI may contain ``'`` — both
readings are checked.
"""

from __future__ import annotations

import json
import re
import xml.parsers.expat
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from mokg.errors import LoadError, QueryError

__all__ = ["QueryScan", "check_query", "check_rdf", "scan_query"]

# --------------------------------------------------------------------------------------------
# Tokens (SPARQL 1.1 §19.8, shared with Turtle)
# --------------------------------------------------------------------------------------------

_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

#: One token at a time, longest first where two kinds share a start. Names ending a comment or a
#: string early are always safe here (more text is checked); ending one late could hide a keyword.
_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<ws>[\x20\t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
            r"(?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\""
            r"|'(?:[^'\\\r\n]|\\.)*'|\"(?:[^\"\\\r\n]|\\.)*\")",
            rf"(?P<var>[?$]{_VARNAME})",
            rf"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            rf"(?P<pname>(?P<prefix>{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            r"(?P<number>(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)",
            r"(?P<word>[^\W\d]\w*)",
            r"(?P<open>[{(\[])",
            r"(?P<close>[})\]])",
            r"(?P<other>.)",
        )
    ),
    re.DOTALL,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int


def _tokens(text: str, start: int = 0) -> Iterator[_Token]:
    """The tokens of ``text`` from ``start``, whitespace and comments dropped."""
    position = start
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match is not None  # "other" matches any character
        kind = match.lastgroup if match.lastgroup != "prefix" else "pname"
        if kind not in ("ws", "comment"):
            yield _Token(kind, match.group(), position)
        position = match.end()


# --------------------------------------------------------------------------------------------
# SPARQL
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryScan:
    """What a query's text holds: its deepest bracket nesting and the endpoints it would call.

    ``services`` has one entry per ``SERVICE``: the endpoint IRI when it is written as a full
    IRI right after the keyword (and ``SILENT``), else ``None`` (a variable, a prefixed name, or
    a name that merely contains ``service``: nothing mokg can check against an allow-list).
    """

    depth: int
    services: tuple[str | None, ...]


#: How many IRIs containing ``'`` a query may have: each one is read both ways (IRI, or ``<``).
MAX_AMBIGUOUS_IRIS = 8

_SERVICE = "service"


def _contains_service(name: str) -> bool:
    return _SERVICE in name.casefold()


def _endpoint(tokens: list[_Token], index: int) -> str | None:
    """The IRI after the ``SERVICE`` at ``index`` (skipping ``SILENT``), if it is written out."""
    following = tokens[index + 1 : index + 3]
    if following and following[0].kind == "word" and following[0].text.casefold() == "silent":
        following = following[1:]
    if following and following[0].kind == "iri":
        try:
            return ox.NamedNode(_unescape_iri(following[0].text[1:-1])).value
        except ValueError:
            return None
    return None


def _unescape_iri(text: str) -> str:
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})", lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def scan_query(query: str) -> QueryScan:
    """Read ``query`` as oxigraph would (both ways where the grammar is ambiguous); see the module."""
    depth = 0
    services: dict[int, str | None] = {}  # by position: the second reading of a fork finds them again
    pending, forks = [0], {0}
    while pending:
        start = pending.pop()
        level = 0
        tokens = []
        for token in _tokens(query, start):
            if token.kind == "iri" and "'" in token.text and token.start + 1 not in forks:
                forks.add(token.start + 1)  # the other reading: "<" is "less than", and "'" opens a string
                if len(forks) > MAX_AMBIGUOUS_IRIS + 1:
                    raise QueryError(
                        f"more than {MAX_AMBIGUOUS_IRIS} IRIs contain an apostrophe: write it as %27 in an IRI"
                    )
                pending.append(token.start + 1)
            tokens.append(token)
            if token.kind == "open":
                level += 1
                depth = max(depth, level) if start == 0 else depth
            elif token.kind == "close":
                level -= 1
        for index, token in enumerate(tokens):
            if token.kind == "word" and _contains_service(token.text):
                exact = token.text.casefold() == _SERVICE
                services.setdefault(token.start, _endpoint(tokens, index) if exact else None)
            elif token.kind == "pname" and _contains_service(token.text.split(":", 1)[0]):
                services.setdefault(token.start, None)
    return QueryScan(depth, tuple(services[start] for start in sorted(services)))


def check_query(query: str, *, max_depth: int, allowed_services: frozenset[str] = frozenset()) -> QueryScan:
    """Refuse (HTTP 400) a query nested deeper than ``max_depth``, or calling an endpoint not allowed.

    :class:`~mokg.errors.QueryError` when the brackets nest deeper than ``max_depth`` or a
    ``SERVICE`` names an endpoint that is not one of ``allowed_services``; else the scan.

    Nothing is evaluated: the refusal comes before the query reaches any engine, so no request
    leaves the service.
    """
    scan = scan_query(query)
    if scan.depth > max_depth:
        raise QueryError(f"the query nests {scan.depth} brackets deep; the limit is {max_depth}")
    for endpoint in scan.services:
        if endpoint is None or endpoint not in allowed_services:
            shown = f" <{endpoint}>" if endpoint else ""
            allowed = (
                f"the endpoints allowed are {', '.join(sorted(allowed_services))}"
                if allowed_services
                else "this service calls no other endpoint"
            )
            raise QueryError(
                f"SERVICE{shown} is not allowed: {allowed} (a name containing 'service' counts as the keyword)"
            )
    return scan


# --------------------------------------------------------------------------------------------
# RDF documents
# --------------------------------------------------------------------------------------------


def check_rdf(data: bytes, rdf_format: ox.RdfFormat, *, max_depth: int, name: str, untrusted: bool = True) -> None:
    """Refuse (:class:`~mokg.errors.LoadError`) a document nested deeper than ``max_depth``.

    JSON-LD is read with Python's ``json`` (objects and arrays), RDF/XML with ``expat``
    (elements; entity declarations that refer to other entities are refused, the start of an
    exponential expansion): their native parsers recurse, so this check always runs. Turtle and
    TriG are read with the tokenizer above (``[``, ``(``, ``{``, ``<<`` count as brackets) only
    when ``untrusted``: oxigraph's Turtle parser keeps its own stack and cannot overflow, and
    the tokenizer reads 5 MB/s, a cost the reviewed files of a data set need not pay.
    N-Triples and N-Quads cannot nest.
    """
    if rdf_format == ox.RdfFormat.JSON_LD:
        depth = _json_depth(data, name)
    elif rdf_format == ox.RdfFormat.RDF_XML:
        depth = _xml_depth(data, name, max_depth)
    elif untrusted and rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N3):
        depth = _token_depth(_text(data, name))
    else:
        return
    if depth > max_depth:
        raise LoadError(f"the document nests {depth} levels deep; the limit is {max_depth}", path=name)


def _text(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LoadError(f"not UTF-8: {error}", path=name) from None


def _json_depth(data: bytes, name: str) -> int:
    try:
        document = json.loads(_text(data, name))
    except json.JSONDecodeError as error:
        raise LoadError(f"invalid JSON: {error.msg}", path=name, line=error.lineno, column=error.colno) from None
    except RecursionError:
        raise LoadError("the JSON is nested too deeply", path=name) from None
    depth, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            depth = max(depth, level)
            stack.extend((child, level + 1) for child in (value.values() if isinstance(value, dict) else value))
    return depth


def _xml_depth(data: bytes, name: str, max_depth: int) -> int:
    parser = xml.parsers.expat.ParserCreate()
    level = depth = 0

    def start(_tag: str, _attributes: dict[str, str]) -> None:
        nonlocal level, depth
        level += 1
        depth = max(depth, level)
        if level > max_depth:
            raise LoadError(
                f"the document nests more than {max_depth} elements deep", path=name, line=parser.CurrentLineNumber
            )

    def end(_tag: str) -> None:
        nonlocal level
        level -= 1

    def entity(entity_name: str, _parameter: bool, value: str | None, *_rest: object) -> None:
        if value is None or "&" in value or "%" in value:
            raise LoadError(f"entity {entity_name!r} refers to other entities or files: not read", path=name)

    parser.StartElementHandler, parser.EndElementHandler, parser.EntityDeclHandler = start, end, entity
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise LoadError(f"invalid XML: {error}", path=name, line=error.lineno, column=error.offset) from None
    return depth


def _token_depth(text: str) -> int:
    level = depth = 0
    for token in _tokens(text):
        if token.kind == "open" or (token.text == "<" and text.startswith("<<", token.start)):
            level += 1
            depth = max(depth, level)
        elif token.kind == "close" or (token.text == ">" and text.startswith(">>", token.start)):
            level -= 1
    return depth
