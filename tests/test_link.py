"""kg.link: Wikidata items for vocabulary terms, from a SPARQL endpoint.

No network: the server tests talk to a fake SPARQL endpoint on 127.0.0.1 that answers from the
hand-written SPARQL JSON results in tests/resources/link/ (fake items named Q_TEST_<n>). Sleeping is
faked, so retries cost no time.
"""

from __future__ import annotations

import json
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
import requests

from kg import __version__
from kg.errors import FetchError, QueryError
from kg.link import (
    DEFAULT_ENDPOINT,
    MAPPINGS_GRAPH,
    LinkConfig,
    Linker,
    Mapping,
    build_query,
    default_cache_dir,
    link,
    link_vocabulary,
    mappings_graph,
    parse_results,
    terms_used,
    vocabulary_curies,
)
from kg.vocabulary import Vocabulary
from tests.http_server import send_answer

RESOURCES = Path(__file__).parent / "resources" / "link"
WD = "http://www.wikidata.org/entity/"
DAY = date(2026, 3, 1)
LATER = date(2026, 6, 1)
DRUGS = ["DrugBank:DB06273", "DrugBank:DB09036", "DrugBank:DB00005", "DrugBank:DB00065", "DrugBank:DB00051"]


# ---------------------------------------------------------------------- the fake SPARQL endpoint


@dataclass
class Fault:
    """One canned answer instead of the real one; ``status=200, body=None`` means the real answer after
    ``delay`` seconds."""

    status: int = 200
    body: bytes | None = None
    content_type: str = "application/sparql-results+json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Seen:
    method: str
    headers: dict[str, str]
    content_type: str
    query: str | None

    @property
    def values(self) -> list[str]:
        match = re.search(r"VALUES \?id \{([^}]*)\}", self.query or "")
        return re.findall(r'"([^"]*)"', match.group(1)) if match else []

    @property
    def property(self) -> str | None:
        match = re.search(r"wdt:(P\d+)", self.query or "")
        return match.group(1) if match else None


class FakeSparqlServer:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self._faults: deque[Fault] = deque()
        self._always: Fault | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._httpd is not None
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def queue(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def always(self, fault: Fault | None) -> None:
        with self._lock:
            self._always = fault

    def start(self) -> FakeSparqlServer:
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.005})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def answer(self, seen: Seen) -> tuple[int, str, dict[str, str], bytes]:
        with self._lock:
            self.requests.append(seen)
            fault = self._always or (self._faults.popleft() if self._faults else None)
        if fault is not None:
            if fault.delay:
                self._stop.wait(fault.delay)
            if fault.status != 200 or fault.body is not None:
                return fault.status, fault.content_type, fault.headers, fault.body or b""
        if not seen.query or seen.property is None:
            return 400, "text/plain", {}, b"MalformedQueryException: no query"
        path = RESOURCES / f"{seen.property}.srj"
        recorded = json.loads(path.read_text()) if path.exists() else {"head": {"vars": ["item", "id"]},
                                                                        "results": {"bindings": []}}
        wanted = set(seen.values)
        recorded["results"]["bindings"] = [
            b for b in recorded["results"]["bindings"] if b["id"]["value"] in wanted
        ]
        return 200, "application/sparql-results+json", {}, json.dumps(recorded).encode()


