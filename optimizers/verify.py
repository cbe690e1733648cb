"""Is a candidate the same function? Run it beside the original, in a sandboxed child, on every input.

For each input the child calls the original on a deep copy and the candidate on another, then compares: the
return values (floats within a tolerance), the exception types, and the arguments afterwards (mutations). The
candidate's time limit per input is a multiple of the original's time on it; the child has a memory limit.

Order that the original does not keep. The comparing child runs with ``PYTHONHASHSEED`` fixed (verdicts are
repeatable), and the original runs once more, in a second child with another hash seed, on the same inputs.
Wherever the original's two outcomes on an input differ only in order (a list or tuple with the same items, a
string with the same characters, a dict with the same keys), that place is marked unordered; places are named
by patterns in which list items share ``[*]`` and dict values share ``{*}`` (so a grouping dict's lists count
as one place), and a place marked on any input is unordered on all of them, because two seeds can agree by
chance on a small set. At unordered places the candidate's result is compared as a multiset or a mapping;
everywhere else order counts, and a candidate with different items is rejected either way. Where the other run
is missing (it timed out, or its result cannot be pickled) or raised differently, nothing is marked.
"""

from __future__ import annotations

import copy
import os
import pickle
import time
from dataclasses import dataclass
from typing import Any

from perfkit.optimizers._code import CodeRef
from perfkit.optimizers._compare import difference, order_unstable, short
from perfkit.optimizers._iterators import drain

from perfkit.errors import InvalidArgument

_ENTRY = "perfkit.optimizers.verify:_serve"
_OTHER = "perfkit.optimizers.verify:_other_child"
_STARTUP = 60.0  # seconds for the child to start and import the original's module
_RECOMPILE = 10.0  # seconds more on the first input of each other combination of argument types


@dataclass(frozen=True)
class Tolerance:
    """How close two floats must be: ``math.isclose(a, b, rel_tol=rel, abs_tol=abs)``."""

    rel: float = 1e-9
    abs: float = 1e-12


@dataclass(frozen=True)
class Verdict:
    """The outcome of verification. ``kind``: ok, wrong, exception, mutation, timeout, crash or untested.

    ``unordered``: the places compared without order, because the original's order there follows string hashing.
    """

    ok: bool
    kind: str
    reason: str
    checked: int
    input_index: int | None = None
    unordered: tuple[str, ...] = ()


DEFAULT_TOLERANCE = Tolerance()
HASH_SEEDS = (1, 2)  # PYTHONHASHSEED of the comparing child, and of the original's second run


