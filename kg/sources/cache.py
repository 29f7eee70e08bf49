"""A tiny content cache on disk: one file per key, written atomically.

Writers put the bytes in a temporary file in the same folder and ``os.replace`` it over the
final name, so a reader sees either the old file, the new one, or none -- never half a file,
even when two processes fill the same cache at once or a build is interrupted.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from kg.rdf.serialize import write_atomic

log = logging.getLogger(__name__)


def cache_key(*parts: str) -> str:
    """A stable, file-name-safe key (SHA-256 hex) for the given parts."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


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
            write_atomic(path, data)
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
