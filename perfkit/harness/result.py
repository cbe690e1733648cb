"""The data model of one measurement: every raw value with its censoring flag, counters, cost and metadata.

Saved as JSON with a schema version; convertible to a pyperf benchmark so ``python -m pyperf compare_to``
works on perfkit output when nothing was censored.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from perfkit import stats
from perfkit._io import write_atomic
from perfkit.errors import PerfkitError

SCHEMA_VERSION = 1
FORMAT = "perfkit.measurement"


@dataclass
class Measurement:
    """Times:  seconds per call (per run for commands); a censored time holds the limit it was stopped at."""

    name: str
    kind: str  # "callable" or "command"
    times: list[float] = field(default_factory=list)
    censored: list[bool] = field(default_factory=list)
    process: list[int] = field(default_factory=list)
    loops: int = 1
    warmups: list[tuple[int, float]] = field(default_factory=list)
    timeout: float | None = None
    counters: dict[str, list[float]] = field(default_factory=dict)
    counters_unavailable: dict[str, str] = field(default_factory=dict)
    cost: dict[str, int] | None = None
    peak_memory: int | None = None
    max_rss: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def n_censored(self) -> int:
        """How many runs hit the time limit."""
        return sum(self.censored)

    def summary(self) -> stats.Summary:
        """Median (Kaplan-Meier when runs were censored) with its confidence interval, and spread."""
        return stats.summarize(self.times, self.censored)

    def counter_medians(self) -> dict[str, float]:
        """Median per-call count of each counter."""
        return {name: statistics.median(values) for name, values in self.counters.items() if values}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, with the format name and schema version."""
        data = asdict(self)
        data["warmups"] = [list(w) for w in self.warmups]
        summary = self.summary()
        data["summary"] = asdict(summary)
        return {"format": FORMAT, "schema_version": SCHEMA_VERSION, **data}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measurement:
        """Inverse of :meth:`to_dict`; rejects other formats and newer schema versions."""
        if data.get("format") != FORMAT:
            raise PerfkitError("not a perfkit measurement file (no 'format': 'perfkit.measurement')")
        if data.get("schema_version", 0) > SCHEMA_VERSION:
            raise PerfkitError(
                f"measurement schema version {data['schema_version']} is newer than this perfkit "
                f"understands ({SCHEMA_VERSION}); upgrade perfkit"
            )
        names = set(cls.__dataclass_fields__)
        fields = {key: value for key, value in data.items() if key in names}
        fields["warmups"] = [tuple(w) for w in fields.get("warmups", [])]
        return cls(**fields)

    def save(self, path: str | Path) -> None:
        """Write the JSON atomically."""
        write_atomic(path, json.dumps(self.to_dict(), indent=1, allow_nan=True) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> Measurement:
        """Read a file written by :meth:`save`; a clear error for a missing or corrupt file."""
        try:
            data = json.loads(Path(path).read_text())
        except OSError as exc:
            raise PerfkitError(f"cannot read {str(path)!r}: {exc.strerror}") from None
        except json.JSONDecodeError as exc:
            raise PerfkitError(f"{str(path)!r} is not valid JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(data, dict):
            raise PerfkitError(f"{str(path)!r} is not a perfkit measurement file")
        return cls.from_dict(data)

    def to_pyperf(self) -> Any:
        """A ``pyperf.Benchmark`` with one run per worker process; refuses censored measurements."""
        if self.n_censored:
            raise PerfkitError(
                f"{self.n_censored} run(s) hit the time limit; pyperf's format cannot hold censored values "
                "(use --json instead)"
            )
        import pyperf

        runs = []
        for proc in sorted(set(self.process)):
            values = [t for t, p in zip(self.times, self.process, strict=True) if p == proc]
            metadata = {"name": self.name, "loops": self.loops}
            first = proc == min(self.process)  # pyperf keeps warm-ups per run: give them to the first
            warmups = [(loops, seconds) for loops, seconds in self.warmups] if first else None
            runs.append(pyperf.Run(values, warmups=warmups, metadata=metadata, collect_metadata=False))
        return pyperf.Benchmark(runs)

    def save_pyperf(self, path: str | Path) -> None:
        """Write pyperf's JSON format atomically."""
        import tempfile

        bench = self.to_pyperf()
        target = Path(path)
        with tempfile.TemporaryDirectory(dir=target.parent or ".") as tmp:
            tmp_path = Path(tmp) / "bench.json"
            bench.dump(str(tmp_path))
            tmp_path.replace(target)
