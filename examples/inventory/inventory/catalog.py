"""Cleaning up lists of SKUs."""

from __future__ import annotations


def unique_skus(skus: list[str]) -> list[str]:
    """The SKUs in first-seen order, each once."""
    seen: list[str] = []
    for sku in skus:
        if sku not in seen:
            seen.append(sku)
    return seen


def missing_skus(wanted: list[str], stocked: list[str]) -> list[str]:
    """The wanted SKUs that are not stocked, in the order wanted."""
    result = []
    for sku in wanted:
        if sku not in stocked:
            result.append(sku)
    return result
