"""A tiny content cache on disk: one file per key, written atomically.

Writers put the bytes in a temporary file in the same folder and ``os.replace`` it over the
final name, so a reader sees either the old file, the new one, or none -- never half a file,
even when two processes fill the same cache at once or a build is interrupted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def cache_key(*parts: str) -> str:
    """A stable, file-name-safe key (SHA-256 hex) for the given parts."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


class FileCache:
    """Bytes stored under ``root/<prefix>-<key><suffix>``.

    The cache is an optimisation: a failure to write it is logged and otherwise ignored.
    """

    def __init__(self, root: Path, *, prefix: str = "", suffix: str = "") -> None:
        self.root = Path(root)
        self.prefix = prefix
        self.suffix = suffix

    def path_for(self, key: str) -> Path:
        return self.root / f"{self.prefix}{key}{self.suffix}"

    def get(self, key: str) -> bytes | None:
        try:
            return self.path_for(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("cannot read cache file %s: %s", self.path_for(key), exc)
            return None

    def put(self, key: str, data: bytes) -> Path | None:
        path = self.path_for(key)
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:
            log.warning("cannot write cache file %s: %s", path, exc)
            return None
        return path

    def discard(self, key: str) -> None:
        try:
            self.path_for(key).unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            log.warning("cannot remove cache file %s: %s", self.path_for(key), exc)
