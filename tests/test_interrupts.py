"""Ctrl-C and SIGTERM are never lost where Python swallows exceptions (finalisers, gc callbacks)."""

from __future__ import annotations

import gc
import os
import signal
import sys
import time
from typing import Any

import pytest

from perfkit.interrupts import interrupts_kept, raise_if_pending, swallowed_here


def _signal_inside_gc(number: int) -> None:
    def callback(phase: str, info: Any) -> None:
        if phase == "start":
            os.kill(os.getpid(), number)
            end = time.monotonic() + 0.2
            while time.monotonic() < end:  # the handler runs here, inside the collector's callback
                pass

    gc.callbacks.append(callback)
    try:
        gc.collect()
    finally:
        gc.callbacks.remove(callback)


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_inside_a_gc_callback_is_kept_for_the_next_progress_message(number: int) -> None:
    with interrupts_kept():
        _signal_inside_gc(number)  # a KeyboardInterrupt raised here would be dropped by Python
        with pytest.raises(KeyboardInterrupt):
            raise_if_pending()
        raise_if_pending()  # raised once only


def test_a_signal_elsewhere_raises_at_once_and_handlers_are_restored() -> None:
    before = signal.getsignal(signal.SIGTERM)
    with interrupts_kept(), pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(2)
    assert signal.getsignal(signal.SIGTERM) == before


def test_swallowing_places_are_recognised() -> None:
    seen: list[bool] = []

    class Finalised:
        def __del__(self) -> None:
            seen.append(swallowed_here(sys._getframe()))

    Finalised()
    assert seen == [True]
    assert swallowed_here(sys._getframe()) is False
    assert swallowed_here(None) is False
