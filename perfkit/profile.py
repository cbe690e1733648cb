"""Profiles of a command as ranked hotspots of the user's own code: Scalene first, cProfile where it cannot run.

Scalene runs as a subprocess (``python -m scalene run -o FILE ...``) and its JSON profile is read back: per file,
``lines`` and ``functions`` carry ``n_cpu_percent_python`` (time in Python code), ``n_cpu_percent_c`` (time in
native code called from that line) and ``n_malloc_mb``/``n_peak_mb`` (memory). Scalene has no call counts;
``calls=True`` adds a second run under cProfile for them. When Scalene fails or collects nothing, the profile
comes from cProfile alone: function level, own time, call counts, no memory and no Python/native split.
"""

from __future__ import annotations

import json
import os
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument, PerfkitError

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Hotspot:
    """A function (``line`` is where it starts) or a line of the user's code and its share of the profile.

    ``cpu_python`` and ``cpu_native`` are percents of the whole run's CPU time; memory is in MB.
    """

    file: str
    line: int
    function: str
    text: str = ""
    cpu_python: float = 0.0
    cpu_native: float = 0.0
    malloc_mb: float = 0.0
    peak_mb: float = 0.0
    calls: int | None = None

    @property
    def cpu_percent(self) -> float:
        return self.cpu_python + self.cpu_native