def _handler(server: FakeSparqlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            query = parse_qs(parts.query).get("query", [None])[0]
            if method == "POST":
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
                if ctype == "application/sparql-query":
                    query = body
                else:
                    query = parse_qs(body).get("query", [query])[0]
            seen = Seen(method, {k.lower(): v for k, v in self.headers.items()}, ctype, query)
            send_answer(self, *server.answer(seen))

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler


class FakeSleep:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


# ---------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _cache_env(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "kg-cache"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)


@pytest.fixture
def server():
    fake = FakeSparqlServer().start()
    yield fake
    fake.stop()


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def session():
    s = requests.Session()
    s.trust_env = False  # no proxy between us and 127.0.0.1
    yield s
    s.close()


@pytest.fixture
def run(server, sleep, session, tmp_path):
    """run(terms, **config overrides) -> mappings, against the fake server with a private cache."""

    def go(terms, *, today: date = DAY, **overrides):
        settings = {"endpoint": server.url, "cache_dir": tmp_path / "cache", "timeout": 2.0,
                    "backoff_base": 0.5, **overrides}
        return link(terms, LinkConfig(**settings), today=today, session=session, sleep=sleep)

    return go


def pairs(mappings: list[Mapping]) -> set[tuple[str, str]]:
    return {(m.subject, m.object.removeprefix(WD)) for m in mappings}


# ---------------------------------------------------------------------- identifiers and the query


@pytest.mark.parametrize(
    "bad",
    [
        'DrugBank:DB06273" } ?s ?p ?o . { "',
        "DrugBank:DB06273\" . } DELETE WHERE { ?s ?p ?o } #",
        "HGNC:6018> . <x",
        "DOID:9538\nSELECT",
        "DOID:95 38",
        "DrugBank:DB0627",  # too short for a DrugBank accession
        "HGNC:IL6",
        "DrugBank:",
        "DB06273",  # not a CURIE
        "MONDO:0005148",  # not a scheme we link
        "HGNC.GENEGROUP:598",
        "",
    ],
)
def test_invalid_or_hostile_ids_are_refused_before_any_request(bad, run, server):
    with pytest.raises(QueryError) as info:
        run(["DrugBank:DB06273", bad])
    assert repr(bad)[:20] in str(info.value) or bad == ""
    assert server.requests == []


def test_build_query_checks_every_value_and_the_property():
    query = build_query("P715", ["DB06273", "DB09036"])
    assert 'VALUES ?id { "DB06273" "DB09036" }' in query
    assert "?item wdt:P715 ?id" in query
    assert "PREFIX wdt: <http://www.wikidata.org/prop/direct/>" in query
    for value in ['DB1" } ?s ?p ?o {', "a b", "x\\y", "é", "<x>"]:
        with pytest.raises(QueryError, match="not a safe identifier"):
            build_query("P715", ["DB06273", value])
    for prop in ["P715 . ?x", "wdt:P715", "Q5", "P0"]:
        with pytest.raises(QueryError, match="property"):
            build_query(prop, ["DB06273"])
    with pytest.raises(QueryError):
        build_query("P715", [])


def test_iris_and_prefix_case_are_normalised(run, server):
    mappings = run(["http://identifiers.org/drugbank/DB06273", "drugbank:DB06273", "hgnc:6018", "doid:9538"])
    assert pairs(mappings) == {
        ("DrugBank:DB06273", "Q_TEST_101"), ("HGNC:6018", "Q_TEST_301"), ("DOID:9538", "Q_TEST_201"),
    }  # fmt: skip
    assert len(server.requests) == 3  # one per property; the duplicate drug asked once


def test_config_rejects_bad_values():
    for bad in [
        {"endpoint": "ftp://example.org/sparql"},
        {"endpoint": "not a url"},
        {"endpoint": "http://example.org/sp arql"},
        {"batch_size": 0},
        {"max_retries": -1},
        {"timeout": 0},
        {"user_agent": ""},
        {"user_agent": "a\r\nX-Injected: 1"},
        {"cache_max_age_days": -1},
    ]:
        with pytest.raises(QueryError):
            LinkConfig(**bad)


def test_config_defaults(monkeypatch, tmp_path):
    config = LinkConfig()
    assert config.endpoint == DEFAULT_ENDPOINT == "https://query.wikidata.org/sparql"
    assert (config.batch_size, config.max_retries, config.timeout) == (200, 4, 60)
    assert config.user_agent == f"cytokine-kg/{__version__} (https://w3id.org/cytokine-kg)"
    assert default_cache_dir() == tmp_path / "kg-cache" / "link"
    assert config.resolved_cache_dir().parent == tmp_path / "kg-cache" / "link"
    monkeypatch.delenv("KG_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "cytokine-kg" / "link"
    assert LinkConfig(cache=False).resolved_cache_dir() is None


def test_credentials_in_the_endpoint_never_reach_mappings_or_messages():
    """A user:password@ endpoint is refused (issue 11: it would reach the resolver and the messages)."""
    with pytest.raises(QueryError, match="user name or password") as info:
        LinkConfig(endpoint="https://user:s3cret-pw@sparql.example.org/sparql")
    assert "s3cret" not in str(info.value)
    config = LinkConfig(endpoint="https://sparql.example.org/sparql")
    assert config.source == "https://sparql.example.org/sparql"


# ---------------------------------------------------------------------- parsing answers


def test_parse_results_keeps_only_wikidata_items_for_asked_ids():
    body = (RESOURCES / "unusable_bindings.srj").read_bytes()
    got = parse_results(body, ["DB06273", "DB09036", "DB00005", "DB00051"])
    assert got == [("DB06273", WD + "Q_TEST_101"), ("DB09036", WD + "Q_TEST_102")]


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<html><title>502 Bad Gateway</title></html>",
        (RESOURCES / "truncated.srj").read_bytes(),
        b'{"head": {}, "boolean": true}',
        b'{"head": {"vars": []}, "results": {}}',
        b"[1, 2]",
        b'{"head": {"vars": ["item"]}, "results": {"bindings": ["x"]}}',
        b"\xff\xfe not utf-8",
    ],
)
def test_parse_results_rejects_what_is_not_sparql_json(body):
    with pytest.raises(ValueError):
        parse_results(body, ["DB06273"])


