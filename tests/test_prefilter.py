"""The literal prefilter of many patterns: it may only skip searches that cannot succeed."""

from __future__ import annotations

import random
import re

import pytest

from kg.extract.findings import load_cues
from kg.extract.outcome_features import load_lexicon
from kg.text.prefilter import PatternSet, required_literals


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        (r"\bno\s+(?:better|more\s+effective)\s+than\b", 0, {"better", "effective"}),  # the longer word of each branch
        (r"\b(?:lack|absence)\s+of\s+efficacy", 0, {"efficacy"}),
        (r"\b(?:ineffective|unsuccessful)\b", 0, {"ineffective", "unsuccessful"}),
        (r"(?:a|b)+c?", 0, {"a", "b"}),  # the parser writes a|b as a class of two letters
        (r"Placebo(?:-controlled)?", re.IGNORECASE, {"placebo"}),  # lower-cased for a lower-cased text
        (r"\d+(?:\.\d+)?", 0, None),  # no fixed word in a number
        (r"(?:responded|)", 0, None),  # one branch spells nothing
        (r"x*yz", 0, {"yz"}),
        (r"(?i:fda)\s+approval", 0, {"approval"}),  # a group with flags of its own is no literal
        (r"β-blocker", re.IGNORECASE, None),  # Unicode case folding has exceptions: no filter
    ],
)
def test_required_literals(pattern: str, flags: int, expected: set[str] | None) -> None:
    found = required_literals(pattern, flags)
    assert (None if found is None else set(found)) == expected


def _brute_force(patterns: PatternSet, text: str) -> set[str]:
    return {name for name, pattern in patterns.patterns if pattern.search(text)}


def _texts() -> list[str]:
    """Sentences of trial-report words shuffled, with capitals, non-ASCII letters and numbers."""
    words = (
        "tocilizumab did not improve survival no significant difference between the groups was observed "
        "placebo-controlled randomized Phase 2 trial FDA approved adverse events were similar none of 12 "
        "patients responded 0 of 9 hazard ratio 1.4 p = 0.32 mice in vitro cells a Review of IL-6 inhibitors "
        "further studies are warranted monotherapy versus combination therapy β-cell Kelvin K ſ İstanbul"
    ).split()
    rng = random.Random(7)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 25))) for _ in range(3000)]


def test_lexicon_groups_match_as_searching_every_group_would() -> None:
    groups = load_lexicon().lowered
    for text in _texts():
        lower = text.lower()
        assert groups.matching(lower) == _brute_force(groups, lower), text


def test_lexicon_patterns_one_by_one_match_as_each_group_whole_would() -> None:
    """A group matches when one of its patterns does: searching them one by one in the lower-cased text
    finds the groups that the group's whole case-insensitive alternation finds in the text."""
    lexicon = load_lexicon()
    for text in filter(str.isascii, _texts()):
        whole = {name for name, pattern in lexicon.groups if pattern.search(text)}
        assert lexicon.lowered.matching(text.lower()) == whole, text


def test_case_insensitive_cues_match_as_searching_every_cue_would() -> None:
    cues = load_cues()
    for patterns in (cues.studies, cues.designs):
        for text in _texts():
            assert patterns.matching(text) == _brute_force(patterns, text), text


def test_non_ascii_text_searches_every_case_insensitive_pattern() -> None:
    """"ſ" is an "s" to re.IGNORECASE but not to str.lower(): such a text is not filtered."""
    patterns = PatternSet([("safety", re.compile(r"\bsafety\b", re.IGNORECASE))])
    assert patterns.matching("ſafety was good") == {"safety"}
    assert patterns.matching("SAFETY was good") == {"safety"}
    assert patterns.matching("efficacy was good") == set()


def test_names_keep_their_order_and_a_pattern_without_literals_is_always_searched() -> None:
    patterns = PatternSet([("b", re.compile(r"\d+")), ("a", re.compile("phase")), ("b", re.compile("trial"))])
    assert patterns.names == ("b", "a")
    assert patterns.matching("phase 2") == {"a", "b"}
    assert patterns.matching("a trial") == {"b"}
    assert patterns.matching("nothing here") == set()
