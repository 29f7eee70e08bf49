"""Named queries: headers, safe parameter binding, and the showcase question on a small graph."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.query import bind, get_query, load_queries, parse_query_file
from kg.resources import queries_dir
from kg.store.embedded import EmbeddedStore


def test_every_shipped_query_has_a_header_and_parses() -> None:
    queries = load_queries()
    assert "il6-inhibitors-failed-in-cancers" in queries
    store = EmbeddedStore()
    for query in queries.values():
        assert query.summary, query.name
        if not any(p.required for p in query.params):
            store.select(bind(query))  # parses and runs (on an empty store)


def test_header_fields() -> None:
    query = parse_query_file(queries_dir() / "il6-inhibitors-failed-in-cancers.rq")
    assert [p.name for p in query.params] == ["drug_class", "disease_root", "outcome"]
    assert query.params[0].default == "kgo:IL6Inhibitor"
    assert query.describe()["params"][1] == {"name": "disease_root", "required": False, "default": "obo:DOID_162"}


def test_unknown_query_lists_the_known_ones() -> None:
    with pytest.raises(QueryError, match="known queries: .*il6-inhibitors-failed-in-cancers"):
        get_query("no-such-question")


@pytest.mark.parametrize(
    "value",
    ["kgo:X> } ; DROP ALL ; #", "<http://x> } INSERT DATA { <a> <b> <c> }", 'obo:DOID_1" || true', "not an iri"],
)
def test_injection_attempts_are_refused(value: str) -> None:
    with pytest.raises(QueryError):
        bind(get_query("il6-inhibitors-failed-in-cancers"), {"drug_class": value})


def test_literal_values_are_escaped(tmp_path) -> None:
    path = tmp_path / "by-title.rq"
    path.write_text(
        "#+ summary: articles by title\n#+ param: title literal required -- the exact title\n"
        "PREFIX dcterms: <http://purl.org/dc/terms/>\nSELECT ?a WHERE { ?a dcterms:title ?title }\n"
    )
    query = parse_query_file(path)
    evil = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    text = bind(query, {"title": evil})
    assert 'VALUES ?title { "x\\" } ; DROP ALL ; SELECT * WHERE { ?s ?p \\"" }' in text
    store = EmbeddedStore()
    assert store.select(text) == (["a"], [])
    with pytest.raises(QueryError, match="needs --param title"):
        bind(query, {})
    with pytest.raises(QueryError, match="has no parameter 'year'"):
        bind(query, {"title": "x", "year": "2020"})


def test_showcase_question_on_a_small_graph(example_build) -> None:
    store = EmbeddedStore()
    store.load_file(example_build)
    variables, rows = store.select(bind(get_query("il6-inhibitors-failed-in-cancers")))
    assert {"intervention_label", "cancer_label", "sentence", "pmid"} <= set(variables)
    pairs = {(r["intervention_label"], r["cancer_label"]) for r in rows}
    assert ("siltuximab", "multiple myeloma") in pairs
    assert all(r["outcome_label"] == "no_efficacy" for r in rows)
    assert all(r.get("pmid") == "24833354" for r in rows)
    # the same question for other parameters: a drug class with no failures gives no rows
    _, none = store.select(bind(get_query("il6-inhibitors-failed-in-cancers"), {"drug_class": "kgo:JAKInhibitor"}))
    assert none == []
    # efficacy of IL-6 inhibitors in any disease finds the positive examples
    _, positive = store.select(bind(get_query("il6-inhibitors-failed-in-cancers"),
                                    {"disease_root": "obo:DOID_4", "outcome": "kgo:Efficacy"}))
    assert {"tocilizumab", "siltuximab"} <= {r["intervention_label"] for r in positive}
