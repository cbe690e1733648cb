"""The parent side of efficiency scoring: one sandboxed worker per problem, a pool of them, restarts on kills.

Each problem is one job: a :class:`~perfkit.harness.sandbox.Child` builds the tests, times the reference and
then every sample of the problem (all sample sets), back to back in the same process, so the reference and the
samples are timed under the same load. The parent enforces each run's limit from outside as well (the child's
own timer stops ordinary Python code at T + tolerance; code stuck in C is killed by the parent at
T + tolerance + grace, and a fresh worker resumes with the next sample, reusing the reference times).
The memory passes (EffiBench's metrics) come after all timed runs, each with its own budget; a worker killed
in one leaves that program without memory figures (its verdict and times stand), and a fresh worker does the
passes still to do.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

ENTRY = "perfkit.efficiency._worker:run_problem"


@dataclass
class SampleRun:
    """What happened to one sample: the verdict, and the rep times of each level it completed."""

    sample: int
    passed: bool
    status: str  # passed | censored (a weighted level hit the limit) | timeout (level 0) | wrong | error | crashed
    message: str = ""
    level_times: list[list[list[float]]] = field(default_factory=list)  # [level][test][rep] seconds
    censored_level: int | None = None
    memory: dict[str, Any] | None = None  # the memory pass's figures, or {"error": ...}; None if not run


@dataclass
class ProblemRun:
    """One problem's raw results: reference rep times, the limit T, every sample's run; or a setup error."""

    position: int
    ref_times: list[list[list[float]]] | None = None
    limit: float | None = None
    ref_memory: dict[str, Any] | None = None
    samples: list[SampleRun] = field(default_factory=list)
    error: str | None = None
    workers: int = 0
    seconds: float = 0.0


def run_problem(
    problem: dict[str, Any],
    codes: Sequence[str],
    settings: dict[str, Any],
    *,
    position: int = 0,
    memory_limit: int | None = None,
    setup_timeout: float = 600.0,
    grace: float = 1.0,
) -> ProblemRun:
    """Run one problem's job, starting a new worker after each kill, until every sample has a verdict."""
    started = time.monotonic()
    out = ProblemRun(position)
    verdicts: dict[int, SampleRun] = {}
    pending: set[int] = set()  # passed samples whose memory pass has not answered yet
    levels: dict[int, list[list[list[float]]]] = {}
    env = dict(os.environ, PYTHONHASHSEED="0", OMP_NUM_THREADS="1")
    start = 0
    while out.error is None and (out.ref_times is None or start < len(codes) or pending):
        payload = {"problem": problem, "codes": list(codes), "start": start}
        payload["settings"] = {**settings, "setup_timeout": setup_timeout}
        payload["ref_times"] = out.ref_times
        payload["ref_memory"] = out.ref_memory
        payload["memory_todo"] = sorted(pending)
        out.workers += 1
        current: dict[str, Any] | None = None
        with (
            tempfile.TemporaryDirectory(prefix="perfkit-eff-") as cwd,
            Child(ENTRY, payload, memory_limit=memory_limit, cwd=cwd, env=env) as child,
        ):
            try:
                timeout = setup_timeout
                while True:
                    message = child.recv(timeout)
                    kind = message["kind"]
                    if kind == "start":
                        current = message
                        timeout = float(out.limit or 0.0) + settings["tolerance"] + max(grace, out.limit or 0.0)
                        if message.get("phase") in ("memory", "ref-memory"):
                            timeout = float(message["budget"]) + grace
                        continue
                    timeout = setup_timeout
                    if kind == "done":
                        current = None
                    elif kind == "ready":
                        out.ref_times, out.limit = message["ref_times"], message["limit"]
                    elif kind == "ref-memory":
                        out.ref_memory, current = message["memory"], None
                    elif kind == "memory":
                        verdicts[message["sample"]].memory, current = message["memory"], None
                        pending.discard(message["sample"])
                    elif kind == "level":
                        levels.setdefault(message["sample"], []).append(message["times"])
                    elif kind == "sample":
                        s = message["sample"]
                        verdicts[s] = SampleRun(
                            s,
                            message["passed"],
                            message["status"],
                            message.get("message", ""),
                            levels.pop(s, []),
                            message.get("censored_level"),
                        )
                        start = s + 1
                        if settings.get("memory") and message["status"] == "passed":
                            pending.add(s)
                    elif kind == "setup-error":
                        out.error = message["message"]
                        break
                    elif kind == "crash":
                        raise ChildDied(None, f"{message['type']}: {message['message']}")
                    elif kind == "finished":
                        start = len(codes)
                        pending.clear()
                        break
            except ChildTimeout:
                if out.ref_times is None:
                    out.error = f"building the tests and timing the reference took longer than {setup_timeout:g} s"
                elif current is not None and current.get("phase") == "ref-memory":  # EffiBench metrics lost only
                    out.ref_memory = {"error": "the reference's memory pass was killed at its time limit"}
                elif current is not None and current.get("phase") == "memory":  # verdict and times stand
                    verdicts[current["sample"]].memory = {"error": "the memory pass was killed at its time limit"}
                    pending.discard(current["sample"])
                elif current is not None:  # the run outlived T + tolerance + grace: censored at its level
                    level = int(current["level"])
                    status = "censored" if level > 0 else "timeout"
                    verdicts[start] = SampleRun(
                        start, level > 0, status, "killed at the time limit", levels.pop(start, []), level
                    )
                    start += 1
                elif start >= len(codes):  # every verdict is in: only memory figures are lost
                    pending.clear()
                else:
                    verdicts[start] = SampleRun(start, False, "error", "the worker hung between timed runs")
                    start += 1
            except ChildDied as exc:
                if out.ref_times is None:
                    out.error = f"the worker died while building the tests: {exc}"
                elif current is not None and current.get("phase") == "ref-memory":
                    out.ref_memory = {"error": f"the worker died in the reference's memory pass: {exc}"}
                elif current is not None and current.get("phase") == "memory":
                    verdicts[current["sample"]].memory = {"error": f"the worker died in the memory pass: {exc}"}
                    pending.discard(current["sample"])
                elif start >= len(codes):
                    pending.clear()
                else:
                    verdicts[start] = SampleRun(start, False, "crashed", str(exc), levels.pop(start, []))
                    start += 1
    out.samples = [verdicts[s] for s in sorted(verdicts)]
    out.seconds = time.monotonic() - started
    return out


def run_all(
    problems: Sequence[dict[str, Any]],
    codes: Sequence[Sequence[str]],
    settings: dict[str, Any],
    *,
    jobs: int,
    memory_limit: int | None,
    setup_timeout: float,
    progress: Callable[[int, int], None] | None = None,
) -> list[ProblemRun]:
    """Run every problem's job on ``jobs`` concurrent workers; results in the order of ``problems``."""
    results: list[ProblemRun | None] = [None] * len(problems)
    lock = threading.Lock()
    done = 0
    if progress is not None:
        progress(0, len(problems))
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="perfkit-eff") as pool:
        futures = {
            pool.submit(
                run_problem,
                problem,
                codes[i],
                settings,
                position=i,
                memory_limit=memory_limit,
                setup_timeout=setup_timeout,
            ): i
            for i, problem in enumerate(problems)
        }
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            with lock:
                done += 1
                if progress is not None:
                    progress(done, len(problems))
    return [r for r in results if r is not None]
