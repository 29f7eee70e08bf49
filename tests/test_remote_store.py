# ruff: noqa: S106 (test passwords)
"""RemoteStore against a private Virtuoso (``-m virtuoso``), Oxigraph's own server (``-m server``) and a
canned loopback HTTP server (``-m server``); plus checks that need no server at all.

Every server here listens on 127.0.0.1 only and is started and stopped by these tests."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import ClassVar

import pyoxigraph as ox
import pytest

from kg.errors import InputError, KGError, QueryError, StoreError
from kg.store.remote import RemoteStore
from tests.http_server import serving

try:  # works whether or not tests/ is importable as a package (conftest.py imports the same fixture)
    from tests.virtuoso import VirtuosoServer, die_with_parent, free_port, virtuoso
except ImportError:  # pragma: no cover - pytest run without the project root on sys.path
    from virtuoso import VirtuosoServer, die_with_parent, free_port, virtuoso  # type: ignore[no-redef]  # noqa: F401

RESOURCES = Path(__file__).parent / "resources" / "remote"
EX = "https://example.org/kg-test/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PARTS = ("drugs", "findings")


# ---------------------------------------------------------------------------------------------- data


def graph_iri(run: str, part: str) -> str:
    return f"{EX}graph/{run}/{part}"


def dataset(run: str) -> bytes:
    """The two Turtle files as N-Quads, each in its own named graph under `run` (so tests do not collide)."""
    quads: list[ox.Quad] = []
    for part in PARTS:
        g = ox.NamedNode(graph_iri(run, part))
        quads += [
            ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(path=RESOURCES / f"{part}.ttl")
        ]
    return ox.serialize(quads, format=ox.RdfFormat.N_QUADS)


def expected_counts(run: str) -> dict[str, int]:
    return {graph_iri(run, p): len(set(ox.parse(path=RESOURCES / f"{p}.ttl"))) for p in PARTS}


def server_counts(store: RemoteStore, graphs: list[str]) -> dict[str, int]:
    values = " ".join(f"<{g}>" for g in graphs)
    _, rows = store.select(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
    )
    found = {r["g"]: int(r["n"]) for r in rows}
    return {g: found.get(g, 0) for g in graphs}


def all_triples(store: RemoteStore, graph: str) -> set[tuple[str, ...]]:
    _, rows = store.select(
        f"SELECT ?s ?p ?o (DATATYPE(?o) AS ?dt) (LANG(?o) AS ?lang) "
        f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    )
    return {(r["s"], r["p"], r["o"], r.get("dt", ""), r.get("lang", "")) for r in rows}


# ---------------------------------------------------------------------------------------------- servers


@dataclass
class Remote:
    """One server under test, as the stores the tests need."""

    name: str
    store: RemoteStore  # query + update + Graph Store, authenticated where the server wants it
    no_gsp: RemoteStore  # same, without a Graph Store URL: the INSERT DATA path
    query_url: str


@dataclass
class OxigraphServer:
    process: subprocess.Popen
    base_url: str
    start_seconds: float


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """Oxigraph's own SPARQL server (PyPI package `oxigraph`, `oxigraph serve`) on a free loopback port."""
    binary = shutil.which("oxigraph")
    if binary is None:
        pytest.skip("oxigraph CLI not installed (pip install oxigraph)")
    directory = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    t0 = time.monotonic()
    log = (directory / "server.log").open("ab")
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [binary, "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        preexec_fn=die_with_parent,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"oxigraph serve exited ({process.returncode}): "
                    + (directory / "server.log").read_text(errors="replace")[-2000:]
                )
            if time.monotonic() - t0 > 30:
                raise RuntimeError("oxigraph serve not answering after 30 s")
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2):  # noqa: S310 (loopback)
                    break
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        yield OxigraphServer(process, base, time.monotonic() - t0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _virtuoso_remote(v: VirtuosoServer) -> Remote:
    return Remote(
        name="virtuoso",
        store=RemoteStore(v.auth_query_url, graph_store=v.graph_store_url, user=v.user, password=v.password),
        no_gsp=RemoteStore(v.auth_query_url, user=v.user, password=v.password),
        query_url=v.query_url,
    )


def _oxigraph_remote(o: OxigraphServer) -> Remote:
    return Remote(
        name="oxigraph",
        store=RemoteStore(
            f"{o.base_url}/query", update_endpoint=f"{o.base_url}/update", graph_store=f"{o.base_url}/store"
        ),
        no_gsp=RemoteStore(f"{o.base_url}/query", update_endpoint=f"{o.base_url}/update"),
        query_url=f"{o.base_url}/query",
    )


@pytest.fixture(
    params=[
        pytest.param("virtuoso", marks=pytest.mark.virtuoso),
        pytest.param("oxigraph", marks=pytest.mark.server),
    ]
)
def remote(request: pytest.FixtureRequest) -> Remote:
    if request.param == "virtuoso":
        return _virtuoso_remote(request.getfixturevalue("virtuoso"))
    return _oxigraph_remote(request.getfixturevalue("oxigraph_server"))


def _run_id(request: pytest.FixtureRequest) -> str:
    """A graph-name component unique to the test (and its server parameter)."""
    return "".join(c if c.isalnum() else "-" for c in request.node.name)


# ---------------------------------------------------------------------------------------------- both servers


def test_load_dataset_through_graph_store(remote: Remote, request: pytest.FixtureRequest) -> None:
    run = _run_id(request)
    counts = remote.store.load_dataset(dataset(run))
    assert counts == expected_counts(run)
    assert server_counts(remote.store, list(counts)) == counts


def test_select_returns_expected_rows(remote: Remote, request: pytest.FixtureRequest) -> None:
    run = _run_id(request)
    remote.store.load_dataset(dataset(run))
    drugs, findings = graph_iri(run, "drugs"), graph_iri(run, "findings")
    variables, rows = remote.store.select(f"""
        PREFIX ex: <{EX}>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?drug ?label ?approved ?date ?effect ?significant ?published WHERE {{
          GRAPH <{drugs}> {{ ?drug a ex:Drug ; ex:approved ?approved .
                             OPTIONAL {{ ?drug rdfs:label ?label FILTER(LANG(?label) = "en") }}
                             OPTIONAL {{ ?drug ex:approvalDate ?date }} }}
          OPTIONAL {{ GRAPH <{findings}> {{ ?f ex:drug ?drug ; ex:effectSize ?effect ;
                                                ex:significant ?significant .
                                           OPTIONAL {{ ?f ex:published ?published }} }} }}
        }} ORDER BY ?drug""")
    assert variables == ["drug", "label", "approved", "date", "effect", "significant", "published"]
    assert rows == [
        {
            "drug": EX + "anakinra",
            "label": "anakinra",
            "approved": "true",
            "date": "2001-11-14",
            "effect": "1.2",
            "significant": "false",
            "published": "2013-07-01",
        },
        {
            "drug": EX + "canakinumab",
            "label": "canakinumab",
            "approved": "true",
            "effect": "-0.3",
            "significant": "true",
        },
        {"drug": EX + "compoundX", "approved": "false"},  # unbound variables are absent
        {
            "drug": EX + "tocilizumab",
            "label": "tocilizumab",
            "approved": "true",
            "date": "2010-01-08",
            "effect": "0.45",
            "significant": "true",
            "published": "2008-03-22",
        },
    ]


def test_literal_types_and_text_survive(remote: Remote, request: pytest.FixtureRequest) -> None:
    run = _run_id(request)
    remote.store.load_dataset(dataset(run))
    triples = all_triples(remote.store, graph_iri(run, "drugs"))
    assert (EX + "tocilizumab", EX + "approvalDate", "2010-01-08", XSD + "date", "") in triples
    assert (EX + "anakinra", EX + "approved", "true", XSD + "boolean", "") in triples
    assert (
        EX + "canakinumab",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "Canakinumab",
        "",
        "de",
    ) in triples or (
        EX + "canakinumab",
        "http://www.w3.org/2000/01/rdf-schema#label",
        "Canakinumab",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        "de",
    ) in triples
    _, rows = remote.store.select(
        f"SELECT ?l ?c WHERE {{ GRAPH <{graph_iri(run, 'drugs')}> "
        f"{{ <{EX}IL1B> <http://www.w3.org/2000/01/rdf-schema#label> ?l ; "
        f"<http://www.w3.org/2000/01/rdf-schema#comment> ?c }} }}"
    )
    assert rows == [{"l": "interleukin-1β", "c": 'a "quoted" word,\na second line, and a tab\there'}]
    _, rows = remote.store.select(
        f"SELECT ?e WHERE {{ GRAPH <{graph_iri(run, 'findings')}> "
        f"{{ ?f <{EX}effectSize> ?e FILTER(DATATYPE(?e) = <{XSD}decimal>) }} }} ORDER BY ?e"
    )
    assert [r["e"] for r in rows] == ["-0.3", "0.45", "1.2"]


def test_ask(remote: Remote, request: pytest.FixtureRequest) -> None:
    run = _run_id(request)
    remote.store.load_dataset(dataset(run))
    assert remote.store.ask(f"ASK {{ GRAPH <{graph_iri(run, 'drugs')}> {{ <{EX}anakinra> ?p ?o }} }}") is True
    assert remote.store.ask(f"ASK {{ GRAPH <{graph_iri(run, 'drugs')}> {{ <{EX}nothing> ?p ?o }} }}") is False


def test_reload_and_put_graph_replace(remote: Remote, request: pytest.FixtureRequest) -> None:
    run = _run_id(request)
    data = dataset(run)
    first = remote.store.load_dataset(data)
    before = server_counts(remote.store, list(first))
    second = remote.store.load_dataset(data)  # replace=True: PUT again, nothing changes
    assert first == second
    assert server_counts(remote.store, list(first)) == before == first
    # put_graph replaces a graph's content with the new document
    drugs = graph_iri(run, "drugs")
    remote.store.put_graph(drugs, f"<{EX}a> <{EX}b> <{EX}c> .\n".encode())
    assert server_counts(remote.store, [drugs]) == {drugs: 1}
    remote.store.put_graph(drugs, f"@prefix ex: <{EX}> . ex:a ex:b 1, 2 .".encode(), "text/turtle")
    assert server_counts(remote.store, [drugs]) == {drugs: 2}
    # post_graph adds, replace=False adds (duplicates fold into the same triples)
    remote.store.post_graph(drugs, f"<{EX}a> <{EX}b> <{EX}d> .\n".encode())
    assert server_counts(remote.store, [drugs]) == {drugs: 3}
    remote.store.load_dataset(data, replace=False)
    assert server_counts(remote.store, [drugs])[drugs] == 3 + first[drugs]
    remote.store.clear_graph(drugs)
    assert server_counts(remote.store, list(first)) == {
        drugs: 0,
        graph_iri(run, "findings"): first[graph_iri(run, "findings")],
    }
    remote.store.clear_graph(graph_iri(run, "never-created"))  # no error


def test_insert_data_chunks(
    remote: Remote, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a Graph Store URL: CLEAR + INSERT DATA in chunks; same triples as the Graph Store path."""
    run = _run_id(request)
    store = remote.no_gsp
    store.insert_chunk_size = 7
    sent: list[str] = []
    real_update = store.update
    monkeypatch.setattr(store, "update", lambda text: (sent.append(text), real_update(text))[1])
    counts = store.load_dataset(dataset(run))
    assert counts == expected_counts(run)
    inserts = [s for s in sent if s.startswith("INSERT DATA")]
    assert len(inserts) == sum(math.ceil(n / 7) for n in counts.values())
    assert len([s for s in sent if s.startswith("CLEAR")]) == len(counts)
    assert server_counts(remote.store, list(counts)) == counts
    # identical to what the Graph Store Protocol loads
    gsp_run = run + "-gsp"
    remote.store.load_dataset(dataset(gsp_run))
    for part in PARTS:
        mine, theirs = (
            all_triples(remote.store, graph_iri(run, part)),
            all_triples(remote.store, graph_iri(gsp_run, part)),
        )
        assert mine == theirs and mine
    # loading again replaces (CLEAR first): counts unchanged
    assert store.load_dataset(dataset(run)) == counts
    assert server_counts(remote.store, list(counts)) == counts
    # put_graph without Graph Store: same path
    store.put_graph(graph_iri(run, "drugs"), f"<{EX}a> <{EX}b> <{EX}c> .".encode())
    assert server_counts(remote.store, [graph_iri(run, "drugs")]) == {graph_iri(run, "drugs"): 1}


def test_default_graph_triples_go_where_told(remote: Remote, request: pytest.FixtureRequest) -> None:
    target = graph_iri(_run_id(request), "default")
    data = f'<{EX}s> <{EX}p> "o" .\n<{EX}s> <{EX}p> "o2" <{target}> .\n'.encode()
    with pytest.raises(StoreError, match="default graph"):
        remote.store.load_dataset(data)
    assert remote.store.load_dataset(data, default_graph=target) == {target: 2}
    assert server_counts(remote.store, [target]) == {target: 2}


def test_blank_nodes_need_skolemization_without_graph_store(
    remote: Remote, request: pytest.FixtureRequest
) -> None:
    g = graph_iri(_run_id(request), "bnodes")
    data = f'_:b1 <{EX}p> "x" <{g}> .\n<{EX}s> <{EX}p> _:b1 <{g}> .\n'.encode()
    with pytest.raises(StoreError, match="skolemize"):
        remote.no_gsp.load_dataset(data)
    assert server_counts(remote.store, [g]) == {g: 0}  # nothing written
    assert remote.store.load_dataset(data) == {g: 2}  # the Graph Store Protocol takes them
    assert server_counts(remote.store, [g]) == {g: 2}


def test_malformed_query_is_query_error(remote: Remote) -> None:
    with pytest.raises(QueryError) as e:
        remote.store.select("SELEC ?s WHERE { ?s ?p ?o }")
    assert remote.store.endpoint in str(e.value)
    with pytest.raises(QueryError):
        remote.store.select("SELECT * WHERE { ?s undefined:prefix ?o }")
    with pytest.raises(QueryError):
        remote.store.update("INSERT DATA { GRAPH <urn:x> { <urn:a> <urn:b> } }")


def test_malformed_nquads_is_input_error(remote: Remote) -> None:
    with pytest.raises(InputError, match="N-Quads"):
        remote.store.load_dataset(b"<urn:a> <urn:b> .\n")


def test_streamed_chunks_load_like_bytes(remote: Remote, request: pytest.FixtureRequest) -> None:
    run = _run_id(request)
    data = dataset(run)
    chunks = (data[i : i + 97] for i in range(0, len(data), 97))  # chunk edges fall mid-line
    assert remote.store.load_dataset(chunks) == expected_counts(run)


# ---------------------------------------------------------------------------------------------- Virtuoso only


@pytest.mark.virtuoso
def test_wrong_password_is_store_error_without_password(virtuoso: VirtuosoServer) -> None:
    wrong = "not-the-password-4711"
    for store in (
        RemoteStore(virtuoso.auth_query_url, user="dba", password=wrong),
        RemoteStore(
            virtuoso.auth_query_url, graph_store=virtuoso.graph_store_url, user="dba", password=wrong
        ),
    ):
        with pytest.raises(StoreError) as e:
            if store.graph_store:
                store.put_graph("urn:x-kg-test:never", b"<urn:a> <urn:b> <urn:c> .\n")
            else:
                store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        message = str(e.value)
        assert "401" in message and "authentication failed" in message
        assert wrong not in message and virtuoso.password not in message
        assert virtuoso.auth_query_url.split("/sparql")[0] in message  # names the endpoint
        assert wrong not in repr(store) and "dba" not in repr(store)


@pytest.mark.virtuoso
def test_credentials_from_environment(virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_SPARQL_USER", virtuoso.user)
    monkeypatch.setenv("KG_SPARQL_PASSWORD", virtuoso.password)
    store = RemoteStore(virtuoso.auth_query_url)
    assert store.has_credentials
    store.update("INSERT DATA { GRAPH <urn:x-kg-test:env> { <urn:a> <urn:b> <urn:c> } }")
    assert store.ask("ASK { GRAPH <urn:x-kg-test:env> { <urn:a> <urn:b> <urn:c> } }")
    assert virtuoso.password not in repr(store)


@pytest.mark.virtuoso
def test_anonymous_endpoint_refuses_updates(
    virtuoso: VirtuosoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KG_SPARQL_USER", raising=False)
    anonymous = RemoteStore(virtuoso.query_url)
    _, rows = anonymous.select("SELECT (1 AS ?one) WHERE {}")
    assert rows == [{"one": "1"}]
    with pytest.raises(StoreError, match="permission denied") as e:
        anonymous.update("INSERT DATA { GRAPH <urn:x-kg-test:anon> { <urn:a> <urn:b> <urn:c> } }")
    assert not isinstance(e.value, QueryError)


@pytest.mark.virtuoso
def test_virtuoso_typed_literal_json(virtuoso: VirtuosoServer) -> None:
    """Virtuoso answers with "typed-literal" terms and stored xsd:boolean as 1/0: rows carry lexical forms."""
    store = RemoteStore(virtuoso.auth_query_url, user=virtuoso.user, password=virtuoso.password)
    g = "urn:x-kg-test:typed"
    store.put_graph(
        g, b"<urn:s> <urn:flag> true .\n<urn:s> <urn:n> 5 .\n<urn:s> <urn:d> 1.5 .", "text/turtle"
    )
    query = f"SELECT ?b ?n ?d WHERE {{ GRAPH <{g}> {{ <urn:s> <urn:flag> ?b ; <urn:n> ?n ; <urn:d> ?d }} }}"
    raw = urllib.request.urlopen(  # noqa: S310 (loopback)
        urllib.request.Request(  # noqa: S310 (loopback)
            virtuoso.query_url,
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": "application/sparql-results+json"},
        ),
        timeout=10,
    ).read()
    binding = json.loads(raw)["results"]["bindings"][0]
    assert {v["type"] for v in binding.values()} == {"typed-literal"}
    assert binding["b"]["value"] == "1" and binding["b"]["datatype"] == XSD + "boolean"
    _, rows = RemoteStore(virtuoso.query_url).select(query)
    assert rows == [{"b": "true", "n": "5", "d": "1.5"}]
    # A boolean *computed* in a query comes back as xsd:integer 1 from Virtuoso: nothing to normalise there.
    _, rows = RemoteStore(virtuoso.query_url).select("SELECT (true AS ?b) WHERE {}")
    assert rows == [{"b": "1"}]


@pytest.mark.virtuoso
def test_large_insert_data_in_1000_triple_chunks(virtuoso: VirtuosoServer) -> None:
    """2,500 triples through INSERT DATA at the default chunk size (Virtuoso fails at ~1,400 per request)."""
    g = "urn:x-kg-test:chunks-1000"
    data = "".join(
        f'<urn:x-kg-test:s{i}> <{EX}n> "{i}"^^<{XSD}integer> <{g}> .\n' for i in range(2500)
    ).encode()
    store = RemoteStore(virtuoso.auth_query_url, user=virtuoso.user, password=virtuoso.password)
    assert store.insert_chunk_size == 1000
    assert store.load_dataset(data) == {g: 2500}
    _, rows = store.select(
        f"SELECT (COUNT(*) AS ?n) (SUM(?v) AS ?sum) WHERE {{ GRAPH <{g}> {{ ?s ?p ?v }} }}"
    )
    assert rows == [{"n": "2500", "sum": str(sum(range(2500)))}]


@pytest.mark.virtuoso
def test_basic_auth_is_refused_by_digest_endpoint(virtuoso: VirtuosoServer) -> None:
    store = RemoteStore(virtuoso.auth_query_url, user=virtuoso.user, password=virtuoso.password, auth="basic")
    with pytest.raises(StoreError, match="authentication failed") as e:
        store.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert virtuoso.password not in str(e.value)


# ---------------------------------------------------------------------------------------------- canned server


class _Canned(BaseHTTPRequestHandler):
    """Answers from `routes`: path -> (status, headers, body). Records requests."""

    routes: ClassVar[dict[str, tuple[int, dict[str, str], bytes]]] = {}
    seen: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?")[0]
        type(self).seen.append((self.command, self.path, dict(self.headers), body))
        status, headers, payload = self.routes.get(path, (404, {}, b"no such route"))
        if path == "/basic" and self.headers.get("Authorization") != "Basic dXNlcjpzM2NyZXQ=":  # user:s3cret
            status, headers, payload = 401, {"WWW-Authenticate": 'Basic realm="t"'}, b"who are you"
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def canned() -> Iterator[tuple[str, type[_Canned]]]:
    handler = type("Handler", (_Canned,), {"routes": {}, "seen": []})
    with serving(handler) as url:
        yield url, handler


JSON_RESULTS = {"Content-Type": "application/sparql-results+json"}
VIRTUOSO_STYLE = json.dumps(
    {
        "head": {"link": [], "vars": ["s", "n", "b", "l", "x"]},
        "results": {
            "distinct": False,
            "ordered": True,
            "bindings": [
                {
                    "s": {"type": "uri", "value": "urn:s"},
                    "n": {"type": "typed-literal", "datatype": XSD + "integer", "value": "3"},
                    "b": {"type": "typed-literal", "datatype": XSD + "boolean", "value": "0"},
                    "l": {"type": "literal", "xml:lang": "en", "value": "hi"},
                },
                {"s": {"type": "bnode", "value": "nodeID://b10001"}},
            ],
        },
    }
).encode()


@pytest.mark.server
def test_canned_virtuoso_style_results(canned: tuple[str, type[_Canned]]) -> None:
    base, handler = canned
    handler.routes["/sparql"] = (200, JSON_RESULTS, VIRTUOSO_STYLE)
    variables, rows = RemoteStore(base + "/sparql").select("SELECT * WHERE { ?s ?p ?o }")
    assert variables == ["s", "n", "b", "l", "x"]
    assert rows == [{"s": "urn:s", "n": "3", "b": "false", "l": "hi"}, {"s": "_:nodeID://b10001"}]
    method, _, _, body = handler.seen[-1]
    assert method == "POST"
    assert body.startswith(b"query=") or b"&query=" in body


@pytest.mark.server
def test_canned_truncated_and_partial_results_raise(canned: tuple[str, type[_Canned]]) -> None:
    base, handler = canned
    handler.routes["/trunc"] = (200, {**JSON_RESULTS, "X-SPARQL-MaxRows": "2"}, VIRTUOSO_STYLE)
    handler.routes["/partial"] = (
        200,
        {**JSON_RESULTS, "X-SQL-State": "S1TAT", "X-SQL-Message": "RC...: Returning incomplete results"},
        VIRTUOSO_STYLE,
    )
    with pytest.raises(StoreError, match="truncated the results at 2 rows"):
        RemoteStore(base + "/trunc").select("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match="partial results"):
        RemoteStore(base + "/partial").select("SELECT * WHERE { ?s ?p ?o }")
    handler.routes["/trunc"] = (200, {**JSON_RESULTS, "X-SPARQL-MaxRows": "10"}, VIRTUOSO_STYLE)
    assert len(RemoteStore(base + "/trunc").select("SELECT * WHERE { ?s ?p ?o }")[1]) == 2  # fewer: complete


@pytest.mark.server
def test_canned_server_errors(canned: tuple[str, type[_Canned]]) -> None:
    base, handler = canned
    long_message = ("Virtuoso 42000 Error XYZ: something broke " + "x" * 1000).encode()
    handler.routes["/boom"] = (500, {"Content-Type": "text/plain"}, long_message)
    handler.routes["/html"] = (200, {"Content-Type": "text/html"}, b"<html><body>not JSON</body></html>")
    handler.routes["/compile"] = (
        500,
        {"Content-Type": "text/plain"},
        b"Virtuoso 37000 Error SP031: SPARQL: Internal error",
    )
    with pytest.raises(StoreError) as e:
        RemoteStore(base + "/boom").select("SELECT * WHERE { ?s ?p ?o }")
    assert not isinstance(e.value, QueryError)
    assert "HTTP 500" in str(e.value) and "something broke" in str(e.value) and base in str(e.value)
    assert len(str(e.value)) < 450  # the server's message is clipped to ~300 characters
    with pytest.raises(StoreError, match="did not answer with SPARQL JSON"):
        RemoteStore(base + "/html").select("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError):
        RemoteStore(base + "/compile").select("SELECT * WHERE { ?s ?p ?o }")


@pytest.mark.server
def test_canned_basic_auth(canned: tuple[str, type[_Canned]]) -> None:
    base, handler = canned
    handler.routes["/basic"] = (200, JSON_RESULTS, b'{"head": {}, "boolean": true}')
    assert RemoteStore(base + "/basic", user="user", password="s3cret", auth="basic").ask("ASK {}") is True
    with pytest.raises(StoreError, match="authentication failed") as e:
        RemoteStore(base + "/basic", user="user", password="wrong-one", auth="basic").ask("ASK {}")
    assert "wrong-one" not in str(e.value)


@pytest.mark.server
def test_canned_server_echoing_the_password_is_scrubbed(canned: tuple[str, type[_Canned]]) -> None:
    base, handler = canned
    handler.routes["/echo"] = (500, {"Content-Type": "text/plain"}, b"bad login for password hunter2-secret")
    with pytest.raises(StoreError) as e:
        RemoteStore(base + "/echo", user="u", password="hunter2-secret", auth="basic").ask("ASK {}")
    assert "hunter2-secret" not in str(e.value) and "***" in str(e.value)


# ---------------------------------------------------------------------------------------------- no server


def test_unreachable_endpoint_is_store_error() -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"  # nothing listens there
    with pytest.raises(StoreError, match="cannot reach") as e:
        RemoteStore(url, user="u", password="pw-secret-123", timeout=5).select("SELECT * WHERE { ?s ?p ?o }")
    assert url in str(e.value) and "pw-secret-123" not in str(e.value)
    with pytest.raises(StoreError, match="cannot reach"):
        RemoteStore(url, graph_store=url.replace("sparql", "store"), timeout=5).put_graph("urn:g", b"")


def test_repr_and_messages_hide_credentials() -> None:
    store = RemoteStore("http://127.0.0.1:9/sparql", user="alice", password="pa55word")
    text = repr(store)
    assert "pa55word" not in text and "alice" not in text
    assert "credentials=set" in text
    with pytest.raises(StoreError, match="KG_SPARQL_USER") as info:  # credentials in a URL are refused
        RemoteStore("http://someone:inurl-pass@127.0.0.1:9/sparql")
    assert "inurl-pass" not in str(info.value)


def test_arguments_are_checked() -> None:
    with pytest.raises(StoreError, match="auth"):
        RemoteStore("http://127.0.0.1:9/sparql", auth="kerberos")
    with pytest.raises(StoreError, match="http"):
        RemoteStore("ftp://127.0.0.1/sparql")
    store = RemoteStore("http://127.0.0.1:9/sparql")
    with pytest.raises(QueryError, match="absolute IRI"):
        store.clear_graph("not an iri")
    with pytest.raises(QueryError, match="empty"):
        store.select("  ")
    assert issubclass(StoreError, KGError) and issubclass(QueryError, KGError)


def test_insert_data_chunks_by_count_and_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """No server: the INSERT DATA requests a load would send, cut at the triple count and at ~1 MB of text."""
    import kg.store.remote as remote_module

    store = RemoteStore("http://127.0.0.1:9/sparql")
    sent: list[str] = []
    monkeypatch.setattr(store, "update", sent.append)
    g = "urn:x-kg-test:chunks"
    data = "".join(f'<urn:s{i}> <urn:p> "{i}" <{g}> .\n' for i in range(2001)).encode()
    assert store.load_dataset(data, replace=False) == {g: 2001}
    assert [s.count("\n<urn:s") for s in sent] == [1000, 1000, 1]
    assert all(s.startswith(f"INSERT DATA {{ GRAPH <{g}> {{") for s in sent)
    sent.clear()
    monkeypatch.setattr(remote_module, "MAX_INSERT_BYTES", 100)
    big = "".join(f'<urn:s{i}> <urn:p> "{"x" * 60}" <{g}> .\n' for i in range(5)).encode()
    store.load_dataset(big)  # replace=True: CLEAR first
    assert sent[0] == f"CLEAR SILENT GRAPH <{g}>"
    assert [s.count("\n<urn:s") for s in sent[1:]] == [1, 1, 1, 1, 1]
    store.insert_chunk_size = 0
    with pytest.raises(StoreError, match="insert_chunk_size"):
        store.load_dataset(big)
