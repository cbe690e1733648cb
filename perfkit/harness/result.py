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
    """Times:  seconds per call (per run for commands); a censored time holds the limit it was stopped at.
    ``queue_wait``: seconds per call each value waited for a CPU and that were taken out of its time (all 0 with
    ``metadata["clock"] == "wall"``; empty in files written before perfkit recorded it)."""

    name: str
    kind: str  # "callable" or "command"
    times: list[float] = field(default_factory=list)
    censored: list[bool] = field(default_factory=list)
    process: list[int] = field(default_factory=list)
    queue_wait: list[float] = field(default_factory=list)
    loops: int = 1
    warmups: list[tuple[int, float]] = field(default_factory=list)
    warmup_process: list[int] = field(default_factory=list)  # the worker process of each warm-up value
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
        if "benchmarks" in data or "runs" in data:  # pyperf's format (pyperf's own files, or --pyperf exports)
            return cls.from_pyperf(path)
        return cls.from_dict(data)

    def to_pyperf(self) -> Any:
        """A ``pyperf.Benchmark`` with one run per worker process, each with its own calibration and warm-up
        values and the measurement's metadata; refuses censored measurements."""
        if self.n_censored:
            raise PerfkitError(
                f"{self.n_censored} run(s) hit the time limit; pyperf's format cannot hold censored values "
                "(use --json instead)"
            )
        import pyperf

        shared = _pyperf_metadata(self.metadata)
        owners = self.warmup_process or [min(self.process, default=0)] * len(self.warmups)  # older files
        runs = []
        for proc in sorted(set(self.process)):
            values = [t for t, p in zip(self.times, self.process, strict=True) if p == proc]
            warmups = [w for w, owner in zip(self.warmups, owners, strict=True) if owner == proc] or None
            metadata = {**shared, "name": self.name, "loops": self.loops}
            runs.append(pyperf.Run(values, warmups=warmups, metadata=metadata, collect_metadata=False))
        return pyperf.Benchmark(runs)

    @classmethod
    def from_pyperf(cls, path: str | Path) -> Measurement:
        """A measurement from a pyperf JSON file holding one benchmark (pyperf's own, or perfkit's export): each
        run is a process, its values per call; warm-ups and metadata are kept."""
        import pyperf

        try:
            suite = pyperf.BenchmarkSuite.load(str(path))
        except Exception as exc:  # pyperf raises plain exceptions for files it cannot read
            raise PerfkitError(f"{str(path)!r} is not a pyperf JSON file ({type(exc).__name__}: {exc})") from None
        benchmarks = suite.get_benchmarks()
        if len(benchmarks) != 1:
            names = ", ".join(b.get_name() for b in benchmarks)
            raise PerfkitError(f"{str(path)!r} holds {len(benchmarks)} benchmarks ({names}); give a file with one")
        bench = benchmarks[0]
        m = cls(name=bench.get_name(), kind="callable", metadata=dict(bench.get_metadata()))
        for proc, run in enumerate(bench.get_runs()):
            for loops, value in run.warmups:
                m.warmups.append((int(loops), float(value)))
                m.warmup_process.append(proc)
            for value in run.values:
                m.times.append(float(value))
                m.censored.append(False)
                m.process.append(proc)
            m.loops = int(run.get_loops())
        if not m.times:
            raise PerfkitError(f"{str(path)!r}: its benchmark has no values")
        return m

    def save_pyperf(self, path: str | Path) -> None:
        """Write pyperf's JSON format atomically."""
        import tempfile

        bench = self.to_pyperf()
        target = Path(path)
        with tempfile.TemporaryDirectory(dir=target.parent or ".") as tmp:
            tmp_path = Path(tmp) / "bench.json"
            bench.dump(str(tmp_path))
            tmp_path.replace(target)


def _pyperf_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``metadata`` pyperf accepts (it checks the types of the keys it knows)."""
    import pyperf

    kept: dict[str, Any] = {}
    for key, value in metadata.items():
        if key in ("name", "loops") or not isinstance(value, str | int | float) or isinstance(value, bool):
            continue
        if isinstance(value, str) and (not value or "\n" in value):
            continue
        try:
            pyperf.Run([1.0], metadata={key: value}, collect_metadata=False)
        except (TypeError, ValueError):
            continue
        kept[key] = value
    return kept
