"""Page and export shapes seen in the field (issues 8 and 10): collapsed MEDLINE exports, CORD-19 metadata
records, page controls around abstracts, citation lines, author lists, citing articles, file-name DOIs,
and the warning for an input without abstract text. Fixtures: tests/resources/documents (SOURCES.md)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kg.model import Document
from kg.readers import read_bytes, read_file
from kg.readers.page_head import doi_from_filename
from kg.text.sentences import split_within

DOCS = Path(__file__).parent / "resources" / "documents"


def section(doc: Document, name: str) -> str:
    found = [s for s in doc.sections if s.name == name]
    assert found, f"no section {name!r} in {[s.name for s in doc.sections]}"
    return doc.text[found[0].start : found[0].end]


# ---------------------------------------------------------------- MEDLINE with collapsed whitespace


def test_collapsed_medline_export_is_read() -> None:
    first, second = read_file(DOCS / "medline_collapsed_export.txt")
    assert (first.format, first.pmid, first.doi, first.date) == (
        "medline",
        "39000003",
        "10.5555/fixture.medline.3",
        "2019-03",
    )
    assert first.title == "Sarilumab in polymyalgia rheumatica: a fixture record whose line breaks were lost."
    assert [a.name for a in first.authors] == ["Example A", "Sample BC"]
    assert first.authors[0].affiliations == ("Fixture University, Example City.",)
    assert first.journal == "Fixture Rheumatology"
    assert first.publication_types == ("Journal Article", "Randomized Controlled Trial")
    assert section(first, "abstract").startswith("BACKGROUND: Polymyalgia rheumatica relapses")
    assert section(first, "abstract").endswith("was effective in this fixture.")
    results = "RESULTS: Sustained remission was more frequent with sarilumab."
    assert section(first, "abstract:RESULTS") == results
    assert (second.pmid, second.title, [a.name for a in second.authors]) == (
        "39000004",
        "A second collapsed fixture record.",
        ["Doe J"],
    )


def test_collapsed_medline_line_without_heading() -> None:
    (doc,) = read_bytes(b"PMID- 1 OWN - NLM TI - Title of one. AB - Abstract of one. AU - Doe J", "one.txt")
    assert (doc.format, doc.title) == ("medline", "Title of one.")
    assert section(doc, "abstract") == "Abstract of one."


# ---------------------------------------------------------------- no abstract: a warning naming the file


def test_input_without_abstract_warns_naming_the_file(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kg.readers"):
        (doc,) = read_bytes(b"PMID- 7\nTI  - Only a title here.\n", "dir/only_title.nbib")
    assert doc.title == "Only a title here."
    records = [r for r in caplog.records if r.name == "kg.readers"]
    assert [r.getMessage() for r in records] == ["dir/only_title.nbib: no abstract text found (title only)"]


def test_collapsed_export_read_as_empty_would_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kg.readers"):
        read_bytes(b"PMID- 8\nOWN - NLM\n", "empty.nbib")
        read_bytes(b"PMID- 9\nTI  - T.\nAB  - A.\n\nPMID- 10\nTI  - U.\n", "two.nbib")
    messages = [r.getMessage() for r in caplog.records if r.name == "kg.readers"]
    assert messages == [
        "empty.nbib: no abstract text found (the document is empty)",
        "two.nbib: 1 of 2 documents have no abstract text (PMID 10)",
    ]


def test_documents_with_abstracts_do_not_warn(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="kg.readers"):
        read_file(DOCS / "medline_collapsed_export.txt")
        read_file(DOCS / "cord_metadata_fields.txt")
    assert not [r for r in caplog.records if r.name == "kg.readers"]


# ---------------------------------------------------------------- abstract detection on pages


def test_page_controls_and_glued_abstract_word_are_not_the_abstract() -> None:
    (doc,) = read_file(DOCS / "publisher_controls_fixture.txt")
    abstract = section(doc, "abstract")
    assert abstract.startswith("Background Psoriatic arthritis is driven")
    assert abstract.endswith("than with placebo.")
    assert doc.title == "Clazakizumab in psoriatic arthritis: a fixture page with page controls"
    assert [a.name for a in doc.authors] == ["Ann Example", "Bob Sample"]


def test_subject_list_is_not_the_abstract() -> None:
    (doc,) = read_file(DOCS / "repository_subjects_fixture.txt")
    assert section(doc, "abstract").startswith("Objective To evaluate olokizumab")
    assert doc.doi == "10.5555/fixture.page.5"


def test_citation_line_gives_authors_title_journal_date() -> None:
    (doc,) = read_file(DOCS / "citation_line_fixture.txt")
    assert [a.name for a in doc.authors] == ["Example A", "Sample BC", "Doe J"]
    assert doc.title == section(doc, "title") == "Interleukin-6 blockade in a fixture lupus cohort"
    assert (doc.journal, doc.date, doc.pmid, doc.doi) == (
        "Fixture Lupus J",
        "2004",
        "39000006",
        "10.5555/fixture.citation.6",
    )
    assert section(doc, "abstract").startswith("Interleukin-6 is a pleiotropic cytokine")


# ---------------------------------------------------------------- CORD-19 metadata records


def test_cord19_metadata_fields_one_per_line() -> None:
    (doc,) = read_file(DOCS / "cord_metadata_fields.txt")
    assert (doc.pmid, doc.doi, doc.pmc, doc.journal, doc.date) == (
        "39000002",
        "10.5555/fixture.cord.2",
        "PMC9999997",
        "Fixture J",
        "2020-05-04",
    )
    assert doc.title == section(doc, "title")
    assert section(doc, "abstract").startswith("BACKGROUND: Fixture patients")
    assert section(doc, "abstract").endswith("than matched controls.")
    assert [a.name for a in doc.authors] == ["Doe, Jane", "Roe, Richard"]


@pytest.mark.parametrize("name", ["cord_metadata_fields.txt", "cord_tocilizumab_fixture.txt"])
def test_cord19_header_is_never_a_body_sentence(name: str) -> None:
    (doc,) = read_file(DOCS / name)
    body = [(s.start, s.end) for s in doc.sections if s.name in ("title", "abstract")]
    assert {s.name for s in doc.sections} <= {"title", "abstract"} | {
        s.name for s in doc.sections if s.name.startswith("abstract:")
    }
    sentences = list(split_within(doc.text, body))
    assert sentences[0].text == doc.title
    for sentence in sentences:
        for field in ("cord_uid", "sha:", "source_x", "DOI:", "doi:", "journal:", "authors:"):
            assert field not in sentence.text


# ---------------------------------------------------------------- bibliography as the page shows it


def test_author_line_citing_articles_and_references() -> None:
    (doc,) = read_file(DOCS / "pubmed_et_al_fixture.txt")
    assert [a.name for a in doc.authors] == ["Ann Example", "Bob C Sample", "Jo Doe"]
    assert not doc.authors_cut_short
    (citing,) = doc.cited_by
    assert (citing.pmid, citing.doi) == ("39000008", "10.5555/fixture.citing.8")
    assert citing.citation.startswith("Tocilizumab in a later fixture study.")
    assert section(doc, "cited_by").startswith("Cited by")
    assert section(doc, "references").startswith("References")
    assert "Kishimoto" in section(doc, "references")


def test_first_author_et_al_is_marked_as_cut_short() -> None:
    text = (DOCS / "pubmed_et_al_fixture.txt").read_text(encoding="utf-8")
    text = text.replace("Ann Example 1, Bob C Sample, Jo Doe\n\n", "")
    (doc,) = read_bytes(text.encode(), "page.txt")
    assert [a.name for a in doc.authors] == ["Ann Example"]
    assert doc.authors_cut_short


@pytest.mark.parametrize(
    "line",
    ["E Tackey, P E Lipsky, G G Illei", "Tackey E, Lipsky PE, Illei GG"],
)
def test_author_list_after_an_authors_label(line: str) -> None:
    page = (
        "» Articles » PMID: 39000009\n\nA fixture title about interleukin-6 in lupus\n\nOverview\n"
        f"Journal Fixture Lupus\nDate 2004\nAuthors\n{line}\nAbstract\n\n" + "Interleukin-6 text. " * 12
    )
    (doc,) = read_bytes(page.encode(), "mirror.txt")
    assert len(doc.authors) == 3 and doc.authors[1].name == line.split(", ")[1]


def test_bioc_reference_passages_are_named_references() -> None:
    data = (
        b'{"documents": [{"id": "39000010", "passages": ['
        b'{"offset": 0, "infons": {"type": "title", "section_type": "TITLE"}, "text": "A fixture title."},'
        b'{"offset": 17, "infons": {"type": "abstract", "section_type": "ABSTRACT"}, "text": "An abstract."},'
        b'{"offset": 30, "infons": {"type": "ref", "section_type": "REF"},'
        b' "text": "Doe J. A cited work."}]}]}'
    )
    (doc,) = read_bytes(data, "refs.json")
    assert section(doc, "references") == "Doe J. A cited work."


# ---------------------------------------------------------------- DOIs never guessed from file names


def test_ambiguous_file_name_gives_no_doi() -> None:
    text = "Abstract\n\n" + "Tocilizumab was studied in giant cell arteritis in this fixture text. " * 4
    (doc,) = read_bytes(text.encode(), "doi_10.5555_2013_912562.txt")
    assert doc.doi is None  # 10.5555/2013/912562 or 10.5555/2013_912562: the name cannot tell
    assert doi_from_filename("10.5555_2013_912562", "doi: 10.5555/2013/912562") == "10.5555/2013/912562"
    assert doi_from_filename("10.1002_ajh.23868", "") == "10.1002/ajh.23868"  # one '_': the '/'
