"""perfkit's pytest plugin: options, the ``perf`` fixture and thin hooks; the work is in
:mod:`perfkit.perftest.session` (same-session A/B against a git revision in :mod:`perfkit.perftest.ab`, verdicts
in :mod:`perfkit.perftest.verdicts`). Without a ``--perf-*`` option each ``perf(...)`` call runs its function once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from perfkit.perftest.session import PerfCall, PerfSession

_SESSION = pytest.StashKey["PerfSession | None"]()
_XDIST_SKIPPED = pytest.StashKey[bool]()
_WORKER_KEY = "perfkit_samples"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("perfkit", "perfkit performance tests")
    group.addoption("--perf", action="store_true", help="measure every perf(...) call and print a table")
    group.addoption(
        "--perf-save", nargs="?", const="baseline", default=None, metavar="NAME",
        help="store the measurements in the results store as baseline NAME (default: baseline)",
    )  # fmt: skip
    group.addoption(
        "--perf-compare", nargs="?", const="baseline", default=None, metavar="NAME|REV",
        help="compare with baseline NAME (default: baseline) or git revision REV; fail the session on a significant "
        "regression. When the baseline was saved from a clean git commit, or REV is a revision, both trees are "
        "timed in this session (same-session A/B, in a temporary git worktree)",
    )  # fmt: skip
    group.addoption(
        "--perf-ab", default="auto", choices=("auto", "on", "off"),
        help="same-session A/B: auto (when the baseline names a git revision), on (fail if not possible), "
        "off (compare with the stored values only)",
    )  # fmt: skip
    group.addoption(
        "--perf-gate", default=None, metavar="LIST",
        help="metrics whose regressions fail the session (comma-separated, or none); default: cost and "
        "instructions always, time and cpu in same-session A/B (against a stored baseline only when no "
        "deterministic metric is measured)",
    )  # fmt: skip
    group.addoption(
        "--perf-metric", default=None, metavar="LIST",
        help="metrics to measure, comma-separated: time (wall clock), cpu (CPU time of the thread), cost, "
        "instructions, memory, or all (default: time,cost)",
    )  # fmt: skip
    group.addoption(
        "--perf-threshold", default=None, metavar="PCT",
        help="allowed slowdown: 5%% for every metric, or per metric time=5%%,cost=1%% "
        "(default: time=5%%,cpu=5%%,cost=1%%,instructions=1%%,memory=5%%)",
    )  # fmt: skip
    group.addoption("--perf-force", action="store_true", help="compare time with a baseline from another machine")
    group.addoption(
        "--perf-store", default=None, metavar="PATH", help="results store (default: .perfkit/results.sqlite)"
    )
    group.addoption("--perf-json", default=None, metavar="FILE", help="write the results as JSON")
    group.addoption("--perf-markdown", default=None, metavar="FILE", help="write a markdown summary")
    group.addoption(
        "--perf-rounds", default=None, type=int, metavar="N", help="timed values per worker process (default: 30)"
    )
    group.addoption(
        "--perf-max-time", default=None, type=float, metavar="S",
        help="seconds of timing per test, worker start-up aside (default: 2)",
    )  # fmt: skip
    group.addoption(
        "--perf-processes", default=None, type=int, metavar="N",
        help="time and cpu: one series of values in each of N fresh worker processes, so that a process's hash "
        "seed and memory layout do not bias a session (default: 10); the call is pickled (else timed in the test "
        "process, with a note); 0: 10 series in the test process",
    )  # fmt: skip
    group.addoption(
        "--perf-instructions", default="auto", choices=("auto", "counter", "callgrind"),
        help="how to count instructions: the CPU counter, else callgrind (auto)",
    )  # fmt: skip
    group.addoption("--perf-xdist", action="store_true", help="measure in pytest-xdist workers too (noisy)")
    parser.addini("perf_metric", "default --perf-metric", default="")
    parser.addini("perf_threshold", "default --perf-threshold", default="")
    parser.addini("perf_group_thresholds", "per-group thresholds, one 'group = 10%' per line", type="linelist")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "perf(metric=, threshold=, rounds=, group=): settings of this test's perf measurement"
    )
    config.stash[_SESSION] = None
    config.stash[_XDIST_SKIPPED] = False
    from perfkit.perftest.measure import run_in_callgrind_child

    if run_in_callgrind_child() or not _wanted(config):
        return
    if _is_xdist_worker(config) and not config.getoption("perf_xdist"):
        return
    from perfkit.errors import PerfkitError
    from perfkit.perftest.session import PerfSession

    try:
        settings = _settings(config)
        worker = _is_xdist_worker(config)
        if not worker:
            from perfkit.perftest.ab import choose

            settings = choose(settings, root=Path(config.rootpath))
        perf_session = PerfSession(settings, root=Path(config.rootpath), check_store=not worker)
        perf_session.on_fatal = _stop
        config.stash[_SESSION] = perf_session
    except PerfkitError as exc:
        raise pytest.UsageError(f"perfkit: {exc}") from None
    if _uses_xdist(config) and not config.getoption("perf_xdist"):
        config.stash[_XDIST_SKIPPED] = True


def _stop(message: str) -> None:
    """Stop the session with one line (same-session A/B imported from the wrong tree)."""
    pytest.exit(f"perfkit: {message}", returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove the baseline worktree of same-session A/B (also after Ctrl-C)."""
    perf_session = config.stash.get(_SESSION, None)
    if perf_session is not None:
        perf_session.close()


