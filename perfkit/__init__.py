"""perfkit: find out why Python code is slow, prove it with inputs that make it slow, make it faster.

The public API is small; names are imported lazily so that ``perfkit --help`` starts fast.

>>> import perfkit
>>> m = perfkit.measure(sorted, args=([3, 1, 2],), options=perfkit.Options(processes=2))
>>> m.summary().median  # seconds per call
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "measure": "perfkit.harness.runner",
    "measure_command": "perfkit.harness.command",
    "Options": "perfkit.harness.options",
    "Measurement": "perfkit.harness.result",
    "probe_counters": "perfkit.harness.counters",
    "cost": "perfkit.harness.cost",
    "PerfkitError": "perfkit.errors",
    "InvalidArgument": "perfkit.errors",
}
_RENAMED = {"probe_counters": "probe"}

__all__ = [
    "InvalidArgument",
    "Measurement",
    "Options",
    "PerfkitError",
    "__version__",
    "cost",
    "measure",
    "measure_command",
    "probe_counters",
]

if TYPE_CHECKING:
    from perfkit.errors import InvalidArgument, PerfkitError
    from perfkit.harness.command import measure_command
    from perfkit.harness.cost import cost
    from perfkit.harness.counters import probe as probe_counters
    from perfkit.harness.options import Options
    from perfkit.harness.result import Measurement
    from perfkit.harness.runner import measure


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), _RENAMED.get(name, name))
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfkit' has no attribute {name!r}")
