"""Untrusted text is read before pyoxigraph sees it: SERVICE is found however it is written,
nesting is bounded, and documents that would overflow a native parser's stack are refused.

The SERVICE check is tested against pyoxigraph itself: a local listener stands where an
attacker's endpoint would be, and every query the check lets through is run for real — the
listener must never be called.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import Listener
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mokg.errors import LoadError, QueryError
from mokg.untrusted import check_query, check_rdf, scan_query


def one_triple() -> ox.Store:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.NamedNode("http://x/o")))
    return store


def calls_out(query: str, listener: Listener) -> bool:
    """Whether pyoxigraph, running ``query``, connects to the listener."""
    before = listener.connections
    try:
        result = one_triple().query(query, use_default_graph_as_union=True)
        if not isinstance(result, ox.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, RuntimeError, ValueError):
        pass
    return listener.connections > before


#: How SERVICE reaches pyoxigraph in disguise (every one of these calls the endpoint in 0.5.13:
#: its parser needs no word boundary after a keyword).
DISGUISES = [
    "SELECT * WHERE {{ SERVICE <{e}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{e}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ sErViCe\t<{e}>{{ }} }}",
    "SELECT * WHERE {{ ?s ?p ?o.SERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p 1SERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p 1.0SERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p 1e1SERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p trueSERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ SERVICESILENT<{e}>{{ }} }}",
    "PREFIX ex: <{e}> SELECT * WHERE {{ SERVICEex:x{{ }} }}",
    'SELECT * WHERE {{ ?s ?p "x"@en.SERVICE <{e}> {{ }} }}',
    "SELECT * WHERE {{ ?s ?p ?o #x\nSERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p ?o #x\rSERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{e}> {{ }} }} }}",
    "SELECT * WHERE {{ ?s ?p ()SERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s ?p []SERVICE <{e}> {{ }} }}",
    "SELECT * WHERE {{ ?s a?o.SERVICE <{e}> {{ }} }}",
    "DESCRIBE ?s WHERE {{ ?s ?p ?o SERVICE <{e}> {{ }} }}",
    "ASK {{ ?s ?p ?o FILTER(true)SERVICE <{e}> {{ }} }}",
    # "<" is both an IRI's start and "less than": read as an IRI, the ' in it would open a string
    # hiding the SERVICE; read as "less than", the SERVICE is there.
    "SELECT * WHERE {{ ?s ?p ?o BIND(?o<'x>' AS ?z) SERVICE <{e}> {{ }} #'\n}}",
]


@pytest.mark.parametrize("template", DISGUISES)
def test_every_disguise_that_calls_out_is_refused(template: str, listener: Listener):
    query = template.format(e=listener.url)
    assert calls_out(query, listener), "the disguise no longer reaches the endpoint: drop it or fix the probe"
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(query, max_depth=64)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a sd:Service }",
        'SELECT * WHERE { ?s ?p "a SERVICE <http://x> { }" }',
        "SELECT * WHERE { ?s ?p <http://example.org/service> }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> {}",
        "SELECT * WHERE { ?s ex:SERVICE ?o }",
        "SELECT * WHERE { ?s ?p _:service }",
        "SELECT * WHERE { ?s ?p ?o FILTER(?o != <http://dbpedia.org/resource/Hawai'i>) }",
    ],
)
def test_service_as_data_is_not_a_service_call(query: str):
    assert check_query(query, max_depth=64).services == ()


def test_allowed_endpoints_pass_and_others_do_not():
    allowed = frozenset({"https://query.wikidata.org/sparql"})
    ok = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    assert check_query(ok, max_depth=64, allowed_services=allowed).services == ("https://query.wikidata.org/sparql",)
    for refused in (
        "SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<https://query.wikidata.org/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
        "PREFIX wd: <https://query.wikidata.org/> SELECT * WHERE { SERVICE wd:sparql { } }",
    ):
        with pytest.raises(QueryError, match="SERVICE"):
            check_query(refused, max_depth=64, allowed_services=allowed)


def test_nesting_is_bounded_before_the_parser_overflows():
    """10,000 nested braces killed pyoxigraph's parser (stack overflow): refused, with the depth and the limit."""
    assert scan_query("SELECT * WHERE { { } }").depth == 2
    with pytest.raises(QueryError, match="10001 brackets deep; the limit is 64"):
        check_query("SELECT * WHERE " + "{" * 10_000 + "(1)" + "}" * 10_000, max_depth=64)


