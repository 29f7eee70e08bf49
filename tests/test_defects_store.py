"""Issue 11, the embedded store: replacing a document graph is one transaction (a failure or kill -9 part-way
never loses the old graph), and asking a folder that holds no store says so without creating one."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.store.embedded import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
GRAPH = ox.NamedNode("https://w3id.org/cytokine-kg/resource/graph/pmid-1")
runner = CliRunner()


def version(n: int, tag: str) -> list[ox.Quad]:
    subject = ox.NamedNode("https://pubmed.ncbi.nlm.nih.gov/1")
    return [ox.Quad(subject, ox.NamedNode(f"https://example.org/{tag}/p{i}"), ox.Literal(f"{tag} {i}"), GRAPH)
            for i in range(n)]


def count(store: EmbeddedStore) -> int:
    return len(list(store._store.quads_for_pattern(None, None, None, GRAPH)))


class Recording:
    """Stands in for the pyoxigraph store: passes every call on, and records the writing ones."""

    def __init__(self, store: ox.Store, fail_on: int | None = None) -> None:
        self._store, self.writes, self.fail_on = store, [], fail_on

    def __getattr__(self, name: str):
        attribute = getattr(self._store, name)
        if name not in ("update", "extend", "bulk_extend", "add", "remove", "remove_graph", "clear_graph"):
            return attribute

        def write(*args, **kwargs):
            self.writes.append(name)
            if self.fail_on is not None and len(self.writes) == self.fail_on:
                raise OSError(28, "No space left on device")
            return attribute(*args, **kwargs)

        return write


def test_replacing_a_graph_is_one_write(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graph(GRAPH, version(30, "old"))
    recording = Recording(store._store)
    store._store = recording
    store.replace_graph(GRAPH, version(50, "new"))
    assert recording.writes == ["update"]  # drop and insert in one request, so one transaction
    assert count(store) == 50


@pytest.mark.parametrize("fail_on", [1, 2])
def test_a_failure_while_replacing_keeps_the_old_graph(tmp_path: Path, fail_on: int) -> None:
    """A full disk at the first or at a (hypothetical) second write step: the old graph is still whole."""
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graph(GRAPH, version(30, "old"))
    store._store = Recording(store._store, fail_on=fail_on)
    try:
        store.replace_graph(GRAPH, version(50, "new"))
    except StoreError as error:
        assert "No space left on device" in str(error) and "\n" not in str(error)
    assert count(store) in (30, 50) and count(store) != 0


def test_oxigraph_rolls_back_a_whole_update_request(tmp_path: Path) -> None:
    """What the one-request replacement relies on: an operation failing after DROP undoes the DROP."""
    store = EmbeddedStore(tmp_path / "store")
    store.replace_graph(GRAPH, version(30, "old"))
    with pytest.raises(OSError):
        store._store.update(f"DROP SILENT GRAPH {GRAPH} ; LOAD <http://127.0.0.1:9/none.ttl> INTO GRAPH {GRAPH}")
    assert count(store) == 30


WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tests.test_defects_store import GRAPH, version
    from kg.store.embedded import EmbeddedStore
    store = EmbeddedStore(Path(sys.argv[1]))
    versions = [version(400, "a"), version(700, "b")]
    print("ready", flush=True)
    i = 0
    while True:
        store.replace_graph(GRAPH, versions[i % 2])
        i += 1
""")


@pytest.mark.slow
def test_kill_9_while_replacing_never_loses_the_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    first = EmbeddedStore(path)
    first.replace_graph(GRAPH, version(400, "a"))
    first.flush()
    del first
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rng = random.Random(11)
    for _ in range(12):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert writer.stdout is not None and writer.stdout.readline().strip() == b"ready", writer.stderr.read()
        time.sleep(rng.uniform(0.02, 0.4))
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        after = EmbeddedStore(path, read_only=True)
        assert count(after) in (400, 700)
        del after


# ------------------------------------------------------------------ kg ask --store on a folder without a store

@pytest.mark.parametrize("make", ["missing", "empty"])
def test_ask_on_a_folder_without_a_store_says_so_and_creates_nothing(tmp_path: Path, make: str) -> None:
    folder = tmp_path / "kgstore"
    if make == "empty":
        folder.mkdir()
    result = runner.invoke(app, ["ask", "approved-indications", "--store", str(folder)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: {folder}: no store there")
    assert len(result.output.strip().splitlines()) == 1
    assert (list(folder.iterdir()) == []) if make == "empty" else not folder.exists()
