"""A fake NCBI E-utilities server on 127.0.0.1 for tests: esearch + efetch from fixture XML, with faults.

    with FakeEutilsServer() as server:
        server.queue(Fault(status=429, headers={"Retry-After": "0"}))   # next request only
        server.always(Fault(status=500))                               # every request from now on
        client = EutilsClient(EutilsConfig(base_url=server.url, ...))

Every request is recorded (method, service, merged query + form parameters) in ``server.requests``.
"""

from __future__ import annotations

import copy
import itertools
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

RESOURCES = Path(__file__).parent / "resources" / "eutils"
BASE_PATH = "/entrez/eutils/"

EFETCH_HEAD = (
    b'<?xml version="1.0" ?>\n'
    b'<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
    b'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
ESEARCH_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)


@dataclass
class Fault:
    """What to answer instead of (or before) the normal answer.

    ``body=None`` with ``status=200`` means: the normal answer, after ``delay`` seconds.
    ``service`` limits the fault to "esearch" or "efetch" requests.
    """

    status: int = 200
    body: bytes | None = None
    content_type: str = "text/xml; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    service: str | None = None


@dataclass
class RecordedRequest:
    method: str
    service: str
    params: dict[str, str]
    query: dict[str, str]  # only the URL query part
    form: dict[str, str]  # only the POST body


def load_articles(path: Path = RESOURCES / "efetch_pubmed.xml") -> dict[str, etree._Element]:
    parser = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False, remove_comments=True)
    root = etree.parse(str(path), parser).getroot()
    return {a.findtext("MedlineCitation/PMID"): a for a in root.iterfind("PubmedArticle")}


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free loopback port for the duration of the block; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def send_answer(handler: BaseHTTPRequestHandler, status: int, content_type: str, headers: dict, body: bytes) -> None:
    """Write a whole HTTP answer; a client that gave up (time-out tests) is not an error."""
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


class FakeEutilsServer:
    def __init__(self) -> None:
        self.articles: dict[str, etree._Element] = load_articles()
        self.requests: list[RecordedRequest] = []
        self.search_ids: list[str] | None = None  # None: every article matches every term
        self.keep_history = True  # False: esearch WebEnvs are forgotten at once (expired)
        self._faults: deque[Fault] = deque()
        self._always: Fault | None = None
        self._histories: dict[str, list[str]] = {}
        self._webenv_counter = itertools.count(1)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ---------------------------------------------------------------------------
    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}{BASE_PATH}"

    def queue(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def always(self, fault: Fault | None) -> None:
        with self._lock:
            self._always = fault

    def count(self, service: str | None = None) -> int:
        with self._lock:
            return sum(1 for r in self.requests if service is None or r.service == service)

    def add_synthetic_articles(self, pmids: list[str]) -> None:
        """Clone the first fixture article under new PMIDs (for batching tests)."""
        template = next(iter(self.articles.values()))
        for pmid in pmids:
            article = copy.deepcopy(template)
            article.find("MedlineCitation/PMID").text = pmid
            for aid in article.iterfind("PubmedData/ArticleIdList/ArticleId"):
                if aid.get("IdType") == "pubmed":
                    aid.text = pmid
            article.find("MedlineCitation/Article/ArticleTitle").text = f"Synthetic test record {pmid}."
            self.articles[pmid] = article

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> FakeEutilsServer:
        handler = _make_handler(self)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.005})
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # releases handlers waiting in a delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeEutilsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- answering -------------------------------------------------------------------------
    def _next_fault(self, service: str) -> Fault | None:
        with self._lock:
            if self._always is not None and self._always.service in (None, service):
                return self._always
            if self._faults and self._faults[0].service in (None, service):
                return self._faults.popleft()
        return None

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stop.wait(seconds)

    def answer(self, method: str, path: str, query: dict[str, str], form: dict[str, str]):
        """-> (status, content_type, headers, body)"""
        service = path[len(BASE_PATH) :].removesuffix(".fcgi") if path.startswith(BASE_PATH) else path
        params = {**query, **form}
        with self._lock:
            self.requests.append(RecordedRequest(method, service, params, query, form))
        fault = self._next_fault(service)
        if fault is not None:
            self._wait(fault.delay)
            if fault.status != 200 or fault.body is not None:
                return fault.status, fault.content_type, fault.headers, fault.body or b""
        if service == "esearch":
            return self._esearch(params)
        if service == "efetch":
            return self._efetch(params)
        return 404, "text/plain", {}, b"Not Found"

    def _esearch(self, params: dict[str, str]):
        if not params.get("term"):
            return 400, "application/json", {}, b'{"error":"Empty term and query_key - nothing todo"}'
        ids = list(self.search_ids if self.search_ids is not None else self.articles)
        retstart = int(params.get("retstart", 0))
        retmax = int(params.get("retmax", 20))
        webenv = f"MCID_fake_{next(self._webenv_counter):04d}"
        if self.keep_history:
            with self._lock:
                self._histories[webenv] = ids
        id_xml = "".join(f"<Id>{i}</Id>" for i in ids[retstart : retstart + retmax])
        body = (
            f"<eSearchResult><Count>{len(ids)}</Count><RetMax>{min(retmax, len(ids))}</RetMax>"
            f"<RetStart>{retstart}</RetStart><QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv>"
            f"<IdList>{id_xml}</IdList><TranslationSet/>"
            f"<QueryTranslation>{params['term']}</QueryTranslation></eSearchResult>"
        ).encode()
        return 200, "text/xml; charset=UTF-8", {}, ESEARCH_HEAD + body

    def _efetch(self, params: dict[str, str]):
        if "id" in params:
            ids = [i for i in params["id"].split(",") if i]
        elif "WebEnv" in params and "query_key" in params:
            with self._lock:
                history = self._histories.get(params["WebEnv"])
            if history is None or params["query_key"] != "1":
                key = params["query_key"]
                error = f"<eFetchResult><ERROR>Unable to obtain query #{key}</ERROR></eFetchResult>"
                return 200, "text/xml", {}, error.encode()
            start = int(params.get("retstart", 0))
            ids = history[start : start + int(params.get("retmax", 20))]
        else:
            return 400, "application/json", {}, b'{"error":"Empty id list - nothing todo"}'
        articles = b"".join(etree.tostring(self.articles[i]) for i in ids if i in self.articles)
        body = EFETCH_HEAD + b"<PubmedArticleSet>\n" + articles + b"</PubmedArticleSet>\n"
        return 200, "text/xml; charset=UTF-8", {}, body


def _make_handler(server: FakeEutilsServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # quiet
            pass

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            query = dict(parse_qsl(parts.query, keep_blank_values=True))
            form: dict[str, str] = {}
            if method == "POST":
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
            send_answer(self, *server.answer(method, parts.path, query, form))

        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

    return Handler