def verify(
    original: CodeRef,
    candidate: CodeRef,
    inputs: list[tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    timeout_factor: float = 10.0,
    min_timeout: float = 2.0,
    first_call: float = 30.0,
    original_timeout: float = 60.0,
    memory_limit: int | None = 2 * 2**30,
    hash_seeds: tuple[int, int] | None = HASH_SEEDS,
    order_budget: float = 30.0,
) -> Verdict:
    """Compare ``candidate`` with ``original`` on ``inputs`` in a child process; the first difference rejects it.

    An input on which the original itself runs past ``original_timeout`` is skipped. The candidate may take
    ``max(min_timeout, timeout_factor * original_time)`` seconds per input, and ``first_call`` seconds more on
    its first (imports, a JIT's compilation or cache load) and at most 10 s more on the first of every other
    combination of argument types (a JIT compiles again for each). ``hash_seeds``: the comparing child
    runs with the first ``PYTHONHASHSEED``; the original also runs in a second child with the other, and order
    is compared only where the two runs of the original agree on it (None: order always counts). The second
    run stops after ``order_budget`` seconds; the inputs it did not reach mark nothing (order counts there,
    unless another input showed that place to follow the hash seed).
    """
    if not isinstance(inputs, list) or not all(is_input(item) for item in inputs):
        raise InvalidArgument("inputs", type(inputs).__name__, "give a list of (args tuple, kwargs dict) pairs")
    if timeout_factor <= 0 or min_timeout <= 0 or original_timeout <= 0 or first_call < 0:
        raise InvalidArgument("timeout_factor", timeout_factor, "give positive time limits")
    if hash_seeds is not None and (len(hash_seeds) != 2 or hash_seeds[0] == hash_seeds[1]):
        raise InvalidArgument("hash_seeds", hash_seeds, "give two different PYTHONHASHSEED values, or None")
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    env = None
    other: list[bytes | None] = [None] * len(inputs)
    if hash_seeds is not None:
        env = {**os.environ, "PYTHONHASHSEED": str(hash_seeds[0])}
        other = _other_seed(
            original,
            inputs,
            seed=hash_seeds[1],
            timeout=original_timeout,
            budget=order_budget,
            memory_limit=memory_limit,
        )
    skip: set[int] = set()
    while True:
        payload = {"original": original, "candidate": candidate, "inputs": inputs, "skip": skip, "tol": tolerance}
        payload["other"] = other
        with Child(_ENTRY, payload, memory_limit=memory_limit, env=env) as child:
            index, checked = -1, 0
            seconds: dict[int, float] = {}
            try:
                if (ready := child.recv(timeout=_STARTUP))["kind"] == "crash":
                    return Verdict(False, "crash", f"verifier crashed: {ready['message']}", 0)
                while len(seconds) + len(skip) < len(inputs):  # the original on every input first
                    index = next(i for i in range(index + 1, len(inputs)) if i not in skip)
                    message = child.recv(timeout=original_timeout)
                    if message["kind"] == "crash":
                        return Verdict(False, "crash", f"verifier crashed: {message['message']}", 0, index)
                    seconds[message["i"]] = message["seconds"]
                marked = child.recv(timeout=_STARTUP)
            except ChildTimeout:  # the original passed its limit: skip that input in a fresh child
                skip.add(index)
                continue
            except ChildDied as exc:
                return Verdict(False, "crash", f"input #{index}: {exc.describe()}", 0, index)
            if marked["kind"] == "crash":
                return Verdict(False, "crash", f"verifier crashed: {marked['message']}", 0)
            unordered = tuple(marked["unordered"])
            signatures: set[tuple[str, ...]] = set()
            for index in sorted(seconds):
                limit = max(min_timeout, timeout_factor * seconds[index])
                signature = _signature(inputs[index])
                if signature not in signatures:  # the candidate loads, or a JIT compiles for new argument types
                    limit += first_call if not signatures else min(first_call, _RECOMPILE)
                    signatures.add(signature)
                try:
                    called = child.recv(timeout=limit)  # the call alone is limited; comparing a big result is not
                    result = called if called["kind"] != "called" else child.recv(timeout=max(limit, _STARTUP))
                except ChildTimeout:
                    reason = f"input #{index}: no result within {limit:.3g} s"
                    return Verdict(False, "timeout", reason, checked, index, unordered)
                except ChildDied as exc:
                    return Verdict(False, "crash", f"input #{index}: {exc.describe()}", checked, index, unordered)
                if result["kind"] == "crash":
                    return Verdict(False, "crash", f"input #{index}: {result['message']}", checked, index, unordered)
                checked += 1
                if result["kind"] != "ok":
                    reason = f"input #{index} {result['reason']}"
                    return Verdict(False, result["kind"], reason, checked, index, unordered)
            if not checked:
                return Verdict(False, "untested", "the original ran past its time limit on every input", 0)
            reason = f"same behaviour on {checked} inputs"
            if unordered:
                reason += f" (order not compared at {', '.join(unordered)}: it follows string hashing in the original)"
            return Verdict(True, "ok", reason, checked, None, unordered)


def _signature(item: tuple[tuple[Any, ...], dict[str, Any]]) -> tuple[str, ...]:
    """The argument types of an input, as a JIT specialises on them (``list[int]``, ``float``)."""
    from perfkit.optimizers._code import describe_type

    args, kwargs = item
    return (*map(describe_type, args), *(f"{k}={describe_type(v)}" for k, v in sorted(kwargs.items())))


def is_input(item: object) -> bool:
    """Whether ``item`` is an ``(args tuple, kwargs dict)`` pair."""
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], tuple) and isinstance(item[1], dict)


