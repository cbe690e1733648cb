"""The dashboard as a person sees it: a site generated from a results store, opened in headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perfkit.dashboard.load import load
from perfkit.dashboard.site import write_site
from perfkit.store import Row, Run, Store

from .conftest import ROOT

ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DIFF = "--- a/inventory/catalog.py\n+++ b/inventory/catalog.py\n@@ -1,3 +1,3 @@\n-    seen = []\n+    seen = set()\n"


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it (apt-get install -y chromium)")
        pytest.skip("chromium is not installed here (apt-get install -y chromium)")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True)


def fill_store(path: Path) -> None:
    with Store(path) as store:
        for i, (median, verdict) in enumerate([(1.00e-3, "new"), (1.01e-3, "same"), (1.40e-3, "regression")]):
            run = Run(kind="pytest", name="default", started_at=f"2026-11-2{i}T10:00:00+00:00", git_commit=f"c0ffee{i}")
            store.add_run(
                run,
                [
                    Row(
                        key="tests/test_x.py::test_sort", metric="time", unit="s", values=[median] * 5, verdict=verdict
                    ),
                    Row(key="tests/test_x.py::test_join", metric="cost", unit="lines", values=[500.0], verdict="same"),
                ],
            )
        functions = [
            Row(
                key="inventory.catalog:unique_skus",
                metric="speedup",
                values=[0.001],
                extra={
                    "share": 0.61,
                    "status": "improved",
                    "proposer": "rewrite",
                    "speedup": 48.0,
                    "low": 45.1,
                    "high": 51.2,
                    "verified": True,
                    "diff": DIFF,
                    "before": [0.30, 0.31, 0.32],
                    "after": [0.006, 0.0062, 0.0065],
                    "by_size": [[100, 2.0], [1000, 11.0], [10000, 48.0]],
                    "candidates": [
                        {"round": 1, "proposer": "rewrite", "verdict": "accepted", "speedup": 48.0, "reason": ""},
                        {
                            "round": 1,
                            "proposer": "numba",
                            "verdict": "rejected",
                            "speedup": None,
                            "reason": "numba cannot compile list[str]",
                        },
                    ],
                },
            ),
            Row(
                key="inventory.sales:price_spread",
                metric="speedup",
                values=[0.1],
                extra={
                    "share": 0.12,
                    "status": "unchanged",
                    "proposer": "",
                    "speedup": None,
                    "verified": False,
                    "reason": "no candidate was faster by 5%",
                },
            ),
        ]
        store.add_run(
            Run(
                kind="optimize",
                name="examples/inventory",
                started_at="2026-11-25T09:00:00+00:00",
                extra={"workload_speedup": 6.3, "workload_low": 6.1, "workload_high": 6.5},
            ),
            functions,
        )
        fuzz = Row(
            key="inventory.catalog:unique_skus",
            metric="cost",
            values=[10.0, 40.0, 160.0],
            extra={
                "complexity": "O(n^2)",
                "r2": 0.998,
                "curve": [[125, 10.0], [250, 40.0], [500, 160.0], [1000, 640.0]],
                "worst": [["['a', 'b', 'c', ...]", 640.0]],
            },
        )
        store.add_run(Run(kind="fuzz", started_at="2026-11-25T08:00:00+00:00"), [fuzz])


def test_model_from_the_store(tmp_path: Path) -> None:
    fill_store(tmp_path / "results.sqlite")
    data = load(tmp_path)
    assert not data.empty
    (run,) = data.optimize_runs
    assert run.workload_speedup == 6.3 and next(f.key for f in run.functions) == "inventory.catalog:unique_skus"
    sort_test = next(t for t in data.tests if t.test_id.endswith("test_sort"))
    assert [p.median for p in sort_test.points] == [1.00e-3, 1.01e-3, 1.40e-3] and sort_test.regressed
    assert data.fuzz_results[0].complexity == "O(n^2)"


def test_page_in_chromium_shows_rows_charts_and_the_regression(tmp_path: Path) -> None:
    fill_store(tmp_path / "results.sqlite")
    index = write_site(load(tmp_path), tmp_path / "site")
    # a copy of the page that clicks the Function header once loaded, to check the sorting script too
    probe = index.with_name("probe.html")
    probe.write_text(
        index.read_text().replace(
            "</body>",
            "<script>var th = document.querySelectorAll('#functions th')[0]; th.click(); th.click();"
            "document.body.setAttribute('data-first', document.querySelector('#functions tbody tr td').textContent);"
            "</script></body>",
        )
    )
    dom = chromium("--dump-dom", probe.as_uri(), tmp=tmp_path).stdout
    assert dom.count('<tr class="status-improved">') == 1 and "inventory.sales:price_spread" in dom
    assert 'class="bar improved"' in dom and "<svg" in dom
    assert dom.count('class="point regression"') == 1  # the flagged run of test_sort, and only it
    assert '<tr class="regression">' in dom and "▲ regression" in dom
    assert "O(n^2)" in dom and "+    seen = set()" in dom
    # rows start in order of share of time; two clicks on "Function" sort them by name, descending
    assert 'data-first="inventory.sales:price_spread"' in dom
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard.png"
    chromium(f"--screenshot={shot}", "--window-size=1200,2400", index.as_uri(), tmp=tmp_path)
    assert shot.stat().st_size > 10_000


def test_empty_store_page_says_how_to_start(tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "perfkit", "dashboard", str(tmp_path / "nothing"), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "index.html").read_text()
    assert "No results yet" in page and "perfkit optimize REPO" in page and "pytest --perf-save" in page
    assert (tmp_path / "site" / "assets" / "app.js").exists()
    assert "http://" not in page and "https://" not in page  # nothing loaded from the network


def test_corrupt_store_is_a_clear_error_and_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "results.sqlite"
    store.write_bytes(b"this is not sqlite at all" * 10)
    result = subprocess.run(
        [sys.executable, "-m", "perfkit", "dashboard", str(tmp_path), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and "perfkit: error:" in result.stderr
    assert store.read_bytes() == b"this is not sqlite at all" * 10


def test_site_from_real_pytest_plugin_runs(tmp_path: Path) -> None:
    """Two real pytest sessions with the plugin (a baseline, then a slower change) feed the page."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "work.py").write_text(
        "def checksum(n):\n    total = 0\n    for i in range(n):\n        total += i % 7\n    return total\n"
    )
    (project / "test_work.py").write_text(
        "from work import checksum\n\ndef test_checksum(perf):\n    assert perf(checksum, 2000) == 5995\n"
    )
    pytest_cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--perf-metric", "cost"]
    first = subprocess.run([*pytest_cmd, "--perf-save"], cwd=project, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    slower = (project / "work.py").read_text().replace("total += i % 7\n", "total += i % 7\n        total += 0\n")
    (project / "work.py").write_text(slower)
    second = subprocess.run(
        [*pytest_cmd, "--perf-compare", "--perf-save=after"], cwd=project, capture_output=True, text=True, check=False
    )
    assert second.returncode == 1 and "REGRESSION" in second.stdout  # the plugin failed the session
    site = subprocess.run(
        [sys.executable, "-m", "perfkit", "dashboard", str(project / ".perfkit")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert site.returncode == 0, site.stderr
    dom = chromium("--dump-dom", (project / ".perfkit" / "site" / "index.html").as_uri(), tmp=tmp_path).stdout
    assert "test_work.py::test_checksum" in dom and "▲ regression" in dom
    assert dom.count('class="point regression"') == 1 and dom.count('<circle class="point"') == 1


def test_serve_answers_on_localhost(tmp_path: Path) -> None:
    import time
    import urllib.request

    fill_store(tmp_path / "results.sqlite")
    server = subprocess.Popen(
        [sys.executable, "-m", "perfkit", "dashboard", str(tmp_path), "--serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        lines = [server.stdout.readline(), server.stdout.readline()]
        url = next(line.split()[1] for line in lines if line.startswith("serving"))
        assert url.startswith("http://127.0.0.1:")
        deadline = time.monotonic() + 20
        while True:
            try:
                page = urllib.request.urlopen(url, timeout=5).read().decode()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        assert "inventory.catalog:unique_skus" in page
        assert "function" in urllib.request.urlopen(url + "assets/app.js", timeout=5).read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_bar_chart_switches_to_a_log_scale_for_wide_ranges() -> None:
    import re

    from perfkit.dashboard.svg import Bar, bar_chart

    def widths(svg: str) -> list[float]:
        return [float(w) for w in re.findall(r'<rect class="bar [^"]*" x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]

    wide = bar_chart([Bar("a", 2.0), Bar("b", 1000.0)])
    assert "log scale" in wide
    small, large = widths(wide)
    assert large / small < 10  # on a linear scale it would be about 500
    narrow = bar_chart([Bar("a", 2.0), Bar("b", 4.0)])
    assert "log scale" not in narrow
    small, large = widths(narrow)
    assert abs(large / small - 2.0) < 0.05  # linear: bars proportional to the speedups


@pytest.mark.parametrize(
    ("ratio", "low", "high", "shown", "kind"),
    [
        (6.3, 6.1, 6.5, "6.30x faster [6.10 .. 6.50]", "speedup"),
        (1.04, 0.99, 1.07, "no significant change (speedup 1.04x [0.99 .. 1.07])", "unchanged"),
        (0.8, 0.75, 0.85, "1.25x slower", "slower"),
    ],
)
def test_the_workload_verdict_agrees_with_its_interval(
    tmp_path: Path, ratio: float, low: float, high: float, shown: str, kind: str
) -> None:
    with Store(tmp_path / "results.sqlite") as store:
        extra = {"workload_speedup": ratio, "workload_low": low, "workload_high": high}
        store.add_run(Run(kind="optimize", name="r", started_at="2026-11-25T09:00:00+00:00", extra=extra), [])
    page = (write_site(load(tmp_path), tmp_path / "site")).read_text()
    assert f'<b class="{kind}">{shown}' in page
    if kind != "speedup":
        assert 'class="speedup"' not in page
