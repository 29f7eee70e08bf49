"""Entity extraction is linear in the size of a document (issue 11): the span helpers give what a scan of
every pair would give, and the Python work of :func:`find_mentions` grows in proportion to the text.

No wall-clock time here: the growth is counted in executed lines of the project's code (a trace),
which is the same on every machine; timings belong to benchmarks/size_scaling.py.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest

from kg.extract.entities import _short_form_mentions, find_mentions
from kg.extract.matcher import KIND_PRIORITY, rank_of, select_longest
from kg.model import EntityKind, Mention, Section, Term
from kg.text.spans import InnermostSpan, SortedOffsets, SpanIndex, TakenSpans
from tests.conftest import make_document

KG = str(Path(__file__).resolve().parent.parent / "kg")
KINDS = list(EntityKind)


def random_mentions(rng: random.Random, count: int, width: int) -> list[Mention]:
    terms = [Term(f"T:{i}", rng.choice(KINDS), f"term {i}") for i in range(8)]
    out = []
    for _ in range(count):
        start = rng.randrange(width)
        end = start + rng.choice([0, 1, 2, 3, 5, 8, 13])
        source = rng.choice(["dictionary:1", "dictionary:2", "dictionary:3", "abbreviation", "PubTator"])
        out.append(Mention(rng.choice(terms), start, end, "x" * (end - start), source))
    return out


def scan_select_longest(candidates: list[Mention]) -> list[Mention]:
    """The quadratic reference: each candidate against every span taken before it."""
    ordered = sorted(
        candidates,
        key=lambda m: (-(m.end - m.start), -rank_of(m), -KIND_PRIORITY[m.term.kind], m.start, m.term.curie),
    )
    taken: list[Mention] = []
    for mention in ordered:
        if not any(mention.start < t.end and t.start < mention.end for t in taken):
            taken.append(mention)
    return sorted(taken, key=lambda m: (m.start, m.end))


@pytest.mark.parametrize("seed", range(30))
def test_select_longest_is_the_greedy_scan(seed: int) -> None:
    rng = random.Random(seed)
    candidates = random_mentions(rng, rng.randrange(1, 120), rng.choice([10, 40, 200]))
    assert select_longest(candidates) == scan_select_longest(candidates)


@pytest.mark.parametrize("seed", range(3))
def test_select_longest_is_the_greedy_scan_past_the_plain_list(seed: int) -> None:
    """Beyond TakenSpans.LIST_LIMIT spans the plain list becomes a SortedList: same answers."""
    rng = random.Random(seed)
    candidates = random_mentions(rng, 6 * TakenSpans.LIST_LIMIT, 8 * TakenSpans.LIST_LIMIT)
    chosen = select_longest(candidates)
    assert len(chosen) > TakenSpans.LIST_LIMIT and chosen == scan_select_longest(candidates)


def test_taken_spans_treat_an_empty_span_inside_another_as_overlapping() -> None:
    taken = TakenSpans()
    taken.add(5, 5)
    assert taken.overlaps(4, 6) and not taken.overlaps(5, 9) and not taken.overlaps(0, 5)
    taken.add(5, 9)
    assert taken.overlaps(8, 8) and not taken.overlaps(9, 9) and len(taken) == 2


@pytest.mark.parametrize("seed", range(20))
def test_span_index_finds_what_a_scan_finds_in_the_same_order(seed: int) -> None:
    rng = random.Random(seed)
    items = random_mentions(rng, 150, 100)
    index = SpanIndex(items, lambda m: m.start, lambda m: m.end)
    for _ in range(50):
        start = rng.randrange(-5, 105)
        end = start + rng.randrange(0, 20)
        assert index.within(start, end) == [m for m in items if start <= m.start and m.end <= end]


def test_sorted_offsets_ranges() -> None:
    offsets = SortedOffsets([9, 1, 5, 5])
    assert offsets.in_range(2, 5) == [5, 5] and offsets.in_range(6, 8) == []
    assert offsets.any_in(9, 20) and not offsets.any_in(10, 20) and not offsets.any_in(-3, 0)


def scan_innermost(sections: list[Section], offset: int) -> Section | None:
    best = None
    for section in sections:
        if section.start <= offset < section.end and (
            best is None or section.end - section.start < best.end - best.start
        ):
            best = section
    return best


@pytest.mark.parametrize("seed", range(20))
def test_innermost_span_is_the_shortest_holding_the_offset(seed: int) -> None:
    rng = random.Random(seed)
    sections = []
    for i in range(rng.randrange(0, 25)):
        start = rng.randrange(60)
        sections.append(Section(f"s{i}", start, start + rng.randrange(-2, 30)))  # empty and inverted too
    index = InnermostSpan(sections, lambda s: s.start, lambda s: s.end)
    for offset in range(-3, 95):
        assert index.at(offset) is scan_innermost(sections, offset), offset


def test_short_forms_are_found_as_a_regular_expression_would() -> None:
    text = "MM and MMs, X-MM, MM-1, (MM), MM. A/A/A and A/A, IL6R IL6 IL6-R, xIL6."
    term = Term("T:1", EntityKind.DISEASE, "t")
    defined = {"MM": (term, 0), "A/A": (term, 0), "IL6": (term, 0), "IL6R": (term, 0)}
    expected = [
        Mention(term, m.start(), m.end(), short, "abbreviation")
        for short in defined
        for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w])", text)
    ]
    assert _short_form_mentions(text, defined) == expected
    assert _short_form_mentions(text, {}) == []


SENTENCES = (
    "Interleukin-6 (IL-6) drives the acute-phase response in rheumatoid arthritis (RA).",
    "Tocilizumab, an IL-6 receptor inhibitor, improved RA activity versus placebo.",
    "Siltuximab did not improve survival in multiple myeloma (MM); MM relapsed in 12 patients.",
    "Anti-TNF therapy with infliximab, adalimumab or etanercept reduced C-reactive protein (CRP).",
    "TNF/JAK inhibitors and IL-1, IL-6 and TNF blockers were compared in ovarian and colorectal cancer.",
    "Sarilumab, a fully human anti-IL-6R antibody, was well tolerated in giant cell arteritis.",
)


def executed_lines(extractor, sentences: int) -> int:
    """Lines of kg/ executed by find_mentions on a document of ``sentences`` sentences."""
    paragraphs = [" ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))
                  for i in range(0, sentences, 3)]  # fmt: skip
    document = make_document("IL-6 blockade in inflammatory disease", "\n\n".join(paragraphs))
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(KG):
            return None
        if event == "line":
            count += 1
        return trace

    find_mentions(document, extractor.matcher)  # warm: compiled patterns and caches
    sys.settrace(trace)
    try:
        mentions = find_mentions(document, extractor.matcher)
    finally:
        sys.settrace(None)
    assert len(mentions) > sentences  # the document is full of mentions, so a quadratic step would show
    return count


def test_find_mentions_work_grows_linearly(extractor) -> None:
    small, large = executed_lines(extractor, 60), executed_lines(extractor, 240)
    assert large / small < 4.8, f"4x the text cost {large / small:.1f}x the work ({small} -> {large} lines)"
