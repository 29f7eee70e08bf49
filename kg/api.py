"""The public API: read, extract, build, export, ask. The CLI is a thin layer over these functions."""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from kg.errors import FetchError, InputError, KGError
from kg.export import to_record
from kg.extract import Extractor
from kg.model import Document, Extraction
from kg.query import bind, get_query
from kg.rdf.build import VOCABULARY_GRAPH, GraphBuilder, graph_iri, used_terms
from kg.rdf.serialize import (
    STREAMED_FORMATS,
    StreamedOutput,
    check_output,
    format_for,
    graph_nquads,
    serialize,
    write_output,
)
from kg.rdf.terms import KGR
from kg.rdf.vocabgraph import vocabulary_nquads
from kg.readers import Deletion, pubmed_baseline, read_bytes, read_paths
from kg.readers.common import check_settings
from kg.store.embedded import EmbeddedStore, Row, is_store

#: The document graphs this tool makes; ``kg build --prune`` removes only graphs named so (never the
#: vocabulary graph, the mappings graph of ``kg link``, or anybody else's).
DOCUMENT_GRAPH_PREFIXES = tuple(KGR[f"graph/{kind}-"].value for kind in ("pmid", "doi", "text", "source"))
MAX_PUBMED_RESULTS = 10_000


class EmptyBuildError(KGError):
    """Raised when a build read no document at all: nothing was written and the old output is unchanged."""

    def __init__(self, message: str, summary: Summary) -> None:
        super().__init__(message)
        self.summary = summary


