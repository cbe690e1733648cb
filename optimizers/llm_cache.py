"""The LLM reply cache: a re-run with the same inputs sends no request and gets the same candidates.

A reply is stored under a hash of what decides it: the server, the model, the messages, the temperature, the
seed, and the *slot*, the number of times this same request was already asked in the run (the third sample of a
prompt is a different reply from the first, and a re-run asks them in the same order). Measurements vary from run
to run, so the key is made from the prompt built without them (:func:`unmeasured`: no profile lines, the inputs
without their times) and with the figures of its prose masked (``12.30 ms``, ``87.5%``, ``1.8x``); code in fenced
blocks is kept verbatim, so two prompts share a key only when they carry the same code. A reply found in the
cache is still a candidate like any other: it is verified and measured again.

One JSON file per reply (``<folder>/<2 hex>/<hash>.json``, schema-versioned), written atomically. The folder is
``$PERFKIT_CACHE_DIR/llm``, else ``$XDG_CACHE_HOME/perfkit/llm``, else ``~/.cache/perfkit/llm``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from perfkit.optimizers._types import Context

from perfkit._io import document, write_atomic

SCHEMA_VERSION = 1
_FENCED = re.compile(r"(```.*?```)", re.DOTALL)
_FIGURE = re.compile(r"\d+\.\d+|\d+(?=\s*(?:%|x\b|ms\b|s\b|us\b|µs\b|ns\b))")


@dataclass(frozen=True)
class CachedReply:
    """A stored reply: its text and what it cost when it was first asked."""

    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def default_folder() -> Path:
    """Where replies are kept unless told otherwise (see the module's docstring)."""
    if os.environ.get("PERFKIT_CACHE_DIR"):
        return Path(os.environ["PERFKIT_CACHE_DIR"]) / "llm"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "perfkit" / "llm"


def unmeasured(context: Context) -> Context:
    """``context`` without what a re-run measures anew: the profile's hot lines, and the inputs' times (the
    inputs are put in a fixed order, since the prompt may order them by time)."""
    inputs = sorted((replace(i, seconds=0.0) for i in context.inputs), key=lambda i: (i.size, i.description))
    return replace(context, hotspots=(), inputs=tuple(inputs))


def stable_text(text: str) -> str:
    """``text`` with the measured figures of its prose masked; fenced code blocks are left as they are."""
    pieces = _FENCED.split(text)
    return "".join(p if p.startswith("```") else _FIGURE.sub("#", p) for p in pieces)


def request_key(
    *, base_url: str | None, model: str, messages: list[dict[str, str]], temperature: float, seed: int | None
) -> str:
    """The hash of a request, before its slot (see :func:`slot_key`)."""
    shown = [{"role": m["role"], "content": stable_text(m["content"])} for m in messages]
    payload = {"server": base_url or "", "model": model, "messages": shown, "temperature": temperature, "seed": seed}
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def slot_key(request: str, slot: int) -> str:
    """The key of the ``slot``-th asking (from 0) of the request hashed as ``request``."""
    return hashlib.sha256(f"{request}/{slot}".encode()).hexdigest()


class ReplyCache:
    """Replies on disk under ``folder`` (created on the first write)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder) if folder is not None else default_folder()

    def __repr__(self) -> str:
        return f"ReplyCache({str(self.folder)!r})"

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedReply | None:
        """The reply stored under ``key``; None when there is none or the file is unreadable (it is then
        overwritten by the next :meth:`put`)."""
        try:
            data: Any = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("schema_version") != SCHEMA_VERSION:
                return None
            return CachedReply(
                text=str(data["text"]),
                model=str(data["model"]),
                prompt_tokens=int(data["prompt_tokens"]),
                completion_tokens=int(data["completion_tokens"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, reply: CachedReply) -> None:
        """Store ``reply`` under ``key``, atomically (readers see the old file or the new one)."""
        body = {
            "text": reply.text,
            "model": reply.model,
            "prompt_tokens": reply.prompt_tokens,
            "completion_tokens": reply.completion_tokens,
        }
        write_atomic(self._path(key), json.dumps(document("llm-reply", SCHEMA_VERSION, body), indent=1) + "\n")
