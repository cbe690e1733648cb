"""How long the timing thread waited for a CPU while it was runnable: Linux's per-thread run-queue delay.

``/proc/thread-self/schedstat`` holds three numbers for the calling thread: nanoseconds on a CPU (brought up to
date only at scheduler events, so the CPU time is read from the thread's CPU clock instead), nanoseconds spent
runnable but waiting for a CPU (the run queue; complete whenever the thread itself reads it, since it is then
running), and the number of time slices. On a machine busier than
it has CPUs, the wall time of a value is mostly that wait, and it changes with the load from one value to the
next. Taking it out leaves the time the call ran plus the time it was blocked on its own (sleep, I/O, locks):
what the wall clock would read with the CPU to itself, cache and frequency effects of the load aside.

A value during which the thread blocked on its own (a voluntary context switch: sleep, I/O, a lock) keeps its
wall time: some kernels (seen on Linux 6.18) count part of a sleep as run-queue wait, and taking it out would
take out time the call really spent. Such values stay as noisy as the wall clock, never too short.

Where the file cannot be read (not Linux, a kernel without schedstats), :func:`open_waits` returns None and
timing falls back to the plain wall clock.
"""

from __future__ import annotations

import os
import resource
import time

SCHEDSTAT = "/proc/thread-self/schedstat"


class RunQueue:
    """The calling thread's ``(on_cpu_ns, waiting_ns, voluntary_switches)``; open it in the thread that times (it
    reads that thread's own counters), and close it after."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def read(self) -> tuple[int, int, int]:
        """Nanoseconds on a CPU, nanoseconds waiting for one, and how many times the thread blocked, since it
        started."""
        waited = int(os.pread(self._fd, 128, 0).split()[1])
        return time.thread_time_ns(), waited, resource.getrusage(resource.RUSAGE_THREAD).ru_nvcsw

    def close(self) -> None:
        """Release the file."""
        os.close(self._fd)


def open_waits() -> RunQueue | None:
    """This thread's run-queue counters, or None where the system does not keep them."""
    if not hasattr(resource, "RUSAGE_THREAD"):
        return None
    try:
        fd = os.open(SCHEDSTAT, os.O_RDONLY)
    except OSError:
        return None
    queue = RunQueue(fd)
    try:
        queue.read()
    except (OSError, ValueError, IndexError):
        queue.close()
        return None
    return queue


def available() -> bool:
    """Whether run-queue waits can be taken out of timed values here."""
    queue = open_waits()
    if queue is None:
        return False
    queue.close()
    return True


def unqueued_ns(wall_ns: int, before: tuple[int, int, int], after: tuple[int, int, int]) -> int:
    """``wall_ns`` less the run-queue wait between the two readings, never below the CPU time between them (a
    wait just outside the timed span could otherwise be taken out of it); ``wall_ns`` itself if the thread
    blocked in between."""
    if after[2] != before[2]:
        return wall_ns
    on_cpu = after[0] - before[0]
    waited = after[1] - before[1]
    return max(wall_ns - waited, min(on_cpu, wall_ns))
