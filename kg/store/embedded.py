"""The embedded store: Oxigraph, in memory or on disk.

Each document lives in its own named graph; adding a document replaces its graph, so building twice from
the same input changes nothing. Queries see the union of all graphs.

Replacing a graph is one SPARQL Update request (``DROP SILENT GRAPH <g> ; INSERT DATA { GRAPH <g> {...} }``),
which Oxigraph applies as one transaction: a full disk, a crash or kill -9 part-way leaves the old graph or
the new one, never neither. Removing graphs (``kg build --prune``) is one request too.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import QueryError, StoreError

Row = dict[str, str]

INPUT_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG, ".jsonld": ox.RdfFormat.JSON_LD, ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML, ".owl": ox.RdfFormat.RDF_XML,
}  # fmt: skip


def lexical(term: object) -> str:
    """The value of an RDF term as a plain string: an IRI, a literal's lexical form, or _:label."""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value  # type: ignore[attr-defined]


def is_store(path: Path) -> bool:
    """Whether ``path`` is a folder holding an Oxigraph (RocksDB) store."""
    return (Path(path) / "CURRENT").is_file()


class EmbeddedStore:
    """An Oxigraph store; ``path=None`` keeps it in memory. ``read_only`` opens an existing on-disk store
    without creating or changing anything (StoreError when there is no store at ``path``)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        if path is not None and Path(path).exists() and not Path(path).is_dir():
            raise StoreError(f"{path}: not a folder, so not a store")
        if read_only and (path is None or not is_store(path)):
            raise StoreError(f"{path}: no store there; build one with: kg build PATH --store {path}")
        try:
            if path is None:
                self._store = ox.Store()
            else:
                self._store = ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store: {_reason(exc)}") from None

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> int:
        """Replace the named graph ``graph`` by ``quads`` in one transaction; returns the number added."""
        lines = [f"{q.triple} ." for q in quads if q.graph_name == graph]
        request = f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(lines) + "\n} }"
        self._write(request, f"graph {graph.value}")
        return len(lines)

    def drop_graphs(self, graphs: Iterable[ox.NamedNode]) -> int:
        """Remove the named graphs ``graphs`` in one transaction; returns how many were named."""
        names = sorted({g.value for g in graphs})
        if names:
            self._write(" ;\n".join(f"DROP SILENT GRAPH <{name}>" for name in names), f"{len(names)} graphs")
        return len(names)

    def _write(self, request: str, what: str) -> None:
        try:
            self._store.update(request)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write {what} to the store: {_reason(exc)}") from None

    def add(self, quads: Iterable[ox.Quad]) -> None:
        try:
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot write to the store: {_reason(exc)}") from None

    def load_file(self, path: Path) -> None:
        """Load an RDF file; triple formats go to the default graph."""
        fmt = INPUT_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise StoreError(f"{path}: unknown RDF file type; known: {', '.join(sorted(INPUT_FORMATS))}")
        try:
            self._store.bulk_load(path=str(path), format=fmt)
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{path}: cannot load: {exc}") from exc

    def quads(self) -> Iterable[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, None)

    def __len__(self) -> int:
        return len(self._store)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def select(self, query: str) -> tuple[list[str], list[Row]]:
        try:
            result = self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"the query does not parse: {exc}") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        variables = [v.value for v in result.variables]
        rows = []
        for solution in result:
            row = {}
            for name in variables:
                term = solution[name]
                if term is not None:
                    row[name] = lexical(term)
            rows.append(row)
        return variables, rows

    def flush(self) -> None:
        if self.path is not None:
            try:
                self._store.flush()
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot write to the store: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    """An OS error as one short line (RocksDB messages can run over several lines)."""
    return " ".join((exc.strerror or str(exc) or type(exc).__name__).split())
