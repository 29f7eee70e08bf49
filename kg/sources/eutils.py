"""A client for NCBI E-utilities (esearch, efetch) over ``requests``.

It follows NCBI's usage rules (https://www.ncbi.nlm.nih.gov/books/NBK25497/):

* ``tool`` and ``email`` go with every request, ``api_key`` too when one is configured;
* at most 3 requests per second without an API key, 10 per second with one (a thread-safe
  limiter shared by all calls of one client);
* long id lists are POSTed;
* large result sets go through the history server (``usehistory=y`` + ``WebEnv``/``query_key``).

Transient failures (HTTP 429/500/502/503/504, time-outs, dropped connections) are retried with
exponential back-off, honouring ``Retry-After``. Everything else, and exhausted retries, raises
:class:`kg.errors.FetchError`. The API key never appears in an error message or a log line.

efetch answers are validated (XML whose root is ``PubmedArticleSet``) and cached on disk per
batch of PMIDs, so rebuilding a graph does not download the same records again.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import requests
from lxml import etree

from kg.errors import FetchError, InputError
from kg.sources.cache import FileCache, cache_key
from kg.sources.http import add_secret, redact, retry_after, userinfo_error, waiting

__all__ = [
    "EutilsClient",
    "EutilsConfig",
    "RateLimiter",
    "SearchResult",
    "default_cache_dir",
    "normalize_pmid",
    "read_pmid_file",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
POST_THRESHOLD = 200  # efetch with more ids than this is sent as POST
MAX_BATCH_SIZE = 10_000  # efetch's documented maximum retmax
MAX_SEARCH_RESULTS = 10_000  # PubMed esearch cannot page beyond the first 10,000 records
RATE_WITHOUT_KEY = 3.0  # requests per second
RATE_WITH_KEY = 10.0
_CACHE_FORMAT = "pubmed-efetch-xml-v1"
_SNIPPET = 200

_PMID_RE = re.compile(r"^(?:pmid\s*:\s*)?(\d+)$", re.IGNORECASE)


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def default_cache_dir() -> Path:
    """Where efetch batches are cached by default.

    ``$KG_CACHE_DIR/eutils``, else ``$XDG_CACHE_HOME/cytokine-kg/eutils``,
    else ``~/.cache/cytokine-kg/eutils``.
    """
    root = _env("KG_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "eutils"
    xdg = _env("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "cytokine-kg" / "eutils"


@dataclass(frozen=True)
class EutilsConfig:
    """Settings of an :class:`EutilsClient`.

    ``email`` and ``api_key`` default to ``$NCBI_EMAIL`` / ``$NCBI_API_KEY``. ``cache_dir`` defaults
    to :func:`default_cache_dir`; ``cache=False`` turns the on-disk cache off. ``max_retries`` is the
    number of retries after the first attempt, so a request is tried at most ``max_retries + 1`` times.
    """

    base_url: str = DEFAULT_BASE_URL
    tool: str = "cytokine-kg"
    email: str | None = None
    api_key: str | None = field(default=None, repr=False)
    cache_dir: Path | None = None
    cache: bool = True
    timeout: float = 30.0
    total_timeout: float = 120.0  # the longest one call may take, retries and Retry-After waits included
    max_retries: int = 4
    batch_size: int = 200
    backoff_base: float = 0.5  # seconds before the first retry; doubled for each further retry
    backoff_max: float = 60.0  # upper bound on one back-off wait, Retry-After included

    def __post_init__(self) -> None:
        if self.email is None:
            object.__setattr__(self, "email", _env("NCBI_EMAIL"))
        if self.api_key is None:
            object.__setattr__(self, "api_key", _env("NCBI_API_KEY"))
        if not self.base_url.endswith("/"):
            object.__setattr__(self, "base_url", self.base_url + "/")
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir).expanduser())
        problem = userinfo_error("the E-utilities URL", self.base_url)
        if problem:
            raise ValueError(problem)
        if not self.base_url.lower().startswith(("http://", "https://")):
            raise ValueError(f"the E-utilities URL must be an http(s) URL, got {redact(self.base_url)!r}")
        if not self.total_timeout > 0:
            raise ValueError(f"EutilsConfig.total_timeout must be > 0 seconds, got {self.total_timeout!r}")
        add_secret(self.api_key)
        if not self.tool.strip():
            raise ValueError("EutilsConfig.tool must not be empty (NCBI asks for it on every request)")
        if not self.timeout > 0:
            raise ValueError(f"EutilsConfig.timeout must be > 0 seconds, got {self.timeout!r}")
        if self.max_retries < 0:
            raise ValueError(f"EutilsConfig.max_retries must be >= 0, got {self.max_retries!r}")
        if not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            raise ValueError(
                f"EutilsConfig.batch_size must be in 1..{MAX_BATCH_SIZE}, got {self.batch_size!r}"
            )
        if self.backoff_base < 0 or self.backoff_max < 0:
            raise ValueError("EutilsConfig.backoff_base and backoff_max must be >= 0")

    @property
    def requests_per_second(self) -> float:
        return RATE_WITH_KEY if self.api_key else RATE_WITHOUT_KEY

    def resolved_cache_dir(self) -> Path | None:
        """Where efetch batches are cached, or None when caching is off."""
        if not self.cache:
            return None
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()


@dataclass(frozen=True)
class SearchResult:
    """An esearch answer made with ``usehistory=y``."""

    term: str
    count: int  # all records matching the term (may exceed len(ids))
    webenv: str
    query_key: str
    ids: tuple[str, ...]  # the first ``max_results`` PMIDs, in the server's order
    query_translation: str | None = None


class RateLimiter:
    """Spaces calls to :meth:`acquire` at least ``1/rate`` seconds apart; safe across threads.

    Each caller reserves the next free slot under a lock and then sleeps, outside the lock, until
    its slot comes; so N threads calling at once are released one interval apart.
    """

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be > 0 requests per second, got {rate!r}")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next: float | None = None

    def acquire(self) -> float:
        """Wait for the next slot; return the seconds waited."""
        with self._lock:
            now = self._clock()
            start = now if self._next is None else max(now, self._next)
            self._next = start + self.interval
        wait = start - now
        if wait > 0:
            self._sleep(wait)
        return wait


def normalize_pmid(value: str) -> str:
    """``"123"``, ``" 00123 "``, ``"pmid:123"``, ``"PMID: 123"`` -> ``"123"``; ValueError otherwise."""
    match = _PMID_RE.match(str(value).strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{value!r} is not a PubMed ID (expected a positive number, optionally 'pmid:123')")
    return str(int(match.group(1)))


def read_pmid_file(path: Path) -> list[str]:
    """PMIDs listed one per line in ``path``, in order and without duplicates.

    Blank lines and ``#`` comments (whole-line or trailing) are skipped; ``pmid:123`` is accepted.
    Raises :class:`InputError` naming the file and line for anything that is not a PMID.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), "PMID list not found") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "PMID list is not UTF-8 text") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read PMID list: {exc.strerror or exc}") from None
    pmids: list[str] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            pmid = normalize_pmid(line)
        except ValueError:
            raise InputError(
                str(path),
                f"line {lineno}: {line!r} is not a PubMed ID (expected digits, optionally prefixed 'pmid:')",
            ) from None
        if pmid not in seen:
            seen.add(pmid)
            pmids.append(pmid)
    return pmids


