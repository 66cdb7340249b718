"""The peer comparison of issue 6: relfig, langextract and one whole-release instructor call, on one server.

A tool, not a test: ``relfig bench --peers [FILES_OR_DIRS] [-o peers.json]``. The three extractors take
turns on the same OpenAI-compatible server (the embedded model, started once for the whole comparison,
unless ``OPENAI_BASE_URL`` names an endpoint): each extractor runs over every release before the next
one starts, so each keeps the server's prompt cache to itself as it would in a real run. Per extractor
and release: wall seconds, model calls, prompt and completion tokens as the server reports them, figures,
errors, and full-match and detection F1 where a gold ``NAME.json`` lies beside the release.

**relfig**: `extract_release` with a labeller over an empty answer cache (a cold run).

**langextract** (the ``peers`` extra): its OpenAI provider on the same server, one request at a time,
chunks of at most `LANGEXTRACT_CHUNK_CHARS` characters, at most `LANGEXTRACT_MAX_TOKENS` completion tokens
a chunk, temperature 0, one extraction pass, raw JSON output (``fence_output=False``). On a llama-cpp-python
server (``RELFIG_RESPONSE_FORMAT=llama_cpp``) it runs without schema constraints: the request carries
``{"type": "json_object"}`` (any JSON). Its schema constraint cannot be used there: OpenAI's ``json_schema``
gets HTTP 500, and sent as ``{"type": "json_object", "schema": ...}`` it becomes a grammar that allows at
most one space between tokens, while langextract's few-shot answers are indented JSON; the model then
closes the list at once (``{"extractions": []}``, 6 tokens a chunk, seen live). Other endpoints get
langextract's own ``json_schema`` structured output built from the examples. A release
gets `LANGEXTRACT_BUDGET_S` seconds: chunks not yet sent when they are up are skipped (reported as an
error), so one release cannot take more than a few minutes. An extraction becomes a contract figure so:

- span, surface: the first numeral that `extractor.numerals` finds in the text langextract aligned the
  extraction to (its ``char_interval``; a statistical figure preferred over a year or an ordinal);
  an extraction without an interval or without a number in it is dropped;
- value, scale, unit, bound: that numeral as read from the extraction's own text alone (so "fell 3.1%"
  gives -3.1 percent, "312.5 billion yuan" 312.5 x 1e9 CNY); no unit in it gives ``unknown``;
  ``percent`` with measure ``difference`` becomes ``percentage_point`` (the contract's rule);
- measure, metric, region: its attributes of those names (measure ``level`` and metric and region
  ``unknown`` when missing or not valid); period_start and period_end: its attributes, ``YYYY-MM``
  (a bare year ``YYYY`` is read as its first or last month), else null; status actual; the rest null;
- two extractions on the same numeral: the first is kept.

**instructor**: one chat request per release with the whole text, asking for ``{"figures": [Figure...]}``
in the contract's Figure schema (instructor's ``Mode.JSON_SCHEMA``, the schema sent in the server's
dialect as relfig's labeller sends it), temperature 0, at most `WHOLE_RELEASE_MAX_TOKENS` completion tokens,
no retry. A figure whose surface occurs in the text but not at its span is moved to the nearest
occurrence (the model cannot count characters; langextract's aligner does the same for its figures).
Each figure is then validated alone against the contract and the text: one whose span still does not
hold or whose value is not its surface's number is dropped, not the release.
An answer that is not valid JSON (cut off at the token limit, say) gives no figures and is
reported as an error with its message.

Every Release record's own fields (title, date, region, period) come from `read_context`: they are not
scored, the figures are.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.metadata
import importlib.util
import json
import logging
import math
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import instructor
import openai
from pydantic import BaseModel, ValidationError

from eval.scoring import Counts, score_release
from extractor.backends import BackendSettings, make_client, open_labeller
from extractor.embedded_server import running_server
from extractor.errors import RelfigError, UsageError
from extractor.labelling import ResponseFormat, Usage, translate_error
from extractor.model_files import ensure_model
from extractor.numerals import Numeral, find_numerals
from extractor.pipeline import extract_release, release_of_figures
from extractor.reading import Source, read_release
from extractor.release_context import read_context
from schemas import Figure, Measure, Release

EXTRACTORS = ("relfig", "langextract", "instructor")
INSTALL_PEERS = "pip install -e '.[peers]'"

LANGEXTRACT_CHUNK_CHARS = 800
"""langextract's ``max_char_buffer``: about four figures a chunk in the samples, a few hundred tokens of answer."""
LANGEXTRACT_MAX_TOKENS = 600
"""Completion tokens a chunk may take (about 50 s of the embedded model), so a looping answer ends."""
LANGEXTRACT_BUDGET_S = 300.0
"""Seconds a release may take before langextract's remaining chunks are skipped."""
WHOLE_RELEASE_MAX_TOKENS = 2000
"""Completion tokens the whole-release instructor call may take."""

