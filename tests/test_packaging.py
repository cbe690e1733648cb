"""The wheel a user installs: the compiled core inside the package, the mapped folders, no stray top-levels."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from .conftest import ROOT


def test_every_source_package_is_declared() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    declared = set(config["packages"])
    folders = {
        "perfkit": ROOT / "perfkit",
        "perfkit.fuzzers": ROOT / "fuzzers",
        "perfkit.optimizers": ROOT / "optimizers",
    }
    found = set()
    for prefix, folder in folders.items():
        for init in folder.rglob("__init__.py"):
            relative = init.parent.relative_to(folder).parts
            found.add(".".join((prefix, *relative)))
    assert found <= declared, f"add {sorted(found - declared)} to [tool.setuptools] packages in pyproject.toml"


def test_wheel_holds_the_native_core_and_the_mapped_packages(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("perfkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("perfkit/_native.") and n.endswith((".so", ".pyd")) for n in names)
    for required in ("perfkit/fuzzers/__init__.py", "perfkit/optimizers/__init__.py", "perfkit/cli/__init__.py"):
        assert required in names
    assert "perfkit/_native.pyi" in names and "perfkit/py.typed" in names
    assert {"perfkit/dashboard/assets/app.js", "perfkit/dashboard/assets/style.css"} <= set(names)
    top_levels = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_levels == {"perfkit"}


def test_every_imported_package_is_a_declared_dependency() -> None:
    """Each third-party module perfkit imports (at the top or lazily) comes from a distribution pyproject names."""
    import ast
    import importlib.metadata as md
    import re

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"]) + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    declared = {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}
    declared |= {extra for r in requirements for extra in re.findall(r"\[([\w-]+)\]", r)}  # dask[distributed]
    providers = md.packages_distributions()
    missing = {}
    for folder in ("perfkit", "fuzzers", "optimizers"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    tops = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    tops = [node.module.split(".")[0]]
                else:
                    continue
                for top in tops:
                    if top in sys.stdlib_module_names or top in ("perfkit", "_pyperf_runner", "__main__"):
                        continue
                    dists = {d.lower().replace("_", "-") for d in providers.get(top, [top])}
                    if not dists & declared:
                        missing.setdefault(top, str(path.relative_to(ROOT)))
    assert not missing, f"declare these in pyproject.toml: {missing}"