def _what(params: Mapping[str, str]) -> str:
    """What an E-utilities request asks for, in a few words (for the progress line)."""
    if "id" in params:
        count = params["id"].count(",") + 1
        return f"{count} PMID{'s' if count > 1 else ''}"
    if "term" in params:
        return f"search {_snippet(params['term'], 60)!r}"
    return f"records {params.get('retstart', '0')}+{params.get('retmax', '?')} of a search"


def _xml_parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: the answer is data, not instructions.
    return etree.XMLParser(
        resolve_entities=False, load_dtd=False, no_network=True, huge_tree=True, remove_blank_text=False
    )


def _snippet(data: bytes | str, limit: int = _SNIPPET) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL
)


def _looks_like_html(data: bytes) -> bool:
    return _HTML_START.match(data[:4096]) is not None


def _html_title(data: bytes) -> str | None:
    match = re.search(rb"<title[^>]*>(.*?)</title>", data[:65536], re.IGNORECASE | re.DOTALL)
    return _snippet(match.group(1), 120) if match else None


def _json_error(data: bytes) -> str | None:
    """The ``error`` text of a JSON answer like ``{"error": "..."}``, or a snippet of the JSON."""
    try:
        obj = json.loads(data)
    except ValueError:
        return None
    if isinstance(obj, dict):
        for key in ("error", "ERROR", "message"):
            if key in obj:
                return _snippet(str(obj[key]))
    return _snippet(data)


