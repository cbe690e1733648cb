"""Is a candidate the same function? Run it beside the original, in a sandboxed child, on every input.

For each input the child calls the original on a deep copy and the candidate on another, then compares: the
return values (floats within a tolerance), the exception types, and the arguments afterwards (mutations). The
candidate's time limit per input is a multiple of the original's time on it; the child has a memory limit.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from typing import Any

from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._compare import difference, short

from perfkit.errors import InvalidArgument

_ENTRY = "perfkit.optimizers.verify:_serve"
_STARTUP = 60.0  # seconds for the child to start and import the original's module


@dataclass(frozen=True)
class Tolerance:
    """How close two floats must be: ``math.isclose(a, b, rel_tol=rel, abs_tol=abs)``."""

    rel: float = 1e-9
    abs: float = 1e-12


@dataclass(frozen=True)
class Verdict:
    """The outcome of verification. ``kind``: ok, wrong, exception, mutation, timeout, crash or untested."""

    ok: bool
    kind: str
    reason: str
    checked: int
    input_index: int | None = None


DEFAULT_TOLERANCE = Tolerance()


def verify(
    original: CodeRef,
    candidate: CodeRef,
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    timeout_factor: float = 10.0,
    min_timeout: float = 2.0,
    original_timeout: float = 60.0,
    memory_limit: int | None = 2 * 2**30,
) -> Verdict:
    """Compare ``candidate`` with ``original`` on ``inputs`` in a child process; the first difference rejects it.

    An input on which the original itself runs past ``original_timeout`` is skipped. The candidate may take
    ``max(min_timeout, timeout_factor * original_time)`` seconds per input.
    """
    if not isinstance(inputs, list) or not all(is_input(item) for item in inputs):
        raise InvalidArgument("inputs", type(inputs).__name__, "give a list of (args tuple, kwargs dict) pairs")
    if timeout_factor <= 0 or min_timeout <= 0 or original_timeout <= 0:
        raise InvalidArgument("timeout_factor", timeout_factor, "give positive time limits")
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    checked, start = 0, 0
    while start < len(inputs):
        payload = {"original": original, "candidate": candidate, "inputs": inputs, "start": start, "tol": tolerance}
        with Child(_ENTRY, payload, memory_limit=memory_limit) as child:
            index = start
            try:
                ready = child.recv(timeout=_STARTUP)
                if ready["kind"] == "crash":
                    return Verdict(False, "crash", f"verifier crashed: {ready['message']}", checked, index)
                while index < len(inputs):
                    message = child.recv(timeout=original_timeout)
                    if message["kind"] == "crash":
                        return Verdict(False, "crash", f"verifier crashed: {message['message']}", checked, index)
                    index = message["i"]
                    if message["kind"] == "skip":
                        index += 1
                        continue
                    limit = max(min_timeout, timeout_factor * message["seconds"])
                    try:
                        result = child.recv(timeout=limit)
                    except ChildTimeout:
                        return Verdict(
                            False, "timeout", f"input #{index}: no result within {limit:.3g} s", checked, index
                        )
                    if result["kind"] == "crash":
                        return Verdict(False, "crash", f"input #{index}: {result['message']}", checked, index)
                    checked += 1
                    if result["kind"] != "ok":
                        return Verdict(False, result["kind"], f"input #{index} {result['reason']}", checked, index)
                    index += 1
                return Verdict(True, "ok", f"same behaviour on {checked} inputs", checked)
            except ChildTimeout:  # the original passed its limit: skip that input in a fresh child
                start = index + 1
            except ChildDied as exc:
                return Verdict(False, "crash", f"input #{index}: {exc.describe()}", checked, index)
    return Verdict(checked > 0, "ok" if checked else "untested", f"same behaviour on {checked} inputs", checked)


def is_input(item: object) -> bool:
    """Whether ``item`` is an ``(args tuple, kwargs dict)`` pair."""
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple) and isinstance(item[1], dict)


def _call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, BaseException | None, float]:
    started = time.perf_counter()
    try:
        return func(*args, **kwargs), None, time.perf_counter() - started
    except Exception as exc:
        return None, exc, time.perf_counter() - started


def _serve(payload: dict[str, Any], emit: Any) -> None:
    """Child side: for each input, emit the original's time, then the comparison."""
    original = payload["original"].load()
    emit({"kind": "ready"})
    candidate = payload["candidate"]
    tol: Tolerance = payload["tol"]
    for index in range(payload["start"], len(payload["inputs"])):
        args, kwargs = payload["inputs"][index]
        a_args, a_kwargs = copy.deepcopy((args, kwargs))
        expected, expected_exc, seconds = _call(original, a_args, a_kwargs)
        emit({"kind": "original", "i": index, "seconds": seconds})
        b_args, b_kwargs = copy.deepcopy((args, kwargs))
        try:
            func = candidate.load()
        except Exception as exc:
            emit({"kind": "exception", "reason": f"candidate does not load: {type(exc).__name__}: {exc}"})
            return
        got, got_exc, _ = _call(func, b_args, b_kwargs)
        reason = _compare(
            args, kwargs, (expected, expected_exc, a_args, a_kwargs), (got, got_exc, b_args, b_kwargs), tol
        )
        if reason is not None:
            emit({"kind": reason[0], "reason": reason[1]})
            return
        emit({"kind": "ok"})


