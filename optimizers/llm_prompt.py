"""The user message the LLM proposer sends: the function, its module's imports, profile lines, the slowest inputs
and the original's growth class, the program to improve on and other verified programs with their measured
speedups (the population), and the failures with the inputs they failed on.

Without a population (``context.parent`` None) the earlier candidates are shown as they came, the last two with
their code: the PerfCodeGen / Afterburner feedback loop.
"""

from __future__ import annotations

import ast
import math

from perfkit.optimizers._types import Context, Feedback, Program
from perfkit.optimizers._unexplored import unguarded

CODE_LIMIT = 1500  # characters of each earlier program shown
FAILURES_SHOWN = 4  # failures listed, newest first; the newest two with their code


def build_prompt(context: Context) -> str:
    """The user message: function, imports, profile lines, slow inputs, parents and earlier outcomes."""
    parts = [f"Function `{context.name}` in module `{context.module_name}`:\n```python\n{context.source}```"]
    imports = _imports(context.module_source)
    if imports:
        parts.append("The module's imports:\n```python\n" + imports + "\n```")
    if context.arg_types:
        shown = "; ".join(f"{k}: {' or '.join(sorted(v))}" for k, v in context.arg_types.items())
        parts.append(f"Argument types seen: {shown}. Return types seen: {', '.join(sorted(context.return_types))}.")
    if context.hotspots:
        lines = "\n".join(f"  line {h.line} ({h.cpu_percent:.1f}% CPU): {h.text.strip()}" for h in context.hotspots)
        parts.append("Profile hotspots:\n" + lines)
    slow = sorted(context.inputs, key=lambda i: math.inf if i.seconds is None else i.seconds, reverse=True)[:3]
    if slow:
        lines = "\n".join(
            f"  size {i.size}: {'timed out' if i.seconds is None else f'{i.seconds * 1e3:.2f} ms'} for {i.description}"
            for i in slow
        )
        parts.append("Slowest inputs (original times):\n" + lines)
    if context.complexity:
        parts.append(f"The original's time grows as {context.complexity} in the input size on these inputs.")
    if context.repeats:
        parts.append(
            f"{context.repeats} answer(s) last round repeated a program already tried (names and formatting aside): "
            "they were not checked again. Try a different way."
        )
    if context.parent is None:
        parts.extend(_feedback_only(context.feedback))
    else:
        parts.extend(_population(context.parent, context.inspirations, context.feedback))
    return "\n\n".join(parts)


def _population(parent: Program, others: tuple[Program, ...], feedback: tuple[Feedback, ...]) -> list[str]:
    """The parent to improve on, the inspirations with their speedups, and the failures with their inputs."""
    parts = []
    if parent.id == 0:
        parts.append("Start from the function above.")
    else:
        parts.append(
            f"Start from this verified rewrite ({_measured(parent)}; {_who(parent)}):\n```python\n"
            + _cut(parent.source)
            + "\n```"
        )
    if others:
        shown = [f"- {_measured(p)} ({_who(p)}):\n```python\n{_cut(p.source)}\n```" for p in others]
        parts.append("Other verified rewrites, each behaving exactly like the original:\n" + "\n".join(shown))
    failures = [f for f in feedback if f.speedup is None or f.verdict == "slower"][-FAILURES_SHOWN:]
    if failures:
        lines = []
        for number, f in enumerate(reversed(failures)):
            outcome = f"{f.speedup:.2f}x, not faster enough" if f.verdict == "slower" and f.speedup else f.verdict
            lines.append(f"- {f.proposer} candidate: {outcome}. {f.reason}")
            if f.counterexample:
                lines.append(f"  It failed on the input: {f.counterexample}")
            if number < 2 and f.verdict != "slower":
                lines.append("```python\n" + _cut(f.source) + "\n```")
        parts.append("Earlier candidates that failed (fix what made them fail):\n" + "\n".join(lines))
    goal = "Make it faster than every rewrite above; you may combine their ideas." if parent.id or others else ""
    parts.append(f"{goal or 'Make it faster.'} Keep the behaviour exactly the same as the original's.")
    return parts


def _feedback_only(feedback: tuple[Feedback, ...]) -> list[str]:
    if not feedback:
        return []
    earlier = []
    recent = feedback[-6:]
    for number, f in enumerate(recent):
        outcome = f"{f.speedup:.2f}x speedup" if f.speedup is not None else f.verdict
        earlier.append(f"- {f.proposer} candidate: {outcome}. {f.reason}")
        if f.counterexample:
            earlier.append(f"  It failed on the input: {f.counterexample}")
        if number >= len(recent) - 2:
            earlier.append("```python\n" + _cut(f.source) + "\n```")
    return [
        "Earlier candidates and what happened to them:\n" + "\n".join(earlier),
        "Do better than these: fix the failures, and beat the best speedup.",
    ]


def _measured(p: Program) -> str:
    interval = f" [{p.low:.2f}, {p.high:.2f}]" if p.low is not None and p.high is not None else ""
    return f"{p.speedup:.2f}x{interval} faster than the original, measured"


def _who(p: Program) -> str:
    who = f"{p.proposer} {p.model}".strip()
    return f"from {who}, round {p.round}"


def _cut(source: str) -> str:
    return unguarded(source)[:CODE_LIMIT].rstrip()  # the loop's guard (a copy of the original) is not the idea


def _imports(module_source: str) -> str:
    try:
        tree = ast.parse(module_source)
    except SyntaxError:
        return ""
    return "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
