"""`kg load` and `kg ask --endpoint` against real SPARQL servers on loopback: Oxigraph's and Virtuoso."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.test_remote_store import oxigraph_server  # noqa: F401  (session fixture)

runner = CliRunner()
QUESTION = "il6-inhibitors-failed-in-cancers"


def rows(result) -> set[tuple[str, ...]]:
    import csv
    import io

    assert result.exit_code == 0, result.output
    return {tuple(sorted(r.items())) for r in csv.DictReader(io.StringIO(result.stdout))}


@pytest.fixture(scope="module")
def nquads(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("remote") / "examples.nq"
    assert runner.invoke(app, ["build", "examples", "-o", str(out), "-q"]).exit_code == 0
    return out


@pytest.mark.server
def test_load_then_ask_oxigraph_server(oxigraph_server, nquads: Path) -> None:  # noqa: F811
    base = oxigraph_server.base_url
    loaded = runner.invoke(app, ["load", str(nquads), "--endpoint", f"{base}/query", "--update-endpoint",
                                 f"{base}/update", "--graph-store", f"{base}/store"])
    assert loaded.exit_code == 0, loaded.output
    assert "graphs" in loaded.output
    remote = rows(runner.invoke(app, ["ask", QUESTION, "--endpoint", f"{base}/query", "--format", "csv"]))
    local = rows(runner.invoke(app, ["ask", QUESTION, "--data", str(nquads), "--format", "csv"]))
    assert remote == local and remote


@pytest.mark.virtuoso
def test_load_then_ask_virtuoso(virtuoso, nquads: Path, monkeypatch) -> None:
    monkeypatch.setenv("KG_SPARQL_USER", virtuoso.user)
    monkeypatch.setenv("KG_SPARQL_PASSWORD", virtuoso.password)
    loaded = runner.invoke(app, ["load", str(nquads), "--endpoint", virtuoso.auth_query_url,
                                 "--graph-store", virtuoso.graph_store_url])
    assert loaded.exit_code == 0, loaded.output
    assert virtuoso.password not in loaded.output
    remote = rows(runner.invoke(app, ["ask", QUESTION, "--endpoint", virtuoso.query_url, "--format", "csv"]))
    local = rows(runner.invoke(app, ["ask", QUESTION, "--data", str(nquads), "--format", "csv"]))
    assert remote == local and remote


def test_load_needs_one_source() -> None:
    result = runner.invoke(app, ["load", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert result.exit_code == 2 and "either an RDF FILE or --store" in result.output
