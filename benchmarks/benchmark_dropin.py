"""How many third-party tests written for pytest-benchmark run unchanged on perfkit's ``benchmark`` fixture.

Downloads the projects into a temporary folder (never into perfkit's environment) and runs their tests with
pytest-benchmark turned off (``-p no:benchmark``), plain (unmeasured) and with ``--perf`` (measured), then prints
pytest's outcome counts. The manifest below was fixed before the runs: the tuning set shaped the fixture while it
was written; the held-out sets were first run after it. bidict's microbenchmarks (github.com/jab/bidict,
``microbenchmarks.py`` at 77ade42) are not downloadable from PyPI (its sdist needs the uv_build backend); run
them from a clone the same way (``pytest -c /dev/null -p no:benchmark microbenchmarks.py``).

    .venv/bin/python benchmarks/benchmark_dropin.py            # unmeasured only (about a minute)
    .venv/bin/python benchmarks/benchmark_dropin.py --measured # also --perf (several minutes)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

FAST = ["--perf-max-time=0.2", "--perf-processes=2", "--perf-rounds=5"]
# (set, project, how to get it, test paths, extra pytest args)
MANIFEST = [
    (
        "tuning",
        "pytest-benchmark 5.3.1: its own tests that use the fixture as users do",
        ("sdist", "pytest-benchmark==5.3.1"),
        ["tests/test_pedantic.py", "tests/test_normal.py", "tests/test_skip.py", "tests/test_sample.py",
         "tests/test_with_weaver.py", "tests/test_with_testcase.py", "tests/test_calibration.py"],
        ["-k", "not calibrate_stuck"],  # these set benchmark._timer: pytest-benchmark's internals
    ),
    (
        "held-out",
        "pint 0.25.3: pint/testsuite/benchmarks",
        ("target", "pint==0.25.3"),
        ["pint/testsuite/benchmarks"],
        [],
    ),
]  # fmt: skip
MEASURED_LIMIT = 2  # measured runs take two parametrizations of each test function (pint has 450 tests)


def fetch(kind: str, requirement: str, into: Path) -> Path:
    """The project's folder: an unpacked sdist, or a --target install (whose package holds its tests)."""
    pip = [sys.executable, "-m", "pip", "-q"]
    if kind == "sdist":
        download = [*pip, "download", "--no-deps", "--no-binary", ":all:", "-d", str(into), requirement]
        subprocess.run(download, check=True)
        archive = next(into.glob("*.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extractall(into, filter="data")
        return next(p for p in into.iterdir() if p.is_dir())
    target = into / "site"
    subprocess.run([*pip, "install", "--target", str(target), requirement], check=True)
    return target


def outcomes(text: str) -> str:
    found = re.findall(r"(\d+) (passed|failed|skipped|errors?|deselected)", text.strip().splitlines()[-1])
    return ", ".join(f"{n} {word}" for n, word in found if word != "deselected") or text.strip().splitlines()[-1]


def pick(folder: Path, paths: list[str], extra: list[str], env: dict[str, str]) -> list[str]:
    """Up to MEASURED_LIMIT test ids per test function."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:benchmark", "-c", os.devnull, "--rootdir", ".", "--collect-only",
         "-q", *paths, *extra],
        cwd=folder, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    chosen: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        if "::" in line:
            chosen.setdefault(line.split("[")[0], []).append(line.strip())
    return [test for tests in chosen.values() for test in tests[:MEASURED_LIMIT]]


def run(folder: Path, tests: list[str], extra: list[str], env: dict[str, str], measured: bool) -> str:
    argv = [sys.executable, "-m", "pytest", "-p", "no:benchmark", "-p", "no:cacheprovider", "-c", os.devnull,
            "--rootdir", ".", "-q", *tests, *extra, *(["--perf", *FAST] if measured else [])]  # fmt: skip
    done = subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True, check=False)
    return outcomes(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--measured", action="store_true", help="also run them measured (--perf)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="perfkit-dropin-") as tmp:
        for index, (which, name, (kind, requirement), paths, extra) in enumerate(MANIFEST):
            into = Path(tmp) / str(index)
            into.mkdir()
            folder = fetch(kind, requirement, into)
            env = {**os.environ, "PYTHONPATH": str(folder)}
            print(f"[{which}] {name}")
            print(f"  plain pytest: {run(folder, paths, extra, env, False)}")
            if options.measured:
                tests = pick(folder, paths, extra, env)
                print(f"  pytest --perf ({len(tests)} tests): {run(folder, tests, [], env, True)}")


if __name__ == "__main__":
    main()
