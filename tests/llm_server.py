"""A small OpenAI-compatible server for tests: ``GET /v1/models`` and ``POST /v1/chat/completions``.

>>> with LLMServer(models=("coder-7b",), respond=lambda request: "```python\\ndef f(x):\\n    return x\\n```") as s:
...     openai.OpenAI(base_url=s.url, api_key="anything").models.list()

Each chat request is answered by the next step of ``script`` (a list, consumed in order) or, when it is empty, by
``respond(request)`` (text), else with HTTP 503. Steps: :class:`Reply`, :class:`Status`, :class:`Raw`,
:class:`Slow` and :class:`Drop`. Every request is kept in ``requests`` (:class:`Request`). Options, mimicking
real servers: ``key`` (answer 401 to any other key), ``models=None`` (``/v1/models`` answers 404, like a server
without the route), ``any_model`` (accept any model name, like llama.cpp; otherwise an unknown name is a 404, like
vLLM and Ollama), ``usage=False`` (replies without the ``usage`` block). Token counts are words, so deterministic.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """A completion whose message content is ``text``."""

    text: str


@dataclass(frozen=True)
class Status:
    """An error status with an OpenAI-style error body (429 also says ``Retry-After: 0``)."""

    code: int
    message: str = "scripted error"


@dataclass(frozen=True)
class Raw:
    """A 200 whose body is ``body`` as it is (not JSON, or JSON of the wrong shape)."""

    body: str


@dataclass(frozen=True)
class Slow:
    """Wait ``seconds``, then answer with ``then``."""

    seconds: float
    then: Reply | Status | Raw


@dataclass(frozen=True)
class Drop:
    """Close the connection without answering."""


Step = Reply | Status | Raw | Slow | Drop


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    auth: str | None
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def prompt(self) -> str:
        """The last message's content (the user prompt of a chat request)."""
        messages = self.body.get("messages") or [{}]
        return str(messages[-1].get("content", ""))


def words(text: str) -> int:
    return len(text.split())


class LLMServer:
    """The server on 127.0.0.1 (a free port), serving from a thread; ``url`` ends in ``/v1``."""

    def __init__(
        self,
        *,
        models: tuple[str, ...] | None = ("test-model",),
        respond: Callable[[Request], str] | None = None,
        script: list[Step] | None = None,
        key: str | None = None,
        any_model: bool = False,
        usage: bool = True,
    ) -> None:
        self.models, self.respond, self.key, self.any_model, self.usage = models, respond, key, any_model, usage
        self.script: list[Step] = list(script or [])
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()

    def __enter__(self) -> LLMServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def chats(self) -> list[Request]:
        """The chat-completion requests, in order."""
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def answer(self, request: Request) -> tuple[int, Any, float]:
        """(status, JSON payload or :class:`Raw`/:class:`Drop`, seconds to wait first) for one request."""
        if self.key is not None and request.auth != f"Bearer {self.key}":
            return 401, _error("invalid api key", "invalid_request_error"), 0.0
        if request.method == "GET" and request.path.rstrip("/").endswith("/models"):
            if self.models is None:
                return 404, _error("no such route", "not_found"), 0.0
            return 200, {"object": "list", "data": [_model(m) for m in self.models]}, 0.0
        if request.method != "POST" or not request.path.endswith("/chat/completions"):
            return 404, _error("no such route", "not_found"), 0.0
        model = str(request.body.get("model", ""))
        if not self.any_model and self.models is not None and model not in self.models:
            return 404, _error(f"model '{model}' not found", "not_found"), 0.0
        with self._lock:
            step: Step | None = self.script.pop(0) if self.script else None
        if step is None:
            if self.respond is None:
                return 503, _error("nothing scripted", "server_error"), 0.0
            step = Reply(self.respond(request))
        wait = 0.0
        if isinstance(step, Slow):
            wait, step = step.seconds, step.then
        if isinstance(step, Status):
            return step.code, _error(step.message, "server_error"), wait
        if isinstance(step, Raw | Drop):
            return 200, step, wait
        return 200, self._completion(step.text, model, request), wait

    def _completion(self, text: str, model: str, request: Request) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        }
        if self.usage:
            prompt = sum(words(str(m.get("content", ""))) for m in request.body.get("messages", []))
            body["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": words(text),
                "total_tokens": prompt + words(text),
            }
        return body

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._serve(Request("GET", self.path, self.headers.get("Authorization")))

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                self._serve(Request("POST", self.path, self.headers.get("Authorization"), body))

            def _serve(self, request: Request) -> None:
                with server._lock:
                    server.requests.append(request)
                status, payload, wait = server.answer(request)
                time.sleep(wait)
                if isinstance(payload, Drop):
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(2)
                    return
                data = payload.body.encode() if isinstance(payload, Raw) else json.dumps(payload).encode()
                with contextlib.suppress(OSError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(data)

        return Handler


def _model(name: str) -> dict[str, Any]:
    return {"id": name, "object": "model", "created": 0, "owned_by": "test"}


def _error(message: str, kind: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": kind, "code": None}}
