"""A triple store behind any SPARQL 1.1 server (Virtuoso, Oxigraph server, Fuseki, GraphDB, ...).

Queries and updates go through SPARQLWrapper (SPARQL 1.1 Protocol, POST, form-encoded); bulk loads go
through the SPARQL 1.1 Graph Store HTTP Protocol (``PUT``/``POST`` of N-Triples per named graph) with
``requests``; where no Graph Store URL is configured, bulk loads fall back to ``INSERT DATA`` in chunks of at
most 1,000 triples (Virtuoso's practical limit per request), which cannot carry blank nodes.

Credentials come from the arguments or from ``KG_SPARQL_USER`` / ``KG_SPARQL_PASSWORD``. They are never
logged, never put in an exception message and never shown by ``repr``.

Virtuoso specifics handled here (see shared/docs/VIRTUOSO.md):

- its JSON results use the SPARQL-1.0 ``"typed-literal"`` term type; it writes ``xsd:boolean`` values as
  ``1``/``0``, which :meth:`RemoteStore.select` normalises to ``true``/``false``;
- it truncates results at ``ResultSetMaxRows`` and only says so in an ``X-SPARQL-MaxRows`` header, and
  returns partial results on an "anytime" timeout with only ``X-SQL-State: S1TAT`` to say so: both raise
  :class:`StoreError` rather than returning short answers;
- syntax errors come back as HTTP 400 (``SP030``) and are raised as :class:`QueryError`; permission
  errors (``SR186``, e.g. updating through the anonymous ``/sparql``) come back as HTTP 500 and are raised
  as :class:`StoreError`;
- updates and Graph Store writes need HTTP digest auth (``/sparql-auth``, ``/sparql-graph-crud-auth``).
"""

from __future__ import annotations

import base64
import html
import io
import json
import logging
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterable, Iterator
from http.client import HTTPException
from typing import Any

import pyoxigraph as ox
import requests
from SPARQLWrapper import ASK, INSERT, JSON, POST, SELECT, SPARQLWrapper

from kg.errors import InputError, QueryError, StoreError
from kg.sources.http import add_credentials, redact, redact_url, userinfo_error, waiting

__all__ = ["MAX_INSERT_CHUNK", "RemoteStore", "Row"]

log = logging.getLogger(__name__)

Row = dict[str, str]
"""One solution: variable name -> lexical value (an IRI string, a literal's lexical form, or ``_:id`` for a
blank node). Unbound variables are absent."""

MAX_INSERT_CHUNK = 1000
"""Triples per ``INSERT DATA`` request by default: Virtuoso fails above ~1,000-1,400 (SP031/SP030)."""

MAX_INSERT_BYTES = 1_000_000
"""Characters of triples per ``INSERT DATA`` request at most, whatever the triple count (size limits)."""

MESSAGE_CHARS = 300
"""How much of a server's error message goes into an exception."""

_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_AGENT = "cytokine-kg (RemoteStore; SPARQLWrapper)"
_GRAPH_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper that sends its requests through our own urllib opener.

    SPARQLWrapper's own digest support installs a process-wide urllib opener on every request and only answers
    realm "SPARQL"; ours is private to the store and answers any realm. Its own basic auth is not used either
    (it skips an empty password)."""

    def __init__(
        self, endpoint: str, update_endpoint: str, opener: urllib.request.OpenerDirector, timeout: float
    ) -> None:
        super().__init__(endpoint, updateEndpoint=update_endpoint, returnFormat=JSON, agent=_AGENT)
        self.setMethod(POST)
        self._kg_opener = opener
        self._kg_timeout = timeout

    def _query(self) -> tuple[Any, str]:
        request = self._createRequest()
        return self._kg_opener.open(request, timeout=self._kg_timeout), self.returnFormat


class _IterReader(io.RawIOBase):
    """A binary file over an iterable of byte chunks (so pyoxigraph can stream it)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._it: Iterator[bytes] = iter(chunks)
        self._buf = memoryview(b"")
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while self._pos >= len(self._buf):
            try:
                chunk = next(self._it)
            except StopIteration:
                return 0
            if not isinstance(chunk, bytes | bytearray | memoryview):
                raise TypeError(f"N-Quads chunks must be bytes, not {type(chunk).__name__}")
            self._buf, self._pos = memoryview(chunk).cast("B"), 0
        n = min(len(b), len(self._buf) - self._pos)
        b[:n] = self._buf[self._pos : self._pos + n]
        self._pos += n
        return n


