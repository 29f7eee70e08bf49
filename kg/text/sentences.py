"""Sentence splitting for biomedical abstracts, with offsets into the original text.

A sentence ends at '.', '!' or '?' followed by space and an upper-case letter, a digit or an opening
bracket — unless the period closes an abbreviation ("vs.", "et al.", "e.g.", "Fig.", an initial such as
"E.") — and always at a line break. Decimal numbers ("P = .03", "1.72") never split, because the
period is not followed by a space.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

_ABBREVIATIONS = frozenset(
    "vs v al e.g i.e etc fig figs no nos ref refs dr mr mrs ms prof approx ca cf resp incl eq vol st jan feb mar apr "
    "jun jul aug sep sept oct nov dec u.s sp spp var inc ltd co".split()
)
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[A-Z0-9(\[\"“])")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    """True if the period at ``dot`` closes an abbreviation or an initial."""
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, dot - 12) : dot])
    if not word:
        return False
    w = word.group(1)
    if w.lower().rstrip(".") in _ABBREVIATIONS:
        return True
    if len(w) == 1 and w.isupper():  # an initial, as in "Robert Z. Orlowski" or "J. K. Smith"
        before = text[max(0, dot - 30) : dot - 1].split()
        if not before or before[-1][-1] in ".!?":  # a name starting a sentence: "E. Tackey et al."
            return True
        return before[-1][:1].isupper() and before[-1].rstrip(".,").isalpha()
    return False


def split(text: str) -> Iterator[Sentence]:
    """Yield the sentences of ``text``; leading and trailing white space is not part of a sentence."""
    for line in re.finditer(r"[^\n]+", text):
        offset = line.start()
        chunk = line.group()
        start = 0
        for boundary in _BOUNDARY.finditer(chunk):
            if chunk[boundary.start()] == "." and _ends_with_abbreviation(chunk, boundary.start()):
                continue
            end = boundary.end()
            yield from _trimmed(chunk, start, end, offset)
            start = end
        yield from _trimmed(chunk, start, len(chunk), offset)


def _trimmed(chunk: str, start: int, end: int, offset: int) -> Iterator[Sentence]:
    piece = chunk[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        s = offset + start + lead
        yield Sentence(s, s + len(stripped), stripped)


def split_within(text: str, regions: Iterable[tuple[int, int]]) -> Iterator[Sentence]:
    """Yield the sentences of the ``(start, end)`` regions of ``text`` (overlapping regions merged), in text
    order; no sentence crosses a region's edge, so a title or an abstract that starts in the middle of a
    line (CORD-19 ``title: ...`` records, ``Abstract: ...``) never pulls the text before it into a
    sentence."""
    merged: list[list[int]] = []
    for start, end in sorted((max(0, s), min(len(text), e)) for s, e in regions):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        for sentence in split(text[start:end]):
            yield Sentence(sentence.start + start, sentence.end + start, sentence.text)
