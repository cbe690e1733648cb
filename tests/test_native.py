"""perfkit._native (C) against its pure-Python twin perfkit._native_py: same API, counts, sane timings."""

from __future__ import annotations

import errno
import itertools
import mmap
import os
import struct
import sys
from collections.abc import Callable, Iterator

import pytest

from perfkit import _native as C
from perfkit import _native_py as P

MODULES = pytest.mark.parametrize("mod", [C, P], ids=["c", "py"])
needs_perf = pytest.mark.skipif(not C.HAVE_PERF_EVENTS, reason="perf events are Linux-only")


# ---------------------------------------------------------------- functions to trace (at module level)


def loop(n: int) -> int:
    s = 0
    for i in range(n):
        s += i
    return s


def helper(x: int) -> int:
    return x * 2


def nested(n: int) -> int:
    return sum(helper(i) for i in range(n))


def squares(n: int) -> Iterator[int]:
    for i in range(n):
        yield i * i


def use_generator(n: int) -> int:
    total = 0
    for v in squares(n):
        total += v
    return total


def comprehensions(n: int) -> int:
    a = [i for i in range(n)]
    b = {i: i for i in a}
    c = {i % 3 for i in a}
    return len(a) + len(b) + len(c)


def caught(n: int) -> int:
    hits = 0
    for i in range(n):
        try:
            if i % 2:
                raise ValueError(i)
        except ValueError:
            hits += 1
        finally:
            hits += 0
    return hits


def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def raises(n: int) -> int:
    loop(n)
    raise KeyError(n)


class Ctx:
    def __enter__(self) -> Ctx:
        return self

    def __exit__(self, *exc: object) -> bool:
        return False


def with_block(n: int) -> int:
    for _ in range(n):
        with Ctx():
            pass
    return n


async def echo(x: int) -> int:
    return x


async def coroutine(n: int) -> int:
    t = 0
    for i in range(n):
        t += await echo(i)
    return t


def run_coroutine(n: int) -> int:
    c = coroutine(n)
    try:
        while True:
            c.send(None)
    except StopIteration as stop:
        return stop.value


def sort_with_key(n: int) -> list[int]:
    return sorted(range(n), key=lambda v: -v)


def toggles_tracing(n: int) -> int:
    old = sys.gettrace()
    sys.settrace(None)
    a = loop(n)
    sys.settrace(old)
    b = loop(n)
    return a + b


def swallows(n: int) -> str:
    try:  # noqa: SIM105 (the try/except lines are what is traced)
        loop(n)
    except Exception:
        pass
    return "swallowed"


TRACED = [
    loop,
    nested,
    use_generator,
    comprehensions,
    caught,
    fib,
    raises,
    with_block,
    run_coroutine,
    sort_with_key,
    toggles_tracing,
]


# ---------------------------------------------------------------- API surface and clock


def test_same_public_api() -> None:
    public_c = {name for name in dir(C) if not name.startswith("_")}
    assert public_c == set(P.__all__)
    for name in P.__all__:
        if name.isupper() and name != "HAVE_PERF_EVENTS":
            assert getattr(C, name) == getattr(P, name), name
    assert issubclass(C.CostLimitExceeded, Exception)
    assert C.HAVE_PERF_EVENTS is sys.platform.startswith("linux")
    assert P.HAVE_PERF_EVENTS is False


def test_clock_is_shared_and_monotonic() -> None:
    assert C.clock_resolution_ns() == P.clock_resolution_ns() >= 1
    a = C.clock_ns()
    b = P.clock_ns()
    c = C.clock_ns()
    assert a <= b <= c
    assert c - a < 1_000_000_000


# ---------------------------------------------------------------- cost_call


@pytest.mark.parametrize("opcodes", [False, True], ids=["lines", "opcodes"])
@pytest.mark.parametrize("n", [0, 1, 7])
@pytest.mark.parametrize("func", TRACED, ids=lambda f: f.__name__)
def test_cost_c_and_twin_agree(func: Callable[[int], object], n: int, opcodes: bool) -> None:
    c = C.cost_call(func, (n,), opcodes=opcodes)
    p = P.cost_call(func, (n,), opcodes=opcodes)
    assert c[:3] == p[:3]
    assert c[3] == p[3]
    assert type(c[4]) is type(p[4])
    assert c[0] > 0 and c[1] >= 1
    assert (c[2] > 0) == opcodes


@MODULES
def test_cost_is_deterministic_and_scales(mod) -> None:
    runs = [mod.cost_call(loop, (n,)) for n in range(2, 8)]
    assert runs == [mod.cost_call(loop, (n,)) for n in range(2, 8)]
    lines = [r[0] for r in runs]
    steps = {b - a for a, b in itertools.pairwise(lines)}
    assert steps == {2}  # the `for` line and the body line per iteration
    assert {r[1] for r in runs} == {1}
    ops = [mod.cost_call(loop, (n,), opcodes=True)[2] for n in (10, 20, 30)]
    assert ops[2] - ops[1] == ops[1] - ops[0] > 0


