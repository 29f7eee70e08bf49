"""A build split over many machines with Dask: one task per input file (a PubMed baseline file), each
writing its own N-Quads shard through :func:`kg.api.build`, then one bulk load of the shards.

    from dask.distributed import Client
    from kg.distributed import build_shards, load_shards
    with Client("tcp://scheduler:8786") as client:
        shards = build_shards(sorted(glob("baseline/pubmed25n*.xml.gz")), Path("shards"), client=client)
    load_shards(shards, Path("kgstore"))          # or: oxigraph load / Virtuoso ld_dir on shards/*.nq

The shard folder must be one every worker can write and the loader can read (a shared file system or a
folder synced afterwards). A shard is byte-identical to ``kg build FILE -o SHARD.nq`` and holds its own
copy of the vocabulary graph (loading several copies is harmless: a store is a set of quads). What one
task cannot see: a ``DeleteCitation`` removes only the articles of its own file, and a PMID in two files
lands in two shards; :func:`load_shards` applies the deletions of every shard's file in file order after
loading, so an update file's deletions are honoured across the whole run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kg.errors import KGError


@dataclass(frozen=True)
class Shard:
    """What one task wrote: the shard file, its input, the figures of its build, the PMIDs its input deletes."""

    input: str
    path: Path
    documents: int
    failed: int
    triples: int
    deleted_pmids: tuple[str, ...]


def shard_path(input_file: str, folder: Path) -> Path:
    name = Path(input_file).name
    for suffix in (".gz", ".xml", ".txt", ".json"):
        name = name.removesuffix(suffix)
    return Path(folder) / f"{name}.nq"


def build_shard(input_file: str, folder: str) -> Shard:
    """Build one input file into its N-Quads shard (the function each Dask task runs)."""
    from kg import api
    from kg.readers import Deletion, read_paths

    out = shard_path(input_file, Path(folder))
    summary = api.build(api.Inputs(paths=(input_file,)), output=out, fmt="nq")
    deleted = tuple(p for d in read_paths([input_file], deletions=True) if isinstance(d, Deletion) for p in d.pmids) \
        if summary.deleted else ()
    return Shard(input_file, out, summary.documents, len(summary.failed), summary.triples, deleted)


def build_shards(inputs: Sequence[str], folder: Path, *, client=None) -> list[Shard]:
    """One Dask task per input file; ``client`` a ``dask.distributed.Client`` (None: Dask's local default
    scheduler). Shards come back in input order."""
    try:
        import dask.bag as bag
    except ImportError:
        raise KGError("kg.distributed needs Dask: pip install 'cytokine-kg[cluster]'") from None
    if not inputs:
        raise KGError("no input file to build")
    Path(folder).mkdir(parents=True, exist_ok=True)
    tasks = bag.from_sequence(list(inputs), npartitions=len(inputs)).map(build_shard, str(folder))
    return list(tasks.compute(scheduler=client) if client is not None else tasks.compute())


def load_shards(shards: Sequence[Shard], store: Path) -> int:
    """Bulk-load the shards into an on-disk embedded store, then drop the graphs of deleted PMIDs; returns
    the number of statements in the store."""
    from kg.rdf.terms import KGR
    from kg.store.embedded import EmbeddedStore

    target = EmbeddedStore(Path(store))
    for shard in shards:
        if shard.documents:
            target.load_file(shard.path)
    deleted = [KGR[f"graph/pmid-{pmid}"] for shard in shards for pmid in shard.deleted_pmids]
    target.drop_graphs(deleted)
    target.flush()
    return len(target)
