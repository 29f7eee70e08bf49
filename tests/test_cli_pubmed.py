"""`kg build` straight from PubMed: pmid:N, --pmids FILE and --pubmed-query, against a local E-utilities."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.http_server import Fault

runner = CliRunner()
pytestmark = pytest.mark.server


def test_pubmed_query_end_to_end_and_cached(eutils, tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    result = runner.invoke(app, ["build", "--pubmed-query", "tocilizumab", "--max", "10", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "0 failed" in result.output
    assert eutils.count("esearch") == 1 and eutils.count("efetch") >= 1
    fetched = eutils.count("efetch")
    text = out.read_text()
    assert "fabio:hasPubMedId" in text
    again = runner.invoke(app, ["build", "--pubmed-query", "tocilizumab", "--max", "10", "-o", str(out), "-q"])
    assert again.exit_code == 0 and eutils.count("efetch") == fetched  # served from the cache


def test_pmid_arguments_and_file(eutils, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("# two ids\n99000001\npmid:99000002\n")
    out = tmp_path / "kg.ttl"
    result = runner.invoke(app, ["build", "pmid:99000003", "--pmids", str(ids), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert "3 documents read" in result.output


def test_unreachable_pubmed_is_a_clear_error(eutils, tmp_path: Path) -> None:
    eutils.always(Fault(status=503))
    result = runner.invoke(app, ["build", "pmid:99000001", "-o", str(tmp_path / "x.ttl"), "-q"])
    assert result.exit_code == 2
    assert "PubMed is unreachable" in result.output