LANGEXTRACT_PROMPT = (
    "Extract every statistical figure of the press release in order of appearance: amounts, growth rates, "
    "differences, shares, counts and ranks. Use the exact words of the text: the number with its scale and unit "
    'words ("1.2 trillion yuan", "5.3%", "13 cities"), with the word that says so when it fell ("fell 3.1%"). '
    "Do not extract years, dates or numbers that are part of a name. Attributes: measure is level, growth, "
    "difference, share or rank; metric is what is measured, a short lower-case noun phrase such as "
    '"industrial value added" or "retail sales of consumer goods"; region is the place the figure is about; '
    "period_start and period_end are the first and last month it covers, YYYY-MM (the year 2023 is 2023-01 to "
    "2023-12). A difference between two growth rates is in percentage points."
)

_H1_2024 = {"region": "Hainan", "period_start": "2024-01", "period_end": "2024-06"}
_YEAR_2023 = {"region": "Hainan", "period_start": "2023-01", "period_end": "2023-12"}
LANGEXTRACT_EXAMPLES: tuple[tuple[str, tuple[tuple[str, dict[str, str]], ...]], ...] = (
    (
        "In the first half of 2024, Hainan's retail sales of consumer goods reached 312.5 billion yuan, up 6.2% "
        "year-on-year and 0.8 percentage points faster than in the first quarter, while exports fell 3.1%.",
        (
            ("312.5 billion yuan", {"measure": "level", "metric": "retail sales of consumer goods", **_H1_2024}),
            ("6.2%", {"measure": "growth", "metric": "retail sales of consumer goods", **_H1_2024}),
            ("0.8 percentage points", {"measure": "difference", "metric": "retail sales of consumer goods growth",
                                       **_H1_2024}),
            ("fell 3.1%", {"measure": "growth", "metric": "exports", **_H1_2024}),
        ),
    ),
    (
        "In 2023, 11 cities in Hainan saw industrial output grow, and private investment made up 52.4% of "
        "fixed asset investment.",
        (
            ("11 cities", {"measure": "level", "metric": "cities with positive growth", **_YEAR_2023}),
            ("52.4%", {"measure": "share", "metric": "private investment", **_YEAR_2023}),
        ),
    ),
)  # fmt: skip
"""Made-up few-shot examples (not text of the samples): sentence, then (exact text, attributes) per figure."""