def test_too_many_ambiguous_iris_are_refused():
    query = "SELECT * WHERE { ?s ?p ?o " + " ".join(f"FILTER(?o != <http://x/{i}'>)" for i in range(12)) + " }"
    with pytest.raises(QueryError, match="apostrophe"):
        scan_query(query)


#: Pieces of queries, SERVICE's neighbours among them, for random queries.
PIECES = [
    "SERVICE", "service", "SILENT", "SELECT * WHERE {", "ASK {", "}", "{", "}", "(", ")", "[", "]", " ", "\n", "\t",
    ".", ";", ",", "?s", "?p", "?o", "?o.", "ex:o", "ex:o.", "PREFIX ex: <{e}>", "<{e}>", "ex:x", "1", "1.0",
    "true", "a", '"x"', '"x"@en', "'", "'x'", '"""', "#", "#c\n", "<", ">", "FILTER(", "OPTIONAL", "UNION",
    "_:b", "\\'", "ex:a\\'", "^^", "||", "<<", ">>",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(PIECES), min_size=3, max_size=25))
def test_no_query_the_check_allows_calls_out(listener: Listener, pieces: list[str]):
    """Whatever the text, if the check lets it through, pyoxigraph running it calls no endpoint."""
    query = "".join(pieces).replace("{e}", listener.url)
    try:
        check_query(query, max_depth=64)
    except QueryError:
        return
    assert not calls_out(query, listener), f"the check let through a query that calls out: {query!r}"


# --------------------------------------------------------------------------------------------
# Documents
# --------------------------------------------------------------------------------------------


def nested_lists(depth: int) -> bytes:
    return ('{"@id": "http://x/a", "http://x/p": ' + '{"@list": [' * depth + "]}" * depth + "}").encode()


def test_json_ld_nested_lists_are_refused():
    """A 60 KB body of 5,000 nested @list objects segfaulted the server inside the JSON-LD parser."""
    with pytest.raises(LoadError, match="the JSON is nested too deeply"):
        check_rdf(nested_lists(5000), ox.RdfFormat.JSON_LD, max_depth=32, name="bomb.jsonld")
    with pytest.raises(LoadError, match="nests 201 levels deep; the limit is 32"):
        check_rdf(nested_lists(100), ox.RdfFormat.JSON_LD, max_depth=32, name="bomb.jsonld")


def test_json_nested_past_pythons_own_limit_is_refused():
    with pytest.raises(LoadError, match="nested too deeply"):
        check_rdf(b"[" * 100_000 + b"]" * 100_000, ox.RdfFormat.JSON_LD, max_depth=32, name="deep.jsonld")


def test_invalid_json_names_the_line():
    with pytest.raises(LoadError) as caught:
        check_rdf(b'{\n  "@id": }', ox.RdfFormat.JSON_LD, max_depth=32, name="bad.jsonld")
    assert caught.value.line == 2


def test_rdf_xml_depth_and_entity_expansion_are_refused():
    deep = (
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="http://x/"><rdf:Description>'
        + "<x:p><rdf:Description>" * 100
        + "</rdf:Description></x:p>" * 100
        + "</rdf:Description></rdf:RDF>"
    )
    with pytest.raises(LoadError, match="more than 64 elements deep"):
        check_rdf(deep.encode(), ox.RdfFormat.RDF_XML, max_depth=64, name="deep.rdf")
    laughs = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]><r>&b;</r>'
    with pytest.raises(LoadError, match="entity 'b' refers to other entities"):
        check_rdf(laughs.encode(), ox.RdfFormat.RDF_XML, max_depth=64, name="laughs.rdf")


def test_turtle_depth_is_checked_when_untrusted_only():
    """oxigraph's Turtle parser keeps its own stack: reviewed files skip the (slower) check, submissions do not."""
    deep = ("<http://x/a> <http://x/p> " + "[ <http://x/p> " * 100 + "1" + " ]" * 100 + " .").encode()
    check_rdf(deep, ox.RdfFormat.TURTLE, max_depth=32, name="deep.ttl", untrusted=False)
    with pytest.raises(LoadError, match="nests 100 levels deep"):
        check_rdf(deep, ox.RdfFormat.TURTLE, max_depth=32, name="deep.ttl")
