"""What the record page templates are given to name what a record shows.

A record page (``templates/record.html``: the service's and the site's) prints a framed record
(:func:`mokg.records.framed`): the text of literals, IRIs shortened, vocabulary values by their
local name, linked nodes by their label and as links. These helpers are called hundreds of times
a page; as Jinja macros, with the index of the record's nodes they look names up in, they were
most of a site page's template time (a million pages: an hour on two cores). Here they are
Python functions with the macros' exact output, escaped (:class:`markupsafe.Markup`), so the
templates call them as they called the macros.
"""

from __future__ import annotations

from collections.abc import Iterable

from jinja2 import Undefined
from markupsafe import Markup, escape

from mokg.formats import LABELS

__all__ = ["TEMPLATE_GLOBALS", "RecordNames", "record_index"]


def record_index(document: object) -> dict[str, dict]:
    """Every node of a framed record by its ``id``, the fullest copy of each (most keys; the first of equals).

    A compact id (``mokg:StatusOpen``, ``sh:Violation``) is also kept by its local name, the
    form a bare vocabulary value takes.
    """
    index: dict[str, dict] = {}
    todo = [document]
    while todo:
        value = todo.pop()
        if isinstance(value, dict):
            node = value.get("id")
            if isinstance(node, str):
                keys = [node, node.split(":", 1)[1]] if ":" in node and not node.startswith("http") else [node]
                for key in keys:
                    if key not in index or len(value) > len(index[key]):
                        index[key] = value
            todo.extend(reversed(value.values()))
        elif isinstance(value, list):
            todo.extend(reversed(value))
    return index


def _string(value: object) -> str:
    """Jinja's ``string`` filter: text as it is, an undefined value as nothing, anything else by ``str``."""
    if isinstance(value, str):
        return value
    return "" if isinstance(value, Undefined) else str(value)


def _id(node: dict) -> str:
    """A node's ``id`` as text; nothing when it has none."""
    return _string(node["id"]) if "id" in node else ""


def _text(value: object) -> str:
    """The text of a literal: a string or number, ``{"@value": …}`` (else the node's id), the first of a list."""
    if isinstance(value, str):
        return value  # Markup stays Markup: not escaped twice
    if isinstance(value, int | float):  # booleans are ints: "True", as Jinja prints them
        return str(value)
    if isinstance(value, dict):
        return _string(value["@value"]) if "@value" in value else _id(value)
    if isinstance(value, list | tuple) and value:
        return _text(value[0])
    return ""


def _short(text: str) -> str:
    """An IRI shortened for display: the SPDX id, the last two path segments, or a compact IRI's local name."""
    if text.startswith("http://spdx.org/licenses/"):
        return text[25:]
    if text.startswith(("http://", "https://")):
        path = text.split("://", 1)[1].rstrip("/")
        parts = path.split("/")
        return "/".join(parts[-2:]) if len(parts) > 2 else path
    return text.split(":", 1)[1] if ":" in text else text


class RecordNames:
    """The names of what one record shows, looked up in the index of its nodes (:func:`record_index`).

    ``prefixes`` are the compact IRI prefixes a bare string may be a vocabulary term of
    (``mokg:StatusOpen``), shown as a term rather than as text.
    """

    def __init__(self, record: object, prefixes: Iterable[str]) -> None:
        self.index = record_index(record)
        self._prefixes = frozenset(prefixes)

    def _node(self, value: object) -> object:
        return self.index.get(value, value) if isinstance(value, str) else value

    def txt(self, value: object) -> Markup:
        """The text of a literal, escaped."""
        return escape(_text(value))

    def short(self, value: object) -> Markup:
        """An IRI shortened for display (:func:`_short`)."""
        return escape(_short(_string(value)))

    def local(self, value: object) -> Markup:
        """The local name of a vocabulary value: ``mokg:StatusOpen``, ``StatusOpen`` or ``…ontology#StatusOpen``."""
        text = _id(value) if isinstance(value, dict) else _string(value)
        if not text.startswith("http") or "#" in text:
            return escape(text.split("#")[-1].split(":")[-1])
        return escape(text.rstrip("/").split("/")[-1])

    def name(self, value: object) -> Markup:
        """The name of a node, or of a bare IRI looked up in the index: its label, else a short IRI."""
        node = self._node(value)
        if not isinstance(node, dict):
            return self.short(node)
        for key in ("label", "prefLabel", "title"):
            if key in node:
                return self.txt(node[key])
        return escape(node["@value"]) if "@value" in node else self.short(_id(node))

    def ref(self, value: object) -> Markup:
        """A linked node: a link to its IRI named by its label; a vocabulary term as its label; a literal as text."""
        node = self._node(value)
        iri = _id(node) if isinstance(node, dict) else node if isinstance(node, str) else ""
        if iri.startswith(("http://", "https://")):
            return Markup('<a href="{0}" title="{0}">{1}</a>').format(iri, self.name(node))
        term = isinstance(node, str) and " " not in iri and iri.split(":")[0] in self._prefixes
        if (isinstance(node, dict) and iri) or term:
            return Markup('<span class="term" title="{0}">{1}</span>').format(iri, self.name(node))
        return self.txt(node)


#: What the record templates are given besides a record, in the service and the site alike.
TEMPLATE_GLOBALS = {"FORMAT_NAME": LABELS, "RecordNames": RecordNames}
