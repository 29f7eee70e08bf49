"""Structured formats: PubMed XML, MEDLINE, BioC XML/JSON, PubTator; gzip; sniffing; the registry."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.model import Document, MeshHeading, Section
from kg.readers import READERS, read_bytes, read_file, sniff

DOCS = Path(__file__).parent / "resources" / "documents"


def section(doc: Document, name: str) -> str:
    found = [s for s in doc.sections if s.name == name]
    assert found, f"no section {name!r} in {[s.name for s in doc.sections]}"
    return doc.text[found[0].start : found[0].end]


def assert_aligned(doc: Document) -> None:
    for annotation in doc.annotations:
        assert doc.text[annotation.start : annotation.end] == annotation.text, annotation


# ---------------------------------------------------------------- PubMed XML


def test_pubmed_xml_article() -> None:
    docs = read_file(DOCS / "pubmed_articles.xml")
    assert [d.pmid for d in docs] == ["28745999", "27000002", "20301699"]
    doc = docs[0]
    assert doc.format == "pubmed_xml"
    assert doc.title == "Trial of Tocilizumab in Giant-Cell Arteritis."  # <i> flattened
    assert (doc.doi, doc.pmc) == ("10.1056/NEJMoa1613849", "PMC9999999")
    assert doc.journal == "The New England journal of medicine"
    assert doc.date == "2017-07-27"  # PubDate, as MEDLINE DP and the page citation line
    assert doc.text.startswith(
        "Trial of Tocilizumab in Giant-Cell Arteritis.\n\nBACKGROUND: Giant-cell arteritis"
    )
    assert "copyright" not in doc.text.lower()
    assert section(doc, "title") == doc.title
    assert section(doc, "abstract:RESULTS") == (
        "RESULTS: Sustained remission at week 52 was reached by 56% with weekly tocilizumab versus 14% with "
        "placebo (P<0.001); serum IL-6 rose to 102 pg per millilitre."
    )
    assert section(doc, "abstract").endswith(
        "CONCLUSIONS: Tocilizumab with a 26-week taper was superior to a taper alone."
    )
    assert [s.name for s in doc.sections] == [
        "title",
        "abstract",
        "abstract:BACKGROUND",
        "abstract:METHODS",
        "abstract:RESULTS",
        "abstract:CONCLUSIONS",
    ]
    assert [a.name for a in doc.authors] == ["Stone JH", "Tuckwell K", "GiACTA Fixture Investigators"]
    assert doc.authors[0].affiliations == ("Massachusetts General Hospital, Boston, MA, USA.",)


def test_pubmed_xml_vocabularies() -> None:
    doc = read_file(DOCS / "pubmed_articles.xml")[0]
    assert doc.mesh_headings == (
        MeshHeading("Aged", "D000368", False, ()),
        MeshHeading(
            "Antibodies, Monoclonal, Humanized",
            "D061067",
            True,
            ("administration & dosage", "adverse effects"),
        ),
        MeshHeading("Giant Cell Arteritis", "D013700", True, ("drug therapy",)),
    )
    assert doc.chemicals == (
        MeshHeading("Antibodies, Monoclonal, Humanized", "D061067"),
        MeshHeading("tocilizumab", "C502936"),
    )
    assert doc.keywords == ("interleukin-6 receptor", "vasculitis")
    assert doc.publication_types == ("Journal Article", "Randomized Controlled Trial")
    assert [(r.pmid, r.doi) for r in doc.references] == [
        ("24988557", "10.1056/NEJMcp1214825"),
        ("26952547", None),
    ]
    assert doc.references[1].citation.startswith("Villiger PM, et al. Tocilizumab for induction")


def test_pubmed_xml_no_abstract_medline_date_and_book() -> None:
    _, bare, book = read_file(DOCS / "pubmed_articles.xml")
    assert bare.text == bare.title == "A fixture article without an abstract."
    assert bare.sections == (Section("title", 0, len(bare.title)),)
    assert (bare.journal, bare.date, bare.publication_types) == ("Fixture Rheumatol", "2016-11", ("Review",))
    assert book.title == "Interleukin-6 Deficiency: a fixture chapter"
    assert book.journal == "Fixture Reviews in Immunology"
    assert book.date == "2020-03"
    assert [a.name for a in book.authors] == ["Writer W"]  # the editors are not authors
    assert book.text.endswith("\n\nA short unlabelled abstract of the fixture chapter.")


# ---------------------------------------------------------------- MEDLINE


def test_medline_records() -> None:
    first, second = read_file(DOCS / "medline_records.nbib")
    assert first.format == "medline"
    assert first.pmid == "25042199"
    assert (
        first.title
        == "Siltuximab for multicentric Castleman's disease: a fixture record with a title on two lines."
    )
    assert (first.doi, first.pmc) == ("10.1016/S1470-2045(14)70319-5", "PMC9999998")
    assert (first.journal, first.date) == ("The Lancet. Oncology", "2014-09")
    assert [a.name for a in first.authors] == ["van Rhee F", "Wong RS"]
    assert first.authors[0].affiliations == (
        "Myeloma Institute, University of Arkansas for Medical Sciences, Little Rock, AR, USA.",
    )
    assert (
        section(first, "abstract:METHODS")
        == "METHODS: In this fixture, patients were assigned 2:1 to siltuximab or placebo."
    )
    assert first.text.split("\n")[2:] == [
        "BACKGROUND: Multicentric Castleman's disease is driven by dysregulated interleukin-6.",
        "METHODS: In this fixture, patients were assigned 2:1 to siltuximab or placebo.",
        "FINDINGS: Durable responses were seen with siltuximab only.",
        "INTERPRETATION: Siltuximab is an effective treatment.",
    ]
    assert first.mesh_headings == (
        MeshHeading("Antibodies, Monoclonal", None, True, ("adverse effects", "therapeutic use")),
        MeshHeading("Castleman Disease", None, True, ("drug therapy",)),
        MeshHeading("Humans", None, False, ()),
    )
    assert [c.descriptor for c in first.chemicals] == ["Antibodies, Monoclonal", "siltuximab"]
    assert first.keywords == ("interleukin-6", "lymphoproliferative disorder")
    assert first.publication_types == (
        "Clinical Trial, Phase II",
        "Journal Article",
        "Randomized Controlled Trial",
    )
    assert (second.pmid, second.text, second.date, second.journal) == (
        "25000003",
        "A second fixture record without an abstract.",
        "2015-03-03",
        "Fixture J",
    )


# ---------------------------------------------------------------- BioC


@pytest.mark.parametrize("name", ["bioc_collection.xml", "bioc_collection.json"])
def test_bioc(name: str) -> None:
    first, second = read_file(DOCS / name)
    assert first.format == ("bioc_xml" if name.endswith(".xml") else "bioc_json")
    title = "Tocilizumab induced sustained remission in giant-cell arteritis."
    assert first.pmid == "28745999" and first.title == title
    assert first.text.startswith(title + "\nBlocking the IL-6 receptor")  # abstract at offset len(title) + 1
    assert section(first, "abstract").startswith("Blocking the IL-6 receptor")
    assert_aligned(first)
    by_text = {a.text: a for a in first.annotations}
    assert by_text["IL-6 receptor"].identifiers == ("3570", "3569")
    assert by_text["IL-6 receptor"].start == len(title) + 1 + len("Blocking the ")
    assert by_text["prednisone"].identifiers == ("D011241",)  # from the "Identifier" infon; -1 dropped
    assert by_text["giant-cell arteritis"].identifiers == ("D013700",)  # from the "MESH" infon
    assert {a.annotator for a in first.annotations} == {"bioc:Fixture"}
    assert len(first.annotations) == 6

    # passage offsets are kept even with a gap and sentence-level text
    assert second.text.index("Siltuximab binds interleukin-6.") == 100
    assert_aligned(second)
    spans = [(a.text, a.type, a.identifiers) for a in second.annotations]
    assert (
        "multicentric",
        "Disease",
        ("MESH:D005871",),
    ) in spans  # a discontinuous mention, one span per part
    assert ("disease", "Disease", ("MESH:D005871",)) in spans
    assert ("Castleman disease", "Disease", ("MESH:D005871",)) in spans
    assert len(second.annotations) == 5


def test_bioc_json_lone_document_and_list() -> None:
    doc = (
        '{"id": "1", "passages": [{"offset": 0, "text": "IL-6 in lupus.", "infons": {"type": "title"},'
        ' "annotations": [{"text": "lupus", "infons": {"type": "Disease", "identifier": "D008180"},'
        ' "locations": [{"offset": 8, "length": 5}]}]}]}'
    )
    for data in (doc, f"[{doc}]", f'{{"PubTator3": [{doc}]}}'):
        (result,) = read_bytes(data.encode(), "x.json")
        assert result.text == "IL-6 in lupus." and result.annotations[0].text == "lupus"


# ---------------------------------------------------------------- PubTator


def test_pubtator() -> None:
    first, second = read_file(DOCS / "pubtator_docs.txt")
    assert first.format == "pubtator"
    assert first.pmid == "28745999"
    assert first.title == "Tocilizumab for giant-cell arteritis: a fixture title."
    assert first.text == first.title + " " + (
        "BACKGROUND: Interleukin-6 drives giant-cell arteritis. "
        "RESULTS: Tocilizumab kept patients in remission without prednisone."
    )
    assert section(first, "abstract").startswith("BACKGROUND:")
    assert (
        section(first, "abstract:RESULTS")
        == "RESULTS: Tocilizumab kept patients in remission without prednisone."
    )
    assert len(first.annotations) == 6
    assert_aligned(first)
    assert_aligned(second)
    assert {a.annotator for a in first.annotations} == {"pubtator"}
    ids = {a.text: a.identifiers for a in second.annotations}
    assert ids == {
        "Siltuximab": ("C504234",),
        "Castleman disease": ("D005871",),
        "IL-6": ("3569", "16193"),
        "multicentric Castleman disease": ("D005871",),
    }


# ---------------------------------------------------------------- gzip, sniffing, registry


def test_gzip_is_transparent(tmp_path: Path) -> None:
    data = (DOCS / "pubtator_docs.txt").read_bytes()
    path = tmp_path / "docs.pubtator.gz"
    path.write_bytes(gzip.compress(data))
    assert read_file(path) == read_bytes(data, str(path))
    assert [d.pmid for d in read_file(path)] == ["28745999", "25042199"]
    two_members = gzip.compress(data[:200]) + gzip.compress(data[200:])
    assert [d.pmid for d in read_bytes(two_members, "x.gz")] == ["28745999", "25042199"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pubmed_articles.xml", "pubmed_xml"),
        ("medline_records.nbib", "medline"),
        ("bioc_collection.xml", "bioc_xml"),
        ("bioc_collection.json", "bioc_json"),
        ("pubtator_docs.txt", "pubtator"),
        ("pubmed_page.html", "html"),
        ("pmid_28745999.txt", "pubmed_page"),
        ("mirror_siltuximab_mcd.txt", "pubmed_page"),
        ("doi_10.5555_fixture.2019.07.txt", "text"),
    ],
)
def test_sniff(name: str, expected: str) -> None:
    data = (DOCS / name).read_bytes()
    assert sniff(data, name) == expected
    assert sniff(gzip.compress(data), name + ".gz") == expected


def test_format_forces_a_reader() -> None:
    data = (DOCS / "pubtator_docs.txt").read_bytes()
    (doc,) = read_bytes(data, "x.txt", format="text")
    assert doc.format == "text" and doc.text == data.decode()


def test_registry() -> None:
    assert sorted(READERS) == [
        "bioc_json",
        "bioc_xml",
        "html",
        "medline",
        "pubmed_baseline",
        "pubmed_page",
        "pubmed_xml",
        "pubtator",
        "text",
    ]
    with pytest.raises(
        InputError, match=r"unknown format 'xyz'; known formats: bioc_json, bioc_xml, html, medline"
    ):
        READERS["xyz"]
    with pytest.raises(KeyError):
        READERS["xyz"]
    assert READERS.get("xyz") is None
