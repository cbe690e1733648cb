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
