"""Spelling-insensitive tokens for dictionary matching, with offsets into the original text.

"IL-6", "IL6", "Il 6" and "interleukin‑6" differ only in case, hyphens and spaces; "TNF-α" and
"TNF alpha" only in the Greek letter; "inhibitors" and "inhibitor" only in the plural; "Crohn's" and
"Crohn" only in the possessive. Both the dictionary and the text go through :func:`tokens`, so the
matcher compares sequences of normalized tokens and maps a match back to original character offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "ω": "omega", "Α": "alpha", "Β": "beta", "Γ": "gamma", "Δ": "delta",
}  # fmt: skip

_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+|[α-ωΑ-Ω]|['’]s\b")
# "interleukin (IL)-6": an abbreviation in brackets inside a name is skipped, leaving "interleukin 6".
_INNER_ABBREVIATION = re.compile(r"(?<=[A-Za-z] )\([A-Za-z]{1,5}\)(?=[-‐–]?\d)")
_PREFIXES = ("anti", "non")


@dataclass(frozen=True, slots=True)
class Token:
    """A normalized token and the span of the original text it came from."""

    norm: str
    start: int
    end: int


def _fold(word: str) -> str:
    """Lower-case, spell out Greek letters and drop a plural 's' (both sides get the same folding)."""
    if word in GREEK:
        return GREEK[word]
    word = word.lower()
    if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def _split_prefix(word: str) -> tuple[str, ...]:
    """'antiinflammatory' -> ('anti', 'inflammatory'), as 'anti-inflammatory' tokenizes."""
    if len(word) > 7 and word[:3].lower() in ("ant", "non"):
        for prefix in _PREFIXES:
            if word.lower().startswith(prefix):
                return prefix, word[len(prefix) :]
    return (word,)


@lru_cache(maxsize=1 << 16)
def _pieces(word: str) -> tuple[str, ...] | None:
    """The folded tokens of one regex word (two for "antiinflammatory"), or None for a possessive 's.
    Cached: abstracts repeat their words, so most tokens cost one dictionary look-up."""
    if word[0] in "'’":
        return None
    parts = _split_prefix(word)
    if len(parts) == 2:
        return parts[0].lower(), _fold(parts[1])
    return (_fold(word),)


def token_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of :func:`tokens` as three parallel lists (folded forms, start and end offsets), without
    building a :class:`Token` each: the dictionary matcher runs over whole documents of them."""
    skipped = {m.start() + 1 for m in _INNER_ABBREVIATION.finditer(text)} if "(" in text else ()
    norms: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _TOKEN.finditer(text):
        pieces = _pieces(match.group())
        if pieces is None:
            continue
        start, end = match.span()
        if skipped and start in skipped:
            continue
        if len(pieces) == 1:
            norms.append(pieces[0])
            starts.append(start)
            ends.append(end)
        else:
            cut = start + len(pieces[0])
            norms += pieces
            starts += (start, cut)
            ends += (cut, end)
    return norms, starts, ends


def tokens(text: str) -> list[Token]:
    """Letter runs, digit runs and Greek letters, folded; punctuation and possessive 's are dropped."""
    return [Token(*token) for token in zip(*token_columns(text), strict=True)]


def key(text: str) -> str:
    """The normalized form of a whole phrase: its folded tokens joined by spaces."""
    return " ".join(token_columns(text)[0])
