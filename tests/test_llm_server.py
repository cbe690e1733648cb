"""The LLM path as users run it, against a local OpenAI-compatible server (:mod:`tests.llm_server`), through the
real ``openai`` client: servers that need no key, serve other model names, several models, or none; the check
before any work; several weighted models; usage and the budget; the reply cache; malformed replies, drops,
429/5xx. Ends with ``perfkit optimize`` itself, with no key, against the server and against a server that is down.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from perfkit.optimizers import Context
from perfkit.optimizers._types import InputTiming
from perfkit.optimizers.llm import LLMError, LLMProposer
from perfkit.optimizers.llm_budget import Budget, Usage, parse_budget
from perfkit.optimizers.llm_cache import ReplyCache, stable_text
from perfkit.optimizers.llm_config import PLACEHOLDER_KEY, ModelChoice, parse_models

from perfkit.errors import InvalidArgument
from perfkit.profile import Hotspot

from .conftest import ROOT
from .llm_server import Drop, LLMServer, Raw, Reply, Slow, Status

CODE = "```python\ndef dedupe(xs):\n    return list(dict.fromkeys(xs))\n```"
CONTEXT = Context(
    name="dedupe",
    source="def dedupe(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n"
    "            out.append(x)\n    return out\n",
    module_name="textstats",
    params=("xs",),
    hotspots=(Hotspot("textstats.py", 4, "dedupe", "        if x not in out:", cpu_python=80.0, cpu_native=7.5),),
    inputs=(InputTiming("list[int] [3, 1, 2, ...]", 4000, 0.0123), InputTiming("list[int] [5, 5]", 2, 1e-6)),
)


def variant(number: int) -> str:
    """A distinct correct reply (the cache and duplicate tests tell replies apart by it)."""
    return f"```python\ndef dedupe(xs):\n    seen{number} = dict.fromkeys(xs)\n    return list(seen{number})\n```"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No key, server or model from the machine running the tests; a cache folder of the test's own."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "PERFKIT_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PERFKIT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def server() -> Iterator[LLMServer]:
    with LLMServer(models=("qwen2.5-coder:7b",), respond=lambda request: CODE) as s:
        yield s


def llm(server: LLMServer, **kw: Any) -> LLMProposer:
    return LLMProposer(base_url=server.url, backoff=0.001, **kw)


# -- the server check: no key, discovered model, ambiguity, the server down ------------------------------------


def test_a_server_of_ones_own_needs_no_key_and_its_only_model_is_discovered(server: LLMServer) -> None:
    proposer = llm(server)
    assert proposer.model == ""  # not the OpenAI default: the server is asked
    found = proposer.check()
    assert found.models == (ModelChoice("qwen2.5-coder:7b"),) and found.listed == ("qwen2.5-coder:7b",)
    [listing, ping] = server.requests
    assert listing.method == "GET" and listing.path == "/v1/models" and listing.auth == f"Bearer {PLACEHOLDER_KEY}"
    assert ping.body["model"] == "qwen2.5-coder:7b" and ping.body["max_tokens"] == 5
    [candidate] = proposer.propose(CONTEXT, n=1)
    assert candidate.model == "qwen2.5-coder:7b" and server.chats[-1].body["model"] == "qwen2.5-coder:7b"


def test_propose_discovers_the_model_itself_when_not_checked_first(server: LLMServer) -> None:
    proposer = llm(server)
    assert len(proposer.propose(CONTEXT, n=2)) == 2 and proposer.model == "qwen2.5-coder:7b"


def test_a_server_that_checks_keys_refuses_a_missing_or_wrong_one(monkeypatch: pytest.MonkeyPatch) -> None:
    with LLMServer(models=("m",), key="sk-right", respond=lambda r: CODE) as s:
        with pytest.raises(LLMError, match=r"refused the key \(HTTP 401\): set OPENAI_API_KEY"):
            llm(s).check()
        monkeypatch.setenv("OPENAI_API_KEY", "sk-right")
        assert llm(s).check().models == (ModelChoice("m"),)
        assert all(r.auth == "Bearer sk-right" for r in s.requests[-2:])


def test_several_models_without_a_choice_is_an_error_naming_them() -> None:
    with LLMServer(models=("phi3", "llama3:8b", "qwen2.5-coder:7b")) as s, pytest.raises(LLMError) as info:
        llm(s).check()
    message = str(info.value)
    assert "serves 3 models (llama3:8b, phi3, qwen2.5-coder:7b)" in message and "--model" in message
    assert "\n" not in message and s.chats == []  # nothing asked of a model


def test_a_model_the_server_does_not_serve_is_named_with_what_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PERFKIT_MODEL", "gpt-4o-mini")
    with LLMServer(models=("llama3:8b",)) as s, pytest.raises(LLMError) as info:
        llm(s).check()
    assert "model 'gpt-4o-mini' is not served" in str(info.value) and "(it serves: llama3:8b)" in str(info.value)


def test_a_server_that_answers_any_model_name_passes_and_one_without_a_model_list_needs_a_name() -> None:
    with LLMServer(models=("local.gguf",), any_model=True, respond=lambda r: CODE) as s:  # llama.cpp
        assert llm(s, model="whatever").check().models == (ModelChoice("whatever"),)
    with LLMServer(models=None, respond=lambda r: CODE) as s:  # no /v1/models route
        with pytest.raises(LLMError, match=r"cannot list its models \(HTTP 404\): give the model with --model"):
            llm(s).check()
        assert llm(s, model="mine").check().models == (ModelChoice("mine"),)


def test_an_empty_model_list_is_an_error() -> None:
    with LLMServer(models=()) as s, pytest.raises(LLMError, match="serves no model"):
        llm(s).check()


def test_a_server_that_is_down_fails_the_check_at_once_in_one_line() -> None:
    with LLMServer() as s:
        url = s.url
    proposer = LLMProposer(base_url=url, backoff=60.0)  # a retry would wait a minute: there must be none
    with pytest.raises(LLMError) as info:
        proposer.check()
    assert str(info.value) == (
        f"the LLM server at {url} is not reachable: start it, fix OPENAI_BASE_URL, or run with --offline"
    )


def test_the_check_waits_out_a_model_still_loading_and_retries_without_max_tokens_when_refused() -> None:
    with LLMServer(models=("m",), script=[Status(503, "Loading model"), Reply("ok")]) as s:
        llm(s).check()
        assert len(s.chats) == 2
    with LLMServer(models=("o1",), script=[Status(400, "Unsupported parameter: 'max_tokens'"), Reply("ok")]) as s:
        llm(s).check()
        assert "max_tokens" in s.chats[0].body and "max_tokens" not in s.chats[1].body
    with LLMServer(models=("m",), script=[Status(500)] * 3) as s, pytest.raises(LLMError, match="failed a test"):
        llm(s, retries=2).check()
    with LLMServer(models=("m",), script=[Slow(2.0, Reply("ok"))]) as s, pytest.raises(LLMError) as info:
        llm(s, timeout=0.3).check()
    assert str(info.value) == f"model 'm' on the LLM server at {s.url} did not answer a test request within 0.3 s"


# -- several models, usage, budget -----------------------------------------------------------------------------


def test_model_specs_weights_and_names_with_colons() -> None:
    assert parse_models("a:3,b:1") == (ModelChoice("a", 3), ModelChoice("b", 1))
    assert parse_models(" a , b ") == (ModelChoice("a"), ModelChoice("b"))
    assert parse_models("llama3:8b") == (ModelChoice("llama3:8b"),)  # an Ollama tag, not a weight
    assert parse_models("gemma:2", served={"gemma:2"}) == (ModelChoice("gemma:2"),)  # listed whole: a name
    for bad in ("a,,b", "a,a:2", "a:0", ""):
        with pytest.raises(InvalidArgument, match="model="):
            parse_models(bad)


def test_requests_are_spread_over_the_models_by_weight() -> None:
    with LLMServer(models=("big", "small"), respond=lambda r: CODE) as s:
        proposer = llm(s, model="big:3,small:1")
        candidates = proposer.propose(CONTEXT, n=8)
    assert [c.model for c in candidates] == ["big", "big", "small", "big"] * 2
    assert [r.body["model"] for r in s.chats] == [c.model for c in candidates]
    assert proposer.by_model["big"].requests == 6 and proposer.by_model["small"].requests == 2
    assert all(c.note.startswith(c.model) for c in candidates)


def test_usage_comes_from_the_replies_and_is_split_per_function(server: LLMServer) -> None:
    proposer = llm(server, model="qwen2.5-coder:7b")
    [first] = proposer.propose(CONTEXT, n=1)
    other = replace(CONTEXT, name="unique", source=CONTEXT.source.replace("dedupe", "unique"))
    proposer.propose(other, n=1)
    words_in = [sum(len(m["content"].split()) for m in r.body["messages"]) for r in server.chats]
    assert proposer.usage.prompt_tokens == sum(words_in) and proposer.usage.completion_tokens == 2 * len(CODE.split())
    assert proposer.by_function["textstats:dedupe"].tokens == words_in[0] + len(CODE.split()) == first.tokens
    assert proposer.by_function["textstats:unique"].requests == 1 and proposer.usage.estimated == 0
    with LLMServer(models=("m",), respond=lambda r: CODE, usage=False) as s:
        quiet = llm(s, model="m")
        quiet.propose(CONTEXT, n=1)
    assert quiet.usage.estimated == 1 and quiet.usage.completion_tokens == -(-len(CODE) // 4)


def test_the_budget_stops_requests_but_not_replies_from_the_cache(server: LLMServer, tmp_path: Path) -> None:
    cache = ReplyCache(tmp_path / "replies")
    proposer = llm(server, model="qwen2.5-coder:7b", budget="requests=2", cache=cache)
    assert len(proposer.propose(CONTEXT, n=5)) == 2 and len(server.chats) == 2
    assert proposer.rejections == ["no request sent: the LLM budget of 2 requests is spent"]
    assert proposer.propose(CONTEXT, n=1) == [] and len(proposer.rejections) == 1  # told once per function
    again = llm(server, model="qwen2.5-coder:7b", budget=Budget(requests=1), cache=cache)
    assert len(again.propose(CONTEXT, n=4)) == 3  # two from the cache (free), one request, then spent
    assert len(server.chats) == 3 and again.usage.cache_hits == 2 and again.usage.requests == 1
    tokens = llm(server, model="qwen2.5-coder:7b", budget="tokens=10")
    assert len(tokens.propose(CONTEXT, n=3)) == 1 and tokens.spent() is not None  # the first request crosses it


def test_budget_texts() -> None:
    for bad in ({"cache": True}, {"budget": 200}, {"seed": "1"}, {"timeout": 0}):
        with pytest.raises(InvalidArgument, match=f"{next(iter(bad))}="):
            LLMProposer(base_url="http://127.0.0.1:9/v1", **bad)
    assert parse_budget("requests=200, tokens=400k") == Budget(200, 400_000)
    assert parse_budget("tokens=1.5M") == Budget(None, 1_500_000) and parse_budget("") == Budget()
    for bad in ("requests=0", "reqs=3", "requests=2,requests=3", "tokens=ten", "requests=1.5"):
        with pytest.raises(InvalidArgument, match="llm_budget="):
            parse_budget(bad)
    assert Usage(requests=2, prompt_tokens=10, completion_tokens=5, cache_hits=1).describe() == (
        "2 requests, 15 tokens (10 prompt + 5 completion), 1 from the cache"
    )


# -- the reply cache -------------------------------------------------------------------------------------------


def test_a_rerun_asks_nothing_and_gets_the_same_candidates_in_the_same_order(tmp_path: Path) -> None:
    replies = iter(variant(i) for i in range(100))
    with LLMServer(models=("m",), respond=lambda r: next(replies)) as s:
        first = llm(s, model="m", cache=tmp_path / "c").propose(CONTEXT, n=3)
        assert len(s.chats) == 3 and len({c.source for c in first}) == 3  # three samples, three slots
        remeasured = replace(
            CONTEXT,
            hotspots=(Hotspot("textstats.py", 5, "dedupe", "out.append(x)", cpu_python=9.0),),
            inputs=tuple(reversed([replace(i, seconds=(i.seconds or 0) * 1.7) for i in CONTEXT.inputs])),
        )
        rerun = llm(s, model="m", cache=tmp_path / "c")
        sources = [c.source for c in first]
        assert [c.source for c in rerun.propose(remeasured, n=3)] == sources  # new times and profile: no request
        assert len(s.chats) == 3
        assert rerun.usage == Usage(cache_hits=3)
        assert [c.source for c in llm(s, model="m", cache=tmp_path / "c").propose(CONTEXT, n=4)][:3] == sources
        assert len(s.chats) == 4
        changed = replace(CONTEXT, source=CONTEXT.source.replace("out = []", "out = list()"))
        llm(s, model="m", cache=tmp_path / "c").propose(changed, n=1)  # other code: asked
        llm(s, model="m").propose(CONTEXT, n=1)  # no cache: asked
        assert len(s.chats) == 6


def test_the_cache_keeps_one_atomic_json_file_per_reply_and_survives_a_damaged_one(tmp_path: Path) -> None:
    with LLMServer(models=("m",), respond=lambda r: CODE) as s:
        llm(s, model="m", cache=tmp_path / "c").propose(CONTEXT, n=1)
        [path] = list((tmp_path / "c").rglob("*.json"))
        data = json.loads(path.read_text())
        assert data["format"] == "perfkit.llm-reply" and data["schema_version"] == 1 and data["text"] == CODE
        assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]
        path.write_text("{ truncated")
        assert len(llm(s, model="m", cache=tmp_path / "c").propose(CONTEXT, n=1)) == 1 and len(s.chats) == 2
        assert json.loads(path.read_text())["text"] == CODE  # rewritten


def test_masking_keeps_code_and_drops_figures() -> None:
    text = "line 4 (87.5% CPU): x\nsize 4000: 12.30 ms, 3x faster\n```python\nx = 0.5 * y  # 12 ms\n```"
    assert stable_text(text) == "line 4 (#% CPU): x\nsize 4000: # ms, #x faster\n```python\nx = 0.5 * y  # 12 ms\n```"


# -- what a server sends back ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [Raw('{"object": "chat.completion"}'), Raw('{"choices": []}'), Raw("not json"), Drop(), Status(502), Status(429)],
    ids=["no-choices", "empty-choices", "not-json", "dropped", "502", "429"],
)
def test_malformed_and_failed_replies_are_retried(bad: Any) -> None:
    with LLMServer(models=("m",), script=[bad], respond=lambda r: CODE) as s:
        proposer = llm(s, model="m")
        assert len(proposer.propose(CONTEXT, n=1)) == 1
    assert proposer.usage.requests == 2 and proposer.usage.failed == 1 and len(s.chats) == 2


def test_a_reply_without_content_or_code_is_a_rejection_not_an_error() -> None:
    null = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": None}}]})
    with LLMServer(models=("m",), script=[Raw(null), Reply("Use a set.")]) as s:
        proposer = llm(s, model="m")
        assert proposer.propose(CONTEXT, n=2) == []
    assert len(proposer.rejections) == 2 and all("without a usable definition" in r for r in proposer.rejections)


def test_duplicate_replies_are_kept_apart_by_slot_and_all_returned(tmp_path: Path) -> None:
    """The proposer returns what the model said, duplicates included (the loop rejects them before verifying);
    each sits in its own cache slot, so a re-run returns the same list."""
    with LLMServer(models=("m",), script=[Reply(CODE), Reply(CODE), Reply(variant(1))]) as s:
        first = llm(s, model="m", cache=tmp_path / "c").propose(CONTEXT, n=3)
        again = llm(s, model="m", cache=tmp_path / "c").propose(CONTEXT, n=3)
    assert [c.source for c in first] == [c.source for c in again] and first[0].source == first[1].source
    assert len(s.chats) == 3


# -- perfkit optimize, as a user runs it ---------------------------------------------------------------------------

PROJECT = {
    "textstats.py": "def dedupe(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n"
    "            out.append(x)\n    return out\n",
    "bench.py": "import random\n\nfrom textstats import dedupe\n\nrng = random.Random(1)\n"
    "data = [rng.randrange(600) for _ in range(4000)]\nfor _ in range(3):\n    dedupe(data)\n",
    "test_textstats.py": "from textstats import dedupe\n\n\ndef test_dedupe():\n"
    "    assert dedupe([3, 1, 3]) == [3, 1]\n",
}


def optimize(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "PERFKIT_MODEL")}
    env["OPENAI_BASE_URL"] = url
    command = [sys.executable, "-m", "perfkit", "optimize", str(project), "--workload", "python bench.py", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    for name, text in PROJECT.items():
        (root / name).write_text(text)
    return root


def test_optimize_with_the_server_down_fails_in_one_line_before_any_work(project: Path, tmp_path: Path) -> None:
    with LLMServer() as s:
        url = s.url
    result = optimize(project, url, "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    [error] = [line for line in result.stderr.splitlines() if "error" in line]
    fix = "start it, fix OPENAI_BASE_URL, or run with --offline"
    assert error == f"perfkit: error: the LLM server at {url} is not reachable: {fix}"
    assert "workload" not in result.stderr and not (tmp_path / "out").exists()  # nothing ran, nothing written


def test_optimize_with_no_key_checks_the_server_and_uses_its_only_model(project: Path, tmp_path: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.perfkit]\nllm_budget = "requests=40"\n')
    with LLMServer(models=("local-coder",), respond=lambda r: CODE) as s:
        result = optimize(project, s.url, "--out", str(tmp_path / "out"), "--functions", "nothing:*")
    assert result.returncode == 0, result.stderr
    assert [(r.method, r.path) for r in s.requests] == [("GET", "/v1/models"), ("POST", "/v1/chat/completions")]
    assert all(r.auth == f"Bearer {PLACEHOLDER_KEY}" for r in s.requests)
    notes = json.loads((tmp_path / "out" / "report.json").read_text())["notes"]
    assert any(n.startswith("LLM proposer on: local-coder on the LLM server at") and "requests=40" in n for n in notes)


@pytest.mark.slow
def test_optimize_end_to_end_then_a_rerun_from_the_cache_asks_nothing(project: Path, tmp_path: Path) -> None:
    with LLMServer(models=("local-coder",), respond=lambda r: CODE) as s:
        first = optimize(project, s.url, "--out", str(tmp_path / "a"), "--fuzz-budget", "0", "--threshold", "0")
        asked = len(s.chats)
        second = optimize(project, s.url, "--out", str(tmp_path / "b"), "--fuzz-budget", "0", "--threshold", "0")
        pings = [r for r in s.chats[asked:] if r.body.get("max_tokens") == 5]
        assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
        assert len(s.chats) - asked == len(pings) == 1  # the re-run sent only the server check
    a, b = (json.loads((tmp_path / d / "report.json").read_text()) for d in "ab")
    assert a["llm"]["requests"] >= 1 and a["llm"]["cache_hits"] == 0
    # the loop may ask fewer times on the re-run (its choices follow the measured speedups), never anew
    assert b["llm"]["requests"] == 0 and b["llm"]["tokens"] == 0 and 1 <= b["llm"]["cache_hits"] <= a["llm"]["requests"]
    [row] = [r for r in a["functions"] if r["function"] == "textstats:dedupe"]
    assert row["status"] == "improved" and row["llm"]["requests"] == a["llm"]["requests"]
    assert "LLM: 0 requests, 0 tokens" in second.stdout


def test_the_model_comes_from_the_flag_then_the_config_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from perfkit.repo.config import RepoConfig
    from perfkit.repo.optimize import llm_proposer

    with LLMServer(models=("a", "b", "c"), respond=lambda r: CODE) as s:
        monkeypatch.setenv("OPENAI_BASE_URL", s.url)
        monkeypatch.setenv("PERFKIT_MODEL", "a")
        assert llm_proposer(RepoConfig(), offline=False).model == "a"
        configured = RepoConfig(model="b", llm_cache=False, llm_budget="tokens=9k", llm_timeout=5)
        proposer = llm_proposer(configured, offline=False)
        assert proposer.model == "b" and proposer.cache is None and proposer.budget == Budget(tokens=9000)
        assert proposer.timeout == 5.0 and llm_proposer(RepoConfig(), offline=False).timeout == 120.0
        assert llm_proposer(configured.merged(model="c:2,a"), offline=False).model == "c:2,a"
        assert llm_proposer(configured, offline=True) is None
        asked = len(s.requests)
    monkeypatch.delenv("OPENAI_BASE_URL")
    monkeypatch.delenv("PERFKIT_MODEL")
    assert llm_proposer(RepoConfig(), offline=False) is None and asked == 2 + 2 + 2 + 3  # no LLM configured: offline


def test_a_bad_budget_or_model_flag_is_one_line_before_any_work(project: Path) -> None:
    for flag, value, message in (
        ("--llm-budget", "requests=lots", "llm_budget='requests=lots': give requests=N and/or tokens=M"),
        ("--model", "a,a", "model='a,a': 'a' is given twice"),
    ):
        result = optimize(project, "http://127.0.0.1:9/v1", flag, value)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
        assert "checking the LLM server" not in result.stderr
