"""The searches compared on the real-bug corpus, each run as ``python -m redos.methods METHOD BUG --budget S --out F``.

Each runs in its own process (the runner gives it the bug's PYTHONPATH and time and memory limits) and keeps
the slowest input it has seen in ``F`` (JSON, replaced atomically on every improvement, so a search killed at
its time limit still leaves its best). Times are the search's own clock: one call each; the runner re-times the
winner the same way as the exploit. An input that makes the wrapper raise counts by its time like any other
(slow, then raised is a denial of service).

- ``perfkit``: :func:`perfkit.fuzzers.fuzz` on the wrapper in its default configuration, ``max_size`` = the
  exploit's length; its ``worst`` input.
- ``random``: strings of uniform length in ``[0, max_size]`` over printable ASCII.
- ``atheris``: plain libFuzzer over the wrapper (the library imported under ``atheris.instrument_imports``;
  bytes decoded as UTF-8, invalid bytes dropped, cut to ``max_size``); no dictionary, no seeds.
- ``hypothesis``: ``st.text(max_size=max_size)`` with ``hypothesis.target(seconds)``: a search that climbs
  towards the slowest (generate and target phases, no shrinking).

A bug of a part nobody has looked at yet (``UNSEEN``: "held-out-4") is searched only with ``--final`` (the runner's
final run).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import random
import string
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redos.manifest import BY_ID, UNSEEN, Bug

METHODS = ("perfkit", "random", "atheris", "hypothesis")
ALPHABET = string.printable


class Best:
    """The slowest input seen so far, saved atomically to ``path`` on every improvement."""

    def __init__(self, path: Path, method: str) -> None:
        self.path, self.method = path, method
        self.seconds, self.evals, self.start = -1.0, 0, time.monotonic()
        self.last: tuple[str | None, float, str | None] = (None, 0.0, None)

    def offer(self, s: str, seconds: float, error: str | None) -> None:
        self.evals += 1
        if seconds > self.seconds:
            self.seconds, self.last = seconds, (s, seconds, error)
            self.save(s, seconds, error)

    def finish(self) -> None:
        """Save the best again with the final count of evaluations."""
        if self.last[0] is not None:
            self.save(*self.last)

    def save(self, s: str | None, seconds: float, error: str | None, **extra: Any) -> None:
        record = {"method": self.method, "input": s, "seconds": seconds, "error": error, "evals": self.evals}
        record["elapsed"] = time.monotonic() - self.start
        record.update(extra)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, self.path)


def timed(func: Callable[[str], Any], s: str) -> tuple[float, str | None]:
    """One call's seconds and the name of what it raised (None when it returned)."""
    start = time.perf_counter()
    try:
        func(s)
    except Exception as exc:
        return time.perf_counter() - start, type(exc).__name__
    return time.perf_counter() - start, None


def wrapper(bug: Bug) -> Callable[[str], Any]:
    module, _, name = bug.wrapper.partition(":")
    func: Callable[[str], Any] = getattr(importlib.import_module(module), name)
    return func


def run_perfkit(bug: Bug, best: Best, *, budget: float, seed: int) -> None:
    from perfkit.fuzzers import fuzz

    result = fuzz(bug.wrapper, max_size=bug.length, budget=budget, seed=seed)
    worst = result.worst
    if worst is None:
        best.save(None, 0.0, None, note="no worst input")
        return
    s = worst.args[0] if worst.args else next(iter(worst.kwargs.values()))
    best.evals = sum(result.counts.values())
    best.save(
        s,
        worst.time_s,
        worst.error,
        outcome=worst.outcome,
        cost=worst.cost,
        searcher=worst.searcher,
        signal=result.signal_used,
        notes=result.notes[:5],
    )


def run_random(bug: Bug, best: Best, *, budget: float, seed: int) -> None:
    func, rng, end = wrapper(bug), random.Random(seed), time.monotonic() + budget
    while time.monotonic() < end:
        s = "".join(rng.choices(ALPHABET, k=rng.randint(0, bug.length)))
        best.offer(s, *timed(func, s))
    best.finish()


def run_atheris(bug: Bug, best: Best, *, budget: float, seed: int) -> None:
    import atheris

    with atheris.instrument_imports():
        func = wrapper(bug)
    end = time.monotonic() + budget

    def one(data: bytes) -> None:
        if time.monotonic() > end:
            best.finish()
            os._exit(0)
        s = data.decode("utf-8", "ignore")[: bug.length]
        best.offer(s, *timed(func, s))

    flags = [f"-max_len={4 * bug.length + 4}", f"-seed={seed + 1}", "-timeout=100000", "-rss_limit_mb=3072"]
    flags.append(f"-artifact_prefix={tempfile.mkdtemp(prefix='redos-atheris-')}{os.sep}")  # slow units: not in the cwd
    atheris.Setup([sys.argv[0], *flags], one)
    atheris.Fuzz()


def run_hypothesis(bug: Bug, best: Best, *, budget: float, seed: int) -> None:
    import hypothesis
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    func, end = wrapper(bug), time.monotonic() + budget

    class Spent(Exception):
        pass

    @settings(
        max_examples=10**9,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.target],
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(st.text(max_size=bug.length))
    def search(s: str) -> None:
        if time.monotonic() > end:
            raise Spent
        seconds, error = timed(func, s)
        best.offer(s, seconds, error)
        hypothesis.target(seconds)

    hypothesis.seed(seed)(search)
    try:
        search()
    except Spent:
        pass
    except Exception as exc:  # hypothesis re-raises Spent wrapped when it happens in a replay
        if "Spent" not in repr(exc):
            raise
    best.finish()


RUNNERS: dict[str, Callable[..., None]] = {
    "perfkit": run_perfkit,
    "random": run_random,
    "atheris": run_atheris,
    "hypothesis": run_hypothesis,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m redos.methods")
    parser.add_argument("method", choices=METHODS)
    parser.add_argument("bug", choices=sorted(BY_ID))
    parser.add_argument("--budget", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--final", action="store_true", help=f"allow a {'/'.join(UNSEEN)} bug (the final held-out run)")
    args = parser.parse_args(argv)
    if BY_ID[args.bug].half in UNSEEN and not args.final:
        parser.error(f"{args.bug} is in the {BY_ID[args.bug].half} part: searched only in the final run (--final)")
    best = Best(args.out, args.method)
    RUNNERS[args.method](BY_ID[args.bug], best, budget=args.budget, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
