"""``kg link``: the Wikidata items of our drugs, diseases and genes, looked up on a SPARQL endpoint.

The vocabulary carries DrugBank, DOID and HGNC identifiers but no Wikidata items (no offline data set has
them). This module asks a SPARQL endpoint -- by default the Wikidata Query Service -- which items carry
those identifiers, one query per batch of identifiers and Wikidata property::

    SELECT ?item ?id WHERE { VALUES ?id { "DB06273" "DB09036" } ?item wdt:P715 ?id . }

========  ===========  ===================  =================================
prefix    property     value sent           example
========  ===========  ===================  =================================
DrugBank  P715         the accession        ``DrugBank:DB06273`` -> ``"DB06273"``
DOID      P699         ``DOID:`` + number   ``DOID:9538`` -> ``"DOID:9538"``
HGNC      P354         the number           ``HGNC:6018`` -> ``"6018"``
========  ===========  ===================  =================================

Every identifier is checked against the pattern of its scheme (and, before it goes into ``VALUES``,
against ``^[A-Za-z0-9:_.-]+$``), so no input can change the query. Answers are read as W3C SPARQL 1.1
JSON results; only ``uri`` bindings that are Wikidata entity IRIs and ``?id`` values that were asked for
are kept.

HTTP follows the style of :mod:`kg.sources.eutils` (``requests``, not SPARQLWrapper: the retry logic
needs the status and the ``Retry-After`` header of each answer): a descriptive ``User-Agent`` (the
Wikidata Query Service refuses clients without one), ``Accept: application/sparql-results+json``, GET
for short queries and a form POST for long ones; HTTP 429/500/502/503/504, time-outs, dropped
connections and malformed 200 answers (WDQS sends truncated JSON when a query times out mid-stream) are
retried with exponential back-off, honouring ``Retry-After``. Anything else, and exhausted retries,
raise :class:`kg.errors.FetchError` naming the endpoint.

Each answered batch is cached on disk (``$KG_CACHE_DIR/link``, else ``~/.cache/cytokine-kg/link``),
written atomically, with the date it was answered. A later run reads every cached batch of the endpoint
and property first and only asks for identifiers no cached batch covers -- so re-linking after a build
that uses a few more terms asks for just those. A mapping keeps the date its batch was answered.

:func:`mappings_graph` turns mappings into quads of the named graph ``kgr:graph/mappings``: the plain
``subject skos:exactMatch item`` triple, and a reified ``rdf:Statement`` (an IRI hashed from the
mapping, no blank node) with ``dcterms:source`` (the endpoint), ``dcterms:date`` (``xsd:date``),
``sssom:object_match_field`` (the Wikidata property) and ``sssom:match_string`` (the value matched).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import string
import time
import urllib.parse
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyoxigraph as ox
import requests

from kg import __version__
from kg.errors import FetchError, QueryError
from kg.model import EntityKind
from kg.sources.cache import FileCache, cache_key
from kg.sources.http import redact_url, retry_after, userinfo_error
from kg.vocabulary import KGO, Vocabulary, converter, default_vocabulary

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_KINDS",
    "ID_SCHEMES",
    "MAPPINGS_GRAPH",
    "IdScheme",
    "LinkConfig",
    "LinkStats",
    "Linker",
    "Mapping",
    "build_query",
    "default_cache_dir",
    "link",
    "link_vocabulary",
    "mappings_graph",
    "parse_results",
    "terms_used",
    "vocabulary_curies",
]

log = logging.getLogger(__name__)

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_USER_AGENT = f"cytokine-kg/{__version__} (https://w3id.org/cytokine-kg)"
DEFAULT_KINDS = ("drug", "disease", "cytokine", "receptor")
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
MAPPINGS_GRAPH = ox.NamedNode("https://w3id.org/cytokine-kg/resource/graph/mappings")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BATCH_SIZE = 5000
SPARQL_JSON = "application/sparql-results+json"

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
_DCTERMS = "http://purl.org/dc/terms/"
_SSSOM = "https://w3id.org/sssom/"
_KGR_MAPPING = "https://w3id.org/cytokine-kg/resource/mapping/"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_PREDICATES = {
    f"skos:{name}": _SKOS + name
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")
}

_CACHE_FORMAT = "kg-link-sparql-json-v1"
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9:_.-]+$")
_PROPERTY = re.compile(r"^P[1-9][0-9]*$")
#: A Wikidata entity IRI. The local name is Q + digits for real items; test doubles use Q_TEST_<n>.
_ITEM = re.compile(r"^http://www\.wikidata\.org/entity/Q[0-9A-Za-z_]+$")
_SNIPPET = 200

#: The one SPARQL query this module sends; ``$values`` are validated, quoted strings.
QUERY_TEMPLATE = string.Template(
    """\
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
SELECT ?item ?id WHERE {
  VALUES ?id { $values }
  ?item wdt:$property ?id .
}
"""
)
_TEMPLATE_ID = hashlib.sha256(QUERY_TEMPLATE.template.encode()).hexdigest()[:16]


# ---------------------------------------------------------------------- identifier schemes


@dataclass(frozen=True)
class IdScheme:
    """How identifiers with one CURIE prefix are written on Wikidata."""

    prefix: str  # CURIE prefix, as in ontology/prefixes.json
    property: str  # the Wikidata property holding the identifier
    local_pattern: str  # regular expression for the local part of the CURIE
    value_prefix: str = ""  # what Wikidata writes before the local part ("DOID:")
    example: str = ""

    def value(self, local: str) -> str:
        return self.value_prefix + local

    def matches(self, local: str) -> bool:
        return re.fullmatch(self.local_pattern, local) is not None


ID_SCHEMES: dict[str, IdScheme] = {
    "DrugBank": IdScheme("DrugBank", "P715", r"DB[0-9]{5}", "", "DrugBank:DB06273"),
    "DOID": IdScheme("DOID", "P699", r"[0-9]{1,8}", "DOID:", "DOID:9538"),
    "HGNC": IdScheme("HGNC", "P354", r"[0-9]{1,6}", "", "HGNC:6018"),
}
_SCHEME_BY_LOWER = {prefix.lower(): scheme for prefix, scheme in ID_SCHEMES.items()}


def _supported() -> str:
    return ", ".join(ID_SCHEMES)


def _parse_curie(term: str) -> tuple[str, IdScheme, str]:
    """``"drugbank:DB06273"`` or its IRI -> ``("DrugBank:DB06273", scheme, "DB06273")``; QueryError if not."""
    if not isinstance(term, str):
        raise QueryError(f"{term!r} is not a CURIE (expected a string like DrugBank:DB06273)")
    text = term.strip()
    if text.startswith(("http://", "https://")):
        compressed = converter().compress(text)
        if compressed is None:
            raise QueryError(f"{term!r}: no CURIE prefix in ontology/prefixes.json for this IRI")
        text = compressed
    prefix, sep, local = text.partition(":")
    if not sep or not prefix:
        raise QueryError(f"{term!r} is not a CURIE (expected prefix:id, like DrugBank:DB06273)")
    scheme = _SCHEME_BY_LOWER.get(prefix.lower())
    if scheme is None:
        raise QueryError(
            f"{term!r}: cannot link identifiers with prefix {prefix!r}; supported: {_supported()}"
        )
    if not scheme.matches(local) or not _SAFE_VALUE.match(scheme.value(local)):
        raise QueryError(
            f"{term!r} is not a valid {scheme.prefix} identifier (expected one like {scheme.example}); "
            "it is not sent to the SPARQL endpoint"
        )
    return f"{scheme.prefix}:{local}", scheme, local


# ---------------------------------------------------------------------- configuration


def _env(name: str) -> str | None:
    value = os.environ.get(name, "").strip()
    return value or None


def default_cache_dir() -> Path:
    """``$KG_CACHE_DIR/link``, else ``$XDG_CACHE_HOME/cytokine-kg/link``, else
    ``~/.cache/cytokine-kg/link``."""
    root = _env("KG_CACHE_DIR")
    if root:
        return Path(root).expanduser() / "link"
    xdg = _env("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "cytokine-kg" / "link"


@dataclass(frozen=True)
class LinkConfig:
    """Settings of :func:`link`.

    ``max_retries`` counts retries after the first attempt. ``cache=False`` turns the on-disk cache off;
    ``cache_max_age_days`` re-asks for identifiers whose cached answer is older (default: never).
    A ``Retry-After`` longer than ``backoff_max`` seconds is not waited for: the run stops with a
    FetchError instead. Queries whose form-encoding is longer than ``max_get_length`` are POSTed.
    Bad values raise :class:`QueryError`.
    """

    endpoint: str = DEFAULT_ENDPOINT
    batch_size: int = 200
    max_retries: int = 4
    timeout: float = 60
    cache_dir: Path | None = None
    user_agent: str = DEFAULT_USER_AGENT
    cache: bool = True
    cache_max_age_days: int | None = None
    backoff_base: float = 1.0
    backoff_max: float = 120.0
    max_get_length: int = 2000

    def __post_init__(self) -> None:
        problem = userinfo_error("the SPARQL endpoint", self.endpoint) if isinstance(self.endpoint, str) else None
        if problem:
            raise QueryError(problem)
        parts = urllib.parse.urlsplit(self.endpoint) if isinstance(self.endpoint, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            shown = redact_url(str(self.endpoint))
            raise QueryError(f"the SPARQL endpoint must be an http(s) URL, not {shown!r}")
        if not _is_iri(self.endpoint):
            raise QueryError(
                "the SPARQL endpoint URL has spaces or characters not allowed in an IRI: "
                f"{redact_url(self.endpoint)!r}"
            )
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= MAX_BATCH_SIZE:
            raise QueryError(f"batch_size must be in 1..{MAX_BATCH_SIZE}, not {self.batch_size!r}")
        if not isinstance(self.max_retries, int) or self.max_retries < 0:
            raise QueryError(f"max_retries must be an integer >= 0, not {self.max_retries!r}")
        if not self.timeout > 0:
            raise QueryError(f"timeout must be > 0 seconds, not {self.timeout!r}")
        agent = self.user_agent
        if not isinstance(agent, str) or not agent.strip() or "\n" in agent or "\r" in agent:
            raise QueryError("user_agent must be one non-empty line (Wikidata refuses requests without one)")
        if self.backoff_base < 0 or self.backoff_max < 0:
            raise QueryError("backoff_base and backoff_max must be >= 0 seconds")
        if self.cache_max_age_days is not None and self.cache_max_age_days < 0:
            raise QueryError(f"cache_max_age_days must be >= 0, not {self.cache_max_age_days!r}")
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir).expanduser())

    @property
    def source(self) -> str:
        """The endpoint as recorded in mappings and messages (without any user:password@)."""
        return redact_url(self.endpoint)

    def resolved_cache_dir(self) -> Path | None:
        """Where this endpoint's batches are cached, or None when caching is off."""
        if not self.cache:
            return None
        root = self.cache_dir if self.cache_dir is not None else default_cache_dir()
        host = re.sub(r"[^A-Za-z0-9.-]", "_", urllib.parse.urlsplit(self.endpoint).hostname or "endpoint")
        return root / f"{host}-{hashlib.sha256(self.source.encode()).hexdigest()[:12]}"


