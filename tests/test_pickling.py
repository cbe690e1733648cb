"""Values pickle refuses reach child processes by cloudpickle, and load with plain pickle."""

from __future__ import annotations

import functools
import pickle
import threading
from typing import Any

import pytest

from perfkit.pickling import dumps, dumps_how


def _deprecated(func: Any) -> Any:
    @functools.wraps(func)
    def with_warning(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return with_warning


class Codec:
    """Holds what real libraries keep on instances: a closure over a bound method, a lambda, a local class."""

    def __init__(self, spelling: str) -> None:
        self.shift = 3
        if spelling == "closure":
            self.legacy = _deprecated(self.encode)
        elif spelling == "lambda":
            self.legacy = lambda text: self.encode(text)
        else:

            class Local:
                def __call__(inner, text: str) -> str:
                    return self.encode(text)

            self.legacy = Local()

    def encode(self, text: str) -> str:
        return "".join(chr(ord(c) + self.shift) for c in text)


@pytest.mark.parametrize("spelling", ["closure", "lambda", "local class"])
def test_instances_pickle_refuses_go_by_cloudpickle_and_load_with_pickle(spelling: str) -> None:
    codec = Codec(spelling)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        pickle.dumps(codec)
    blob, how = dumps_how((("abc",), {"codec": codec}))
    assert how == "cloudpickle"
    (args, kwargs) = pickle.loads(blob)
    assert kwargs["codec"].legacy(*args) == codec.legacy("abc") == "def"


def test_plain_values_stay_with_pickle() -> None:
    assert dumps_how([1, "a", (2.0, None)]) == (pickle.dumps([1, "a", (2.0, None)], protocol=5), "pickle")


def test_what_neither_takes_raises_pickles_own_error() -> None:
    with pytest.raises(TypeError, match="pickle"):
        dumps({"lock": threading.Lock()})
