"""Fit the finding confidence on a gold corpus and print a reliability table.

    python benchmarks/calibrate.py [--corpus ../shared/corpus] [--write]

Each extracted finding (document-level, deduplicated as the scorer does) is labelled right or wrong
against gold.json; a logistic model over its outcome and signals (drug named in the sentence, disease
named, hedged) is fitted with L2 regularisation; --write stores the weights in kg/extract/cues.toml.
The reliability table compares the mean confidence of each bin with the share of right findings.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract import Extractor  # noqa: E402
from kg.extract.findings import calibrated_confidence, load_cues  # noqa: E402
from kg.model import Document, Outcome  # noqa: E402
from kg.readers import read_paths  # noqa: E402

CUES = ROOT / "kg" / "extract" / "cues.toml"
SIGNALS = ("drug_named", "disease_named", "hedged")


def norm(text: str) -> str:
    """The scorer's spelling-insensitive key (shared/eval/score.py)."""
    text = text.lower().replace("'s ", " ").replace("\u2019s ", " ")
    words = re.findall(r"[a-z0-9]+", text)
    return "".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def keys(label: str, xrefs: list[str]) -> set[str]:
    return {"name:" + norm(label)} | {"id:" + x.upper() for x in xrefs}


def examples(corpus: Path) -> list[tuple[Outcome, tuple[str, ...], bool]]:
    gold = {g["file"]: g for g in json.loads((corpus / "gold.json").read_text(encoding="utf-8"))}
    extractor = Extractor()
    out = []
    for document in read_paths([str(corpus / "dev")]):
        if not isinstance(document, Document):
            continue
        g = gold[Path(document.source).name]
        gold_keys = [
            ({"name:" + norm(f["intervention"])}, keys(f["disease"], [f[k] for k in ("doid", "mondo") if f.get(k)]),
             f["outcome"])
            for f in g["findings"] if f.get("disease")
        ]
        best: dict[tuple, tuple] = {}
        for finding in extractor.extract(document).findings:
            key = finding.key
            if key not in best or finding.evidence.confidence > best[key][0]:
                best[key] = (finding.evidence.confidence, finding)
        for _, finding in best.values():
            drug = keys(finding.intervention.label, list(finding.intervention.xrefs))
            disease = keys(finding.disease.label, list(finding.disease.xrefs))
            right = any(d & drug and s & disease and o == finding.outcome.value for d, s, o in gold_keys)
            out.append((finding.outcome, finding.signals, right))
    return out


def fit(data, l2: float = 1.0, steps: int = 4000, rate: float = 0.05) -> dict[str, float]:
    names = ["intercept", *(f"outcome_{o.value}" for o in Outcome), *SIGNALS]
    w = dict.fromkeys(names, 0.0)
    for _ in range(steps):
        grad = dict.fromkeys(names, 0.0)
        for outcome, signals, right in data:
            active = ["intercept", f"outcome_{outcome.value}", *signals]
            p = 1 / (1 + math.exp(-sum(w[a] for a in active)))
            for a in active:
                grad[a] += p - right
        for n in names:
            penalty = 0.0 if n == "intercept" else l2 * w[n]
            w[n] -= rate * (grad[n] + penalty) / len(data)
    return {n: round(v, 3) for n, v in w.items()}


def reliability(data, weights) -> None:
    bins: dict[float, list] = defaultdict(list)
    for outcome, signals, right in data:
        c = calibrated_confidence(outcome, signals, weights)
        bins[min(int(c * 5), 4) / 5].append((c, right))
    print("confidence bin | findings | mean confidence | share right")
    for b in sorted(bins):
        rows = bins[b]
        print(f"{b:.1f}-{b + 0.2:.1f}        | {len(rows):8} | {sum(c for c, _ in rows) / len(rows):15.2f} | "
              f"{sum(r for _, r in rows) / len(rows):.2f}")
    brier = sum((calibrated_confidence(o, s, weights) - r) ** 2 for o, s, r in data) / len(data)
    print(f"Brier score {brier:.3f} over {len(data)} findings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--write", action="store_true", help="store the fitted weights in cues.toml")
    args = parser.parse_args()
    data = examples(args.corpus)
    print("before:")
    reliability(data, load_cues().confidence)
    weights = fit(data)
    print("\nafter fitting:")
    reliability(data, weights)
    table = "[confidence]\n" + "".join(f"{k} = {v}\n" for k, v in weights.items())
    print("\n" + table)
    if args.write:
        text = CUES.read_text(encoding="utf-8")
        CUES.write_text(text[: text.index("[confidence]")] + table, encoding="utf-8")


if __name__ == "__main__":
    main()
