"""The kg command end to end on the examples, and on bad input next to good input."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_build_then_ask_csv(tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    result = run("build", str(EXAMPLES), "-o", str(out), "--quiet")
    assert result.exit_code == 0, result.output
    assert f"{len(list(EXAMPLES.glob('*.txt')))} documents read, 0 failed" in result.output
    assert "findings" in result.output and "triples" in result.output
    list(ox.parse(path=str(out), format=ox.RdfFormat.TURTLE))  # an independent parser reads it
    answer = run("ask", "il6-inhibitors-failed-in-cancers", "--data", str(out), "--format", "csv")
    assert answer.exit_code == 0, answer.output
    rows = list(csv.DictReader(io.StringIO(answer.stdout)))
    assert {"intervention_label", "cancer_label", "sentence"} <= set(rows[0])
    assert ("siltuximab", "multiple myeloma") in {(r["intervention_label"], r["cancer_label"]) for r in rows}


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    for name in ("a.ttl", "b.ttl"):
        assert run("build", str(EXAMPLES), "-o", str(tmp_path / name), "-q").exit_code == 0
    assert (tmp_path / "a.ttl").read_bytes() == (tmp_path / "b.ttl").read_bytes()


@pytest.mark.parametrize("fmt", ["nq", "trig", "nt", "jsonld"])
def test_other_formats_keep_named_graphs(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"kg.{fmt}"
    assert run("build", str(EXAMPLES), "-o", str(out), "-q").exit_code == 0
    rdf_format = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    statements = list(ox.parse(path=str(out), format=rdf_format))
    if fmt in ("nq", "trig", "jsonld"):
        graphs = {q.graph_name.value for q in statements if isinstance(q.graph_name, ox.NamedNode)}
        assert "https://w3id.org/cytokine-kg/resource/graph/pmid-24833354" in graphs
        assert "https://w3id.org/cytokine-kg/resource/graph/vocabulary" in graphs


def test_store_is_incremental(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert run("build", str(EXAMPLES), "--store", str(store), "-q").exit_code == 0
    first = ox.Store(str(store))
    count = len(first)
    del first
    assert run("build", str(EXAMPLES / "pmid_24833354.txt"), "--store", str(store), "-q").exit_code == 0
    assert len(ox.Store(str(store))) == count
    answer = run("ask", "il6-inhibitors-failed-in-cancers", "--store", str(store), "--format", "json")
    rows = json.loads(answer.stdout)
    assert rows and rows[0]["intervention_label"] == "siltuximab"


def test_extract_jsonl_follows_the_evaluation_format(tmp_path: Path) -> None:
    result = run("extract", str(EXAMPLES), "--format", "jsonl", "-q")
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == len(list(EXAMPLES.glob("*.txt")))
    record = next(r for r in records if r["pmid"] == "24833354")
    assert record["source"].endswith("pmid_24833354.txt")
    types = {e["type"] for e in record["entities"]}
    assert {"cytokine", "drug", "disease"} <= types
    for entity in record["entities"]:
        assert {"label", "xrefs", "mentions"} <= set(entity)
    finding = next(f for f in record["findings"] if f["outcome"] == "no_efficacy")
    assert finding["intervention"]["label"] == "siltuximab"
    assert {"text", "start", "end"} <= set(finding["evidence"]) and 0 < finding["confidence"] <= 1


def test_bad_input_is_reported_and_the_rest_is_built(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "pmid_24833354.txt", folder)
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (folder / "broken.xml").write_text("<PubmedArticleSet><PubmedArticle><MedlineCitation>")
    out = tmp_path / "kg.ttl"
    result = run("build", str(folder), "-o", str(out), "-q")
    assert result.exit_code == 1
    assert "1 documents read, 3 failed" in result.output
    for name in ("empty.txt", "binary.txt", "broken.xml"):
        assert name in result.output
    assert out.exists() and b"24833354" in out.read_bytes()


def test_unknown_input_format_names_the_known_ones(tmp_path: Path) -> None:
    result = run("build", str(EXAMPLES), "-o", str(tmp_path / "x.ttl"), "--input-format", "docx", "-q")
    assert result.exit_code != 0
    assert "docx" in result.output and "pubmed_xml" in result.output


def test_ask_list_json_and_errors(tmp_path: Path) -> None:
    listed = json.loads(run("ask", "--list", "--format", "json").stdout)
    entry = next(q for q in listed if q["name"] == "il6-inhibitors-failed-in-cancers")
    assert entry["summary"] and entry["params"][0] == {"name": "drug_class", "required": False, "default": "kgo:IL6Inhibitor"}
    missing = run("ask", "il6-inhibitors-failed-in-cancers", "--data", str(tmp_path / "none.ttl"))
    assert missing.exit_code == 2 and "none.ttl" in missing.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .")
    broken = run("ask", "il6-inhibitors-failed-in-cancers", "--data", str(bad))
    assert broken.exit_code == 2 and "bad.ttl" in broken.output


def test_validate_conforming_and_broken(example_build: Path, tmp_path: Path) -> None:
    good = run("validate", str(example_build))
    assert good.exit_code == 0 and good.stdout.startswith("conforms")
    broken = tmp_path / "broken.ttl"
    text = example_build.read_text()
    broken.write_text(text + '\n<https://w3id.org/cytokine-kg/resource/finding/x> a '
                      '<https://w3id.org/cytokine-kg/ontology#Finding> .\n')
    bad = run("validate", str(broken))
    assert bad.exit_code == 1 and "finding:x" in bad.stdout and "prov:wasDerivedFrom" in bad.stdout