def _call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, BaseException | None, float]:
    started = time.perf_counter()
    try:
        return drain(func(*args, **kwargs)), None, time.perf_counter() - started  # an iterator's work is its items
    except Exception as exc:
        return None, exc, time.perf_counter() - started


def _other_seed(
    original: CodeRef, inputs: list[Any], *, seed: int, timeout: float, budget: float, memory_limit: int | None
) -> list[bytes | None]:
    """The original's outcome on each input under ``PYTHONHASHSEED=seed``, pickled in its child (None where it
    ran past ``timeout`` or the whole ``budget``, died, or its outcome cannot be pickled)."""
    from perfkit.harness.sandbox import Child, ChildDied, ChildTimeout

    out: list[bytes | None] = []
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    deadline = time.monotonic() + budget
    while len(out) < len(inputs) and time.monotonic() < deadline:
        start = len(out)
        payload = {"ref": original, "inputs": inputs[start:]}
        try:
            with Child(_OTHER, payload, memory_limit=memory_limit, env=env) as child:
                while len(out) < len(inputs):
                    startup = _STARTUP if len(out) == start else 0.0
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    message = child.recv(timeout=min(timeout, left) + startup)
                    if message["kind"] == "crash":
                        raise ChildDied(1, message["message"])
                    out.append(message["blob"])
        except ChildTimeout:
            out.append(None)
        except ChildDied:
            break
    return out + [None] * (len(inputs) - len(out))


