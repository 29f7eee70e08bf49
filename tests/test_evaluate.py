"""kg.evaluate: document-level concept P/R/F1 against PubTator gold (the BC5CDR protocol).

The small PubTator files in tests/resources/evaluate/ were written for these tests; every expected count
below is worked out by hand in the comments. The last test reads the real NCBI Disease development set and
is skipped where the shared folder is absent.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluate import (
    EvaluationReport,
    TypeScore,
    evaluate,
    normalize_id,
    predict,
    predictions_to_pubtator,
    read_concepts,
    split_ids,
    term_concepts,
)
from kg.model import EntityKind, Term
from kg.readers import read_file
from tests.conftest import SHARED

HERE = Path(__file__).resolve().parent / "resources" / "evaluate"
GOLD = HERE / "gold_bc5cdr.pubtator"
PREDICTIONS = HERE / "predictions_bc5cdr.pubtator"
NCBI = HERE / "gold_ncbi_disease.pubtator"
BIORED = HERE / "gold_biored.pubtator"
EXTRACTOR_GOLD = HERE / "gold_extractor.pubtator"


# ---------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("D009101", "disease", "MESH:D009101"),
        (" D008661", "disease", "MESH:D008661"),  # NCBI Disease has a leading space on some ids
        ("C079014", "chemical", "MESH:C079014"),
        ("MESH:D009101", "disease", "MESH:D009101"),
        ("mesh:d009101", "disease", "MESH:D009101"),
        ("OMIM:254500", "disease", "OMIM:254500"),
        ("MIM:254500", "disease", "OMIM:254500"),
        ("6528", "gene", "NCBIGene:6528"),
        ("9606", "species", "NCBITaxon:9606"),
        ("-1", "disease", None),
        ("", "chemical", None),
    ],
)
def test_normalize_id(raw: str, kind: str, expected: str | None) -> None:
    assert normalize_id(raw, kind) == expected


def test_split_ids_counts_each_id_of_a_composite() -> None:
    assert split_ids("D006470|D003556", "disease") == ["MESH:D006470", "MESH:D003556"]
    assert split_ids("D005693+D030342", "disease") == ["MESH:D005693", "MESH:D030342"]  # NCBI combination
    assert split_ids("3172,3651", "gene") == ["NCBIGene:3172", "NCBIGene:3651"]  # BioRED
    assert split_ids("-1|D003556", "disease") == ["MESH:D003556"]
    assert split_ids("p|SUB|V|1763|M", "variant") == ["p|SUB|V|1763|M"]  # a tmVar id keeps its bars


# ---------------------------------------------------------------- reading gold


def test_read_concepts_bc5cdr() -> None:
    concepts = read_concepts(GOLD)
    # "-1" ids (toxicity, unnamed reaction) are no concept; the composite counts both ids; CID lines skipped
    assert concepts["100"] == {
        ("chemical", "MESH:D008094"),
        ("disease", "MESH:D012640"),
        ("disease", "MESH:D006470"),
        ("disease", "MESH:D003556"),
    }
    assert concepts["200"] == {
        ("disease", "MESH:D009101"),
        ("chemical", "MESH:C400082"),
        ("chemical", "MESH:D003907"),
    }
    chemicals = {("chemical", "MESH:C400082"), ("chemical", "MESH:D003907")}
    assert read_concepts(GOLD, ["chemical"])["200"] == chemicals


def test_ncbi_disease_types_are_all_disease() -> None:
    concepts = read_concepts(NCBI)
    # CompositeMention, Modifier, SpecificDisease and DiseaseClass are all "disease"; OMIM ids kept as OMIM;
    # the composite "D001943|D010051" and the combination "D005693+D030342" count each id
    assert concepts == {
        "9012409": {
            ("disease", "MESH:D005693"),
            ("disease", "MESH:D001260"),
            ("disease", "MESH:D001943"),
            ("disease", "MESH:D010051"),
            ("disease", "OMIM:222300"),
            ("disease", "MESH:D008661"),
            ("disease", "MESH:D030342"),
        }
    }


def test_biored_types() -> None:
    assert read_concepts(BIORED) == {
        "14510914": {
            ("disease", "MESH:D003409"),
            ("disease", "MESH:C564766"),
            ("gene", "NCBIGene:6528"),
            ("chemical", "MESH:D013974"),
            ("species", "NCBITaxon:9606"),
        }
    }


def test_malformed_pubtator_is_an_input_error() -> None:
    with pytest.raises(InputError):
        read_concepts(io.StringIO("this is not PubTator\n"))
    with pytest.raises(InputError):
        read_concepts(io.StringIO("\n\n"))


# ---------------------------------------------------------------- scoring two files


def test_scores_computed_by_hand() -> None:
    report = evaluate(GOLD, PREDICTIONS)
    # disease: gold {100: D012640 D006470 D003556, 200: D009101}; predicted {100: D064420 D012640 D006470,
    # 200: D009369} ("-1" ignored) -> tp 2 (D012640, D006470), fp 2 (D064420, D009369),
    # fn 2 (D003556, D009101)
    assert report.score("disease") == TypeScore("disease", tp=2, fp=2, fn=2)
    assert (report.score("disease").precision, report.score("disease").recall) == (0.5, 0.5)
    assert report.score("disease").f1 == pytest.approx(0.5)
    # chemical: gold {100: D008094, 200: C400082 D003907}; predicted {100: D008094, 200: C400082}
    # -> tp 2, fp 0, fn 1: P 1, R 2/3, F1 0.8. Document 300 is not in the gold and is not scored.
    chemical = report.score("chemical")
    assert chemical == TypeScore("chemical", tp=2, fp=0, fn=1)
    assert chemical.precision == 1.0
    assert chemical.recall == pytest.approx(2 / 3)
    assert chemical.f1 == pytest.approx(0.8)
    assert report.documents == 2
    assert report.errors("disease") == {
        "100": ({"MESH:D064420"}, {"MESH:D003556"}),
        "200": ({"MESH:D009369"}, {"MESH:D009101"}),
    }


def test_report_text_ends_with_the_f1_line() -> None:
    text = evaluate(GOLD, PREDICTIONS).text()
    lines = text.strip().splitlines()
    assert lines[-1] == "disease_f1=0.500 chemical_f1=0.800"
    assert "disease       0.500  0.500  0.500   2/2/2" in lines
    assert "chemical      1.000  0.667  0.800   2/0/1" in lines


def test_types_option() -> None:
    report = evaluate(GOLD, PREDICTIONS, types=("chemical",))
    assert [s.type for s in report.scores] == ["chemical"]
    assert report.text().strip().endswith("chemical_f1=0.800")
    with pytest.raises(KeyError):
        report.score("disease")
    with pytest.raises(ValueError):
        evaluate(GOLD, PREDICTIONS, types=())


def test_gold_against_itself_is_perfect() -> None:
    report = evaluate(NCBI, NCBI, types=("disease",))
    assert report.score("disease") == TypeScore("disease", tp=7, fp=0, fn=0)
    assert report.score("disease").f1 == 1.0


def test_empty_prediction_scores_zero() -> None:
    score = TypeScore("disease", tp=0, fp=0, fn=4)
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    report = EvaluationReport("g", "p", (score,), {}, {})
    assert report.text().strip().endswith("disease_f1=0.000")


# ---------------------------------------------------------------- our predictions


def test_term_concepts_kinds_and_ids() -> None:
    disease = Term("DOID:9538", EntityKind.DISEASE, "multiple myeloma", None, ("DOID:9538", "MESH:D009101"))
    assert term_concepts(disease) == [("disease", "MESH:D009101")]
    omim_only = Term("DOID:1", EntityKind.DISEASE, "x", None, ("DOID:1", "OMIM:222300"))
    assert term_concepts(omim_only) == [("disease", "OMIM:222300")]
    omim_group = Term("DOID:2", EntityKind.DISEASE, "y", None, ("DOID:2", "OMIM:1", "OMIM:2"))
    assert term_concepts(omim_group) == []  # several OMIM entries name a group, not one of them
    mesh_term = Term("MESH:D012640", EntityKind.DISEASE, "seizures", None, ("MESH:D012640", "MESH:D000001"))
    assert term_concepts(mesh_term) == [("disease", "MESH:D012640")]
    drug = Term("DrugBank:DB06273", EntityKind.DRUG, "tocilizumab", None, ("MESH:C502936",))
    assert term_concepts(drug) == [("chemical", "MESH:C502936")]
    drug_class = Term("KGO:Glucocorticoid", EntityKind.DRUG_CLASS, "glucocorticoid", None, ("MESH:D005938",))
    assert term_concepts(drug_class) == [("chemical", "MESH:D005938")]
    gene = Term("HGNC:6018", EntityKind.CYTOKINE, "interleukin 6", "IL6", ("HGNC:6018", "NCBIGene:3569"))
    assert term_concepts(gene) == [("gene", "NCBIGene:3569")]
    assert term_concepts(Term("DOID:3", EntityKind.DISEASE, "z", None, ("DOID:3",))) == []


def test_extractor_runs_without_the_gold_annotations(extractor) -> None:
    report = evaluate(EXTRACTOR_GOLD)
    assert report.prediction_source.startswith("kg extractor")
    predicted = report.predicted["424242"]
    # the dictionary finds rheumatoid arthritis (MeSH D001172), multiple myeloma (D009101) and tocilizumab
    # (C502936)
    expected = {("disease", "MESH:D001172"), ("disease", "MESH:D009101"), ("chemical", "MESH:C502936")}
    assert expected <= predicted
    # "unexplained complaint" is annotated D000001 in the gold only: annotations are not used, so it is missed
    assert ("disease", "MESH:D000001") not in predicted
    assert report.score("disease").fn >= 1
    assert report.score("disease").tp == 2


def test_predictions_to_pubtator_scores_the_same(tmp_path: Path, extractor) -> None:
    documents = read_file(EXTRACTOR_GOLD, "pubtator")
    extractions = predict(documents)
    out = tmp_path / "ours.pubtator"
    text = predictions_to_pubtator(extractions, out)
    assert out.read_text(encoding="utf-8") == text
    assert text.startswith("424242|t|Tocilizumab in rheumatoid arthritis and multiple myeloma.\n424242|a|")
    assert "\tChemical\tC502936\n" in text and "\tDisease\tD001172\n" in text
    for line in text.splitlines()[2:]:
        if line:
            _, start, end, surface, *_ = line.split("\t")
            assert documents[0].text[int(start) : int(end)] == surface
    assert evaluate(EXTRACTOR_GOLD, out).scores == evaluate(EXTRACTOR_GOLD).scores


def test_predict_does_not_use_source_annotations(extractor) -> None:
    (document,) = read_file(EXTRACTOR_GOLD, "pubtator")
    assert document.annotations  # the gold file carries them
    (extraction,) = predict([document])
    assert not extraction.document.annotations
    assert all(m.source != "pubtator" for m in extraction.mentions)


# ---------------------------------------------------------------- the real corpus (skipped where absent)

NCBI_DEV = SHARED / "corpora" / "NCBI-disease" / "NCBIdevelopset_corpus.txt"


@pytest.mark.slow
def test_ncbi_disease_development_set(extractor) -> None:
    if not NCBI_DEV.exists():
        pytest.skip(f"{NCBI_DEV} is not available")
    report = evaluate(NCBI_DEV, types=("disease",))
    assert report.documents == 100
    assert report.score("disease").f1 > 0.7
