"""Session fixtures: the project's vocabulary and extractor are loaded once; example documents are the
project's own (examples/ and tests/resources/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import Extractor
from kg.model import Document, Section
from kg.vocabulary import Vocabulary, default_vocabulary
from tests.virtuoso import virtuoso  # noqa: F401  (session fixture for the `virtuoso` tests)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RESOURCES = Path(__file__).resolve().parent / "resources"
#: The development folder that CI lays beside the clone; tests that read it skip where it is absent.
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def vocabulary() -> Vocabulary:
    return default_vocabulary()


@pytest.fixture(scope="session")
def extractor(vocabulary: Vocabulary) -> Extractor:
    return Extractor(vocabulary)


@pytest.fixture(scope="session")
def example_build(tmp_path_factory) -> Path:
    """examples/ built once into Turtle."""
    from kg import api

    output = tmp_path_factory.mktemp("build") / "examples.ttl"
    summary = api.build(api.Inputs(paths=(str(EXAMPLES),)), output=output)
    assert summary.documents == len(list(EXAMPLES.glob("*.txt"))) and not summary.failed
    return output


def make_document(title: str, abstract: str, **metadata) -> Document:
    """A document with a title and an abstract section, as the structured readers build them."""
    text = f"{title}\n\n{abstract}"
    sections = (Section("title", 0, len(title)), Section("abstract", len(title) + 2, len(text)))
    return Document(source=metadata.pop("source", "test"), text=text, format="text", title=title,
                    sections=sections, **metadata)


@pytest.fixture
def eutils(monkeypatch, tmp_path):
    """A fake E-utilities server on loopback, and the settings that point the client at it."""
    from tests.http_server import FakeEutilsServer

    with FakeEutilsServer() as server:
        monkeypatch.setenv("KG_EUTILS_URL", server.url)
        monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
        monkeypatch.setenv("NCBI_EMAIL", "tests@example.org")
        monkeypatch.delenv("NCBI_API_KEY", raising=False)
        yield server