# ---------------------------------------------------------------------- mappings


@dataclass(frozen=True, order=True)
class Mapping:
    """``subject`` (a CURIE) ``predicate`` ``object`` (a Wikidata item IRI), found at ``source`` on ``date``
    through Wikidata property ``property``."""

    subject: str
    object: str
    predicate: str
    source: str
    date: str
    property: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*:[^\s]+", self.subject or ""):
            raise ValueError(f"Mapping.subject must be a CURIE, not {self.subject!r}")
        if not _is_iri(self.object):
            raise ValueError(f"Mapping.object must be an http(s) IRI, not {self.object!r}")
        if self.predicate not in _PREDICATES:
            allowed = ", ".join(_PREDICATES)
            raise ValueError(f"Mapping.predicate must be one of {allowed}, not {self.predicate!r}")
        if not _is_iri(self.source):
            raise ValueError(f"Mapping.source must be the endpoint's http(s) URL, not {self.source!r}")
        try:
            ok = len(self.date) == 10 and date.fromisoformat(self.date).isoformat() == self.date
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"Mapping.date must be an ISO date YYYY-MM-DD, not {self.date!r}")
        if not _PROPERTY.match(self.property or ""):
            raise ValueError(f"Mapping.property must be a Wikidata property id (P715), not {self.property!r}")