# ---------------------------------------------------------------------- talking to the endpoint


@pytest.mark.server
def test_links_drugs_diseases_and_genes_with_source_and_date(run, server):
    terms = ["DrugBank:DB06273", "DrugBank:DB00001", "DOID:9538", "DOID:162", "HGNC:6018", "HGNC:11892"]
    mappings = run(terms)
    assert pairs(mappings) == {
        ("DrugBank:DB06273", "Q_TEST_101"),
        ("DOID:9538", "Q_TEST_201"),
        ("DOID:162", "Q_TEST_202"),
        ("HGNC:6018", "Q_TEST_301"),
        ("HGNC:11892", "Q_TEST_303"),
    }
    assert mappings == sorted(mappings)
    by_subject = {m.subject: m for m in mappings}
    assert by_subject["DrugBank:DB06273"] == Mapping(
        "DrugBank:DB06273", WD + "Q_TEST_101", "skos:exactMatch", server.url, "2026-03-01", "P715"
    )
    assert by_subject["DOID:9538"].property == "P699"
    assert by_subject["HGNC:6018"].property == "P354"
    # Wikidata's value forms: the DrugBank accession, "DOID:" + number, the bare HGNC number.
    sent = {r.property: sorted(r.values) for r in server.requests}
    assert sent == {
        "P715": ["DB00001", "DB06273"], "P699": ["DOID:162", "DOID:9538"], "P354": ["11892", "6018"],
    }  # fmt: skip
    for request in server.requests:
        assert request.method == "GET"
        assert request.headers["user-agent"] == f"cytokine-kg/{__version__} (https://w3id.org/cytokine-kg)"
        assert "application/sparql-results+json" in request.headers["accept"]


@pytest.mark.server
def test_two_items_give_two_mappings_and_unmatched_ids_are_reported(server, session, sleep, tmp_path):
    config = LinkConfig(endpoint=server.url, cache_dir=tmp_path / "cache")
    with Linker(config, session=session, sleep=sleep) as linker:
        mappings = linker.link(["DrugBank:DB00065", "DrugBank:DB00001"], today=DAY)
    assert pairs(mappings) == {("DrugBank:DB00065", "Q_TEST_104"), ("DrugBank:DB00065", "Q_TEST_105")}
    assert linker.stats.unmatched == ["DrugBank:DB00001"]
    assert (linker.stats.identifiers, linker.stats.queried, linker.stats.requests) == (2, 2, 1)


@pytest.mark.server
def test_batches_of_two_for_five_ids_make_three_requests(run, server):
    mappings = run(DRUGS, batch_size=2)
    assert len(server.requests) == 3
    sizes = sorted(len(r.values) for r in server.requests)
    assert sizes == [1, 2, 2]
    assert sorted(v for r in server.requests for v in r.values) == sorted(d.split(":")[1] for d in DRUGS)
    assert {m.subject for m in mappings} == set(DRUGS)


