"""The outcome model: which outcomes a sentence about an intervention states.

One logistic regression per outcome (one-vs-rest, so a sentence can state efficacy and a safety concern
at once) over the features of ``outcome_features.py``, fitted by ``outcome_training.py`` and shipped as
``outcome_model.json`` (feature -> one weight per outcome; no pickle). A sentence states an outcome when
its probability reaches the model's threshold; "none" is every outcome below it.

The file also carries the confidence calibration of findings: a logistic model over the outcome's
probability (as a logit) and the finding's signals, fitted on leave-one-topic-out predictions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from operator import add
from pathlib import Path

from kg.model import Outcome

MODEL_FILE = Path(__file__).with_name("outcome_model.json")
FORMAT = "cytokine-kg outcome model 1"


def sigmoid(score: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, score))))


def logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Calibration:
    """confidence = sigmoid(intercept + slope * logit(p) + sum of signal weights)."""

    intercept: float = 0.0
    slope: float = 1.0
    signals: Mapping[str, float] = field(default_factory=dict)

    def confidence(self, probability: float, signals: Iterable[str]) -> float:
        score = (
            self.intercept + self.slope * logit(probability) + sum(self.signals.get(s, 0.0) for s in signals)
        )
        return round(sigmoid(score), 2)


@dataclass(frozen=True)
class OutcomeModel:
    classes: tuple[Outcome, ...]
    intercepts: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    threshold: float = 0.5
    calibration: Calibration = field(default_factory=Calibration)
    trained_on: Mapping[str, object] = field(default_factory=dict)
    gated: bool = False  # the first weight of each row is the "states a result" head

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "_gate", {f: row[0] for f, row in self.weights.items() if row[0]} if self.gated else {}
        )

    def probabilities(self, features: Iterable[str]) -> dict[Outcome, float]:
        """P(outcome stated); with a gate, P(a result is stated) * P(outcome | a result)."""
        scores = self.intercepts
        weights = self.weights
        for feature in features:
            row = weights.get(feature)
            if row is not None:
                scores = tuple(map(add, scores, row))
        scores = list(scores)
        gate = sigmoid(scores.pop(0)) if self.gated else 1.0
        return {c: gate * sigmoid(s) for c, s in zip(self.classes, scores, strict=True)}

    def outcomes(self, features: Sequence[str]) -> list[tuple[Outcome, float]]:
        """The outcomes stated (probability at or above the threshold), most probable first. With a gate,
        a sentence whose gate is below the threshold states none (P(outcome) <= P(result))."""
        if self.gated:
            gate = self._gate
            if sigmoid(self.intercepts[0] + sum(map(gate.get, features, repeat(0.0)))) < self.threshold:
                return []
        found = [(c, p) for c, p in self.probabilities(features).items() if p >= self.threshold]
        return sorted(found, key=lambda cp: -cp[1])

    @classmethod
    def empty(cls) -> OutcomeModel:
        """A model that reads no outcome anywhere (for computing features before any model exists)."""
        return cls(tuple(Outcome), tuple(-30.0 for _ in Outcome), {}, 0.5)

    # ------------------------------------------------------------------ file

    def to_json(self) -> str:
        """The model as JSON with one feature a line (small diffs when it is regenerated)."""
        head = {
            "format": FORMAT,
            "classes": [c.value for c in self.classes],
            "intercepts": [round(x, 5) for x in self.intercepts],
            "threshold": self.threshold,
            "gated": self.gated,
            "calibration": {
                "intercept": round(self.calibration.intercept, 5),
                "slope": round(self.calibration.slope, 5),
                "signals": {k: round(v, 5) for k, v in sorted(self.calibration.signals.items())},
            },
            "trained_on": dict(self.trained_on),
        }
        rows = [
            f"{json.dumps(f, ensure_ascii=False)}: {json.dumps([round(x, 4) for x in row])}"
            for f, row in sorted(self.weights.items())
        ]
        return json.dumps(head, ensure_ascii=False)[:-1] + ', "weights": {\n' + ",\n".join(rows) + "\n}}\n"

    @classmethod
    def from_json(cls, text: str, source: str = "outcome model") -> OutcomeModel:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"{source}: not JSON ({error})") from None
        if data.get("format") != FORMAT:
            raise ValueError(f"{source}: not a {FORMAT!r} file")
        calibration = data.get("calibration", {})
        return cls(
            classes=tuple(Outcome(c) for c in data["classes"]),
            intercepts=tuple(data["intercepts"]),
            weights={f: tuple(row) for f, row in data["weights"].items()},
            threshold=float(data["threshold"]),
            calibration=Calibration(
                calibration.get("intercept", 0.0),
                calibration.get("slope", 1.0),
                calibration.get("signals", {}),
            ),
            trained_on=data.get("trained_on", {}),
            gated=bool(data.get("gated", False)),
        )

    def save(self, path: Path) -> None:
        from kg.rdf.serialize import write_atomic

        write_atomic(path, self.to_json().encode("utf-8"))


@cache
def default_model() -> OutcomeModel:
    """The project's model, parsed from its JSON file once and then loaded from a pickle (a quarter of the time)."""
    from kg import resources

    return resources.cached(
        "outcome-model", resources.fingerprint(MODEL_FILE, Path(__file__)),
        lambda: OutcomeModel.from_json(MODEL_FILE.read_text(encoding="utf-8"), str(MODEL_FILE)),
        restore=_checked_model,
    )


def _checked_model(state: object) -> OutcomeModel:
    if not isinstance(state, OutcomeModel):
        raise ValueError("not an outcome model")
    return state