def _is_iri(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(("http://", "https://"))
        and not re.search(r'[\x00-\x20<>"{}|^`\\]', value)
    )


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def mappings_graph(mappings: Iterable[Mapping]) -> list[ox.Quad]:
    """The quads of the mappings graph (:data:`MAPPINGS_GRAPH`), sorted and without duplicates.

    Per mapping: the plain triple ``subject predicate object``, and a record ``kgr:mapping/<hash>`` (the
    hash of all six fields) typed ``rdf:Statement`` with ``rdf:subject``/``rdf:predicate``/``rdf:object``,
    ``dcterms:source <endpoint>``, ``dcterms:date "YYYY-MM-DD"^^xsd:date``,
    ``sssom:object_match_field <http://www.wikidata.org/entity/P715>`` and, for the identifier schemes
    of :data:`ID_SCHEMES`, ``sssom:match_string`` (the value Wikidata holds, e.g. ``"DOID:9538"``)."""
    conv = converter()
    quads: dict[ox.Quad, None] = {}
    for m in sorted(set(mappings)):
        subject_iri = conv.expand(m.subject)
        if subject_iri is None:
            raise QueryError(f"no IRI for {m.subject!r}: its prefix is not in ontology/prefixes.json")
        s, p, o = ox.NamedNode(subject_iri), ox.NamedNode(_PREDICATES[m.predicate]), ox.NamedNode(m.object)
        key = _hash(m.subject, m.predicate, m.object, m.source, m.date, m.property)
        record = ox.NamedNode(_KGR_MAPPING + key)
        triples = [
            (s, p, o),
            (record, ox.NamedNode(_RDF + "type"), ox.NamedNode(_RDF + "Statement")),
            (record, ox.NamedNode(_RDF + "subject"), s),
            (record, ox.NamedNode(_RDF + "predicate"), p),
            (record, ox.NamedNode(_RDF + "object"), o),
            (record, ox.NamedNode(_DCTERMS + "source"), ox.NamedNode(m.source)),
            (record, ox.NamedNode(_DCTERMS + "date"), ox.Literal(m.date, datatype=_XSD_DATE)),
            (record, ox.NamedNode(_SSSOM + "object_match_field"), ox.NamedNode(WIKIDATA_ENTITY + m.property)),
        ]
        prefix, _, local = m.subject.partition(":")
        scheme = ID_SCHEMES.get(prefix)
        if scheme is not None and scheme.property == m.property:
            triples.append((record, ox.NamedNode(_SSSOM + "match_string"), ox.Literal(scheme.value(local))))
        for triple in triples:
            quads[ox.Quad(*triple, MAPPINGS_GRAPH)] = None
    return sorted(quads, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))