@pytest.mark.server
def test_long_batches_are_posted(run, server):
    many = [f"DrugBank:DB{n:05d}" for n in range(1, 301)] + ["DrugBank:DB06273"]
    mappings = run(many, batch_size=500)
    assert [r.method for r in server.requests] == ["POST"]
    assert server.requests[0].content_type == "application/x-www-form-urlencoded"
    assert len(server.requests[0].values) == 301
    assert ("DrugBank:DB06273", "Q_TEST_101") in pairs(mappings)


@pytest.mark.server
def test_second_run_is_answered_from_the_cache(run, server, tmp_path):
    first = run(DRUGS, batch_size=2)
    assert len(server.requests) == 3
    second = run(DRUGS, batch_size=2, today=LATER)
    assert len(server.requests) == 3  # no new request
    assert second == first  # including the date the endpoint answered
    assert {m.date for m in second} == {"2026-03-01"}
    # one more id: only it is asked for, whatever the batch boundaries
    third = run([*DRUGS, "DrugBank:DB11767"], batch_size=2, today=LATER)
    assert len(server.requests) == 4
    assert server.requests[-1].values == ["DB11767"]
    new = {m.subject: m.date for m in third}
    assert new["DrugBank:DB11767"] == "2026-06-01" and new["DrugBank:DB06273"] == "2026-03-01"
    files = list((tmp_path / "cache").rglob("P715-*.json"))
    assert len(files) == 4
    record = json.loads(files[0].read_text())
    assert record["endpoint"] == server.url and record["property"] == "P715"
    assert not list((tmp_path / "cache").rglob("*.tmp"))  # written atomically


@pytest.mark.server
def test_ids_with_no_item_are_cached_too(run, server):
    assert run(["DrugBank:DB00001"]) == []
    assert run(["DrugBank:DB00001"]) == []
    assert len(server.requests) == 1


@pytest.mark.server
def test_cache_off_and_max_age(run, server, tmp_path):
    run(["HGNC:6018"], cache=False)
    run(["HGNC:6018"], cache=False)
    assert len(server.requests) == 2
    assert not (tmp_path / "cache").exists()
    run(["HGNC:6018"])  # cached on DAY
    run(["HGNC:6018"], today=date(2026, 3, 20), cache_max_age_days=30)
    assert len(server.requests) == 3
    again = run(["HGNC:6018"], today=LATER, cache_max_age_days=30)  # 92 days later: stale
    assert len(server.requests) == 4
    assert again[0].date == "2026-06-01"


@pytest.mark.server
def test_corrupt_or_foreign_cache_files_are_ignored(run, server, tmp_path):
    run(["HGNC:6018"])
    (path,) = (tmp_path / "cache").rglob("P354-*.json")
    path.write_text('{"format": "kg-link-sparql-json-v1", "ids": [')
    assert pairs(run(["HGNC:6018"])) == {("HGNC:6018", "Q_TEST_301")}
    assert len(server.requests) == 2
    # a record claiming a non-Wikidata object is refused, not trusted
    (path,) = (tmp_path / "cache").rglob("P354-*.json")
    record = json.loads(path.read_text())
    record["matches"] = [["6018", "http://evil.example/x> . <y"]]
    path.write_text(json.dumps(record))
    assert pairs(run(["HGNC:6018"])) == {("HGNC:6018", "Q_TEST_301")}
    assert len(server.requests) == 3


@pytest.mark.server
def test_429_with_retry_after_is_honoured(run, server, sleep):
    server.queue(Fault(429, b"Too Many Requests", "text/plain", {"Retry-After": "0"}),
                 Fault(429, b"Too Many Requests", "text/plain", {"Retry-After": "7"}))
    mappings = run(["DOID:9538"])
    assert pairs(mappings) == {("DOID:9538", "Q_TEST_201")}
    assert len(server.requests) == 3
    assert sleep.calls == [0.0, 7.0]


@pytest.mark.server
def test_retry_after_longer_than_backoff_max_stops_at_once(run, server, sleep):
    server.queue(Fault(429, b"", "text/plain", {"Retry-After": "3600"}))
    with pytest.raises(FetchError, match=r"asks to wait 3600 s .*backoff_max=120 s") as info:
        run(["DOID:9538"])
    assert server.url in str(info.value)
    assert len(server.requests) == 1 and sleep.calls == []