class DuplicateDocumentError(InputError):
    """Reported (not raised) for a document with the same PMID, DOI or text as one read before it in the
    same build: the first is kept, the second is not written, so two files never merge into one article."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Inputs:
    """Where documents come from: files, folders and globs; PubMed ids; a PubMed search."""

    paths: tuple[str, ...] = ()
    format: str | None = None
    pmids: tuple[str, ...] = ()
    pubmed_query: str | None = None
    max_results: int = 100
    follow_symlinks: bool = False
    timeout: float | None = None  # seconds one E-utilities call may take, retries included (default 120)

    @classmethod
    def from_arguments(cls, arguments: Sequence[str], **kwargs) -> Inputs:
        """Split command-line arguments into paths and ``pmid:N`` references."""
        pmids = tuple(a.split(":", 1)[1] for a in arguments if a.lower().startswith("pmid:"))
        paths = tuple(a for a in arguments if not a.lower().startswith("pmid:"))
        return cls(paths=paths, pmids=pmids + tuple(kwargs.pop("pmids", ())), **kwargs)

    def check(self) -> None:
        """Raise KGError for anything wrong with the inputs or the settings, before any work is done."""
        try:
            check_settings()
        except InputError as error:  # a SettingError names the variable
            raise KGError(str(error)) from None
        for pmid in self.pmids:
            from kg.sources.eutils import normalize_pmid  # the network client: imported only when asked for

            try:
                normalize_pmid(pmid)
            except ValueError:
                raise KGError(f"pmid:{pmid}: not a PubMed ID (expected a positive number, e.g. pmid:25589616)") from None
        if self.pubmed_query is not None:
            if not self.pubmed_query.strip():
                raise KGError("--pubmed-query: the search is empty")
            if not 1 <= self.max_results <= MAX_PUBMED_RESULTS:
                raise KGError(f"--max {self.max_results}: must be between 1 and {MAX_PUBMED_RESULTS}")
        if self.timeout is not None and not self.timeout > 0:
            raise KGError(f"--timeout {self.timeout:g}: must be a positive number of seconds")
        if self.pmids or self.pubmed_query:
            _eutils_config(self)


def _eutils_config(inputs: Inputs):
    """The E-utilities settings: ``KG_EUTILS_URL`` (a mirror, or a local server in tests) and the timeout."""
    from kg.sources.eutils import EutilsConfig

    settings: dict = {}
    base_url = os.environ.get("KG_EUTILS_URL", "").strip()
    if base_url:
        settings["base_url"] = base_url
    if inputs.timeout is not None:
        settings["total_timeout"] = inputs.timeout
    try:
        return EutilsConfig(**settings)
    except ValueError as exc:
        raise KGError(f"KG_EUTILS_URL: {exc}" if base_url else str(exc)) from None


@dataclass
class Summary:
    """What a build or an export did."""

    documents: int = 0
    failed: list[InputError] = field(default_factory=list)
    entities: set[str] = field(default_factory=set)
    mentions: int = 0
    findings: int = 0
    associations: int = 0
    triples: int = 0
    output: str | None = None
    pruned: int = 0
    deleted: int = 0
    revised: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, extraction: Extraction) -> None:
        self.documents += 1
        self.entities.update(t.curie for t in extraction.terms())
        self.mentions += len(extraction.mentions)
        self.findings += len({f.key for f in extraction.findings})
        self.associations += len(extraction.associations)

    def add_built(self, built: BuiltDocument) -> None:
        self.documents += 1
        self.entities.update(built.terms)
        self.mentions += built.mentions
        self.findings += built.findings
        self.associations += built.associations

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "failed": len(self.failed),
            "entities": len(self.entities),
            "mentions": self.mentions,
            "findings": self.findings,
            "associations": self.associations,
            "triples": self.triples,
            "output": self.output,
            "pruned": self.pruned,
            "deleted": self.deleted,
            "revised": self.revised,
        }


def read(inputs: Inputs, *, exclude: Sequence[Path] = (),
         deletions: bool = False) -> Iterator[Document | InputError | Deletion]:
    """Every document of the inputs, or an InputError for each one that could not be read (a PubMed fetch
    that failed included: the other documents are still read). ``exclude``: files and folders never read.
    ``deletions``: also yield a Deletion for each ``DeleteCitation`` of a PubMed update file."""
    if inputs.paths:
        yield from read_paths(inputs.paths, format=inputs.format, exclude=exclude,
                              follow_symlinks=inputs.follow_symlinks, deletions=deletions)
    if inputs.pmids or inputs.pubmed_query:
        from kg.sources.eutils import EutilsClient  # network client: imported only when asked for

        with EutilsClient(_eutils_config(inputs)) as client:
            size = client.config.batch_size
            for start in range(0, len(inputs.pmids), size):
                batch = list(inputs.pmids[start : start + size])
                yield from _fetched(client.efetch_pubmed(batch), _pmid_label(batch))
            if inputs.pubmed_query:
                label = f"PubMed search {inputs.pubmed_query!r}"
                yield from _fetched(client.search_and_fetch(inputs.pubmed_query, inputs.max_results), label)


def _pmid_label(batch: Sequence[str]) -> str:
    shown = ",".join(batch[:5]) + (f",... ({len(batch)} PMIDs)" if len(batch) > 5 else "")
    return f"pmid:{shown}"


def _fetched(batches: Iterable[tuple[str, bytes]], label: str) -> Iterator[Document | InputError]:
    """The documents of fetched PubMed XML batches; a failed fetch becomes one InputError."""
    try:
        for source, xml in batches:
            try:
                yield from read_bytes(xml, source, format="pubmed_xml")
            except InputError as error:
                yield error
    except FetchError as error:
        yield InputError(label, str(error))


# ------------------------------------------------------------------ extraction, in one or more processes

_worker_extractor: Extractor | None = None
_worker_builder: GraphBuilder | None = None
#: Documents sent to a worker at a time, and chunks in flight per worker: bounded, so a streamed baseline
#: file is never read far ahead of what the workers have done (memory stays flat).
CHUNK = 16
IN_FLIGHT_PER_JOB = 4


@contextmanager
def _frozen_heap() -> Iterator[None]:
    """The objects alive now (the loaded vocabulary, matcher and model) out of the collector's sight while
    documents are extracted: they are never garbage, and each full collection would walk them all again
    (about a twentieth of a one-process build). Given back to the collector at the end."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _init_worker(use_source_annotations: bool) -> None:
    global _worker_extractor, _worker_builder
    if _worker_extractor is None or _worker_extractor.use_source_annotations != use_source_annotations:
        _worker_extractor = Extractor(use_source_annotations=use_source_annotations)
    if _worker_builder is None:
        _worker_builder = GraphBuilder()


