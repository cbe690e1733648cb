"""Fuzzed inputs that hold instances survive the fresh import of their module before verification."""

from __future__ import annotations

import pickle
import sys
import threading
from pathlib import Path

import pytest

from perfkit.repo.loading import fresh_module
from perfkit.repo.stress import kept, restored


def _package(root: Path) -> None:
    (root / "lazypkg").mkdir()
    (root / "lazypkg" / "__init__.py").write_text("")
    (root / "lazypkg" / "text.py").write_text(
        "class Lazy:\n    def __init__(self, s):\n        self.s = s\ndef first(x):\n    return x.s[:1]\n"
    )


@pytest.fixture
def importable_package(tmp_path: Path):
    _package(tmp_path)
    sys.path.insert(0, str(tmp_path))
    yield
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m == "lazypkg" or m.startswith("lazypkg.")]:
        del sys.modules[name]


@pytest.mark.usefixtures("importable_package")
def test_instances_from_before_a_fresh_import_cannot_be_pickled_but_kept_ones_can() -> None:
    module = fresh_module("lazypkg.text")
    inputs = [((module.Lazy("abc"),), {}), ((module.Lazy(""),), {})]
    put_away = kept(inputs)
    assert all(isinstance(item, bytes) for item in put_away)
    again = fresh_module("lazypkg.text")  # what perfkit optimize does before each function
    with pytest.raises(pickle.PicklingError):
        pickle.dumps(inputs[0])  # a class the module no longer holds
    back = restored(put_away)
    assert type(back[0][0][0]) is again.Lazy
    assert pickle.loads(pickle.dumps(back)) is not None
    assert [again.first(*args) for args, _ in back] == ["a", ""]


def test_unpicklable_inputs_stay_as_they_are() -> None:
    odd = ((threading.Lock(),), {})  # neither pickle nor cloudpickle takes a lock
    put_away = kept([odd, ((3,), {}), ((lambda: 1,), {})])
    assert put_away[0] is odd and isinstance(put_away[1], bytes) and isinstance(put_away[2], bytes)
    back = restored(put_away)
    assert back[1] == ((3,), {}) and back[2][0][0]() == 1  # a lambda goes by cloudpickle
