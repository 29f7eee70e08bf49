"""The slice of the vocabulary a build needs: our ontology, and every triple about the terms it uses.

Written to its own named graph, so an exported file answers the shipped queries by itself (labels,
mappings, disease ancestors, inferred drug classes) without loading ``ontology/`` beside it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import suppress
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kg import resources
from kg.errors import OntologyError
from kg.rdf.build import VOCABULARY_GRAPH
from kg.rdf.terms import KGO_IRI
from kg.vocabulary import converter, default_files

#: Follow these links one step from a used term, so a drug's targets come with their labels.
FOLLOW = frozenset(KGO_IRI + name for name in ("inhibits", "activates", "targets"))


@cache
def _store() -> ox.Store:
    """The vocabulary files in a store: an on-disk one in the user's cache folder, keyed by the files, that
    later runs open read-only in milliseconds (loading the files takes over a second); in memory when the
    cache folder cannot be written."""
    files = default_files()
    path = resources.cache_dir("vocabulary-store") / resources.fingerprint(*files, extra=f"pyoxigraph {ox.__version__}")
    try:
        return ox.Store.read_only(str(path))
    except OSError:
        pass
    try:
        _save(path, files)
        return ox.Store.read_only(str(path))
    except OSError:
        return _load(ox.Store(), files)


def _save(path: Path, files: Iterable[Path]) -> None:
    """Loads the files into a store beside ``path``, then renames it to ``path`` (atomic: a reader never
    sees half a store; if another process got there first, its store is as good)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        _load(ox.Store(str(tmp)), files)  # the store is closed when the call drops it
        with suppress(OSError):
            os.rename(tmp, path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _load(store: ox.Store, files: Iterable[Path]) -> ox.Store:
    for path in files:
        try:
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        except (OSError, SyntaxError, ValueError) as exc:
            raise OntologyError(f"{path}: cannot load the vocabulary: {exc}") from exc
    store.flush()
    return store


def _about(store: ox.Store, subject: ox.NamedNode) -> list[ox.Quad]:
    return list(store.quads_for_pattern(subject, None, None, ox.DefaultGraph()))


def vocabulary_quads(curies: Iterable[str]) -> Iterator[ox.Quad]:
    """Quads (in the vocabulary graph) for the ontology and the given terms."""
    store = _store()
    ontology = resources.ontology_dir() / "kg.ttl"
    for triple in ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE):
        # OWL axioms built of blank nodes (restrictions, lists) stay in ontology/kg.ttl: blank node labels
        # would make the output differ from run to run, and stores cannot replace them reliably.
        if not isinstance(triple.subject, ox.BlankNode) and not isinstance(triple.object, ox.BlankNode):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, VOCABULARY_GRAPH)
    seen: set[str] = set()
    todo = [converter().expand(c) or c for c in curies]  # the vocabulary's own IRIs, to look them up
    followed = set()
    while todo:
        iri = todo.pop()
        if iri in seen or not iri.startswith(("http://", "https://")):
            continue
        seen.add(iri)
        for quad in _about(store, ox.NamedNode(iri)):
            if isinstance(quad.object, ox.BlankNode):  # OWL axioms stay in ontology/ (see above)
                continue
            yield ox.Quad(quad.subject, quad.predicate, quad.object, VOCABULARY_GRAPH)
            if quad.predicate.value in FOLLOW and iri not in followed:
                todo.append(quad.object.value)
        followed.add(iri)
