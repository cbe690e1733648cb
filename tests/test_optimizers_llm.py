"""The LLM proposer driving the real ``openai`` client against a local OpenAI-compatible server.

The server (:mod:`tests.llm_server`) answers from a script: good, wrong and malformed replies, 429 and 500
errors, a 400, and a reply slower than the client's timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from perfkit.optimizers import Context, optimize_function
from perfkit.optimizers._types import InputTiming
from perfkit.optimizers.llm import LLMError, LLMProposer, extract_code

from perfkit.errors import InvalidArgument
from perfkit.profile import Hotspot

from .fixtures import slow_funcs as sf
from .llm_server import LLMServer, Raw, Reply, Slow, Status

KEY = "sk-test-secret-1234"
GOOD = "Here you go:\n```python\ndef dedupe(xs):\n    return list(dict.fromkeys(xs))\n```\nUses dict order."
WRONG = "```python\ndef dedupe(xs):\n    return sorted(set(xs))\n```"


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(models=("test-model", "env-model")) as s:
        yield s


def proposer(server: LLMServer, **kw: Any) -> LLMProposer:
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


def test_good_reply_becomes_a_candidate_and_the_prompt_carries_the_profile(server: LLMServer) -> None:
    server.script = [Reply(GOOD)]
    [candidate] = proposer(server).propose(CONTEXT, n=1)
    assert candidate.source == "def dedupe(xs):\n    return list(dict.fromkeys(xs))\n"
    assert candidate.proposer == "llm" and "test-model" in candidate.note
    [request] = server.requests
    assert request.path == "/v1/chat/completions" and request.auth == f"Bearer {KEY}"
    assert request.body["model"] == "test-model"
    prompt = request.prompt
    assert "line 4 (87.5% CPU): if x not in out:" in prompt and "size 1600: 12.30 ms" in prompt
    assert "import math" in prompt and "xs: list[int]" in prompt


def test_rate_limit_and_server_errors_are_retried_with_backoff(server: LLMServer) -> None:
    server.script = [Status(429), Status(500), Status(502), Reply(GOOD)]
    llm = proposer(server, retries=3)
    assert len(llm.propose(CONTEXT, n=1)) == 1
    assert llm.requests == 4 and len(server.requests) == 4


def test_retries_run_out_with_a_clear_error(server: LLMServer) -> None:
    server.script = [Status(500)] * 3
    with pytest.raises(LLMError, match="kept failing after 3 attempts \\(last: HTTP 500\\)"):
        proposer(server, retries=2).propose(CONTEXT, n=1)


def test_client_errors_are_not_retried(server: LLMServer) -> None:
    server.script = [Status(400), Reply(GOOD)]
    with pytest.raises(LLMError, match="refused the request for 'test-model': HTTP 400 \\(scripted error\\)"):
        proposer(server).propose(CONTEXT, n=1)
    assert len(server.requests) == 1


def test_slow_reply_times_out_and_is_retried(server: LLMServer) -> None:
    server.script = [Slow(1.5, Reply(GOOD)), Reply(GOOD)]
    llm = proposer(server, timeout=0.3, retries=1)
    assert len(llm.propose(CONTEXT, n=1)) == 1 and llm.requests == 2
    server.script = [Slow(1.5, Reply(GOOD))]
    with pytest.raises(LLMError, match="APITimeoutError"):
        proposer(server, timeout=0.3, retries=0).propose(CONTEXT, n=1)


def test_malformed_replies_give_no_candidate_but_a_recorded_reason(server: LLMServer) -> None:
    server.script = [
        Reply("I would use a set."),
        Reply("```python\ndef dedupe(xs) return xs\n```"),
        Reply("```python\ndef unique(xs):\n    return xs\n```"),
        Reply("```python\ndef dedupe(items, extra):\n    return items\n```"),
    ]
    llm = proposer(server)
    assert llm.propose(CONTEXT, n=4) == []
    assert len(llm.rejections) == 4 and all("without a usable definition of dedupe" in r for r in llm.rejections)


def test_a_body_that_is_not_json_is_an_llm_error(server: LLMServer) -> None:
    server.script = [Raw("<html>oops</html>")]
    with pytest.raises(LLMError, match="malformed response"):
        proposer(server, retries=0).propose(CONTEXT, n=1)


def test_extract_code_prefers_the_block_that_defines_the_function() -> None:
    reply = "```\nimport x\n```\n```py\ndef f(a):\n    return a\n```\n```python\ndef f(a):\n    return 2 * a\n```"
    assert extract_code(reply, "f", ("a",)) == "def f(a):\n    return 2 * a\n"
    assert extract_code("def f(a):\n    return a", "f") == "def f(a):\n    return a\n"
    assert extract_code("", "f") is None


def test_configuration_from_the_environment_and_the_key_is_never_shown(
    server: LLMServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("PERFKIT_MODEL", "env-model")
    server.script = [Status(429), Reply(GOOD)]
    caplog.set_level(logging.DEBUG)
    llm = LLMProposer(backoff=0.01)
    assert len(llm.propose(CONTEXT, n=1)) == 1
    assert server.requests[-1].body["model"] == "env-model"
    assert KEY not in repr(llm) and KEY not in caplog.text
    server.script = [Status(401)]
    with pytest.raises(LLMError) as info:
        llm.propose(CONTEXT, n=1)
    assert KEY not in str(info.value)
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")
    with pytest.raises(InvalidArgument, match="OPENAI_API_KEY"):  # the OpenAI API needs a key
        LLMProposer()


def test_loop_feeds_the_failure_back_and_accepts_the_fixed_candidate(server: LLMServer) -> None:
    server.script = [Reply(WRONG), Reply(GOOD)]
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
    second_prompt = server.chats[1].prompt
    assert "Earlier candidates" in second_prompt and "wrong:" in second_prompt and "expected" in second_prompt
    assert result.winner is result.history[1] and "+    return list(dict.fromkeys(xs))" in result.diff
    assert result.history[2].verdict == "error"  # round 3: the script is empty, the server answers 503
