"""What the LLM proposer spent (requests, tokens, cache hits) and the budget that stops it.

Token counts come from the ``usage`` block of each reply; a server that leaves it out gets an estimate (four
characters a token), and the count of such replies is kept so a report can say so. A budget is checked before
each request: the request that crosses it is the last one (its own tokens are only known afterwards). Replies
served from the cache cost nothing and never count against the budget.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

from perfkit.errors import InvalidArgument

CHARS_PER_TOKEN = 4  # the estimate used when a server leaves ``usage`` out
_ITEM = re.compile(r"\s*([a-z_]+)\s*=\s*([0-9_]+(?:\.[0-9]+)?)\s*([kKmM]?)\s*")
_FIX = "give requests=N and/or tokens=M separated by a comma, e.g. requests=200,tokens=400k"


@dataclass
class Usage:
    """Counts of one proposer, one model or one function. ``requests`` are the ones sent (retries included)."""

    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cache_hits: int = 0
    failed: int = 0  # requests that got no usable reply (errors, time-outs)
    estimated: int = 0  # replies without a ``usage`` block: their tokens are estimated from the text

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: Usage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def copy(self) -> Usage:
        return Usage(**asdict(self))

    def __sub__(self, other: Usage) -> Usage:
        return Usage(**{f.name: getattr(self, f.name) - getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def to_dict(self) -> dict[str, int]:
        return {**asdict(self), "tokens": self.tokens}

    def describe(self) -> str:
        """One line: ``12 requests, 8,410 tokens (7,200 prompt + 1,210 completion), 3 from the cache``."""
        text = (
            f"{self.requests} request{'s' * (self.requests != 1)}, {self.tokens:,} tokens "
            f"({self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion)"
        )
        if self.cache_hits:
            text += f", {self.cache_hits} from the cache"
        if self.failed:
            text += f", {self.failed} failed"
        if self.estimated:
            text += f"; {self.estimated} repl{'ies' if self.estimated != 1 else 'y'} without usage, tokens estimated"
        return text


def estimate_tokens(text: str) -> int:
    """Tokens of ``text`` when the server does not say: one per four characters, rounded up."""
    return -(-len(text) // CHARS_PER_TOKEN)


@dataclass(frozen=True)
class Budget:
    """Most requests and most tokens (prompt + completion) the proposer may spend; None is no limit."""

    requests: int | None = None
    tokens: int | None = None

    def spent(self, usage: Usage) -> str | None:
        """Why no further request may be sent, or None while the budget lasts."""
        if self.requests is not None and usage.requests >= self.requests:
            return f"the LLM budget of {self.requests} requests is spent"
        if self.tokens is not None and usage.tokens >= self.tokens:
            return f"the LLM budget of {self.tokens:,} tokens is spent ({usage.tokens:,} used)"
        return None

    def __str__(self) -> str:
        parts = [f"{k}={v}" for k, v in (("requests", self.requests), ("tokens", self.tokens)) if v is not None]
        return ",".join(parts) or "unlimited"


def parse_budget(text: str, *, name: str = "llm_budget") -> Budget:
    """``"requests=200,tokens=400k"`` (either part may be left out; ``k`` and ``M`` multiply; "" is no limit)."""
    if not isinstance(text, str):
        raise InvalidArgument(name, text, _FIX)
    values: dict[str, int] = {}
    for item in filter(str.strip, text.split(",")):
        match = _ITEM.fullmatch(item)
        if match is None or match.group(1) not in ("requests", "tokens") or match.group(1) in values:
            raise InvalidArgument(name, text, _FIX)
        number = float(match.group(2).replace("_", "")) * {"": 1, "k": 10**3, "m": 10**6}[match.group(3).lower()]
        if number < 1 or number != int(number):
            raise InvalidArgument(name, text, "give whole numbers of at least 1; " + _FIX)
        values[match.group(1)] = int(number)
    return Budget(requests=values.get("requests"), tokens=values.get("tokens"))
