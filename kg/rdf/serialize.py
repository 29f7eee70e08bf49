"""Deterministic, atomic RDF output: sorted statements, written to a temporary file then renamed."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KGError
from kg.rdf.terms import PREFIXES

#: --format name -> (pyoxigraph format, keeps named graphs)
FORMATS = {
    "ttl": (ox.RdfFormat.TURTLE, False),
    "turtle": (ox.RdfFormat.TURTLE, False),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "trig": (ox.RdfFormat.TRIG, True),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}
EXTENSIONS = {".ttl": "ttl", ".nt": "nt", ".nq": "nq", ".trig": "trig", ".jsonld": "jsonld", ".json": "jsonld"}


def format_for(path: Path, requested: str | None) -> str:
    """The output format: the one requested, else the one the file extension names, else Turtle."""
    name = (requested or EXTENSIONS.get(path.suffix.lower(), "ttl")).lower()
    if name not in FORMATS:
        raise KGError(f"unknown output format {name!r}; choose one of {', '.join(sorted(FORMATS))}")
    return name


def _sort_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def serialize(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """Sorted, so the same statements always give the same bytes."""
    rdf_format, keeps_graphs = FORMATS[fmt]
    ordered = sorted(set(quads), key=_sort_key)
    if keeps_graphs:
        data: list = ordered
    else:
        data = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in ordered}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    prefixes = PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(data, format=rdf_format, prefixes=prefixes)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a reader never sees half a file, and a failure leaves the old one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
