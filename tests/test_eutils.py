"""kg.sources.eutils, the NCBI E-utilities client.

No network: the server tests talk to a fake E-utilities server on 127.0.0.1 (tests/http_server.py).
"""

from __future__ import annotations

import socket
import threading
import traceback
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
from lxml import etree

from kg.errors import FetchError, InputError
from kg.sources.eutils import (
    DEFAULT_BASE_URL,
    EutilsClient,
    EutilsConfig,
    RateLimiter,
    SearchResult,
    default_cache_dir,
    normalize_pmid,
    read_pmid_file,
)

try:
    from http_server import RESOURCES, FakeEutilsServer, Fault
except ImportError:  # tests/ became a package
    from tests.http_server import RESOURCES, FakeEutilsServer, Fault

API_KEY = "SECRETKEY0123456789abcdef"
EMAIL = "tester@example.org"
FIXTURE_PMIDS = ["99000001", "99000002", "99000003"]


# -- helpers ---------------------------------------------------------------------------------
class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += seconds


class RecordingSession(requests.Session):
    """Notes the (fake) clock time at which each request is sent."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.trust_env = False
        self.clock = clock
        self.sent_at: list[float] = []

    def request(self, *args, **kwargs):
        self.sent_at.append(self.clock())
        return super().request(*args, **kwargs)


def _assert_no_key(text: str) -> None:
    assert API_KEY not in text
    assert API_KEY[:10] not in text


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ("NCBI_EMAIL", "NCBI_API_KEY", "KG_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    with FakeEutilsServer() as srv:
        yield srv


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_client(server, clock, tmp_path):
    clients: list[EutilsClient] = []

    def make(**overrides) -> EutilsClient:
        settings = {
            "base_url": server.url,
            "email": EMAIL,
            "api_key": API_KEY,
            "cache_dir": tmp_path / "cache",
            "timeout": 2.0,
            "max_retries": 2,
        }
        session = overrides.pop("session", None)
        settings.update(overrides)
        if session is None:
            session = requests.Session()
            session.trust_env = False
        client = EutilsClient(EutilsConfig(**settings), session=session, clock=clock, sleep=clock.sleep)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def cache_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache"
    return sorted(folder.iterdir()) if folder.exists() else []


# -- read_pmid_file / normalize_pmid ----------------------------------------------------------
def test_read_pmid_file_accepts_comments_blanks_and_prefixes(tmp_path):
    path = tmp_path / "pmids.txt"
    path.write_text(
        "# cytokine therapy seed set\n\n99000001\n  pmid:99000002  \nPMID: 99000003 # trailing comment\n"
        "99000001\n\t\n",
        encoding="utf-8",
    )
    assert read_pmid_file(path) == FIXTURE_PMIDS


def test_read_pmid_file_names_file_and_line_for_a_bad_line(tmp_path):
    path = tmp_path / "pmids.txt"
    path.write_text("99000001\n# ok\nPMC12345\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_pmid_file(path)
    message = str(info.value)
    assert str(path) in message
    assert "line 3" in message
    assert "'PMC12345'" in message


def test_read_pmid_file_missing_file(tmp_path):
    with pytest.raises(InputError, match="not found"):
        read_pmid_file(tmp_path / "absent.txt")


@pytest.mark.parametrize(
    ("raw", "expected"), [("123", "123"), (" 00123 ", "123"), ("pmid:123", "123"), ("PMID: 7", "7")]
)
def test_normalize_pmid(raw, expected):
    assert normalize_pmid(raw) == expected


@pytest.mark.parametrize("raw", ["", "0", "12a", "pmc:123", "1.5", "-3"])
def test_normalize_pmid_rejects(raw):
    with pytest.raises(ValueError, match="not a PubMed ID"):
        normalize_pmid(raw)


# -- config ------------------------------------------------------------------------------------
def test_config_reads_email_and_key_from_env_and_hides_key(monkeypatch):
    monkeypatch.setenv("NCBI_EMAIL", "env@example.org")
    monkeypatch.setenv("NCBI_API_KEY", API_KEY)
    config = EutilsConfig()
    assert config.email == "env@example.org"
    assert config.api_key == API_KEY
    assert config.requests_per_second == 10
    _assert_no_key(repr(config))
    explicit = EutilsConfig(email="me@example.org", api_key="other")
    assert (explicit.email, explicit.api_key) == ("me@example.org", "other")


def test_config_defaults_without_env():
    config = EutilsConfig()
    assert config.base_url == DEFAULT_BASE_URL
    assert config.email is None and config.api_key is None
    assert config.requests_per_second == 3
    assert EutilsConfig(base_url="http://x.test/eutils").base_url == "http://x.test/eutils/"


def test_cache_dir_default_and_switch(monkeypatch, tmp_path):
    assert default_cache_dir() == Path.home() / ".cache" / "cytokine-kg" / "eutils"
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    assert EutilsConfig().resolved_cache_dir() == tmp_path / "eutils"
    assert EutilsConfig(cache_dir=tmp_path / "x").resolved_cache_dir() == tmp_path / "x"
    assert EutilsConfig(cache=False).resolved_cache_dir() is None


@pytest.mark.parametrize(
    "bad",
    [{"timeout": 0}, {"max_retries": -1}, {"batch_size": 0}, {"batch_size": 10_001}, {"base_url": "ftp://x"}],
)
def test_config_rejects_bad_values(bad):
    with pytest.raises(ValueError):
        EutilsConfig(**bad)


# -- rate limiter ------------------------------------------------------------------------------
@pytest.mark.parametrize(("rate", "interval"), [(3.0, 1 / 3), (10.0, 1 / 10)])
def test_rate_limiter_spaces_calls(rate, interval):
    clock = FakeClock()
    limiter = RateLimiter(rate, clock=clock, sleep=clock.sleep)
    times = []
    for _ in range(5):
        limiter.acquire()
        times.append(clock())
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert all(gap >= interval - 1e-9 for gap in gaps)
    assert gaps == pytest.approx([interval] * 4)


def test_rate_limiter_does_not_wait_when_calls_are_far_apart():
    clock = FakeClock()
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 5
    assert limiter.acquire() == 0
    assert clock.sleeps == []


def test_rate_limiter_is_thread_safe():
    clock = FakeClock()
    waits: list[float] = []
    limiter = RateLimiter(10.0, clock=clock, sleep=lambda s: None)  # clock stands still
    lock = threading.Lock()

    def worker():
        wait = limiter.acquire()
        with lock:
            waits.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == pytest.approx([i / 10 for i in range(20)])


# -- efetch -----------------------------------------------------------------------------------
@pytest.mark.server
def test_efetch_returns_articleset_and_sends_identity(server, make_client):
    client = make_client()
    batches = list(client.efetch_pubmed(["99000002", "pmid:99000001"]))
    assert len(batches) == 1
    label, data = batches[0]
    assert label == "pubmed:efetch:99000002,99000001"
    root = etree.fromstring(data, etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False))
    assert root.tag == "PubmedArticleSet"
    assert sorted(root.xpath("PubmedArticle/MedlineCitation/PMID/text()")) == ["99000001", "99000002"]
    (req,) = server.requests
    assert req.method == "GET"
    assert req.service == "efetch"
    assert req.params["db"] == "pubmed"
    assert req.params["id"] == "99000002,99000001"
    assert req.params["retmode"] == "xml"
    assert req.params["tool"] == "cytokine-kg"
    assert req.params["email"] == EMAIL
    assert req.params["api_key"] == API_KEY


@pytest.mark.server
def test_efetch_without_key_or_email_sends_tool_only(server, make_client):
    client = make_client(api_key=None, email=None)
    list(client.efetch_pubmed(["99000001"]))
    (req,) = server.requests
    assert req.params["tool"] == "cytokine-kg"
    assert "api_key" not in req.params and "email" not in req.params


@pytest.mark.server
def test_efetch_batches_and_deduplicates(server, make_client):
    client = make_client(batch_size=2)
    labels = [label for label, _ in client.efetch_pubmed([*FIXTURE_PMIDS, "99000001"])]
    assert labels == ["pubmed:efetch:99000001,99000002", "pubmed:efetch:99000003"]
    assert [r.params["id"] for r in server.requests] == ["99000001,99000002", "99000003"]


@pytest.mark.server
def test_efetch_posts_long_id_lists(server, make_client):
    client = make_client(batch_size=250)
    pmids = [str(99000001 + i) for i in range(201)]
    ((label, data),) = list(client.efetch_pubmed(pmids))
    (req,) = server.requests
    assert req.method == "POST"
    assert req.query == {}  # everything, api_key included, in the body
    assert req.form["id"].split(",") == pmids
    assert req.form["tool"] == "cytokine-kg" and req.form["api_key"] == API_KEY
    assert label == "pubmed:efetch:" + ",".join(pmids)
    assert data.count(b"<PubmedArticle>") == 3  # only the fixture ids exist on the fake server


@pytest.mark.server
def test_efetch_200_ids_still_use_get(server, make_client):
    client = make_client(batch_size=250)
    list(client.efetch_pubmed([str(99000001 + i) for i in range(200)]))
    assert server.requests[0].method == "GET"


@pytest.mark.server
def test_cache_prevents_a_second_request(server, make_client, tmp_path):
    first = list(make_client().efetch_pubmed(FIXTURE_PMIDS))
    assert server.count("efetch") == 1
    again = list(make_client().efetch_pubmed(list(reversed(FIXTURE_PMIDS))))  # a rebuild, new client
    assert server.count("efetch") == 1
    assert again[0][1] == first[0][1]
    assert again[0][0] == "pubmed:efetch:99000003,99000002,99000001"
    files = cache_files(tmp_path)
    assert len(files) == 1 and files[0].name.startswith("efetch-") and files[0].suffix == ".xml"
    assert not any(".tmp" in f.name for f in files)  # atomic write left no temp file


@pytest.mark.server
def test_cache_off_fetches_every_time(server, make_client, tmp_path):
    client = make_client(cache=False)
    list(client.efetch_pubmed(FIXTURE_PMIDS))
    list(client.efetch_pubmed(FIXTURE_PMIDS))
    assert server.count("efetch") == 2
    assert cache_files(tmp_path) == []


@pytest.mark.server
def test_corrupt_cache_file_is_refetched(server, make_client, tmp_path):
    list(make_client().efetch_pubmed(["99000001"]))
    (cached,) = cache_files(tmp_path)
    cached.write_bytes(b"<PubmedArticleSet><PubmedArt")
    _, data = next(make_client().efetch_pubmed(["99000001"]))
    assert server.count("efetch") == 2
    assert b"99000001" in data
    assert cached.read_bytes() == data


# -- retries ----------------------------------------------------------------------------------
@pytest.mark.server
def test_429_with_retry_after_then_success(server, make_client, clock):
    too_many = Fault(status=429, headers={"Retry-After": "0"}, body=b'{"error":"API rate limit exceeded"}')
    server.queue(too_many, too_many)
    client = make_client(max_retries=4)
    ((_, data),) = list(client.efetch_pubmed(["99000001"]))
    assert b"<PubmedArticleSet>" in data
    assert server.count() == 3
    # Retry-After: 0 -> no back-off wait; only the rate limiter's 1/10 s spacing (api key set)
    assert clock.sleeps == pytest.approx([0, 0.1, 0, 0.1])


@pytest.mark.server
def test_retry_after_is_capped_and_parsed_as_date(server, make_client, clock):
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    server.queue(
        Fault(status=503, headers={"Retry-After": later}), Fault(status=503, headers={"Retry-After": "999"})
    )
    list(make_client(backoff_max=60).efetch_pubmed(["99000001"]))
    assert server.count() == 3
    assert 25 < clock.sleeps[0] <= 30
    assert clock.sleeps[1] == 60


@pytest.mark.server
def test_500_then_success_backs_off(server, make_client, clock):
    server.queue(Fault(status=500), Fault(status=502))
    ((_, data),) = list(make_client(api_key=None).efetch_pubmed(["99000001"]))
    assert b"99000001" in data
    assert server.count() == 3
    assert clock.sleeps == pytest.approx([0.5, 1.0])  # exponential; longer than the 1/3 s spacing


@pytest.mark.server
def test_slow_response_times_out_then_succeeds(server, make_client):
    server.queue(Fault(delay=1.0))
    ((_, data),) = list(make_client(timeout=0.2).efetch_pubmed(["99000001"]))
    assert b"99000001" in data
    assert server.count() == 2


@pytest.mark.server
def test_always_slow_gives_up(server, make_client):
    server.always(Fault(delay=1.0))
    client = make_client(timeout=0.2, max_retries=1)
    with pytest.raises(FetchError) as info:
        list(client.efetch_pubmed(["99000001"]))
    assert str(info.value) == f"PubMed is unreachable at {server.url}: timed out after 0.2 s; tried 2 times"
    assert server.count() == 2


@pytest.mark.server
def test_always_500_gives_up_after_max_retries(server, make_client, tmp_path):
    server.always(Fault(status=500, body=f"internal error for api_key={API_KEY}".encode()))
    client = make_client(max_retries=3)
    with pytest.raises(FetchError) as info:
        list(client.efetch_pubmed(["99000001"]))
    assert str(info.value) == (
        f"PubMed is unreachable at {server.url}: HTTP 500 Internal Server Error; tried 4 times"
    )
    assert server.count() == 4
    _assert_no_key("".join(traceback.format_exception(info.value)))
    assert cache_files(tmp_path) == []


@pytest.mark.server
@pytest.mark.parametrize(("status", "reason"), [(400, "Bad Request"), (404, "Not Found")])
def test_client_errors_fail_at_once_without_key_in_message(server, make_client, clock, status, reason):
    server.always(
        Fault(
            status=status,
            body=b'{"error":"Invalid uid 99000001 at position=0"}',
            content_type="application/json",
        )
    )
    with pytest.raises(FetchError) as info:
        list(make_client().efetch_pubmed(["99000001"]))
    message = str(info.value)
    assert server.count() == 1
    assert clock.sleeps == []
    assert message.startswith(f"efetch failed with HTTP {status} {reason} for {server.url}efetch.fcgi?")
    assert "id=99000001" in message and "tool=cytokine-kg" in message
    assert "(NCBI says: Invalid uid 99000001 at position=0)" in message
    _assert_no_key(message)
    _assert_no_key("".join(traceback.format_exception(info.value)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_retried_then_reported(clock, tmp_path):
    base = f"http://127.0.0.1:{_free_port()}/entrez/eutils/"
    session = requests.Session()
    session.trust_env = False
    config = EutilsConfig(base_url=base, email=EMAIL, api_key=API_KEY, cache_dir=tmp_path, max_retries=2)
    with EutilsClient(config, session=session, clock=clock, sleep=clock.sleep) as client:
        with pytest.raises(FetchError) as info:
            list(client.efetch_pubmed(["99000001"]))
    assert str(info.value) == (
        f"PubMed is unreachable at {base}: connection failed (ConnectionError); tried 3 times"
    )
    assert clock.sleeps == pytest.approx([0.5, 1.0])
    _assert_no_key("".join(traceback.format_exception(info.value)))


# -- malformed answers --------------------------------------------------------------------------
MALFORMED = [
    ("efetch_truncated.xml", "text/xml", "malformed response from efetch: not well-formed XML ("),
    (
        "error_page.html",
        "text/html",
        "malformed response from efetch: got an HTML page instead of XML with root <PubmedArticleSet> "
        "(title: 'NCBI - Service Temporarily Unavailable')",
    ),
    (
        "error.json",
        "application/json",
        "malformed response from efetch: got JSON instead of XML with root <PubmedArticleSet>: "
        "API rate limit exceeded",
    ),
    (
        "efetch_error.xml",
        "text/xml",
        "malformed response from efetch: root element is <eFetchResult>, expected <PubmedArticleSet>; "
        "NCBI says: Unable to obtain query #1",
    ),
    (
        "esearch_pubmed.xml",
        "text/xml",
        "malformed response from efetch: root element is <eSearchResult>, expected <PubmedArticleSet>",
    ),
]


@pytest.mark.server
@pytest.mark.parametrize(("fixture", "content_type", "expected"), MALFORMED)
def test_malformed_200_answers_are_rejected_and_not_cached(
    server, make_client, tmp_path, fixture, content_type, expected
):
    server.queue(Fault(body=(RESOURCES / fixture).read_bytes(), content_type=content_type))
    client = make_client()
    with pytest.raises(FetchError) as info:
        list(client.efetch_pubmed(["99000001"]))
    message = str(info.value)
    assert message.startswith(expected)
    assert "; url: " in message and "efetch.fcgi?" in message
    _assert_no_key(message)
    assert server.count() == 1  # not retried
    assert cache_files(tmp_path) == []  # not cached
    list(client.efetch_pubmed(["99000001"]))  # the next call fetches a good answer and caches it
    assert len(cache_files(tmp_path)) == 1


@pytest.mark.server
def test_empty_200_answer_is_malformed(server, make_client):
    server.queue(Fault(body=b"  \n"))
    with pytest.raises(FetchError, match=r"^malformed response from efetch: empty body"):
        list(make_client().efetch_pubmed(["99000001"]))


# -- esearch / search_and_fetch ----------------------------------------------------------------
@pytest.mark.server
def test_esearch_parses_fixture_answer(server, make_client):
    server.queue(Fault(body=(RESOURCES / "esearch_pubmed.xml").read_bytes()))
    result = make_client().esearch("cytokine therapy", 3)
    assert result == SearchResult(
        term="cytokine therapy",
        count=3,
        webenv="MCID_test_webenv_0001",
        query_key="1",
        ids=tuple(FIXTURE_PMIDS),
        query_translation='("cytokines"[MeSH Terms] OR "cytokine"[All Fields]) AND "therapy"[All Fields]',
    )
    (req,) = server.requests
    assert req.service == "esearch"
    assert req.params["usehistory"] == "y"
    assert req.params["retmax"] == "3"
    assert req.params["term"] == "cytokine therapy"
    assert (req.params["tool"], req.params["email"], req.params["api_key"]) == ("cytokine-kg", EMAIL, API_KEY)


@pytest.mark.server
def test_esearch_error_element_raises(server, make_client):
    server.queue(Fault(body=(RESOURCES / "esearch_error.xml").read_bytes()))
    with pytest.raises(FetchError) as info:
        make_client().esearch("IL-6 AND (", 10)
    message = str(info.value)
    assert message.startswith(
        "esearch rejected the term 'IL-6 AND (': Invalid query: unbalanced parentheses; url: "
    )
    _assert_no_key(message)


@pytest.mark.server
def test_esearch_wrong_root_is_malformed(server, make_client):
    server.queue(Fault(body=(RESOURCES / "efetch_pubmed.xml").read_bytes()))
    expected = r"^malformed response from esearch: root element is <PubmedArticleSet>"
    with pytest.raises(FetchError, match=expected):
        make_client().esearch("x", 3)


def test_esearch_validates_arguments():
    with EutilsClient(EutilsConfig(cache=False, email=EMAIL)) as client:  # never reaches the network
        for term, max_results in [("  ", 3), ("x", -1), ("x", 10_001)]:
            with pytest.raises(ValueError):
                client.esearch(term, max_results)


@pytest.mark.server
def test_search_and_fetch_uses_history_and_batches(server, make_client):
    extra = ["99000004", "99000005"]
    server.add_synthetic_articles(extra)
    all_ids = FIXTURE_PMIDS + extra
    client = make_client(batch_size=2)
    batches = list(client.search_and_fetch("interleukin therapy", 10))
    assert [label for label, _ in batches] == [
        "pubmed:efetch:99000001,99000002",
        "pubmed:efetch:99000003,99000004",
        "pubmed:efetch:99000005",
    ]
    assert server.count("esearch") == 1 and server.count("efetch") == 3
    webenv = "MCID_fake_0001"
    fetches = [r for r in server.requests if r.service == "efetch"]
    for req, (start, size) in zip(fetches, [(0, 2), (2, 2), (4, 1)], strict=True):
        assert req.method == "GET"
        assert "id" not in req.params
        assert req.params["WebEnv"] == webenv and req.params["query_key"] == "1"
        assert (req.params["retstart"], req.params["retmax"]) == (str(start), str(size))
        assert req.params["tool"] == "cytokine-kg" and req.params["api_key"] == API_KEY
    found = [p for _, data in batches for p in etree.fromstring(data).xpath("//MedlineCitation/PMID/text()")]
    assert found == all_ids

    # a rebuild: esearch again, the batches come from the cache
    again = list(make_client(batch_size=2).search_and_fetch("interleukin therapy", 10))
    assert [d for _, d in again] == [d for _, d in batches]
    assert server.count("esearch") == 2 and server.count("efetch") == 3
    # and efetch_pubmed shares that cache
    list(make_client(batch_size=2).efetch_pubmed(["99000004", "99000003"]))
    assert server.count("efetch") == 3


@pytest.mark.server
def test_search_and_fetch_stops_at_max_results(server, make_client):
    server.add_synthetic_articles(["99000004", "99000005"])
    batches = list(make_client(batch_size=2).search_and_fetch("x", 3))
    assert [label for label, _ in batches] == ["pubmed:efetch:99000001,99000002", "pubmed:efetch:99000003"]
    assert server.requests[0].params["retmax"] == "3"


@pytest.mark.server
def test_search_and_fetch_with_no_hits_fetches_nothing(server, make_client):
    server.search_ids = []
    assert list(make_client().search_and_fetch("nothing matches", 10)) == []
    assert server.count() == 1


@pytest.mark.server
def test_expired_webenv_is_reported(server, make_client):
    server.keep_history = False  # the history server forgets the WebEnv
    with pytest.raises(FetchError) as info:
        list(make_client().search_and_fetch("x", 3))
    assert str(info.value).startswith(
        "malformed response from efetch: root element is <eFetchResult>, expected <PubmedArticleSet>; "
        "NCBI says: Unable to obtain query #1; url: "
    )


# -- rate limiting through the client -------------------------------------------------------------
@pytest.mark.server
@pytest.mark.parametrize(("api_key", "interval"), [(None, 1 / 3), (API_KEY, 1 / 10)])
def test_client_requests_are_rate_limited(server, make_client, clock, api_key, interval):
    session = RecordingSession(clock)
    client = make_client(api_key=api_key, cache=False, batch_size=1, session=session)
    list(client.efetch_pubmed(FIXTURE_PMIDS))
    client.esearch("x", 3)
    assert server.count() == 4
    gaps = [b - a for a, b in zip(session.sent_at, session.sent_at[1:], strict=False)]
    assert len(gaps) == 3
    assert all(gap >= interval - 1e-9 for gap in gaps)
    assert client.rate_limiter.interval == pytest.approx(interval)