class RemoteStore:
    """Any SPARQL 1.1 server: queries through SPARQLWrapper, bulk loads through the Graph Store HTTP Protocol,
    updates through SPARQL Update.

    :param endpoint: the SPARQL query endpoint (Virtuoso: ``.../sparql-auth`` to be able to update;
        Oxigraph: ``.../query``).
    :param update_endpoint: the SPARQL Update endpoint; default ``endpoint`` (right for Virtuoso);
        Oxigraph's is ``.../update``.
    :param graph_store: the Graph Store HTTP Protocol endpoint (Virtuoso ``.../sparql-graph-crud-auth``,
        Oxigraph ``.../store``); without it bulk loads use ``INSERT DATA`` in chunks.
    :param user, password: default ``$KG_SPARQL_USER`` / ``$KG_SPARQL_PASSWORD``; no auth without a user.
    :param auth: ``"digest"`` (Virtuoso) or ``"basic"`` (sent pre-emptively: use over TLS or loopback only).
    :param timeout: seconds per HTTP request (connect and each read).
    :param insert_chunk_size: triples per ``INSERT DATA`` request in the fallback path (default 1,000).

    Not thread-safe (the HTTP auth state is per store): give each thread its own store.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        timeout: float = 60,
        insert_chunk_size: int = MAX_INSERT_CHUNK,
    ) -> None:
        if auth not in ("digest", "basic"):
            raise StoreError(f"unknown HTTP auth scheme {auth!r}; allowed: 'digest', 'basic'")
        for name, url in (
            ("endpoint", endpoint),
            ("update_endpoint", update_endpoint),
            ("graph_store", graph_store),
        ):
            if url is None:
                continue
            problem = userinfo_error(name, url)
            if problem:
                raise StoreError(problem)
            if urllib.parse.urlsplit(url).scheme not in ("http", "https") or not urllib.parse.urlsplit(url).hostname:
                raise StoreError(f"{name} must be an http(s) URL with a host, not {redact_url(url)!r}")
        if not timeout > 0:
            raise StoreError(f"timeout must be positive, not {timeout!r}")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store
        self.auth = auth
        self.timeout = float(timeout)
        self.insert_chunk_size = insert_chunk_size
        user = user if user is not None else os.environ.get("KG_SPARQL_USER") or None
        if password is None:
            password = os.environ.get("KG_SPARQL_PASSWORD")
        if user is None:
            password = None
        elif password is None:
            password = ""
        add_credentials(user, password)  # so that no message anywhere can show them
        # Kept on the instance under private names only; repr never shows them.
        self.__user = user
        self.__password = password
        self._opener = self._build_opener()
        self._session: requests.Session | None = None
        self._digest_primed = False
        self._announced: set[str] = set()

    # ------------------------------------------------------------------ presentation

    def __repr__(self) -> str:
        return (
            f"RemoteStore(endpoint={redact_url(self.endpoint)!r}, "
            f"update_endpoint={redact_url(self.update_endpoint)!r}, "
            f"graph_store={redact_url(self.graph_store) if self.graph_store else None!r}, auth={self.auth!r}, "
            f"credentials={'set' if self.__user is not None else 'none'})"
        )

    @property
    def has_credentials(self) -> bool:
        return self.__user is not None

    # ------------------------------------------------------------------ SPARQL protocol

    def select(self, query: str) -> tuple[list[str], list[Row]]:
        """Run a SELECT query; return its variables in order and its rows (see :data:`Row`).

        Raises :class:`QueryError` when the server rejects the query, :class:`StoreError` when it cannot be
        reached, fails, or answers with truncated or partial results."""
        answer = self._send(query, SELECT, self.endpoint)
        doc = self._json(answer, self.endpoint)
        try:
            variables = list(doc["head"].get("vars", []))
            bindings = doc["results"]["bindings"]
        except (KeyError, TypeError, AttributeError):
            raise StoreError(
                f"{redact_url(self.endpoint)} answered a SELECT without head.vars/results.bindings: "
                f"{_clip(json.dumps(doc))}"
            ) from None
        rows = [_row(b) for b in bindings]
        _check_not_truncated(self.endpoint, answer[1], len(rows))
        return variables, rows

    def ask(self, query: str) -> bool:
        """Run an ASK query."""
        doc = self._json(self._send(query, ASK, self.endpoint), self.endpoint)
        value = doc.get("boolean") if isinstance(doc, dict) else None
        if isinstance(value, str) and value in ("true", "false", "1", "0"):  # lenient with odd servers
            value = value in ("true", "1")
        if not isinstance(value, bool):
            raise StoreError(
                f"{redact_url(self.endpoint)} answered an ASK without a boolean: {_clip(json.dumps(doc))}"
            )
        return value

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update request (one or more operations separated by ';')."""
        self._send(sparql, INSERT, self.update_endpoint)

    def _send(self, text: str, kind: str, url: str) -> tuple[bytes, Any]:
        if not isinstance(text, str) or not text.strip():
            raise QueryError("empty SPARQL request")
        wrapper = _Wrapper(self.endpoint, self.update_endpoint, self._opener, self.timeout)
        if self.auth == "basic" and self.__user is not None:
            wrapper.addCustomHttpHeader("Authorization", _basic(self.__user, self.__password or ""))
        self._announce(url)
        with warnings.catch_warnings():  # SPARQLWrapper warns about query forms it does not recognise
            warnings.simplefilter("ignore", RuntimeWarning)
            wrapper.setQuery(text)
        wrapper.queryType = kind  # our caller knows better than SPARQLWrapper's regex which form this is
        try:
            result = wrapper.query()
            try:
                body = result.response.read()
                headers = result.response.headers
            finally:
                result.response.close()
        except urllib.error.HTTPError as e:
            raise self._http_error(
                url, e.code, _read_error_body(e), e.headers.get("Content-Type", "") if e.headers else ""
            ) from None
        except (TimeoutError, urllib.error.URLError, OSError, HTTPException) as e:
            raise StoreError(
                f"cannot reach SPARQL endpoint {redact_url(url)}: {self._scrub(_reason(e))}"
            ) from None
        if kind != INSERT:
            _check_complete(url, headers)
        return body, headers

    def _json(self, answer: tuple[bytes, Any], url: str) -> dict:
        body, headers = answer
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            ctype = headers.get("Content-Type", "?") if headers else "?"
            raise StoreError(
                f"{redact_url(url)} did not answer with SPARQL JSON results (Content-Type {ctype}): "
                f"{_clip(self._scrub(body.decode('utf-8', 'replace')))}"
            ) from None
        if not isinstance(doc, dict):
            raise StoreError(
                f"{redact_url(url)} answered with JSON that is not a SPARQL result: {_clip(str(doc))}"
            )
        return doc

    def _http_error(self, url: str, status: int, body: bytes, content_type: str) -> Exception:
        message = _clip(self._scrub(_text_of(body, content_type)))
        where = redact_url(url)
        if status in (400, 414) or (status == 500 and _VIRTUOSO_COMPILE_ERROR.search(message)):
            return QueryError(f"{where} rejected the request (HTTP {status}): {message}")
        if status == 401:
            return StoreError(
                f"{where}: authentication failed (HTTP 401); check the credentials "
                "(KG_SPARQL_USER / KG_SPARQL_PASSWORD) and the auth scheme ('digest' or 'basic')"
                + (f": {message}" if message else "")
            )
        if status == 403 or (status == 500 and "SR186" in message):
            return StoreError(
                f"{where}: permission denied (HTTP {status}); the user may lack update rights "
                "(Virtuoso: update through /sparql-auth with credentials)"
                + (f": {message}" if message else "")
            )
        return StoreError(f"{where} failed (HTTP {status}): {message or '(no message)'}")

    # ------------------------------------------------------------------ Graph Store HTTP Protocol

    def put_graph(self, graph: str, data: bytes, content_type: str = "application/n-triples") -> None:
        """Replace named graph `graph` with `data` (Graph Store ``PUT``; without a Graph Store URL: ``CLEAR``
        then chunked ``INSERT DATA``, which needs data without blank nodes and is not atomic)."""
        _check_graph_iri(graph)
        if self.graph_store:
            self._gsp("PUT", graph, data, content_type)
        else:
            lines = _lines_of(data, content_type, source=f"data for graph <{graph}>")
            self._insert_lines(graph, lines, replace=True)

    def post_graph(self, graph: str, data: bytes, content_type: str = "application/n-triples") -> None:
        """Add `data` to named graph `graph` (Graph Store ``POST``; without a Graph Store URL: chunked
        ``INSERT DATA``)."""
        _check_graph_iri(graph)
        if self.graph_store:
            self._gsp("POST", graph, data, content_type)
        else:
            lines = _lines_of(data, content_type, source=f"data for graph <{graph}>")
            self._insert_lines(graph, lines, replace=False)

    def clear_graph(self, graph: str) -> None:
        """Remove every triple of named graph `graph` (``CLEAR SILENT GRAPH``: no error if it is absent)."""
        _check_graph_iri(graph)
        self.update(f"CLEAR SILENT GRAPH <{graph}>")

    def _gsp(self, method: str, graph: str, data: bytes, content_type: str) -> None:
        assert self.graph_store is not None
        url = self.graph_store
        self._announce(url)
        session = self._http()
        try:
            if self.auth == "digest" and self.__user is not None and not self._digest_primed:
                # One cheap request first, so the digest challenge is answered before the (possibly large)
                # body is sent: requests' digest auth then sends the Authorization header up front.
                session.head(url, params={"graph": graph}, timeout=self.timeout)
                self._digest_primed = True
            response = session.request(
                method,
                url,
                params={"graph": graph},
                data=data,
                headers={"Content-Type": content_type},
                timeout=self.timeout,
            )
        except requests.RequestException as e:
            raise StoreError(
                f"cannot reach Graph Store endpoint {redact_url(url)}: {self._scrub(_reason(e))}"
            ) from None
        if response.status_code not in (200, 201, 204):
            error = self._http_error(
                url, response.status_code, response.content, response.headers.get("Content-Type", "")
            )
            if isinstance(error, QueryError):  # a 400 from the Graph Store means the data, not a query
                text = _text_of(response.content, response.headers.get("Content-Type", ""))
                error = StoreError(
                    f"{redact_url(url)} rejected the {method} of graph <{graph}> "
                    f"(HTTP {response.status_code}): {_clip(self._scrub(text))}"
                )
            raise error

    def _http(self) -> requests.Session:
        if self._session is None:
            session = requests.Session()
            session.headers["User-Agent"] = _AGENT
            if self.__user is not None:
                if self.auth == "digest":
                    session.auth = requests.auth.HTTPDigestAuth(self.__user, self.__password or "")
                else:
                    session.auth = requests.auth.HTTPBasicAuth(self.__user, self.__password or "")
            self._session = session
        return self._session

    def close(self) -> None:
        """Release pooled HTTP connections (the store stays usable)."""
        if self._session is not None:
            self._session.close()
            self._session = None
            self._digest_primed = False

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ bulk load

    def load_dataset(
        self, nquads: bytes | Iterable[bytes], *, replace: bool = True, default_graph: str | None = None
    ) -> dict[str, int]:
        """Load N-Quads: split by graph and ``PUT`` (``replace=True``) or ``POST`` each named graph through
        the Graph Store Protocol, or without one ``INSERT DATA`` in chunks (after ``CLEAR`` when replacing).

        `nquads` is the document's bytes or an iterable of byte chunks (an open binary file, lines with their
        newlines). Triples in the default graph go to `default_graph`, or raise :class:`StoreError` when it is
        not given. Graphs not in the data are left alone. Duplicate triples are sent once. The data is parsed
        and checked whole before anything is written: malformed N-Quads raise :class:`InputError`; blank nodes
        in the ``INSERT DATA`` path raise :class:`StoreError` (skolemize them). Blank nodes are scoped to one
        graph's request: one shared by two graphs becomes two nodes.

        Returns the number of distinct triples sent per graph IRI, in order of first appearance."""
        if default_graph is not None:
            _check_graph_iri(default_graph)
        source = (
            io.BufferedReader(_IterReader(nquads))
            if not isinstance(nquads, bytes | bytearray | memoryview)
            else bytes(nquads)
        )
        graphs: dict[str, dict[str, None]] = {}
        default_count = 0
        blank = 0
        try:
            for quad in ox.parse(source, format=ox.RdfFormat.N_QUADS):
                g = quad.graph_name
                if isinstance(g, ox.DefaultGraph):
                    default_count += 1
                    if default_graph is None:
                        continue
                    name = default_graph
                elif isinstance(g, ox.NamedNode):
                    name = g.value
                else:
                    raise StoreError(
                        f"N-Quads data names a graph by blank node {g}; a SPARQL server can only "
                        "address graphs by IRI"
                    )
                if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode):
                    blank += 1
                graphs.setdefault(name, {})[f"{quad.triple} ."] = None
        except SyntaxError as e:
            raise InputError("N-Quads data", str(e)) from None
        if default_count and default_graph is None:
            raise StoreError(
                f"N-Quads data has {default_count} triple(s) in the default graph; pass "
                "default_graph=<IRI> to say which named graph they go to"
            )
        if blank and not self.graph_store:
            raise StoreError(_blank_message(blank, self.update_endpoint))
        counts: dict[str, int] = {}
        for name, lines in graphs.items():
            if self.graph_store:
                body = ("\n".join(lines) + "\n").encode("utf-8")
                self._gsp("PUT" if replace else "POST", name, body, "application/n-triples")
            else:
                self._insert_lines(name, list(lines), replace=replace)
            counts[name] = len(lines)
            log.info(
                "loaded %d triples into <%s> at %s",
                len(lines),
                name,
                redact_url(self.graph_store or self.update_endpoint),
            )
        return counts

    def _insert_lines(self, graph: str, lines: list[str], *, replace: bool) -> None:
        """CLEAR (if replacing) then INSERT DATA N-Triples `lines` into `graph`, in chunks."""
        size = self.insert_chunk_size
        if not isinstance(size, int) or size < 1:
            raise StoreError(f"insert_chunk_size must be a positive integer, not {size!r}")
        if replace:
            self.clear_graph(graph)
        chunk: list[str] = []
        chars = 0
        for line in lines:
            if chunk and (len(chunk) >= size or chars + len(line) > MAX_INSERT_BYTES):
                self._insert_chunk(graph, chunk)
                chunk, chars = [], 0
            chunk.append(line)
            chars += len(line) + 1
        if chunk:
            self._insert_chunk(graph, chunk)

    def _insert_chunk(self, graph: str, lines: list[str]) -> None:
        self.update("INSERT DATA { GRAPH <" + graph + "> {\n" + "\n".join(lines) + "\n} }")

    # ------------------------------------------------------------------ internals

    def _build_opener(self) -> urllib.request.OpenerDirector:
        handlers: list[urllib.request.BaseHandler] = []
        if self.__user is not None and self.auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(
                None, [self.endpoint, self.update_endpoint], self.__user, self.__password or ""
            )
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        return urllib.request.build_opener(*handlers)

    def _announce(self, url: str) -> None:
        """One progress line per server address: what we wait for, and for how long at most per request."""
        if url not in self._announced:
            self._announced.add(url)
            waiting(f"the SPARQL server at {redact_url(url)}", self.timeout)

    def _scrub(self, text: str) -> str:
        """Never let a credential through in a message, whatever a server echoes (before clipping, so no
        part of a secret survives either)."""
        return redact(text)