@pytest.mark.server
def test_500_then_success_backs_off_exponentially(run, server, sleep):
    server.queue(Fault(500, b"java.lang.IllegalStateException", "text/plain"), Fault(503), Fault(502))
    assert pairs(run(["HGNC:6019"])) == {("HGNC:6019", "Q_TEST_302")}
    assert sleep.calls == [0.5, 1.0, 2.0]


@pytest.mark.server
def test_always_500_gives_a_fetch_error_naming_the_endpoint(run, server, sleep, tmp_path):
    server.always(Fault(500, b"oops", "text/plain"))
    with pytest.raises(FetchError) as info:
        run(["HGNC:6019"], max_retries=2)
    message = str(info.value)
    assert f"SPARQL endpoint {server.url} failed with HTTP 500" in message and "tried 3 time(s)" in message
    assert len(server.requests) == 3 and len(sleep.calls) == 2
    assert not list((tmp_path / "cache").rglob("*.json"))  # failures are not cached


@pytest.mark.server
def test_a_slow_answer_times_out_and_is_retried(run, server, sleep):
    server.queue(Fault(delay=1.0))
    assert pairs(run(["HGNC:6019"], timeout=0.2)) == {("HGNC:6019", "Q_TEST_302")}
    assert len(server.requests) == 2 and sleep.calls == [0.5]


@pytest.mark.server
def test_always_slow_gives_up(run, server):
    server.always(Fault(delay=1.0))
    with pytest.raises(FetchError, match=r"timed out after 0\.2 s; tried 2 time\(s\)") as info:
        run(["HGNC:6019"], timeout=0.2, max_retries=1)
    assert server.url in str(info.value)


@pytest.mark.server
@pytest.mark.parametrize("body", [(RESOURCES / "truncated.srj").read_bytes(), b"<html>busy</html>", b"{"])
def test_malformed_json_is_retried_then_reported(run, server, sleep, body):
    server.queue(Fault(200, body))
    assert pairs(run(["DrugBank:DB06273"])) == {("DrugBank:DB06273", "Q_TEST_101")}
    assert len(server.requests) == 2
    server.always(Fault(200, body))
    with pytest.raises(FetchError, match="malformed SPARQL JSON results") as info:
        run(["DrugBank:DB09036"], max_retries=1)
    assert server.url in str(info.value)


@pytest.mark.server
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, "rejected the query (HTTP 400): MalformedQueryException: bad"),
        (403, "refused the request (HTTP 403)"),
        (404, "was not found (HTTP 404)"),
        (401, "failed with HTTP 401"),
    ],
)
def test_client_errors_fail_at_once(run, server, sleep, status, expected):
    server.queue(Fault(status, b"<html><body><p>MalformedQueryException: bad</p></body></html>", "text/html"))
    with pytest.raises(FetchError, match=re.escape(expected)) as info:
        run(["DOID:9538"])
    assert server.url in str(info.value)
    assert len(server.requests) == 1 and sleep.calls == []


@pytest.mark.server
def test_unusable_bindings_are_skipped(run, server):
    server.queue(Fault(200, (RESOURCES / "unusable_bindings.srj").read_bytes()))
    mappings = run(["DrugBank:DB06273", "DrugBank:DB09036", "DrugBank:DB00005", "DrugBank:DB00051"])
    assert pairs(mappings) == {("DrugBank:DB06273", "Q_TEST_101"), ("DrugBank:DB09036", "Q_TEST_102")}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_is_retried_then_reported(session, sleep, tmp_path):
    endpoint = f"http://127.0.0.1:{_free_port()}/sparql"
    config = LinkConfig(endpoint=endpoint, cache_dir=tmp_path / "cache", max_retries=2, timeout=1)
    with pytest.raises(FetchError) as info:
        link(["HGNC:6018"], config, session=session, sleep=sleep)
    assert str(info.value).startswith(f"SPARQL endpoint {endpoint} cannot be reached (connection failed")
    assert "tried 3 time(s)" in str(info.value)
    assert sleep.calls == [1.0, 2.0]


def test_no_terms_no_request(session, sleep):
    config = LinkConfig(endpoint=f"http://127.0.0.1:{_free_port()}/sparql")
    assert link([], config, session=session, sleep=sleep) == []


