"""Working on a repository: configuration, the private copy, guarded apply, argument capture."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from perfkit.errors import InvalidArgument, PerfkitError
from perfkit.repo.capture import CaptureTarget, capture, python_workload
from perfkit.repo.config import RepoConfig, load_config
from perfkit.repo.workspace import Workspace, apply_files, uncommitted

from .conftest import ROOT

EXAMPLE = ROOT / "examples" / "inventory"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__", ".perfkit"))
    return target


def test_example_config_is_read(repo: Path) -> None:
    config = load_config(repo)
    assert config.workload == "python bench.py"
    assert config.workload_argv() == ["python", "bench.py"]
    assert config.merged(threshold=0.1, budget=None).threshold == 0.1


def test_no_pyproject_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path) == RepoConfig()


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[tool.perfkit]\nthreshold = 2\n", "threshold=2"),
        ("[tool.perfkit]\nworkload = 'python \"unterminated'\n", "not a valid command line"),
        ("[tool.perfkit]\nnonsense = 1\n", "unknown key [tool.perfkit] 'nonsense'"),
        ("[tool.perfkit\n", "not valid TOML"),
        ("[tool.perfkit]\ninclude = 'src'\n", "include='src'"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, toml: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(toml)
    with pytest.raises(PerfkitError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_config(tmp_path)


def test_unknown_flag_is_refused() -> None:
    with pytest.raises(InvalidArgument):
        RepoConfig().merged(colour="blue")


def test_workspace_is_a_private_copy_with_diffs(repo: Path) -> None:
    original = (repo / "inventory" / "catalog.py").read_text()
    with Workspace(repo) as work:
        assert work.path != repo and (work.path / "bench.py").exists()
        work.write("inventory/catalog.py", original.replace("seen: list[str] = []", "seen = []"))
        assert (repo / "inventory" / "catalog.py").read_text() == original  # the user's file is untouched
        diff = work.diff("inventory/catalog.py")
        assert diff.startswith("--- a/inventory/catalog.py\n+++ b/inventory/catalog.py\n")
        assert "-    seen: list[str] = []\n+    seen = []\n" in diff
        work.reset("inventory/catalog.py")
        assert work.diff("inventory/catalog.py") == ""
        copy = work.path
    assert not copy.exists()


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_apply_refuses_uncommitted_files_and_applies_clean_ones(repo: Path) -> None:
    git(repo, "init", "-q")
    git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", ".")
    git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "start")
    (repo / "inventory" / "report.py").write_text((repo / "inventory" / "report.py").read_text() + "# local edit\n")
    assert uncommitted(repo, ["inventory/report.py", "inventory/catalog.py"]) == ["inventory/report.py"]
    with Workspace(repo) as work:
        work.write("inventory/report.py", "# patched\n")
        work.write("inventory/catalog.py", work.read("inventory/catalog.py") + "# patched\n")
        with pytest.raises(PerfkitError, match=r"inventory/report\.py has uncommitted changes"):
            apply_files(work, ["inventory/report.py", "inventory/catalog.py"])
        assert "# local edit" in (repo / "inventory" / "report.py").read_text()
        assert "# patched" not in (repo / "inventory" / "catalog.py").read_text()  # nothing half-applied
        apply_files(work, ["inventory/catalog.py"])
    assert (repo / "inventory" / "catalog.py").read_text().endswith("# patched\n")


def test_python_workload_forms() -> None:
    assert python_workload(["python", "bench.py", "-x"]) == ["bench.py", "-x"]
    assert python_workload(["python3", "-m", "pytest", "-q"]) == ["-m", "pytest", "-q"]
    assert python_workload(["pytest", "-q"]) == ["-m", "pytest", "-q"]
    assert python_workload(["make", "bench"]) is None
    assert python_workload(["python", "-c", "pass"]) is None


def test_capture_records_real_arguments_before_mutation(repo: Path, tmp_path: Path) -> None:
    targets = [
        CaptureTarget("inventory.catalog", "unique_skus"),
        CaptureTarget("inventory.orders", "fulfil"),
        CaptureTarget("inventory.sales", "moving_totals"),
    ]
    result = capture(["python", "bench.py"], targets, cwd=repo, out=tmp_path / "cap.pickle", timeout=120)
    unique = result["inventory.catalog:unique_skus"]
    assert unique.calls == 1 and len(unique.samples) == 1
    ((args, kwargs),) = unique.arguments()
    assert len(args[0]) == 40000 and kwargs == {}
    assert result["inventory.sales:moving_totals"].arguments()[0][0][1] == 365


def test_capture_under_pytest_keeps_a_bounded_sample(repo: Path, tmp_path: Path) -> None:
    result = capture(
        ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        [CaptureTarget("inventory.catalog", "unique_skus")],
        cwd=repo,
        out=tmp_path / "cap.pickle",
        timeout=120,
    )
    calls = result["inventory.catalog:unique_skus"]
    assert calls.calls == 2 and sorted(len(a[0]) for a, _ in calls.arguments()) == [0, 5]


def test_capture_reports_a_failing_workload(repo: Path, tmp_path: Path) -> None:
    (repo / "bench.py").write_text("raise RuntimeError('workload broke')\n")
    with pytest.raises(PerfkitError, match="RuntimeError: workload broke"):
        capture(["python", "bench.py"], [], cwd=repo, out=tmp_path / "c.pickle", timeout=60)
    with pytest.raises(PerfkitError, match=r"not a 'python \.\.\.'"):
        capture(["make"], [], cwd=repo, out=tmp_path / "c.pickle", timeout=60)


def test_sources_of_the_example(repo: Path) -> None:
    from perfkit.repo.sources import function_at, functions_in, module_name, python_files

    config = load_config(repo)
    files = [p.relative_to(repo).as_posix() for p in python_files(repo, include=config.include, exclude=config.exclude)]
    assert "inventory/catalog.py" in files and "bench.py" in files
    assert not any(f.startswith("tests/") for f in files)
    catalog = repo / "inventory" / "catalog.py"
    assert module_name(repo, catalog) == "inventory.catalog"
    assert module_name(repo, repo / "inventory" / "__init__.py") == "inventory"
    functions = functions_in(repo, catalog)
    assert [f.key for f in functions] == ["inventory.catalog:unique_skus", "inventory.catalog:missing_skus"]
    inside = functions[0].lineno + 2
    assert function_at(functions, inside) == functions[0]
    assert function_at(functions, 1) is None


def test_sources_methods_src_layout_and_ignored_folders(tmp_path: Path) -> None:
    from perfkit.repo.sources import functions_in, module_name, python_files

    pkg = tmp_path / "src" / "pkg"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "shapes.py").write_text(
        "class Box:\n    @property\n    def area(self):\n        return 1\n\n    def grow(self):\n"
        "        def inner():\n            pass\n        return inner\n"
    )
    (tmp_path / ".venv" / "lib").mkdir(parents=True)
    (tmp_path / ".venv" / "lib" / "x.py").write_text("")
    files = python_files(tmp_path, include=("**/*.py",), exclude=())
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["src/pkg/__init__.py", "src/pkg/shapes.py"]
    assert module_name(tmp_path, pkg / "shapes.py") == "pkg.shapes"
    found = functions_in(tmp_path, pkg / "shapes.py")
    assert [(f.qualname, f.lineno) for f in found] == [("Box.area", 2), ("Box.grow", 6)]


def test_workload_runs_against_the_copy_not_an_installed_package(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from perfkit.repo.workload import run_checked

    impostor = tmp_path / "site" / "inventory"
    impostor.mkdir(parents=True)
    (impostor / "__init__.py").write_text("raise ImportError('the installed copy was imported')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path / "site"))
    probe = ["python", "-c", "import inventory; print(inventory.__file__)"]
    assert run_checked(probe, root=repo, timeout=60, what="probe").startswith(str(repo))
    with pytest.raises(PerfkitError, match=r"(?s)the workload 'python -c .*' failed with status 1:.*ZeroDivisionError"):
        run_checked(["python", "-c", "1/0"], root=repo, timeout=60, what="the workload")
