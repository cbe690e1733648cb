"""The pytest plugin's timing: low quantiles of short paired values, series in fresh worker processes, and the
re-measurement of a suspected regression before it fails a session."""

from __future__ import annotations

import pickle
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from perfkit.perftest import measure as pm
from perfkit.perftest import session as ps
from perfkit.perftest import settings as pset
from perfkit.perftest import timing
from perfkit.perftest.workers import WorkerFailed, run_series


def test_low_quantile_is_numpys_linear_quantile() -> None:
    rng = np.random.default_rng(3)
    for n in (1, 2, 7, 30):
        values = list(rng.random(n))
        for q in (0.0, 0.1, 0.5, 1.0):
            assert timing.low_quantile(values, q) == pytest.approx(float(np.quantile(values, q)))
    with pytest.raises(ValueError):
        timing.low_quantile([])


def test_an_estimate_counts_the_values_that_never_waited_for_a_cpu() -> None:
    times = timing.Series(
        wall=[1.0, 1.0, 2.0, 1.0, 3.0],
        cpu=[1.0, 0.999, 1.0, 1.0, 1.0],
        ref_wall=[0.5] * 5,
        ref_cpu=[0.5] * 5,
        loops=1,
        ref_loops=1,
    )
    est = timing.estimate(times)
    assert est.undisturbed == pytest.approx(3 / 5)  # the 2.0 and 3.0 values were descheduled
    assert est.wall == pytest.approx(1.0) and est.ref_wall == pytest.approx(0.5) and est.cpu is not None
    no_cpu = timing.estimate(timing.Series([1.0, 2.0], None, [1.0, 1.0], None, 1, 1))
    assert no_cpu.undisturbed is None and no_cpu.cpu is None


def test_series_in_worker_processes_reuse_the_first_calibration() -> None:
    payload = pickle.dumps((sum, (range(2000),), {}))
    runs = run_series(payload, processes=2, values=3, min_time=0.0005, per_call=0.0001, cpu=True)
    assert len(runs) == 2 and all(len(r.wall) == len(r.ref_wall) == 3 for r in runs)
    assert runs[0].loops == runs[1].loops > 1 and runs[0].ref_loops == runs[1].ref_loops
    assert all(v > 0 for r in runs for v in r.wall)


def test_a_worker_that_cannot_load_the_call_fails_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "vanishing_module.py").write_text("def work():\n    return 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import vanishing_module

    payload = pickle.dumps((vanishing_module.work, (), {}))
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(tmp_path)])
    (tmp_path / "vanishing_module.py").unlink()
    with pytest.raises(WorkerFailed, match=r"could not load the call.*vanishing_module"):
        run_series(payload, processes=1, values=3, min_time=0.0005, per_call=0.0001, cpu=False, cwd=tmp_path)


def test_a_call_that_cannot_be_pickled_is_timed_in_the_test_process_with_a_note() -> None:
    lock = threading.Lock()
    budget = pm.Budget(rounds=4, min_time=0.0005, max_time=0.05, series=3)
    samples, note = pm.time_values(
        lambda held: held.locked(), (lock,), {}, first_call=1e-6, budget=budget, wall=True, cpu=True
    )
    assert "could not be pickled" in note and "test process" in samples[0].method
    for sample in samples:
        assert len(sample.values) == len(sample.extra["reference"]) == 3
        assert sample.extra["scheme"] == timing.SCHEME and sample.extra["series"] == 3


# ------------------------------------------------------------------------------------------- verdicts
def _sample(metric: str, scale: float, *, undisturbed: float = 0.9, scheme: int = timing.SCHEME) -> pm.Sample:
    base = [1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 0.99, 1.00, 1.01]
    extra = {
        "reference": [0.5] * len(base),
        "reference_version": timing.REFERENCE_VERSION,
        "scheme": scheme,
        "undisturbed": undisturbed,
    }
    return pm.Sample(metric, [scale * v for v in base], "synthetic", extra)


