"""LLM-synthesized constraints: an optional hook that takes a client callable ``prompt -> reply``.

The client itself belongs to the optimizers (any callable works: a wrapper around an OpenAI-compatible chat
call). The prompt gives the function's source and the line-level hit counts of a slow and a fast input; the
reply lists conditions as ``CONSTRAINT: <python expression over the parameters>``. Expressions that do not
compile or name anything but the parameters and builtins are dropped.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from perfkit.fuzzers._constraints import Constraint

LLMClient = Callable[[str], str]
MAX_CONSTRAINTS = 8


def line_hits(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[int, int]:
    """How many times each line of ``func``'s code ran for one call (in this process)."""
    code = getattr(func, "__code__", None)
    counts: Counter[int] = Counter()

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code is not code:
            return None
        if event == "line":
            counts[frame.f_lineno] += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        func(*args, **kwargs)
    except Exception:
        pass
    finally:
        sys.settrace(previous)
    return dict(counts)


def line_hits_entry(payload: tuple[Any, ...], emit: Callable[[Any], None]) -> None:
    """Sandbox entry: ``payload = (target, [(args, kwargs), ...])``; emits one hit-count dict per input."""
    target, inputs = payload
    if isinstance(target, str):
        from perfkit.target import resolve

        target = resolve(target).func
    for args, kwargs in inputs:
        emit(line_hits(target, args, kwargs))


def build_prompt(func: Callable[..., Any], slow: dict[int, int], fast: dict[int, int], *, max_size: int) -> str:
    """The prompt: the source with per-line hit counts of a slow and of a fast input."""
    try:
        lines, first = inspect.getsourcelines(func)
    except (OSError, TypeError):
        lines, first = [], 0
    numbered = "\n".join(
        f"{first + i:5d} | slow {slow.get(first + i, 0):7d} | fast {fast.get(first + i, 0):7d} | {text.rstrip()}"
        for i, text in enumerate(lines)
    )
    params = ", ".join(inspect.signature(func).parameters)
    return (
        "You analyse the performance of a Python function. Below is its source with, for each line, how many "
        "times it ran for a slow input and for a fast input of similar size.\n\n"
        f"{numbered}\n\n"
        f"Give up to {MAX_CONSTRAINTS} performance-characterizing constraints: conditions on the input that "
        f"make this function slow (inputs have at most {max_size} elements). Write each on its own line as\n"
        "CONSTRAINT: <one Python expression over the parameters " + params + "> # <short explanation>\n"
        "Use only the parameters and builtins."
    )


def parse_reply(reply: str, params: Sequence[str], *, start: int = 1) -> list[Constraint]:
    """The valid ``CONSTRAINT:`` lines of a reply, as constraints with ids from ``c{start}``."""
    allowed = set(params) | set(dir(builtins))
    found: list[Constraint] = []
    for raw in reply.splitlines():
        line = raw.strip().strip("`")
        if not line.upper().startswith("CONSTRAINT:"):
            continue
        body = line.split(":", 1)[1]
        expr, _, why = body.partition("#")
        expr = expr.strip()
        try:
            tree = ast.parse(expr, mode="eval")
        except SyntaxError:
            continue
        bound = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        bound |= {a.arg for n in ast.walk(tree) if isinstance(n, ast.Lambda) for a in n.args.args}
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - bound
        if not names & set(params) or not names <= allowed:
            continue
        found.append(
            Constraint(
                id=f"c{start + len(found)}",
                text=why.strip() or expr,
                expr=expr,
                origin="llm",
                params=tuple(sorted(names & set(params))),
            )
        )
        if len(found) >= MAX_CONSTRAINTS:
            break
    return found


def llm_constraints(
    client: LLMClient,
    func: Callable[..., Any],
    *,
    slow_hits: dict[int, int],
    fast_hits: dict[int, int],
    max_size: int,
    start: int = 1,
) -> list[Constraint]:
    """Ask ``client`` for constraints; an exception from the client yields none (the campaign goes on)."""
    prompt = build_prompt(func, slow_hits, fast_hits, max_size=max_size)
    reply = client(prompt)
    if not isinstance(reply, str):
        return []
    return parse_reply(reply, list(inspect.signature(func).parameters), start=start)
