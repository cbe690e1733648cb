"""The user message the LLM proposer sends: the function, its module's imports, profile lines, slow inputs and
what happened to earlier candidates."""

from __future__ import annotations

import ast
import math

from perfkit.optimizers._types import Context


def build_prompt(context: Context) -> str:
    """The user message: function, imports, profile lines, slow inputs and earlier outcomes."""
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
    if context.feedback:
        earlier = []
        recent = context.feedback[-6:]
        for number, f in enumerate(recent):
            outcome = f"{f.speedup:.2f}x speedup" if f.speedup is not None else f.verdict
            earlier.append(f"- {f.proposer} candidate: {outcome}. {f.reason}")
            if number >= len(recent) - 2:
                earlier.append("```python\n" + f.source[:1500].rstrip() + "\n```")
        parts.append("Earlier candidates and what happened to them:\n" + "\n".join(earlier))
        parts.append("Do better than these: fix the failures, and beat the best speedup.")
    return "\n\n".join(parts)


def _imports(module_source: str) -> str:
    try:
        tree = ast.parse(module_source)
    except SyntaxError:
        return ""
    return "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
