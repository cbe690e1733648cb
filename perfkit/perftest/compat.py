"""pytest-benchmark's ``benchmark`` fixture on perfkit's measurements: tests written for pytest-benchmark run
unchanged, measured by perfkit's ``perf`` machinery (:class:`~perfkit.perftest.session.PerfCall`).

A second pytest plugin (entry point ``perfkit_benchmark``). The alias is active when pytest-benchmark is not
(not installed, or ``-p no:benchmark``), or under ``--perf-benchmark-alias`` (ini ``perf_benchmark_alias = true``),
which then keeps pytest-benchmark from loading. Without the alias this plugin only adds that option: the two
plugins never both define ``benchmark``.

Honoured: ``benchmark(func, *args, **kwargs)`` (returns the result), ``benchmark.pedantic(target, args=,
kwargs=, setup=, teardown=, rounds=, warmup_rounds=, iterations=)`` with pytest-benchmark's argument checks,
``benchmark.group`` and ``@pytest.mark.benchmark(group=...)`` (the report's and the store's group),
``benchmark.extra_info`` (stored with the measurement), ``benchmark.weave``/``patch`` for functions and methods,
``benchmark.stats`` after a measured call, ``cprofile=True`` in the marker or ``--benchmark-cprofile`` (one more
call under cProfile: ``benchmark.cprofile_stats``, and its top functions stored with the measurement),
``--benchmark-skip``, ``--benchmark-only``, ``--benchmark-disable``.
pytest-benchmark's timing knobs (``min_rounds``, ``max_time``, ``timer``...) are accepted and left to perfkit's
own budget (``--perf-rounds``, ``--perf-max-time``). Measuring needs ``--perf`` (or ``--perf-save``...), as for
``perf``; otherwise each benchmarked function runs once, as under ``--benchmark-disable``.
"""

from __future__ import annotations

import cProfile
import functools
import importlib
import importlib.util
import json
import math
import os
import pstats
import statistics
import weakref
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from perfkit.errors import InvalidArgument, PerfkitError

CPROFILE_TOP = 25  # functions of a --benchmark-cprofile profile kept with the measurement, as pytest-benchmark shows
PLUGIN_NAME = "benchmark"  # pytest-benchmark's entry-point name (``-p no:benchmark`` turns it off)
MARK_KEYWORDS = frozenset(
    {"max_time", "min_rounds", "min_time", "precision", "confidence", "timer", "group", "disable_gc", "warmup"}
    | {"warmup_iterations", "calibration_precision", "cprofile"}
)
_ACTIVE = pytest.StashKey[bool]()
_SERVED: weakref.WeakSet[pytest.PytestPluginManager] = weakref.WeakSet()  # sessions whose --benchmark-* are ours
# pytest-benchmark's other options (nargs; 0: a switch): accepted without pytest-benchmark so that configs and CI
# scripts written for it still parse; perfkit's own --perf-* options say how to measure, save and compare.
IGNORED_OPTIONS: dict[str, int | str] = {
    **dict.fromkeys(("benchmark-disable-gc", "benchmark-save-data", "benchmark-autosave"), 0),
    **dict.fromkeys(("benchmark-verbose", "benchmark-quiet"), 0),
    **dict.fromkeys(("benchmark-min-time", "benchmark-max-time", "benchmark-min-rounds", "benchmark-timer"), 1),
    **dict.fromkeys(("benchmark-precision", "benchmark-confidence", "benchmark-calibration-precision"), 1),
    **dict.fromkeys(("benchmark-warmup-iterations", "benchmark-json", "benchmark-storage", "benchmark-save"), 1),
    **dict.fromkeys(("benchmark-sort", "benchmark-group-by", "benchmark-columns", "benchmark-name"), 1),
    **dict.fromkeys(("benchmark-time-unit", "benchmark-cprofile-loops"), 1),
    **dict.fromkeys(("benchmark-cprofile-top",), 1),
    **dict.fromkeys(("benchmark-warmup", "benchmark-compare", "benchmark-netrc", "benchmark-histogram"), "?"),
    **dict.fromkeys(("benchmark-csv", "benchmark-cprofile-dump"), "?"),
    "benchmark-compare-fail": "+",
}


class FixtureAlreadyUsed(PerfkitError):
    """The ``benchmark`` fixture was called twice in one test (pytest-benchmark refuses this too)."""


class PedanticArgument(InvalidArgument, ValueError):
    """A ``benchmark.pedantic`` argument pytest-benchmark refuses with ValueError (the fix is its message)."""


