"""pytest-benchmark's ``benchmark`` fixture served by perfkit: tests written the pytest-benchmark way (plain call,
keywords, lambda, partial, decorator, methods, parametrized, pedantic with setup/teardown, group marker and
attribute, extra_info, weave) run unchanged in inner sessions, with pytest-benchmark turned off (-p no:benchmark),
under --perf-benchmark-alias while it is installed, and side by side with it when neither is asked."""

from __future__ import annotations

import importlib.util
from types import SimpleNamespace

import pytest
import scipy.stats  # noqa: F401  (loaded before in-process inner sessions: numpy cannot be imported twice)

from perfkit.store import Store

pytest_plugins = ["pytester"]

needs_pytest_benchmark = pytest.mark.skipif(
    importlib.util.find_spec("pytest_benchmark") is None, reason="pytest-benchmark is not installed (dev extra)"
)

LIBRARY = """
CALLS = []


def work(n):
    CALLS.append(n)
    total = 0
    for i in range(n):
        total += i % 7
    return total


def expected(n):
    return sum(i % 7 for i in range(n))
"""

SPELLINGS = """
import functools

import pytest

import lib


def test_plain(benchmark):
    assert benchmark(lib.work, 300) == lib.expected(300)
    assert (benchmark.name, benchmark.fullname) == ("test_plain", "test_spellings.py::test_plain")


def test_keywords(benchmark):
    assert benchmark(lib.work, n=300) == lib.expected(300)


def test_lambda(benchmark):
    assert benchmark(lambda: lib.work(200)) == lib.expected(200)


def test_partial(benchmark):
    assert benchmark(functools.partial(lib.work, 100)) == lib.expected(100)


def test_decorator(benchmark):
    @benchmark
    def result():
        return lib.work(50)

    assert result == lib.expected(50)


class TestInAClass:
    def test_method(self, benchmark):
        assert benchmark(lib.work, 10) == lib.expected(10)


@pytest.mark.parametrize("n", [10, 20])
def test_parametrized(benchmark, n):
    assert benchmark(lib.work, n) == lib.expected(n)
    assert (benchmark.param, benchmark.params) == (str(n), {"n": n})


def test_pedantic_setup_returns_arguments(benchmark):
    made = []

    def setup():
        data = list(range(100, 0, -1))
        made.append(data)
        return (data,), {"reverse": False}

    assert benchmark.pedantic(sorted, setup=setup, rounds=4) == list(range(1, 101))
    assert made


def test_pedantic_teardown_pairs_with_setup(benchmark):
    events = []

    def setup():
        events.append("setup")

    def teardown(n):
        assert n == 40
        events.append("teardown")

    benchmark.pedantic(lib.work, args=(40,), kwargs={}, setup=setup, teardown=teardown, rounds=3)
    assert events.count("setup") == events.count("teardown") >= 1
    assert events[0] == "setup" and events[-1] == "teardown"
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(lib=LIBRARY, test_spellings=SPELLINGS)
    pytester.makeini("[pytest]\naddopts = -p no:randomly -p no:cacheprovider --strict-markers\n")
    return pytester


def _perfkit_fixture(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(
        test_kind="""
        def test_kind(benchmark):
            assert type(benchmark).__module__ == "perfkit.perftest.compat"
        """
    )
    return pytester.runpytest(*args)


# ------------------------------------------------------------------ which plugin serves `benchmark`
def test_every_spelling_runs_unchanged_without_pytest_benchmark(project: pytest.Pytester) -> None:
    result = _perfkit_fixture(project, "-p", "no:benchmark")
    result.assert_outcomes(passed=11)


@needs_pytest_benchmark
def test_the_option_takes_over_from_an_installed_pytest_benchmark(project: pytest.Pytester) -> None:
    """Its --benchmark-* options still parse (pytest-benchmark declared them) and --benchmark-disable is kept."""
    result = _perfkit_fixture(project, "--perf-benchmark-alias", "--benchmark-disable", "--benchmark-columns=min")
    result.assert_outcomes(passed=11)
    assert "ignores" not in result.stdout.str()  # pytest-benchmark declared them: nothing of ours to warn about
    project.makeini("[pytest]\nperf_benchmark_alias = true\naddopts = -p no:randomly -p no:cacheprovider\n")
    _perfkit_fixture(project, "test_kind.py").assert_outcomes(passed=1)


@needs_pytest_benchmark
def test_without_the_option_pytest_benchmark_keeps_its_fixture(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_theirs="""
        from pytest_benchmark.fixture import BenchmarkFixture

        def test_theirs(benchmark):
            assert isinstance(benchmark, BenchmarkFixture)
            benchmark(sum, [1, 2])
        """
    )
    project.runpytest("--benchmark-disable", "test_theirs.py").assert_outcomes(passed=1)


# ------------------------------------------------------------------ pytest-benchmark's checks and semantics
def test_pedantic_argument_checks_and_call_sequence(project: pytest.Pytester) -> None:
    """pytest-benchmark's ValueError/TypeError cases; untimed, pedantic makes exactly pytest-benchmark's calls."""
    project.makepyfile(
        test_checks="""
        import pytest

        from perfkit.perftest.compat import FixtureAlreadyUsed


        @pytest.mark.parametrize("name, value", [("rounds", 0), ("rounds", "x"), ("warmup_rounds", -1),
                                                 ("iterations", 0), ("iterations", 1.5)])
        def test_bad_counts(benchmark, name, value):
            with pytest.raises(ValueError, match=f"Must have positive int for `{name}`"):
                benchmark.pedantic(print, **{name: value})
            with pytest.raises(ValueError, match=f"{name}"):  # the message also names the argument and its value
                benchmark.pedantic(print, **{name: value})

        def test_setup_with_iterations(benchmark):
            with pytest.raises(ValueError, match="more than 1 `iterations`"):
                benchmark.pedantic(None, setup=lambda: None, iterations=2)

        def test_setup_returning_arguments_with_arguments(benchmark):
            calls = []
            with pytest.raises(TypeError, match="Can't use `args` or `kwargs`"):
                benchmark.pedantic(calls.append, args=[1], setup=lambda: ((2,), {}))
            assert calls == []

        def test_setup_returning_none_keeps_the_arguments(benchmark):
            calls = []
            benchmark.pedantic(calls.append, args=[123], setup=lambda: None)
            assert calls == [123]

        def test_exact_calls(benchmark):
            calls, events = [], []
            benchmark.pedantic(calls.append, args=[1], rounds=3, iterations=2, warmup_rounds=1,
                               teardown=lambda n: events.append(n))
            assert len(calls) == (1 + 3) * 2 + 1 and len(events) == 1 + 3 + 1

        @pytest.mark.benchmark(cprofile=True)
        def test_cprofile(benchmark):
            calls, events = [], []
            benchmark.pedantic(calls.append, args=[1], teardown=lambda n: events.append(n))
            assert calls == [1, 1] and events == [1, 1]  # the round, then one call under cProfile
            assert benchmark.cprofile_stats is not None

        def test_used_twice(benchmark):
            benchmark(len, "ab")
            with pytest.raises(FixtureAlreadyUsed, match="only be used once"):
                benchmark(len, "ab")
        """
    )
    project.runpytest("-p", "no:benchmark", "test_checks.py").assert_outcomes(passed=11)


def test_marker_checks(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_marks="""
        import pytest

        @pytest.mark.benchmark(group="g", min_rounds=3, max_time=0.5, timer=None, disable_gc=True, warmup=False)
        def test_known(benchmark):
            assert benchmark.group == "g"
            benchmark(len, "x")

        @pytest.mark.benchmark("positional")
        def test_positional(benchmark):
            benchmark(len, "x")

        @pytest.mark.benchmark(rounds=3)
        def test_unknown(benchmark):
            benchmark(len, "x")
        """
    )
    result = project.runpytest("-p", "no:benchmark", "test_marks.py")
    result.assert_outcomes(passed=1, errors=2)
    result.stdout.fnmatch_lines(["*benchmark mark can't have positional arguments*"])
    result.stdout.fnmatch_lines(["*benchmark mark can't have 'rounds' keyword argument*"])


def test_pytest_benchmark_options_still_parse_and_are_named_when_ignored(project: pytest.Pytester) -> None:
    """CI scripts written for pytest-benchmark keep working without it: its options parse; the ignored ones are
    named in one warning that says which --perf-* options do the job."""
    result = project.runpytest(
        "-p", "no:benchmark", "--benchmark-columns=min,max", "--benchmark-compare", "--benchmark-autosave",
        "--benchmark-compare-fail", "min:5%", "mean:3%", "--benchmark-warmup", "--benchmark-min-rounds=3",
        "test_spellings.py",
    )  # fmt: skip
    result.assert_outcomes(passed=10)
    result.stdout.fnmatch_lines(["*ignores --benchmark-autosave, --benchmark-min-rounds, --benchmark-columns*"])
    assert result.stdout.str().count("perfkit serves the benchmark fixture") == 1
    result.stdout.fnmatch_lines(["*--benchmark-compare, --benchmark-compare-fail: measure with --perf*"])


def test_skip_only_and_disable(project: pytest.Pytester) -> None:
    project.makepyfile(test_other="def test_other():\n    pass\n")
    skipped = project.runpytest("-p", "no:benchmark", "--benchmark-skip")
    skipped.assert_outcomes(passed=1, skipped=10)
    only = project.runpytest("-p", "no:benchmark", "--benchmark-only")
    only.assert_outcomes(passed=10, skipped=1)


def test_weave_measures_the_first_call_and_restores(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_weave="""
        import lib

        ORIGINAL = lib.work

        class Job:
            def run(self):
                return self.step(5)

            def step(self, n):
                return lib.work(n)

        def test_weave_function(benchmark):
            benchmark.weave(lib.work, lazy=True)
            assert lib.work is not ORIGINAL
            assert lib.work(30) == lib.expected(30)

        def test_weave_by_name(benchmark_weave):
            benchmark_weave("lib.work")
            assert lib.work(3) == lib.expected(3)

        def test_weave_method(benchmark):
            benchmark.weave(Job.step)
            assert Job().run() == lib.expected(5)

        def test_restored():
            assert lib.work is ORIGINAL and "wrapped" not in Job.step.__dict__
        """
    )
    project.runpytest("-p", "no:benchmark", "test_weave.py").assert_outcomes(passed=4)


# ------------------------------------------------------------------ measured by perfkit
def test_measured_runs_store_group_and_extra_info(project: pytest.Pytester) -> None:
    """Measured (--perf-save, the deterministic cost metric): each test stored under its id, with the marker's or
    the attribute's group and its extra_info (values JSON cannot hold kept as their repr)."""
    project.makepyfile(
        test_stored="""
        import pytest

        import lib

        @pytest.mark.benchmark(group="by-marker")
        def test_marker_group(benchmark):
            benchmark.extra_info["size"] = 300
            benchmark(lib.work, 300)
            benchmark.extra_info.update({"kind": "sum", "odd": object})

        @pytest.mark.benchmark(cprofile=True)
        def test_attribute_group(benchmark):
            benchmark.group = "by-attribute"
            benchmark(lib.work, 100)

        def test_pedantic_measured(benchmark):
            events = []
            benchmark.pedantic(lib.work, setup=lambda: events.append("s") or ((50,), {}),
                               teardown=lambda n: events.append("t"), rounds=3)
            assert events.count("s") == events.count("t") >= 2
        """
    )
    result = project.runpytest("-p", "no:benchmark", "--perf-save", "--perf-metric=cost", "test_stored.py")
    result.assert_outcomes(passed=3)
    with Store(project.path / ".perfkit" / "results.sqlite", create=False) as store:
        (run,) = store.runs(kind="pytest")
        assert run.id is not None
        rows = {row.key: row for row in store.rows(run.id)}
    marker = rows["test_stored.py::test_marker_group"]
    assert marker.extra["group"] == "by-marker"
    assert marker.extra["extra_info"] == {"size": 300, "kind": "sum", "odd": repr(object)}
    attribute = rows["test_stored.py::test_attribute_group"]
    assert attribute.extra["group"] == "by-attribute" and "cprofile" not in marker.extra
    assert any("(work)" in f["function"] and f["ncalls"] == 1 for f in attribute.extra["cprofile"])
    assert marker.median > attribute.median > rows["test_stored.py::test_pedantic_measured"].median > 0