def _with_baseline(tmp_path: Path, **baseline: pm.Sample) -> ps.PerfSession:
    """A comparing session against a stored baseline of the given samples (key -> sample)."""
    metadata = {"fingerprint": "here"}
    store = tmp_path / "s.sqlite"
    saver = ps.PerfSession(pset.Settings(store=store, save="base"), root=tmp_path, metadata=metadata)
    for key, sample in baseline.items():
        saver.add_samples(key, [sample], None, None)
    saver.finish()
    return ps.PerfSession(pset.Settings(store=store, compare="base"), root=tmp_path, metadata=metadata)


def test_a_close_or_suspected_clock_verdict_is_decided_on_a_second_measurement_too(tmp_path: Path) -> None:
    keys = ("fine", "close", "slow", "fluke")
    session = _with_baseline(tmp_path, **{key: _sample("time", 1.0) for key in keys})
    calls = []

    def again(scale: float) -> list[pm.Sample]:
        calls.append(scale)
        return [_sample("time", scale), _sample("cpu", scale)]

    for key, first, second in (("fine", 1.01, 1.0), ("close", 1.03, 1.0), ("slow", 1.2, 1.2), ("fluke", 1.06, 1.0)):
        session.add_samples(key, session._confirm(key, [_sample("time", first)], lambda s=second: again(s)), None, None)
    assert calls == [1.0, 1.2, 1.0]  # "fine" was not within half the threshold of a regression: measured once
    assert [s.metric for s in session.samples["slow"]] == ["time"]  # the re-measurement's cpu sample is dropped
    assert len(session.samples["slow"][0].values) == 20  # both measurements' series
    comps = {c.key: c for c in session.finish()}
    assert comps["fine"].verdict == "same" and "re-measured" not in comps["fine"].note
    assert comps["close"].verdict == "same" and "alone gave 1.030" in comps["close"].note
    assert comps["slow"].verdict == "regression" and "alone gave 1.200" in comps["slow"].note
    assert comps["fluke"].verdict == "same" and comps["fluke"].ratio == pytest.approx(1.0294, abs=1e-3)


def test_merging_two_measurements_keeps_each_series_reference() -> None:
    first, second = _sample("time", 1.0, undisturbed=0.9), _sample("time", 2.0, undisturbed=0.5)
    first.extra["series"], second.extra["series"] = 10, 10
    merged = pm.merge(first, second)
    assert merged.values == [*first.values, *second.values] and merged.extra["series"] == 20
    assert len(merged.extra["reference"]) == 20 and merged.extra["undisturbed"] == 0.5
    del second.extra["reference"]
    assert "reference" not in pm.merge(first, second).extra


def test_a_busy_machine_withholds_wall_clock_verdicts_and_old_baselines_are_skipped(tmp_path: Path) -> None:
    session = _with_baseline(tmp_path, busy=_sample("time", 1.0), old=_sample("time", 1.0, scheme=1))
    session.add_samples("busy", [_sample("time", 1.3, undisturbed=0.1)], None, None)
    session.add_samples("old", [_sample("time", 1.3)], None, None)
    comps = {c.key: c for c in session.finish()}
    assert comps["busy"].verdict == "noisy" and "10% of the values" in comps["busy"].note
    assert comps["old"].verdict == "skipped" and "timed another way" in comps["old"].note


def test_the_plan_cuts_series_and_values_for_long_calls_only() -> None:
    budget = pm.Budget()  # 10 series of up to 30 values within about 2 s
    assert pm.plan(0.0001, budget) == (10, 30)
    assert pm.plan(0.01, budget) == (10, 18)
    series, values = pm.plan(1.0, budget)
    assert series == pm.MIN_SERIES and values == budget.min_rounds
    assert pm.plan(1.0, pm.Budget(series=2)) == (2, budget.min_rounds)  # never more series than asked for