# ---------------------------------------------------------------------- hooks
def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    group = parser.getgroup("perfkit", "perfkit performance tests")
    group.addoption(
        "--perf-benchmark-alias", action="store_true", default=False,
        help="serve pytest-benchmark's 'benchmark' fixture from perfkit even though pytest-benchmark is installed "
        "(it is then not loaded); without pytest-benchmark the alias is on anyway",
    )  # fmt: skip
    parser.addini("perf_benchmark_alias", "default --perf-benchmark-alias", type="bool", default=False)
    if not _pytest_benchmark_loads(pluginmanager):  # configs written for pytest-benchmark pass its options
        _SERVED.add(pluginmanager)
        bench = parser.getgroup("benchmark", "pytest-benchmark's options, served by perfkit")
        bench.addoption("--benchmark-skip", action="store_true", default=False, help="skip tests that benchmark")
        bench.addoption("--benchmark-only", action="store_true", default=False, help="run only tests that benchmark")
        bench.addoption(
            "--benchmark-disable", action="store_true", default=False, help="run benchmarked functions once"
        )
        bench.addoption("--benchmark-enable", action="store_true", default=False, help="undo --benchmark-disable")
        bench.addoption("--benchmark-cprofile", metavar="COLUMN", help="also profile each benchmark once (cProfile)")
        for name, nargs in IGNORED_OPTIONS.items():
            kind: dict[str, Any] = {"action": "store_true"} if nargs == 0 else {"nargs": nargs, "default": None}
            if nargs == "?":
                kind["const"] = True
            bench.addoption(f"--{name}", **kind, help="pytest-benchmark's; accepted and ignored (see --perf-*)")


def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Under the option, keep pytest-benchmark from running: its fixture and hooks would clash with the alias."""
    if _asked(early_config) and not early_config.pluginmanager.is_blocked(PLUGIN_NAME):
        early_config.pluginmanager.set_blocked(PLUGIN_NAME)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_ACTIVE] = active = not _pytest_benchmark_active(config)
    if active:
        config.addinivalue_line("markers", "benchmark(group=...): pytest-benchmark's marker, served by perfkit")
        config.pluginmanager.register(_Alias(), "perfkit-benchmark-alias")
        given = [f"--{n}" for n in IGNORED_OPTIONS if config.getoption(n.replace("-", "_"), None) not in (None, False)]
        if given and config.pluginmanager in _SERVED:  # declared here, not by a pytest-benchmark kept from loading
            config.issue_config_time_warning(
                pytest.PytestConfigWarning(
                    f"perfkit serves the benchmark fixture and ignores {', '.join(given)}: measure with --perf, "
                    "save with --perf-save, compare with --perf-compare"
                ),
                stacklevel=2,
            )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.stash.get(_ACTIVE, False):
        return
    skip, only = config.getoption("benchmark_skip", False), config.getoption("benchmark_only", False)
    for item in items:
        uses = "benchmark" in getattr(item, "fixturenames", ())
        if uses and skip and not only:
            item.add_marker(pytest.mark.skip(reason="Skipping benchmark (--benchmark-skip active)."))
        elif not uses and only:
            item.add_marker(pytest.mark.skip(reason="Skipping non-benchmark (--benchmark-only active)."))


def pytest_runtest_setup(item: pytest.Item) -> None:
    """pytest-benchmark's checks of its marker."""
    if not item.config.stash.get(_ACTIVE, False):
        return
    marker = item.get_closest_marker("benchmark")
    if marker is None:
        return
    if marker.args:
        raise ValueError("benchmark mark can't have positional arguments.")
    for name in marker.kwargs:
        if name not in MARK_KEYWORDS:
            raise ValueError(f"benchmark mark can't have {name!r} keyword argument.")


class _Alias:
    """Registered only when the alias is active, so that ``benchmark`` exists only then."""

    @pytest.fixture
    def benchmark(self, request: pytest.FixtureRequest) -> Iterator[BenchmarkFixture]:
        """pytest-benchmark's fixture, measured by perfkit."""
        config = request.config
        if config.getoption("benchmark_skip", False) and not config.getoption("benchmark_only", False):
            pytest.skip("Benchmarks are skipped (--benchmark-skip was used).")
        fixture = BenchmarkFixture.for_request(request)
        try:
            yield fixture
        finally:
            fixture.finish()

    @pytest.fixture
    def benchmark_weave(self, benchmark: BenchmarkFixture) -> Callable[..., None]:
        """pytest-benchmark's ``benchmark_weave``: ``benchmark.weave``."""
        return benchmark.weave


