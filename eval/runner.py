"""Run extraction on every sample and score it: the whole of ``relfig eval`` but the printing."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from eval.mutation import mutation_recall, overall
from eval.report import html_report, scores_document
from eval.samples import Sample
from eval.scoring import ReleaseScore, score_release
from extractor.checking.checker import check_releases
from extractor.checking.flags import Severity
from extractor.labelling import Labeller
from extractor.pipeline import extract_release
from extractor.reading import read_release
from schemas import Release


@dataclass(frozen=True)
class EvalRun:
    """The predictions and scores of one evaluation run."""

    predictions: tuple[Release, ...]
    scores: tuple[ReleaseScore, ...]
    document: dict[str, Any]
    texts: dict[str, str]


def evaluate(
    samples: Sequence[Sample],
    labeller: Labeller,
    settings: dict[str, Any],
    on_release: Callable[[Sample, ReleaseScore], None] | None = None,
    on_piece: Callable[[int, int], None] | None = None,
) -> EvalRun:
    """Extract each sample with ``labeller``, score it against its gold labels, and build the report data."""
    predictions, scores, texts = [], [], {}
    for sample in samples:
        source = read_release(sample.text_path)
        prediction = extract_release(source, labeller, on_piece)
        score = score_release(sample.gold, prediction, name=sample.name)
        predictions.append(prediction)
        scores.append(score)
        texts[sample.name] = source.text
        if on_release:
            on_release(sample, score)
    usage = asdict(labeller.usage)
    document = scores_document(scores, settings, usage)
    document["checker"] = checker_quality(samples, predictions, texts)
    return EvalRun(tuple(predictions), tuple(scores), document, texts)


def checker_quality(samples: Sequence[Sample], predictions: Sequence[Release], texts: dict[str, str]) -> dict[str, Any]:
    """The checker beside the scores: its flags on this run and on the gold, and its recall on injected errors."""
    run_report = check_releases([(p, texts[s.name]) for s, p in zip(samples, predictions, strict=True)])
    gold_pairs = [(s.gold, texts[s.name]) for s in samples]
    gold_report = check_releases(gold_pairs)
    recalls = mutation_recall(gold_pairs)
    return {
        "run_flags": {severity.value: run_report.count(severity) for severity in Severity},
        "gold_flags": {severity.value: gold_report.count(severity) for severity in Severity},
        "mutation_recall": {r.kind: {"injected": r.injected, "caught": r.caught, "recall": r.recall} for r in recalls},
        "mutation_recall_overall": overall(recalls),
    }


def write_outputs(run: EvalRun, directory: Path) -> list[Path]:
    """``scores.json``, ``report.html`` and ``predictions.jsonl`` in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    scores_path = directory / "scores.json"
    scores_path.write_text(json.dumps(run.document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report_path = directory / "report.html"
    report_path.write_text(html_report(run.scores, run.texts, run.document), encoding="utf-8")
    predictions_path = directory / "predictions.jsonl"
    predictions_path.write_text("".join(p.to_json(indent=None) + "\n" for p in run.predictions), encoding="utf-8")
    return [scores_path, report_path, predictions_path]