def _other_child(payload: dict[str, Any], emit: Any) -> None:
    func = payload["ref"].load()
    for args, kwargs in payload["inputs"]:
        args, kwargs = copy.deepcopy((args, kwargs))
        value, exc, _ = _call(func, args, kwargs)
        try:
            blob: bytes | None = pickle.dumps((value, _exc_name(exc), args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            blob = None
        emit({"kind": "other", "blob": blob})


def _exc_name(exc: BaseException | None) -> str | None:
    return None if exc is None else f"{type(exc).__module__}.{type(exc).__qualname__}"


def _serve(payload: dict[str, Any], emit: Any) -> None:
    """Child side: the original on every input (emitting its time), the places where its order follows the hash
    seed, then the candidate's comparison on each input."""
    original = payload["original"].load()
    emit({"kind": "ready"})
    tol: Tolerance = payload["tol"]
    runs: dict[int, tuple[Any, ...]] = {}
    unordered: set[str] = set()
    for index, (args, kwargs) in enumerate(payload["inputs"]):
        if index in payload["skip"]:
            continue
        a_args, a_kwargs = copy.deepcopy((args, kwargs))
        expected, expected_exc, seconds = _call(original, a_args, a_kwargs)
        runs[index] = (expected, expected_exc, a_args, a_kwargs)
        emit({"kind": "original", "i": index, "seconds": seconds})
        unordered |= _unstable(runs[index], payload["other"][index], tol)
    emit({"kind": "unordered", "unordered": sorted(unordered)})
    loose = frozenset(unordered)
    try:
        func = payload["candidate"].load()
    except Exception as exc:
        emit({"kind": "exception", "reason": f"candidate does not load: {type(exc).__name__}: {exc}"})
        return
    for index, expected_run in runs.items():
        args, kwargs = payload["inputs"][index]
        b_args, b_kwargs = copy.deepcopy((args, kwargs))
        got, got_exc, _ = _call(func, b_args, b_kwargs)
        emit({"kind": "called"})
        reason = _compare(args, kwargs, expected_run, (got, got_exc, b_args, b_kwargs), tol, loose)
        if reason is not None:
            emit({"kind": reason[0], "reason": reason[1]})
            return
        emit({"kind": "ok"})


def _unstable(run: tuple[Any, ...], blob: bytes | None, tol: Tolerance) -> set[str]:
    """Where the original's outcome under the other hash seed differs from ``run`` only in order."""
    if blob is None:
        return set()
    try:
        value, exc_name, args, kwargs = pickle.loads(blob)
        expected, expected_exc, a_args, a_kwargs = run
        if exc_name != _exc_name(expected_exc):
            return set()
        found = order_unstable((a_args, a_kwargs), (args, kwargs), rel=tol.rel, abs_=tol.abs, pattern="arguments")
        if expected_exc is None:
            found |= order_unstable(expected, value, rel=tol.rel, abs_=tol.abs, pattern="return value")
    except Exception:  # values that cannot be loaded or compared: order counts there
        return set()
    return found


def _compare(
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    a: tuple[Any, ...],
    b: tuple[Any, ...],
    tol: Tolerance,
    loose: frozenset[str] = frozenset(),
) -> tuple[str, str] | None:
    shown = f"(args={short(args)}" + (f", kwargs={short(kwargs)})" if kwargs else ")")
    expected, expected_exc, a_args, a_kwargs = a
    got, got_exc, b_args, b_kwargs = b
    if type(expected_exc) is not type(got_exc):
        what = f"{type(expected_exc).__name__}" if expected_exc else "no exception"
        found = f"{type(got_exc).__name__}: {str(got_exc)[:200]}" if got_exc else "no exception"
        return "exception", f"{shown}: expected {what}, got {found}"
    if expected_exc is None:
        diff = difference(expected, got, rel=tol.rel, abs_=tol.abs, path="return value", loose=loose)
        if diff:
            return "wrong", f"{shown}: {diff}"
    diff = difference((a_args, a_kwargs), (b_args, b_kwargs), rel=tol.rel, abs_=tol.abs, path="arguments", loose=loose)
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
    """A candidate's behaviour check, the unit executors farm out: ``verdict`` ok, rejected or error.

    ``source``: the candidate as accepted, when it is not the source given: its guard's item checks left out,
    because it also behaved like the original with items of other types (None: the source given)."""

    verdict: str
    reason: str
    check: Verdict | None = None
    source: str | None = None


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
    candidate that fails tests the original passes is rejected. Never raises for a failing candidate.

    A candidate whose guard checks the types of its arguments' items (every call reads every item) is also
    verified without those checks on copies of ``inputs`` holding items of other types
    (:func:`perfkit.shapes.foreign_variants`): where it behaves like the original there too, it is accepted
    without them (``Checked.source``); otherwise such items keep going to the original."""
    options: dict[str, Any] = {"tolerance": tolerance, "original_timeout": original_timeout}
    try:
        check = verify(original, candidate, inputs, memory_limit=memory_limit, **options)
    except Exception as exc:  # e.g. inputs that cannot be sent to a child process
        return Checked("error", f"verification failed: {type(exc).__name__}: {exc}")
    if not check.ok:
        return Checked("rejected", f"{check.kind}: {check.reason}", check)
    final, reason = _without_item_checks(original, candidate, inputs, check, memory_limit=memory_limit, **options)
    if project_tests:
        code, summary = run_project_tests(final, list(project_tests), memory_limit=memory_limit)
        if code != 0 and run_project_tests(original, list(project_tests), memory_limit=memory_limit)[0] == 0:
            return Checked("rejected", f"project tests fail with the candidate: {summary}", check)
    return Checked("ok", reason, check, final.source if final is not candidate else None)


def _without_item_checks(
    original: CodeRef, candidate: CodeRef, inputs: list[Any], check: Verdict, **options: Any
) -> tuple[CodeRef, str]:
    """``candidate`` without its guard's item checks, when it behaves like the original on items of other types
    too, and the reason to show; else ``candidate`` and ``check.reason`` (with a note when it differed)."""
    from perfkit.optimizers._unexplored import relaxed

    from perfkit.shapes import foreign_variants

    if not candidate.source:
        return candidate, check.reason
    loose = relaxed(candidate.source, candidate.name.rsplit(".", 1)[-1])
    variants = foreign_variants(inputs) if loose != candidate.source else []
    if not variants:
        return candidate, check.reason
    wider = CodeRef(candidate.module, candidate.name, loose)
    try:
        found = verify(original, wider, variants, **options)
    except Exception as exc:  # variants that cannot be sent to a child: the item checks stay
        return candidate, f"{check.reason}; items of other types go to the original ({type(exc).__name__})"
    if found.ok:
        more = f"; with items of other types too (on {found.checked} more inputs), so their types are not checked"
        return wider, check.reason + more
    return candidate, f"{check.reason}; items of other types go to the original (with them: {found.reason[:160]})"
