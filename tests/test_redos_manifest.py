"""The real-bug corpus manifest (benchmarks/redos) is well formed; offline: nothing is installed or imported from
the vulnerable releases (the wrappers are only parsed)."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from redos.manifest import BUGS, BY_ID, HALVES, SPLIT_DATE, half, split_rule  # noqa: E402

WRAPPERS = ROOT / "benchmarks" / "redos" / "wrappers"
PIN = re.compile(r"[A-Za-z0-9_.-]+==\d+(\.\d+)*((a|b|rc)\d+)?")  # a release or a pre-release (1.0.0a5)


def test_every_bug_has_its_fields() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", SPLIT_DATE)
    assert len(BY_ID) == len(BUGS), "bug ids must be unique"
    for bug in BUGS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", bug.id), bug.id
        assert PIN.fullmatch(f"{bug.package}=={bug.version}"), bug
        assert all(PIN.fullmatch(need) for need in bug.needs), bug.needs
        assert bug.fixed and bug.fixed != bug.version, bug
        assert re.search(r"CVE-\d{4}-\d{4,}|GHSA-|bpo-\d+|#\d+", bug.advisory), bug.advisory
        assert re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_][\w.]*", bug.function), bug.function
        assert bug.complexity in {"exponential", "cubic", "quadratic", "polynomial"}, bug.complexity
        assert bug.shape in {"advisory", "fix", "regex"}, bug.shape


def test_the_halves_are_fixed_by_the_stated_rule() -> None:
    assert len(BUGS) >= 12
    rule = split_rule()
    for bug in BUGS:
        assert bug.half in HALVES
        assert bug.half == rule[bug.package], f"{bug.id}: the rule puts {bug.package} in {rule[bug.package]}"
    tuning, held_out = half("tuning"), half("held-out")
    assert len(tuning) >= 6 and len(held_out) >= 6
    assert not {b.package for b in tuning} & {b.package for b in held_out}
    assert len(half("all")) == len(BUGS)


def test_each_exploit_is_a_pumped_shape() -> None:
    for bug in BUGS:
        assert bug.pump and bug.k >= 2, bug.id
        assert bug.exploit == bug.prefix + bug.pump * bug.k + bug.suffix
        assert bug.length == len(bug.prefix) + len(bug.pump) * bug.k + len(bug.suffix)
        # the pump dominates: the exploit is mostly the repeated segment
        assert len(bug.pump) * bug.k >= len(bug.prefix) + len(bug.suffix), bug.id


def test_each_wrapper_takes_a_typed_str_and_calls_the_library() -> None:
    for bug in BUGS:
        module, _, name = bug.wrapper.partition(":")
        path = WRAPPERS / (module.rsplit(".", 1)[1] + ".py")
        tree = ast.parse(path.read_text(), filename=str(path))
        funcs = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
        assert name in funcs, f"{path} has no {name}"
        args = funcs[name].args
        assert [a.arg for a in args.args] == ["s"] and not args.vararg and not args.kwonlyargs, bug.id
        assert isinstance(args.args[0].annotation, ast.Name) and args.args[0].annotation.id == "str", bug.id
        imported = {
            alias.name.split(".")[0] if isinstance(node, ast.Import) else (node.module or "").split(".")[0]
            for node in tree.body
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        }
        top = bug.function.split(":")[0].split(".")[0]
        assert top in imported, f"{path} does not import {top}"
