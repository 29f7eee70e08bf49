"""A build split over a local Dask cluster of two worker processes (loopback), then one bulk load."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import api
from kg.store.embedded import EmbeddedStore
from tests.baseline_files import write_baseline

distributed = pytest.importorskip("dask.distributed")
GRAPH = "https://w3id.org/cytokine-kg/resource/graph/pmid-"


@pytest.mark.slow
def test_two_workers_build_shards_that_load_like_one_build(tmp_path: Path) -> None:
    from kg.distributed import build_shards, load_shards

    files = [write_baseline(tmp_path / "in" / "pubmed25n0001.xml.gz", [1, 2, 3]),
             write_baseline(tmp_path / "in" / "pubmed25n0002.xml.gz", [4, 5], deleted=[2])]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        shards = build_shards([str(f) for f in files], tmp_path / "shards", client=client)
        assert len({w["id"] for w in client.scheduler_info()["workers"].values()}) == 2
    assert [s.path.name for s in shards] == ["pubmed25n0001.nq", "pubmed25n0002.nq"]
    assert [s.documents for s in shards] == [3, 2] and shards[1].deleted_pmids == ("2",)
    statements = load_shards(shards, tmp_path / "store")
    loaded = EmbeddedStore(tmp_path / "store", read_only=True)
    assert {g for g in loaded.graphs() if g.startswith(GRAPH)} == {GRAPH + p for p in "1345"}
    api.build(api.Inputs(paths=(str(tmp_path / "in"),)), store=tmp_path / "one")  # one machine, same graphs
    one = EmbeddedStore(tmp_path / "one", read_only=True)
    assert set(loaded.quads()) == set(one.quads()) and statements == len(one)
