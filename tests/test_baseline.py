"""PubMed baseline and update files: streamed, DeleteCitation honoured, the size limit per article."""

from __future__ import annotations

import gzip
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import api
from kg.cli import app
from kg.errors import InputError
from kg.model import Document
from kg.readers import Deletion, read_paths
from kg.store.embedded import EmbeddedStore
from tests.baseline_files import baseline_xml, write_baseline

runner = CliRunner()
GRAPH = "https://w3id.org/cytokine-kg/resource/graph/pmid-"


def graphs_in(path: Path) -> set[str]:
    quads = ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
    return {q.graph_name.value.rsplit("-", 1)[1] for q in quads if q.graph_name.value.startswith(GRAPH)}


def test_baseline_file_streams_articles_then_the_deletion(tmp_path: Path) -> None:
    path = write_baseline(tmp_path / "pubmed25n0001.xml.gz", [101, 102, 103], deleted=[102, 999])
    items = list(read_paths([str(path)], deletions=True))
    assert [d.pmid for d in items if isinstance(d, Document)] == ["101", "102", "103"]
    assert items[-1] == Deletion(str(path), ("102", "999"))
    assert all(d.title for d in items if isinstance(d, Document))
    assert not any(isinstance(d, Deletion) for d in read_paths([str(path)]))  # only when asked for


def test_file_build_leaves_out_articles_deleted_in_the_same_run(tmp_path: Path) -> None:
    write_baseline(tmp_path / "in" / "pubmed25n0001.xml.gz", [101, 102, 103])
    write_baseline(tmp_path / "in" / "pubmed25n0002.xml.gz", [104], deleted=[102])
    out = tmp_path / "kg.nq"
    result = runner.invoke(app, ["build", str(tmp_path / "in" / "pubmed25n*.xml.gz"), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert graphs_in(out) == {"101", "103", "104"}
    assert "3 documents read" in result.output and "1 PMIDs deleted" in result.output


def test_store_build_drops_the_graphs_of_deleted_pmids(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_baseline(tmp_path / "a" / "pubmed25n0001.xml.gz", [101, 102])
    api.build(api.Inputs(paths=(str(tmp_path / "a"),)), store=store)
    write_baseline(tmp_path / "b" / "pubmed25n0002.xml.gz", [], deleted=[101])
    summary = api.build(api.Inputs(paths=(str(tmp_path / "b"),)), store=store)  # deletions only: not empty
    assert summary.deleted == 1
    assert {g for g in EmbeddedStore(store, read_only=True).graphs() if g.startswith(GRAPH)} == {GRAPH + "102"}


def test_size_limit_applies_per_article_for_a_streamed_file(tmp_path: Path, monkeypatch) -> None:
    path = write_baseline(tmp_path / "pubmed25n0001.xml.gz", list(range(1, 400)))
    monkeypatch.setenv("KG_MAX_INPUT_MB", "0.05")  # the file is ~400 KB decompressed, an article ~1 KB
    assert len(baseline_xml(list(range(1, 400)))) > 0.05 * 2**20
    items = list(read_paths([str(path)]))
    assert len([d for d in items if isinstance(d, Document)]) == 399
    path.with_name("big.xml").write_bytes(baseline_xml([1], []).replace(b"reduced", b"reduced " * 20000))
    errors = [e for e in read_paths([str(path.with_name("big.xml"))]) if isinstance(e, InputError)]
    assert len(errors) == 1 and "article is" in str(errors[0]) and "KG_MAX_INPUT_MB" in str(errors[0])


def test_truncated_baseline_file_keeps_the_articles_before_the_break(tmp_path: Path) -> None:
    data = gzip.compress(baseline_xml(list(range(1, 2000))), mtime=0)
    path = tmp_path / "pubmed25n0003.xml.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    items = list(read_paths([str(path)]))
    errors = [e for e in items if isinstance(e, InputError)]
    assert 0 < len([d for d in items if isinstance(d, Document)]) < 1999
    assert len(errors) == 1 and "truncated" in str(errors[0]) and str(path) in str(errors[0])


def test_malformed_baseline_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "pubmed25n0004.xml"
    path.write_bytes(baseline_xml([1, 2]).replace(b"</PubmedArticleSet>", b"<PubmedArticle>"))
    items = list(read_paths([str(path)]))
    assert [d.pmid for d in items if isinstance(d, Document)] == ["1", "2"]
    errors = [e for e in items if isinstance(e, InputError)]
    assert len(errors) == 1 and "malformed XML" in str(errors[0]) and "2 articles before it" in str(errors[0])


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "pubmed25n0005.xml"
    path.write_bytes(b'<?xml version="1.0"?><!DOCTYPE PubmedArticleSet [<!ENTITY x "boom">]>'
                     + baseline_xml([1]).split(b"\n", 2)[2])
    (error,) = list(read_paths([str(path)]))
    assert isinstance(error, InputError) and "entities" in str(error)


@pytest.mark.parametrize("name", ["efetch.xml", "pubmed25n0001.xml.gz"])
def test_same_documents_whether_streamed_or_read_whole(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(baseline_xml([7, 8, 9]) if name.endswith(".xml") else gzip.compress(baseline_xml([7, 8, 9])))
    whole = list(read_paths([str(path)], format="pubmed_xml"))
    streamed = list(read_paths([str(path)], format="pubmed_baseline"))
    assert whole == streamed and len(whole) == 3


def test_a_revised_record_in_an_update_file_replaces_the_earlier_one(tmp_path: Path) -> None:
    write_baseline(tmp_path / "in" / "pubmed25n0001.xml.gz", [101, 102])
    update = tmp_path / "in" / "pubmed25n0002.xml.gz"
    update.write_bytes(gzip.compress(baseline_xml([102]).replace(b"Tocilizumab in rheumatoid", b"Revised: tocilizumab in rheumatoid")))
    out = tmp_path / "kg.nq"
    summary = api.build(api.Inputs(paths=(str(tmp_path / "in"),)), output=out)
    assert summary.documents == 2 and summary.revised == 1 and not summary.failed
    titles = {q.object.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)
              if q.predicate.value == "http://purl.org/dc/terms/title" and q.graph_name.value == GRAPH + "102"}
    assert titles == {"Revised: tocilizumab in rheumatoid arthritis"}  # the first record's title is gone


def test_same_pmid_in_two_ordinary_files_is_still_a_duplicate(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.xml").write_bytes(baseline_xml([101]))
    (tmp_path / "in" / "b.xml").write_bytes(baseline_xml([101]))
    summary = api.build(api.Inputs(paths=(str(tmp_path / "in"),)), output=tmp_path / "kg.nq")
    assert summary.documents == 1 and isinstance(summary.failed[0], api.DuplicateDocumentError)


def test_deletions_only_change_a_store_never_an_output_file(tmp_path: Path) -> None:
    path = write_baseline(tmp_path / "in" / "pubmed25n0002.xml.gz", [], deleted=[5])
    out = tmp_path / "kg.nq"
    out.write_bytes(b"old\n")
    with pytest.raises(api.EmptyBuildError):
        api.build(api.Inputs(paths=(str(path),)), output=out)
    assert out.read_bytes() == b"old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["in", "kg.nq"]