@MODULES
def test_cost_counts_calls(mod) -> None:
    assert mod.cost_call(fib, (10,))[1] == 177  # fib(10) makes 177 calls
    assert mod.cost_call(nested, (5,))[1] == 1 + 6 + 5  # nested, genexpr entered/resumed 6 times, helper x5
    assert mod.cost_call(use_generator, (4,))[1] == 1 + 5  # use_generator, squares entered/resumed 5 times
    assert mod.cost_call(len, ("abc",))[:2] == (0, 0)  # C functions are not Python frames


@MODULES
def test_cost_returns_result_and_kwargs(mod) -> None:
    assert mod.cost_call(divmod, (7, 2), None) == (0, 0, 0, (3, 1), None)
    assert mod.cost_call(sorted, ([3, 1, 2],), {"reverse": True})[3:] == ([3, 2, 1], None)
    assert mod.cost_call(func=helper, args=(), kwargs={"x": 4}, limit=0, opcodes=False)[3] == 8
    with pytest.raises(TypeError):
        mod.cost_call(loop, [3])
    with pytest.raises(TypeError):
        mod.cost_call(loop, (3,), [("x", 1)])


@MODULES
def test_cost_returns_exception_with_cost(mod) -> None:
    lines, calls, _, result, exc = mod.cost_call(raises, (5,))
    assert result is None
    assert isinstance(exc, KeyError) and exc.args == (5,)
    assert exc.__traceback__ is not None
    assert lines == mod.cost_call(loop, (5,))[0] + 2 and calls == 2
    assert mod.cost_call(caught, (4,))[3:] == (2, None)  # handled inside: no exc


@MODULES
def test_cost_limit_aborts(mod) -> None:
    before = sys.gettrace()
    lines, _, _, result, exc = mod.cost_call(loop, (1000,), limit=25)
    assert isinstance(exc, mod.CostLimitExceeded) and result is None
    assert lines == 26
    assert mod.cost_call(loop, (5,), limit=1000)[3:] == (10, None)
    # caught by the traced code: still reported
    lines, _, _, result, exc = mod.cost_call(swallows, (1000,), limit=25)
    assert isinstance(exc, mod.CostLimitExceeded) and result is None
    assert lines == 26
    assert sys.gettrace() is before


@MODULES
@pytest.mark.parametrize("error", [KeyboardInterrupt, SystemExit])
def test_cost_reraises_interrupts(mod, error: type[BaseException]) -> None:
    def interrupted() -> None:
        raise error

    before = sys.gettrace()
    with pytest.raises(error):
        mod.cost_call(interrupted, ())
    assert sys.gettrace() is before


@MODULES
def test_cost_restores_previous_tracer(mod) -> None:
    seen: list[tuple[str, str]] = []

    def outer(frame, event, arg):  # a sys.settrace tracer
        seen.append((frame.f_code.co_name, event))
        return outer

    previous = sys.gettrace()
    sys.settrace(outer)
    try:
        cost = mod.cost_call(loop, (3,))
        after = sys.gettrace()
        helper(1)
    finally:
        sys.settrace(previous)
    assert after is outer
    assert cost[:2] == (9, 1)
    assert ("helper", "call") in seen and ("helper", "line") in seen
    assert ("loop", "call") not in seen and ("loop", "line") not in seen


def test_cost_not_reentrant() -> None:
    for mod in (C, P):
        *_, result, exc = mod.cost_call(mod.cost_call, (loop, (3,)))
        assert result is None and isinstance(exc, RuntimeError)

        def nests() -> object:
            return mod.cost_call(loop, (3,))  # noqa: B023

        assert isinstance(mod.cost_call(nests, ())[4], RuntimeError)
        assert mod.cost_call(loop, (3,))[:2] == (9, 1)  # usable again afterwards


# ---------------------------------------------------------------- timing loops


def work(k: int) -> int:
    return sum(range(k))


def best(measure: Callable[[], int], repeat: int = 5) -> int:
    return min(measure() for _ in range(repeat))


@MODULES
def test_time_loop_positive_and_grows(mod) -> None:
    small = best(lambda: mod.time_loop(work, (10,), 200))
    large = best(lambda: mod.time_loop(work, (10_000,), 200))
    assert 0 < small < large
    assert large > 5 * small


@MODULES
def test_time_loop_propagates_and_stops(mod) -> None:
    calls: list[int] = []

    def fails_third() -> None:
        calls.append(1)
        if len(calls) == 3:
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        mod.time_loop(fails_third, (), 10)
    assert len(calls) == 3


