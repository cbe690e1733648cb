"""The LLM proposer: asks a chat model (OpenAI or any OpenAI-compatible server) for a faster version.

The prompt (:mod:`perfkit.optimizers.llm_prompt`) carries the function, its module's imports, the profile lines,
the slowest stress inputs with the original's times, and what happened to earlier candidates: the PerfCodeGen /
Afterburner feedback loop. Server, key and models come from the arguments or the environment
(:mod:`perfkit.optimizers.llm_config`): a server of one's own needs no key, and its model is discovered when
none is given. Several models share the requests by weight. Replies are kept in a cache
(:mod:`perfkit.optimizers.llm_cache`) when one is given, so a re-run asks nothing twice; requests and tokens
are counted per model and per function and stop at the budget (:mod:`perfkit.optimizers.llm_budget`). Rate
limits, server errors, time-outs and dropped connections are retried with exponential backoff. The key is never
logged or shown.
"""

from __future__ import annotations

import ast
import logging
import re
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from perfkit.optimizers._types import Candidate, Context
from perfkit.optimizers.llm_budget import Budget, Usage, estimate_tokens, parse_budget
from perfkit.optimizers.llm_cache import CachedReply, ReplyCache, request_key, slot_key, unmeasured
from perfkit.optimizers.llm_config import (
    DEFAULT_MODEL,
    LLMError,
    ModelChoice,
    ServerCheck,
    check_server,
    model_spec,
    parse_models,
    resolve_key,
    server_url,
    where,
)
from perfkit.optimizers.llm_prompt import build_prompt

from perfkit.errors import InvalidArgument

__all__ = ["DEFAULT_MODEL", "LLMError", "LLMProposer", "build_prompt", "extract_code"]

log = logging.getLogger("perfkit.optimizers.llm")
_RETRY_AFTER_CAP = 60.0  # seconds: the longest Retry-After a rate-limited server is obeyed for
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)```", re.DOTALL)
_SYSTEM = (
    "You are an expert Python performance engineer. Rewrite the given function so that it runs faster while "
    "behaving identically: the same return values and types for every input, the same exception types, the same "
    "changes to mutable arguments. Keep its name and parameters. You may use the standard library and anything "
    "the module already imports, and define helpers before the function. Reply with exactly one ```python code "
    "block holding the complete new function (and its helpers), then at most two sentences."
)


