"""Order processing."""

from __future__ import annotations


def fulfil(orders: list[int], stock: int) -> list[int]:
    """Serve orders first come, first served while stock lasts; returns the quantities served."""
    queue = list(orders)
    served = []
    while queue and stock > 0:
        quantity = queue.pop(0)
        take = min(quantity, stock)
        served.append(take)
        stock -= take
    return served
