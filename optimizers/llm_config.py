"""Which server, key and models the LLM proposer uses, and the check that the server answers before any work.

- Server: the ``base_url`` argument, else ``OPENAI_BASE_URL``, else the OpenAI API.
- Key: the ``api_key`` argument, else ``OPENAI_API_KEY``. A server of one's own (a base URL is set: llama.cpp,
  Ollama, vLLM, LM Studio) needs none, and gets a placeholder; the OpenAI API needs one.
- Models: ``"name"``, ``"a,b"`` or weighted ``"a:3,b:1"`` (requests are spread by weight). A trailing ``:N`` (a
  whole number) is a weight, unless the server lists the whole text as a model name. With no model given, a
  server of one's own is asked (``GET /v1/models``): one model is used, several are an error that lists them. The
  OpenAI API defaults to ``gpt-4o-mini``.
- The check (:func:`check_server`): the server is reachable, serves the models, and answers one tiny completion.
  Anything wrong is one line (:class:`LLMError`) that says what to fix.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from perfkit.errors import InvalidArgument, PerfkitError

DEFAULT_MODEL = "gpt-4o-mini"  # for the OpenAI API when no model is given
PLACEHOLDER_KEY = "no-key-needed"  # sent to a server of one's own when no key is set
PING = [{"role": "user", "content": "Reply with the single word: ok"}]
_WEIGHT = re.compile(r"(.+):(\d+)")
_SHOWN = 8  # model names listed in a message


class LLMError(PerfkitError):
    """The model server could not be used: unreachable, refusing, not serving the model, or failing repeatedly."""


@dataclass(frozen=True)
class ModelChoice:
    """A model and its weight: out of every ``sum(weights)`` requests, ``weight`` go to it."""

    name: str
    weight: int = 1

    def __str__(self) -> str:
        return self.name if self.weight == 1 else f"{self.name}:{self.weight}"


def parse_models(spec: str, *, served: Collection[str] = (), name: str = "model") -> tuple[ModelChoice, ...]:
    """``"a,b"`` or ``"a:3,b:1"`` as model choices; ``served`` names are kept whole (``"llama3:8"`` when listed)."""
    if not isinstance(spec, str):
        raise InvalidArgument(name, spec, "give a model name, several separated by commas, or weighted: a:3,b:1")
    out: dict[str, int] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            raise InvalidArgument(name, spec, "an empty model name; give e.g. a,b or a:3,b:1")
        match = _WEIGHT.fullmatch(part)
        model, weight = (match.group(1).strip(), int(match.group(2))) if match and part not in served else (part, 1)
        if weight < 1:
            raise InvalidArgument(name, spec, f"the weight of {model!r} is 0; give a whole number of at least 1")
        if model in out:
            raise InvalidArgument(name, spec, f"{model!r} is given twice; give each model once")
        out[model] = weight
    return tuple(ModelChoice(m, w) for m, w in out.items())


def model_spec(model: str | None, env: Mapping[str, str] | None = None) -> str:
    """The models asked for: the argument, else ``PERFKIT_MODEL``, else "" (discover, or the default)."""
    env = os.environ if env is None else env
    return (model or env.get("PERFKIT_MODEL") or "").strip()


def server_url(base_url: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The server: the argument, else ``OPENAI_BASE_URL``, else None (the OpenAI API)."""
    env = os.environ if env is None else env
    return (base_url or env.get("OPENAI_BASE_URL") or "").strip().rstrip("/") or None


def resolve_key(key: str | None, base_url: str | None, env: Mapping[str, str] | None = None) -> str:
    """The key to send: the argument, else ``OPENAI_API_KEY``, else a placeholder for a server of one's own."""
    env = os.environ if env is None else env
    found = key or env.get("OPENAI_API_KEY") or ""
    if found.strip():
        return found.strip()
    if base_url:
        return PLACEHOLDER_KEY
    raise InvalidArgument(
        "api_key", None, "set OPENAI_API_KEY for the OpenAI API, or OPENAI_BASE_URL for a server of your own"
    )


def where(base_url: str | None) -> str:
    """The server as messages name it."""
    return f"the LLM server at {base_url}" if base_url else "the OpenAI API"


@dataclass(frozen=True)
class ServerCheck:
    """What the check found: the models to use, the names the server lists, and the test reply's cost."""

    models: tuple[ModelChoice, ...]
    listed: tuple[str, ...]
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    def describe(self, base_url: str | None) -> str:
        models = ", ".join(map(str, self.models))
        tokens = self.prompt_tokens + self.completion_tokens
        return f"{models} on {where(base_url)} (answered a test request in {self.seconds:.1f} s, {tokens} tokens)"


