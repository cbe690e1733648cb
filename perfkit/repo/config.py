"""``[tool.perfkit]`` in a repository's pyproject.toml: the keys, their defaults, and their validation.

Command-line flags override these; every key is checked before any work starts, and an error names the key
and the file.
"""

from __future__ import annotations

import shlex
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument, PerfkitError


@dataclass(frozen=True)
class RepoConfig:
    """Settings of ``perfkit optimize`` for one repository."""

    workload: str = ""  # command run from the repository root; "" means the repository's tests
    tests: str = "python -m pytest -q -x -p no:cacheprovider"  # the repository's own test command
    include: tuple[str, ...] = ("**/*.py",)  # source files perfkit may optimise (globs, from the root)
    exclude: tuple[str, ...] = ("tests/**", "test_*.py", "**/test_*.py", "**/*_test.py", "setup.py", "conftest.py")
    threshold: float = 0.02  # smallest share of the workload's time worth optimising
    min_speedup: float = 1.05  # a winner's speedup interval must lie above this
    budget: float = 10.0  # minutes for the whole run
    model: str = ""  # LLM model(s): "name", "a,b" or "a:3,b:1"; "" means PERFKIT_MODEL, else discovered or offline
    llm_budget: str = ""  # most LLM requests and tokens, "requests=200,tokens=400k"; "" means no limit
    llm_cache: bool = True  # keep LLM replies so a re-run asks nothing twice (--no-cache turns it off)
    llm_timeout: float = 120.0  # seconds for one LLM reply (a local model on a CPU is slow)
    jobs: int = 0  # parallel verification workers; 0 means the number of cores
    out: str = ".perfkit"  # results folder, relative to the repository root
    timeout: float = 120.0  # seconds for one run of the workload or the tests
    fuzz_budget: float = 15.0  # seconds of fuzzing per function for stress inputs; 0 turns it off
    fuzz_max_size: int = 0  # size bound of the fuzzed inputs; 0: like the largest captured input (at most 2000)
    functions: tuple[str, ...] = field(default=())  # restrict to these function names (globs on module.qualname)

    def workload_argv(self) -> list[str]:
        """The workload as an argument list (the tests when no workload is set)."""
        return shlex.split(self.workload or self.tests)

    def tests_argv(self) -> list[str]:
        """The repository's test command as an argument list."""
        return shlex.split(self.tests)

    def merged(self, **flags: Any) -> RepoConfig:
        """A copy with the command-line flags that were given (not None) applied, validated."""
        given = {key: value for key, value in flags.items() if value is not None}
        unknown = set(given) - {f.name for f in fields(self)}
        if unknown:
            raise InvalidArgument("flag", sorted(unknown)[0], "not a perfkit optimize setting")
        return _validated(replace(self, **given), where="command line")


def load_config(root: Path) -> RepoConfig:
    """Read ``[tool.perfkit]`` from ``root/pyproject.toml``; defaults when there is none."""
    path = root / "pyproject.toml"
    if not path.is_file():
        return RepoConfig()
    try:
        data = tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PerfkitError(f"{path}: not valid TOML ({exc})") from None
    section = data.get("tool", {}).get("perfkit", {})
    if not isinstance(section, dict):
        raise PerfkitError(f"{path}: [tool.perfkit] must be a table")
    from perfkit.config_file import SECTIONS

    section = {k: v for k, v in section.items() if k not in SECTIONS}  # the other commands' sub-tables
    known = {f.name for f in fields(RepoConfig)}
    unknown = sorted(set(section) - known)
    if unknown:
        raise PerfkitError(f"{path}: unknown key [tool.perfkit] {unknown[0]!r}; known keys: {', '.join(sorted(known))}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in section.items()}
    try:
        config = RepoConfig(**values)
    except TypeError as exc:
        raise PerfkitError(f"{path}: [tool.perfkit]: {exc}") from None
    return _validated(config, where=str(path))


def _validated(config: RepoConfig, *, where: str) -> RepoConfig:
    def bad(key: str, fix: str) -> PerfkitError:
        return PerfkitError(f"{where}: {key}={getattr(config, key)!r}: {fix}")

    for key in ("workload", "tests", "model", "out", "llm_budget"):
        if not isinstance(getattr(config, key), str):
            raise bad(key, "give a string")
    if not config.tests.strip():
        raise bad("tests", "give the command that runs the repository's tests, e.g. 'python -m pytest -q'")
    for key in ("workload", "tests"):
        try:
            shlex.split(getattr(config, key))
        except ValueError as exc:
            raise bad(key, f"not a valid command line ({exc})") from None
    for key in ("include", "exclude", "functions"):
        value = getattr(config, key)
        if not isinstance(value, tuple) or not all(isinstance(v, str) and v for v in value):
            raise bad(key, "give a list of glob patterns")
    if not isinstance(config.threshold, int | float) or not 0 <= config.threshold < 1:
        raise bad("threshold", "give a share of time between 0 and 1, e.g. 0.02")
    if not isinstance(config.min_speedup, int | float) or config.min_speedup < 1:
        raise bad("min_speedup", "give a ratio of at least 1, e.g. 1.05")
    for key in ("budget", "timeout", "llm_timeout"):
        value = getattr(config, key)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            raise bad(key, "give a positive number")
    if not isinstance(config.llm_cache, bool):
        raise bad("llm_cache", "give true or false")
    from perfkit.optimizers.llm_budget import parse_budget
    from perfkit.optimizers.llm_config import parse_models

    try:
        parse_budget(config.llm_budget)
        if config.model.strip():
            parse_models(config.model)
    except InvalidArgument as exc:
        raise bad(exc.name, exc.fix) from None
    if not isinstance(config.jobs, int) or isinstance(config.jobs, bool) or config.jobs < 0:
        raise bad("jobs", "give a whole number of workers, 0 for one per core")
    if (
        not isinstance(config.fuzz_budget, int | float)
        or isinstance(config.fuzz_budget, bool)
        or config.fuzz_budget < 0
    ):
        raise bad("fuzz_budget", "give seconds of fuzzing per function, 0 for none")
    if not isinstance(config.fuzz_max_size, int) or isinstance(config.fuzz_max_size, bool) or config.fuzz_max_size < 0:
        raise bad("fuzz_max_size", "give a whole number, 0 to follow the captured inputs")
    return config