def _error_elements(root: etree._Element) -> list[str]:
    texts = (" ".join("".join(e.itertext()).split()) for e in root.iter("ERROR"))
    return [text for text in texts if text]


class EutilsClient:
    """esearch / efetch against NCBI E-utilities (PubMed)."""

    def __init__(
        self,
        config: EutilsConfig | None = None,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.config = config or EutilsConfig()
        self._own_session = session is None
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = f"{self.config.tool} (python-requests; NCBI E-utilities client)"
        self._session = session
        self._clock = clock
        self._sleep = sleep
        self.rate_limiter = RateLimiter(self.config.requests_per_second, clock=clock, sleep=sleep)
        cache_dir = self.config.resolved_cache_dir()
        self._cache = FileCache(cache_dir, prefix="efetch-", suffix=".xml") if cache_dir else None
        self._warned_no_email = False

    # -- context manager -------------------------------------------------------------------
    def close(self) -> None:
        if self._own_session:
            self._session.close()

    def __enter__(self) -> EutilsClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API ------------------------------------------------------------------------
    def efetch_pubmed(self, pmids: Sequence[str]) -> Iterator[tuple[str, bytes]]:
        """Yield ``("pubmed:efetch:<id>,<id>,...", PubmedArticleSet XML)`` per batch of ``batch_size`` PMIDs.

        PMIDs are normalised (``pmid:123`` -> ``123``) and de-duplicated, keeping their order.
        Each batch is cached under a hash of its sorted PMIDs; a cached batch is not fetched again.
        Batches of more than 200 ids are POSTed.
        """
        if isinstance(pmids, str | bytes):
            raise TypeError("efetch_pubmed expects a sequence of PMIDs, not a single string")
        ids: list[str] = []
        seen: set[str] = set()
        for value in pmids:
            pmid = normalize_pmid(value)
            if pmid not in seen:
                seen.add(pmid)
                ids.append(pmid)
        size = self.config.batch_size
        for start in range(0, len(ids), size):
            batch = ids[start : start + size]
            label = "pubmed:efetch:" + ",".join(batch)
            key = self._batch_key(batch)
            cached = self._cache_get(key)
            if cached is not None:
                log.debug("efetch: %d PMIDs from cache", len(batch))
                yield label, cached
                continue
            params = {"db": "pubmed", "id": ",".join(batch), "retmode": "xml"}
            data, _root = self._efetch(params, post=len(batch) > POST_THRESHOLD)
            self._cache_put(key, data)
            yield label, data

    def esearch(self, term: str, max_results: int) -> SearchResult:
        """Search PubMed with ``usehistory=y``; the result holds the first ``max_results`` PMIDs."""
        if not term or not term.strip():
            raise ValueError("esearch needs a non-empty search term")
        if not 0 <= max_results <= MAX_SEARCH_RESULTS:
            raise ValueError(
                f"max_results must be in 0..{MAX_SEARCH_RESULTS} (PubMed esearch cannot page further), "
                f"got {max_results!r}"
            )
        params = {
            "db": "pubmed",
            "term": term,
            "usehistory": "y",
            "retstart": "0",
            "retmax": str(max_results),
            "retmode": "xml",
        }
        url_shown = self._shown_url("esearch", params)
        data = self._request("esearch", params)
        root = self._parse(data, "esearch", "eSearchResult", url_shown)
        # A top-level <ERROR> means the query was rejected; <ErrorList> (phrase not found) is not fatal.
        errors = [" ".join("".join(e.itertext()).split()) for e in root.findall("ERROR")]
        if errors:
            raise FetchError(
                f"esearch rejected the term {term!r}: {self._redact('; '.join(errors))}; url: {url_shown}"
            )
        count_text = root.findtext("Count")
        webenv = (root.findtext("WebEnv") or "").strip()
        query_key = (root.findtext("QueryKey") or "").strip()
        try:
            count = int((count_text or "").strip())
        except ValueError:
            raise FetchError(
                f"malformed response from esearch: <Count> is {count_text!r}, expected a number; "
                f"url: {url_shown}"
            ) from None
        if not webenv or not query_key:
            raise FetchError(
                "malformed response from esearch: no <WebEnv>/<QueryKey> although usehistory=y was sent; "
                f"url: {url_shown}"
            )
        ids = tuple((e.text or "").strip() for e in root.findall("IdList/Id") if (e.text or "").strip())
        return SearchResult(
            term=term,
            count=count,
            webenv=webenv,
            query_key=query_key,
            ids=ids,
            query_translation=root.findtext("QueryTranslation"),
        )

    def search_and_fetch(self, term: str, max_results: int) -> Iterator[tuple[str, bytes]]:
        """esearch with the history server, then efetch the hits in batches via ``WebEnv``/``query_key``.

        Labels name the PMIDs found in each batch. Batches go into the same cache as
        :meth:`efetch_pubmed` (keyed by their PMIDs); a batch whose PMIDs (from the esearch id list)
        are already cached is not fetched again.
        """
        result = self.esearch(term, max_results)
        total = min(result.count, max_results)
        size = self.config.batch_size
        for start in range(0, total, size):
            retmax = min(size, total - start)
            expected = list(result.ids[start : start + retmax])
            if expected and len(expected) == retmax:
                cached = self._cache_get(self._batch_key(expected))
                if cached is not None:
                    yield "pubmed:efetch:" + ",".join(expected), cached
                    continue
            params = {
                "db": "pubmed",
                "query_key": result.query_key,
                "WebEnv": result.webenv,
                "retstart": str(start),
                "retmax": str(retmax),
                "retmode": "xml",
            }
            data, root = self._efetch(params, post=False)
            found = self._pmids_in(root)
            if found:
                self._cache_put(self._batch_key(found), data)
            yield "pubmed:efetch:" + ",".join(found or expected), data

    # -- internals -------------------------------------------------------------------------
    @staticmethod
    def _batch_key(pmids: Sequence[str]) -> str:
        return cache_key(_CACHE_FORMAT, ",".join(sorted({normalize_pmid(p) for p in pmids}, key=int)))

    @staticmethod
    def _pmids_in(root: etree._Element) -> list[str]:
        found: list[str] = []
        for path in ("PubmedArticle/MedlineCitation/PMID", "PubmedBookArticle/BookDocument/PMID"):
            found.extend((e.text or "").strip() for e in root.iterfind(path) if (e.text or "").strip())
        return found

    def _cache_get(self, key: str) -> bytes | None:
        if self._cache is None:
            return None
        data = self._cache.get(key)
        if data is None:
            return None
        try:
            self._parse(data, "efetch", "PubmedArticleSet", str(self._cache.path_for(key)))
        except FetchError as exc:
            log.warning("ignoring a bad cache file: %s", exc)
            self._cache.discard(key)
            return None
        return data

    def _cache_put(self, key: str, data: bytes) -> None:
        if self._cache is not None:
            self._cache.put(key, data)

    def _efetch(self, params: dict[str, str], *, post: bool) -> tuple[bytes, etree._Element]:
        url_shown = self._shown_url("efetch", params)
        data = self._request("efetch", params, post=post)
        return data, self._parse(data, "efetch", "PubmedArticleSet", url_shown)

    def _identity(self) -> dict[str, str]:
        params = {"tool": self.config.tool}
        if self.config.email:
            params["email"] = self.config.email
        elif not self._warned_no_email:
            self._warned_no_email = True
            log.warning("no e-mail address for NCBI: set NCBI_EMAIL (NCBI asks for it on every request)")
        if self.config.api_key:
            params["api_key"] = self.config.api_key
        return params

    def _redact(self, text: str) -> str:
        key = self.config.api_key
        if key:
            text = text.replace(key, "***")
        return re.sub(r"(api_key=)[^&\s'\"]+", r"\1***", text)

    def _shown_url(self, service: str, params: Mapping[str, str]) -> str:
        """The request URL as it may be shown to people: no api_key, long id lists shortened."""
        shown = {k: v for k, v in {**params, **self._identity()}.items() if k != "api_key"}
        ids = shown.get("id", "")
        if ids.count(",") >= 10:
            parts = ids.split(",")
            shown["id"] = ",".join(parts[:5]) + f",...({len(parts)} ids)"
        return self._redact(f"{self.config.base_url}{service}.fcgi?{urlencode(shown, safe=',:()')}")

    def _backoff(self, attempt: int, response: requests.Response | None) -> float:
        if response is not None:
            wait = retry_after(response.headers.get("Retry-After"))
            if wait is not None:
                return min(self.config.backoff_max, wait)
        return min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))

    def _request(self, service: str, params: dict[str, str], *, post: bool = False) -> bytes:
        """One E-utility call with rate limiting and retries; the body of a 2xx answer."""
        url = f"{self.config.base_url}{service}.fcgi"
        full = {**params, **self._identity()}
        shown = self._shown_url(service, params)
        attempts = self.config.max_retries + 1
        total = self.config.total_timeout
        deadline = self._clock() + total
        waiting(f"PubMed {service} ({_what(params)})", total)
        reason = "no attempt made"
        for attempt in range(1, attempts + 1):
            self.rate_limiter.acquire()
            response: requests.Response | None = None
            timeout = max(0.1, min(self.config.timeout, deadline - self._clock()))
            try:
                if post:
                    response = self._session.post(url, data=full, timeout=timeout)
                else:
                    response = self._session.get(url, params=full, timeout=timeout)
            except requests.Timeout:
                reason = f"timed out after {timeout:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                reason = f"connection failed ({type(exc).__name__})"
                log.debug("%s: %s", shown, self._redact(str(exc)))
            except requests.RequestException as exc:
                # Not transient (bad URL, bad scheme...): no retry. `from None`: the original
                # exception's text may carry the request URL, api_key included.
                raise FetchError(
                    f"{service} request failed: {type(exc).__name__}: {self._redact(str(exc))}; url: {shown}"
                ) from None
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return response.content
                if status not in RETRY_STATUSES:
                    detail = self._error_detail(response.content)
                    raise FetchError(
                        f"{service} failed with HTTP {status} {response.reason or ''}".rstrip()
                        + f" for {shown}"
                        + (f" (NCBI says: {detail})" if detail else "")
                    )
                reason = f"HTTP {status} {response.reason or ''}".rstrip()
            if attempt < attempts:
                delay = self._backoff(attempt, response)
                left = deadline - self._clock()
                if delay >= left:
                    raise FetchError(
                        f"PubMed is unreachable at {self.config.base_url}: {reason}; gave up after {attempt} "
                        f"tries, a retry in {delay:g} s would pass the {total:g} s allowed (--timeout)"
                    )
                log.warning(
                    "PubMed %s: %s; retry %d of %d in %.2g s (at most %.0f s left)",
                    service, reason, attempt, self.config.max_retries, delay, left,
                )
                self._sleep(delay)
        raise FetchError(f"PubMed is unreachable at {self.config.base_url}: {reason}; tried {attempts} times")

    def _error_detail(self, body: bytes) -> str:
        if not body.strip():
            return ""
        detail = _json_error(body)
        if detail is None and _looks_like_html(body):
            detail = _html_title(body) or "an HTML page"
        if detail is None:
            try:
                root = etree.fromstring(body, _xml_parser())
                detail = "; ".join(_error_elements(root)) or _snippet(body)
            except etree.XMLSyntaxError:
                detail = _snippet(body)
        return self._redact(detail)

    def _parse(self, data: bytes, service: str, expected_root: str, where: str) -> etree._Element:
        """Parse an answer that must be XML with root ``expected_root``; FetchError otherwise."""

        def bad(detail: str) -> FetchError:
            return FetchError(f"malformed response from {service}: {self._redact(detail)}; url: {where}")

        stripped = data.strip()
        if not stripped:
            raise bad(f"empty body, expected XML with root <{expected_root}>")
        if stripped[:1] in (b"{", b"["):
            detail = _json_error(stripped)
            raise bad(f"got JSON instead of XML with root <{expected_root}>: {detail or _snippet(stripped)}")
        if _looks_like_html(stripped):
            title = _html_title(stripped)
            raise bad(
                f"got an HTML page instead of XML with root <{expected_root}>"
                + (f" (title: {title!r})" if title else "")
            )
        try:
            root = etree.fromstring(stripped, _xml_parser())
        except etree.XMLSyntaxError as exc:
            raise bad(f"not well-formed XML ({exc}): {_snippet(stripped, 120)}") from None
        if root.tag != expected_root:
            errors = _error_elements(root)
            raise bad(
                f"root element is <{root.tag}>, expected <{expected_root}>"
                + (f"; NCBI says: {'; '.join(errors)}" if errors else "")
            )
        return root
