"""How much faster is a candidate? Original and candidate timed with the harness, interleaved, per input size.

The inputs timed are the workload's own calls when the caller marks them (:class:`StressInputs`): the largest
captured inputs, at the sizes the workload really uses, the same ones in every run. Fuzzed inputs still verify
behaviour, but they change from run to run and may be tiny or pathological, so a verdict timed on them changed
too (the same ``pop(0)`` -> deque candidate read 1.57x, 1.69x, 1.49x and "slower" in four runs).

Each round measures both sides in fresh worker processes on each input, in ABBA order across rounds (original
first in even rounds, candidate first in odd ones), so drift of the machine and the order of the processes hit
both sides alike. The speedup per input is median(original) / median(candidate) with a bootstrap interval; the
verdict uses the largest input and the report lists them all, so a candidate that wins only on small inputs is
visible.

A function that changes its arguments in place (an in-place sort) would otherwise be timed on the input its
first call left behind; such functions are timed on a fresh copy of the arguments for every call, on both sides
(the copy's cost makes the ratio a little conservative).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._iterators import Draining

from perfkit.errors import InvalidArgument
from perfkit.pickling import dumps


@dataclass(frozen=True)
class SizeSpeedup:
    """The speedup on one input: its size, both medians (seconds per call) and the ratio with its interval."""

    size: int
    original: float
    candidate: float
    speedup: float
    low: float
    high: float


@dataclass(frozen=True)
class SpeedReport:
    """Speedup on the largest input (``speedup``, ``low``, ``high``) and on each input (``per_size``)."""

    speedup: float
    low: float
    high: float
    per_size: tuple[SizeSpeedup, ...]
    original_times: tuple[float, ...] = ()  # seconds per call on the largest input, every value taken
    candidate_times: tuple[float, ...] = ()

    def wins_only_small(self) -> bool:
        """True when the candidate is significantly slower on some larger input than one it wins on."""
        return any(s.high < 1.0 for s in self.per_size)


class StressInputs(list):  # type: ignore[type-arg]
    """A list of ``(args, kwargs)`` stress inputs that also says which of them are ``representative`` (the
    workload's captured calls): :func:`compare_speed` times those, the rest only verify behaviour."""

    def __init__(self, items: Any = (), *, representative: Any = ()) -> None:
        super().__init__(items)
        self.representative = list(representative)


def compare_speed(
    original: CodeRef,
    candidate: CodeRef,
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    rounds: int = 3,
    max_inputs: int = 3,
    min_time: float = 0.02,
    timeout: float | None = None,
    memory_limit: int | None = None,
    target: float | None = None,
    extra_rounds: int = 7,
    drain: bool = False,
) -> SpeedReport:
    """Measure ``original`` and ``candidate`` on up to ``max_inputs`` of the largest ``inputs``, interleaved
    (of the largest representative ones when ``inputs`` is a :class:`StressInputs` that has some).

    Every input is timed in ``rounds`` rounds. The verdict's figure, on the largest input, treats each round as
    one paired measurement (the ratio of the two sides' medians in that round: the processes, not the values,
    are what vary from run to run) and gives their geometric mean with a 95% t-interval. With a ``target``
    speedup, up to ``extra_rounds`` more rounds of the largest input are taken while that interval holds the
    target, so a candidate near the bar is measured until it is clearly above or below it, or found undecided.
    ``drain``: the functions return iterators, and each call is timed with its result iterated to the end.
    """
    if not inputs:
        raise InvalidArgument("inputs", inputs, "give at least one (args, kwargs) stress input")
    if not isinstance(rounds, int) or rounds < 1:
        raise InvalidArgument("rounds", rounds, "give a whole number of at least 1")
    from perfkit.harness.options import Options
    from perfkit.harness.runner import measure
    from perfkit.inputs import input_size

    pool = list(getattr(inputs, "representative", None) or inputs)
    chosen = sorted(pool, key=lambda item: input_size(*item))[-max_inputs:]
    if drain:
        original, candidate = Draining(original), Draining(candidate)  # type: ignore[assignment]
    if mutates_arguments(original, chosen, timeout=timeout):
        original, candidate = FreshArguments(original), FreshArguments(candidate)
    options = Options(
        processes=1,
        values=5,
        warmups=1,
        min_time=min_time,
        cost=False,
        memory=False,
        counters=(),
        timeout=timeout,
        memory_limit=memory_limit,
    )
    times: dict[tuple[int, str], list[list[float]]] = {}  # per input and side: one list of values per round
    done = [0]

    def one_round(indices: range) -> None:
        sides = [("original", original), ("candidate", candidate)]
        for index in indices:
            args, kwargs = chosen[index]
            for side, func in sides if done[0] % 2 == 0 else sides[::-1]:  # ABBA across rounds
                result = measure(func, args=args, kwargs=kwargs, options=options)
                times.setdefault((index, side), []).append(list(result.times))
        done[0] += 1

    for _ in range(rounds):
        one_round(range(len(chosen)))
    report = _report(chosen, times)
    largest = range(len(chosen) - 1, len(chosen))
    for _ in range(extra_rounds):  # undecided: the interval holds the target
        if target is None or not report.low <= target < report.high:
            break
        one_round(largest)
        report = _report(chosen, times)
    return report


def paired_speedup(original: list[list[float]], candidate: list[list[float]]) -> tuple[float, float, float]:
    """(speedup, low, high): the geometric mean of the rounds' ratios median(original) / median(candidate) and
    its 95% t-interval, one degree of freedom per round beyond the first. One round: its bootstrap interval."""
    import math
    import statistics

    from perfkit import stats

    if len(original) < 2:
        ratio = stats.speedup(original[0], candidate[0])
        return ratio.ratio, ratio.low, ratio.high
    logs = [math.log(statistics.median(o) / statistics.median(c)) for o, c in zip(original, candidate, strict=True)]
    from scipy.stats import t

    mean = statistics.fmean(logs)
    half = float(t.ppf(0.975, len(logs) - 1)) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


class FreshArguments:
    """A picklable wrapper that calls ``func`` on a fresh copy of the arguments each time."""

    def __init__(self, func: Any) -> None:
        self.func = func

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*map(_fresh, args), **{k: _fresh(v) for k, v in kwargs.items()})


