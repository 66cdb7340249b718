"""The evaluation harness: samples, the report, the baseline gate, and `relfig eval` end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval.baseline import TOLERANCE, compare
from eval.report import html_report, scores_document
from eval.runner import evaluate, write_outputs
from eval.samples import load_samples
from eval.scoring import score_release
from extractor.errors import UsageError
from extractor.metrics import UNLABELLED
from schemas import Release, release_id_of

from .conftest import SAMPLES, FakeLabeller


def test_bundled_samples_load_and_validate() -> None:
    samples = load_samples(SAMPLES)
    assert [s.name for s in samples] == sorted(p.stem for p in SAMPLES.glob("*.txt"))
    assert sum(len(s.gold.figures) for s in samples) == 160


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing text", "no release text beside it"),
        ("broken span", "do not fit the contract or the text"),
        ("empty folder", "no samples"),
    ],
)
def test_broken_samples_are_clear_errors(tmp_path: Path, setup: str, message: str) -> None:
    if setup != "empty folder":
        shutil.copy(SAMPLES / "000_2b4cc7baf94ce3dc.json", tmp_path / "x.json")
    if setup == "broken span":
        shutil.copy(SAMPLES / "000_2b4cc7baf94ce3dc.txt", tmp_path / "x.txt")
        data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
        data["figures"][0]["span"][0] += 1
        (tmp_path / "x.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_samples(tmp_path)


def _figure(text: str, surface: str, unit: str, measure: str, metric: str) -> dict[str, object]:
    start = text.index(surface)
    return {"span": [start, start + len(surface)], "surface": surface, "value": float(surface), "unit": unit,
            "measure": measure, "metric": metric, "region": "Liaoning"}  # fmt: skip


def test_report_escapes_release_text_and_shows_every_state() -> None:
    text = "<script>alert(1)</script> Output rose 5.3% and 13 cities grew; 40 plants."
    growth = _figure(text, "5.3", "percent", "growth", "output value")
    cities = _figure(text, "13", "city", "level", "cities")
    plants = _figure(text, "40", "plant", "level", "plants")
    gold = Release.model_validate(
        {"release_id": release_id_of(text), "region": "Liaoning", "figures": [growth, cities]}
    )
    predicted = Release.model_validate(
        {"release_id": release_id_of(text), "region": "Liaoning", "figures": [growth, plants]}
    )
    score = score_release(gold, predicted, name="r<1>")
    document = scores_document([score], {"backend": "fake"}, {"calls": 0})
    page = html_report([score], {"r<1>": text}, document)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<mark class='ok'" in page and "<mark class='missed'" in page and "<mark class='extra'" in page
    assert "r&lt;1&gt;" in page
    assert "http" not in page.replace("http://www.w3.org/2000/svg", "")  # loads nothing from the network


def test_baseline_regression_beyond_tolerance_only() -> None:
    baseline = {"full_match_f1": 0.5, "value_accuracy": 0.9, "region_accuracy": float("nan")}
    within = compare(baseline, {"full_match_f1": 0.5 - TOLERANCE / 2, "value_accuracy": 0.95, "region_accuracy": 0.1})
    assert [c.name for c in within] == ["full_match_f1", "value_accuracy"]
    assert not any(c.regressed for c in within)
    beyond = compare(baseline, {"full_match_f1": 0.5 - 2 * TOLERANCE, "value_accuracy": 0.9})
    assert [c.name for c in beyond if c.regressed] == ["full_match_f1"]


def test_runner_scores_and_writes_reports(tmp_path: Path) -> None:
    samples = load_samples(SAMPLES)[:2]
    run = evaluate(samples, FakeLabeller(answer=None), {"backend": "fake"})
    paths = write_outputs(run, tmp_path)
    assert [p.name for p in paths] == ["scores.json", "report.html", "predictions.jsonl"]
    document = json.loads(paths[0].read_text(encoding="utf-8"))
    assert [r["name"] for r in document["releases"]] == [s.name for s in samples]
    assert document["overall"]["gold"] == sum(len(s.gold.figures) for s in samples)
    # Code-only labels: every figure found and grounded; code reads counts, amounts' own words, places
    # and periods, but the metrics of rates and most amounts need the model, so about half match.
    assert document["overall"]["detection_recall"] == 1.0
    assert 0.3 < document["overall"]["full_match_f1"] < 0.8
    assert document["overall"]["value_accuracy"] == 1.0
    predictions = [json.loads(line) for line in paths[2].read_text(encoding="utf-8").splitlines()]
    texts = {s.gold.release_id: s.text_path.read_text(encoding="utf-8").lower() for s in samples}
    for release in predictions:
        named = {f["metric"] for f in release["figures"]} - {UNLABELLED}
        assert named and all(any(word in texts[release["release_id"]] for word in m.split()) for m in named)
    assert len(paths[2].read_text(encoding="utf-8").splitlines()) == 2


def test_the_held_out_releases_load_and_their_labels_match_their_texts() -> None:
    heldout = load_samples(SAMPLES.parent / "heldout")
    assert [s.name for s in heldout] == ["h01_jiangsu_2024h1", "h02_sichuan_2022", "h03_china_2023", "h04_henan_2024"]
    for sample in heldout:
        text = sample.text_path.read_text(encoding="utf-8")
        assert sample.gold.release_id == release_id_of(text)
        assert all(text[f.span[0] : f.span[1]] == f.surface for f in sample.gold.figures)
        assert len(sample.gold.figures) >= 30
