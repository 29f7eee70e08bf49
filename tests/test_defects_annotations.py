"""Issue 11: one malformed or unknown annotation id in a PubTator/BioC input must not abort the build.

Before the fix, an id such as ``NCBIGene:`` (empty local part), ``DrugBank:`` or ``FOO:123`` (a prefix the
project cannot expand) became the IRI of an entity and the whole build stopped with exit status 2,
writing nothing and naming no file. Now such ids are skipped for grounding; the span may still be found
by the dictionary.
"""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.extract.entities import annotation_curie, annotation_curies

runner = CliRunner()

TITLE = "Tocilizumab in rheumatoid arthritis"
ABSTRACT = "Patients with rheumatoid arthritis received tocilizumab; serum IL-6 fell."
TEXT = f"{TITLE} {ABSTRACT}"


def _span(word: str) -> tuple[int, int]:
    start = TEXT.index(word, len(TITLE))
    return start, start + len(word)


def _pubtator(ids: dict[str, str]) -> str:
    lines = [f"4242|t|{TITLE}", f"4242|a|{ABSTRACT}"]
    for word, (kind, identifier) in {
        "rheumatoid arthritis": ("Disease", ids["disease"]),
        "tocilizumab": ("Chemical", ids["chemical"]),
        "IL-6": ("Gene", ids["gene"]),
    }.items():
        start, end = _span(word)
        lines.append(f"4242\t{start}\t{end}\t{word}\t{kind}\t{identifier}")
    return "\n".join(lines) + "\n\n"


def _bioc_xml(ids: dict[str, str]) -> str:
    annotations = []
    for n, (word, kind, key) in enumerate(
        [("rheumatoid arthritis", "Disease", "disease"), ("tocilizumab", "Chemical", "chemical"), ("IL-6", "Gene", "gene")]
    ):
        start, end = _span(word)
        annotations.append(
            f'<annotation id="{n}"><infon key="type">{kind}</infon><infon key="identifier">{escape(ids[key])}</infon>'
            f'<location offset="{start}" length="{end - start}"/><text>{word}</text></annotation>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8'?><collection><source>test</source><date>2024</date><key>k</key>"
        f"<document><id>4242</id><passage><infon key=\"type\">title</infon><offset>0</offset><text>{TITLE}</text></passage>"
        f"<passage><infon key=\"type\">abstract</infon><offset>{len(TITLE) + 1}</offset><text>{ABSTRACT}</text>"
        + "".join(annotations)
        + "</passage></document></collection>"
    )


BAD_IDS = [
    {"disease": "MESH:", "chemical": "DrugBank:", "gene": "NCBIGene:"},
    {"disease": "FOO:123", "chemical": "UniProtKB:", "gene": "NOTAPREFIX:6018"},
    {"disease": "MESH:D0 01", "chemical": "DrugBank:<DB06273>", "gene": ":"},
]


def _extract(path: Path) -> dict:
    result = runner.invoke(app, ["extract", str(path), "--format", "jsonl", "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.splitlines()[0])


@pytest.mark.parametrize("ids", BAD_IDS)
@pytest.mark.parametrize(("name", "writer"), [("bad.pubtator", _pubtator), ("bad.xml", _bioc_xml)])
def test_malformed_or_unknown_ids_do_not_abort_the_build(tmp_path: Path, ids: dict, name: str, writer) -> None:
    source = tmp_path / name
    source.write_text(writer(ids), encoding="utf-8")
    output = tmp_path / "kg.ttl"
    result = runner.invoke(app, ["build", str(source), "-o", str(output)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert output.is_file() and "tocilizumab" in output.read_text(encoding="utf-8")
    # the dictionary still finds the annotated spans, grounded to the vocabulary
    entities = {e["label"]: e["id"] for e in _extract(source)["entities"]}
    assert entities["tocilizumab"] == "DrugBank:DB06273"
    assert entities["rheumatoid arthritis"] == "DOID:7148"
    assert all(":" in i and i.split(":", 1)[1] for i in entities.values())


def test_good_ids_in_any_prefix_spelling_still_ground(tmp_path: Path) -> None:
    source = tmp_path / "good.pubtator"
    # a disease id the dictionary would not give this span: the annotation decides
    source.write_text(
        _pubtator({"disease": "msh:D001172", "chemical": "DRUGBANK:DB06273", "gene": "3569"}), encoding="utf-8"
    )
    document = _extract(source)
    by_id = {e["id"]: e for e in document["entities"]}
    assert "DOID:7148" in by_id  # MeSH D001172 is rheumatoid arthritis
    assert "DrugBank:DB06273" in by_id
    assert by_id["HGNC:6018"]["symbol"] == "IL6"  # NCBI Gene 3569 is IL6


@pytest.mark.parametrize(
    ("identifier", "annotation_type", "expected"),
    [
        ("D009101", "Disease", "MESH:D009101"),
        ("MSH:D009101", "Disease", "MESH:D009101"),
        ("mesh:D009101", "Disease", "MESH:D009101"),
        ("DB06273", "Chemical", "DrugBank:DB06273"),
        ("drugbank:DB06273", "Chemical", "DrugBank:DB06273"),
        ("3569", "Gene", "NCBIGene:3569"),
        ("9606", "Species", None),  # a bare number is a gene only in a gene annotation
        ("CHEBI:CHEBI:15365", "Chemical", "CHEBI:15365"),
        ("NCBIGene:", "Gene", None),
        ("UniProtKB:", "Gene", None),
        ("DrugBank:", "Chemical", None),
        ("FOO:123", "Disease", None),
        ("MESH:D0 01", "Disease", None),
        ("MESH:<D009101>", "Disease", None),
        ("", "Disease", None),
        ("-", "Disease", None),
    ],
)
def test_annotation_curie(identifier: str, annotation_type: str, expected: str | None) -> None:
    assert annotation_curie(identifier, annotation_type) == expected


def test_annotation_curies_keeps_the_usable_ones_in_order() -> None:
    assert annotation_curies(["FOO:1", "D001172", "MESH:D001172", "DOID:"], "Disease") == ["MESH:D001172"]