class LLMProposer:
    """Candidates from chat models through the ``openai`` client (OpenAI API or a compatible server).

    ``model``: a name, ``"a,b"`` or weighted ``"a:3,b:1"``; None takes ``PERFKIT_MODEL``, else the one model
    the server serves (see :meth:`check`). ``cache``: a :class:`ReplyCache` or its folder (None: no cache).
    ``budget``: a :class:`Budget` or ``"requests=200,tokens=400k"``. ``usage`` totals what was spent;
    ``by_model`` and ``by_function`` (``module:name``) split it.
    """

    name = "llm"
    samples = True  # every call is a fresh sample

    def __init__(
        self,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: int = 4,
        backoff: float = 1.0,
        temperature: float = 0.2,
        seed: int | None = None,
        cache: ReplyCache | str | Path | None = None,
        budget: Budget | str | None = None,
    ) -> None:
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise InvalidArgument("timeout", timeout, "give a positive number of seconds")
        if not isinstance(retries, int) or retries < 0:
            raise InvalidArgument("retries", retries, "give a whole number of at least 0")
        if seed is not None and not isinstance(seed, int):
            raise InvalidArgument("seed", seed, "give a whole number, or None to send none")
        if not isinstance(cache, ReplyCache | str | Path | None):
            raise InvalidArgument("cache", cache, "give a ReplyCache, a folder, or None for no cache")
        if not isinstance(budget, Budget | str | None):
            raise InvalidArgument("budget", budget, 'give a Budget, a text like "requests=200,tokens=400k", or None')
        self.base_url = server_url(base_url)
        self._key = resolve_key(api_key, self.base_url)
        self._spec = model_spec(model) or ("" if self.base_url else DEFAULT_MODEL)
        self.models: tuple[ModelChoice, ...] = parse_models(self._spec) if self._spec else ()
        self.timeout = float(timeout)
        self.retries = retries
        self.backoff = backoff
        self.temperature = temperature
        self.seed = seed
        self.cache = cache if isinstance(cache, ReplyCache) or cache is None else ReplyCache(cache)
        self.budget = parse_budget(budget, name="budget") if isinstance(budget, str) else budget
        self.rejections: list[str] = []
        self.usage = Usage()
        self.by_model: dict[str, Usage] = {}
        self.by_function: dict[str, Usage] = {}
        self.checked: ServerCheck | None = None
        self._told: set[str] = set()  # functions already told that the budget is spent
        self._asked: Counter[str] = Counter()  # how often each request was asked: its next cache slot
        self._credit: dict[str, float] = {}  # smooth weighted round robin over the models
        self._lock = threading.Lock()
        self._client: Any = None

    @property
    def model(self) -> str:
        """The models in use, as given (``"a:3,b:1"``); "" until a server's only model is discovered."""
        return ",".join(map(str, self.models))

    @property
    def requests(self) -> int:
        """Requests sent so far (retries included; replies from the cache are not requests)."""
        return self.usage.requests

    def __repr__(self) -> str:
        return f"LLMProposer(model={self.model!r}, base_url={self.base_url!r})"  # never the key

    def client(self) -> Any:
        """The ``openai.OpenAI`` client (retries are ours, so the client's own are off)."""
        if self._client is None:
            import openai

            self._client = openai.OpenAI(api_key=self._key, base_url=self.base_url, timeout=self.timeout, max_retries=0)
        return self._client

    def check(self) -> ServerCheck:
        """Check the server before any work: reachable, serving the models (discovering the only one when none
        was given), answering a tiny completion. Raises :class:`LLMError` with one line saying what to fix."""
        found = check_server(
            self.client(), spec=self._spec, base_url=self.base_url, retries=min(self.retries, 3), backoff=self.backoff
        )
        self.models, self.checked = found.models, found
        return found

    def spent(self) -> str | None:
        """Why no further request may be sent (the budget is spent), or None."""
        return None if self.budget is None else self.budget.spent(self.usage)

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """Up to ``n`` candidates, one reply each (from the cache when it has it); replies without usable code,
        and requests the budget did not allow, land in ``rejections``."""
        if not self.models:
            self.check()
        messages = [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": build_prompt(context)}]
        keyed = [messages[0], {"role": "user", "content": build_prompt(unmeasured(context))}]
        function = f"{context.module_name}:{context.name}"
        out = []
        for _ in range(n):
            model = self._pick()
            reply = self._reply(model, messages, function, keyed=keyed)
            if reply is None:
                if function not in self._told:  # once per function: the loop may keep asking
                    self._told.add(function)
                    self.rejections.append(f"no request sent: {self.spent()}")
                break
            text, tokens = reply
            source = extract_code(text, context.name, context.params)
            if source is None:
                self.rejections.append(f"{model}: reply without a usable definition of {context.name}: {text[:120]!r}")
                continue
            out.append(Candidate(source, self.name, f"{model}, round {context.round}", model=model, tokens=tokens))
        return out

    def complete(self, messages: list[dict[str, str]], *, model: str | None = None) -> str:
        """One chat completion's text (never cached), retrying rate limits, 5xx, time-outs and dropped
        connections."""
        return self._complete(messages, model or self._pick(), function="")[0]

    def _pick(self) -> str:
        """The next model, spread by weight (smooth weighted round robin: deterministic, evenly interleaved)."""
        if not self.models:
            raise LLMError(f"no model chosen for {where(self.base_url)}: call check() or give model=")
        with self._lock:
            total = sum(m.weight for m in self.models)
            for m in self.models:
                self._credit[m.name] = self._credit.get(m.name, 0.0) + m.weight
            best = max(self.models, key=lambda m: self._credit[m.name])
            self._credit[best.name] -= total
            return best.name

    def _reply(
        self, model: str, messages: list[dict[str, str]], function: str, *, keyed: list[dict[str, str]]
    ) -> tuple[str, int] | None:
        """The reply's text and the tokens it cost now (0 from the cache); None when the budget is spent.
        ``keyed``: the messages as the cache key sees them (built without the measurements)."""
        request = request_key(
            base_url=self.base_url, model=model, messages=keyed, temperature=self.temperature, seed=self.seed
        )
        with self._lock:
            slot = self._asked[request]
            self._asked[request] += 1
        key = slot_key(request, slot)
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is not None:
            self._count(model, function, Usage(cache_hits=1))
            return cached.text, 0
        if self.spent():
            return None
        text, prompt, completion = self._complete(messages, model, function=function)
        if self.cache is not None:
            self.cache.put(key, CachedReply(text, model, prompt, completion))
        return text, prompt + completion

    def _complete(self, messages: list[dict[str, str]], model: str, *, function: str) -> tuple[str, int, int]:
        """(text, prompt tokens, completion tokens) of one chat completion, with the retries."""
        import openai

        extra: dict[str, Any] = {} if self.seed is None else {"seed": self.seed}
        problem = ""
        for attempt in range(self.retries + 1):
            spent = self.spent()
            if spent:
                raise LLMError(f"{spent} (while retrying: {problem})")
            self._count(model, function, Usage(requests=1))
            delay = self.backoff * 2**attempt
            try:
                response = self.client().chat.completions.create(
                    model=model, messages=messages, temperature=self.temperature, **extra
                )
                text = response.choices[0].message.content or ""
                prompt, completion, estimated = _tokens(response, messages, text)
                spent_now = Usage(prompt_tokens=prompt, completion_tokens=completion, estimated=estimated)
                self._count(model, function, spent_now)
                return text, prompt, completion
            except openai.APIStatusError as exc:
                if exc.status_code < 500 and not isinstance(exc, openai.RateLimitError):
                    self._count(model, function, Usage(failed=1))
                    raise LLMError(
                        f"{where(self.base_url)} refused the request for {model!r}: HTTP {exc.status_code}{_said(exc)}"
                    ) from None
                problem = f"HTTP {exc.status_code}"
                delay = max(delay, _retry_after(exc))
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                problem = type(exc).__name__
            except (ValueError, TypeError, AttributeError, IndexError, openai.APIResponseValidationError) as exc:
                problem = f"malformed response ({type(exc).__name__})"
            self._count(model, function, Usage(failed=1))
            log.info("LLM request %d to %s failed (%s); retrying", attempt + 1, model, problem)
            if attempt < self.retries:
                time.sleep(delay)
        raise LLMError(f"{where(self.base_url)} kept failing after {self.retries + 1} attempts (last: {problem})")

    def _count(self, model: str, function: str, usage: Usage) -> None:
        with self._lock:
            self.usage.add(usage)
            self.by_model.setdefault(model, Usage()).add(usage)
            if function:
                self.by_function.setdefault(function, Usage()).add(usage)


def _tokens(response: Any, messages: list[dict[str, str]], text: str) -> tuple[int, int, int]:
    """(prompt, completion, 1 if estimated else 0) tokens of a reply, from its ``usage`` block when it has one."""
    usage = getattr(response, "usage", None)
    prompt = getattr(usage, "prompt_tokens", None)
    completion = getattr(usage, "completion_tokens", None)
    if isinstance(prompt, int) and isinstance(completion, int):
        return prompt, completion, 0
    return estimate_tokens("".join(m["content"] for m in messages)), estimate_tokens(text), 1


def _said(exc: Any) -> str:
    """What an error reply said, on one short line (`` (context length exceeded)``); "" when nothing."""
    body = getattr(exc, "body", None)
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str) or not message.strip():
        return ""
    line = " ".join(message.split())
    return f" ({line[:157] + '...' if len(line) > 160 else line})"


def _retry_after(exc: Any) -> float:
    """The seconds a 429/503 asks us to wait (``Retry-After``), capped; 0 when it does not say."""
    try:
        return min(float(exc.response.headers.get("retry-after", 0)), _RETRY_AFTER_CAP)
    except (AttributeError, TypeError, ValueError):
        return 0.0


def extract_code(reply: str, name: str, params: tuple[str, ...] = ()) -> str | None:
    """The code block of ``reply`` that defines ``name`` (with the same parameters), or None."""
    blocks = [body for lang, body in _FENCE.findall(reply or "") if lang.lower() in ("", "python", "py", "python3")]
    if not blocks and reply and "def " in reply:
        blocks = [reply[reply.index("def ") :]] if "```" not in reply else []
    for block in reversed(blocks):
        try:
            tree = ast.parse(block)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                got = tuple(a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs)
                if not params or got == tuple(params):
                    return block if block.endswith("\n") else block + "\n"
    return None
