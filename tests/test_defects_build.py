"""Issue 11, build and output: an empty build replaces nothing, outputs are never read back as inputs,
identity collisions are reported, --prune, clear one-line errors for bad outputs, warnings on stderr."""

from __future__ import annotations

import errno
import logging
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg import api
from kg.cli import app
from kg.model import Document
from kg.rdf.build import graph_iri
from kg.store.embedded import EmbeddedStore
from tests.conftest import EXAMPLES

runner = CliRunner()
KGR_GRAPH = "https://w3id.org/cytokine-kg/resource/graph/"
ONE_EXAMPLE = sorted(EXAMPLES.glob("*.txt"))[0]

SMALL_TEXT = ("Tocilizumab in rheumatoid arthritis\n\nIn this trial, tocilizumab reduced disease activity in "
              "patients with rheumatoid arthritis compared with placebo.\n")


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def error_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(("error:", "  failed:"))]


def small_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ONE_EXAMPLE, folder / ONE_EXAMPLE.name)
    (folder / "note.txt").write_text(SMALL_TEXT, encoding="utf-8")
    return folder


def document_graphs(store: Path) -> set[str]:
    return {g for g in EmbeddedStore(store, read_only=True).graphs() if g.startswith(api.DOCUMENT_GRAPH_PREFIXES)}


# ------------------------------------------------------------------ 1. an empty build replaces nothing

@pytest.mark.parametrize("case", ["typo", "bad-limit"])
def test_build_reading_no_document_keeps_the_old_output(tmp_path: Path, monkeypatch, case: str) -> None:
    corpus = small_corpus(tmp_path / "in")
    out = tmp_path / "kg.ttl"
    assert run("build", str(corpus), "-o", str(out), "-q").exit_code == 0
    before = out.read_bytes()
    if case == "bad-limit":
        monkeypatch.setenv("KG_MAX_INPUT_MB", "abc")
        result = run("build", str(corpus), "-o", str(out), "-q")
        assert "KG_MAX_INPUT_MB" in result.output
    else:
        result = run("build", str(tmp_path / "inn"), "-o", str(out), "-q")
        assert "no document was read" in result.output and str(out) in result.output
    assert result.exit_code == 2
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".kg.ttl")] == []  # no temporary left


def test_empty_build_creates_no_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = run("build", str(tmp_path / "missing"), "--store", str(store), "-q")
    assert result.exit_code == 2 and "no document was read" in result.output
    assert not store.exists()


# ------------------------------------------------------------------ 3. outputs are never inputs

def test_output_and_store_inside_the_input_folder_are_not_read(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in")
    out, store = corpus / "kg.ttl", corpus / "store"
    first = run("build", str(corpus), "-o", str(out), "--store", str(store), "-q")
    assert first.exit_code == 0, first.output
    size = out.read_bytes()
    second = run("build", str(corpus), "-o", str(out), "--store", str(store), "-q")
    assert second.exit_code == 0, second.output
    assert "2 documents read, 0 failed" in second.output
    assert out.read_bytes() == size  # the same triples, not the previous output read back in
    assert len(document_graphs(store)) == 2


# ------------------------------------------------------------------ 4. identity

def test_two_files_with_the_same_pmid_or_doi_are_reported_not_merged(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(ONE_EXAMPLE, corpus / "a.txt")
    shutil.copy(ONE_EXAMPLE, corpus / "b.txt")
    out, store = tmp_path / "kg.nq", tmp_path / "store"
    result = run("build", str(corpus), "-o", str(out), "--store", str(store), "-q")
    assert result.exit_code == 1
    (line,) = [x for x in error_lines(result) if "same PMID" in x or "same DOI" in x]
    assert "b.txt" in line and "a.txt" in line  # names both files, on one line
    sources = {q.object.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)
               if q.predicate.value.endswith("sourceFile")}
    assert sources == {str(corpus / "a.txt")}  # the first is kept whole; nothing of the second
    assert len(document_graphs(store)) == 1


def test_same_doi_collides_whatever_its_case() -> None:
    identities: dict[str, str] = {}
    first = Document(source="one.xml", text="first", format="text", doi="10.1000/ABC")
    second = Document(source="two.xml", text="second", format="text", doi="10.1000/abc")
    assert api._duplicate(first, identities) is None
    error = api._duplicate(second, identities)
    assert isinstance(error, api.DuplicateDocumentError)
    assert str(error).startswith("two.xml: same DOI 10.1000/abc as one.xml")


def test_documents_without_ids_have_one_identity_however_the_path_is_spelled(tmp_path: Path, monkeypatch) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "note.txt").write_text(SMALL_TEXT, encoding="utf-8")
    store = tmp_path / "store"
    monkeypatch.chdir(tmp_path)
    for spelling in ("in/note.txt", str(corpus / "note.txt"), "./in/../in/note.txt", "in"):
        result = run("build", spelling, "--store", str(store), "-q")
        assert result.exit_code == 0, result.output
    assert len(document_graphs(store)) == 1
    same = Document(source="elsewhere.txt", text=SMALL_TEXT, format="text")
    assert graph_iri(same).value in document_graphs(store)


# ------------------------------------------------------------------ 5. --prune