def check_server(
    client: Any,
    *,
    spec: str,
    base_url: str | None,
    retries: int = 2,
    backoff: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> ServerCheck:
    """List the server's models, settle which to use, and ask each for one tiny completion; :class:`LLMError`
    (one line) when the server is down, refuses the key, does not serve a model, or keeps failing."""
    started = time.monotonic()
    spec = spec or ("" if base_url else DEFAULT_MODEL)
    listed, listing_problem = _listed(client, base_url)
    if spec:
        models = parse_models(spec, served=listed or ())
    elif listed is None:
        raise LLMError(f"{where(base_url)} cannot list its models ({listing_problem}): give the model with --model")
    elif len(listed) == 1:
        models = (ModelChoice(listed[0]),)
    elif not listed:
        raise LLMError(f"{where(base_url)} serves no model: load one, or give its name with --model")
    else:
        raise LLMError(
            f"{where(base_url)} serves {len(listed)} models ({_names(listed)}): choose with --model, "
            "[tool.perfkit] model or PERFKIT_MODEL (several: a,b or a:3,b:1)"
        )
    prompt = completion = 0
    for choice in models:
        usage = _ping(client, choice.name, base_url, listed, retries=retries, backoff=backoff, sleep=sleep)
        prompt, completion = prompt + usage[0], completion + usage[1]
    return ServerCheck(models, tuple(listed or ()), prompt, completion, time.monotonic() - started)


def _listed(client: Any, base_url: str | None) -> tuple[list[str] | None, str]:
    """The model names the server lists, or None (and why) when it cannot list them; a server that is down or
    refuses the key stops the check here."""
    import openai

    try:
        page = client.models.list()
        return sorted({str(m.id) for m in page.data if getattr(m, "id", None)}), ""
    except openai.APITimeoutError:
        raise LLMError(f"{where(base_url)} did not answer in time: is it running and ready?") from None
    except openai.APIConnectionError:
        raise LLMError(
            f"{where(base_url)} is not reachable: start it, fix OPENAI_BASE_URL, or run with --offline"
        ) from None
    except openai.APIStatusError as exc:
        if exc.status_code in (401, 403):
            raise LLMError(_refused_key(base_url, exc.status_code)) from None
        return None, f"HTTP {exc.status_code}"
    except (ValueError, TypeError, AttributeError, openai.APIResponseValidationError) as exc:
        return None, f"a malformed model list ({type(exc).__name__})"


def _ping(
    client: Any,
    model: str,
    base_url: str | None,
    listed: list[str] | None,
    *,
    retries: int,
    backoff: float,
    sleep: Callable[[float], None],
) -> tuple[int, int]:
    """One tiny completion from ``model``; its (prompt, completion) tokens. Rate limits, 5xx and malformed
    replies are retried (a server still loading its model answers 503); a server that is down or does not answer
    within the client's timeout is not."""
    import openai

    extra: dict[str, Any] = {"max_tokens": 5}
    problem = ""
    for attempt in range(retries + 1):
        try:
            response = client.chat.completions.create(model=model, messages=PING, temperature=0, **extra)
            response.choices[0].message  # noqa: B018 (a reply without a message is malformed)
            usage = getattr(response, "usage", None)
            return int(getattr(usage, "prompt_tokens", 0) or 0), int(getattr(usage, "completion_tokens", 0) or 0)
        except openai.APITimeoutError:
            seconds = getattr(client, "timeout", None)
            within = f" within {seconds:g} s" if isinstance(seconds, int | float) else " in time"
            raise LLMError(f"model {model!r} on {where(base_url)} did not answer a test request{within}") from None
        except openai.APIConnectionError:
            raise LLMError(f"{where(base_url)} stopped answering: is it running?") from None
        except openai.APIStatusError as exc:
            if exc.status_code in (401, 403):
                raise LLMError(_refused_key(base_url, exc.status_code)) from None
            if exc.status_code == 400 and "max_tokens" in str(exc) and extra:
                extra = {}  # a model that takes max_completion_tokens only: ask again without the limit
                continue
            unlisted = listed is not None and model not in listed
            if exc.status_code == 404 or (exc.status_code in (400, 422) and unlisted):
                served = f" (it serves: {_names(listed)})" if listed else ""
                raise LLMError(
                    f"model {model!r} is not served by {where(base_url)}{served}: "
                    "name one it serves with --model, [tool.perfkit] model or PERFKIT_MODEL"
                ) from None
            if exc.status_code < 500 and exc.status_code != 429:
                raise LLMError(
                    f"model {model!r} on {where(base_url)} refused a test request: HTTP {exc.status_code}"
                ) from None
            problem = f"HTTP {exc.status_code}"
        except (ValueError, TypeError, AttributeError, IndexError, openai.APIResponseValidationError) as exc:
            problem = f"a malformed reply ({type(exc).__name__})"
        if attempt < retries:
            sleep(backoff * 2**attempt)
    raise LLMError(f"model {model!r} on {where(base_url)} failed a test request {retries + 1} times (last: {problem})")


def _refused_key(base_url: str | None, status: int) -> str:
    fix = "set OPENAI_API_KEY to the server's key" if base_url else "check OPENAI_API_KEY"
    return f"{where(base_url)} refused the key (HTTP {status}): {fix}"


def _names(names: Collection[str] | None) -> str:
    shown = sorted(names or ())
    more = f" and {len(shown) - _SHOWN} more" if len(shown) > _SHOWN else ""
    return ", ".join(shown[:_SHOWN]) + more
