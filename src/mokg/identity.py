"""Which names name one model: the keys models are matched by, and the candidate duplicates they reveal.

A model's name carries what tells it from its siblings: its size (7B, 70B), version (2, 3.1),
variant (chat, instruct, base) and marks such as "+" (Command R+ is not Command R). The keys keep
all of that and drop only what varies between spellings of one name:

- :func:`name_key`: case, accents, punctuation and separators ("Llama-2 7B" = "llama 2 7b");
- :func:`word_key`: besides, the order of the words ("Llama 2 70B Chat" = "llama-2-chat-70b"),
  a version marker "v" before a number ("v1.5" = "1.5"), the Hugging Face format's "hf"
  ("OLMo-7B-hf" = "OLMo 7B": the same weights, converted) and, given the organizations' names,
  the organization in front ("Meta Llama 3 70B" = "Llama 3 70B"), as long as a word remains
  ("Qwen 2.5 72B" stays itself: "2.5 72B" names nothing).

The importers match a source's model by Hugging Face id, then by :func:`name_key`, then by
:func:`word_key` when exactly one model has it (:class:`mokg.importers.base.ImportContext`).
:func:`candidate_duplicates` lists the models of a graph that share a key or a Hugging Face id
and are not declared different (``owl:differentFrom``): one model with two records, unless a
curator says otherwise (``mokg duplicates``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from mokg.store import Store

__all__ = [
    "MODEL_NAMES",
    "DuplicateGroup",
    "candidate_duplicates",
    "contradicts",
    "hugging_face_key",
    "name_key",
    "organization_words",
    "tokens",
    "word_key",
]


def _ascii(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return text.replace("+", " plus ")


def name_key(name: str) -> str:
    """A name reduced to letters and digits: ``"Llama-2 7B"`` → ``"llama27b"``, ``"Command-R+"`` → ``commandrplus``."""
    return re.sub(r"[^a-z0-9]", "", _ascii(name))


def tokens(name: str) -> list[str]:
    """The words of a name: runs of letters, and numbers with what follows them (``"70b"``, ``"2.5"``, ``"4k"``).

    A number keeps its unit, so "Phi 3 mini 4k" and "Phi 4 mini 3k" stay apart however the
    words are ordered. Left out: a lone "v" before a number (a version marker) and "hf" (the
    same weights converted to the Hugging Face format: "OLMo-7B-hf" is OLMo 7B).
    """
    found = re.findall(r"\d+(?:\.\d+)*[a-z]*|[a-z]+", _ascii(name))
    return [
        word
        for i, word in enumerate(found)
        if word != "hf" and not (word == "v" and i + 1 < len(found) and found[i + 1][0].isdigit())
    ]


def word_key(name: str, organizations: Iterable[tuple[str, ...]] = ()) -> str:
    """The words of a name in sorted order, without the leading organization's words if a word remains.

    ``organizations`` are the organizations' names as word tuples (:func:`tokens`); the longest
    one the name starts with is dropped, unless nothing but numbers would remain.
    """
    words = tokens(name)
    for org in sorted(organizations, key=len, reverse=True):
        rest = words[len(org) :]
        if org and tuple(words[: len(org)]) == org and any(word.isalpha() for word in rest):
            words = rest
            break
    return " ".join(sorted(words))


#: A parameter count: ``7b``, ``1.5b``, ``220m``, ``4k`` does not count (a context length is a variant's).
_SIZE = re.compile(r"\d+(?:\.\d+)?[bmt]")


def contradicts(name: str, other: str) -> bool:
    """Whether two names cannot name one model: each gives a parameter count the other lacks (``72B``, ``32B``).

    A name may say more than another ("OLMo 7B 0424" and "OLMo"), not something else. Only
    sizes count: versions are written too loosely to compare ("Granite-4-1" is Granite 4.1,
    "Olmo 3" a family of which "Olmo 3.1 7B" is one).
    """
    sizes, others = ({word for word in tokens(text) if _SIZE.fullmatch(word)} for text in (name, other))
    return bool(sizes - others) and bool(others - sizes)


@dataclass(frozen=True)
class DuplicateGroup:
    """Models that share a key (or a Hugging Face id) and that no curator declared different."""

    key: str
    models: tuple[str, ...]


#: Each model with each of its names (label, alternative labels) and each of its matches, in order.
MODEL_NAMES = """
SELECT ?m ?name ?match WHERE { ?m a mokg:Model . FILTER(isIRI(?m))
  OPTIONAL { ?m rdfs:label|skos:altLabel ?name } OPTIONAL { ?m skos:exactMatch ?match } }
ORDER BY ?m ?name ?match"""


def hugging_face_key(iri: str) -> str | None:
    """The repository a Hugging Face address names, as models are matched by it (``org/name``, lower case)."""
    return iri.split("huggingface.co/", 1)[1].strip("/").lower() if "huggingface.co/" in iri else None


_ORGANIZATION_NAMES = "SELECT ?o ?name WHERE { ?o a mokg:Organization OPTIONAL { ?o rdfs:label|skos:altLabel ?name } }"
_DIFFERENT = "SELECT ?a ?b WHERE { ?a owl:differentFrom ?b FILTER(isIRI(?a) && isIRI(?b)) }"


def organization_words(store: Store) -> set[tuple[str, ...]]:
    """The organizations' names, spellings and IRI slugs (``org/meta``), as word tuples for :func:`word_key`."""
    words = set()
    for row in store.query(_ORGANIZATION_NAMES):
        words.add(tuple(tokens(row["o"].value.rstrip("/").rsplit("/", 1)[-1])))
        if row["name"] is not None:
            words.add(tuple(tokens(row["name"].value)))
    return words - {()}


def candidate_duplicates(store: Store) -> list[DuplicateGroup]:
    """Models of ``store`` that may be one: same :func:`word_key` of a name or slug, or the same Hugging Face id.

    A group is left out when each two of its models are declared different (``owl:differentFrom``,
    either way). Groups come sorted, each model once per group.
    """
    organizations = organization_words(store)
    keys: dict[str, set[str]] = defaultdict(set)
    for row in store.query(MODEL_NAMES):
        model = row["m"].value
        names = [model.rstrip("/").rsplit("/", 1)[-1]] + ([row["name"].value] if row["name"] is not None else [])
        for name in names:
            if key := word_key(name, organizations):
                keys[f"name: {key}"].add(model)
        if row["match"] is not None and (repository := hugging_face_key(row["match"].value)):
            keys[f"hugging face: {repository}"].add(model)
    different = {frozenset((row["a"].value, row["b"].value)) for row in store.query(_DIFFERENT)}
    groups = []
    for key, models in sorted(keys.items()):
        ordered = tuple(sorted(models))
        pairs = {frozenset((a, b)) for i, a in enumerate(ordered) for b in ordered[i + 1 :]}
        if pairs - different:
            groups.append(DuplicateGroup(key, ordered))
    return groups
