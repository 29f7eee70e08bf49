"""Saved pages (text and HTML): the text stays unchanged and metadata is parsed from it.

Fixtures are in tests/resources/documents (our own wording in the layouts of PubMed, PubMed mirror, PMC
and CORD-19 pages; see SOURCES.md there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.model import Document
from kg.readers import read_bytes, read_file
from kg.readers.page_head import doi_from_filename, filename_hints

DOCS = Path(__file__).parent / "resources" / "documents"


def one(name: str) -> Document:
    docs = read_file(DOCS / name)
    assert len(docs) == 1
    return docs[0]


def section(doc: Document, name: str) -> str:
    found = [s for s in doc.sections if s.name == name]
    assert found, f"no section {name!r} in {[s.name for s in doc.sections]}"
    return doc.text[found[0].start : found[0].end]


@pytest.mark.parametrize(
    "name",
    [
        "pmid_28745999.txt",
        "mirror_siltuximab_mcd.txt",
        "pmc_rose_john_fixture.txt",
        "cord_tocilizumab_fixture.txt",
        "doi_10.5555_fixture.2019.07.txt",
    ],
)
def test_page_text_is_the_file_unchanged(name: str) -> None:
    doc = one(name)
    assert doc.text == (DOCS / name).read_text(encoding="utf-8")
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)


def test_pubmed_layout() -> None:
    doc = one("pmid_28745999.txt")
    assert doc.format == "pubmed_page"
    assert doc.pmid == "28745999"  # from the file name: the page does not print it
    assert doc.doi == "10.1056/NEJMoa1613849"
    assert doc.title == "Trial of Tocilizumab in Giant-Cell Arteritis"
    assert section(doc, "title") == doc.title
    assert doc.journal == "N Engl J Med"
    assert doc.date == "2017-07-27"
    assert [a.name for a in doc.authors] == ["John H Stone"]
    abstract = section(doc, "abstract")
    assert abstract.startswith("Background: Giant-cell arteritis often relapses")
    assert abstract.endswith("ClinicalTrials.gov number, NCT01791153.)")
    assert section(doc, "abstract:RESULTS").startswith("Results: Sustained remission was reached by 56%")
    assert [s.name for s in doc.sections if s.name.startswith("abstract:")] == [
        "abstract:BACKGROUND",
        "abstract:METHODS",
        "abstract:RESULTS",
        "abstract:CONCLUSIONS",
    ]
    assert doc.publication_types == ("Randomized Controlled Trial", "Multicenter Study")


def test_pubmed_layout_lists() -> None:
    doc = one("pmid_28745999.txt")
    assert len(doc.references) == 3
    first, second, third = doc.references
    assert first.citation.startswith("Weyand CM, Goronzy JJ. Giant-cell arteritis")
    assert first.doi == "10.1056/NEJMcp1214825" and first.pmid is None
    assert second.pmid == "26952547"
    assert third.citation.endswith("Arthritis Rheum. 2003;49:703-708.")  # link markers removed
    assert section(doc, "references").startswith("References")
    descriptors = {m.descriptor: m for m in doc.mesh_headings}
    assert set(descriptors) == {
        "Aged",
        "Antibodies, Monoclonal, Humanized",
        "Giant Cell Arteritis",
        "Humans",
        "Prednisone",
    }
    assert descriptors["Giant Cell Arteritis"].major and descriptors["Giant Cell Arteritis"].qualifiers == (
        "drug therapy",
    )
    assert not descriptors["Prednisone"].major
    assert [c.descriptor for c in doc.chemicals] == [
        "Antibodies, Monoclonal, Humanized",
        "tocilizumab",
        "Prednisone",
    ]
    assert "Tocilizumab for giant-cell arteritis" in section(doc, "comments")


def test_pubmed_layout_without_file_name_hint() -> None:
    data = (DOCS / "pmid_28745999.txt").read_bytes()
    doc = read_bytes(data, "some/page.txt")[0]
    assert doc.pmid is None  # a PMID in the reference list is not the page's PMID
    assert doc.doi == "10.1056/NEJMoa1613849"


def test_mirror_layout() -> None:
    doc = one("mirror_siltuximab_mcd.txt")
    assert doc.format == "pubmed_page"
    assert doc.pmid == "25042199"
    assert doc.doi is None  # the DOIs of citing articles are not the page's DOI
    assert doc.title == (
        "Siltuximab for Multicentric Castleman's Disease: a Randomised, Double-blind, "
        "Placebo-controlled Trial"
    )
    assert doc.journal == "Lancet Oncol"
    assert doc.date == "2014-07-22"
    assert doc.authors == ()
    assert section(doc, "abstract").startswith("Background: Multicentric Castleman's disease is a rare")
    assert section(doc, "abstract").endswith("HHV-8-negative multicentric Castleman's disease.")
    assert section(doc, "abstract:INTERPRETATION").startswith("Interpretation:")
    first, second = doc.cited_by
    assert first.citation.startswith("Interleukin-6 blockade in idiopathic multicentric Castleman disease")
    assert "Doe J, Roe R, Poe P Fixture J Haematol. 2024" in first.citation
    assert (first.pmid, first.pmc, first.doi) == ("39000001", "PMC11000001", "10.5555/fixture.2024.001")
    assert (second.pmid, second.pmc, second.doi) == ("38000002", None, "10.5555/fixture.2023.042")
    assert section(doc, "cited_by").startswith("Citing Articles")


def test_pmc_layout() -> None:
    doc = one("pmc_rose_john_fixture.txt")
    assert (doc.pmid, doc.pmc, doc.doi) == ("32864098", "PMC7443778", "10.12688/f1000research.26058.1")
    assert doc.title == "Interleukin-6 signalling in health and disease"
    assert [a.name for a in doc.authors] == ["Stefan Rose-John"]
    assert doc.date == "2020-08-20"
    assert doc.keywords == ("gp130", "sgp130Fc", "IL-6", "trans-signalling")
    abstract = section(doc, "abstract")
    assert abstract.startswith("In this fixture summary") and abstract.endswith("activities of the cytokine.")


def test_cord19_record() -> None:
    doc = one("cord_tocilizumab_fixture.txt")
    assert doc.title == "Tocilizumab in Hospitalized Patients with COVID-19 Pneumonia: a Fixture Record"
    assert section(doc, "title") == doc.title
    assert (doc.doi, doc.journal, doc.date) == ("10.5555/fixture.cord.1", "Fixture Med", "2021-02-11")
    assert [a.name for a in doc.authors] == ["Example, Ann", "Sample, Bob"]
    assert section(doc, "abstract").startswith("Tocilizumab blocks the interleukin-6 receptor.")


def test_plain_text_with_doi_file_name() -> None:
    doc = one("doi_10.5555_fixture.2019.07.txt")
    assert doc.format == "text"
    assert doc.doi == "10.5555/fixture.2019.07"  # from the file name, first '_' read as '/'
    assert doc.title is None  # the text starts with its abstract
    assert section(doc, "abstract").startswith("Objective: In this fixture text")
    assert section(doc, "abstract:RESULTS").startswith("Results: Proteinuria")


def test_file_name_hints() -> None:
    assert filename_hints("x/pmid_15230289.txt") == ("15230289", None)
    assert filename_hints("doi_10.1002_ajh.23868.txt.gz") == (None, "10.1002_ajh.23868")
    assert filename_hints("notes.txt") == (None, None)
    text = "Cover page https://doi.org/10.1016/S0140-6736(02)08512-4Get rights and content"
    assert doi_from_filename("10.1016_S0140-6736_02_08512-4", text) == "10.1016/S0140-6736(02)08512-4"
    assert doi_from_filename("10.1002_ajh.23868", "no identifier here") == "10.1002/ajh.23868"


def test_layouts_without_labels() -> None:
    text = (
        "Journal of Fixture Studies (Mar 2021)\n\n"
        "Sarilumab in polymyalgia rheumatica: a fixture title\n\n"
        "  • Ana Pérez,\n  • Jürgen Müller\n\nDOI\nhttps://doi.org/10.5555/fixture.doaj.1\n\nAbstract\n\n"
        "Read online\n\nSarilumab blocked the interleukin-6 receptor in this invented abstract.\n"
    )
    doc = read_bytes(text.encode(), "page.txt")[0]
    assert doc.title == "Sarilumab in polymyalgia rheumatica: a fixture title"
    assert (doc.journal, doc.date, doc.doi) == (
        "Journal of Fixture Studies",
        "2021-03",
        "10.5555/fixture.doaj.1",
    )
    assert [a.name for a in doc.authors] == ["Ana Pérez", "Jürgen Müller"]
    elsevier = (
        "Elsevier\n\nThe Lancet\n\nVolume 359, Issue 9317, 4 May 2002, Pages 1541-1549\nThe Lancet\n\n"
        "Fast track — Articles\nA fixture title about infliximab maintenance*\n\n"
        "https://doi.org/10.1016/S0140-6736(02)08512-4Get rights and content\n\nSummary\n\nBackground\n\n"
        "We did a trial.\n"
    )
    doc = read_bytes(elsevier.encode(), "lancet.txt")[0]
    assert doc.title == "A fixture title about infliximab maintenance"
    assert doc.doi == "10.1016/S0140-6736(02)08512-4"
    assert doc.date == "2002-05-04"
    assert section(doc, "abstract").startswith("Background")


def test_pubmed_layout_with_author_line() -> None:
    text = (
        "Review\n. 2004;13(5):339-43.\ndoi: 10.1191/0961203304lu1023oa.\n\n"
        "Rationale for interleukin-6 blockade in systemic lupus erythematosus\n"
        "E Tackey 1, P E Lipsky, G G Illei\nAffiliations\n\nE Tackey et al. Lupus. 2004.\n\nAbstract\n\n"
        "Interleukin-6 is a pleiotropic cytokine; this fixture sentence stands for the abstract.\n"
    )
    doc = read_bytes(text.encode(), "pmid_15230289.txt")[0]
    assert doc.title == "Rationale for interleukin-6 blockade in systemic lupus erythematosus"
    assert [a.name for a in doc.authors] == ["E Tackey", "P E Lipsky", "G G Illei"]
    assert (doc.pmid, doc.doi, doc.journal, doc.date) == (
        "15230289",
        "10.1191/0961203304lu1023oa",
        "Lupus",
        "2004",
    )
    assert doc.publication_types == ("Review",)


def test_html_pubmed_page() -> None:
    doc = one("pubmed_page.html")
    assert doc.format == "html"
    assert (doc.pmid, doc.doi) == ("25042199", "10.1016/S1470-2045(14)70319-5")
    assert doc.title == (
        "Siltuximab for multicentric Castleman's disease: a randomised, double-blind, "
        "placebo-controlled trial"
    )
    assert section(doc, "title") == doc.title
    assert (doc.journal, doc.date) == ("The Lancet. Oncology", "2014-09-01")
    assert [a.name for a in doc.authors] == ["van Rhee F", "Wong RS"]
    assert "should never be read" not in doc.text and ".abstract" not in doc.text  # no script or style
    assert section(doc, "abstract") == (
        "Background: Multicentric Castleman's disease is a rare lymphoproliferative disorder driven by "
        "dysregulated interleukin-6.\n\nFindings: In this fixture page, durable responses were seen with "
        "siltuximab and not with placebo."
    )
    assert [m.descriptor for m in doc.mesh_headings] == [
        "Antibodies, Monoclonal",
        "Castleman Disease",
        "Humans",
    ]
    assert len(doc.references) == 2 and doc.references[1].citation.startswith("Casper C.")


def test_html_publisher_page_latin1() -> None:
    doc = one("publisher_page.html")
    assert doc.title == "Interleukin-6 blockade in polymyalgia rheumatica: a fixture article"  # og:title
    assert doc.doi == "10.5555/fixture.pmr.2023"  # dc.identifier
    assert doc.pmid is None
    assert [a.name for a in doc.authors] == ["Ana Pérez", "Jürgen Müller"]  # declared iso-8859-1
    assert "Café au lait \u2013 a Latin-1 byte: é." in doc.text
    assert section(doc, "abstract").startswith("Sarilumab, an antibody against the interleukin-6 receptor")
