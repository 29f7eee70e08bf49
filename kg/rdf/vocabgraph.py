"""The slice of the vocabulary a build needs: our ontology, and every triple about the terms it uses.

Written to its own named graph, so an exported file answers the shipped queries by itself (labels,
mappings, disease ancestors, inferred drug classes) without loading ``ontology/`` beside it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterable
from contextlib import closing, suppress
from pathlib import Path

import pyoxigraph as ox

from kg import resources
from kg.errors import OntologyError
from kg.rdf.build import VOCABULARY_GRAPH
from kg.rdf.terms import KGO_IRI
from kg.vocabulary import converter, default_files

#: Follow these links from a used term, so a drug's targets come with their labels.
FOLLOW = frozenset(KGO_IRI + name for name in ("inhibits", "activates", "targets"))
#: Bump when the index changes shape (it is SQLite's user_version of the cached file).
INDEX_FORMAT = 1
_ONTOLOGY = ""  # the row of the ontology's own lines


def index_vocabulary(files: Iterable[Path]) -> sqlite3.Connection:
    """The files in an in-memory SQLite table: per subject IRI its N-Triples lines and the objects of its
    FOLLOW links; the ontology's (ontology/kg.ttl) lines in one more row. Triples with a blank node (OWL
    restrictions, lists) are left out: their labels would make the output differ from run to run, and
    stores cannot replace them reliably (they stay in ontology/kg.ttl)."""
    lines: dict[bytes, list[bytes]] = {}
    follow: dict[bytes, list[bytes]] = {}
    follow_predicates = {f"<{iri}>".encode() for iri in FOLLOW}
    ontology_file, ontology = resources.ontology_dir() / "kg.ttl", b""
    for path in files:
        data = _ntriples(path)
        if path == ontology_file:
            ontology = data
        for line in data.splitlines(keepends=True):
            subject, predicate, rest = line.split(b" ", 2)
            lines.setdefault(subject, []).append(line)
            if predicate in follow_predicates and rest.startswith(b"<"):
                follow.setdefault(subject, []).append(rest[1 : rest.index(b">")])
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE about (subject TEXT PRIMARY KEY, lines BLOB, follow TEXT)")
    connection.execute(f"PRAGMA user_version = {INDEX_FORMAT}")
    rows = ((s[1:-1].decode(), b"".join(dict.fromkeys(found)), b"\n".join(follow.get(s, ())).decode())
            for s, found in lines.items())
    connection.executemany("INSERT INTO about VALUES (?, ?, ?)", [(_ONTOLOGY, ontology, ""), *rows])
    connection.commit()
    return connection


def _ntriples(path: Path) -> bytes:
    """The file's triples without blank nodes, as N-Triples."""
    try:
        triples = [
            t for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
            if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        ]
    except (OSError, SyntaxError, ValueError) as exc:
        raise OntologyError(f"{path}: cannot load the vocabulary: {exc}") from exc
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def nquads_of(index: sqlite3.Connection, curies: Iterable[str]) -> bytes:
    """The sorted N-Quads lines (in the vocabulary graph) of the ontology and of the terms, and of the terms
    their FOLLOW links reach."""
    chunks = []
    seen: set[str] = set()
    todo = [_ONTOLOGY, *(converter().expand(c) or c for c in curies)]  # the vocabulary's own IRIs
    while todo:
        iri = todo.pop()
        if iri in seen:
            continue
        seen.add(iri)
        for lines, follow in index.execute("SELECT lines, follow FROM about WHERE subject = ?", (iri,)):
            chunks.append(lines)
            todo.extend(follow.split("\n") if follow else ())
    graph = f" <{VOCABULARY_GRAPH.value}> .\n".encode()
    # a line ends in " .\n" and nowhere else (N-Triples escapes newlines in literals)
    return b"".join(sorted(set(b"".join(chunks).replace(b" .\n", graph).splitlines(keepends=True))))


def _open_index(*, remake: bool = False) -> sqlite3.Connection:
    """The index of the vocabulary files: a SQLite file in the user's cache folder, keyed by the files and
    this module, opened read-only (milliseconds, and nothing is loaded into memory); made and saved when
    missing, of another format or ``remake`` (parsing the files takes a second or two). A cache folder that
    cannot be written gives the in-memory index."""
    files = default_files()
    key = resources.fingerprint(*files, Path(__file__), extra=f"pyoxigraph {ox.__version__}")
    path = resources.cache_dir("vocabulary-index") / f"{key}.sqlite"
    if not remake:
        with suppress(sqlite3.Error):
            connection = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
            if connection.execute("PRAGMA user_version").fetchone() == (INDEX_FORMAT,):
                with suppress(OSError):  # most recently used: kept when other versions' files are removed
                    os.utime(path)
                return connection
            connection.close()
    from kg.rdf.serialize import write_atomic

    connection = index_vocabulary(files)
    with suppress(OSError):
        write_atomic(path, connection.serialize())
        resources.remove_stale(path)
        # the on-disk Oxigraph store that earlier releases cached instead (tens of MB)
        shutil.rmtree(resources.cache_dir("vocabulary-store"), ignore_errors=True)
    return connection


def vocabulary_nquads(curies: Iterable[str]) -> bytes:
    """The vocabulary graph for the given terms, as sorted N-Quads (the bytes ``kg build`` writes)."""
    curies = list(curies)
    try:
        with closing(_open_index()) as index:
            return nquads_of(index, curies)
    except sqlite3.DatabaseError:  # a damaged cache file
        with closing(_open_index(remake=True)) as index:
            return nquads_of(index, curies)


def vocabulary_quads(curies: Iterable[str]) -> list[ox.Quad]:
    """:func:`vocabulary_nquads` as quads."""
    return list(ox.parse(vocabulary_nquads(curies), format=ox.RdfFormat.N_QUADS))