@MODULES
def test_loops_validate_arguments(mod) -> None:
    with pytest.raises(ValueError):
        mod.time_loop(helper, (1,), 0)
    with pytest.raises(ValueError):
        mod.empty_loop(-1)
    with pytest.raises(TypeError):
        mod.time_loop(helper, [1], 3)
    with pytest.raises(TypeError):
        mod.counted_loop([], helper, (1,), 3)
    with pytest.raises(TypeError):
        mod.time_loop(helper, (1,), 2.5)
    assert mod.time_loop(helper, (1,), True) >= 0  # any index, as C's "n" format


def empty() -> None:
    pass


def test_empty_loop_is_cheap() -> None:
    n = 20_000
    overhead = best(lambda: C.empty_loop(n))
    calls = best(lambda: C.time_loop(empty, (), n))
    assert 0 <= overhead * 10 < calls
    assert best(lambda: P.empty_loop(n)) > 0


@MODULES
def test_counted_loop_without_counters(mod) -> None:
    elapsed, readings = mod.counted_loop((), work, (100,), 10)
    assert elapsed > 0 and readings == []


# ---------------------------------------------------------------- perf events


def test_twin_has_no_perf_events() -> None:
    for call in (lambda: P.perf_open(P.TYPE_SOFTWARE, P.SW_TASK_CLOCK), lambda: P.perf_close(3)):
        with pytest.raises(OSError) as info:
            call()
        assert info.value.errno == errno.ENOSYS
    with pytest.raises(OSError):
        P.counted_loop((3,), work, (1,), 1)


def read_counter(fd: int) -> tuple[int, int, int]:
    return struct.unpack("QQQ", os.read(fd, 24))


@pytest.fixture
def task_clock() -> Iterator[int]:
    fd = C.perf_open(C.TYPE_SOFTWARE, C.SW_TASK_CLOCK)
    yield fd
    C.perf_close(fd)


@needs_perf
def test_task_clock_counts_work(task_clock: int) -> None:
    assert task_clock >= 0
    assert read_counter(task_clock)[0] == 0  # opened disabled
    small = min(C.counted_loop((task_clock,), work, (10,), 50)[1][0][0] for _ in range(3))
    elapsed, [(value, enabled, running)] = C.counted_loop((task_clock,), work, (20_000,), 50)
    assert enabled > 0 and running > 0 and running <= enabled
    assert value > 5 * small
    assert value <= enabled + 1_000_000  # task-clock is in ns, within the enabled window
    assert enabled < 10 * elapsed + 10_000_000


@needs_perf
def test_counters_disabled_after_exception(task_clock: int) -> None:
    def boom() -> None:
        work(1000)
        raise ArithmeticError

    with pytest.raises(ArithmeticError):
        C.counted_loop((task_clock,), boom, (), 5)
    first = read_counter(task_clock)
    work(200_000)
    assert read_counter(task_clock) == first
    assert first[0] > 0


@needs_perf
def test_page_faults_counted() -> None:
    pages = 64

    def touch() -> None:
        m = mmap.mmap(-1, pages * mmap.PAGESIZE)
        for i in range(0, pages * mmap.PAGESIZE, mmap.PAGESIZE):
            m[i] = 1
        m.close()

    fd = C.perf_open(C.TYPE_SOFTWARE, C.SW_PAGE_FAULTS)
    try:
        fresh = C.counted_loop((fd,), touch, (), 20)[1][0][0]
        idle = C.counted_loop((fd,), helper, (1,), 20)[1][0][0]
    finally:
        C.perf_close(fd)
    assert fresh >= 20 * pages // 2
    assert idle < fresh // 10


@needs_perf
def test_several_counters_at_once(task_clock: int) -> None:
    faults = C.perf_open(C.TYPE_SOFTWARE, C.SW_PAGE_FAULTS)
    try:
        _, readings = C.counted_loop((task_clock, faults), work, (1000,), 10)
    finally:
        C.perf_close(faults)
    assert len(readings) == 2 and all(len(r) == 3 and r[1] > 0 for r in readings)


@needs_perf
def test_unsupported_events_raise_oserror() -> None:
    with pytest.raises(OSError) as info:
        C.perf_open(0xFFFF, 0)  # no such PMU type
    assert info.value.errno and info.value.strerror
    try:
        fd = C.perf_open(C.TYPE_HARDWARE, C.HW_INSTRUCTIONS)
    except OSError as e:
        assert e.errno and e.errno != errno.ENOSYS
    else:
        C.perf_close(fd)
        pytest.skip("hardware counters are supported on this machine")


@needs_perf
def test_perf_close_and_bad_fds() -> None:
    fd = C.perf_open(C.TYPE_SOFTWARE, C.SW_CONTEXT_SWITCHES)
    C.perf_close(fd)
    with pytest.raises(OSError) as info:
        C.perf_close(fd)
    assert info.value.errno == errno.EBADF
    with pytest.raises(OSError):
        C.counted_loop((fd,), helper, (1,), 1)
    with pytest.raises(ValueError):
        C.counted_loop((-1,), helper, (1,), 1)
    with pytest.raises(OverflowError):
        C.perf_open(-1, 0)
