"""Every shipped query gives the same rows on Virtuoso as on the embedded store (``-m virtuoso``).

The data: examples/ built to N-Quads by ``kg.api.build`` (one named graph per document plus the vocabulary
graph) together with the small hand-made articles of test_query_library.py (citations, implicatedIn
associations, a DOI-only article, hedged findings: what the four examples lack). It is loaded into the
private test Virtuoso through ``RemoteStore.load_dataset`` (Graph Store Protocol, dba digest auth) and into an
in-memory Oxigraph; then every query runs with its defaults, with each example of its header and with the
small-graph variants, and the rows must be identical as sets of tuples of lexical values (RemoteStore already
turns Virtuoso's 1/0 booleans back into true/false)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kg import api
from kg.query import bind
from kg.store.embedded import EmbeddedStore
from kg.store.remote import RemoteStore
from kg.vocabulary import Vocabulary
from tests.test_query_library import QUERIES, SMALL_GRAPH_CASES, query_cases, rows_as_set, small_nquads

try:  # works whether or not tests/ is importable as a package (conftest.py imports the same fixture)
    from tests.virtuoso import VirtuosoServer, virtuoso
except ImportError:  # pragma: no cover
    from virtuoso import VirtuosoServer, virtuoso  # type: ignore[no-redef]  # noqa: F401

pytestmark = pytest.mark.virtuoso

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GRAPHS = "https://w3id.org/cytokine-kg/resource/graph/"
CASES = query_cases() + SMALL_GRAPH_CASES


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory, vocabulary: Vocabulary) -> Path:
    """examples/ built to N-Quads, plus the small hand-made articles (the vocabulary graph is their union)."""
    folder = tmp_path_factory.mktemp("virtuoso-queries")
    built = folder / "examples.nq"
    summary = api.build(api.Inputs(paths=(str(EXAMPLES),)), output=built)
    assert summary.documents == len(list(EXAMPLES.glob("*.txt"))) and not summary.failed
    path = folder / "dataset.nq"
    path.write_bytes(built.read_bytes() + small_nquads(vocabulary))
    return path


@pytest.fixture(scope="module")
def embedded(dataset: Path) -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_file(dataset)
    return store


def _kg_graphs(store: RemoteStore) -> set[str]:
    _, rows = store.select(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{GRAPHS}")) }}'
    )
    return {r["g"] for r in rows}


@pytest.fixture(scope="module")
def remote(virtuoso: VirtuosoServer, dataset: Path) -> Iterator[RemoteStore]:
    """The dataset in the session Virtuoso, queried through the anonymous /sparql (as `kg ask --endpoint`)."""
    loader = RemoteStore(
        virtuoso.auth_query_url,
        graph_store=virtuoso.graph_store_url,
        user=virtuoso.user,
        password=virtuoso.password,
    )
    with loader:
        # Other cytokine-kg graphs in the shared server would add rows the embedded store does not have.
        for graph in _kg_graphs(loader):
            loader.clear_graph(graph)
        counts = loader.load_dataset(dataset.read_bytes())
        assert _kg_graphs(loader) == set(counts)
        reader = RemoteStore(virtuoso.query_url)
        try:
            yield reader
        finally:
            reader.close()
            for graph in counts:
                loader.clear_graph(graph)


def test_virtuoso_holds_the_same_triples(remote: RemoteStore, embedded: EmbeddedStore) -> None:
    query = (
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER (STRSTARTS(STR(?g), "{GRAPHS}")) }} GROUP BY ?g'
    )
    _, remote_rows = remote.select(query)
    _, embedded_rows = embedded.select(query)
    assert {(r["g"], int(r["n"])) for r in remote_rows} == {(r["g"], int(r["n"])) for r in embedded_rows}
    assert len(embedded_rows) == 4 + 3 + 1  # four examples, three small articles, the vocabulary


@pytest.mark.parametrize(("name", "params"), CASES, ids=lambda v: v if isinstance(v, str) else None)
def test_same_rows_on_virtuoso(remote: RemoteStore, embedded: EmbeddedStore, name: str, params: dict) -> None:
    text = bind(QUERIES[name], params)
    variables, rows = embedded.select(text)
    remote_variables, remote_rows = remote.select(text)
    assert remote_variables == variables
    assert rows_as_set(variables, remote_rows) == rows_as_set(variables, rows)
    assert len(remote_rows) == len(rows), "DISTINCT rows differ in number"


def test_every_query_finds_rows_on_virtuoso(remote: RemoteStore) -> None:
    """The comparison above is not vacuous: each shipped query answers something on this data."""
    found = {name for name, params in CASES if remote.select(bind(QUERIES[name], params))[1]}
    assert found == set(QUERIES)


def test_literal_kinds_survive(remote: RemoteStore, embedded: EmbeddedStore) -> None:
    """The literal kinds the queries return: booleans (hedged), canonical decimals (confidence), integers
    (offsets), dates and years (publication dates), plain strings and @en labels, lexically the same."""
    cases = [
        ("findings-by-outcome", {"outcome": "kgo:NoEfficacy"}, ("hedged", "confidence")),
        (
            "finding-evidence",
            {"intervention": "drugbank:DB06273", "condition": "obo:DOID_13375"},
            ("start_offset", "end_offset", "sentence_confidence"),
        ),
        ("citations", {"article": "pubmed:90000001"}, ("other_date", "other_title", "other_citation")),
        ("drug-class-members", {"drug_class": "kgo:AntiCytokineAgent"}, ("member_label", "relation_label")),
    ]
    for name, params, columns in cases:
        text = bind(QUERIES[name], params)
        remote_values = {tuple(r.get(c) for c in columns) for r in remote.select(text)[1]}
        embedded_values = {tuple(r.get(c) for c in columns) for r in embedded.select(text)[1]}
        assert remote_values == embedded_values, name
        assert all(any(values[i] is not None for values in embedded_values) for i in range(len(columns))), (
            name
        )
    hedged = {
        r["hedged"]
        for r in remote.select(bind(QUERIES["findings-by-outcome"], {"outcome": "kgo:NoEfficacy"}))[1]
    }
    assert hedged == {"true", "false"}
    dates = {
        r.get("other_date")
        for r in remote.select(bind(QUERIES["citations"], {"article": "pubmed:90000001"}))[1]
    }
    assert {"2019", "2021"} <= dates


def test_finding_evidence_by_finding_iri(remote: RemoteStore, embedded: EmbeddedStore) -> None:
    """finding-evidence with a finding IRI (known only once built) and an outcome: several parameters at once,
    the shape Virtuoso 7.2 fails to compile when a VALUES row's variables are not all projected."""
    _, findings = embedded.select(
        "SELECT ?f WHERE { ?f a <https://w3id.org/cytokine-kg/ontology#Finding> } ORDER BY ?f"
    )
    assert len(findings) > 10
    for row in findings:
        for params in ({"finding": f"<{row['f']}>"}, {"finding": f"<{row['f']}>", "outcome": "kgo:Efficacy"}):
            text = bind(QUERIES["finding-evidence"], params)
            variables, rows = embedded.select(text)
            assert rows_as_set(variables, remote.select(text)[1]) == rows_as_set(variables, rows)