def _asked(config: pytest.Config) -> bool:
    namespace = getattr(config, "known_args_namespace", config.option)
    return bool(getattr(namespace, "perf_benchmark_alias", False) or config.getini("perf_benchmark_alias"))


def _pytest_benchmark_active(config: pytest.Config) -> bool:
    manager = config.pluginmanager
    return not manager.is_blocked(PLUGIN_NAME) and (
        manager.has_plugin(PLUGIN_NAME) or manager.has_plugin("pytest_benchmark.plugin")
    )


def _pytest_benchmark_loads(manager: pytest.PytestPluginManager) -> bool:
    """Whether pytest-benchmark is (or is about to be) loaded in this session: it adds its own ``--benchmark-*``."""
    if manager.is_blocked(PLUGIN_NAME):
        return False
    if manager.has_plugin(PLUGIN_NAME) or manager.has_plugin("pytest_benchmark.plugin"):
        return True
    return (
        not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
        and importlib.util.find_spec("pytest_benchmark") is not None
    )


# ---------------------------------------------------------------------- the fixture
class BenchmarkFixture:
    """What a pytest-benchmark test receives as ``benchmark``. Timing goes through a
    :class:`~perfkit.perftest.session.PerfCall`, made at the call (so that ``group`` set by the test counts)."""

    def __init__(
        self,
        make_call: Callable[[str | None], Any],
        *,
        name: str,
        fullname: str,
        group: str | None = None,
        param: str | None = None,
        params: dict[str, Any] | None = None,
        session: Any = None,
        replay: bool = False,
        cprofile: bool = False,
    ) -> None:
        self._make_call = make_call
        self._session = session
        self.name = name
        self.fullname = fullname
        self.group = group
        self.param = param
        self.params = params
        self.extra_info: dict[str, Any] = {}
        self.disabled = session is None
        self.stats: _Metadata | None = None
        self.has_error = False
        self.skipped = False
        self._replay = replay and session is None
        self._cprofile = cprofile
        self.cprofile_stats: pstats.Stats | None = None
        self._mode: str | None = None
        self._cleanups: list[Callable[[], None]] = []

    @classmethod
    def for_request(cls, request: pytest.FixtureRequest) -> BenchmarkFixture:
        """The fixture of the test of ``request``: the plugin's session, the markers' group and settings."""
        from perfkit.perftest.measure import run_in_callgrind_child
        from perfkit.perftest.session import PerfCall
        from perfkit.perftest.settings import TestSettings
        from perfkit.pytest_plugin import _SESSION

        config, node = request.config, request.node
        session = config.stash.get(_SESSION, None)
        once = config.getoption("benchmark_disable", False) and not config.getoption("benchmark_enable", False)
        if once:
            session = None
        perf_marker = node.get_closest_marker("perf")
        test = TestSettings.from_marker(dict(perf_marker.kwargs)) if perf_marker is not None else TestSettings()
        bench_marker = node.get_closest_marker("benchmark")
        group = (bench_marker.kwargs.get("group") if bench_marker is not None else None) or test.group
        rootpath = Path(config.rootpath)

        def make_call(chosen: str | None) -> PerfCall:
            return PerfCall(
                session,
                node.nodeid,
                replace(test, group=chosen),
                nodeid_path=str(rootpath / node.nodeid),
                cwd=Path(config.invocation_params.dir),
                callgrind_child=run_in_callgrind_child(),
            )

        callspec = getattr(node, "callspec", None)
        return cls(
            make_call,
            name=node.name,
            fullname=node.nodeid,
            group=None if group is None else str(group),
            param=callspec.id if callspec is not None else None,
            params=dict(callspec.params) if callspec is not None else None,
            session=session,
            replay=not once and not run_in_callgrind_child(),
            cprofile=not run_in_callgrind_child()
            and bool(
                (bench_marker is not None and bench_marker.kwargs.get("cprofile"))
                or config.getoption("benchmark_cprofile", None)
            ),
        )

    @property
    def enabled(self) -> bool:
        return not self.disabled

    def _start(self, mode: str) -> Any:
        if self._mode:
            self.has_error = True
            raise FixtureAlreadyUsed(f"Fixture can only be used once. Previously it was used in {self._mode} mode.")
        self._mode = mode
        return self._make_call(self.group)

    def __call__(self, function_to_benchmark: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Measure ``function_to_benchmark(*args, **kwargs)`` and return its result."""
        call = self._start("benchmark(...)")
        try:
            result = call(function_to_benchmark, *args, **kwargs)
        except Exception:
            self.has_error = True
            raise
        self._collect()
        if self._cprofile:
            self._profile(function_to_benchmark, args, kwargs)
        return result

    def pedantic(
        self,
        target: Callable[..., Any],
        args: tuple[Any, ...] | list[Any] = (),
        kwargs: dict[str, Any] | None = None,
        setup: Callable[[], Any] | None = None,
        teardown: Callable[..., Any] | None = None,
        rounds: int = 1,
        warmup_rounds: int = 0,
        iterations: int = 1,
    ) -> Any:
        """pytest-benchmark's pedantic mode: ``setup()`` before each round (it may return ``(args, kwargs)``),
        ``teardown(*args, **kwargs)`` after it; ``iterations`` calls per round, ``rounds`` rounds timed."""
        kwargs = {} if kwargs is None else kwargs
        for name, value, least, word in (
            ("iterations", iterations, 1, "positive"),
            ("rounds", rounds, 1, "positive"),
            ("warmup_rounds", warmup_rounds, 0, "positive"),
        ):
            if not isinstance(value, int) or value < least:
                self.has_error = True
                raise PedanticArgument(f"pedantic({name})", value, f"Must have {word} int for `{name}`.")
        if iterations > 1 and setup:
            self.has_error = True
            raise PedanticArgument(
                "pedantic(setup)", setup, "Can't use more than 1 `iterations` with a `setup` function."
            )
        call = self._start("benchmark.pedantic(...)")
        pending: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

        def tear_down() -> None:
            while pending and teardown is not None:
                done_args, done_kwargs = pending.pop()
                teardown(*done_args, **done_kwargs)

        def prepare() -> tuple[tuple[Any, ...], dict[str, Any]]:
            tear_down()  # the previous round's teardown, before this round's setup, as pytest-benchmark orders them
            made_args, made_kwargs = tuple(args), dict(kwargs)
            if setup:
                made = setup()
                if made:
                    if args or kwargs:
                        raise InvalidArgument(
                            "pedantic(setup)", setup, "Can't use `args` or `kwargs` if `setup` returns the arguments."
                        )
                    made_args, made_kwargs = tuple(made[0]), dict(made[1])
            pending.append((made_args, made_kwargs))
            return made_args, made_kwargs

        try:
            if self._replay:
                result = _replay(target, prepare, rounds=rounds, warmup_rounds=warmup_rounds, iterations=iterations)
            else:
                result = call.pedantic(
                    target, setup=prepare, rounds=rounds, iterations=iterations, warmup_rounds=warmup_rounds
                )
            if self._cprofile:  # pytest-benchmark's profiled calls: one setup, a teardown after each call
                made_args, made_kwargs = prepare()
                pending.clear()
                for _ in range(iterations):
                    self._profile(target, made_args, made_kwargs)
                    if teardown is not None:
                        teardown(*made_args, **made_kwargs)
            tear_down()
        except Exception:
            self.has_error = True
            raise
        self._collect()
        return result

    def weave(self, target: Any, **kwargs: Any) -> None:
        """Measure the first call of ``target`` (a function or method, or its dotted name) made by the test:
        it is replaced in its module or class until the test ends. aspectlib's ``lazy`` is accepted (the
        replacement is always made at once); its other options are not."""
        unknown = sorted(set(kwargs) - {"lazy"})
        if unknown:
            raise InvalidArgument(f"weave({unknown[0]}=...)", kwargs[unknown[0]], "perfkit's weave takes the target")
        owner, attribute = _owner_of(target)
        original = getattr(owner, attribute)
        plain = owner.__dict__.get(attribute, original) if isinstance(owner, type) else original
        if isinstance(plain, staticmethod | classmethod):
            raise InvalidArgument("weave(target)", target, "weave a plain function or method")

        @functools.wraps(original)
        def measured(*args: Any, **kw: Any) -> Any:
            return self(original, *args, **kw)

        setattr(owner, attribute, measured)
        self._cleanups.append(lambda: setattr(owner, attribute, plain))

    patch = weave

    def _profile(self, target: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        """One more call of ``target`` under cProfile (``cprofile=True`` in the marker, or --benchmark-cprofile),
        added to ``cprofile_stats``; its top functions are stored with the measurement."""
        profile = cProfile.Profile()
        profile.runcall(target, *args, **kwargs)
        if self.cprofile_stats is None:
            self.cprofile_stats = pstats.Stats(profile)
        else:
            self.cprofile_stats.add(profile)

    def _collect(self) -> None:
        """After a measured call: ``stats`` from the time values perfkit measured."""
        samples = self._session.samples.get(self.fullname, []) if self._session is not None else []
        values = next((s.values for s in samples if s.metric == "time"), None)
        if values:
            self.stats = _Metadata(self, values)

    def finish(self) -> None:
        """At the end of the test: undo weaving; store ``group`` and ``extra_info`` with the measurement."""
        while self._cleanups:
            self._cleanups.pop()()
        if self._session is None or self.fullname not in self._session.samples:
            return
        self._session.groups[self.fullname] = self.group
        info = _json_safe(self.extra_info)
        profile = _top_functions(self.cprofile_stats) if self.cprofile_stats is not None else None
        for sample in self._session.samples[self.fullname]:
            sample.extra["extra_info"] = info
            if profile is not None:
                sample.extra["cprofile"] = profile


def _replay(
    target: Callable[..., Any],
    prepare: Callable[[], tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    rounds: int,
    warmup_rounds: int,
    iterations: int,
) -> Any:
    """pytest-benchmark's sequence of calls, untimed: ``warmup_rounds + rounds`` rounds of ``iterations`` calls,
    each round between a setup and a teardown, and one more round for the result when ``iterations`` > 1."""
    result = None
    for _ in range(warmup_rounds + rounds):
        args, kwargs = prepare()
        for _ in range(iterations):
            result = target(*args, **kwargs)
    if iterations > 1:
        args, kwargs = prepare()
        result = target(*args, **kwargs)
    return result


def _owner_of(target: Any) -> tuple[Any, str]:
    """(module or class, attribute name) where ``target`` lives."""
    if isinstance(target, str):
        module_name, _, rest = target.rpartition(".")
        parts: list[str] = []
        while module_name:
            try:
                owner: Any = importlib.import_module(module_name)
                break
            except ImportError:
                module_name, _, last = module_name.rpartition(".")
                parts.insert(0, last)
        else:
            raise InvalidArgument("weave(target)", target, "give a dotted name that starts with a module")
        for part in parts:
            owner = getattr(owner, part)
        if not hasattr(owner, rest):
            raise InvalidArgument("weave(target)", target, f"{module_name} has no {'.'.join([*parts, rest])}")
        return owner, rest
    module = importlib.import_module(getattr(target, "__module__", None) or "builtins")
    path = getattr(target, "__qualname__", "").split(".")
    if not path[0] or "<locals>" in path:
        raise InvalidArgument("weave(target)", target, "give a module-level function or a method of a class")
    owner = module
    for part in path[:-1]:
        owner = getattr(owner, part)
    return owner, path[-1]


def _top_functions(stats: pstats.Stats, *, top: int = CPROFILE_TOP) -> list[dict[str, Any]]:
    """The ``top`` functions of a profile by cumulative time: where, calls, own and cumulative seconds."""
    rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])[:top]  # type: ignore[attr-defined]
    return [
        {"function": f"{file}:{line}({name})", "ncalls": calls, "tottime": own, "cumtime": cumulative}
        for (file, line, name), (_, calls, own, cumulative, _) in rows
    ]


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    """``extra_info`` as the store can keep it (values JSON cannot hold become their repr)."""
    result: dict[str, Any] = json.loads(json.dumps(value, default=repr))
    return result


class _Stats:
    """pytest-benchmark's ``Stats`` fields, from perfkit's time values (seconds per call, one per series)."""

    def __init__(self, values: list[float]) -> None:
        self.data = list(values)
        ordered = sorted(self.data)
        self.rounds = len(ordered)
        self.min, self.max = ordered[0], ordered[-1]
        self.mean = statistics.fmean(ordered)
        self.stddev = statistics.stdev(ordered) if len(ordered) > 1 else 0.0
        self.median = statistics.median(ordered)
        if len(ordered) > 1:
            self.q1, _, self.q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            self.q1 = self.q3 = ordered[0]
        self.iqr = self.q3 - self.q1
        self.total = math.fsum(ordered)
        self.ops = 1 / self.mean if self.mean else 0.0

    def as_dict(self) -> dict[str, float]:
        fields = ("min", "max", "mean", "stddev", "rounds", "median", "iqr", "q1", "q3", "total", "ops")
        return {name: getattr(self, name) for name in fields}


class _Metadata:
    """``benchmark.stats``: its ``stats`` and item access to them, as in pytest-benchmark."""

    def __init__(self, fixture: BenchmarkFixture, values: list[float]) -> None:
        self.name, self.fullname, self.group = fixture.name, fixture.fullname, fixture.group
        self.extra_info = fixture.extra_info
        self.stats = _Stats(values)

    def __getitem__(self, key: str) -> Any:
        return getattr(self.stats, key) if hasattr(self.stats, key) else getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except AttributeError:
            return default