def test_prune_removes_only_the_graphs_of_documents_gone(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in")
    store = tmp_path / "store"
    assert run("build", str(corpus), "--store", str(store), "-q").exit_code == 0
    foreign = ox.NamedNode("https://example.org/someone-elses-graph")
    writer = EmbeddedStore(store)
    writer.replace_graph(foreign, [ox.Quad(foreign, foreign, foreign, foreign)])
    writer.flush()
    del writer
    assert len(document_graphs(store)) == 2
    (corpus / "note.txt").unlink()
    kept = run("build", str(corpus), "--store", str(store), "-q")  # without --prune: nothing removed
    assert kept.exit_code == 0 and len(document_graphs(store)) == 2
    pruned = run("build", str(corpus), "--store", str(store), "--prune", "-q")
    assert pruned.exit_code == 0, pruned.output
    assert "1 graphs pruned" in pruned.output
    graphs = set(EmbeddedStore(store, read_only=True).graphs())
    assert len(document_graphs(store)) == 1
    assert foreign.value in graphs and KGR_GRAPH + "vocabulary" in graphs


def test_prune_is_skipped_when_an_input_failed(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in")
    store = tmp_path / "store"
    assert run("build", str(corpus), "--store", str(store), "-q").exit_code == 0
    (corpus / "note.txt").write_bytes(b"")  # unreadable this time: its graph must not be pruned
    result = run("build", str(corpus), "--store", str(store), "--prune", "-q")
    assert result.exit_code == 1
    assert "not pruned" in result.output
    assert len(document_graphs(store)) == 2


def test_prune_needs_a_store(tmp_path: Path) -> None:
    result = run("build", str(EXAMPLES), "-o", str(tmp_path / "x.ttl"), "--prune", "-q")
    assert result.exit_code == 2 and "--prune needs --store" in result.output


# ------------------------------------------------------------------ 7. bad outputs: clear, early, nothing half-written

def test_output_naming_a_folder_or_an_unknown_suffix(tmp_path: Path) -> None:
    folder = run("build", str(EXAMPLES), "-o", str(tmp_path), "-q")
    assert folder.exit_code == 2 and "is a folder" in folder.output
    suffix = run("build", str(EXAMPLES), "-o", str(tmp_path / "x.jsonl"), "-q")
    assert suffix.exit_code == 2
    assert "unknown output suffix '.jsonl'" in suffix.output and ".nq" in suffix.output and ".ttl" in suffix.output
    assert not (tmp_path / "x.jsonl").exists()
    forced = run("build", str(ONE_EXAMPLE), "-o", str(tmp_path / "x.out"), "--format", "nt", "-q")
    assert forced.exit_code == 0, forced.output  # an explicit --format takes any file name


def test_read_only_folder_is_refused_before_any_work(tmp_path: Path, monkeypatch) -> None:
    import kg.rdf.serialize as serialize

    monkeypatch.setattr(serialize.os, "access", lambda path, mode: False)
    called = []
    monkeypatch.setattr(api, "extract", lambda *a, **k: called.append(1) or iter(()))
    result = run("build", str(EXAMPLES), "-o", str(tmp_path / "out" / "kg.ttl"), "-q")
    assert result.exit_code == 2 and "cannot write in" in result.output and not called


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_full_or_read_only_disk_while_writing_keeps_the_old_file(tmp_path: Path, monkeypatch, code: int) -> None:
    import kg.rdf.serialize as serialize

    out = tmp_path / "kg.ttl"
    assert run("build", str(ONE_EXAMPLE), "-o", str(out), "-q").exit_code == 0
    before = out.read_bytes()

    def fail(fd: int) -> None:
        raise OSError(code, __import__("os").strerror(code))

    monkeypatch.setattr(serialize.os, "fsync", fail)
    result = run("build", str(EXAMPLES), "-o", str(out), "-q")
    assert result.exit_code == 2
    (line,) = error_lines(result)
    assert line.startswith(f"error: {out}: cannot write") and "old file is unchanged" in line
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.ttl"]


def test_full_disk_in_the_store_is_one_line(tmp_path: Path, monkeypatch) -> None:
    def full(self, request, what):
        from kg.errors import StoreError

        raise StoreError(f"{self.path}: cannot write {what} to the store: No space left on device")

    monkeypatch.setattr(EmbeddedStore, "_write", full)
    result = run("build", str(ONE_EXAMPLE), "--store", str(tmp_path / "store"), "-q")
    assert result.exit_code == 2
    assert error_lines(result) == [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "No space left on device" in result.output and "Traceback" not in result.output


# ------------------------------------------------------------------ 12. one line per error, naming the file

def test_error_for_a_file_name_with_a_newline_stays_on_one_line(tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "in")
    (corpus / "bad\nname.txt").write_bytes(b"")
    result = run("build", str(corpus), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 1
    (line,) = [x for x in result.output.splitlines() if "failed:" in x]
    assert "bad\\nname.txt" in line and "empty" in line


def test_unexpected_errors_are_one_line_without_traceback(tmp_path: Path, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("something broke\ninside")

    monkeypatch.setattr(api, "build", boom)
    result = run("build", str(EXAMPLES), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == ["error: unexpected RuntimeError: something broke\\ninside "
                                                  "(a bug; KG_DEBUG=1 shows where)"]


# ------------------------------------------------------------------ warnings of kg.* loggers

def test_kg_warnings_reach_stderr_one_line_each_even_when_quiet(tmp_path: Path, monkeypatch) -> None:
    real_read = api.read

    def read_with_warning(inputs, **kwargs):
        logging.getLogger("kg.readers").warning("%s: no abstract text found\n(test)", "x.txt")
        logging.getLogger("kg.progress").info("waiting for the test")
        yield from real_read(inputs, **kwargs)

    monkeypatch.setattr(api, "read", read_with_warning)
    quiet = run("build", str(ONE_EXAMPLE), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert quiet.exit_code == 0
    assert "warning: x.txt: no abstract text found\\n(test)" in quiet.output.splitlines()
    assert "waiting for the test" not in quiet.output  # --quiet silences progress, not warnings
    loud = run("build", str(ONE_EXAMPLE), "-o", str(tmp_path / "kg.ttl"))
    assert "waiting for the test" in loud.output.splitlines()
    assert loud.output.count("no abstract text found") == 1  # one handler, however many commands ran