@pytest.mark.server
def test_progress_is_reported_per_batch(server, session, sleep, tmp_path):
    messages: list[str] = []
    config = LinkConfig(endpoint=server.url, cache_dir=tmp_path / "c", batch_size=2)
    link(DRUGS, config, session=session, sleep=sleep, progress=messages.append)
    assert messages == ["DrugBank (P715) batch 1/3", "DrugBank (P715) batch 2/3", "DrugBank (P715) batch 3/3"]


# ---------------------------------------------------------------------- quads


def _mapping(subject="DrugBank:DB06273", item="Q_TEST_101", prop="P715", day="2026-03-01"):
    return Mapping(subject, WD + item, "skos:exactMatch", "https://query.wikidata.org/sparql", day, prop)


def test_mappings_graph_has_the_triple_and_a_reified_record():
    quads = mappings_graph([_mapping(), _mapping("DOID:9538", "Q_TEST_201", "P699"), _mapping()])
    assert all(q.graph_name == MAPPINGS_GRAPH for q in quads)
    assert MAPPINGS_GRAPH.value == "https://w3id.org/cytokine-kg/resource/graph/mappings"
    for q in quads:
        assert not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    store = ox.Store()
    store.extend(quads)
    rows = list(store.query(
        """
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX sssom: <https://w3id.org/sssom/>
        SELECT ?record ?s ?o ?source ?date ?field ?value WHERE { GRAPH ?g {
          ?s skos:exactMatch ?o .
          ?record a rdf:Statement ; rdf:subject ?s ; rdf:predicate skos:exactMatch ; rdf:object ?o ;
                  dcterms:source ?source ; dcterms:date ?date ; sssom:object_match_field ?field ;
                  sssom:match_string ?value .
        } } ORDER BY ?s
        """
    ))
    assert len(rows) == 2
    drug = next(r for r in rows if r["s"].value == "http://identifiers.org/drugbank/DB06273")
    assert drug["o"] == ox.NamedNode(WD + "Q_TEST_101")
    assert drug["source"] == ox.NamedNode("https://query.wikidata.org/sparql")
    assert drug["date"] == ox.Literal("2026-03-01", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    assert drug["field"] == ox.NamedNode(WD + "P715")
    assert drug["value"] == ox.Literal("DB06273")
    assert drug["record"].value.startswith("https://w3id.org/cytokine-kg/resource/mapping/")
    disease = next(r for r in rows if r["s"].value == "http://purl.obolibrary.org/obo/DOID_9538")
    assert disease["value"] == ox.Literal("DOID:9538")


def test_mappings_graph_is_deterministic_and_record_iris_follow_the_content():
    a = mappings_graph([_mapping(), _mapping("HGNC:6018", "Q_TEST_301", "P354")])
    b = mappings_graph([_mapping("HGNC:6018", "Q_TEST_301", "P354"), _mapping()])
    assert a == b
    records = lambda quads: {q.subject for q in quads if q.subject.value.startswith(  # noqa: E731
        "https://w3id.org/cytokine-kg/resource/mapping/")}
    assert records(mappings_graph([_mapping()])) != records(mappings_graph([_mapping(day="2026-06-01")]))
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in a]
    turtle = ox.serialize(triples, format=ox.RdfFormat.TURTLE)
    assert len(list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))) == len(a)


def test_mapping_validates_its_fields():
    good = _mapping()
    for field_name, bad in [
        ("subject", "no curie"),
        ("object", "Q_TEST_1"),
        ("object", "http://www.wikidata.org/entity/Q1> . <x"),
        ("predicate", "owl:sameAs"),
        ("source", "query.wikidata.org"),
        ("date", "2026-3-1"),
        ("date", "yesterday"),
        ("property", "wdt:P715"),
    ]:
        values = {**good.__dict__, field_name: bad}
        with pytest.raises(ValueError, match=f"Mapping.{field_name}"):
            Mapping(**values)


# ---------------------------------------------------------------------- the vocabulary and a build


@pytest.fixture(scope="module")
def small_vocabulary() -> Vocabulary:
    return Vocabulary.load([RESOURCES / "vocab.ttl"])


