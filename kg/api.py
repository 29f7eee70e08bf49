"""The public API: read, extract, build, export, ask. The CLI is a thin layer over these functions."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from kg.errors import InputError, KGError
from kg.export import to_record
from kg.extract import Extractor
from kg.model import Document, Extraction
from kg.query import bind, get_query
from kg.rdf.build import VOCABULARY_GRAPH, GraphBuilder, graph_iri, used_terms
from kg.rdf.serialize import format_for, serialize, write_atomic
from kg.rdf.vocabgraph import vocabulary_quads
from kg.readers import read_bytes, read_paths
from kg.store.embedded import EmbeddedStore, Row

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Inputs:
    """Where documents come from: files, folders and globs; PubMed ids; a PubMed search."""

    paths: tuple[str, ...] = ()
    format: str | None = None
    pmids: tuple[str, ...] = ()
    pubmed_query: str | None = None
    max_results: int = 100

    @classmethod
    def from_arguments(cls, arguments: Sequence[str], **kwargs) -> Inputs:
        """Split command-line arguments into paths and ``pmid:N`` references."""
        pmids = tuple(a.split(":", 1)[1] for a in arguments if a.lower().startswith("pmid:"))
        paths = tuple(a for a in arguments if not a.lower().startswith("pmid:"))
        return cls(paths=paths, pmids=pmids + tuple(kwargs.pop("pmids", ())), **kwargs)


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

    def add(self, extraction: Extraction) -> None:
        self.documents += 1
        self.entities.update(t.curie for t in extraction.terms())
        self.mentions += len(extraction.mentions)
        self.findings += len({f.key for f in extraction.findings})
        self.associations += len(extraction.associations)

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
        }


def read(inputs: Inputs) -> Iterator[Document | InputError]:
    """Every document of the inputs, or an InputError for each one that could not be read."""
    if inputs.paths:
        yield from read_paths(inputs.paths, format=inputs.format)
    if inputs.pmids or inputs.pubmed_query:
        from kg.sources.eutils import (  # network client: imported only when asked for
            EutilsClient,
            EutilsConfig,
        )

        base_url = os.environ.get("KG_EUTILS_URL", "").strip()  # a mirror, or a local server in tests
        with EutilsClient(EutilsConfig(base_url=base_url) if base_url else None) as client:
            batches: Iterable[tuple[str, bytes]] = ()
            if inputs.pmids:
                batches = client.efetch_pubmed(list(inputs.pmids))
            if inputs.pubmed_query:
                batches = (*batches, *client.search_and_fetch(inputs.pubmed_query, inputs.max_results))
            for label, xml in batches:
                try:
                    yield from read_bytes(xml, label, format="pubmed_xml")
                except InputError as error:
                    yield error


# ------------------------------------------------------------------ extraction, in one or more processes

_worker_extractor: Extractor | None = None


def _init_worker(use_source_annotations: bool) -> None:
    global _worker_extractor
    _worker_extractor = Extractor(use_source_annotations=use_source_annotations)


def _extract_in_worker(item: Document | InputError) -> Extraction | InputError:
    assert _worker_extractor is not None
    return item if isinstance(item, InputError) else _worker_extractor.extract(item)


def extract(
    items: Iterable[Document | InputError], *, jobs: int = 1, use_source_annotations: bool = True
) -> Iterator[Extraction | InputError]:
    """Extract every document; errors pass through. ``jobs > 1`` spreads documents over processes."""
    if jobs <= 1:
        extractor = Extractor(use_source_annotations=use_source_annotations)
        for item in items:
            yield item if isinstance(item, InputError) else extractor.extract(item)
        return
    context = multiprocessing.get_context("spawn")
    with context.Pool(jobs, initializer=_init_worker, initargs=(use_source_annotations,)) as pool:
        yield from pool.imap(_extract_in_worker, items, chunksize=8)


# ------------------------------------------------------------------ build, export

def build(
    inputs: Inputs,
    *,
    output: Path | None = None,
    fmt: str | None = None,
    store: Path | None = None,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Summary:
    """Read, extract and write RDF: to ``output`` (a file) or into the on-disk ``store``, or both."""
    if output is None and store is None:
        output = Path("output/kg.ttl")
    fmt = format_for(output, fmt) if output is not None else None
    summary = Summary(output=str(output or store))
    builder = GraphBuilder()
    target = EmbeddedStore(store) if store is not None else None
    quads: list[ox.Quad] = []
    extractions: list[Extraction] = []
    for item in extract(read(inputs), jobs=jobs):
        if isinstance(item, InputError):
            summary.failed.append(item)
            if progress:
                progress(f"error: {item}")
            continue
        document_quads = builder.quads(item)
        summary.add(item)
        extractions.append(_slim(item))
        if target is not None:
            target.replace_graph(graph_iri(item.document), document_quads)
        if output is not None:
            quads.extend(document_quads)
        if progress:
            progress(item.document.source)
    vocabulary = list(vocabulary_quads(used_terms(extractions)))
    if target is not None:
        target.add(vocabulary)
        target.flush()
        summary.triples = len(target)
    if output is not None:
        quads.extend(vocabulary)
        data = serialize(quads, fmt or "ttl")
        write_atomic(output, data)
        summary.triples = len({(q.subject, q.predicate, q.object, q.graph_name) for q in quads})
    return summary


def _slim(extraction: Extraction) -> Extraction:
    """Keep what ``used_terms`` needs, not the document text, so long builds stay small."""
    return Extraction(document=Document(source="", text="", format=""), mentions=extraction.mentions,
                      findings=extraction.findings, associations=extraction.associations)


def export_jsonl(inputs: Inputs, out: TextIO, *, jobs: int = 1, progress: Progress | None = None,
                 use_source_annotations: bool = True) -> Summary:
    """Write one JSON object per document (the evaluation format) to ``out``."""
    summary = Summary(output=getattr(out, "name", None))
    for item in extract(read(inputs), jobs=jobs, use_source_annotations=use_source_annotations):
        if isinstance(item, InputError):
            summary.failed.append(item)
            if progress:
                progress(f"error: {item}")
            continue
        summary.add(item)
        out.write(json.dumps(to_record(item), ensure_ascii=False) + "\n")
        if progress:
            progress(item.document.source)
    return summary


# ------------------------------------------------------------------ ask

def open_store(*, data: Sequence[Path] = (), store: Path | None = None) -> EmbeddedStore:
    """An embedded store over an on-disk store folder, or an in-memory one loaded with RDF files."""
    if store is not None:
        if not Path(store).exists():
            raise KGError(f"no store at {store}; build one with: kg build PATH --store {store}")
        return EmbeddedStore(store)
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
) -> tuple[list[str], list[Row]]:
    """Run a named query with its parameters bound; the same rows whatever the store."""
    sparql = bind(get_query(name), params)
    if endpoint is not None:
        from kg.store.remote import RemoteStore

        return RemoteStore(endpoint).select(sparql)
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
) -> dict[str, int]:
    """Copy a built graph (file or store) to a SPARQL 1.1 server, replacing each named graph it holds.

    Bulk data goes through the Graph Store HTTP Protocol when ``graph_store`` is given, else SPARQL Update
    in chunks. Statements outside named graphs (Turtle, N-Triples) go to ``graph``. Credentials come from
    KG_SPARQL_USER / KG_SPARQL_PASSWORD.
    """
    from kg.store.remote import RemoteStore

    remote = RemoteStore(endpoint, update_endpoint=update_endpoint, graph_store=graph_store, auth=auth)
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
    source = open_store(data=[data] if data else [], store=store)
    config = LinkConfig(endpoint=endpoint) if endpoint else LinkConfig()
    mappings = link_vocabulary(only=terms_used(source.quads()), config=config, progress=progress)
    quads = mappings_graph(mappings)
    if output is not None:
        write_atomic(output, serialize(quads, format_for(output, None)))
    else:
        source.replace_graph(MAPPINGS_GRAPH, quads)
        source.flush()
    return len(mappings)


__all__ = [
    "VOCABULARY_GRAPH", "Inputs", "Summary", "ask", "build", "export_jsonl", "extract", "link", "load", "open_store",
    "read",
]  # fmt: skip
