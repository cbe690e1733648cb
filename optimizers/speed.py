"""How much faster is a candidate? Original and candidate timed with the harness, interleaved, per input size.

Each round measures the original and then the candidate in fresh worker processes, on each stress input, so
that drift of the machine hits both sides alike. The speedup per input is median(original) / median(candidate)
with a bootstrap interval; the verdict uses the largest input (the stress case) and the report lists them all,
so a candidate that wins only on small inputs is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perfkit.optimizers._code import CodeRef

from perfkit.errors import InvalidArgument


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
    extra_rounds: int = 3,
) -> SpeedReport:
    """Measure ``original`` and ``candidate`` on up to ``max_inputs`` of the largest ``inputs``, interleaved.

    With a ``target`` speedup, up to ``extra_rounds`` more rounds are taken while the estimate is above the
    target but the interval's lower bound is not (hash seeds and noisy neighbours make single processes vary).
    """
    if not inputs:
        raise InvalidArgument("inputs", inputs, "give at least one (args, kwargs) stress input")
    if not isinstance(rounds, int) or rounds < 1:
        raise InvalidArgument("rounds", rounds, "give a whole number of at least 1")
    from perfkit.harness.options import Options
    from perfkit.harness.runner import measure
    from perfkit.inputs import input_size

    chosen = sorted(inputs, key=lambda item: input_size(*item))[-max_inputs:]
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
    times: dict[tuple[int, str], list[float]] = {}

    def one_round() -> None:
        for index, (args, kwargs) in enumerate(chosen):
            for side, func in (("original", original), ("candidate", candidate)):
                result = measure(func, args=args, kwargs=kwargs, options=options)
                times.setdefault((index, side), []).extend(result.times)

    for _ in range(rounds):
        one_round()
    report = _report(chosen, times)
    for _ in range(extra_rounds):  # undecided: the estimate clears the target but its interval does not
        if target is None or not report.low <= target < report.speedup:
            break
        one_round()
        report = _report(chosen, times)
    return report


def _report(
    chosen: list[tuple[tuple[Any, ...], dict[str, Any]]], times: dict[tuple[int, str], list[float]]
) -> SpeedReport:
    from perfkit import stats
    from perfkit.inputs import input_size

    per_size = []
    for index, (args, kwargs) in enumerate(chosen):
        base, new = times[(index, "original")], times[(index, "candidate")]
        ratio = stats.speedup(base, new)
        size = input_size(args, kwargs)
        per_size.append(SizeSpeedup(size, stats.median(base), stats.median(new), ratio.ratio, ratio.low, ratio.high))
    last, largest = per_size[-1], len(chosen) - 1
    return SpeedReport(
        last.speedup,
        last.low,
        last.high,
        tuple(per_size),
        tuple(times[(largest, "original")]),
        tuple(times[(largest, "candidate")]),
    )
