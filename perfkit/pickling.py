"""Pickling values for another process: by pickle, else by cloudpickle.

Real objects often hold something pickle refuses: a closure kept on an instance (``self.old = deprecated(self.new)``),
a lambda in a default, a class defined in a function. cloudpickle takes those by value, and what it writes loads with
plain :func:`pickle.loads` wherever cloudpickle is installed (a perfkit dependency), so readers need not know which
pickler wrote a blob.
"""

from __future__ import annotations

import pickle
from typing import Any

PROTOCOL = pickle.HIGHEST_PROTOCOL


def dumps_how(value: Any) -> tuple[bytes, str]:
    """``value`` pickled, and the pickler's name ("pickle" or "cloudpickle"); raises pickle's own error when
    neither pickler takes it."""
    try:
        return pickle.dumps(value, protocol=PROTOCOL), "pickle"
    except Exception as first:
        try:
            import cloudpickle
        except ImportError:
            raise first from None
        try:
            return cloudpickle.dumps(value, protocol=PROTOCOL), "cloudpickle"
        except Exception:
            raise first from None


def dumps(value: Any) -> bytes:
    """``value`` pickled by pickle, else by cloudpickle; raises pickle's own error when neither takes it."""
    return dumps_how(value)[0]


def dump(value: Any, file: Any) -> None:
    """:func:`dumps` written to a binary ``file``."""
    file.write(dumps(value))
