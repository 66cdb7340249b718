"""How well the checker catches errors: inject one error at a time into the gold labels, count what it flags.

Each mutation changes one field of one gold figure; it counts as caught when a warning or error
flag that the unchanged gold did not raise names the figure's span. ``python -m eval.mutation``
prints the recall per kind.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractor.checking.checker import check_releases
from extractor.checking.flags import CheckReport, Severity
from extractor.periods import year_before
from schemas import Figure, Measure, Release

_OTHER_SECTORS = ("shipbuilding", "pharmaceuticals", "textiles", "automobile manufacturing", "coal mining")


@dataclass(frozen=True)
class KindRecall:
    """How many injected errors of one kind the checker flagged."""

    kind: str
    injected: int
    caught: int

    @property
    def recall(self) -> float:
        """Caught over injected (1.0 when nothing could be injected)."""
        return self.caught / self.injected if self.injected else 1.0


Mutator = Callable[[Figure, Release, str], dict[str, object] | None]


def _flip_sign(figure: Figure, _release: Release, _text: str) -> dict[str, object] | None:
    return {"value": -figure.value} if figure.value else None


def _scale(figure: Figure, _release: Release, _text: str) -> dict[str, object] | None:
    factor = 10.0 if figure.span[0] % 2 else 1000.0
    return {"value": figure.value * factor}


def _transpose(figure: Figure, _release: Release, _text: str) -> dict[str, object] | None:
    digits = figure.surface.replace(",", "")
    for index in range(len(digits) - 1):
        a, b = digits[index], digits[index + 1]
        if a.isdigit() and b.isdigit() and a != b:
            swapped = digits[:index] + b + a + digits[index + 2 :]
            value = float(swapped)
            return {"value": -value if figure.value < 0 else value}
    return None


def _percent_point(figure: Figure, _release: Release, _text: str) -> dict[str, object] | None:
    swap = {"percent": "percentage_point", "percentage_point": "percent"}
    return {"unit": swap[figure.unit]} if figure.unit in swap else None


def _wrong_period(figure: Figure, release: Release, _text: str) -> dict[str, object] | None:
    if figure.period_start is None or figure.period_end is None:
        return {"period_start": "2020-01", "period_end": "2020-12"}
    return {"period_start": year_before(figure.period_start), "period_end": year_before(figure.period_end)}


def _not_in_text(figure: Figure, _release: Release, text: str) -> dict[str, object] | None:
    value = round(abs(figure.value) * 1.37 + 1.1, 1)
    while re.search(rf"(?<![\d.]){re.escape(f'{value:g}')}(?![\d])", text):
        value += 0.7
    return {"value": -value if figure.value < 0 else value}


def _wrong_sector(figure: Figure, _release: Release, text: str) -> dict[str, object] | None:
    start = max(0, figure.span[0] - 400)
    window = text[start : figure.span[1] + 400].lower()
    sector = next((s for s in _OTHER_SECTORS if not any(w in window for w in s.split())), None)
    return {"sector": sector} if sector and sector != figure.sector else None


def _wrong_difference(figure: Figure, _release: Release, _text: str) -> dict[str, object] | None:
    if figure.measure is not Measure.DIFFERENCE:
        return None
    return {"value": figure.value + (0.5 if figure.value >= 0 else -0.5)}


MUTATORS: dict[str, Mutator] = {
    "flipped sign": _flip_sign,
    "scale x10/x1000": _scale,
    "transposed digits": _transpose,
    "percent vs point": _percent_point,
    "wrong period": _wrong_period,
    "value not in text": _not_in_text,
    "wrong sector": _wrong_sector,
    "wrong difference": _wrong_difference,
}


def mutation_recall(samples: Sequence[tuple[Release, str]]) -> list[KindRecall]:
    """Recall per kind of injected error over every figure of every sample."""
    releases = [release for release, _text in samples]
    results = []
    for kind, mutate in MUTATORS.items():
        injected = caught = 0
        for release, text in samples:
            others = [r for r in releases if r.release_id != release.release_id]
            baseline = _alarm_ids(check_releases([(release, text)], known=others))
            for index, figure in enumerate(release.figures):
                change = mutate(figure, release, text)
                if change is None:
                    continue
                mutated = _replace(release, index, change)
                injected += 1
                report = check_releases([(mutated, text)], known=others)
                new = [f for f in report.flags if f.id not in baseline and f.severity is not Severity.INFO]
                if any(figure.span in f.spans for f in new):
                    caught += 1
        results.append(KindRecall(kind, injected, caught))
    return results


def _replace(release: Release, index: int, change: dict[str, object]) -> Release:
    figures = list(release.figures)
    figures[index] = figures[index].model_copy(update=change)
    return release.model_copy(update={"figures": tuple(figures)})


def _alarm_ids(report: CheckReport) -> set[str]:
    return {f.id for f in report.flags if f.severity is not Severity.INFO}


def overall(results: Sequence[KindRecall]) -> float:
    """Caught over injected, all kinds pooled."""
    injected = sum(r.injected for r in results)
    return sum(r.caught for r in results) / injected if injected else 1.0


def main() -> int:
    """Print the recall table for the bundled samples."""
    from eval.samples import DEFAULT_SAMPLES, load_samples
    from extractor.reading import read_release

    samples = [(s.gold, read_release(s.text_path).text) for s in load_samples(DEFAULT_SAMPLES)]
    results = mutation_recall(samples)
    print("| kind | injected | caught | recall |\n|---|---:|---:|---:|")
    for r in results:
        print(f"| {r.kind} | {r.injected} | {r.caught} | {r.recall:.3f} |")
    total_injected = sum(r.injected for r in results)
    print(f"| **all** | {total_injected} | {sum(r.caught for r in results)} | {overall(results):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