# ---------------------------------------------------------------------- SPARQL text and answers


def build_query(property_id: str, values: Sequence[str]) -> str:
    """The SELECT query for one batch. Raises QueryError for a property or a value that is not safe."""
    if not isinstance(property_id, str) or not _PROPERTY.match(property_id):
        raise QueryError(f"{property_id!r} is not a Wikidata property id (like P715)")
    if not values:
        raise QueryError("a batch needs at least one identifier")
    for value in values:
        if not isinstance(value, str) or not _SAFE_VALUE.match(value):
            raise QueryError(
                f"{value!r} is not a safe identifier (allowed: letters, digits, ':', '_', '.', '-'); "
                "it is not sent to the SPARQL endpoint"
            )
    quoted = " ".join(f'"{value}"' for value in values)
    return QUERY_TEMPLATE.substitute(values=quoted, property=property_id)


class _Malformed(Exception):
    """A 200 answer that is not a usable SPARQL JSON result."""


def parse_results(body: bytes | str, asked: Collection[str]) -> list[tuple[str, str]]:
    """``(id, item IRI)`` pairs of a SPARQL JSON SELECT answer (W3C format), sorted and distinct.

    Bindings whose ``?id`` was not asked for, or whose ``?item`` is not a Wikidata entity IRI (a literal,
    a blank node, another namespace) are skipped with a warning. Raises ``ValueError`` when the body is
    not SPARQL JSON results."""
    try:
        return _parse(body, asked)
    except _Malformed as exc:
        raise ValueError(str(exc)) from None