# ---------------------------------------------------------------------- helpers

_VIRTUOSO_COMPILE_ERROR = re.compile(r"\b(37000|SP0\d\d)\b")


def _row(binding: dict[str, Any]) -> Row:
    row: Row = {}
    for var, term in binding.items():
        if not isinstance(term, dict) or "value" not in term:
            continue
        kind = term.get("type")
        value = str(term["value"])
        if kind == "bnode":
            value = value if value.startswith("_:") else "_:" + value
        elif kind in ("literal", "typed-literal") and term.get("datatype") == _XSD_BOOLEAN:
            value = {"1": "true", "0": "false"}.get(value, value)  # Virtuoso writes booleans as 1/0
        row[var] = value
    return row


def _check_complete(url: str, headers: Any) -> None:
    """Refuse results a Virtuoso server cut short, which it only reports in headers."""
    if headers is None:
        return
    state = headers.get("X-SQL-State")
    if state and state.strip().upper() == "S1TAT":
        raise StoreError(
            f"{redact_url(url)} returned partial results (query timed out, X-SQL-State S1TAT: "
            f"{_clip(headers.get('X-SQL-Message', ''))}); raise MaxQueryExecutionTime or simplify"
        )


def _check_not_truncated(url: str, headers: Any, n_rows: int) -> None:
    """Virtuoso cuts results at ResultSetMaxRows and only says so in an X-SPARQL-MaxRows header."""
    max_rows = headers.get("X-SPARQL-MaxRows") if headers is not None else None
    if not max_rows:
        return
    try:
        limit = int(max_rows.strip())
    except ValueError:
        limit = 0
    if n_rows >= limit:
        raise StoreError(
            f"{redact_url(url)} truncated the results at {max_rows.strip()} rows (its ResultSetMaxRows); "
            "page with LIMIT/OFFSET or raise ResultSetMaxRows in virtuoso.ini"
        )