_SCALAR_TYPES = (int, float, bool, str, bytes, type(None))
_MUTATES: dict[str, bool] = {}


def _fresh(value: Any) -> Any:
    if type(value) is list and all(type(v) in _SCALAR_TYPES for v in value):
        return value[:]
    return value if type(value) in _SCALAR_TYPES else copy.deepcopy(value)


def mutates_arguments(
    func: CodeRef, inputs: list[tuple[tuple[Any, ...], dict[str, Any]]], *, timeout: float | None
) -> bool:
    """Whether ``func`` changes any of ``inputs`` in place (checked once per function and inputs, in a child)."""
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    try:
        key = hashlib.sha256(dumps((func, inputs))).hexdigest()
    except Exception:  # unpicklable inputs cannot be timed in workers either; the timing reports that
        return False
    if key not in _MUTATES:
        try:
            with Child("perfkit.optimizers.speed:_mutation_child", {"ref": func, "inputs": inputs}) as child:
                _MUTATES[key] = bool(child.recv(timeout=(timeout or 60.0) * len(inputs) + 60.0)["mutated"])
        except (ChildDied, ChildTimeout):
            _MUTATES[key] = False  # the timing itself will censor or report the failure
    return _MUTATES[key]


def _mutation_child(payload: dict[str, Any], emit: Any) -> None:
    func = payload["ref"].load()
    mutated = False
    for args, kwargs in payload["inputs"]:
        before = dumps((args, kwargs))
        with contextlib.suppress(Exception):  # a call that raises may still have changed its arguments
            func(*args, **kwargs)
        mutated = mutated or dumps((args, kwargs)) != before
    emit({"kind": "checked", "mutated": mutated})


def _report(
    chosen: list[tuple[tuple[Any, ...], dict[str, Any]]], times: dict[tuple[int, str], list[list[float]]]
) -> SpeedReport:
    from perfkit import stats
    from perfkit.inputs import input_size

    per_size = []
    for index, (args, kwargs) in enumerate(chosen):
        base_rounds, new_rounds = times[(index, "original")], times[(index, "candidate")]
        base, new = _flat(base_rounds), _flat(new_rounds)
        if index == len(chosen) - 1:
            speedup, low, high = paired_speedup(base_rounds, new_rounds)
        else:  # the smaller inputs show where a candidate wins; their values are pooled
            ratio = stats.speedup(base, new)
            speedup, low, high = ratio.ratio, ratio.low, ratio.high
        size = input_size(args, kwargs)
        per_size.append(SizeSpeedup(size, stats.median(base), stats.median(new), speedup, low, high))
    last, largest = per_size[-1], len(chosen) - 1
    return SpeedReport(
        last.speedup,
        last.low,
        last.high,
        tuple(per_size),
        tuple(_flat(times[(largest, "original")])),
        tuple(_flat(times[(largest, "candidate")])),
    )


def _flat(rounds: list[list[float]]) -> list[float]:
    return [value for values in rounds for value in values]