WHOLE_RELEASE_SYSTEM = """\
You extract every statistical figure of a press release as JSON: {"figures": [...]}, one object per number \
that states a quantity (amounts, growth rates, differences, shares, counts, ranks; not years, dates or numbers \
in names), in text order. Fields of a figure:
- span: [start, end], the character offsets of the number in the release text (0-based, end exclusive)
- surface: the number exactly as written there, text[start:end]
- value: the number, negative when the text says it fell; scale: 1, 1000, 10000, 1000000, 100000000, \
1000000000 or 1000000000000 for a scale word after it (billion = 1000000000)
- unit: percent, percentage_point, CNY, USD, times, tonne, rank, fraction, or the counted noun (city, enterprise)
- measure: level, growth, difference, share or rank
- metric: what is measured, a short lower-case noun phrase (industrial value added, exports)
- region: where it applies; sector, entity: the industry or organisation it is restricted to, else null
- period_start, period_end: first and last month covered, YYYY-MM (2023 is 2023-01 to 2023-12)
- status: actual, target or forecast; bound: about, over, under or null
A difference between two growth rates is in percentage points."""


# --- what an extractor is and what it gives --------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one extractor made of one release: contract figures, how many it gave before conversion, errors."""

    release: Release
    produced: int
    errors: tuple[str, ...] = ()


@dataclass
class Extractor:
    """A named way to extract a release, with the tally of the model calls it makes."""

    name: str
    usage: Usage
    extract: Callable[[Source], Outcome]


@dataclass(frozen=True)
class PeerRow:
    """One release extracted by one extractor, measured and scored (the scores are None without gold)."""

    extractor: str
    name: str
    seconds: float
    calls: int
    prompt_tokens: int
    completion_tokens: int
    produced: int
    figures: int
    errors: tuple[str, ...]
    gold: int | None = None
    paired: int | None = None
    full_matches: int | None = None
    full_match_f1: float | None = None
    detection_f1: float | None = None


@dataclass
class Meter:
    """Counts chat-completion calls and the tokens the server reports in their ``usage``, from the HTTP responses."""

    usage: Usage = field(default_factory=Usage)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def on_response(self, response: httpx.Response) -> None:
        """An httpx response hook: one call per chat completion, plus its usage when it succeeded."""
        if not response.request.url.path.endswith("/chat/completions"):
            return
        reported: Mapping[str, Any] = {}
        if response.status_code == 200:
            response.read()
            with contextlib.suppress(ValueError):
                body = json.loads(response.content)
                reported = (body.get("usage") or {}) if isinstance(body, dict) else {}
        with self._lock:
            self.usage.calls += 1
            self.usage.prompt_tokens += int(reported.get("prompt_tokens") or 0)
            self.usage.completion_tokens += int(reported.get("completion_tokens") or 0)


def metered_client(base_url: str, settings: BackendSettings, meter: Meter) -> openai.OpenAI:
    """The client relfig builds for ``base_url``, counting into ``meter``, without retries (they would double costs)."""
    http_client = openai.DefaultHttpxClient(event_hooks={"response": [meter.on_response]})
    return make_client(base_url, settings).with_options(http_client=http_client, max_retries=0)


# --- the comparison ------------------------------------------------------------------------------------


def require_langextract() -> None:
    """Raise a `UsageError` that says how to install langextract when it is missing."""
    if importlib.util.find_spec("langextract") is None:
        raise UsageError(f"the peer comparison needs langextract, which is not installed: {INSTALL_PEERS}")


