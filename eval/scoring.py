"""Score a run against gold labels, exactly as the contract's Scoring section says. Pure functions.

- Pairing: a predicted and a gold figure pair when their spans overlap; each pairs at most once
  (largest overlap first, then nearest start, then text order).
- Detection: precision, recall and F1 of paired figures over all predicted and all gold figures.
- Value: on pairs, ``value * scale`` equal within a relative 1e-6, and the same unit.
- Fields: on pairs, the share correct for measure, region, period (start and end), status,
  sector and entity (null vs not null, then token overlap of at least half), metric (the same
  vocabulary term, or token overlap of at least half after lower-casing and dropping stop words).
- Full match: value, unit, measure, metric, region and period all correct. Full-match F1 is the headline.

"Token overlap of at least half" is read as shared tokens / tokens of the longer phrase >= 0.5.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemas import Figure, Release

FIELDS = ("value", "measure", "metric", "region", "period", "status", "sector", "entity")
FULL_MATCH_FIELDS = ("value", "measure", "metric", "region", "period")
STOP_WORDS = frozenset("a an the of in on for and or to by with from at as its their this that".split())
_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass(frozen=True)
class Pair:
    """A gold figure and the predicted figure paired with it, with the verdict on each field."""

    gold: Figure
    predicted: Figure
    correct: dict[str, bool]

    @property
    def full_match(self) -> bool:
        """Value, unit, measure, metric, region and period all correct."""
        return all(self.correct[name] for name in FULL_MATCH_FIELDS)


@dataclass(frozen=True)
class Counts:
    """The counts every score is computed from; they add up across releases (micro-average)."""

    gold: int = 0
    predicted: int = 0
    paired: int = 0
    full_matches: int = 0
    field_correct: dict[str, int] = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        correct = Counter(self.field_correct) + Counter(other.field_correct)
        return Counts(
            gold=self.gold + other.gold,
            predicted=self.predicted + other.predicted,
            paired=self.paired + other.paired,
            full_matches=self.full_matches + other.full_matches,
            field_correct={name: correct.get(name, 0) for name in FIELDS},
        )

    def detection(self) -> tuple[float, float, float]:
        """Precision, recall and F1 of detection."""
        return _prf(self.paired, self.predicted, self.gold)

    def full_match(self) -> tuple[float, float, float]:
        """Precision, recall and F1 of full matches: the headline."""
        return _prf(self.full_matches, self.predicted, self.gold)

    def field_accuracy(self) -> dict[str, float]:
        """The share of pairs correct, field by field (NaN with no pairs)."""
        return {name: self.field_correct.get(name, 0) / self.paired if self.paired else math.nan for name in FIELDS}

    def summary(self) -> dict[str, float | int]:
        """The numbers a report shows, flat."""
        precision, recall, f1 = self.detection()
        full_precision, full_recall, full_f1 = self.full_match()
        return {
            "gold": self.gold, "predicted": self.predicted, "paired": self.paired,
            "detection_precision": precision, "detection_recall": recall, "detection_f1": f1,
            "full_match_precision": full_precision, "full_match_recall": full_recall, "full_match_f1": full_f1,
            **{f"{name}_accuracy": value for name, value in self.field_accuracy().items()},
        }  # fmt: skip


@dataclass(frozen=True)
class ReleaseScore:
    """One release scored: its counts, its pairs, and what was missed or invented."""

    release_id: str
    name: str
    counts: Counts
    pairs: tuple[Pair, ...]
    unpaired_gold: tuple[Figure, ...]
    unpaired_predicted: tuple[Figure, ...]


def pair_figures(gold: Sequence[Figure], predicted: Sequence[Figure]) -> list[tuple[int, int]]:
    """Index pairs (gold, predicted) whose spans overlap; each figure in at most one pair."""
    candidates = []
    for g, gold_figure in enumerate(gold):
        for p, predicted_figure in enumerate(predicted):
            overlap = min(gold_figure.span[1], predicted_figure.span[1]) - max(
                gold_figure.span[0], predicted_figure.span[0]
            )
            if overlap > 0:
                distance = abs(gold_figure.span[0] - predicted_figure.span[0])
                candidates.append((-overlap, distance, g, p))
    used_gold: set[int] = set()
    used_predicted: set[int] = set()
    pairs = []
    for _overlap, _distance, g, p in sorted(candidates):
        if g not in used_gold and p not in used_predicted:
            used_gold.add(g)
            used_predicted.add(p)
            pairs.append((g, p))
    return sorted(pairs)


def judge(gold: Figure, predicted: Figure) -> dict[str, bool]:
    """Field by field, whether the predicted figure is right."""
    return {
        "value": math.isclose(gold.quantity, predicted.quantity, rel_tol=1e-6, abs_tol=0.0)
        and gold.unit == predicted.unit,
        "measure": gold.measure == predicted.measure,
        "metric": metric_matches(gold.metric, predicted.metric),
        "region": _norm(gold.region) == _norm(predicted.region),
        "period": (gold.period_start, gold.period_end) == (predicted.period_start, predicted.period_end),
        "status": gold.status == predicted.status,
        "sector": optional_matches(gold.sector, predicted.sector),
        "entity": optional_matches(gold.entity, predicted.entity),
    }


def score_release(gold: Release, predicted: Release, name: str = "") -> ReleaseScore:
    """Score one predicted release against its gold labels."""
    pairs = [
        Pair(gold.figures[g], predicted.figures[p], judge(gold.figures[g], predicted.figures[p]))
        for g, p in pair_figures(gold.figures, predicted.figures)
    ]
    paired_gold = {pair.gold.span for pair in pairs}
    paired_predicted = {pair.predicted.span for pair in pairs}
    counts = Counts(
        gold=len(gold.figures),
        predicted=len(predicted.figures),
        paired=len(pairs),
        full_matches=sum(pair.full_match for pair in pairs),
        field_correct={name: sum(pair.correct[name] for pair in pairs) for name in FIELDS},
    )
    return ReleaseScore(
        release_id=gold.release_id,
        name=name or gold.release_id,
        counts=counts,
        pairs=tuple(pairs),
        unpaired_gold=tuple(f for f in gold.figures if f.span not in paired_gold),
        unpaired_predicted=tuple(f for f in predicted.figures if f.span not in paired_predicted),
    )


def total(scores: Sequence[ReleaseScore]) -> Counts:
    """The counts of several releases pooled."""
    result = Counts(field_correct={name: 0 for name in FIELDS})
    for score in scores:
        result = result + score.counts
    return result


def measure_confusion(scores: Sequence[ReleaseScore]) -> dict[str, dict[str, int]]:
    """Gold measure → predicted measure → number of pairs."""
    table: dict[str, dict[str, int]] = {}
    for score in scores:
        for pair in score.pairs:
            row = table.setdefault(pair.gold.measure.value, {})
            row[pair.predicted.measure.value] = row.get(pair.predicted.measure.value, 0) + 1
    return table


@dataclass(frozen=True)
class Miss:
    """A gold figure relfig got wrong: not found, or found with these fields wrong."""

    release: str
    surface: str
    span: tuple[int, int]
    wrong: tuple[str, ...]


def worst_misses(scores: Sequence[ReleaseScore], limit: int = 20) -> list[Miss]:
    """Gold figures not found first, then pairs with the most full-match fields wrong."""
    misses = [Miss(s.name, f.surface, f.span, ("not found",)) for s in scores for f in s.unpaired_gold]
    wrong_pairs = [
        Miss(s.name, p.gold.surface, p.gold.span, tuple(n for n in FIELDS if not p.correct[n]))
        for s in scores
        for p in s.pairs
        if not p.full_match
    ]
    wrong_pairs.sort(key=lambda m: (-sum(n in FULL_MATCH_FIELDS for n in m.wrong), m.release, m.span))
    return (misses + wrong_pairs)[:limit]


def metric_matches(gold: str, predicted: str) -> bool:
    """The same vocabulary term, or token overlap of at least half without stop words."""
    g, p = _norm(gold), _norm(predicted)
    if g == p:
        return True
    return _overlap(_tokens(g), _tokens(p))


def optional_matches(gold: str | None, predicted: str | None) -> bool:
    """Both null, or both set with token overlap of at least half."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    return _norm(gold) == _norm(predicted) or _overlap(_tokens(_norm(gold)), _tokens(_norm(predicted)))


def _tokens(text: str) -> set[str]:
    return {t for t in _TOKEN.findall(text) if t not in STOP_WORDS}


def _overlap(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / max(len(a), len(b)) >= 0.5


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    precision = hits / predicted if predicted else (1.0 if not gold else 0.0)
    recall = hits / gold if gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
