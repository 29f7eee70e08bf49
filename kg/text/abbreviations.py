"""Abbreviation definitions in a document, Schwartz & Hearst (2003) style.

"siltuximab (S)", "multiple myeloma (MM)", "bortezomib-melphalan-prednisone (VMP)": a short form in
parentheses right after its long form. The long form is the shortest run of preceding words in which
the short form's characters appear in order, the first one at the start of a word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_WINDOW = 400  # characters before a bracket read for its long form (whitespace included)
_PAREN = re.compile(r"\(([^()\s;,]{1,10})(?:[;,][^()]*)?\)")


@dataclass(frozen=True, slots=True)
class Abbreviation:
    short: str
    long: str
    long_start: int
    long_end: int
    short_start: int
    short_end: int


def _valid_short(short: str) -> bool:
    if len(short) == 1:
        return short.isupper()
    return (
        len(short) <= 10
        and short[0].isalnum()
        and any(c.isalpha() for c in short)
        and not short.isdigit()
        and not (short.islower() and len(short) > 4)  # a plain word, not an abbreviation
    )


def _initials_long_form(short: str, candidate: str) -> int | None:
    """Start of the last words of ``candidate`` whose initials spell ``short`` ("multiple myeloma" for MM)."""
    letters = [c.lower() for c in short if c.isalnum()]
    words = list(re.finditer(r"[A-Za-z0-9]+", candidate))
    if len(words) < len(letters):
        return None
    tail = words[len(words) - len(letters) :]
    if [w.group()[0].lower() for w in tail] == letters:
        return tail[0].start()
    return None


def _best_long_form(short: str, candidate: str) -> int | None:
    """Start index in ``candidate`` of the long form for ``short`` (Schwartz & Hearst), or None."""
    if len(short) == 1:  # "siltuximab (S)": the word right before, starting with that letter
        word = re.search(r"[A-Za-z][\w-]*$", candidate)
        return word.start() if word and word.group()[0].lower() == short.lower() else None
    initials = _initials_long_form(short, candidate)
    if initials is not None:
        return initials
    s, c = len(short) - 1, len(candidate) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while c >= 0 and (
            candidate[c].lower() != ch or (s == 0 and c > 0 and candidate[c - 1].isalnum())
        ):
            c -= 1
        if c < 0:
            return None
        s -= 1
        c -= 1
    start = c + 1
    # extend to the start of the word
    while start > 0 and candidate[start - 1].isalnum():
        start -= 1
    return start


def find(text: str) -> Iterator[Abbreviation]:
    """Every abbreviation defined in ``text``."""
    for match in _PAREN.finditer(text):
        short = match.group(1)
        if not _valid_short(short):
            continue
        # only the 200 characters before the bracket matter (kept linear: never copy the text up to it)
        base = max(0, match.start() - _WINDOW)
        before = text[base : match.start()].rstrip()
        words = re.finditer(r"\S+", before[max(0, len(before) - 200) :])
        spans = [(w.start() + max(0, len(before) - 200), w.end() + max(0, len(before) - 200)) for w in words]
        limit = min(len(short) + 5, 2 * len(short))
        spans = spans[-limit:]
        if not spans:
            continue
        window_start = spans[0][0]
        # stop at sentence punctuation inside the window
        for i in range(len(spans) - 1, -1, -1):
            if before[spans[i][1] - 1] in ".;:" and i < len(spans) - 1:
                window_start = spans[i + 1][0]
                break
        candidate = before[window_start:]
        offset = _best_long_form(short, candidate)
        if offset is None:
            continue
        long_form = candidate[offset:]
        if len(long_form) <= len(short) or long_form.lower().startswith(short.lower() + " "):
            continue
        yield Abbreviation(
            short,
            long_form,
            base + window_start + offset,
            base + len(before),
            match.start(1),
            match.start(1) + len(short),
        )
