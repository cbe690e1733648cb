"""The inventory workload: a day's batch job at realistic sizes."""

import random

from inventory.catalog import missing_skus, unique_skus
from inventory.orders import fulfil
from inventory.report import count_categories, render_lines
from inventory.sales import moving_totals, price_spread


def main() -> None:
    rng = random.Random(7)
    skus = [f"SKU-{rng.randrange(15000):05d}" for _ in range(40000)]
    unique = unique_skus(skus)
    missing_skus(skus[:10000], unique[:5000])
    render_lines(unique)
    count_categories([sku[-1] for sku in skus])
    daily = [rng.uniform(0, 1000) for _ in range(20000)]
    moving_totals(daily, 365)
    price_spread(daily[:2500])
    fulfil([rng.randrange(1, 9) for _ in range(100000)], 10**6)


if __name__ == "__main__":
    main()
