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


def test_a_severity_grade_is_no_disease_of_its_own(extractor) -> None:
    found = labels(extractor, "Patients with severe COVID-19 and severe combined immunodeficiency were excluded.")
    assert found["severe COVID-19"] == ("disease", "COVID-19")
    assert found["severe combined immunodeficiency"] == ("disease", "severe combined immunodeficiency")


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


@pytest.mark.parametrize(
    ("phrase", "drug_class"),
    [
        ("anti-TNF", "TNF inhibitor"),
        ("anti-tumor necrosis factor", "TNF inhibitor"),
        ("anti-IL-17", "IL-17 inhibitor"),
        ("anti-IL-1 drugs", "IL-1 inhibitor"),  # IL-1 is a family: its members define the class
        ("anti-IL-6 receptor antibody", "IL-6 inhibitor"),
        ("TNF-alpha blockers", "TNF inhibitor"),
    ],
)
def test_class_phrases_of_every_anti_cytokine_kind(extractor, phrase: str, drug_class: str) -> None:
    found = labels(extractor, f"Patients switched to {phrase} later.")
    assert found[phrase] == ("drug_class", drug_class)


def test_a_class_phrase_also_names_its_gene_product(extractor) -> None:
    mentions = find_mentions(make_document("A title", "Anti-TNF therapy and anti-IL-6R agents were used."), extractor.matcher)
    found = {(m.text, m.term.symbol or m.term.label) for m in mentions}
    assert ("Anti-TNF therapy", "TNF inhibitor") in found and ("TNF", "TNF") in found
    assert ("anti-IL-6R agents", "IL-6 inhibitor") in found and ("IL-6R", "IL6R") in found
    assert not any(symbol == "IL6" for _, symbol in found)  # "anti-IL-6R" names the receptor, not IL-6


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TNF/JAK inhibitors were stopped.", {"TNF": "TNF inhibitor", "JAK inhibitors": "JAK inhibitor"}),
        ("IL-1, IL-6 and TNF blockers were tried.",
         {"IL-1": "IL-1 inhibitor", "IL-6": "IL-6 inhibitor", "TNF blockers": "TNF inhibitor"}),
    ],
)
def test_coordinated_class_phrases(extractor, text: str, expected: dict[str, str]) -> None:
    mentions = find_mentions(make_document("A title", text), extractor.matcher)
    classes = {m.text: m.term.label for m in mentions if m.term.kind is EntityKind.DRUG_CLASS}
    assert classes == expected


def test_coordination_needs_a_class_on_each_side(extractor) -> None:
    mentions = find_mentions(make_document("A title", "The TNF/IL-6 axis and IL-6 signalling."), extractor.matcher)
    assert not any(m.term.kind is EntityKind.DRUG_CLASS for m in mentions)


@pytest.mark.parametrize(
    ("code", "inn"),
    [("CTL019", "tisagenlecleucel"), ("KTE-C19", "axicabtagene ciloleucel"), ("MRA", "tocilizumab"),
     ("CNTO328", "siltuximab")],
)
def test_code_names_map_to_the_inn(extractor, code: str, inn: str) -> None:
    assert labels(extractor, f"Patients received {code} weekly.")[code] == ("drug", inn)


def small_vocabulary():
    from kg.model import Term
    from kg.vocabulary import Synonym, Vocabulary

    terms = {
        "HGNC:6018": Term("HGNC:6018", EntityKind.CYTOKINE, "interleukin 6", "IL6"),
        "DrugBank:DB06273": Term("DrugBank:DB06273", EntityKind.DRUG, "tocilizumab"),
        "DOID:9538": Term("DOID:9538", EntityKind.DISEASE, "multiple myeloma", None, ("MESH:D009101",)),
    }
    synonyms = [Synonym("interleukin 6", "HGNC:6018", 3), Synonym("IL6", "HGNC:6018", 3),
                Synonym("tocilizumab", "DrugBank:DB06273", 3), Synonym("multiple myeloma", "DOID:9538", 3),
                Synonym("MM", "DOID:9538", 2)]  # fmt: skip
    return Vocabulary(terms, synonyms, {"DrugBank:DB06273": {"inhibits": frozenset({"HGNC:6018"})}}, {}, {},
                      {"DOID:9538": frozenset({"DOID:162"})})  # fmt: skip


TEXT = "Tocilizumab blocks IL-6 and interleukin 6 in multiple myeloma (MM); IL6 again."


def test_cached_matcher_finds_what_a_built_one_finds(tmp_path, monkeypatch) -> None:
    from kg.extract.matcher import Matcher

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    vocabulary = small_vocabulary()
    built = Matcher(vocabulary)
    first = Matcher.cached(vocabulary, "k1")  # builds and saves
    (saved,) = (tmp_path / "matcher").glob("k1.*")
    again = Matcher.cached(vocabulary, "k1")  # loads
    expected = list(built.candidates(TEXT))
    assert [m.text for m in expected] == ["Tocilizumab", "IL-6", "interleukin 6", "multiple myeloma", "IL6"]
    assert list(first.candidates(TEXT)) == expected == list(again.candidates(TEXT))
    assert again.lookup("Interleukin-6") is vocabulary.terms["HGNC:6018"]
    assert again.lookup("interleukin 7") is None and again.lookup("") is None
    saved.write_bytes(b"not a pickle")  # a damaged cache file is rebuilt and replaced
    assert list(Matcher.cached(vocabulary, "k1").candidates(TEXT)) == expected
    assert saved.read_bytes() != b"not a pickle"


def test_cached_vocabulary_is_the_parsed_one(tmp_path, monkeypatch) -> None:
    from kg.vocabulary import Vocabulary

    vocabulary = small_vocabulary()
    again = Vocabulary._from_cache_state(vocabulary._cache_state())
    assert again.terms == vocabulary.terms and again.synonyms == vocabulary.synonyms
    assert (again.targets, again.ancestors) == (vocabulary.targets, vocabulary.ancestors)
    with pytest.raises(ValueError):
        Vocabulary._from_cache_state({**vocabulary._cache_state(), "format": -1})


def test_dictionary_hits_are_whole_tokens() -> None:
    from kg.extract.matcher import Matcher

    text = "IL-66, XIL6 and preinterleukin 6 differ from multiple myelomas and anti-IL6 (IL6)."
    found = [(m.text, m.term.curie) for m in Matcher(small_vocabulary()).candidates(text)]
    assert found == [("multiple myelomas", "DOID:9538"), ("IL6", "HGNC:6018"), ("IL6", "HGNC:6018")]
