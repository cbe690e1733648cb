"""Methods as optimisation targets: the candidate is verified as it will sit in its class, written back with the
class's indentation, and methods tied to their class body are left alone with the reason."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from perfkit.optimizers._code import as_method, function_source

from perfkit.errors import InvalidArgument
from perfkit.repo.config import RepoConfig
from perfkit.repo.optimize import optimize_repo

CORE = '''
import functools


def _deprecated(func):
    @functools.wraps(func)
    def with_warning(*args, **kwargs):
        return func(*args, **kwargs)

    return with_warning


class Registry:
    """Names with a prefix; the instance holds a closure, which pickle refuses (cloudpickle carries it)."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.calls = 0
        self.distinct = _deprecated(self.unique)

    def unique(self, items: list[str]) -> list[str]:
        """The distinct items in first-seen order."""
        self.calls += 1
        out = []
        for x in items:
            if x not in out:
                out.append(x)
        return out


class Child(Registry):
    def unique(self, items: list[str]) -> list[str]:
        return super().unique(items)
'''

BENCH = """
from mini.core import Child, Registry

names = [f"n{i % 1500}" for i in range(3000)]
for _ in range(3):
    Registry("x-").unique(names)
Child("y-").unique(names[:50])
"""


def load(path: Path, name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_as_method_moves_helpers_into_the_body() -> None:
    folded = as_method(
        "import collections\n\ndef f(self, xs):\n    '''Doc.'''\n    return collections.Counter(xs)\n", "f"
    )
    assert folded.startswith('def f(self, xs):\n    """Doc."""\n    import collections\n')
    alone = "def f(self):\n    return 1\n"
    assert as_method(alone, "f") == alone


def test_methods_tied_to_their_class_body_are_refused(tmp_path: Path) -> None:
    module = tmp_path / "tied.py"
    module.write_text(CORE)
    tied = load(module, "tied")
    assert function_source(tied.Registry.unique)[1] == 21
    with pytest.raises(InvalidArgument, match="uses super"):
        function_source(tied.Child.unique)


def test_a_method_is_optimised_and_written_back_inside_its_class(tmp_path: Path) -> None:
    repo = tmp_path / "mini-repo"
    (repo / "mini").mkdir(parents=True)
    (repo / "mini" / "__init__.py").write_text("")
    (repo / "mini" / "core.py").write_text(CORE)
    (repo / "bench.py").write_text(BENCH)
    config = RepoConfig(workload="python bench.py", functions=("mini.core:*",), threshold=0.0, fuzz_budget=0)
    report = optimize_repo(repo, config, offline=True)

    outcomes = {f.info.qualname: f for f in report.functions}
    assert outcomes["Registry.unique"].status == "improved", outcomes["Registry.unique"].reason
    assert outcomes["Registry.unique"].winner.proposer == "rewrite"
    diff = outcomes["Registry.unique"].diff
    assert "+        _pk_seen_out = set()\n" in diff  # indented as a method of the class
    assert report.speedup is not None and report.speedup.low > 1.0
    tied = outcomes["Child.unique"]  # out of reach: skipped with the reason, not reported as an error
    assert (tied.status, tied.reason) == (
        "skipped",
        "perfkit leaves it alone: a method that uses super only works inside its class body",
    ), tied.reason

    assert (repo / "mini" / "core.py").read_text() == CORE  # the user's tree is untouched
    patched = tmp_path / "patched.py"
    patched.write_text(_apply(CORE, diff))
    before, after = load(repo / "mini" / "core.py", "before"), load(patched, "after")
    names = ["b", "a", "b", "c", "a"]
    assert after.Registry("p-").unique(names) == before.Registry("p-").unique(names) == ["b", "a", "c"]
    assert after.Child("q-").unique(names) == ["b", "a", "c"]


def _apply(text: str, diff: str) -> str:
    """Apply a one-file unified diff (the optimizer's own) to ``text``."""
    import re

    lines = text.splitlines(keepends=True)
    out: list[str] = []
    position = 0
    hunks = re.split(r"^@@ -(\d+)(?:,\d+)? \+\d+(?:,\d+)? @@.*\n", diff, flags=re.M)
    for start, body in zip(hunks[1::2], hunks[2::2], strict=True):
        first = int(start) - 1
        out.extend(lines[position:first])
        position = first
        for line in body.splitlines(keepends=True):
            if line.startswith("+"):
                out.append(line[1:])
            elif line.startswith("-"):
                position += 1
            elif line.startswith(" "):
                out.append(lines[position])
                position += 1
    out.extend(lines[position:])
    return "".join(out)
