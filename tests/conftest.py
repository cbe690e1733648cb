"""Shared test helpers: the repository root on sys.path so ``tests.fixtures`` imports in workers too."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# worker processes import the fixtures by module name
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


def pytest_configure(config: pytest.Config) -> None:
    """Register ``slow``: long end-to-end runs, skipped under ``CI=true`` unless ``PERFKIT_SLOW=1``."""
    config.addinivalue_line("markers", "slow: a long end-to-end run; skipped in CI unless PERFKIT_SLOW=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In CI, run a small representative set: skip tests marked ``slow`` unless ``PERFKIT_SLOW=1``."""
    if os.environ.get("CI") != "true" or os.environ.get("PERFKIT_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow end-to-end run; set PERFKIT_SLOW=1 to run it in CI")
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(skip)