def test_vocabulary_curies_by_kind_and_only(small_vocabulary):
    assert vocabulary_curies(small_vocabulary) == [
        "DOID:162", "DOID:9538",
        "DrugBank:DB00005", "DrugBank:DB06273", "DrugBank:DB09036",
        "HGNC:11892", "HGNC:6018", "HGNC:6019",
    ]  # fmt: skip  (no MONDO-only disease, no kgd: drug, no gene group, no protein by default)
    assert vocabulary_curies(small_vocabulary, kinds=["protein"]) == ["HGNC:6190"]
    only = {"DrugBank:DB06273", "http://purl.obolibrary.org/obo/DOID_9538", "KGD:olamkicept",
            "KGO:IL6Inhibitor"}
    assert vocabulary_curies(small_vocabulary, only=only) == ["DOID:9538", "DrugBank:DB06273"]
    assert vocabulary_curies([RESOURCES / "vocab.ttl"], kinds=("cytokine",)) == ["HGNC:11892", "HGNC:6018"]
    with pytest.raises(QueryError, match="unknown kind 'gene'"):
        vocabulary_curies(small_vocabulary, kinds=["gene"])


@pytest.mark.server
def test_link_vocabulary_with_only(server, session, sleep, tmp_path, small_vocabulary):
    config = LinkConfig(endpoint=server.url, cache_dir=tmp_path / "cache")
    mappings = link_vocabulary(
        small_vocabulary, config=config, only={"DrugBank:DB09036", "HGNC:6019", "DOID:162"},
        today=DAY, session=session, sleep=sleep,
    )
    assert pairs(mappings) == {
        ("DrugBank:DB09036", "Q_TEST_102"), ("HGNC:6019", "Q_TEST_302"), ("DOID:162", "Q_TEST_202"),
    }  # fmt: skip
    assert sorted(v for r in server.requests for v in r.values) == ["6019", "DB09036", "DOID:162"]


def test_terms_used_reads_document_statements_only():
    kgo = "https://w3id.org/cytokine-kg/ontology#"
    rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    doc = ox.NamedNode("https://w3id.org/cytokine-kg/resource/graph/pmid-1")
    vocab = ox.NamedNode("https://w3id.org/cytokine-kg/resource/graph/vocabulary")
    article, finding = ox.NamedNode("https://pubmed.ncbi.nlm.nih.gov/1"), ox.NamedNode("urn:x:finding")
    assoc = ox.NamedNode("urn:x:association")
    n = ox.NamedNode
    quads = [
        ox.Quad(article, n(kgo + "mentions"), n("http://identifiers.org/hgnc/6018"), doc),
        ox.Quad(finding, n(kgo + "intervention"), n("http://identifiers.org/drugbank/DB09036"), doc),
        ox.Quad(finding, n(kgo + "condition"), n("http://purl.obolibrary.org/obo/DOID_9538"), doc),
        ox.Quad(finding, n(kgo + "combinedWith"), n("http://identifiers.org/drugbank/DB00005"), doc),
        ox.Quad(assoc, n(rdf + "type"), n(kgo + "Association"), doc),
        ox.Quad(assoc, n(rdf + "subject"), n("http://identifiers.org/drugbank/DB06273"), doc),
        ox.Quad(assoc, n(rdf + "object"), n("http://identifiers.org/hgnc/6019"), doc),
        # the vocabulary graph: ancestors and targets are not "used"
        ox.Quad(n("http://purl.obolibrary.org/obo/DOID_9538"), n("http://www.w3.org/2000/01/rdf-schema#subClassOf"),
                n("http://purl.obolibrary.org/obo/DOID_162"), vocab),
        ox.Quad(n("http://identifiers.org/drugbank/DB09036"), n(kgo + "inhibits"),
                n("http://identifiers.org/hgnc/11892"), vocab),
        # a mapping record is not an association
        ox.Quad(n("urn:x:record"), n(rdf + "subject"), n("http://identifiers.org/hgnc/11892"),
                MAPPINGS_GRAPH),
    ]
    assert terms_used(quads) == {
        "HGNC:6018", "DrugBank:DB09036", "DOID:9538", "DrugBank:DB00005", "DrugBank:DB06273", "HGNC:6019",
    }  # fmt: skip
