"""The one place that locates the project's data: ``ontology/`` and ``queries/``.

In a checkout they sit beside ``kg/``; in an installed wheel they are packaged as ``kg/_data/``.
"""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Callable
from contextlib import suppress
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

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


T = TypeVar("T")
#: what a damaged, truncated or outdated cache file raises while it is read back
_UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, KeyError, AttributeError, IndexError)


def cached(
    folder: str, key: str, make: Callable[[], T], *,
    state: Callable[[T], Any] = lambda value: value, restore: Callable[[Any], T] = lambda state: state,
) -> T:
    """``make()``, saved as a pickle in the cache folder ``folder`` under ``key`` (which must name the files
    and code that decide the value) and loaded from there next time. ``state`` turns the value into what is
    pickled, ``restore`` turns it back (and raises ValueError for a state it does not know). A missing,
    damaged or outdated file is made again and replaced atomically; of the other keys' files only the most
    recently used one stays, so the folder does not grow with every new version. A read-only cache folder
    only makes start-ups slower."""
    path = cache_dir(folder) / f"{key}.pickle"
    collecting = gc.isenabled()
    gc.disable()  # the collector would walk the half-loaded objects again and again: loads take twice as long
    try:
        with path.open("rb") as handle:
            value = restore(pickle.load(handle))
    except _UNREADABLE:
        pass
    else:
        with suppress(OSError):  # most recently used: kept when other keys' files are removed
            os.utime(path)
        return value
    finally:
        if collecting:
            gc.enable()
    value = make()
    from kg.rdf.serialize import write_atomic

    try:
        write_atomic(path, pickle.dumps(state(value), protocol=pickle.HIGHEST_PROTOCOL))
        remove_stale(path)
    except OSError:
        pass
    return value


def remove_stale(path: Path) -> None:
    """Of the other cache files beside ``path`` (same suffix), all but the most recently used one."""
    others = sorted(
        (p for p in path.parent.glob(f"*{path.suffix}") if p != path), key=lambda p: p.stat().st_mtime, reverse=True
    )
    for stale in others[1:]:
        stale.unlink(missing_ok=True)