def compare(
    paths: Sequence[Path],
    settings: BackendSettings,
    extractors: Sequence[str] = EXTRACTORS,
    on_row: Callable[[PeerRow], None] | None = None,
    on_status: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Extract every release with each extractor in turn on one server; measure and score each."""
    unknown = sorted(set(extractors) - set(EXTRACTORS))
    if unknown:
        raise UsageError(f"unknown extractor(s) {', '.join(unknown)}; choose from {', '.join(EXTRACTORS)}")
    if "langextract" in extractors:
        require_langextract()
    rows: list[PeerRow] = []
    with _endpoint(settings, on_status or (lambda _message: None)) as endpoint:
        for name in extractors:
            with _OPENERS[name](endpoint) as extractor:
                for path in paths:
                    row = measure_one(extractor, path)
                    rows.append(row)
                    if on_row:
                        on_row(row)
    return {
        "backend": settings.name,
        "model": settings.model,
        "settings": peer_settings(),
        "rows": [dataclasses.asdict(row) for row in rows],
        "totals": {name: totals([r for r in rows if r.extractor == name]) for name in extractors},
    }


def measure_one(extractor: Extractor, path: Path) -> PeerRow:
    """Extract one release, timing it, counting its calls and tokens, and scoring it against gold if any."""
    source = read_release(path)
    before = dataclasses.replace(extractor.usage)
    started = time.perf_counter()
    try:
        outcome = extractor.extract(source)
    except RelfigError as exc:  # the endpoint failed for good: the release has no figures
        outcome = Outcome(release_of(source, [])[0], 0, (str(exc),))
    seconds = time.perf_counter() - started
    usage = extractor.usage
    row = PeerRow(
        extractor=extractor.name,
        name=path.stem,
        seconds=seconds,
        calls=usage.calls - before.calls,
        prompt_tokens=usage.prompt_tokens - before.prompt_tokens,
        completion_tokens=usage.completion_tokens - before.completion_tokens,
        produced=outcome.produced,
        figures=len(outcome.release.figures),
        errors=outcome.errors,
    )
    gold_path = path.with_suffix(".json")
    if not gold_path.is_file():
        return row
    gold = Release.from_json(gold_path.read_text(encoding="utf-8"), text=source.text)
    counts = score_release(gold, outcome.release).counts
    return dataclasses.replace(
        row,
        gold=counts.gold,
        paired=counts.paired,
        full_matches=counts.full_matches,
        full_match_f1=counts.full_match()[2],
        detection_f1=counts.detection()[2],
    )


def totals(rows: Sequence[PeerRow]) -> dict[str, Any]:
    """One extractor's sums over its releases; F1 pooled over the releases with gold (micro-average)."""
    if not rows:
        return {}
    scored = [r for r in rows if r.gold is not None]
    counts = Counts(
        gold=sum(r.gold or 0 for r in scored),
        predicted=sum(r.figures for r in scored),
        paired=sum(r.paired or 0 for r in scored),
        full_matches=sum(r.full_matches or 0 for r in scored),
    )
    return {
        "releases": len(rows),
        "seconds": sum(r.seconds for r in rows),
        "median_seconds_per_release": statistics.median(r.seconds for r in rows),
        "calls": sum(r.calls for r in rows),
        "prompt_tokens": sum(r.prompt_tokens for r in rows),
        "completion_tokens": sum(r.completion_tokens for r in rows),
        "produced": sum(r.produced for r in rows),
        "figures": sum(r.figures for r in rows),
        "releases_with_errors": sum(bool(r.errors) for r in rows),
        "full_match_f1": counts.full_match()[2] if scored else None,
        "detection_f1": counts.detection()[2] if scored else None,
        "mean_full_match_f1": statistics.fmean(r.full_match_f1 or 0.0 for r in scored) if scored else None,
    }


def peer_settings() -> dict[str, Any]:
    """The settings each peer ran with, and the versions of the libraries, for the JSON report."""
    return {
        "langextract": {
            "version": _version("langextract"),
            "max_char_buffer": LANGEXTRACT_CHUNK_CHARS,
            "max_output_tokens": LANGEXTRACT_MAX_TOKENS,
            "budget_seconds_per_release": LANGEXTRACT_BUDGET_S,
            "temperature": 0.0,
            "max_workers": 1,
            "extraction_passes": 1,
            "fence_output": False,
            "few_shot_examples": len(LANGEXTRACT_EXAMPLES),
        },
        "instructor": {
            "version": _version("instructor"),
            "mode": "JSON_SCHEMA",
            "max_tokens": WHOLE_RELEASE_MAX_TOKENS,
            "max_retries": 0,
            "temperature": 0.0,
        },
    }


@contextlib.contextmanager
def _endpoint(settings: BackendSettings, on_status: Callable[[str], None]) -> Iterator[BackendSettings]:
    """The settings with an endpoint: the configured one, or the embedded server started for the block."""
    if settings.base_url is not None:
        yield settings
        return
    on_status("preparing the embedded model (the first run assembles it, 1.1 GB)")
    model_path = ensure_model()
    on_status("starting the embedded model server on 127.0.0.1")
    with running_server(model_path) as server:
        yield dataclasses.replace(settings, base_url=server.base_url)


def _base_url(settings: BackendSettings) -> str:
    if settings.base_url is None:
        raise AssertionError("the peers run on an endpoint; _endpoint provides one")
    return settings.base_url


# --- relfig ----------------------------------------------------------------------------------------------


@contextlib.contextmanager
def relfig_extractor(settings: BackendSettings) -> Iterator[Extractor]:
    """The relfig pipeline with a labeller over a fresh, empty answer cache."""
    with (
        tempfile.TemporaryDirectory(prefix="relfig-peers-") as cache,
        open_labeller(settings, answer_cache=Path(cache)) as labeller,
    ):

        def extract(source: Source) -> Outcome:
            invalid_before = labeller.usage.invalid_answers
            release = extract_release(source, labeller)
            invalid = labeller.usage.invalid_answers - invalid_before
            errors = (f"{invalid} question(s) without a valid answer (code-only labels)",) if invalid else ()
            return Outcome(release, len(release.figures), errors)

        yield Extractor("relfig", labeller.usage, extract)


# --- langextract ---------------------------------------------------------------------------------------


def langextract_examples() -> list[Any]:
    """`LANGEXTRACT_EXAMPLES` as langextract ``ExampleData``."""
    from langextract.core import data

    return [
        data.ExampleData(
            text=text,
            extractions=[data.Extraction("figure", span, attributes=dict(attributes)) for span, attributes in figures],
        )
        for text, figures in LANGEXTRACT_EXAMPLES
    ]


def langextract_model(settings: BackendSettings, client: openai.OpenAI, examples: Sequence[Any]) -> Any:
    """The OpenAI provider of langextract on ``client``, with a schema where the server allows one, and a budget.

    The provider builds its own OpenAI client (no timeout, no way to count tokens); it is replaced by
    ``client``. ``start(seconds)`` opens a release's budget; chunks asked for after it ran out are answered
    with no extractions, without a model call, and counted in ``skipped``.
    """
    from langextract.core.types import ScoredOutput
    from langextract.providers.openai import OpenAILanguageModel
    from langextract.providers.schemas.openai import OpenAISchema

    class BudgetedOpenAI(OpenAILanguageModel):
        deadline = math.inf
        skipped = 0

        def start(self, seconds: float) -> None:
            self.deadline = time.monotonic() + seconds
            self.skipped = 0

        def infer(self, batch_prompts: Sequence[str], **kwargs: Any) -> Iterator[Sequence[ScoredOutput]]:
            for prompt in batch_prompts:
                if time.monotonic() > self.deadline:
                    self.skipped += 1
                    yield [ScoredOutput(score=1.0, output='{"extractions": []}')]
                else:
                    yield from super().infer([prompt], **kwargs)

    # llama-cpp-python: plain {"type": "json_object"}, langextract's default without a schema (module docstring)
    dialect: dict[str, Any] = (
        {} if settings.response_format == "llama_cpp" else {"openai_schema": OpenAISchema.from_examples(examples)}
    )
    model = BudgetedOpenAI(
        model_id=settings.model,
        api_key=settings.api_key,
        base_url=_base_url(settings),
        temperature=0.0,
        max_workers=1,
        max_output_tokens=LANGEXTRACT_MAX_TOKENS,
        **dialect,
    )
    model._client = client
    return model


@contextlib.contextmanager
def langextract_extractor(settings: BackendSettings) -> Iterator[Extractor]:
    """The langextract pipeline on the endpoint of ``settings``, counting its calls."""
    require_langextract()
    meter = Meter()
    client = metered_client(_base_url(settings), settings, meter)
    examples = langextract_examples()
    model = langextract_model(settings, client, examples)
    try:
        yield Extractor("langextract", meter.usage, lambda source: langextract_release(source, model, examples))
    finally:
        client.close()


def langextract_release(
    source: Source, model: Any, examples: Sequence[Any], budget_s: float = LANGEXTRACT_BUDGET_S
) -> Outcome:
    """Run langextract on one release and convert its extractions (see the module docstring)."""
    import langextract as lx
    from langextract.prompt_validation import PromptValidationLevel

    model.start(budget_s)
    with _logged_warnings("absl") as warnings:
        try:
            document = lx.extract(
                source.text,
                prompt_description=LANGEXTRACT_PROMPT,
                examples=list(examples),
                model=model,
                fence_output=False,
                use_schema_constraints=False,  # the model carries its schema, if any (langextract_model)
                max_char_buffer=LANGEXTRACT_CHUNK_CHARS,
                max_workers=1,
                extraction_passes=1,
                show_progress=False,
                prompt_validation_level=PromptValidationLevel.ERROR,  # the examples must align with their text
            )
        except Exception as exc:  # langextract wraps the provider's errors; say what failed underneath
            return Outcome(release_of(source, [])[0], 0, (f"langextract failed: {_failure(exc, model.model_id)}",))
    extractions = list(getattr(document, "extractions", None) or [])
    figures, dropped = figures_from_extractions(source.text, extractions)
    release, duplicates = release_of(source, figures)
    errors = list(warnings)
    if model.skipped:
        errors.append(f"time budget of {budget_s:.0f} s used up: {model.skipped} chunk(s) not sent")
    if summary := dropped_summary(dropped + ["same number as an earlier figure"] * duplicates, len(extractions)):
        errors.append(summary)
    return Outcome(release, len(extractions), tuple(errors))


def figures_from_extractions(text: str, extractions: Sequence[Any]) -> tuple[list[Figure], list[str]]:
    """Contract figures from langextract extractions, and why each of the others was dropped."""
    figures: list[Figure] = []
    dropped: list[str] = []
    for extraction in extractions:
        interval = extraction.char_interval
        if interval is None or interval.start_pos is None or interval.end_pos is None:
            dropped.append("not found in the text")
            continue
        try:
            figures.append(figure_from_extraction(text, interval.start_pos, interval.end_pos, extraction.attributes))
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            dropped.append(_reason(exc))
    return figures, dropped


def figure_from_extraction(text: str, start: int, end: int, attributes: Mapping[str, Any] | None) -> Figure:
    """The contract figure of the extraction at ``text[start:end]``; ValueError when it holds no number."""
    numeral = _first_numeral(text[start:end])
    if numeral is None:
        raise ValueError("no number in the extraction")
    attrs = {name: _attribute(value) for name, value in (attributes or {}).items()}
    measure = _measure(attrs.get("measure"))
    unit = numeral.unit or "unknown"
    if unit == "percent" and measure is Measure.DIFFERENCE:
        unit = "percentage_point"
    period_start, period_end = _period(attrs.get("period_start"), attrs.get("period_end"))
    return Figure.model_validate(
        {
            "span": (start + numeral.span[0], start + numeral.span[1]),
            "surface": numeral.surface,
            "value": numeral.signed_value,
            "scale": numeral.scale,
            "unit": unit,
            "measure": measure,
            "metric": (attrs.get("metric") or "unknown").lower(),
            "region": attrs.get("region") or "unknown",
            "period_start": period_start,
            "period_end": period_end,
            "bound": numeral.bound,
        },
        context={"text": text},
    )


def _first_numeral(piece: str) -> Numeral | None:
    numerals = find_numerals(piece)
    return next((n for n in numerals if n.is_figure), numerals[0] if numerals else None)


def _attribute(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    text = " ".join(str(value).split()) if value is not None else ""
    return text if text and text.lower() not in ("null", "none", "n/a") else None


def _measure(value: str | None) -> Measure:
    try:
        return Measure((value or "").strip().lower())
    except ValueError:
        return Measure.LEVEL


_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-\d{2})?$")
_YEAR = re.compile(r"^(\d{4})$")


def _period(start: str | None, end: str | None) -> tuple[str | None, str | None]:
    first, last = _month(start, "01"), _month(end, "12")
    if first and last and first > last:
        return None, None
    return first, last


def _month(value: str | None, month_of_bare_year: str) -> str | None:
    if value and (match := _MONTH.match(value.strip())):
        return f"{match.group(1)}-{match.group(2)}"
    if value and (match := _YEAR.match(value.strip())):
        return f"{match.group(1)}-{month_of_bare_year}"
    return None


@contextlib.contextmanager
def _logged_warnings(logger_name: str) -> Iterator[list[str]]:
    """The warnings ``logger_name`` logs in the block (langextract logs a chunk it could not parse), kept quiet."""
    messages: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(_short(record.getMessage()))

    logger = logging.getLogger(logger_name)
    handler = Keep(level=logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# --- instructor: the whole release in one call ---------------------------------------------------------


class WholeReleaseAnswer(BaseModel):
    """The answer as parsed: an object with a list of figures, each validated alone afterwards."""

    figures: list[Any]


def whole_release_schema() -> dict[str, Any]:
    """The answer schema sent to the model: ``{"figures": [...]}`` of the contract's Figure records."""
    figure = Figure.model_json_schema()
    definitions = figure.pop("$defs", {})
    return {
        "type": "object",
        "properties": {"figures": {"type": "array", "items": {"$ref": "#/$defs/Figure"}}},
        "required": ["figures"],
        "$defs": {**definitions, "Figure": figure},
    }


def whole_release_response_format(response_format: ResponseFormat) -> dict[str, Any]:
    """``response_format`` for the server: llama-cpp-python's ``json_object`` + schema, or OpenAI's ``json_schema``."""
    schema = whole_release_schema()
    if response_format == "llama_cpp":
        return {"type": "json_object", "schema": schema}
    return {"type": "json_schema", "json_schema": {"name": "Figures", "schema": schema}}


@contextlib.contextmanager
def instructor_extractor(settings: BackendSettings) -> Iterator[Extractor]:
    """One instructor call per release on the endpoint of ``settings``, counting its calls."""
    meter = Meter()
    client = metered_client(_base_url(settings), settings, meter)
    structured = instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA)
    try:
        yield Extractor("instructor", meter.usage, lambda source: whole_release(source, structured, settings))
    finally:
        client.close()


def whole_release(source: Source, structured: Any, settings: BackendSettings) -> Outcome:
    """Ask for every figure of the release at once; keep the figures that hold, drop the others."""
    try:
        answer: WholeReleaseAnswer = structured.chat.completions.create(
            model=settings.model,
            messages=[
                {"role": "system", "content": WHOLE_RELEASE_SYSTEM},
                {"role": "user", "content": source.text},
            ],
            response_model=WholeReleaseAnswer,
            max_retries=0,
            temperature=0.0,
            max_tokens=WHOLE_RELEASE_MAX_TOKENS,
            extra_body={"response_format": whole_release_response_format(settings.response_format)},
        )
    except Exception as exc:  # instructor wraps the provider's errors; translate_error unwraps them
        message = f"{translate_error(exc, settings.model)} (max_tokens {WHOLE_RELEASE_MAX_TOKENS}); no figures"
        return Outcome(release_of(source, [])[0], 0, (message,))
    figures, dropped = lenient_figures(source.text, answer.figures)
    release, duplicates = release_of(source, figures)
    summary = dropped_summary(dropped + ["same span as an earlier figure"] * duplicates, len(answer.figures))
    return Outcome(release, len(answer.figures), (summary,) if summary else ())


def lenient_figures(text: str, items: Sequence[Any]) -> tuple[list[Figure], list[str]]:
    """The items that are valid contract figures grounded in ``text``, and why each of the others was dropped."""
    figures: list[Figure] = []
    dropped: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            dropped.append("not an object")
            continue
        item = realigned(text, item)
        try:
            figure = Figure.model_validate(item, context={"text": text})
        except ValidationError as exc:
            dropped.append(_reason(exc))
            continue
        if not value_holds(figure):
            dropped.append("value is not the number of its surface")
            continue
        figures.append(figure)
    return figures, dropped


def realigned(text: str, item: dict[str, Any]) -> dict[str, Any]:
    """``item`` with its span moved to where its surface occurs nearest the span it gave.

    A model cannot count characters; langextract aligns its extractions to the text, so the
    whole-release call gets the same help before its figures are checked.
    """
    surface, span = item.get("surface"), item.get("span")
    if not isinstance(surface, str) or not surface or surface not in text:
        return item
    claimed = span[0] if isinstance(span, list | tuple) and span and isinstance(span[0], int) else 0
    if isinstance(span, list | tuple) and len(span) == 2 and text[span[0] : span[1]] == surface:
        return item
    starts = [m.start() for m in re.finditer(re.escape(surface), text)]
    start = min(starts, key=lambda s: abs(s - claimed))
    return {**item, "span": [start, start + len(surface)]}


def value_holds(figure: Figure) -> bool:
    """Whether the figure's value (unsigned) is the first number of its surface."""
    numerals = find_numerals(figure.surface)
    return bool(numerals) and math.isclose(abs(figure.value), numerals[0].value, rel_tol=1e-6)


# --- shared --------------------------------------------------------------------------------------------


def release_of(source: Source, figures: Sequence[Figure]) -> tuple[Release, int]:
    """The Release of ``figures`` in text order, and how many were left out for sharing a span with an earlier one."""
    by_span: dict[tuple[int, int], Figure] = {}
    for figure in figures:
        by_span.setdefault(figure.span, figure)
    kept = [
        f if f.refers_to is None or f.refers_to in by_span else f.model_copy(update={"refers_to": None})
        for f in sorted(by_span.values(), key=lambda f: f.span)
    ]
    release = release_of_figures(source, read_context(source.plain), kept)
    return release, len(figures) - len(kept)


def dropped_summary(reasons: Sequence[str], produced: int) -> str | None:
    """``dropped 3 of 20 figures: 2 span does not hold, 1 ...``, or None when none was dropped."""
    if not reasons:
        return None
    counted = ", ".join(f"{count} {reason}" for reason, count in Counter(reasons).most_common())
    return f"dropped {len(reasons)} of {produced} figures: {counted}"


def _reason(exc: ValueError) -> str:
    if isinstance(exc, ValidationError):
        error = exc.errors()[0]
        if not error["loc"]:  # the figure's own check: its surface against the text and its span
            return "span does not hold" if "span" in error["msg"] else _short(error["msg"], 80)
        return f"invalid {'.'.join(str(part) for part in error['loc'][:1])}"
    return _short(str(exc), 80)


def _failure(exc: Exception, model: str) -> str:
    cause: BaseException = exc
    while cause.__cause__ is not None and not isinstance(cause, openai.OpenAIError):
        cause = cause.__cause__
    if isinstance(cause, openai.OpenAIError):
        return str(translate_error(exc, model))
    return f"{type(exc).__name__}: {_short(str(exc))}"


def _short(message: str, limit: int = 300) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[:limit] + "..."


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


_OPENERS: dict[str, Callable[[BackendSettings], contextlib.AbstractContextManager[Extractor]]] = {
    "relfig": relfig_extractor,
    "langextract": langextract_extractor,
    "instructor": instructor_extractor,
}
