"""A real HTTP server on 127.0.0.1 that speaks just enough of the OpenAI chat API to misbehave on purpose."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GOOD_VALUES: dict[str, object] = {
    "metric": "industrial value added",
    "sector": None,
    "entity": None,
    "measure": "growth",
    "base": None,
}


@dataclass
class Script:
    """What the server answers, request by request: each item is a behaviour; the last one repeats."""

    behaviours: list[str]
    requests: list[dict[str, Any]] = field(default_factory=list)

    def next(self) -> str:
        index = min(len(self.requests) - 1, len(self.behaviours) - 1)
        return self.behaviours[index]


def _completion(content: str, finish: str = "stop") -> bytes:
    body = {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0, "model": "fake",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }  # fmt: skip
    return json.dumps(body).encode()


def _labels_for(request: dict[str, Any]) -> str:
    """A valid answer for whatever answer schema the request carries."""
    schema = request.get("response_format", {}).get("schema") or request["response_format"]["json_schema"]["schema"]
    answer = {}
    for key in schema["required"]:
        definition = schema["$defs"][schema["properties"][key]["$ref"].rsplit("/", 1)[-1]]
        answer[key] = {name: GOOD_VALUES[name] for name in definition["required"]}
    return json.dumps(answer)


class _Handler(BaseHTTPRequestHandler):
    script: Script

    def log_message(self, *_args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._send(200, json.dumps({"object": "list", "data": [{"id": "fake"}]}).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", 0))
        request = json.loads(self.rfile.read(length) or b"{}")
        self.script.requests.append(request)
        behaviour = self.script.next()
        if behaviour == "ok":
            self._send(200, _completion(_labels_for(request)))
        elif behaviour in ("500", "429", "503"):
            self._send(int(behaviour), b'{"error": {"message": "simulated failure"}}', retry_after="0")
        elif behaviour in ("401", "403"):  # refused, quoting the key back as some servers do
            key = self.headers.get("authorization", "").removeprefix("Bearer ")
            self._send(
                int(behaviour), json.dumps({"error": {"message": f"Incorrect API key provided: {key}"}}).encode()
            )
        elif behaviour == "malformed":
            self._send(200, _completion("{this is not json"))
        elif behaviour == "truncated":
            self._send(200, _completion(_labels_for(request)[:40], finish="length"))
        elif behaviour == "invalid":
            self._send(200, _completion(json.dumps({"n1": {"measure": "ratio"}})))
        elif behaviour == "slow":
            time.sleep(3)
            self._send(200, _completion(_labels_for(request)))
        elif behaviour == "close":
            self.close_connection = True
            self.wfile.flush()
            self.connection.close()

    def _send(self, status: int, body: bytes, retry_after: str | None = None) -> None:
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        if retry_after is not None:
            self.send_header("retry-after", retry_after)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def fake_openai(*behaviours: str) -> Iterator[tuple[str, Script]]:
    """Serve ``behaviours`` on a free 127.0.0.1 port; yield the ``/v1`` URL and the request log."""
    script = Script(list(behaviours))
    with serving(type("Handler", (_Handler,), {"script": script})) as url:
        yield url, script


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Run ``handler`` on a free 127.0.0.1 port in a thread; yield its ``/v1`` URL, stop it afterwards."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
