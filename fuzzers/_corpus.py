"""The corpus: the costliest inputs found, kept per region (the set of constraints an input satisfies) and class.

Classes of a finding (``outcome``): "ok" (the call returned), "timeout" (cut off at the per-call limit: a
right-censored cost, ranked above every finished one) and "raised" (the target raised after its work: a slow
input that ends in an error is still a denial of service). "raised" findings are kept apart from the others,
so that they never crowd valid inputs out of a region.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("ok", "timeout", "raised")
RAISED = "slow, then raised"  # how reports name the "raised" class
RAISED_MARGIN = 1.5  # a raising input is the worst only when this many times slower than every valid one


@dataclass(frozen=True)
class Finding:
    """One evaluated input and its cost. ``region``: ids of the constraints it satisfies; ``error``: what the
    target raised (outcome "raised")."""

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
    error: str | None = None


def rank(finding: Finding) -> tuple[bool, float, int]:
    """Sort key, slowest last: a call cut off at the limit outranks every call that finished (its true cost is
    at least the limit), then the cost; among calls cut off, the larger input (a pattern past the limit at N/4 is
    measured at N too)."""
    timeout = finding.outcome == "timeout"
    return timeout, finding.cost, finding.size if timeout else 0


@dataclass
class Corpus:
    """Up to ``per_region`` costliest findings per region and class."""

    per_region: int = 3
    regions: dict[tuple[Any, ...], list[Finding]] = field(default_factory=dict)

    def offer(self, finding: Finding) -> bool:
        """Keep ``finding`` if it is among the costliest of its region and class; True when kept."""
        kept = self.regions.setdefault((finding.outcome == "raised", *finding.region), [])
        if len(kept) >= self.per_region and rank(finding) <= rank(kept[-1]):
            return False
        if any(f.cost == finding.cost and f.args == finding.args and f.kwargs == finding.kwargs for f in kept):
            return False
        kept.append(finding)
        kept.sort(key=rank, reverse=True)
        del kept[self.per_region :]
        return True

    def best(self, *, valid_only: bool = False) -> Finding | None:
        """The slowest finding of all regions. An input that raised is chosen only when it is clearly slower
        (RAISED_MARGIN times) than every input that did not, and never with ``valid_only``: a rejection about as
        fast as a valid call is a rejection, not a denial of service."""
        valid = max((f for f in self if f.outcome != "raised"), key=rank, default=None)
        raised = None if valid_only else self.best_raised()
        if raised is None or (valid is not None and (rank(valid)[0] or raised.cost <= RAISED_MARGIN * valid.cost)):
            return valid
        return raised

    def best_raised(self) -> Finding | None:
        """The slowest input that made the target raise, or None."""
        return max((f for f in self if f.outcome == "raised"), key=rank, default=None)

    def replace(self, old: Finding, new: Finding) -> None:
        """Put ``new`` (the same input measured again) where ``old`` was, or offer it when ``old`` is not kept."""
        for kept in self.regions.values():
            for i, f in enumerate(kept):
                if f is old or (f.args == old.args and f.kwargs == old.kwargs and f.cost == old.cost):
                    kept[i] = new
                    kept.sort(key=rank, reverse=True)
                    return
        self.offer(new)

    def __iter__(self) -> Iterator[Finding]:
        for kept in self.regions.values():
            yield from kept

    def __len__(self) -> int:
        return sum(len(kept) for kept in self.regions.values())
