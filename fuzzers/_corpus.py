"""The corpus: the costliest inputs found, kept per region (the set of constraints an input satisfies)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Finding:
    """One evaluated input and its cost. ``region``: ids of the constraints it satisfies."""

    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    cost: float
    lines: int
    time_s: float
    size: int
    region: tuple[str, ...] = ()
    outcome: str = "ok"
    searcher: str = ""
    max_size: int = 0


@dataclass
class Corpus:
    """Up to ``per_region`` costliest findings per region."""

    per_region: int = 3
    regions: dict[tuple[str, ...], list[Finding]] = field(default_factory=dict)

    def offer(self, finding: Finding) -> bool:
        """Keep ``finding`` if it is among the costliest of its region; True when kept."""
        kept = self.regions.setdefault(finding.region, [])
        if len(kept) >= self.per_region and finding.cost <= kept[-1].cost:
            return False
        if any(f.cost == finding.cost and f.args == finding.args and f.kwargs == finding.kwargs for f in kept):
            return False
        kept.append(finding)
        kept.sort(key=lambda f: -f.cost)
        del kept[self.per_region :]
        return True

    def best(self) -> Finding | None:
        """The costliest finding of all regions."""
        return max(self, key=lambda f: f.cost, default=None)

    def __iter__(self) -> Iterator[Finding]:
        for kept in self.regions.values():
            yield from kept

    def __len__(self) -> int:
        return sum(len(kept) for kept in self.regions.values())
