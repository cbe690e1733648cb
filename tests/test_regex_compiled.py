"""The regex finder follows functions compiled to C (mypyc) through the ``.py`` their module ships beside the
extension: black 24 is compiled so, and its docstring regex sat five calls below ``format_str``."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from perfkit.fuzzers._regex_find import _compiled_source, _Walker

from tests.fixtures.compiled_src import fastdoc

NAME = "perfkit_test_fastdoc"


@pytest.fixture
def compiled_module() -> types.ModuleType:
    """``fastdoc`` as a compiled module looks: its ``__file__`` an extension beside ``fastdoc.py``."""
    module = types.ModuleType(NAME)
    module.__dict__.update({k: v for k, v in vars(fastdoc).items() if not k.startswith("__")})
    module.__file__ = str(Path(fastdoc.__file__).with_name("fastdoc.cpython-311-x86_64-linux-gnu.so"))
    sys.modules[NAME] = module
    yield module
    del sys.modules[NAME]


def c_function(qualname: str, owner: type | None = None) -> types.SimpleNamespace:
    """What a compiled function or method descriptor shows: its module (or class) and qualified name."""
    got = types.SimpleNamespace(__module__=NAME, __qualname__=qualname)
    if owner is not None:
        got.__objclass__ = owner
    return got


def test_source_of_a_compiled_function_and_of_a_method(compiled_module: types.ModuleType) -> None:
    func = _compiled_source(c_function("fix_docstring"))
    assert func is not None and func.node.name == "fix_docstring" and func.module is compiled_module
    owner = type("Fixer", (), {"__module__": NAME})
    method = _compiled_source(c_function("Fixer.fix", owner))
    assert method is not None and method.node.name == "fix"
    assert _compiled_source(c_function("missing")) is None
    assert _compiled_source(types.SimpleNamespace(__module__="tests.fixtures.compiled_src.fastdoc")) is None  # .py


def test_walk_reaches_the_regex_through_compiled_functions(compiled_module: types.ModuleType) -> None:
    walker = _Walker(max_depth=6, max_functions=50)
    source = _compiled_source(c_function("fix_docstring"))
    walker.queue.append((source, 0))
    found = {r.pattern: r for r in walker.run(None).regexes}
    tabs = found[fastdoc.LEADING_TABS.pattern]
    assert tabs.direct and not tabs.search  # named by expand(), used with match
    assert f"{NAME}.fix_docstring" in walker.reach.functions
