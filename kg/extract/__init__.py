"""Extraction: entity mentions, findings and associations from documents."""

from kg.extract.pipeline import Extractor

__all__ = ["Extractor"]