def _check_graph_iri(graph: str) -> None:
    if not isinstance(graph, str) or not graph or _GRAPH_IRI_FORBIDDEN.search(graph) or ":" not in graph:
        raise QueryError(f'graph must be an absolute IRI without spaces or <>"{{}}|^`\\, not {graph!r}')


def _lines_of(data: bytes, content_type: str, *, source: str) -> list[str]:
    """Triples of an RDF document as distinct N-Triples lines (for INSERT DATA); no blank nodes allowed."""
    media = content_type.split(";")[0].strip()
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(
            f"{source}: unsupported content type {content_type!r}; use application/n-triples, "
            "text/turtle or application/rdf+xml"
        )
    lines: dict[str, None] = {}
    blank = 0
    try:
        for triple in ox.parse(data, format=fmt, without_named_graphs=True):
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                blank += 1
            lines[f"{triple.triple if isinstance(triple, ox.Quad) else triple} ."] = None
    except SyntaxError as e:
        raise InputError(source, str(e)) from None
    if blank:
        raise StoreError(_blank_message(blank, "the SPARQL Update endpoint"))
    return list(lines)


def _blank_message(n: int, where: str) -> str:
    return (
        f"{n} triple(s) have blank nodes, which INSERT DATA to {redact_url(where)} cannot load reliably "
        "(Virtuoso rejects them); skolemize them to IRIs (e.g. .well-known/genid/…) first, or configure "
        "a Graph Store Protocol URL (graph_store=...)"
    )


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def _read_error_body(e: urllib.error.HTTPError) -> bytes:
    try:
        return e.read() or b""
    except Exception:  # an HTTPError built without a body (urllib's digest handler giving up) cannot be read
        return str(e.reason or "").encode()


def _text_of(body: bytes, content_type: str) -> str:
    text = body.decode("utf-8", "replace")
    if "html" in content_type.lower() or text.lstrip().startswith("<"):
        text = re.sub(r"(?is)<(script|style|title|h1)\b.*?</\1>", " ", text)  # Virtuoso repeats the status
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return " ".join(text.split())


def _clip(text: str, n: int = MESSAGE_CHARS) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _reason(e: BaseException) -> str:
    reason = getattr(e, "reason", None)
    return _clip(str(reason if reason is not None else e) or type(e).__name__)