def _extract_chunk(items: list) -> list:
    assert _worker_extractor is not None
    return [item if isinstance(item, InputError | Deletion) else _worker_extractor.extract(item) for item in items]


def _build_chunk(items: list) -> list:
    assert _worker_extractor is not None and _worker_builder is not None
    return [item if isinstance(item, InputError | Deletion)
            else _built(_worker_extractor.extract(item), _worker_builder) for item in items]


def _pool_context() -> multiprocessing.context.BaseContext:
    """fork where the platform has it: workers inherit the loaded vocabulary and matcher instead of
    loading them again; spawn elsewhere."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _parallel(work: Callable[[list], list], items: Iterable, jobs: int, use_source_annotations: bool) -> Iterator:
    """``work`` over chunks of ``items`` in ``jobs`` processes, results in input order, a bounded number of
    chunks in flight."""
    context = _pool_context()
    if context.get_start_method() == "fork":
        _init_worker(use_source_annotations)  # loaded once here, inherited by every worker
    # frozen before the fork: the collector in a worker must not touch (and so copy) every inherited object
    with _frozen_heap(), context.Pool(jobs, initializer=_init_worker, initargs=(use_source_annotations,)) as pool:
        pending: deque = deque()
        for chunk in _chunks(items, CHUNK):
            pending.append(pool.apply_async(work, (chunk,)))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()


def extract(
    items: Iterable[Document | InputError], *, jobs: int = 1, use_source_annotations: bool = True
) -> Iterator[Extraction | InputError]:
    """Extract every document; errors (and deletions) pass through. ``jobs > 1`` spreads documents over
    processes."""
    if jobs <= 1:
        extractor = Extractor(use_source_annotations=use_source_annotations)
        with _frozen_heap():
            for item in items:
                yield item if isinstance(item, InputError | Deletion) else extractor.extract(item)
        return
    yield from _parallel(_extract_chunk, items, jobs, use_source_annotations)


@dataclass(frozen=True)
class BuiltDocument:
    """One document's graph as sorted N-Quads, with what the build summary and the vocabulary need (small
    enough to send between processes)."""

    source: str
    pmid: str | None
    doi: str | None
    graph: str
    nquads: bytes
    terms: frozenset[str]
    used: frozenset[str]
    mentions: int
    findings: int
    associations: int

    @property
    def from_pubmed_release(self) -> bool:
        """Whether it comes from a file named like NCBI's baseline and update files (pubmed25n0001.xml.gz),
        where a PMID seen again is a revised record that replaces the earlier one."""
        return bool(pubmed_baseline.FILE_NAME.match(Path(self.source).name))


def _built(extraction: Extraction, builder: GraphBuilder) -> BuiltDocument | InputError:
    document = extraction.document
    try:
        quads = builder.quads(extraction)
    except KGError as exc:  # e.g. an annotation id the prefix map cannot expand: this document only
        return InputError(document.source, str(exc))
    return BuiltDocument(
        source=document.source, pmid=document.pmid, doi=document.doi, graph=graph_iri(document).value,
        nquads=graph_nquads(quads), terms=frozenset(t.curie for t in extraction.terms()),
        used=frozenset(used_terms([extraction])), mentions=len(extraction.mentions),
        findings=len({f.key for f in extraction.findings}), associations=len(extraction.associations),
    )


def build_documents(items: Iterable[Document | InputError | Deletion], *, jobs: int = 1,
                    use_source_annotations: bool = True) -> Iterator[BuiltDocument | InputError | Deletion]:
    """Extract and build every document (in ``jobs`` processes): each becomes a BuiltDocument."""
    if jobs <= 1:
        extractor = Extractor(use_source_annotations=use_source_annotations)
        builder = GraphBuilder()
        with _frozen_heap():
            for item in items:
                yield item if isinstance(item, InputError | Deletion) else _built(extractor.extract(item), builder)
        return
    yield from _parallel(_build_chunk, items, jobs, use_source_annotations)


# ------------------------------------------------------------------ build, export

def build(
    inputs: Inputs,
    *,
    output: Path | None = None,
    fmt: str | None = None,
    store: Path | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
    prune: bool = False,
) -> Summary:
    """Read, extract and write RDF: to ``output`` (a file) or into the on-disk ``store``, or both.

    Everything that can be checked is checked before any work (output path and format, inputs, settings).
    A build that reads no document raises EmptyBuildError and writes nothing. The output file and the store
    are never read as inputs. A document with the PMID, DOI or text of one read before it is reported as a
    DuplicateDocumentError and not written. With ``prune`` (needs ``store``), document graphs of the store
    that this build did not write are removed in one transaction, unless some input failed to read.

    N-Quads and N-Triples are written as the documents come (see StreamedOutput: memory stays flat); Turtle,
    TriG and JSON-LD are written from the whole graph at the end. A ``DeleteCitation`` of a PubMed update
    file drops the graphs of its PMIDs from the store, and from the output file when this build read them
    before it (a PMID read again after its deletion is written again). In files named like NCBI's baseline
    and update files, a PMID read again is a revised record: it replaces the earlier one (in file order)
    instead of being reported as a duplicate. A build whose inputs only delete changes a store, never
    an output file."""
    if output is None and store is None:
        output = Path("output/kg.ttl")
    if prune and store is None:
        raise KGError("--prune needs --store DIR: it removes from a store the documents no longer in the inputs")
    if output is not None:
        check_output(output)
    fmt = format_for(output, fmt) if output is not None else None
    if store is not None and Path(store).exists() and not Path(store).is_dir():
        raise KGError(f"{store}: not a folder, so it cannot hold a store")
    inputs.check()
    summary = Summary(output=str(output or store))
    target: EmbeddedStore | None = None  # opened at the first document: an empty build creates nothing
    identities: dict[str, str] = {}
    written: dict[str, bool] = {}  # graph -> written from a PubMed release file (a later record revises it)
    used: set[str] = set()
    excluded = [p for p in (output, store) if p is not None]
    streamed = StreamedOutput(output, fmt) if output is not None and fmt in STREAMED_FORMATS else None
    whole: dict[str, bytes] | None = {} if output is not None and streamed is None else None
    spool = streamed  # removed at the end whatever happens

    def failed(error: InputError) -> None:
        summary.failed.append(error)
        if progress:
            progress(f"error: {error}")

    def delete(deletion: Deletion) -> None:
        nonlocal target
        graphs = [KGR[f"graph/pmid-{pmid}"] for pmid in deletion.pmids]
        for pmid, graph in zip(deletion.pmids, graphs, strict=True):
            identities.pop(f"PMID {pmid}", None)
            if written.pop(graph.value, None) is not None:
                summary.documents -= 1
            if streamed is not None:
                streamed.drop(graph.value)
            if whole is not None:
                whole.pop(graph.value, None)
        summary.deleted += len(graphs)
        if store is not None and graphs:
            target = target or EmbeddedStore(Path(store))
            target.drop_graphs(graphs)

    try:
        for item in build_documents(read(inputs, exclude=excluded, deletions=True), jobs=jobs):
            if isinstance(item, Deletion):
                delete(item)
                continue
            if isinstance(item, InputError):
                failed(item)
                continue
            revision = item.from_pubmed_release and written.get(item.graph, False)
            duplicate = None if revision else _duplicate_of(item.source, item.pmid, item.doi, item.graph, identities)
            if duplicate is not None:
                failed(duplicate)
                continue
            written[item.graph] = item.from_pubmed_release
            if revision:
                summary.revised += 1
            else:
                summary.add_built(item)
            used.update(item.used)
            if store is not None:
                target = target or EmbeddedStore(Path(store))
                target.replace_graph(ox.NamedNode(item.graph), ox.parse(item.nquads, format=ox.RdfFormat.N_QUADS))
            if streamed is not None:
                streamed.write_graph(item.graph, item.nquads)
            if whole is not None:
                whole[item.graph] = item.nquads
            if progress:
                progress(item.source)
        if not summary.documents and not (summary.deleted and store is not None):
            where = " and ".join(str(p) for p in excluded)
            raise EmptyBuildError(f"no document was read ({len(summary.failed)} inputs failed); nothing written, "
                                  f"{where} left as it was", summary)
        if not summary.documents and output is not None:  # deletions only: the store changed, not the file
            summary.notes.append(f"{output} left as it was: no document was read, only deletions")
            streamed = whole = None
            output = None
        vocabulary = vocabulary_nquads(used)
        if target is not None:
            target.add(ox.parse(vocabulary, format=ox.RdfFormat.N_QUADS))
            if prune:
                _prune(target, written, summary)
            target.flush()
            summary.triples = len(target)
        if streamed is not None:
            streamed.write_graph(VOCABULARY_GRAPH.value, vocabulary)
            summary.triples = streamed.statements
            streamed.commit()
        if whole is not None and output is not None:
            quads = [q for data in [*whole.values(), vocabulary] for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)]
            write_output(output, serialize(quads, fmt or "ttl"))
            summary.triples = len(set(quads))
    finally:
        if spool is not None:
            spool.discard()
    return summary


def _duplicate(document: Document, identities: dict[str, str]) -> DuplicateDocumentError | None:
    """:func:`_duplicate_of` for a Document."""
    return _duplicate_of(document.source, document.pmid, document.doi, graph_iri(document).value, identities)


def _duplicate_of(source: str, pmid: str | None, doi: str | None, graph: str,
                  identities: dict[str, str]) -> DuplicateDocumentError | None:
    """A DuplicateDocumentError if the document has the PMID, DOI or (without both) the text of an earlier
    document; else None, and its identities are remembered."""
    keys = [f"PMID {pmid}" if pmid else "", f"DOI {doi.lower()}" if doi else ""]
    keys = [k for k in keys if k] or [graph]
    for key in keys:
        if key in identities:
            what = key if not key.startswith("http") else "text"
            return DuplicateDocumentError(
                source, f"same {what} as {identities[key]}; kept the first, this one is not written"
            )
    for key in keys:
        identities[key] = source
    return None


def _prune(target: EmbeddedStore, written: Container[str], summary: Summary) -> None:
    """Remove the document graphs not written by this build (one transaction), unless an input failed."""
    unread = [f for f in summary.failed if not isinstance(f, DuplicateDocumentError)]
    stale = [g for g in target.graphs() if g.startswith(DOCUMENT_GRAPH_PREFIXES) and g not in written]
    if unread and stale:
        summary.notes.append(f"not pruned: {len(unread)} inputs failed to read, and pruning would remove their "
                             f"graphs; {len(stale)} graphs kept")
        return
    summary.pruned = target.drop_graphs(ox.NamedNode(g) for g in stale)


def extractions(
    inputs: Inputs, summary: Summary, *, jobs: int = 1, progress: Progress | None = None,
    use_source_annotations: bool = True, exclude: Sequence[Path] = (),
) -> Iterator[Extraction]:
    """The extractions of the inputs, in order; each one is counted in ``summary``, each input that failed
    is added to it and reported through ``progress``."""
    for item in extract(read(inputs, exclude=exclude), jobs=jobs, use_source_annotations=use_source_annotations):
        if isinstance(item, InputError):
            summary.failed.append(item)
            if progress:
                progress(f"error: {item}")
            continue
        summary.add(item)
        yield item
        if progress:
            progress(item.document.source)


def export_jsonl(inputs: Inputs, out: TextIO, *, jobs: int = 1, progress: Progress | None = None,
                 use_source_annotations: bool = True) -> Summary:
    """Write one JSON object per document (the evaluation format) to ``out``."""
    inputs.check()
    summary = Summary(output=getattr(out, "name", None))
    for item in extractions(inputs, summary, jobs=jobs, progress=progress, use_source_annotations=use_source_annotations):
        out.write(json.dumps(to_record(item), ensure_ascii=False) + "\n")
    return summary


# ------------------------------------------------------------------ ask

def open_store(*, data: Sequence[Path] = (), store: Path | None = None, writable: bool = False) -> EmbeddedStore:
    """An embedded store over an existing on-disk store folder (opened read-only unless ``writable``; a
    missing or empty folder is an error, never a new store), or an in-memory one loaded with RDF files."""
    if store is not None:
        store = Path(store)
        if not store.exists():
            raise KGError(f"{store}: no store there (no such folder); build one with: kg build PATH --store {store}")
        if not is_store(store):
            raise KGError(f"{store}: no store there (the folder holds no Oxigraph store); "
                          f"build one with: kg build PATH --store {store}")
        return EmbeddedStore(store, read_only=not writable)
    if not data:
        raise KGError("give --data FILE (an RDF file written by kg build), --store DIR or --endpoint URL")
    memory = EmbeddedStore()
    for path in data:
        if not Path(path).is_file():
            raise KGError(f"{path}: no such file")
        memory.load_file(Path(path))
    return memory


def ask(
    name: str,
    params: dict[str, str] | None = None,
    *,
    data: Sequence[Path] = (),
    store: Path | None = None,
    endpoint: str | None = None,
    timeout: float = 60,
) -> tuple[list[str], list[Row]]:
    """Run a named query with its parameters bound; the same rows whatever the store. ``timeout``: seconds
    an endpoint may take to answer."""
    sparql = bind(get_query(name), params)
    if endpoint is not None:
        from kg.store.remote import RemoteStore

        return RemoteStore(endpoint, timeout=timeout).select(sparql)
    return open_store(data=data, store=store).select(sparql)


# ------------------------------------------------------------------ load, link

DEFAULT_LOAD_GRAPH = "https://w3id.org/cytokine-kg/resource/graph/default"


def _dataset_nquads(data: Path | None, store: Path | None) -> bytes:
    """The statements of an RDF file or an on-disk store, as N-Quads."""
    source = open_store(data=[data] if data else [], store=store)
    return ox.serialize(source.quads(), format=ox.RdfFormat.N_QUADS)


def load(
    *,
    endpoint: str,
    data: Path | None = None,
    store: Path | None = None,
    graph: str | None = None,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
    auth: str = "digest",
    timeout: float = 60,
) -> dict[str, int]:
    """Copy a built graph (file or store) to a SPARQL 1.1 server, replacing each named graph it holds.

    Bulk data goes through the Graph Store HTTP Protocol when ``graph_store`` is given, else SPARQL Update
    in chunks. Statements outside named graphs (Turtle, N-Triples) go to ``graph``. Credentials come from
    KG_SPARQL_USER / KG_SPARQL_PASSWORD.
    """
    from kg.store.remote import RemoteStore

    remote = RemoteStore(endpoint, update_endpoint=update_endpoint, graph_store=graph_store, auth=auth,
                         timeout=timeout)
    with remote:
        return remote.load_dataset(_dataset_nquads(data, store), default_graph=graph or DEFAULT_LOAD_GRAPH)


def link(
    *,
    data: Path | None = None,
    store: Path | None = None,
    output: Path | None = None,
    endpoint: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Find Wikidata items for the terms a build uses and write the mappings (with source and date) to
    ``output`` or into the store's mappings graph; returns the number of mappings."""
    from kg.link import MAPPINGS_GRAPH, LinkConfig, link_vocabulary, mappings_graph, terms_used

    if output is None and store is None:
        raise KGError("give -o FILE for the mappings, or --store DIR to add them to a store")
    if output is not None:
        check_output(output)
        format_for(output, None)
    source = open_store(data=[data] if data else [], store=store, writable=output is None)
    config = LinkConfig(endpoint=endpoint) if endpoint else LinkConfig()
    mappings = link_vocabulary(only=terms_used(source.quads()), config=config, progress=progress)
    quads = mappings_graph(mappings)
    if output is not None:
        write_output(output, serialize(quads, format_for(output, None)))
    else:
        source.replace_graph(MAPPINGS_GRAPH, quads)
        source.flush()
    return len(mappings)


__all__ = [
    "DOCUMENT_GRAPH_PREFIXES", "VOCABULARY_GRAPH", "BuiltDocument", "Deletion", "DuplicateDocumentError", "EmptyBuildError", "Inputs", "Summary", "ask", "build", "build_documents", "export_jsonl", "extract", "link", "load", "open_store",
    "read",
]  # fmt: skip
