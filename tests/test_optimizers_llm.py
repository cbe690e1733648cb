"""The LLM proposer driving the real ``openai`` client against a local OpenAI-compatible server.

The server (http.server on 127.0.0.1, a free port) answers from a script: good, wrong and malformed replies,
429 and 500 errors, a 400, and a reply slower than the client's timeout.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from perfkit.optimizers import Context, optimize_function
from perfkit.optimizers._types import InputTiming
from perfkit.optimizers.llm import LLMError, LLMProposer, extract_code

from perfkit.errors import InvalidArgument
from perfkit.profile import Hotspot

from .fixtures import slow_funcs as sf

KEY = "sk-test-secret-1234"
GOOD = "Here you go:\n```python\ndef dedupe(xs):\n    return list(dict.fromkeys(xs))\n```\nUses dict order."
WRONG = "```python\ndef dedupe(xs):\n    return sorted(set(xs))\n```"


class Server:
    """A scripted chat-completions endpoint; ``script`` items are (kind, value)."""

    def __init__(self) -> None:
        self.script: list[tuple[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                kind, value = outer.script.pop(0) if outer.script else ("status", 503)
                if kind == "slow":
                    time.sleep(value[0])
                    kind, value = "reply", value[1]
                if kind == "status":
                    self._send(value, {"error": {"message": "scripted", "type": "server_error"}})
                elif kind == "raw":
                    self._send(200, None, raw=value.encode())
                else:
                    self._send(200, completion(value, body.get("model", "")))

            def _send(self, status: int, payload: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def completion(content: str, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def proposer(server: Server, **kw: Any) -> LLMProposer:
    kw = {"model": "test-model", "base_url": server.url, "api_key": KEY, "backoff": 0.01, **kw}
    return LLMProposer(**kw)


CONTEXT = Context(
    name="dedupe",
    source="def dedupe(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n"
    "            out.append(x)\n    return out\n",
    module_name=sf.__name__,
    module_source="import math\n\n\ndef dedupe(xs): ...\n",
    params=("xs",),
    arg_types={"xs": frozenset({"list[int]"})},
    return_types=frozenset({"list[int]"}),
    hotspots=(Hotspot("slow_funcs.py", 4, "dedupe", "        if x not in out:", cpu_python=80.0, cpu_native=7.5),),
    inputs=(InputTiming("list[int] [0, 1, 2, ...]", 1600, 0.0123),),
)


def test_good_reply_becomes_a_candidate_and_the_prompt_carries_the_profile(server: Server) -> None:
    server.script = [("reply", GOOD)]
    [candidate] = proposer(server).propose(CONTEXT, n=1)
    assert candidate.source == "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n"
    assert candidate.proposer == "llm" and "test-model" in candidate.note
    [request] = server.requests
    assert request["path"] == "/v1/chat/completions" and request["auth"] == f"Bearer {KEY}"
    assert request["body"]["model"] == "test-model"
    prompt = request["body"]["messages"][1]["content"]
    assert "line 4 (87.5% CPU): if x not in out:" in prompt and "size 1600: 12.30 ms" in prompt
    assert "import math" in prompt and "xs: list[int]" in prompt


def test_rate_limit_and_server_errors_are_retried_with_backoff(server: Server) -> None:
    server.script = [("status", 429), ("status", 500), ("status", 502), ("reply", GOOD)]
    llm = proposer(server, retries=3)
    assert len(llm.propose(CONTEXT, n=1)) == 1
    assert llm.requests == 4 and len(server.requests) == 4


def test_retries_run_out_with_a_clear_error(server: Server) -> None:
    server.script = [("status", 500)] * 3
    with pytest.raises(LLMError, match="kept failing after 3 attempts \\(last: HTTP 500\\)"):
        proposer(server, retries=2).propose(CONTEXT, n=1)


def test_client_errors_are_not_retried(server: Server) -> None:
    server.script = [("status", 400), ("reply", GOOD)]
    with pytest.raises(LLMError, match="refused the request: HTTP 400"):
        proposer(server).propose(CONTEXT, n=1)
    assert len(server.requests) == 1


def test_slow_reply_times_out_and_is_retried(server: Server) -> None:
    server.script = [("slow", (1.5, GOOD)), ("reply", GOOD)]
    llm = proposer(server, timeout=0.3, retries=1)
    assert len(llm.propose(CONTEXT, n=1)) == 1 and llm.requests == 2
    server.script = [("slow", (1.5, GOOD))]
    with pytest.raises(LLMError, match="APITimeoutError"):
        proposer(server, timeout=0.3, retries=0).propose(CONTEXT, n=1)


def test_malformed_replies_give_no_candidate_but_a_recorded_reason(server: Server) -> None:
    server.script = [
        ("reply", "I would use a set."),
        ("reply", "```python\ndef dedupe(xs) return xs\n```"),
        ("reply", "```python\ndef unique(xs):\n    return xs\n```"),
        ("reply", "```python\ndef dedupe(items, extra):\n    return items\n```"),
    ]
    llm = proposer(server)
    assert llm.propose(CONTEXT, n=4) == []
    assert len(llm.rejections) == 4 and all("without a usable definition of dedupe" in r for r in llm.rejections)


def test_a_body_that_is_not_json_is_an_llm_error(server: Server) -> None:
    server.script = [("raw", "<html>oops</html>")]
    with pytest.raises(LLMError, match="malformed response"):
        proposer(server, retries=0).propose(CONTEXT, n=1)


def test_extract_code_prefers_the_block_that_defines_the_function() -> None:
    reply = "```\nimport x\n```\n```py\ndef f(a):\n    return a\n```\n```python\ndef f(a):\n    return 2 * a\n```"
    assert extract_code(reply, "f", ("a",)) == "def f(a):\n    return 2 * a\n"
    assert extract_code("def f(a):\n    return a", "f") == "def f(a):\n    return a\n"
    assert extract_code("", "f") is None


def test_configuration_from_the_environment_and_the_key_is_never_shown(
    server: Server, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("PERFKIT_MODEL", "env-model")
    server.script = [("status", 429), ("reply", GOOD)]
    caplog.set_level(logging.DEBUG)
    llm = LLMProposer(backoff=0.01)
    assert len(llm.propose(CONTEXT, n=1)) == 1
    assert server.requests[-1]["body"]["model"] == "env-model"
    assert KEY not in repr(llm) and KEY not in caplog.text
    server.script = [("status", 401)]
    with pytest.raises(LLMError) as info:
        llm.propose(CONTEXT, n=1)
    assert KEY not in str(info.value)
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(InvalidArgument, match="OPENAI_API_KEY"):
        LLMProposer(base_url=server.url)


def test_loop_feeds_the_failure_back_and_accepts_the_fixed_candidate(server: Server) -> None:
    server.script = [("reply", WRONG), ("reply", GOOD)]
    result = optimize_function(
        sf.dedupe,
        stress_inputs=[((list(range(800)) * 2,), {})],
        proposers=[proposer(server)],
        rounds=3,
        candidates_per_round=1,
        examples=15,
        measure_rounds=2,
    )
    assert [a.verdict for a in result.history[:2]] == ["rejected", "accepted"]
    second_prompt = server.requests[1]["body"]["messages"][1]["content"]
    assert "Earlier candidates" in second_prompt and "wrong:" in second_prompt and "expected" in second_prompt
    assert result.winner is result.history[1] and "+    return list(dict.fromkeys(xs))" in result.diff
    assert result.history[2].verdict == "error"  # round 3: the script is empty, the server answers 503
