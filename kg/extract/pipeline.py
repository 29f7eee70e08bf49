"""One document in, one Extraction out: mentions, findings and associations."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kg import resources
from kg.extract.associations import extract_associations
from kg.extract.entities import find_mentions
from kg.extract.findings import FindingExtractor
from kg.extract.matcher import Matcher
from kg.model import Document, Extraction
from kg.vocabulary import Vocabulary, default_files, default_vocabulary


class Extractor:
    """Runs entity recognition, then finding and association extraction, on documents."""

    def __init__(
        self, vocabulary: Vocabulary | None = None, *, use_source_annotations: bool = True,
        specialize_to_title: bool = True,
    ) -> None:
        """``specialize_to_title`` reads "lupus" as the title's SLE (right for a knowledge graph); an
        entity-recognition benchmark that scores every concept named wants it off."""
        self.vocabulary = vocabulary or default_vocabulary()
        self.matcher = _default_matcher() if vocabulary is None or vocabulary is default_vocabulary() else Matcher(vocabulary)
        self.findings = FindingExtractor(self.vocabulary)
        self.use_source_annotations = use_source_annotations
        self.specialize_to_title = specialize_to_title

    def extract(self, document: Document) -> Extraction:
        mentions = find_mentions(
            document, self.matcher, use_source_annotations=self.use_source_annotations,
            specialize_to_title=self.specialize_to_title,
        )
        return Extraction(
            document=document,
            mentions=tuple(mentions),
            findings=tuple(self.findings.extract(document, mentions)),
            associations=tuple(extract_associations(document, mentions, self.vocabulary)),
        )


@cache
def _default_matcher() -> Matcher:
    """The matcher over the project's vocabulary: built once, then loaded from the on-disk cache, whose key
    covers the vocabulary files and the code and cues that decide what goes into the automaton."""
    import kg.extract.matcher
    import kg.text.normalize
    import kg.vocabulary

    sources = [Path(m.__file__) for m in (kg.extract.matcher, kg.text.normalize, kg.vocabulary)]
    sources.append(Path(__file__).with_name("cues.toml"))
    return Matcher.cached(default_vocabulary(), resources.fingerprint(*default_files(), *sources))