_SECTION_KEYS = ("metric", "threshold", "group-thresholds", "rounds", "max-time", "processes", "store", "instructions")


def _pyproject_section(config: pytest.Config) -> dict[str, Any]:
    """``[tool.perfkit.pytest]`` of the project's pyproject.toml (the command line and pytest's ini options win)."""
    from perfkit.config_file import find_pyproject, read_section
    from perfkit.errors import InvalidArgument

    pyproject = find_pyproject(Path(config.rootpath))
    section = read_section("pytest", pyproject)
    unknown = sorted(set(section) - set(_SECTION_KEYS))
    if unknown:
        raise InvalidArgument(
            f"[tool.perfkit.pytest] in {pyproject}", unknown[0], f"known keys: {', '.join(_SECTION_KEYS)}"
        )
    return section


def _given(option: Any, section: dict[str, Any], key: str, kind: type) -> Any:
    """The command-line value, else the section's (checked to be a ``kind``), else None."""
    from perfkit.errors import InvalidArgument

    if option is not None or key not in section:
        return option
    value = section[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind is int and not isinstance(value, int)):
        raise InvalidArgument(f"[tool.perfkit.pytest] {key}", value, f"give a {kind.__name__}")
    return kind(value)


def _instructions(config: pytest.Config, section: dict[str, Any]) -> str:
    from perfkit.errors import InvalidArgument

    chosen = config.getoption("perf_instructions")
    if chosen == "auto" and "instructions" in section:
        chosen = section["instructions"]
        if chosen not in ("auto", "counter", "callgrind"):
            raise InvalidArgument("[tool.perfkit.pytest] instructions", chosen, "choose auto, counter or callgrind")
    return str(chosen)


def _wanted(config: pytest.Config) -> bool:
    names = ("perf", "perf_save", "perf_compare", "perf_json", "perf_markdown")
    return any(config.getoption(name) not in (None, False) for name in names)


def _is_xdist_worker(config: pytest.Config) -> bool:
    return hasattr(config, "workerinput")


def _uses_xdist(config: pytest.Config) -> bool:
    numprocesses = getattr(config.option, "numprocesses", None)
    return bool(numprocesses) and not _is_xdist_worker(config)


def _settings(config: pytest.Config) -> Any:
    from perfkit.errors import InvalidArgument
    from perfkit.perftest import measure as pm
    from perfkit.perftest import settings as ps

    section = _pyproject_section(config)
    metric = config.getoption("perf_metric") or config.getini("perf_metric") or section.get("metric") or "time,cost"
    threshold = config.getoption("perf_threshold") or config.getini("perf_threshold") or section.get("threshold")
    rounds = _given(config.getoption("perf_rounds"), section, "rounds", int)
    max_time = _given(config.getoption("perf_max_time"), section, "max-time", float)
    if rounds is not None and rounds < 2:
        raise InvalidArgument("--perf-rounds", rounds, "give a whole number of at least 2")
    if max_time is not None and max_time <= 0:
        raise InvalidArgument("--perf-max-time", max_time, "give a positive number of seconds")
    processes = _given(config.getoption("perf_processes"), section, "processes", int)
    processes = 10 if processes is None else processes
    if processes < 0 or processes > 100:
        raise InvalidArgument("--perf-processes", processes, "give a number of processes between 0 and 100")
    store = config.getoption("perf_store") or section.get("store")
    groups = ps.parse_group_thresholds(config.getini("perf_group_thresholds")) or {
        str(group): ps.parse_percent(str(value), option="[tool.perfkit.pytest] group-thresholds")
        for group, value in dict(section.get("group-thresholds") or {}).items()
    }
    budget = pm.Budget(
        rounds=rounds or pm.Budget.rounds,
        max_time=max_time or pm.Budget.max_time,
        min_rounds=min(pm.Budget.min_rounds, rounds or pm.Budget.min_rounds),
    )
    return ps.Settings(
        metrics=ps.parse_metrics(metric),
        thresholds=ps.parse_thresholds(threshold) if threshold else dict(ps.DEFAULT_THRESHOLDS),
        group_thresholds=groups,
        save=ps.parse_name(config.getoption("perf_save"), option="--perf-save"),
        compare=ps.parse_name(config.getoption("perf_compare"), option="--perf-compare", revision=True),
        ab=config.getoption("perf_ab"),
        gate=ps.parse_gate(config.getoption("perf_gate")),
        force=config.getoption("perf_force"),
        store=Path(store) if store else Path(config.rootpath) / ".perfkit" / "results.sqlite",
        budget=budget,
        instructions=_instructions(config, section),
        processes=processes,
    )