def _parse(body: bytes | str, asked: Collection[str]) -> list[tuple[str, str]]:
    raw = body.decode("utf-8") if isinstance(body, bytes) else body
    if not raw.strip():
        raise _Malformed("empty body")
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise _Malformed(f"not JSON ({exc}): {_snippet(raw)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("head"), dict):
        raise _Malformed(f"no 'head' object: {_snippet(raw)}")
    results = doc.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list):
        if "boolean" in doc:
            raise _Malformed("an ASK answer (boolean), expected SELECT results")
        raise _Malformed(f"no 'results.bindings' list: {_snippet(raw)}")
    wanted = set(asked)
    pairs: set[tuple[str, str]] = set()
    skipped: list[str] = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise _Malformed(f"a binding is not an object: {_snippet(json.dumps(binding))}")
        item, ident = binding.get("item"), binding.get("id")
        if not (isinstance(ident, dict) and ident.get("type") in ("literal", "typed-literal")):
            skipped.append(f"?id {ident!r}")
            continue
        value = ident.get("value")
        if value not in wanted:
            skipped.append(f"?id {value!r} was not asked for")
            continue
        if not (isinstance(item, dict) and item.get("type") == "uri" and isinstance(item.get("value"), str)):
            skipped.append(f"?item {item!r} is not an IRI")
            continue
        if not _ITEM.match(item["value"]):
            skipped.append(f"?item <{item['value']}> is not a Wikidata item")
            continue
        pairs.add((value, item["value"]))
    if skipped:
        log.warning("skipped %d unusable binding(s), e.g. %s", len(skipped), _snippet(skipped[0]))
    return sorted(pairs)


# ---------------------------------------------------------------------- the linker


@dataclass
class LinkStats:
    """What one :meth:`Linker.link` call did."""

    identifiers: int = 0  # distinct identifiers asked about
    from_cache: int = 0  # answered by cached batches
    queried: int = 0  # sent to the endpoint
    requests: int = 0  # HTTP requests made, retries included
    batches: int = 0  # batches sent
    mappings: int = 0
    unmatched: list[str] = field(default_factory=list)  # CURIEs with no item


@dataclass
class _Known:
    date: str
    items: list[str]


