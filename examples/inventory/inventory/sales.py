"""Sales figures."""

from __future__ import annotations


def moving_totals(daily: list[float], window: int) -> list[float]:
    """Total sales of every run of ``window`` consecutive days."""
    return [sum(daily[i : i + window]) for i in range(len(daily) - window + 1)]


def price_spread(prices: list[float]) -> float:
    """Sum of absolute differences over all pairs of prices."""
    total = 0.0
    n = len(prices)
    for i in range(n):
        for j in range(i + 1, n):
            total += abs(prices[i] - prices[j])
    return total
