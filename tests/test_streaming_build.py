"""The streaming build: N-Quads written a graph at a time are the bytes of the whole-graph serializer,
the same with one or two processes, and an empty or failed build leaves the old output."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import api
from kg.errors import KGError
from kg.rdf.serialize import StreamedOutput, serialize
from tests.baseline_files import write_baseline
from tests.conftest import EXAMPLES

RESOURCES = Path(__file__).parent / "resources" / "documents"


def build(paths: list[Path], out: Path, jobs: int = 1) -> api.Summary:
    return api.build(api.Inputs(paths=tuple(map(str, paths))), output=out, jobs=jobs)


def test_streamed_nquads_are_the_bytes_of_the_sorted_serializer(tmp_path: Path) -> None:
    baseline = write_baseline(tmp_path / "in" / "pubmed25n0001.xml.gz", [3, 20, 100, 1, 10])
    out = tmp_path / "kg.nq"
    summary = build([EXAMPLES, baseline], out)
    data = out.read_bytes()
    quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))
    assert data == serialize(quads, "nq")  # graphs in the serializer's order (pmid-10 before pmid-1)
    assert summary.triples == len(quads) == len(set(quads))
    assert not list(tmp_path.glob(".kg.nq.*"))  # spool and temporary file gone


def test_two_processes_write_the_same_bytes_as_one(tmp_path: Path) -> None:
    baseline = write_baseline(tmp_path / "in" / "pubmed25n0001.xml.gz", list(range(1, 60)))
    one, two = tmp_path / "one.nq", tmp_path / "two.nq"
    build([EXAMPLES, baseline], one, jobs=1)
    build([EXAMPLES, baseline], two, jobs=2)
    assert one.read_bytes() == two.read_bytes()


def test_ntriples_are_grouped_by_document_and_parse(tmp_path: Path) -> None:
    out = tmp_path / "kg.nt"
    build([EXAMPLES], out)
    triples = list(ox.parse(path=str(out), format=ox.RdfFormat.N_TRIPLES))
    whole = tmp_path / "kg.ttl"
    build([EXAMPLES], whole)
    assert set(triples) == set(ox.parse(path=str(whole), format=ox.RdfFormat.TURTLE))


def test_failed_stream_leaves_the_old_file_and_no_spool(tmp_path: Path) -> None:
    out = tmp_path / "kg.nq"
    out.write_bytes(b"old\n")
    with pytest.raises(KGError), StreamedOutput(out, "nq") as stream:
        stream.write_graph("https://example.org/g", b"<a:s> <a:p> <a:o> <https://example.org/g> .\n")
        raise KGError("stopped part-way")
    assert out.read_bytes() == b"old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq"]


def test_empty_build_keeps_the_old_streamed_output(tmp_path: Path) -> None:
    out = tmp_path / "kg.nq"
    out.write_bytes(b"old\n")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    with pytest.raises(api.EmptyBuildError):
        build([empty], out)
    assert out.read_bytes() == b"old\n" and sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "kg.nq"]


def test_graph_nquads_are_the_bytes_of_serialize_for_every_test_document() -> None:
    from kg.rdf.serialize import graph_nquads

    built = [b for b in api.build_documents(api.read(api.Inputs(paths=(str(EXAMPLES), str(RESOURCES)))))
             if isinstance(b, api.BuiltDocument)]
    assert len(built) > 20
    for item in built:
        quads = list(ox.parse(item.nquads, format=ox.RdfFormat.N_QUADS))
        assert graph_nquads(reversed(quads)) == serialize(quads, "nq") == item.nquads, item.source


def _graph(n: int) -> tuple[str, bytes]:
    graph = f"https://example.org/graph/pmid-{n}"
    return graph, f"<https://example.org/{n}> <https://example.org/p> \"{n}\" <{graph}> .\n".encode()


@pytest.mark.parametrize("numbers, renamed", [
    ([1, 2, 3], True),  # in graph order: the spool becomes the output
    ([2, 1, 3], False),  # out of order: copied in order
    ([1, 2, 2, 3], False),  # a graph written again leaves its first block behind in the spool
])
def test_commit_renames_the_spool_only_when_it_is_the_output(
    tmp_path: Path, numbers: list[int], renamed: bool
) -> None:
    out = tmp_path / "kg.nq"
    out.write_bytes(b"old\n")
    with StreamedOutput(out, "nq") as stream:
        for n in numbers:
            stream.write_graph(*_graph(n))
        (spool,) = tmp_path.glob(".kg.nq.*.spool")
        spool_inode = spool.stat().st_ino
        stream.commit()
    assert out.read_bytes() == b"".join(_graph(n)[1] for n in (1, 2, 3))
    assert (out.stat().st_ino == spool_inode) is renamed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kg.nq"]


def test_commit_after_a_dropped_graph_leaves_it_out(tmp_path: Path) -> None:
    out = tmp_path / "kg.nq"
    with StreamedOutput(out, "nq") as stream:
        for n in (1, 2, 3):
            stream.write_graph(*_graph(n))
        stream.drop(_graph(3)[0])
        stream.commit()
    assert out.read_bytes() == _graph(1)[1] + _graph(2)[1]


def test_the_loaded_pipeline_is_frozen_for_the_collector_only_while_documents_are_built() -> None:
    """gc.freeze keeps full collections from walking the vocabulary and matcher again and again; what was
    frozen is given back at the end (or every build in a long-lived process would leak its garbage)."""
    import gc

    inputs = api.Inputs(paths=(str(EXAMPLES),))
    assert gc.get_freeze_count() == 0
    for jobs in (1, 2):
        frozen = [gc.get_freeze_count() for _ in api.build_documents(api.read(inputs), jobs=jobs)]
        assert min(frozen) > 0 and gc.get_freeze_count() == 0
    extracted = api.extract(api.read(inputs))
    next(extracted)
    assert gc.get_freeze_count() > 0
    extracted.close()  # a consumer that stops early
    assert gc.get_freeze_count() == 0