@pytest.fixture
def perf(request: pytest.FixtureRequest) -> PerfCall:
    """``perf(fn, *args, **kwargs)`` returns ``fn(*args, **kwargs)`` and measures it when perfkit measures."""
    from perfkit.perftest.measure import run_in_callgrind_child
    from perfkit.perftest.session import PerfCall
    from perfkit.perftest.settings import TestSettings

    session = request.config.stash[_SESSION]
    marker = request.node.get_closest_marker("perf")
    test = TestSettings.from_marker(dict(marker.kwargs)) if marker is not None else TestSettings()
    rootpath = Path(request.config.rootpath)
    return PerfCall(
        session,
        request.node.nodeid,
        test,
        nodeid_path=str(rootpath / request.node.nodeid),
        cwd=Path(request.config.invocation_params.dir),
        callgrind_child=run_in_callgrind_child(),
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    perf_session = config.stash.get(_SESSION, None)
    if perf_session is None:
        return
    if _is_xdist_worker(config):
        from perfkit.perftest.session import samples_to_wire

        config.workeroutput[_WORKER_KEY] = samples_to_wire(perf_session)  # type: ignore[attr-defined]
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED:
        perf_session.notes.append("the session was interrupted: nothing compared or saved")
        return
    from perfkit.errors import PerfkitError

    try:
        perf_session.finish()
        _write_reports(config, perf_session)
    except PerfkitError as exc:
        perf_session.notes.append(f"error: {exc}")
        session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return
    if perf_session.regressions and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """xdist: gather the samples a worker measured (only with --perf-xdist)."""
    output = getattr(node, "workeroutput", {}) or {}
    perf_session = node.config.stash.get(_SESSION, None)
    if perf_session is not None and _WORKER_KEY in output:
        from perfkit.perftest.session import samples_from_wire

        samples_from_wire(perf_session, output[_WORKER_KEY])


def _write_reports(config: pytest.Config, perf_session: PerfSession) -> None:
    from perfkit._io import write_atomic
    from perfkit.perftest import report as perf_report

    kwargs = _report_args(perf_session)
    json_path = config.getoption("perf_json")
    if json_path:
        settings = perf_session.settings
        extra = {
            "store": str(settings.store),
            "saved_run": perf_session.saved_run,
            "baseline": settings.compare,
            "same_session_revision": settings.revision,
        }
        write_atomic(json_path, perf_report.to_json(perf_session.comparisons, **kwargs, extra=extra))
    text = perf_report.markdown(perf_session.comparisons, **kwargs)
    md_path = config.getoption("perf_markdown")
    if md_path:
        write_atomic(md_path, text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(text)


def _report_args(perf_session: PerfSession) -> dict[str, Any]:
    found: dict[str, list[str]] = {}
    for samples in perf_session.samples.values():
        for sample in samples:
            if sample.method not in found.setdefault(sample.metric, []):
                found[sample.metric].append(sample.method)
    methods = {metric: "; ".join(names) for metric, names in found.items()}
    settings = perf_session.settings
    compared = None
    if settings.compare is not None:
        compared = f"baseline {settings.compare!r}"
        if settings.revision is not None:
            compared = f"{settings.revision_label}, timed in this session (A/B)"
    from perfkit.perftest.measure import hardware_instructions_available
    from perfkit.perftest.report import gate_line

    gate = gate_line(perf_session.comparisons, counters=hardware_instructions_available())
    return {"methods": methods, "notes": perf_session.notes, "compared": compared, "gate": gate}


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if config.stash.get(_XDIST_SKIPPED, False):
        terminalreporter.write_sep("-", "perfkit")
        terminalreporter.write_line(
            "perfkit: measured nothing: tests ran in pytest-xdist workers (-n), where timings disturb each other; "
            "run without -n, or pass --perf-xdist to measure in the workers anyway"
        )
        return
    perf_session = config.stash.get(_SESSION, None)
    if perf_session is None or _is_xdist_worker(config):
        return
    terminalreporter.write_sep("-", "perfkit")
    if not perf_session.comparisons:
        lines = [f"note: {n}" for n in perf_session.notes]
        if not perf_session.samples:
            lines.append("perfkit: no test called the perf fixture")
    else:
        from perfkit.perftest import report as perf_report

        lines = perf_report.terminal_lines(perf_session.comparisons, **_report_args(perf_session))
        if perf_session.saved_run is not None:
            lines.append(f"perfkit: saved as baseline {perf_session.settings.save!r} in {perf_session.settings.store}")
    for line in lines:
        red = line.startswith("perfkit:") and perf_session.regressions
        terminalreporter.write_line(line, red=bool(red), bold=line.startswith("perfkit:"))
