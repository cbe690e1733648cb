"""Machine and interpreter metadata (pyperf collects it), and a fingerprint to tell machines apart."""

from __future__ import annotations

import hashlib
import platform
import sys
from typing import Any

from perfkit import _native

# Keys that describe the machine and interpreter, not the moment: two runs with equal values are comparable.
FINGERPRINT_KEYS = ("cpu_model_name", "cpu_count", "platform", "python_implementation", "python_version")


def collect_metadata(options: Any = None, *, mode: str = "") -> dict[str, Any]:
    """pyperf's metadata (CPU, frequency, load, Python build...) plus perfkit's own keys."""
    import pyperf

    metadata: dict[str, Any] = dict(pyperf.Run([1.0], metadata={"loops": 1}, collect_metadata=True).get_metadata())
    for key in ("loops", "mem_max_rss"):
        metadata.pop(key, None)
    from perfkit import __version__

    metadata.update(
        {
            "perfkit_version": __version__,
            "timer": f"{_native.CLOCK_NAME}, resolution {_native.clock_resolution_ns()} ns",
            "machine": platform.machine(),
            "python_executable": sys.executable,
            "mode": mode,
        }
    )
    if options is not None:
        metadata["options"] = {
            key: getattr(options, key)
            for key in ("processes", "values", "warmups", "min_time", "loops", "timeout", "disable_gc")
        }
    metadata["fingerprint"] = fingerprint(metadata)
    return metadata


def fingerprint(metadata: dict[str, Any]) -> str:
    """A short hash of the machine and interpreter keys of ``metadata``."""
    text = "|".join(f"{key}={metadata.get(key, '')}" for key in FINGERPRINT_KEYS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
