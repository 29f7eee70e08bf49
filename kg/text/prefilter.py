"""Which of many named regular expressions match a text, without running each one on it.

Most patterns cannot match a sentence that lacks a word they spell out: ``\\bno\\s+(?:better|more)\\s+than``
needs "than". :func:`required_literals` reads such words from a pattern's parse tree (one of them is in every
match), and :class:`PatternSet` finds, in one Aho-Corasick pass over the text, which patterns could match;
only those are searched. The answer is exactly the one of searching every pattern (the filter only skips
searches that cannot succeed), at a fraction of the cost when most patterns are absent from most texts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import ahocorasick

try:  # the parser of the re module (its stable form since Python 3.11)
    from re import _constants as sre, _parser as sre_parse
except ImportError:  # pragma: no cover - a Python whose re module is laid out otherwise: no filter, same answers
    sre = sre_parse = None

_Literals = frozenset[str] | None  # None: no literal is certain to be in a match


def required_literals(pattern: str, flags: int = 0) -> _Literals:
    """Strings one of which is in every match of ``pattern`` compiled with ``flags``, or None when none can be
    told (a pattern that may match without spelling a fixed word, such as ``\\d+``). With re.IGNORECASE the
    strings are lower-cased and must be ASCII (what is in a match is then in the lower-cased text, when that
    text is ASCII too: Unicode case folding has exceptions, such as the Kelvin sign for "k")."""
    if sre_parse is None:
        return None
    try:
        parsed = sre_parse.parse(pattern, flags)
    except re.error:
        return None
    literals = _best(_sequence(list(parsed)))
    if literals is None or not parsed.state.flags & re.IGNORECASE:
        return literals
    return frozenset(l.lower() for l in literals) if all(l.isascii() for l in literals) else None


def _sequence(items: list) -> list[frozenset[str]]:
    """The literal sets that a match of the items in a row must contain (each set one option)."""
    options, run = [], []
    for op, av in items:
        if op is sre.LITERAL:
            run.append(chr(av))
            continue
        if op is sre.AT:  # an anchor takes no characters: the literals either side are adjacent
            continue
        if run:
            options.append(frozenset(["".join(run)]))
            run = []
        found = _element(op, av)
        if found is not None:
            options.append(found)
    if run:
        options.append(frozenset(["".join(run)]))
    return options


def _element(op, av) -> _Literals:
    if op is sre.SUBPATTERN:  # a group with flags of its own ("(?i:...)") is no literal text
        _, added, removed, sub = av
        return None if added or removed else _best(_sequence(list(sub)))
    if op is sre.ATOMIC_GROUP:
        return _best(_sequence(list(av)))
    if op is sre.BRANCH:
        branches = [_best(_sequence(list(b))) for b in av[1]]
        return None if any(b is None for b in branches) else frozenset().union(*branches)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _, sub = av
        return _best(_sequence(list(sub))) if low >= 1 else None
    if op is sre.IN and av and all(kind is sre.LITERAL for kind, _ in av):
        return frozenset(chr(c) for _, c in av)
    return None


def _best(options: Iterable[frozenset[str]]) -> _Literals:
    """The option whose shortest literal is longest (rarer in text), then the one with fewest literals."""
    return min(options, key=lambda o: (-min(map(len, o)), len(o)), default=None)


class PatternSet:
    """Named compiled patterns (a name may have several); :meth:`matching` tells which names match a text."""

    def __init__(self, patterns: Iterable[tuple[str, re.Pattern[str]]]) -> None:
        self.patterns = tuple(patterns)
        self.names = tuple(dict.fromkeys(name for name, _ in self.patterns))
        self._always: set[int] = set()  # patterns without required literals: always searched
        self._folded: set[int] = set()  # case-insensitive ones: filtered only in ASCII text
        cased: dict[str, set[int]] = {}
        folded: dict[str, set[int]] = {}
        for index, (_, pattern) in enumerate(self.patterns):
            literals = required_literals(pattern.pattern, pattern.flags)
            ignore_case = bool(pattern.flags & re.IGNORECASE)
            if literals is None:
                self._always.add(index)
            elif ignore_case:
                self._folded.add(index)
            for literal in literals or ():
                (folded if ignore_case else cased).setdefault(literal, set()).add(index)
        self._cased, self._folding = _automaton(cased), _automaton(folded)

    def matching(self, text: str) -> set[str]:
        """The names of the patterns that ``search`` finds in ``text``."""
        candidates = set(self._always)
        if self._cased is not None:
            candidates.update(i for _, indexes in self._cased.iter(text) for i in indexes)
        if self._folding is not None and text.isascii():
            candidates.update(i for _, indexes in self._folding.iter(text.lower()) for i in indexes)
        elif self._folding is not None:
            candidates |= self._folded
        found: set[str] = set()
        for i in candidates:
            name, pattern = self.patterns[i]
            if name not in found and pattern.search(text):
                found.add(name)
        return found


def _automaton(literals: dict[str, set[int]]) -> ahocorasick.Automaton | None:
    if not literals:
        return None
    automaton = ahocorasick.Automaton()
    for literal, indexes in literals.items():
        automaton.add_word(literal, tuple(indexes))
    automaton.make_automaton()
    return automaton
