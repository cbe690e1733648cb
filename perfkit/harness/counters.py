"""Hardware and OS counters through ``perf_event_open``: which exist here, why the others do not, and reading.

Each event is probed on its own, so one unsupported event (hardware counters in most VMs) never hides the
others. Counts that the kernel multiplexed are scaled by ``time_enabled / time_running``.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from perfkit import _native


@dataclass(frozen=True)
class Event:
    """One countable event."""

    name: str
    kind: str  # "hardware" or "software"
    type: int
    config: int
    description: str


EVENTS: tuple[Event, ...] = (
    Event("instructions", "hardware", _native.TYPE_HARDWARE, _native.HW_INSTRUCTIONS, "instructions retired"),
    Event("cycles", "hardware", _native.TYPE_HARDWARE, _native.HW_CPU_CYCLES, "CPU cycles"),
    Event("branch-misses", "hardware", _native.TYPE_HARDWARE, _native.HW_BRANCH_MISSES, "mispredicted branches"),
    Event("cache-misses", "hardware", _native.TYPE_HARDWARE, _native.HW_CACHE_MISSES, "last-level cache misses"),
    Event("task-clock", "software", _native.TYPE_SOFTWARE, _native.SW_TASK_CLOCK, "CPU time of the task, ns"),
    Event("page-faults", "software", _native.TYPE_SOFTWARE, _native.SW_PAGE_FAULTS, "page faults"),
    Event("context-switches", "software", _native.TYPE_SOFTWARE, _native.SW_CONTEXT_SWITCHES, "context switches"),
    Event("cpu-migrations", "software", _native.TYPE_SOFTWARE, _native.SW_CPU_MIGRATIONS, "CPU migrations"),
)
EVENT_NAMES: tuple[str, ...] = tuple(event.name for event in EVENTS)
_BY_NAME = {event.name: event for event in EVENTS}


@dataclass(frozen=True)
class Availability:
    """Whether an event can be counted here, and if not, the errno and a reason a person can act on."""

    event: Event
    available: bool
    errno: int | None = None
    reason: str = ""


def paranoid_level() -> int | None:
    """``/proc/sys/kernel/perf_event_paranoid``, or None where it does not exist."""
    try:
        return int(Path("/proc/sys/kernel/perf_event_paranoid").read_text().strip())
    except (OSError, ValueError):
        return None


def explain(code: int | None) -> str:
    """Turn a perf_event_open errno into a reason."""
    if code in (errno.ENOENT, errno.EOPNOTSUPP, errno.EINVAL):
        return "not supported by this CPU or virtual machine"
    if code in (errno.EACCES, errno.EPERM):
        level = paranoid_level()
        where = f" (kernel.perf_event_paranoid={level})" if level is not None else ""
        return f"not permitted{where}; lower kernel.perf_event_paranoid or run with CAP_PERFMON"
    if code == errno.ENOSYS:
        return "perf_event_open is not available on this operating system"
    if code == errno.EMFILE:
        return "too many open files"
    return os.strerror(code) if code else "unknown error"


def probe(names: tuple[str, ...] | list[str] = EVENT_NAMES) -> list[Availability]:
    """Try to open each event once and report what happened."""
    result = []
    for name in names:
        event = _BY_NAME[name]
        try:
            fd = _native.perf_open(event.type, event.config)
        except OSError as exc:
            result.append(Availability(event, False, exc.errno, explain(exc.errno)))
        else:
            _native.perf_close(fd)
            result.append(Availability(event, True))
    return result


def unknown_names(names: list[str] | tuple[str, ...]) -> list[str]:
    """The names that are not perfkit events (for argument validation)."""
    return [name for name in names if name not in _BY_NAME]


class CounterSet:
    """The available events among ``names``, opened on the calling thread. Close it when done."""

    def __init__(self, names: tuple[str, ...] | list[str] = EVENT_NAMES) -> None:
        self.events: list[Event] = []
        self.fds: list[int] = []
        self.unavailable: dict[str, str] = {}
        for name in names:
            event = _BY_NAME[name]
            try:
                fd = _native.perf_open(event.type, event.config)
            except OSError as exc:
                self.unavailable[name] = f"{explain(exc.errno)} (errno {exc.errno})"
            else:
                self.events.append(event)
                self.fds.append(fd)

    def close(self) -> None:
        """Close every descriptor."""
        for fd in self.fds:
            _native.perf_close(fd)
        self.fds = []

    def counted_loop(
        self, func: Callable[..., object], args: tuple[object, ...], loops: int
    ) -> tuple[int, dict[str, float]]:
        """Time ``loops`` calls with the counters running; counts are scaled totals for the whole loop."""
        elapsed, readings = _native.counted_loop(tuple(self.fds), func, args, loops)
        counts = {}
        for event, (value, enabled, running) in zip(self.events, readings, strict=True):
            scaled = scale(value, enabled, running)
            if scaled is not None:
                counts[event.name] = scaled
        return elapsed, counts


def scale(value: int, enabled: int, running: int) -> float | None:
    """Scale a multiplexed count to the whole enabled time; None when the event never ran."""
    if running <= 0:
        return None if enabled > 0 else float(value)
    if running >= enabled:
        return float(value)
    return value * enabled / running
