"""The hidden check of the real-code corpus: is an accepted candidate the same function as the original?

Independent of perfkit's verifier on purpose: it shares nothing with it but the two functions it calls. Inputs
come from the entry's own generator in wide mode (negatives, zero, empty, duplicates, unicode, large values) with
a seed perfkit never sees, plus a few everyday inputs at the real sizes drawn with another seed. The original runs
in its own processes (under two hash seeds) and the candidate in another, each installed the way a patch would
be (its source executed in the module's namespace, so recursive calls and callers reach it too). Results,
raised exception types and the arguments after the call (in-place changes) are compared; floats within a
relative 1e-9 ("float" entries) or 1e-12; container order is ignored only for inputs whose original result
changes order between the two hash seeds.

    python benchmarks/_corpus_hidden.py NAME OUT.pickle   # child mode (reads the job as JSON on stdin)
"""

from __future__ import annotations

import array
import decimal
import fractions
import json
import math
import os
import pickle
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HIDDEN_SEED = 918_273  # never given to perfkit
WIDE_INPUTS = 150
Record = tuple[str, Any, Any]  # outcome ("ok" or "raises TypeName"), result, arguments after the call


@dataclass(frozen=True)
class HiddenVerdict:
    """The hidden check's outcome: inputs checked, the mismatches, the first one described."""

    checked: int
    mismatches: int
    first: str = ""

    @property
    def ok(self) -> bool:
        return self.checked > 0 and self.mismatches == 0


def hidden_inputs(name: str, *, seed: int = HIDDEN_SEED) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The hidden check's inputs for the entry ``name`` (deterministic in ``seed``)."""
    from corpus.generators import GENERATORS
    from corpus.manifest import ALL_FUNCTIONS

    entry = next(e for e in ALL_FUNCTIONS if e.name == name)
    gen = GENERATORS[entry.gen]
    rng = random.Random(f"{seed}:{name}")
    wide = [gen(rng, entry.check_size, True) for _ in range(WIDE_INPUTS)]
    everyday = [gen(rng, size, False) for size in entry.sizes[:2]]
    return wide + everyday


def check(name: str, source: str, *, timeout: float = 900.0) -> HiddenVerdict:
    """Compare the candidate ``source`` (a patch of entry ``name``) with the original on the hidden inputs."""
    try:
        first = _run(name, None, hash_seed=1, timeout=timeout)
        second = _run(name, None, hash_seed=2, timeout=timeout)
    except RuntimeError as exc:
        return HiddenVerdict(0, 0, f"the original failed in the hidden check: {exc}")
    try:
        theirs = _run(name, source, hash_seed=3, timeout=timeout)
    except RuntimeError as exc:
        return HiddenVerdict(len(first), len(first), f"the candidate's process failed: {exc}")
    from corpus.manifest import ALL_FUNCTIONS

    rel = 1e-9 if next(e for e in ALL_FUNCTIONS if e.name == name).compare == "float" else 1e-12
    mismatches, described = 0, ""
    for i, (a, b, c) in enumerate(zip(first, second, theirs, strict=True)):
        stable = _same(a, b, rel)
        if not _same(a, c, rel) if stable else not _same(_unordered(a), _unordered(c), rel):
            mismatches += 1
            described = described or f"input {i}: {_difference(a, c)}"
    return HiddenVerdict(len(first), mismatches, described)


def _run(name: str, source: str | None, *, hash_seed: int, timeout: float) -> list[Record]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pickle"
        env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
        job = json.dumps({"source": source})
        try:
            done = subprocess.run(
                [sys.executable, __file__, name, str(out)],
                input=job,
                text=True,
                capture_output=True,
                env=env,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timed out after {timeout:.0f} s") from None
        if done.returncode != 0 or not out.exists():
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"exit status {done.returncode}: {tail}")
        records: list[Record] = pickle.loads(out.read_bytes())
        return records


def _child(name: str, out: str) -> None:
    """Child mode: build the inputs, install the candidate if any, call, write the canonical records."""
    from _corpus_fetch import load
    from corpus.manifest import ALL_FUNCTIONS

    job = json.loads(sys.stdin.read())
    entry = next(e for e in ALL_FUNCTIONS if e.name == name)
    inputs = hidden_inputs(name)
    if job["source"] is not None:
        import importlib

        module = importlib.import_module(entry.module)
        owner_path = entry.qualname.split(".")[:-1]
        if owner_path:  # a method: define it beside the module's globals, then set it on its class
            namespace = dict(vars(module))
            exec(compile(job["source"], f"<candidate {name}>", "exec"), namespace)
            owner: Any = module
            for part in owner_path:
                owner = getattr(owner, part)
            setattr(owner, entry.qualname.split(".")[-1], namespace[entry.qualname.split(".")[-1]])
        else:
            exec(compile(job["source"], f"<candidate {name}>", "exec"), vars(module))
    func = load(entry)
    records: list[Record] = []
    for args, kwargs in inputs:
        try:
            result = func(*args, **kwargs)
            if hasattr(result, "__next__"):  # a generator: what it yields
                result = list(result)
            records.append(("ok", _canon(result), _canon((args, kwargs))))
        except Exception as exc:  # the same exception type is the same behaviour
            records.append((f"raises {type(exc).__name__}", None, _canon((args, kwargs))))
    Path(out).write_bytes(pickle.dumps(records))


def _canon(value: Any, depth: int = 0) -> Any:
    """Plain builtins that stand for ``value``: tagged containers, objects as their attributes."""
    if depth > 40:
        return ("deep", repr(value)[:200])
    if value is None or isinstance(value, bool | int | str | bytes | float | complex):
        return value
    if isinstance(value, decimal.Decimal | fractions.Fraction):  # no __dict__ or __slots__ that hold the value
        return (type(value).__name__, str(value))
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_canon(v, depth + 1) for v in value])
    if isinstance(value, dict):
        return ("dict", [(_canon(k, depth + 1), _canon(v, depth + 1)) for k, v in value.items()])
    if isinstance(value, set | frozenset):
        return ("set", sorted((_canon(v, depth + 1) for v in value), key=repr))
    if isinstance(value, array.array):
        return ("array", value.typecode, value.tolist())
    slots = [s for cls in type(value).__mro__ for s in getattr(cls, "__slots__", ())]
    fields = dict(getattr(value, "__dict__", {})) | {s: getattr(value, s) for s in slots if hasattr(value, s)}
    return ("object", type(value).__qualname__, _canon(fields, depth + 1))


def _unordered(value: Any) -> Any:
    """``value`` with the order of every container's items dropped (for results whose order follows hashing)."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], list) and isinstance(value[0], str):
        return (value[0], sorted((_unordered(v) for v in value[1]), key=repr))
    if isinstance(value, tuple):
        return tuple(_unordered(v) for v in value)
    return value


def _same(a: Any, b: Any, rel: float) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple | list):
        return len(a) == len(b) and all(_same(x, y, rel) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _difference(original: Record, candidate: Record) -> str:
    """Which part of a call differs: the outcome, the result, or the arguments after the call (in-place)."""
    if original[0] != candidate[0]:
        return f"original {original[0]}, candidate {candidate[0]}"
    if original[1] != candidate[1]:
        return f"result: original {_short(original[1])}, candidate {_short(candidate[1])}"
    return f"arguments after the call: original {_short(original[2])}, candidate {_short(candidate[2])}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) < 160 else text[:157] + "..."


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    _child(sys.argv[1], sys.argv[2])
