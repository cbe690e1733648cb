"""Measurement settings, their presets and their validation (done before any work starts)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from perfkit.errors import InvalidArgument

CLOCKS = ("wall-minus-wait", "wall")


@dataclass(frozen=True)
class Options:
    """How to measure. The defaults follow pyperf's discipline at about a third of its time budget; ``clock`` is
    ``"wall-minus-wait"`` (the wall time of each value less the time the worker waited for a CPU, where Linux
    reports it) or ``"wall"`` (pyperf's)."""

    processes: int = 10
    values: int = 3
    warmups: int = 1
    min_time: float = 0.1
    loops: int = 0  # 0: calibrate
    timeout: float | None = None  # seconds per call; a run past it is censored
    memory_limit: int | None = None  # bytes of address space per worker
    inprocess: bool = False
    counters: tuple[str, ...] | None = None  # None: every event perfkit knows
    cost: bool = True
    memory: bool = True
    disable_gc: bool = True
    clock: str = "wall-minus-wait"  # "wall": pyperf's clock, the run-queue wait of a busy machine included

    def validated(self) -> Options:
        """Return self after checking every field; raises InvalidArgument naming the first bad one."""
        for name in ("processes", "values"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InvalidArgument(name, value, "give a whole number of at least 1")
        for name in ("warmups", "loops"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InvalidArgument(name, value, "give a whole number of at least 0")
        if not isinstance(self.min_time, int | float) or not 0 < self.min_time <= 60:
            raise InvalidArgument("min_time", self.min_time, "give seconds between 0 and 60, e.g. 0.1")
        if self.timeout is not None and (not isinstance(self.timeout, int | float) or self.timeout <= 0):
            raise InvalidArgument("timeout", self.timeout, "give a positive number of seconds, or None")
        if self.memory_limit is not None and (not isinstance(self.memory_limit, int) or self.memory_limit < 16 * 2**20):
            raise InvalidArgument("memory_limit", self.memory_limit, "give bytes, at least 16 MiB (e.g. '2G')")
        if self.clock not in CLOCKS:
            raise InvalidArgument("clock", self.clock, f"give one of {', '.join(map(repr, CLOCKS))}")
        if self.counters is not None:
            from perfkit.harness.counters import EVENT_NAMES, unknown_names

            unknown = unknown_names(self.counters)
            if unknown:
                raise InvalidArgument("counters", unknown[0], f"known counters: {', '.join(EVENT_NAMES)}")
        return self

    def replace(self, **changes: Any) -> Options:
        """A copy with some fields changed."""
        return replace(self, **changes)


PRESETS: dict[str, dict[str, Any]] = {
    "fast": {"processes": 4, "values": 3, "warmups": 1, "min_time": 0.05},
    "default": {},
    "rigorous": {"processes": 20, "values": 3, "warmups": 1, "min_time": 0.2},
}


def parse_size(text: str, *, name: str = "memory_limit") -> int:
    """``'512M'``, ``'2G'``, ``'1048576'`` → bytes."""
    units = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
    cleaned = str(text).strip().upper().removesuffix("B").removesuffix("I")
    number, unit = cleaned, ""
    if cleaned and cleaned[-1] in units:
        number, unit = cleaned[:-1], cleaned[-1]
    try:
        value = float(number)
    except ValueError:
        raise InvalidArgument(name, text, "give a size such as '512M' or '2G'") from None
    if value <= 0:
        raise InvalidArgument(name, text, "give a positive size such as '512M' or '2G'")
    return int(value * units[unit])
