"""Normalization, sentence splitting and abbreviation definitions."""

from __future__ import annotations

import pytest

from kg.text import abbreviations
from kg.text.normalize import key, tokens
from kg.text.sentences import split


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("IL-6", "IL6"),
        ("IL-6", "Il 6"),
        ("interleukin-6", "Interleukin 6"),
        ("interleukin\u20116", "interleukin 6"),  # non-breaking hyphen
        ("TNF-α", "TNF alpha"),
        ("TNFα", "tnf-alpha"),
        ("IL-6 inhibitors", "IL6 inhibitor"),
        ("Crohn's disease", "Crohn disease"),
        ("nonsteroidal antiinflammatory drugs", "non-steroidal anti-inflammatory drug"),
        ("anti-interleukin (IL)-6", "anti-interleukin-6"),
    ],
)
def test_spelling_variants_share_a_key(a: str, b: str) -> None:
    assert key(a) == key(b)


@pytest.mark.parametrize(("a", "b"), [("bias", "bia"), ("IL-6", "IL-16"), ("lupus", "lupu")])
def test_different_words_keep_different_keys(a: str, b: str) -> None:
    assert key(a) != key(b)


def test_token_offsets_point_into_the_original_text() -> None:
    text = "Serum IL‐6 and TNF‑α rose."
    for token in tokens(text):
        assert text[token.start : token.end]
    assert [text[t.start : t.end] for t in tokens(text)][:4] == ["Serum", "IL", "6", "and"]


def test_sentences_respect_abbreviations_decimals_and_initials() -> None:
    text = (
        "Response was 27% vs. 22% (P = .03) with siltuximab plus VMP (S+VMP). E. Tackey et al. reported it. "
        "HR was 1.72; it rose with S + B. Siltuximab was stopped.\nA new line starts here."
    )
    sentences = [s.text for s in split(text)]
    assert sentences == [
        "Response was 27% vs. 22% (P = .03) with siltuximab plus VMP (S+VMP).",
        "E. Tackey et al. reported it.",
        "HR was 1.72; it rose with S + B.",
        "Siltuximab was stopped.",
        "A new line starts here.",
    ]
    for sentence in split(text):
        assert text[sentence.start : sentence.end] == sentence.text


def test_abbreviation_definitions() -> None:
    text = (
        "We gave siltuximab (S) with bortezomib (B) to patients with multiple myeloma (MM), "
        "systemic lupus erythematosus (SLE; n = 3) or cytokine release syndrome (CRS), "
        "and imaged them by magnetic resonance angiography (MRA)."
    )
    found = {a.short: a.long for a in abbreviations.find(text)}
    assert found == {
        "S": "siltuximab",
        "B": "bortezomib",
        "MM": "multiple myeloma",
        "SLE": "systemic lupus erythematosus",
        "CRS": "cytokine release syndrome",
        "MRA": "magnetic resonance angiography",
    }
    for a in abbreviations.find(text):
        assert text[a.long_start : a.long_end] == a.long
        assert text[a.short_start : a.short_end] == a.short
