"""The LLM proposer: asks a chat model (OpenAI or any OpenAI-compatible server) for a faster version.

The prompt carries the function, its module's imports, the profile lines, the slowest stress inputs with the
original's times, and from the second round on what happened to earlier candidates (speedup, or the wrong
output with expected vs got, the exception, the timeout): the PerfCodeGen / Afterburner feedback loop.
Configuration comes from the arguments, else ``OPENAI_API_KEY``, ``OPENAI_BASE_URL`` and ``PERFKIT_MODEL``.
Rate limits, server errors, timeouts and dropped connections are retried with exponential backoff. The key is
never logged or shown.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import time
from typing import Any

from perfkit.optimizers._types import Candidate, Context
from perfkit.optimizers.llm_prompt import build_prompt

from perfkit.errors import InvalidArgument, PerfkitError

log = logging.getLogger("perfkit.optimizers.llm")
DEFAULT_MODEL = "gpt-4o-mini"
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[ \t]*\n(.*?)```", re.DOTALL)
_SYSTEM = (
    "You are an expert Python performance engineer. Rewrite the given function so that it runs faster while "
    "behaving identically: the same return values and types for every input, the same exception types, the same "
    "changes to mutable arguments. Keep its name and parameters. You may use the standard library and anything "
    "the module already imports, and define helpers before the function. Reply with exactly one ```python code "
    "block holding the complete new function (and its helpers), then at most two sentences."
)


class LLMError(PerfkitError):
    """The model could not be reached or kept failing after the retries."""


class LLMProposer:
    """Candidates from a chat model through the ``openai`` client (OpenAI API or a compatible server)."""

    name = "llm"

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
    ) -> None:
        self.model = model or os.environ.get("PERFKIT_MODEL") or DEFAULT_MODEL
        self.base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            raise InvalidArgument("api_key", None, "set OPENAI_API_KEY (any non-empty text for a local server)")
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise InvalidArgument("timeout", timeout, "give a positive number of seconds")
        if not isinstance(retries, int) or retries < 0:
            raise InvalidArgument("retries", retries, "give a whole number of at least 0")
        self._key = key
        self.timeout = float(timeout)
        self.retries = retries
        self.backoff = backoff
        self.temperature = temperature
        self.rejections: list[str] = []
        self.requests = 0
        self._client: Any = None

    def __repr__(self) -> str:
        return f"LLMProposer(model={self.model!r}, base_url={self.base_url!r})"  # never the key

    def client(self) -> Any:
        """The ``openai.OpenAI`` client (retries are ours, so the client's own are off)."""
        if self._client is None:
            import openai

            self._client = openai.OpenAI(api_key=self._key, base_url=self.base_url, timeout=self.timeout, max_retries=0)
        return self._client

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """Up to ``n`` candidates, one request each; replies without usable code land in ``rejections``."""
        messages = [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": build_prompt(context)}]
        out = []
        for _ in range(n):
            reply = self.complete(messages)
            source = extract_code(reply, context.name, context.params)
            if source is None:
                self.rejections.append(f"reply without a usable definition of {context.name}: {reply[:120]!r}")
                continue
            out.append(Candidate(source, self.name, f"{self.model}, round {context.round}"))
        return out

    def complete(self, messages: list[dict[str, str]]) -> str:
        """One chat completion's text, retrying rate limits, 5xx, timeouts and connection errors."""
        import openai

        retryable = (openai.RateLimitError, openai.APITimeoutError, openai.APIConnectionError)
        for attempt in range(self.retries + 1):
            self.requests += 1
            try:
                response = self.client().chat.completions.create(
                    model=self.model, messages=messages, temperature=self.temperature
                )
                return response.choices[0].message.content or ""
            except openai.APIStatusError as exc:
                if exc.status_code < 500 and not isinstance(exc, openai.RateLimitError):
                    raise LLMError(f"the model server refused the request: HTTP {exc.status_code}") from None
                problem = f"HTTP {exc.status_code}"
            except retryable as exc:
                problem = type(exc).__name__
            except (ValueError, openai.APIResponseValidationError, AttributeError, IndexError) as exc:
                problem = f"malformed response ({type(exc).__name__})"
            log.info("LLM request %d failed (%s); retrying", attempt + 1, problem)
            if attempt < self.retries:
                time.sleep(self.backoff * 2**attempt)
        raise LLMError(f"the model server kept failing after {self.retries + 1} attempts (last: {problem})")


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