def _compare(
    args: tuple[Any, ...], kwargs: dict[str, Any], a: tuple[Any, ...], b: tuple[Any, ...], tol: Tolerance
) -> tuple[str, str] | None:
    shown = f"(args={short(args)}" + (f", kwargs={short(kwargs)})" if kwargs else ")")
    expected, expected_exc, a_args, a_kwargs = a
    got, got_exc, b_args, b_kwargs = b
    if type(expected_exc) is not type(got_exc):
        what = f"{type(expected_exc).__name__}" if expected_exc else "no exception"
        found = f"{type(got_exc).__name__}: {str(got_exc)[:200]}" if got_exc else "no exception"
        return "exception", f"{shown}: expected {what}, got {found}"
    if expected_exc is None:
        diff = difference(expected, got, rel=tol.rel, abs_=tol.abs, path="return value")
        if diff:
            return "wrong", f"{shown}: {diff}"
    diff = difference((a_args, a_kwargs), (b_args, b_kwargs), rel=tol.rel, abs_=tol.abs, path="arguments")
    if diff:
        return "mutation", f"{shown}: arguments after the call differ: {diff}"
    return None


def run_project_tests(
    candidate: CodeRef, pytest_args: list[str], *, timeout: float = 300.0, memory_limit: int | None = 2 * 2**30
) -> tuple[int, str]:
    """Run the project's tests (``pytest_args``) in a child with ``candidate`` patched into its module.

    Returns pytest's exit code (0: all passed; -1: the run timed out or died) and the last line of its report.
    """
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    try:
        with Child(
            "perfkit.optimizers.verify:_pytest_child",
            {"ref": candidate, "args": pytest_args},
            memory_limit=memory_limit,
        ) as child:
            message = child.recv(timeout=timeout)
    except ChildTimeout:
        return -1, f"the tests ran past {timeout:.0f} s"
    except ChildDied as exc:
        return -1, exc.describe()
    if message["kind"] == "crash":
        return -1, f"{message['type']}: {message['message']}"
    return int(message["code"]), message["summary"]


def _pytest_child(payload: dict[str, Any], emit: Any) -> None:
    import contextlib
    import importlib
    import io

    import pytest

    ref: CodeRef = payload["ref"]
    module = importlib.import_module(ref.module)
    if ref.source is not None:
        setattr(module, ref.name, ref.load())
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = pytest.main([*payload["args"], "-q", "-p", "no:cacheprovider", "-x"])
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    emit({"kind": "tests", "code": int(code), "summary": lines[-1] if lines else ""})


@dataclass(frozen=True)
class Checked:
    """A candidate's behaviour check, the unit executors farm out: ``verdict`` ok, rejected or error."""

    verdict: str
    reason: str
    check: Verdict | None = None


def behaves_like(
    original: CodeRef,
    candidate: CodeRef,
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    original_timeout: float = 60.0,
    memory_limit: int | None = 2 * 2**30,
    project_tests: list[str] | None = None,
) -> Checked:
    """:func:`verify` on ``inputs``, then (when given) the project's tests with the candidate patched in: a
    candidate that fails tests the original passes is rejected. Never raises for a failing candidate."""
    try:
        check = verify(
            original,
            candidate,
            inputs,
            tolerance=tolerance,
            original_timeout=original_timeout,
            memory_limit=memory_limit,
        )
    except Exception as exc:  # e.g. inputs that cannot be sent to a child process
        return Checked("error", f"verification failed: {type(exc).__name__}: {exc}")
    if not check.ok:
        return Checked("rejected", f"{check.kind}: {check.reason}", check)
    if project_tests:
        code, summary = run_project_tests(candidate, list(project_tests), memory_limit=memory_limit)
        if code != 0 and run_project_tests(original, list(project_tests), memory_limit=memory_limit)[0] == 0:
            return Checked("rejected", f"project tests fail with the candidate: {summary}", check)
    return Checked("ok", check.reason, check)
