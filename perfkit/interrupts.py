"""Signals whose exception Python would swallow.

A signal handler runs wherever the interpreter next checks, and an exception raised inside a ``__del__`` method,
a ``gc.callbacks`` function (hypothesis installs one) or the unraisable hook is printed as "Exception ignored"
and dropped. Ctrl-C could then be lost, and an in-process time limit never fire. The handlers here notice that
place and keep the interrupt pending instead; the next progress message raises it.
"""

from __future__ import annotations

import gc
import signal
import sys
from typing import Any

_pending: list[bool] = [False]


def swallowed_here(frame: Any) -> bool:
    """Whether an exception raised by a signal handler in ``frame`` would be dropped by Python: inside a
    ``__del__`` method, a garbage-collector callback, or the unraisable hook (checked up the whole stack)."""
    skip = {getattr(sys.unraisablehook, "__code__", None)}
    skip |= {getattr(callback, "__code__", None) for callback in gc.callbacks}
    skip.discard(None)
    while frame is not None:
        if frame.f_code.co_name == "__del__" or frame.f_code in skip:
            return True
        frame = frame.f_back
    return False


def raise_if_pending() -> None:
    """Raise the KeyboardInterrupt a signal left pending (once)."""
    if _pending[0]:
        _pending[0] = False
        raise KeyboardInterrupt


class interrupts_kept:
    """While inside, Ctrl-C and SIGTERM raise KeyboardInterrupt where it reaches the program, or stay pending
    for :func:`raise_if_pending` where Python would swallow it (SIGTERM then cleans up as Ctrl-C does)."""

    def __enter__(self) -> None:
        def stop(signum: int, frame: Any) -> None:
            if swallowed_here(frame):
                _pending[0] = True
                return
            raise KeyboardInterrupt

        _pending[0] = False
        self.previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}

    def __exit__(self, *exc: object) -> None:
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        _pending[0] = False
