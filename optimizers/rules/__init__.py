"""The catalogue of rewrite rules: one module per class of slow Python, each rule a function that edits a
function's AST in place and says whether it fired (see :class:`Rule`).

A rule fires only when it can show that the rewrite keeps behaviour: the names it touches are local and used in
the few ways it understands, the values it relies on have the types seen in the inputs (``Context.arg_types``),
and where a type cannot be known ahead it adds a run-time guard that falls back to the original expression.
``RULES`` is the order in which :mod:`perfkit.optimizers.rewrite` applies them.
"""

from __future__ import annotations

from perfkit.optimizers.rules._base import Rule, RuleFunc
from perfkit.optimizers.rules.building import tuple_build
from perfkit.optimizers.rules.counting import count_in_loop, counting_dict
from perfkit.optimizers.rules.digits import digit_chunks
from perfkit.optimizers.rules.folds import concat_fold, set_fold
from perfkit.optimizers.rules.generators import map_builtin
from perfkit.optimizers.rules.grouping import group_append
from perfkit.optimizers.rules.inlining import inline_helper
from perfkit.optimizers.rules.invariants import hoist_invariant
from perfkit.optimizers.rules.joins import index_join
from perfkit.optimizers.rules.lookups import module_alias
from perfkit.optimizers.rules.membership import (
    index_dict,
    membership_global_set,
    membership_local_list,
    membership_local_set,
    membership_param_list,
    remove_loop,
)
from perfkit.optimizers.rules.modular import modular_power, multiplicative_order, recursive_power
from perfkit.optimizers.rules.number_theory import divisor_scan, gcd_and_factorial
from perfkit.optimizers.rules.pairs import pair_loops
from perfkit.optimizers.rules.primes import prime_bound, trial_division
from perfkit.optimizers.rules.queues import pop0_deque
from perfkit.optimizers.rules.recursion import memoize_inner_helper, memoize_recursion
from perfkit.optimizers.rules.sorting import insort, running_extreme, sorted_pick
from perfkit.optimizers.rules.strings import string_join
from perfkit.optimizers.rules.windows import window_extreme, window_sums

__all__ = ["RULES", "Rule", "RuleFunc"]

RULES: tuple[Rule, ...] = (
    Rule("inline-helper", inline_helper, "one-expression module helper called in a loop → its expression in place"),
    Rule("concat-fold", concat_fold, "sum(xs, []) / reduce(add, xs) on lists or strs → one chain or join (guarded)"),
    Rule("set-fold", set_fold, "s = s | t in a loop, reduce(set.union, xs) → in place, one union (order unseen)"),
    Rule("membership-local-list", membership_local_list, "membership test on a growing list → shadow set"),
    Rule("membership-param-list", membership_param_list, "membership test on a list/tuple argument → set made once"),
    Rule("membership-local-set", membership_local_set, "membership test on a local list a loop only reads → a set"),
    Rule("membership-global-set", membership_global_set, "membership test on a module's constant list → a set"),
    Rule("index-dict", index_dict, "xs.index(x) in a loop that never changes xs → dict of first positions"),
    Rule("remove-loop", remove_loop, "xs.remove(d) for each d dropped → counts and one filtering pass (guarded)"),
    Rule("string-join", string_join, "bytes built, or a str prepended, in a loop → list of pieces and one join"),
    Rule("tuple-build", tuple_build, "tuple built by t = t + (x,) in a loop → list, tuple() after the loop"),
    Rule("pop0-deque", pop0_deque, "list queue (pop(0), del q[0], q = q[1:], insert(0, x)) → collections.deque"),
    Rule("window-sums", window_sums, "sum over a sliding slice → prefix sums (int elements)"),
    Rule("window-extreme", window_extreme, "max/min over a sliding slice → monotonic deque (ints or strs)"),
    Rule("counting-dict", counting_dict, "manual counting dict → collections.Counter"),
    Rule("count-in-loop", count_in_loop, "xs.count(w) in a loop → one Counter of xs"),
    Rule("group-append", group_append, "g[k] = g.get(k, []) + [v] → g.setdefault(k, []).append(v)"),
    Rule("index-join", index_join, "nested-loop equality join or any(y == x ...) in a loop → dict index built once"),
    Rule("sorted-pick", sorted_pick, "sorted(xs)[0] / [-1] / [:n] → min / max / heapq.nsmallest (guarded)"),
    Rule("running-extreme", running_extreme, "max(seen) over a list that only grows → running maximum"),
    Rule("insort", insort, "append then sort() on a sorted list → bisect.insort"),
    Rule("pair-loops", pair_loops, "double loop over i < j (slice copy or index pairs) → itertools.combinations"),
    Rule("map-builtin", map_builtin, "generator of a builtin or operator over str/bytes/range items → map (guarded)"),
    Rule("hoist-invariant", hoist_invariant, "pure call on values a loop never changes → computed once per loop entry"),
    Rule("trial-division", trial_division, "primality by trial division in a loop → sieve"),
    Rule("prime-bound", prime_bound, "trial division of n up to n → up to isqrt(n), same answer"),
    Rule("divisor-scan", divisor_scan, "n % d == 0 over range(1, n + 1) → divisor pairs up to isqrt(n)"),
    Rule("gcd-factorial", gcd_and_factorial, "gcd or factorial by loop → math.gcd / math.factorial (guarded)"),
    Rule("multiplicative-order", multiplicative_order, "order of x mod m by stepping powers → from phi(m) (guarded)"),
    Rule("modular-power", modular_power, "square-and-multiply loop → pow(b, e, m) (ints, e > 0, m > 0)"),
    Rule("recursive-power", recursive_power, "square-and-multiply by recursion → pow(b, e, m) (ints, e > 0, m > 0)"),
    Rule("digit-chunks", digit_chunks, "digits of a big int by divmod one at a time → K digits per big divmod"),
    Rule("memoize-recursion", memoize_recursion, "pure function recursing twice or more → memo within one call"),
    Rule("memoize-inner-helper", memoize_inner_helper, "pure inner helper recursing twice or more → memo per call"),
    Rule("module-alias", module_alias, "math.f read in a loop that calls nothing unknown → a local bound once"),
)
