"""``perfkit optimize`` end to end on a copy of the bundled example, as a user runs it."""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "inventory"
SMALL_BENCH = """
import random
from inventory.catalog import missing_skus, unique_skus
from inventory.orders import fulfil


def main():
    rng = random.Random(3)
    skus = [f"SKU-{rng.randrange(3000):05d}" for _ in range(8000)]
    missing_skus(skus[:3000], unique_skus(skus)[:1500])
    fulfil([rng.randrange(1, 9) for _ in range(30000)], 10**6)
    sum(rng.random() for _ in range(200000))  # time spent in the driver itself


if __name__ == "__main__":
    main()
"""


@pytest.fixture(scope="module")
def optimized(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, subprocess.CompletedProcess[str]]:
    """One optimize run shared by the tests below: (repository copy, results folder, the finished process)."""
    base = tmp_path_factory.mktemp("optimize")
    repo = base / "inventory"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__", ".perfkit"))
    (repo / "bench.py").write_text(SMALL_BENCH)
    out = base / "results"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "perfkit",
            "optimize",
            str(repo),
            "--offline",
            "--out",
            str(out),
            "--threshold",
            "0",
            "--fuzz-budget",
            "4",
            "--functions",
            "inventory.catalog:*",
            "inventory.orders:fulfil",
            "bench:*",
        ],
        capture_output=True,
        text=True,
        cwd=base,
        timeout=900,
        check=False,
    )
    return repo, out, result


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summary_and_results_folder(optimized) -> None:
    _, out, result = optimized
    assert result.returncode == 0, result.stderr
    assert "perfkit optimize: inventory" in result.stdout and "workload:" in result.stdout
    report = json.loads((out / "report.json").read_text())
    statuses = {row["function"]: row for row in report["functions"]}
    assert statuses["inventory.orders:fulfil"]["status"] == "improved"
    assert statuses["inventory.catalog:unique_skus"]["status"] == "improved"
    assert all(row["verified"] for row in statuses.values() if row["status"] == "improved")
    assert statuses["inventory.orders:fulfil"]["inputs"] > 1  # the captured call and fuzzed stress inputs
    assert not any(key.startswith("bench:") for key in statuses)  # the workload's own script is not a candidate
    assert report["selection"]["signal"].startswith("timed calls")  # shares from the timed run, not samples
    assert statuses["inventory.orders:fulfil"]["calls"] == 1  # counted, not sampled
    assert "share: timed calls" in result.stdout
    assert report["workload_speedup"]["low"] > 1.0  # the whole workload got faster, interval above 1
    assert (out / "patches" / "inventory.orders.fulfil.diff").read_text().startswith("--- a/inventory/orders.py")
    history = json.loads((out / "history.json").read_text())
    assert history["functions"]["inventory.orders:fulfil"]["history"]
    assert (out / "results.sqlite").exists()
    executor = report["executor"]  # the default: local threads, one per core; checks and fuzzing ran on them
    assert executor["workers"] >= 1 and executor["workers_used"] >= 1
    assert executor["time_split"]["verify"]["units"] >= 2


def test_the_users_tree_is_untouched(optimized) -> None:
    repo, _, _ = optimized
    for name in ("catalog.py", "orders.py", "report.py", "sales.py"):
        assert (repo / "inventory" / name).read_text() == (EXAMPLE / "inventory" / name).read_text()


def test_patched_code_behaves_like_the_original(optimized, tmp_path: Path) -> None:
    repo, out, _ = optimized
    patched = tmp_path / "patched"
    shutil.copytree(repo, patched)
    subprocess.run(["git", "apply", str(out / "optimize.diff")], cwd=patched, check=True, capture_output=True)
    rng = random.Random(11)
    for module_name, calls in {
        "catalog": [
            ("unique_skus", lambda: ([f"s{rng.randrange(30)}" for _ in range(rng.randrange(60))],)),
            (
                "missing_skus",
                lambda: (
                    [f"s{rng.randrange(30)}" for _ in range(40)],
                    [f"s{rng.randrange(30)}" for _ in range(rng.randrange(20))],
                ),
            ),
        ],
        "orders": [("fulfil", lambda: ([rng.randrange(0, 9) for _ in range(rng.randrange(50))], rng.randrange(100)))],
    }.items():
        original = load(repo / "inventory" / f"{module_name}.py", f"orig_{module_name}")
        candidate = load(patched / "inventory" / f"{module_name}.py", f"new_{module_name}")
        assert (patched / "inventory" / f"{module_name}.py").read_text() != ""
        for name, make in calls:
            for _ in range(200):
                args = make()
                assert getattr(candidate, name)(*args) == getattr(original, name)(*args), (name, args)
    assert (
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=patched,
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )


def test_apply_refuses_a_dirty_tree_then_applies(optimized, tmp_path: Path) -> None:
    repo, _, _ = optimized
    target = tmp_path / "inventory"
    shutil.copytree(repo, target)
    git = ["git", "-c", "user.email=t@t", "-c", "user.name=t"]
    (target / "inventory" / "orders.py").chmod(0o755)  # an executable source file keeps its mode
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run([*git, "add", "."], cwd=target, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=target, check=True)
    (target / "inventory" / "orders.py").write_text((target / "inventory" / "orders.py").read_text() + "# mine\n")
    command = [
        sys.executable,
        "-m",
        "perfkit",
        "optimize",
        str(target),
        "--offline",
        "--apply",
        "--functions",
        "inventory.orders:fulfil",
        "--out",
        str(tmp_path / "out"),
    ]
    refused = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert refused.returncode == 2 and "uncommitted changes" in refused.stderr
    assert "running the workload" not in refused.stderr  # refused before any work
    assert (target / "inventory" / "orders.py").read_text().endswith("# mine\n")
    subprocess.run(["git", "checkout", "--", "."], cwd=target, check=True)
    applied = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert applied.returncode == 0, applied.stderr
    assert "deque" in (target / "inventory" / "orders.py").read_text()
    assert (target / "inventory" / "orders.py").stat().st_mode & 0o777 == 0o755
    summary = subprocess.run(["git", "diff", "--summary"], cwd=target, capture_output=True, text=True, check=True)
    assert "mode change" not in summary.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [(["does-not-exist"], "no such folder"), (["README.md"], "not a folder")],
)
def test_bad_repo_is_one_line(args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "perfkit", "optimize", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_a_failing_workload_stops_with_its_output(tmp_path: Path) -> None:
    repo = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "bench.py").write_text("raise SystemExit('the workload is broken')\n")
    result = subprocess.run(
        [sys.executable, "-m", "perfkit", "optimize", str(repo), "--offline", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 2 and "the workload is broken" in result.stderr


def test_dashboard_of_the_run(optimized, tmp_path: Path) -> None:
    from .test_dashboard import chromium

    _, out, _ = optimized
    result = subprocess.run(
        [sys.executable, "-m", "perfkit", "dashboard", str(out), "--out", str(tmp_path / "site")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    dom = chromium("--dump-dom", (tmp_path / "site" / "index.html").as_uri(), tmp=tmp_path).stdout
    assert "inventory.orders:fulfil" in dom and '<tr class="status-improved">' in dom
    assert 'class="bar improved"' in dom and "deque" in dom  # the bar chart and the accepted patch
    assert 'class="point sample"' in dom  # before/after distributions of the measured times
