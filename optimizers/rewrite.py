"""The rewrite proposer: AST rewrites of well-known slow patterns (the catalogue is :mod:`perfkit.optimizers.rules`).

The function is first brought to canonical forms (:mod:`perfkit.optimizers.rules._normalize`), so one rule
covers many spellings; then every rule gets a fresh copy of the normalised function. A candidate is offered only
when a rule fired or a normalisation step that is itself a speedup changed the function. The proposer offers all
fired rules together, then each alone.
"""

from __future__ import annotations

import ast
import copy

from perfkit.optimizers import _ast_tools as t
from perfkit.optimizers._types import Candidate, Context
from perfkit.optimizers.rules import RULES, Rule
from perfkit.optimizers.rules._normalize import STEPS, Step, normalize

__all__ = ["RULES", "RewriteProposer", "Rule", "apply_rules"]


def apply_rules(
    source: str,
    name: str,
    context: Context,
    rules: tuple[Rule, ...] = RULES,
    *,
    steps: tuple[Step, ...] = STEPS,
) -> tuple[str, list[str]]:
    """Normalise ``def name`` in ``source`` with ``steps``, then apply ``rules`` one after another: (new source,
    names of the fired rules, preceded by the normalisation steps that are speedups by themselves)."""
    parsed = t.parse_function(source, name)
    if parsed is None:
        return source, []
    _, func = parsed
    if t.has_nested_scopes(func) and not t.closed_lambdas_only(func):  # then only rules written for them run
        rules, steps = tuple(r for r in rules if getattr(r.apply, "nested_scopes_ok", False)), ()
    t.link_parents(func)
    fired = [step.name for step in normalize(func, context, steps=steps) if step.speedup]
    vars(func).pop("_pk_parent", None)  # copies below take the function, not its module
    for rule in rules:
        trial = copy.deepcopy(func)
        t.link_parents(trial)
        if rule.apply(trial, context):
            func = trial
            fired.append(rule.name)
    if not fired:
        return source, []
    return ast.unparse(ast.fix_missing_locations(func)) + "\n", fired


class RewriteProposer:
    """Offers the function with every rule that fires applied, then with each fired rule alone."""

    name = "rewrite"

    def __init__(self, *, rules: tuple[Rule, ...] = RULES) -> None:
        self.rules = rules

    def propose(self, context: Context, *, n: int) -> list[Candidate]:
        """Up to ``n`` candidates; none after the first round (the rules are deterministic)."""
        if context.round > 1:
            return []
        combined, fired = apply_rules(context.source, context.name, context, self.rules)
        if not fired:
            return []
        out = [Candidate(combined, self.name, "rules: " + ", ".join(fired))]
        if len(fired) > 1:
            for rule in self.rules:
                if rule.name in fired:
                    single, did = apply_rules(context.source, context.name, context, (rule,))
                    if did:
                        out.append(Candidate(single, self.name, f"rule: {rule.name}"))
        return out[:n]
