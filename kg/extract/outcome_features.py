"""Features of a sentence for the outcome model: what a reader of trial reports looks at.

* words and word pairs, lower-cased, numbers as ``<num>``, named entities masked by kind (``<drug>``,
  ``<disease>``, ``<gene>``) so the model learns how results are worded, never which drug was tested;
* negation scope: words after "not", "no", "failed" ... (up to a closing word, a drug or a few words) are marked
  ``NEG_`` — "did not improve" gives ``NEG_improve``, never ``improve``;
* wording groups of ``outcome_lexicon.toml``, matched in the unmasked text (negated result, similar arms, zero responses, adverse
  events, regulatory language, hedges, method and background sentences ...);
* statistics: p-values below or above 0.05 and ratio confidence intervals that include or exclude 1.

``featurize`` returns a sorted tuple of feature names; the model (``outcome_model.py``) weighs them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kg.text.prefilter import PatternSet

LEXICON = Path(__file__).with_name("outcome_lexicon.toml")

_TOKEN = re.compile(r"<(?:drug|disease|gene)>|[a-z]+(?:['’-][a-z0-9]+)*|\d+(?:[.,·]\d+)*|[<>=≤≥%±]|n't")
_P_VALUE = re.compile(
    r"\bp\s*(?:-?\s*values?\s*)?(<|>|=|≤|≥|<=|>=)\s*(\d[.·]\d+\s*[x×]\s*10\s*[-−–]\s*\d+|0?[.·]\d+|1(?:[.·]0+)?)",
    re.IGNORECASE,
)
_NOT_SIGNIFICANT = re.compile(  # "p = NS", "(NS)", "(n.s.)", a table row ending "... ns"
    r"\bp\s*[=:]\s*n\.?s\b|\(\s*n\.?s\.?\s*\)|\bn\.?s\.?\s*$", re.IGNORECASE
)
_DIGIT = re.compile(r"\d")
_HAZARD_RATIO = re.compile(r"\b(?:hazard\s+ratio|a?HR)\b[\s,:=(]*(?:of\s+|was\s+)?(\d+(?:[.·]\d+)?)", re.IGNORECASE)
_RATIO = re.compile(r"\b(?:hazard|odds|risk|rate)\s+ratios?\b|\b(?:a?HR|a?OR|RR|IRR)\b", re.IGNORECASE)
_INTERVAL = re.compile(
    r"(?:95\s*%\s*(?:CI|confidence\s+intervals?|CrI)|\bCI\b)[\s:,=]*[(\[]?\s*(-?\d+(?:[.·]\d+)?)\s*(?:-|–|—|to|,)\s*(-?\d+(?:[.·]\d+)?)",
    re.IGNORECASE,
)

#: hazard ratios and confidence intervals: searched only in sentences with the words they need
_RARE_STATISTICS = PatternSet([("hr", _HAZARD_RATIO), ("ci", _INTERVAL)])


@dataclass(frozen=True)
class OutcomeRule:
    """An outcome read when a wording group of ``any`` is in a sentence and none of ``none``; it takes the
    place of the outcomes of ``replaces``."""

    outcome: str
    any: frozenset[str]
    none: frozenset[str]
    replaces: frozenset[str]
    probability: float

    def applies(self, present: frozenset[str]) -> bool:
        """Whether the rule reads its outcome in a sentence with these features."""
        return any(f"lex:{g}" in present for g in self.any) and not any(
            f"lex:{g}" in present for g in self.none
        )


@dataclass(frozen=True)
class Lexicon:
    """The compiled ``outcome_lexicon.toml``."""

    groups: tuple[tuple[str, re.Pattern[str]], ...]
    #: the same groups for lower-cased text, without re.IGNORECASE (case folding makes matching twice as
    #: slow), searched only where the words they spell out are
    lowered: PatternSet
    negation_openers: frozenset[str]
    negation_closers: frozenset[str]
    negation_window: int
    pseudo_negations: re.Pattern[str]
    sections: tuple[tuple[str, re.Pattern[str]], ...]
    rules: tuple[OutcomeRule, ...] = ()
    conjunctions: tuple[tuple[str, frozenset[str]], ...] = ()
    #: outcome -> the features (``lex:`` groups, ``stat:`` readings) one of which a sentence must have for
    #: the model's reading of that outcome to stand
    requires: tuple[tuple[str, frozenset[str]], ...] = ()

    def worded(self, outcome: str, features: frozenset[str]) -> bool:
        """Whether a sentence with these features words ``outcome`` as the lexicon requires (outcomes
        without a requirement always are)."""
        return all(features & needed for name, needed in self.requires if name == outcome)

    def group(self, name: str) -> re.Pattern[str]:
        """The case-insensitive pattern of one wording group."""
        return next(pattern for group, pattern in self.groups if group == name)

    def section_category(self, label: str) -> str | None:
        """``background``, ``methods``, ``results`` or ``conclusions`` for a structured-abstract label."""
        return next((name for name, pattern in self.sections if pattern.search(label)), None)


@cache
def load_lexicon(path: Path = LEXICON) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    groups = tuple(
        (name, re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))
        for name, patterns in data["groups"].items()
    )
    lowered = PatternSet(  # each pattern on its own: only those whose words a sentence has are searched
        (name, re.compile(_lower_literals(p))) for name, patterns in data["groups"].items() for p in patterns
    )
    return Lexicon(
        groups,
        lowered,
        frozenset(data["negation_openers"]),
        frozenset(data["negation_closers"]),
        int(data["negation_window"]),
        re.compile("|".join(rf"\b{re.escape(p)}\b" for p in data["pseudo_negations"]), re.IGNORECASE),
        tuple((name, re.compile(pattern, re.IGNORECASE)) for name, pattern in data["sections"].items()),
        tuple(
            OutcomeRule(
                name,
                frozenset(rule["any"]),
                frozenset(rule.get("none", ())),
                frozenset(rule.get("replaces", ())),
                float(rule["probability"]),
            )
            for name, rule in data.get("rules", {}).items()
        ),
        tuple((name, frozenset(groups)) for name, groups in data.get("conjunctions", {}).items()),
        tuple((name, frozenset(features)) for name, features in data.get("requires", {}).items()),
    )


def _lower_literals(pattern: str) -> str:
    """A pattern for lower-cased text: its literal capitals lowered, escapes such as ``\\W`` or ``\\S`` kept."""
    return re.sub(r"(?<!\\)[A-Z]", lambda m: m.group().lower(), pattern)


def masked(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end, kind) span replaced by ``<kind>`` (kinds: drug, disease, gene)."""
    out, last = [], 0
    for start, end, kind in sorted(spans):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(f" <{kind}> ")
        last = end
    out.append(text[last:])
    return "".join(out)


