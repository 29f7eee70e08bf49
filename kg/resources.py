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