class Linker:
    """Looks identifiers up on one SPARQL endpoint, with retries and an on-disk cache.

    ``session`` (a ``requests.Session``) and ``sleep`` can be replaced, e.g. by tests. ``progress`` is
    called with a short message after each batch."""

    def __init__(
        self,
        config: LinkConfig | None = None,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.config = config or LinkConfig()
        self._own_session = session is None
        self._session = session if session is not None else requests.Session()
        self._sleep = sleep
        self._progress = progress
        self.stats = LinkStats()
        cache_dir = self.config.resolved_cache_dir()
        self._cache_dir = cache_dir

    def close(self) -> None:
        if self._own_session:
            self._session.close()

    def __enter__(self) -> Linker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ----------------------------------------------------------------------------
    def link(self, terms: Iterable[str], *, today: date | None = None) -> list[Mapping]:
        """Mappings for ``terms`` (CURIEs or IRIs of DrugBank, DOID, HGNC identifiers), sorted.

        Raises QueryError for an identifier that is not valid (nothing is sent then), FetchError when the
        endpoint cannot be reached or fails."""
        if isinstance(terms, str):
            raise TypeError("link() expects an iterable of CURIEs, not a single string")
        day = (today or datetime.now(UTC).date()).isoformat()
        by_scheme: dict[str, dict[str, str]] = {}  # prefix -> value -> CURIE
        for term in terms:
            curie, scheme, local = _parse_curie(term)
            by_scheme.setdefault(scheme.prefix, {})[scheme.value(local)] = curie
        self.stats = LinkStats(identifiers=sum(len(v) for v in by_scheme.values()))
        mappings: list[Mapping] = []
        for prefix, curie_of in by_scheme.items():
            scheme = ID_SCHEMES[prefix]
            known = self._link_scheme(scheme, sorted(curie_of), day)
            for value, curie in curie_of.items():
                answer = known[value]
                if not answer.items:
                    self.stats.unmatched.append(curie)
                if len(answer.items) > 1:
                    log.info("%s has %d Wikidata items: %s", curie, len(answer.items), " ".join(answer.items))
                for item in answer.items:
                    mappings.append(Mapping(
                        curie, item, "skos:exactMatch", self.config.source, answer.date, scheme.property
                    ))
        mappings.sort()
        self.stats.mappings = len(mappings)
        self.stats.unmatched.sort()
        return mappings

    # -- batches and cache -------------------------------------------------------------------
    def _link_scheme(self, scheme: IdScheme, values: list[str], day: str) -> dict[str, _Known]:
        known = self._cached(scheme.property, day)
        hit = {v: known[v] for v in values if v in known}
        todo = [v for v in values if v not in known]
        self.stats.from_cache += len(hit)
        self.stats.queried += len(todo)
        size = self.config.batch_size
        total = (len(todo) + size - 1) // size
        if hit:
            log.info("%s: %d identifiers from the cache, %d to ask %s", scheme.prefix, len(hit), len(todo),
                     self.config.source)
        for number, start in enumerate(range(0, len(todo), size), 1):
            batch = todo[start : start + size]
            pairs = self._query_batch(scheme.property, batch)
            self.stats.batches += 1
            items: dict[str, list[str]] = {v: [] for v in batch}
            for value, item in pairs:
                items[value].append(item)
            for value in batch:
                hit[value] = _Known(day, sorted(items[value]))
            self._store(scheme.property, batch, pairs, day)
            if self._progress is not None:
                self._progress(f"{scheme.prefix} ({scheme.property}) batch {number}/{total}")
        return hit

    def _cache(self, property_id: str) -> FileCache | None:
        if self._cache_dir is None:
            return None
        return FileCache(self._cache_dir, prefix=f"{property_id}-", suffix=".json")

    def _cached(self, property_id: str, day: str) -> dict[str, _Known]:
        """value -> its newest cached answer (not older than cache_max_age_days)."""
        cache = self._cache(property_id)
        if cache is None or not cache.root.is_dir():
            return {}
        oldest: str | None = None
        if self.config.cache_max_age_days is not None:
            oldest = (date.fromisoformat(day) - timedelta(days=self.config.cache_max_age_days)).isoformat()
        known: dict[str, _Known] = {}
        for path in sorted(cache.root.glob(f"{cache.prefix}*{cache.suffix}")):
            key = path.name[len(cache.prefix) : -len(cache.suffix)]
            data = cache.get(key)
            record = self._read_record(data, property_id) if data is not None else None
            if record is None:
                log.warning("ignoring a bad cache file: %s", path)
                cache.discard(key)
                continue
            answered, ids, pairs = record
            if oldest is not None and answered < oldest:
                continue
            items: dict[str, list[str]] = {v: [] for v in ids}
            for value, item in pairs:
                items[value].append(item)
            for value in ids:
                if value not in known or known[value].date < answered:
                    known[value] = _Known(answered, sorted(items[value]))
        return known

    def _read_record(
        self, data: bytes, property_id: str
    ) -> tuple[str, list[str], list[tuple[str, str]]] | None:
        try:
            record = json.loads(data.decode("utf-8"))
            if (
                record["format"] != _CACHE_FORMAT
                or record["template"] != _TEMPLATE_ID
                or record["endpoint"] != self.config.source
                or record["property"] != property_id
            ):
                return None
            answered = record["date"]
            date.fromisoformat(answered)
            ids = [str(v) for v in record["ids"]]
            pairs = [(str(v), str(i)) for v, i in record["matches"]]
        except (UnicodeDecodeError, ValueError, KeyError, TypeError):
            return None
        if any(not _SAFE_VALUE.match(v) for v in ids):
            return None
        if any(v not in ids or not _ITEM.match(i) for v, i in pairs):
            return None
        return answered, ids, pairs

    def _store(self, property_id: str, batch: list[str], pairs: list[tuple[str, str]], day: str) -> None:
        cache = self._cache(property_id)
        if cache is None:
            return
        record = {
            "format": _CACHE_FORMAT,
            "template": _TEMPLATE_ID,
            "endpoint": self.config.source,
            "property": property_id,
            "date": day,
            "ids": sorted(batch),
            "matches": [list(pair) for pair in pairs],
        }
        key = cache_key(_CACHE_FORMAT, self.config.source, property_id, ",".join(sorted(batch)))
        cache.put(key, (json.dumps(record, indent=1, sort_keys=True) + "\n").encode("utf-8"))

    # -- HTTP ----------------------------------------------------------------------------------
    def _query_batch(self, property_id: str, batch: list[str]) -> list[tuple[str, str]]:
        query = build_query(property_id, batch)
        endpoint = self.config.source
        attempts = self.config.max_retries + 1
        reason = "no attempt made"
        for attempt in range(1, attempts + 1):
            response: requests.Response | None = None
            self.stats.requests += 1
            try:
                response = self._send(query)
            except requests.Timeout:
                reason = f"timed out after {self.config.timeout:g} s"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                reason = f"cannot be reached (connection failed: {type(exc).__name__})"
                log.debug("%s: %s", endpoint, redact_url(str(exc)))
            except requests.RequestException as exc:  # not transient: bad URL, bad scheme...
                raise FetchError(
                    f"SPARQL endpoint {endpoint}: request failed: {type(exc).__name__}: {redact_url(str(exc))}"
                ) from None
            else:
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        return _parse(response.content, batch)
                    except _Malformed as exc:
                        reason = f"answered with malformed SPARQL JSON results ({exc})"
                elif status in RETRY_STATUSES:
                    reason = f"failed with HTTP {status} {response.reason or ''}".rstrip()
                else:
                    raise self._http_error(response)
            if attempt < attempts:
                delay = self._backoff(attempt, response)
                retries = self.config.max_retries
                log.info("%s %s; retry %d of %d in %.2f s", endpoint, reason, attempt, retries, delay)
                self._sleep(delay)
        raise FetchError(f"SPARQL endpoint {endpoint} {reason}; tried {attempts} time(s)")

    def _send(self, query: str) -> requests.Response:
        headers = {"User-Agent": self.config.user_agent, "Accept": SPARQL_JSON}
        form = {"query": query}
        url, timeout = self.config.endpoint, self.config.timeout
        if len(urllib.parse.urlencode(form)) <= self.config.max_get_length:
            return self._session.get(url, params=form, headers=headers, timeout=timeout)
        return self._session.post(url, data=form, headers=headers, timeout=timeout)

    def _backoff(self, attempt: int, response: requests.Response | None) -> float:
        if response is not None:
            wait = retry_after(response.headers.get("Retry-After"))
            if wait is not None:
                if wait > self.config.backoff_max:
                    raise FetchError(
                        f"SPARQL endpoint {self.config.source} asks to wait {wait:g} s before "
                        f"retrying (HTTP {response.status_code}), more than "
                        f"backoff_max={self.config.backoff_max:g} s; try again later"
                    )
                return wait
        return min(self.config.backoff_max, self.config.backoff_base * 2 ** (attempt - 1))

    def _http_error(self, response: requests.Response) -> FetchError:
        status = response.status_code
        detail = _error_detail(response)
        where = f"SPARQL endpoint {self.config.source}"
        suffix = f": {detail}" if detail else ""
        if status in (400, 414):
            return FetchError(f"{where} rejected the query (HTTP {status}){suffix}")
        if status == 403:
            return FetchError(
                f"{where} refused the request (HTTP 403){suffix}; Wikidata blocks clients without a "
                f"descriptive User-Agent (sent: {self.config.user_agent!r})"
            )
        if status == 404:
            return FetchError(f"{where} was not found (HTTP 404){suffix}; check the endpoint URL")
        return FetchError(f"{where} failed with HTTP {status} {response.reason or ''}".rstrip() + suffix)


def _error_detail(response: requests.Response) -> str:
    text = response.content.decode("utf-8", "replace")
    if "html" in response.headers.get("Content-Type", "").lower() or text.lstrip().startswith("<"):
        text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
        text = re.sub(r"<[^>]+>", " ", text)
    return _snippet(text)


def _snippet(text: str, limit: int = _SNIPPET) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------- entry points


def link(
    terms: Iterable[str],
    config: LinkConfig | None = None,
    *,
    today: date | None = None,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> list[Mapping]:
    """Wikidata items for ``terms`` (CURIEs like ``DrugBank:DB06273``, ``DOID:9538``, ``HGNC:6018``, or
    their IRIs), as sorted :class:`Mapping` s. ``today`` is the date recorded for answers fetched now
    (default: today, UTC); answers from the cache keep the date they were fetched."""
    with Linker(config, session=session, sleep=sleep, progress=progress) as linker:
        return linker.link(terms, today=today)


def vocabulary_curies(
    vocabulary: Vocabulary | Iterable[Path] | None = None,
    kinds: Iterable[str] = DEFAULT_KINDS,
    *,
    only: Collection[str] | None = None,
) -> list[str]:
    """The DrugBank / DOID / HGNC CURIEs of the vocabulary's terms of the given kinds, sorted.

    ``vocabulary``: a :class:`Vocabulary`, Turtle files to load one from, or None for the project's.
    ``only``: keep only terms whose CURIE (or IRI) is in this collection -- e.g. :func:`terms_used` of
    a build -- instead of the whole vocabulary."""
    vocab = _vocabulary(vocabulary)
    wanted = _kinds(kinds)
    keep: set[str] | None = None
    if only is not None:
        if isinstance(only, str):
            raise TypeError("only= expects a collection of CURIEs, not a single string")
        conv = converter()
        keep = {(conv.compress(c) or c) if c.startswith(("http://", "https://")) else c for c in only}
    found: set[str] = set()
    for term in vocab.terms.values():
        if term.kind not in wanted or (keep is not None and term.curie not in keep):
            continue
        for xref in term.xrefs:
            prefix = xref.partition(":")[0]
            if prefix not in ID_SCHEMES:
                continue
            try:
                found.add(_parse_curie(xref)[0])
            except QueryError as exc:
                log.warning("vocabulary term %s: %s", term.curie, exc)
    return sorted(found)


def link_vocabulary(
    vocabulary: Vocabulary | Iterable[Path] | None = None,
    kinds: Iterable[str] = DEFAULT_KINDS,
    config: LinkConfig | None = None,
    *,
    only: Collection[str] | None = None,
    today: date | None = None,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[str], None] | None = None,
) -> list[Mapping]:
    """:func:`link` the :func:`vocabulary_curies` of ``vocabulary`` (default: the project's)."""
    curies = vocabulary_curies(vocabulary, kinds, only=only)
    log.info("linking %d identifiers through %s", len(curies), (config or LinkConfig()).source)
    return link(curies, config, today=today, session=session, sleep=sleep, progress=progress)


def _vocabulary(vocabulary: Vocabulary | Iterable[Path] | None) -> Vocabulary:
    if vocabulary is None:
        return default_vocabulary()
    if isinstance(vocabulary, Vocabulary):
        return vocabulary
    if isinstance(vocabulary, str | Path):
        vocabulary = [vocabulary]
    return Vocabulary.load([Path(p) for p in vocabulary])


def _kinds(kinds: Iterable[str]) -> set[EntityKind]:
    if isinstance(kinds, str):
        kinds = [kinds]
    wanted: set[EntityKind] = set()
    for kind in kinds:
        try:
            wanted.add(EntityKind(kind))
        except ValueError:
            allowed = ", ".join(k.value for k in EntityKind)
            raise QueryError(f"unknown kind {kind!r}; allowed: {allowed}") from None
    return wanted


_USE_PREDICATES = frozenset(KGO + name for name in ("mentions", "intervention", "condition", "combinedWith"))


def terms_used(quads: Iterable[ox.Quad | ox.Triple]) -> set[str]:
    """CURIEs of the vocabulary terms a built graph uses: objects of ``kgo:mentions``,
    ``kgo:intervention``, ``kgo:condition``, ``kgo:combinedWith``, and the ``rdf:subject``/``rdf:object``
    of ``kgo:Association`` records. Disease ancestors and drug targets that only the vocabulary graph
    holds are not counted. Works on a file's triples as well as on a store's quads."""
    used: set[str] = set()
    associations: set[ox.NamedNode] = set()
    ends: dict[ox.NamedNode, set[str]] = {}
    rdf_type, rdf_subject, rdf_object = _RDF + "type", _RDF + "subject", _RDF + "object"
    association = KGO + "Association"
    for quad in quads:
        predicate, obj = quad.predicate.value, quad.object
        if not isinstance(obj, ox.NamedNode):
            continue
        if predicate in _USE_PREDICATES:
            used.add(obj.value)
        elif predicate == rdf_type and obj.value == association:
            associations.add(quad.subject)
        elif predicate in (rdf_subject, rdf_object):
            ends.setdefault(quad.subject, set()).add(obj.value)
    for node in associations:
        used |= ends.get(node, set())
    conv = converter()
    return {c for c in (conv.compress(iri) for iri in used) if c}
