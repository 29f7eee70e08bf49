"""Dictionary matching, guarded acronyms, abbreviations, drug classes, coordination and title context."""

from __future__ import annotations

import pytest

from kg.extract.entities import find_mentions
from kg.model import Document, EntityKind
from tests.conftest import make_document


def labels(extractor, text: str, title: str = "A title") -> dict[str, tuple[str, str]]:
    document = make_document(title, text)
    mentions = find_mentions(document, extractor.matcher)
    return {m.text: (m.term.kind.value, m.term.symbol or m.term.label) for m in mentions}


@pytest.mark.parametrize("surface", ["IL-6", "IL6", "interleukin-6", "Interleukin 6", "interleukin (IL)-6"])
def test_cytokine_spelling_variants(extractor, surface: str) -> None:
    found = labels(extractor, f"Serum {surface} was high.")
    assert found[surface] == ("cytokine", "IL6")


@pytest.mark.parametrize(
    ("surface", "symbol"),
    [("IL-6 receptor", "IL6R"), ("gp130", "IL6ST"), ("TNF-α", "TNF"), ("IL-1β", "IL1B"), ("sIL-6R", "IL6R")],
)
def test_receptors_and_greek_letters(extractor, surface: str, symbol: str) -> None:
    found = labels(extractor, f"Levels of {surface} fell.")
    assert found[surface][1] == symbol


def test_drugs_by_inn_brand_and_code_name(extractor) -> None:
    found = labels(extractor, "Patients got tocilizumab, Actemra, CNTO 328 or sarilumab (REGN88).")
    assert found["tocilizumab"] == ("drug", "tocilizumab")
    assert found["Actemra"] == ("drug", "tocilizumab")
    assert found["CNTO 328"] == ("drug", "siltuximab")
    assert found["REGN88"] == ("drug", "sarilumab")


@pytest.mark.parametrize(
    "phrase", ["IL-6 inhibitors", "anti-IL6 therapy", "IL-6 blockade", "blockade of interleukin-6", "IL-6 receptor inhibitors"]
)
def test_drug_class_phrases(extractor, phrase: str) -> None:
    found = labels(extractor, f"In cancers, {phrase} showed no efficacy.")
    assert found[phrase] == ("drug_class", "IL-6 inhibitor")


def test_a_class_phrase_describing_a_named_drug_is_its_target(extractor) -> None:
    found = labels(extractor, "We tested levilimab, an IL-6 receptor inhibitor, in COVID-19.")
    assert found["levilimab"][0] == "drug"
    assert found["IL-6 receptor"] == ("receptor", "IL6R")
    assert not any(kind == "drug_class" for kind, _ in found.values())


def test_short_and_ambiguous_forms_are_guarded(extractor) -> None:
    found = labels(extractor, "Mra imaging and MS lesions; the bias was small; RA.")
    assert "Mra" not in found  # tocilizumab's code name "MRA" counts only in its own capitals
    assert "bias" not in found and "MS" not in found and "RA" not in found
    assert labels(extractor, "MRA was given.")["MRA"] == ("drug", "tocilizumab")


def test_disease_acronym_needs_a_definition(extractor) -> None:
    assert "SLE" not in labels(extractor, "Flares of SLE were rare.")
    found = labels(extractor, "In systemic lupus erythematosus (SLE), flares of SLE were rare.")
    assert found["SLE"] == ("disease", "systemic lupus erythematosus")


def test_abbreviation_defined_as_something_else_blocks_the_dictionary(extractor) -> None:
    found = labels(extractor, "Vessels were imaged by magnetic resonance angiography (MRA); MRA was normal.")
    assert "MRA" not in found


def test_coordinated_diseases(extractor) -> None:
    found = labels(extractor, "Tumours of ovarian, gastric, pancreatic and colorectal cancer spread there.")
    kinds = {text: label for text, (_, label) in found.items()}
    assert kinds["ovarian"] == "ovarian cancer"
    assert kinds["gastric"] == "stomach cancer"
    assert kinds["pancreatic"] == "pancreatic cancer"
    assert kinds["colorectal cancer"] == "colorectal cancer"


def test_general_disease_read_as_the_title_subtype(extractor) -> None:
    found = labels(extractor, "Blocking IL-6 improved lupus in mice.", title="IL-6 in systemic lupus erythematosus")
    assert found["lupus"] == ("disease", "systemic lupus erythematosus")


def test_generic_words_are_not_diseases(extractor) -> None:
    assert "diseases" not in labels(extractor, "Inflammatory diseases were studied.")


def test_source_annotations_are_kept_and_grounded(extractor) -> None:
    from kg.model import SourceAnnotation

    text = "Naloxone reverses the antihypertensive effect of clonidine."
    document = Document(
        source="t", text=text, format="pubtator",
        annotations=(SourceAnnotation(0, 8, "Naloxone", "Chemical", ("D009270",), "pubtator"),),
    )
    mentions = find_mentions(document, extractor.matcher)
    naloxone = next(m for m in mentions if m.text == "Naloxone")
    assert naloxone.term.kind is EntityKind.DRUG
    assert "MESH:D009270" in naloxone.term.xrefs or naloxone.term.curie == "MESH:D009270"
    without = find_mentions(document, extractor.matcher, use_source_annotations=False)
    assert all(m.source != "pubtator" for m in without)


def test_mention_offsets_match_the_text(extractor) -> None:
    document = make_document("Siltuximab in myeloma", "Siltuximab (CNTO 328) targets IL-6 in multiple myeloma (MM); MM relapsed.")
    for mention in find_mentions(document, extractor.matcher):
        assert document.text[mention.start : mention.end] == mention.text
