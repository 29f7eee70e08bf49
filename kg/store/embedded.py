"""The embedded store: Oxigraph, in memory or on disk.

Each document lives in its own named graph; adding a document replaces its graph, so building twice from
the same input changes nothing. Queries see the union of all graphs.
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


class EmbeddedStore:
    """An Oxigraph store; ``path=None`` keeps it in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    def replace_graph(self, graph: ox.NamedNode, quads: Iterable[ox.Quad]) -> int:
        """Replace the named graph ``graph`` by ``quads`` in one transaction; returns the number added."""
        quads = [q for q in quads if q.graph_name == graph]
        try:
            self._store.update(f"DROP SILENT GRAPH {graph}")
            self._store.extend(quads)
        except OSError as exc:
            raise StoreError(f"cannot write graph {graph.value} to the store at {self.path}: {exc}") from exc
        return len(quads)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        self._store.extend(quads)

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
            self._store.flush()
