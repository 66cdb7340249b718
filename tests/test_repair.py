"""The checker inside extraction: a flagged figure is asked once more, and the better answer is kept."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractor.labelling import Usage
from extractor.pipeline import extract_release
from extractor.prompting import Label, LabelRequest
from extractor.reading import Source
from extractor.repair import MAX_REPAIRS

TEXT = "In 2024, industrial value added grew 5.3% year-on-year, and exports grew 2.0% year-on-year."
RIGHT = {"5.3": "industrial value added", "2.0": "exports"}


@dataclass
class SloppyLabeller:
    """Names every figure 'industrial value added' at first; asked again with a check's note, answers
    ``second`` (the right metric, or the same wrong one)."""

    second: dict[str, str]
    usage: Usage = field(default_factory=Usage)
    notes: list[str] = field(default_factory=list)

    def label(self, request: LabelRequest) -> dict[tuple[int, int], Label]:
        self.usage.calls += 1
        if request.note:
            self.notes.append(request.note)
        return {
            q.numeral.span: Label(
                metric=self.second[q.numeral.surface] if request.note else "industrial value added", sector=None
            )
            for q in request.questions
        }


def test_a_figure_flagged_for_the_models_answer_is_asked_again_and_the_better_answer_kept() -> None:
    labeller = SloppyLabeller(second=RIGHT)
    release = extract_release(Source(text=TEXT, name="t"), labeller)
    assert [f.metric for f in release.figures] == ["industrial value added", "exports"]
    assert labeller.notes == ["industrial value added (China, 2024-01..2024-12) is stated as 5.3 and as 2.0"] * 2
    # 5.3 asked again keeps its metric (no better: not kept); 2.0 asked again becomes exports (kept)
    assert (labeller.usage.repairs_asked, labeller.usage.repairs_kept) == (2, 1)


def test_an_answer_that_does_not_clear_the_flag_is_not_kept() -> None:
    labeller = SloppyLabeller(second={"5.3": "industrial value added", "2.0": "industrial value added"})
    release = extract_release(Source(text=TEXT, name="t"), labeller)
    assert [f.metric for f in release.figures] == ["industrial value added", "industrial value added"]
    assert (labeller.usage.repairs_asked, labeller.usage.repairs_kept) == (2, 0)  # both asked, neither better
    assert labeller.usage.calls == 3


def test_without_checking_no_figure_is_asked_twice() -> None:
    labeller = SloppyLabeller(second=RIGHT)
    extract_release(Source(text=TEXT, name="t"), labeller, check_answers=False)
    assert labeller.usage.calls == 1 and labeller.usage.repairs_asked == 0


def test_repairs_are_bounded_per_release() -> None:
    text = " ".join(f"In 2024, output grew {i}.{i}% year-on-year." for i in range(1, 2 * MAX_REPAIRS + 3))
    labeller = SloppyLabeller(second={})
    labeller.second = {f"{i}.{i}": "industrial value added" for i in range(1, 2 * MAX_REPAIRS + 3)}
    extract_release(Source(text=text, name="t"), labeller)
    assert labeller.usage.repairs_asked == MAX_REPAIRS
