"""Deterministic, atomic RDF output: sorted statements, written to a temporary file, synced, then renamed over
the old one; a failure at any point (full disk, kill -9) leaves the old file as it was."""

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
    """The output format: the one requested, else the one the file's suffix names; an unknown suffix is an
    error (never silently Turtle)."""
    if requested:
        name = requested.lower()
        if name not in FORMATS:
            raise KGError(f"unknown output format {requested!r}; choose one of {', '.join(sorted(FORMATS))}")
        return name
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise KGError(
            f"{path}: unknown output suffix {suffix or '(none)'!r}; known suffixes: "
            f"{', '.join(sorted(EXTENSIONS))} (or give --format)"
        )
    return EXTENSIONS[suffix]


def check_output(path: Path) -> None:
    """Raise KGError, before any work is done, when ``path`` cannot be an output file: a folder, under a
    file, or in a folder that cannot be written (permissions, read-only file system)."""
    path = Path(path)
    if path.is_dir():
        raise KGError(f"{path}: is a folder; give a file name, e.g. {path / 'kg.ttl'}")
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise KGError(f"{path}: cannot be created, {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise KGError(f"{path}: cannot write in {ancestor} (permission denied or a read-only file system)")


def write_output(path: Path, data: bytes) -> None:
    """:func:`write_atomic`, with a failure (full disk, read-only folder) as a one-line KGError; the old file,
    if there was one, is left as it was."""
    try:
        write_atomic(Path(path), data)
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise KGError(f"{path}: cannot write ({reason}); nothing was written, the old file is unchanged") from None


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


def graph_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """The bytes of ``serialize(quads, "nq")`` for the quads of one graph, faster: serialized unsorted (in
    Rust), then the lines sorted. Sorting the lines is sorting by (subject, predicate, object) because a
    term's text is never a proper prefix of another's unless what follows it in the longer one (``@``, ``^``)
    sorts after the space that follows a term in a line."""
    lines = ox.serialize(list(quads), format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
    return b"".join(sorted(set(lines)))


#: Formats written one document graph at a time (flat memory); the others need the whole graph at once.
STREAMED_FORMATS = ("nq", "nt")


def graph_sort_key(graph: str) -> str:
    """The key :func:`serialize` orders graphs by (``<iri>``, so ``pmid-10`` sorts before ``pmid-1``)."""
    return f"<{graph}>"


def nquads_to_ntriples(data: bytes, graph: str) -> bytes:
    """The sorted N-Quads lines of one graph as N-Triples (no literal holds a raw newline, so the graph
    term can only end a line)."""
    return data.replace(f" <{graph}> .\n".encode(), b" .\n")


class StreamedOutput:
    """N-Quads or N-Triples written one document graph at a time, with the output's guarantees.

    Each graph's sorted statements are appended to a spool file next to the output, and their place noted.
    :meth:`commit` copies the blocks in graph order into a temporary file, syncs it and renames it over the
    output, so the bytes are those of :func:`serialize` over all the quads (N-Quads; N-Triples is grouped by
    graph, and a triple two documents state is written once per document) — or, when the graphs came in
    that order, once each (a baseline file's ascending PMIDs of one length), renames the spool itself: no
    second copy of a file of tens of GB. :meth:`discard` (or an exception inside ``with``) leaves the old
    output untouched. Memory holds one entry per graph."""

    def __init__(self, path: Path, fmt: str) -> None:
        if fmt not in STREAMED_FORMATS:
            raise KGError(f"{fmt}: not a streamed format ({', '.join(STREAMED_FORMATS)})")
        self.path, self.fmt = Path(path), fmt
        self._blocks: dict[str, tuple[int, int, int]] = {}  # graph -> (offset, length, statements)
        self._offset = 0
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._spool_path = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".spool", dir=self.path.parent)
        except OSError as exc:
            raise _write_error(self.path, exc) from None
        self._spool = os.fdopen(fd, "w+b")

    def __enter__(self) -> StreamedOutput:
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.discard()

    def write_graph(self, graph: str, nquads: bytes) -> int:
        """Add the sorted N-Quads of ``graph`` (replacing an earlier block of it); returns its statements."""
        data = nquads if self.fmt == "nq" else nquads_to_ntriples(nquads, graph)
        try:
            self._spool.write(data)
        except OSError as exc:
            raise _write_error(self.path, exc) from None
        count = data.count(b"\n")
        self._blocks[graph] = (self._offset, len(data), count)
        self._offset += len(data)
        return count

    def drop(self, graph: str) -> bool:
        """Leave the block of ``graph`` out of the output; whether there was one."""
        return self._blocks.pop(graph, None) is not None

    def __contains__(self, graph: str) -> bool:
        return graph in self._blocks

    @property
    def statements(self) -> int:
        return sum(count for _, _, count in self._blocks.values())

    def commit(self) -> None:
        """Write the output (graphs in order) atomically and remove the spool."""
        try:
            self._spool.flush()
            order = sorted(self._blocks, key=graph_sort_key)
            if self._in_order(order):
                os.fsync(self._spool.fileno())
                os.replace(self._spool_path, self.path)
            else:
                self._copy(order)
        except OSError as exc:
            raise _write_error(self.path, exc) from None
        finally:
            self.discard()
        _sync_folder(self.path.parent)

    def _copy(self, order: list[str]) -> None:
        """The blocks in ``order`` into a temporary file, synced, then renamed over the output."""
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                for graph in order:
                    offset, length, _ = self._blocks[graph]
                    self._spool.seek(offset)
                    handle.write(self._spool.read(length))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _in_order(self, order: list[str]) -> bool:
        """Whether the spool holds the blocks of ``order`` one after another and nothing else (no block
        replaced or dropped)."""
        end = 0
        for graph in order:
            offset, length, _ = self._blocks[graph]
            if offset != end:
                return False
            end += length
        return end == self._offset

    def discard(self) -> None:
        if not self._spool.closed:
            self._spool.close()
        Path(self._spool_path).unlink(missing_ok=True)


def _write_error(path: Path, exc: OSError) -> KGError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return KGError(f"{path}: cannot write ({reason}); nothing was written, the old file is unchanged")


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
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a power cut right after it keeps the new file); best effort."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