def tokens(text: str) -> list[str]:
    return ["<num>" if t[0].isdigit() else t for t in _TOKEN.findall(text.lower())]


def negation_marked(words: Sequence[str], lexicon: Lexicon) -> list[str]:
    """Words inside a negation scope prefixed with ``NEG_``."""
    out, left = [], 0
    for word in words:
        if word in lexicon.negation_openers:
            out.append(word)
            left = lexicon.negation_window
            continue
        if left and (word in lexicon.negation_closers or word in "<>=≤≥" or word == "<drug>"):
            left = 0  # "no signs of infection, <drug> improved": the drug opens the next statement
        out.append(f"NEG_{word}" if left else word)
        left = max(0, left - 1)
    return out


def negated_before(text: str, offset: int, lexicon: Lexicon) -> bool:
    """Whether a negation opener stands within the negation window before ``offset`` of ``text`` (the
    clause up to a cue), with no closing word between: "is not involved in" negates "involved in"."""
    words = tokens(lexicon.pseudo_negations.sub("pseudo-negation", text[:offset]))[-lexicon.negation_window :]
    for word in reversed(words):
        if word in lexicon.negation_closers:
            return False
        if word in lexicon.negation_openers:
            return True
    return False


def _number(raw: str) -> float | None:
    raw = raw.replace("·", ".").replace(" ", "")
    scientific = re.fullmatch(r"(\d[.]\d+)[x×]10[-−–](\d+)", raw)
    try:
        return float(scientific.group(1)) * 10 ** -int(scientific.group(2)) if scientific else float(raw)
    except ValueError:
        return None


def statistics(text: str) -> set[str]:
    """``stat:p_sig`` / ``stat:p_nonsig`` from p-values (and "NS"), ``stat:ci_null`` / ``stat:ci_clear`` from ratio
    intervals (a difference interval when the sentence names no ratio), ``stat:hr_above`` from a hazard
    ratio above 1 (the drug's arm had more of the events: progression, death)."""
    found = {"stat:p_nonsig"} if _NOT_SIGNIFICANT.search(text) else set()
    if not _DIGIT.search(text):  # every other reading needs a number
        return found
    present = _RARE_STATISTICS.matching(text)
    ratios = _HAZARD_RATIO.findall(text) if "hr" in present else ()
    if any((value := _number(raw)) is not None and value > 1 for raw in ratios):
        found.add("stat:hr_above")
    for relation, raw in _P_VALUE.findall(text):
        value = _number(raw)
        if value is None:
            continue
        if relation in ("<", "≤", "<=") and value <= 0.05 or relation == "=" and value < 0.05:
            found.add("stat:p_sig")
        elif relation in (">", "≥", ">=", "=") and value >= 0.05:
            found.add("stat:p_nonsig")
    intervals = _INTERVAL.findall(text) if "ci" in present else ()
    null = 1.0 if intervals and _RATIO.search(text) else 0.0
    for low, high in intervals:
        a, b = _number(low), _number(high)
        if a is None or b is None:
            continue
        found.add("stat:ci_null" if min(a, b) <= null <= max(a, b) else "stat:ci_clear")
    return found


def featurize(
    text: str,
    spans: Iterable[tuple[int, int, str]] = (),
    context: Iterable[str] = (),
    lexicon: Lexicon | None = None,
) -> tuple[str, ...]:
    """The features of one sentence (or clause); ``spans`` are entity mentions in it (offsets into
    ``text``), ``context`` extra features the caller knows (section, position, named entities)."""
    lexicon = lexicon or load_lexicon()
    plain = lexicon.pseudo_negations.sub(lambda m: m.group().replace(" ", "-"), masked(text, spans))
    words = negation_marked(tokens(plain), lexicon)
    features = {f"w:{w}" for w in words}
    features.update(f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False))
    lower = text.lower()
    groups = lexicon.lowered.matching(lower)
    features.update(f"lex:{name}" for name in groups)
    features.update(f"lex:{name}" for name, parts in lexicon.conjunctions if parts <= groups)
    features.update(statistics(text))
    features.update(f"ctx:{c}" for c in context)
    features.add("bias")
    return tuple(sorted(features))