def test_measured_pedantic_tears_down_only_what_the_target_ran_on(project: pytest.Pytester) -> None:
    """bidict's spelling: the target mutates what setup made, teardown asserts the mutation happened. Measured on
    time and cost, every setup is followed by a call before its teardown."""
    project.makepyfile(
        test_mutating="""
        def pop_last(table, key):
            return table.pop(key)

        def setup():
            return (dict.fromkeys(range(50)), 49), {}

        def check(table, key):
            assert key not in table and len(table) == 49

        def test_pop(benchmark):
            assert benchmark.pedantic(pop_last, setup=setup, teardown=check, rounds=5, warmup_rounds=1) is None
        """
    )
    result = project.runpytest("-p", "no:benchmark", "--perf", "--perf-metric=time,cost", "test_mutating.py")
    result.assert_outcomes(passed=1)


def test_stats_from_the_measured_values() -> None:
    """``benchmark.stats`` gives pytest-benchmark's fields from the time values perfkit stored for the test."""
    from perfkit.perftest.compat import BenchmarkFixture
    from perfkit.perftest.measure import Sample

    session = SimpleNamespace(samples={}, groups={})

    def call(group: str | None) -> object:
        def measured(func: object, *args: object) -> object:
            session.samples["t.py::test_a"] = [Sample("time", [3.0, 1.0, 2.0, 4.0], "clock"), Sample("cost", [9], "")]
            return "result"

        return measured

    fixture = BenchmarkFixture(call, name="test_a", fullname="t.py::test_a", session=session)
    assert fixture.stats is None and fixture.enabled
    assert fixture(len, "abc") == "result"
    assert fixture.stats is not None
    stats = fixture.stats.stats
    assert (stats.rounds, stats.min, stats.max, stats.median, stats.mean) == (4, 1.0, 4.0, 2.5, 2.5)
    assert (stats.q1, stats.q3, stats.iqr, stats.total, stats.ops) == (1.75, 3.25, 1.5, 10.0, 0.4)
    assert fixture.stats["median"] == 2.5 and fixture.stats.get("nothing", 7) == 7 and fixture.stats["name"] == "test_a"
    fixture.group, fixture.extra_info["n"] = "g", 3
    fixture.finish()
    assert session.groups["t.py::test_a"] == "g"
    assert all(s.extra["extra_info"] == {"n": 3} for s in session.samples["t.py::test_a"])


@pytest.mark.slow
def test_stats_after_a_timed_call(project: pytest.Pytester) -> None:
    project.makepyfile(
        test_stats="""
        import lib

        def test_stats(benchmark):
            assert benchmark.stats is None and benchmark.enabled
            assert benchmark(lib.work, 200) == lib.expected(200)
            stats = benchmark.stats.stats
            assert stats.rounds >= 3 and stats.min <= stats.median <= stats.max
        """
    )
    fast = ("--perf-metric=time", "--perf-processes=0", "--perf-max-time=0.05", "--perf-rounds=3")
    project.runpytest("-p", "no:benchmark", "--perf", *fast, "test_stats.py").assert_outcomes(passed=1)