@dataclass
class Profile:
    """Ranked function and line hotspots of one run of a command, and how they were obtained."""

    command: list[str]
    tool: str
    returncode: int
    elapsed: float
    functions: list[Hotspot] = field(default_factory=list)
    lines: list[Hotspot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with a schema version."""
        from perfkit._io import document

        return document("profile", SCHEMA_VERSION, asdict(self))


@dataclass(frozen=True)
class _Program:
    module: str | None
    script: str | None
    args: list[str]


def parse_command(argv: list[str]) -> _Program:
    """``python script.py ...``, ``python -m module ...``, ``pytest ...`` or ``script.py ...``."""
    if not argv:
        raise InvalidArgument("command", argv, "give the command after '--', e.g. -- python script.py")
    head = Path(argv[0]).name
    if head.startswith("python"):
        rest = argv[1:]
        if len(rest) >= 2 and rest[0] == "-m":
            return _Program(rest[1], None, rest[2:])
        if rest and not rest[0].startswith("-"):
            return _Program(None, rest[0], rest[1:])
    elif head in ("pytest", "py.test"):
        return _Program("pytest", None, argv[1:])
    elif argv[0].endswith(".py"):
        return _Program(None, argv[0], argv[1:])
    raise InvalidArgument(
        "command", " ".join(argv), "give 'python script.py ...', 'python -m module ...' or 'pytest ...'"
    )


def profile_command(
    argv: list[str],
    *,
    use_scalene: bool = True,
    calls: bool = False,
    top: int = 20,
    timeout: float | None = None,
    cwd: str | Path | None = None,
    env: dict[str, str] | None = None,
    memory: bool = True,
) -> Profile:
    """Run ``argv`` under Scalene (or cProfile) and return its ranked hotspots (at most ``top`` of each kind).

    ``cwd`` and ``env`` are where and with what environment the command runs (default: here, as perfkit runs)."""
    program = parse_command(list(argv))
    if not isinstance(top, int) or top < 1:
        raise InvalidArgument("top", top, "give a whole number of at least 1")
    if program.script is not None and not Path(cwd or ".", program.script).is_file():
        raise InvalidArgument("command", program.script, "no such script; check the path after 'python'")
    folder = Path(cwd or ".").resolve()
    notes: list[str] = []
    if use_scalene:
        try:
            result = _run_scalene(program, list(argv), folder, timeout=timeout, memory=memory, env=env)
        except _ScaleneFailed as exc:
            notes.append(f"Scalene could not profile this run ({exc}); using cProfile (function level only)")
        else:
            result.functions, result.lines = result.functions[:top], result.lines[:top]
            if calls:
                counts = _run_cprofile(program, list(argv), folder, timeout=timeout, env=env)
                by_key = {(h.file, h.function): h.calls for h in counts.functions}
                result.functions = [_with_calls(h, by_key.get((h.file, h.function))) for h in result.functions]
            return result
    result = _run_cprofile(program, list(argv), folder, timeout=timeout, env=env)
    result.notes[:0] = notes
    result.functions = result.functions[:top]
    return result


def _with_calls(hotspot: Hotspot, calls: int | None) -> Hotspot:
    from dataclasses import replace

    return replace(hotspot, calls=calls)


class _ScaleneFailed(Exception):
    pass


def _launch(program: _Program, prefix: list[str], separator: list[str]) -> list[str]:
    target = ["-m", program.module] if program.module else [program.script or ""]
    return [sys.executable, *prefix, *target, *separator, *program.args]


def _run(cmd: list[str], folder: Path, timeout: float | None, env: dict[str, str] | None) -> tuple[int, float, str]:
    from perfkit.harness.group import run_group

    done = run_group(cmd, cwd=folder, env=env, timeout=timeout)  # Scalene's own child dies with it
    if done.returncode is None:
        raise PerfkitError(f"the profiled command ran past --timeout {timeout} s")
    return done.returncode, done.elapsed, done.stderr


def _run_scalene(
    program: _Program, argv: list[str], folder: Path, *, timeout: float | None, memory: bool, env: dict[str, str] | None
) -> Profile:
    with tempfile.TemporaryDirectory(prefix="perfkit-scalene-") as tmp:
        out = Path(tmp, "profile.json")
        options = ["-m", "scalene", "run", "-o", str(out), "--program-path", str(folder)]
        if not memory:
            options.append("--cpu-only")
        separator = ["---"] if program.args else []
        code, elapsed, stderr = _run(_launch(program, options, separator), folder, timeout, env)
        if not out.is_file():
            tail = stderr.strip().splitlines()[-1:] if stderr.strip() else [f"exit status {code}"]
            raise _ScaleneFailed(f"no profile written: {tail[0]}")
        try:
            data = json.loads(out.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as exc:
            raise _ScaleneFailed(f"unreadable profile: {exc}") from None
    if not data.get("files"):
        raise _ScaleneFailed("it collected no samples; the run may be too short")
    functions, lines = parse_scalene(data, root=folder)
    elapsed = float(data.get("elapsed_time_sec", elapsed))
    return Profile(argv, "scalene", code, elapsed, functions, lines)


def own_file(path: str, root: Path) -> bool:
    """Whether ``path`` is the user's code: not the standard library, an installed package or perfkit."""
    if not path or path.startswith("<") or path == "~":
        return False
    resolved = Path(path).resolve()
    system = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    if any(str(resolved).startswith(os.path.realpath(p) + os.sep) for p in system):
        return False
    if "site-packages" in resolved.parts or "dist-packages" in resolved.parts:
        return False
    return resolved.is_relative_to(root) or not resolved.is_relative_to(Path(sys.prefix).resolve())


def parse_scalene(data: dict[str, Any], *, root: Path) -> tuple[list[Hotspot], list[Hotspot]]:
    """Function and line hotspots of the user's files in a Scalene JSON profile, busiest first."""
    functions: list[Hotspot] = []
    lines: list[Hotspot] = []
    for filename, entry in data.get("files", {}).items():
        if not own_file(filename, root):
            continue
        spans = []
        for item in entry.get("functions", []):
            hotspot = _scalene_hotspot(filename, item, function=str(item.get("line", "")))
            spans.append((int(item.get("lineno", 0)), hotspot.function))
            if hotspot.cpu_percent > 0 or hotspot.malloc_mb > 0:
                functions.append(hotspot)
        spans.sort()
        for item in entry.get("lines", []):
            number = int(item.get("lineno", 0))
            owner = next((name for start, name in reversed(spans) if start <= number), "<module>")
            hotspot = _scalene_hotspot(filename, item, function=owner, text=str(item.get("line", "")).rstrip())
            if hotspot.cpu_percent > 0 or hotspot.malloc_mb > 0:
                lines.append(hotspot)
    key = lambda h: (h.cpu_percent, h.malloc_mb)  # noqa: E731
    return sorted(functions, key=key, reverse=True), sorted(lines, key=key, reverse=True)


def _scalene_hotspot(filename: str, item: dict[str, Any], *, function: str, text: str = "") -> Hotspot:
    return Hotspot(
        file=filename,
        line=int(item.get("lineno", 0)),
        function=function,
        text=text,
        cpu_python=float(item.get("n_cpu_percent_python", 0.0)),
        cpu_native=float(item.get("n_cpu_percent_c", 0.0)),
        malloc_mb=float(item.get("n_malloc_mb", 0.0)),
        peak_mb=float(item.get("n_peak_mb", 0.0)),
    )


FuncKey = tuple[str, int, str]  # pstats' (file, first line, name)


def cprofile_stats(
    argv: list[str], *, cwd: str | Path | None = None, env: dict[str, str] | None = None, timeout: float | None = None
) -> tuple[dict[FuncKey, Any], float, int]:
    """Run ``argv`` under cProfile; its raw ``pstats.Stats(...).stats`` (func -> (cc, nc, tt, ct, callers)), the
    wall time and the exit status. Files are as the program saw them (relative to ``cwd`` for its own script)."""
    import pstats

    program = parse_command(list(argv))
    folder = Path(cwd or ".").resolve()
    with tempfile.TemporaryDirectory(prefix="perfkit-cprofile-") as tmp:
        out = Path(tmp, "profile.pstats")
        code, elapsed, stderr = _run(_launch(program, ["-m", "cProfile", "-o", str(out)], []), folder, timeout, env)
        if not out.is_file():
            tail = stderr.strip().splitlines()[-1:] if stderr.strip() else [f"exit status {code}"]
            raise PerfkitError(f"the command could not be profiled: {tail[0]}")
        stats: dict[FuncKey, Any] = pstats.Stats(str(out)).stats  # type: ignore[attr-defined]
    return stats, elapsed, code


def attributed_time(stats: dict[FuncKey, Any], *, own: Callable[[FuncKey], bool]) -> dict[FuncKey, float]:
    """Each ``own`` function's own time plus the time of the code it calls that is not ``own`` (builtins such
    as ``list.pop``, the standard library, installed packages), in seconds.

    cProfile charges ``xs.pop(0)`` to the builtin, not to the function that calls it. Here the time of every
    function that is not ``own`` flows up the call graph to its callers, split in proportion to the time each
    caller spent in it (pstats' per-caller cumulative time; call counts when those are all zero), until it
    reaches an ``own`` function. A builtin that calls back into ``own`` code (``sorted(key=...)``) passes on only
    its own time: the callback is charged to itself. Time that reaches no ``own`` function (the interpreter's
    start-up, imports run by the import system) is left out.
    """
    charged = {func: float(entry[2]) for func, entry in stats.items() if own(func)}
    pending = {func: float(entry[2]) for func, entry in stats.items() if not own(func) and entry[2] > 0}
    total = sum(pending.values())
    for _ in range(200):  # mass moves one call level per pass; cycles among library functions leak out
        if sum(pending.values()) <= 1e-9 * max(total, 1e-12):
            break
        moved: dict[FuncKey, float] = {}
        for func, mass in pending.items():
            callers = {c: t for c, t in stats[func][4].items() if c != func and c in stats}
            weights = {c: float(t[3]) for c, t in callers.items()}
            if not any(weights.values()):
                weights = {c: float(t[0]) for c, t in callers.items()}
            spread = sum(weights.values())
            if spread <= 0:
                continue  # no caller: the mass is the run's own overhead
            for caller, weight in weights.items():
                part = mass * weight / spread
                if own(caller):
                    charged[caller] += part
                else:
                    moved[caller] = moved.get(caller, 0.0) + part
        pending = moved
    return charged


def _run_cprofile(
    program: _Program, argv: list[str], folder: Path, *, timeout: float | None, env: dict[str, str] | None = None
) -> Profile:
    stats, elapsed, code = cprofile_stats(argv, cwd=folder, env=env, timeout=timeout)
    total = sum(entry[2] for entry in stats.values()) or 1.0
    functions = [
        Hotspot(file=str(folder / file), line=line, function=name, cpu_python=100.0 * own / total, calls=int(calls))
        for (file, line, name), (_, calls, own, _, _) in stats.items()
        if own_file(file, folder)
    ]
    functions.sort(key=lambda h: h.cpu_python, reverse=True)
    note = "cProfile: own time per function (Python and native not separated), call counts, no memory"
    return Profile(argv, "cprofile", code, elapsed, functions, [], [note])
