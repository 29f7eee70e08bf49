"""Issue 11, path expansion and file opening: regular files only (no hang on a FIFO or /dev/zero), the size
limit on what is read, symbolic links out of the inputs refused, nothing skipped without a word."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kg.readers as readers
from kg.cli import app
from kg.errors import InputError
from kg.model import Document
from kg.readers import read_file, read_paths
from tests.conftest import EXAMPLES

runner = CliRunner()
ONE_EXAMPLE = sorted(EXAMPLES.glob("*.txt"))[0]
SECRET = "Confidential token 7f3a: anakinra treated everything.\n"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def outcome(paths, **kwargs) -> tuple[list[str], list[str]]:
    """(sources of the documents read, error lines)."""
    docs, errors = [], []
    for item in read_paths([str(p) for p in paths], **kwargs):
        (errors.append(str(item)) if isinstance(item, InputError) else docs.append(item.source))
    return docs, errors


def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ONE_EXAMPLE, folder / "a.txt")
    return folder


# ------------------------------------------------------------------ 9. regular files only

@pytest.mark.timeout(30)
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    os.mkfifo(folder / "pipe.txt")
    docs, errors = outcome([folder])
    assert docs == [str(folder / "a.txt")]
    assert errors == [f"{folder / 'pipe.txt'}: a FIFO (named pipe), not a regular file; only regular files are read"]
    with pytest.raises(InputError, match="FIFO"):
        read_file(folder / "pipe.txt")


@pytest.mark.timeout(30)
def test_dev_zero_is_refused(tmp_path: Path) -> None:
    result = run("build", "/dev/zero", str(ONE_EXAMPLE), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 1
    assert "  failed: /dev/zero: a character device, not a regular file; only regular files are read" in result.output


def test_the_size_limit_holds_on_what_is_read(tmp_path: Path, monkeypatch) -> None:
    """A file whose size the file system misreports (as /proc files do) is still read at most limit + 1 bytes."""
    monkeypatch.setenv("KG_MAX_INPUT_MB", "0.01")  # 10,485 bytes
    big = tmp_path / "big.txt"
    big.write_bytes(b"interleukin " * 100_000)
    real_fstat, real_read = os.fstat, os.read
    read = []

    class Lying:
        def __init__(self, result):
            self._result = result

        def __getattr__(self, name):
            return 0 if name == "st_size" else getattr(self._result, name)

    monkeypatch.setattr(readers.os, "fstat", lambda fd: Lying(real_fstat(fd)))
    monkeypatch.setattr(readers.os, "read", lambda fd, n: read.append(n) or real_read(fd, n))
    with pytest.raises(InputError, match="the limit is 0.01 MB"):
        read_file(big)
    assert sum(read) <= int(0.01 * 2**20) + 1


# ------------------------------------------------------------------ 10. symbolic links out of the inputs

def test_a_link_out_of_the_input_folder_is_refused_unless_followed(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (folder / "link.txt").symlink_to(outside / "secret.txt")
    (tmp_path / "private2").mkdir()
    (tmp_path / "private2" / "more.txt").write_text("Etanercept and psoriasis: another private note.\n")
    (folder / "linked-folder").symlink_to(tmp_path / "private2")
    out = tmp_path / "kg.ttl"
    result = run("build", str(folder), "-o", str(out), "-q")
    assert result.exit_code == 1
    refused = [line for line in result.output.splitlines() if "outside the input folders" in line]
    assert len(refused) == 2 and all("--follow-symlinks" in line for line in refused)
    assert "7f3a" not in out.read_text() and "another private note" not in out.read_text()
    followed = run("build", str(folder), "-o", str(out), "-q", "--follow-symlinks")
    assert followed.exit_code == 0, followed.output
    assert "7f3a" in out.read_text() and "another private note" in out.read_text()


def test_a_link_inside_the_inputs_is_read_once(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    (folder / "sub").mkdir()
    (folder / "sub" / "b.txt").write_text(SECRET)
    (folder / "again").symlink_to(folder / "sub")
    (folder / "b-link.txt").symlink_to(folder / "sub" / "b.txt")
    docs, errors = outcome([folder])
    assert errors == []
    assert docs == [str(folder / "a.txt"), str(folder / "b-link.txt"), str(folder / "sub" / "b.txt")]


# ------------------------------------------------------------------ 11. nothing skipped without a word

def test_dangling_links_are_reported(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    result = run("build", str(folder), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 1
    assert f"  failed: {folder / 'gone.txt'}: dangling symbolic link (to {tmp_path / 'nowhere.txt'})" in result.output


def test_unreadable_subfolders_are_reported(tmp_path: Path, monkeypatch) -> None:
    folder = corpus(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    (locked / "c.txt").write_text(SECRET)
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path) == locked:  # what chmod 000 does for anyone but root
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("build", str(folder), "-o", str(tmp_path / "kg.ttl"), "-q")
    assert result.exit_code == 1
    assert f"  failed: {locked}: cannot read folder (Permission denied)" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_subfolder_for_real(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    locked = folder / "locked"
    locked.mkdir()
    locked.chmod(0)
    try:
        docs, errors = outcome([folder])
    finally:
        locked.chmod(0o755)
    assert errors == [f"{locked}: cannot read folder (Permission denied)"]


def test_excluded_paths_are_not_read(tmp_path: Path) -> None:
    folder = corpus(tmp_path)
    (folder / "kg.ttl").write_text("@prefix x: <http://x/> .\n")
    (folder / "store").mkdir()
    (folder / "store" / "000004.log").write_text("rocksdb log")
    docs, errors = outcome([folder], exclude=[folder / "kg.ttl", folder / "store"])
    assert (docs, errors) == ([str(folder / "a.txt")], [])
    assert isinstance(read_file(folder / "a.txt")[0], Document)
