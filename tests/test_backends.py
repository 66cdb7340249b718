"""Backend settings resolve in one place, flag then environment then default, with clear errors."""

from __future__ import annotations

import pytest

from extractor.backends import resolve_settings
from extractor.errors import UsageError
from extractor.model_files import MODEL_NAME


def test_nothing_configured_means_the_embedded_model() -> None:
    settings = resolve_settings(environ={})
    assert (settings.base_url, settings.model, settings.response_format, settings.name) == (
        None,
        MODEL_NAME,
        "llama_cpp",
        "embedded",
    )


def test_environment_selects_an_endpoint() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "RELFIG_MODEL": "qwen2.5:7b", "OPENAI_API_KEY": "sk-test"}
    settings = resolve_settings(environ=env)
    assert (settings.base_url, settings.model, settings.response_format, settings.api_key) == (
        "http://127.0.0.1:11434/v1", "qwen2.5:7b", "json_schema", "sk-test",
    )  # fmt: skip
    assert "sk-test" not in repr(settings.name)


def test_flags_win_over_the_environment() -> None:
    env = {"OPENAI_BASE_URL": "http://a/v1", "RELFIG_MODEL": "a", "RELFIG_RESPONSE_FORMAT": "json_schema"}
    settings = resolve_settings("http://b/v1", "b", "llama_cpp", 5.0, environ=env)
    assert (settings.base_url, settings.model, settings.response_format, settings.timeout_s) == (
        "http://b/v1",
        "b",
        "llama_cpp",
        5.0,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OPENAI_BASE_URL": "http://a/v1"}, "RELFIG_MODEL"),
        ({"RELFIG_RESPONSE_FORMAT": "xml"}, "RELFIG_RESPONSE_FORMAT must be one of"),
        ({"RELFIG_TIMEOUT": "soon"}, "RELFIG_TIMEOUT must be a number"),
        ({"RELFIG_CONCURRENCY": "many"}, "RELFIG_CONCURRENCY must be a whole number"),
        ({"RELFIG_CONCURRENCY": "-2"}, "at least 1"),
    ],
    ids=["endpoint without model", "unknown format", "bad timeout", "bad concurrency", "negative concurrency"],
)
def test_bad_settings_name_the_setting_to_change(env: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_settings(environ=env)


def test_parallel_calls_go_to_endpoints_not_to_the_embedded_model() -> None:
    assert resolve_settings(environ={}).concurrency == 1
    remote = {"OPENAI_BASE_URL": "http://a/v1", "RELFIG_MODEL": "a"}
    assert resolve_settings(environ=remote).concurrency == 4
    assert resolve_settings(environ={**remote, "RELFIG_CONCURRENCY": "8"}).concurrency == 8
    assert resolve_settings(environ={**remote, "RELFIG_CONCURRENCY": "8"}, concurrency=2).concurrency == 2
