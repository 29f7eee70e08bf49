"""The one place that locates the project's data: ``ontology/`` and ``queries/``.

In a checkout they sit beside ``kg/``; in an installed wheel they are packaged as ``kg/_data/``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from kg.errors import OntologyError


@cache
def data_root() -> Path:
    """The folder holding ``ontology/`` and ``queries/``."""
    packaged = Path(str(resources.files("kg") / "_data"))
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise OntologyError(f"cannot find the ontology folder (looked in {packaged} and {checkout})")


def ontology_dir() -> Path:
    return data_root() / "ontology"


def vocab_dir() -> Path:
    return ontology_dir() / "vocab"


def queries_dir() -> Path:
    return data_root() / "queries"


def cache_dir(name: str) -> Path:
    """A folder for caches: ``$KG_CACHE_DIR/NAME``, else ``$XDG_CACHE_HOME/cytokine-kg/NAME``, else
    ``~/.cache/cytokine-kg/NAME``."""
    import os

    root = os.environ.get("KG_CACHE_DIR", "").strip()
    if root:
        return Path(root).expanduser() / name
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "cytokine-kg" / name


def fingerprint(*paths: Path, extra: str = "") -> str:
    """A short hash of files' names, sizes and modification times (and ``extra``), to key caches."""
    import hashlib

    digest = hashlib.sha1(extra.encode())
    for path in paths:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:20]
