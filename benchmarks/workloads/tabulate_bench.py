"""A workload for ``tabulate`` 0.8.10 from PyPI (held-out-4 part; written on 2026-11-30 before any perfkit run on
it): the reporting side of a small shop's back office. A nightly sales report from CSV rows (every value a string,
numbers aligned on the decimal point), the inventory from records (dicts with a few optional fields), a wrapped
product catalogue, an HTML export, and many small per-order tables as a command-line tool prints them. Run from
the package's source root; deterministic."""

import csv
import io
import random

from tabulate import tabulate

rng = random.Random(47)
PRODUCTS = ["kettle", "toaster", "lamp", "desk", "chair", "mug", "pan", "knife set", "rug", "shelf", "clock"]
CITIES = ["Zürich", "Lyon", "Kraków", "São Paulo", "Osaka", "Austin", "Malmö", "Porto"]
WORDS = ["sturdy", "light", "steel", "oak", "compact", "classic", "modern", "washable", "cordless", "matte", "glossy"]
total = 0

# nightly sales report: rows read back from a CSV export, so every value is a string
buffer = io.StringIO()
writer = csv.writer(buffer)
for order in range(8000):
    qty = rng.randint(1, 12)
    price = rng.choice((4.5, 9.99, 19.0, 24.95, 129.0, 349.5))
    writer.writerow(
        [order, f"2026-11-{rng.randint(1, 29):02d}", rng.choice(CITIES), rng.choice(PRODUCTS), qty, price,
         f"{qty * price:.2f}", f"{rng.uniform(0, 0.3):.3f}"]
    )  # fmt: skip
rows = list(csv.reader(io.StringIO(buffer.getvalue())))
headers = ["order", "date", "city", "product", "qty", "price", "amount", "discount"]
for fmt in ("simple", "grid", "github"):
    report = tabulate(rows, headers=headers, tablefmt=fmt, floatfmt=".2f", numalign="decimal")
    total += len(report)

# inventory from records: dicts whose optional fields differ, headers from the keys
inventory = []
for sku in range(5000):
    item = {"sku": f"SKU-{sku:05d}", "product": rng.choice(PRODUCTS), "stock": rng.randint(0, 500)}
    if rng.random() < 0.7:
        item["location"] = f"{rng.choice('ABCDEF')}{rng.randint(1, 40)}"
    if rng.random() < 0.4:
        item["reorder_at"] = rng.randint(5, 50)
    if rng.random() < 0.2:
        item["note"] = rng.choice(("discontinued", "seasonal", "fragile", None))
    inventory.append(item)
for fmt in ("psql", "pipe"):
    total += len(tabulate(inventory, headers="keys", tablefmt=fmt, missingval="-"))

# the catalogue with long descriptions wrapped to fixed column widths
catalogue = [
    [sku, rng.choice(PRODUCTS), " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30))), rng.uniform(1, 400)]
    for sku in range(1500)
]
total += len(tabulate(catalogue, headers=["sku", "name", "description", "price"], maxcolwidths=[None, 12, 40, None]))

# an HTML export of the cities summary, amounts summed per city and product
summary = {}
for row in rows:
    key = (row[2], row[3])
    summary[key] = summary.get(key, 0.0) + float(row[6])
table = [[city, product, amount] for (city, product), amount in sorted(summary.items())]
total += len(tabulate(table, headers=["city", "product", "amount"], tablefmt="html", floatfmt=",.2f"))

# the command-line tool: one small table per order looked up
for _ in range(4000):  # orders looked up
    lines = [[rng.choice(PRODUCTS), rng.randint(1, 5), f"{rng.uniform(1, 300):.2f}"] for _ in range(rng.randint(1, 6))]
    total += len(tabulate(lines, headers=["item", "qty", "price"], tablefmt=rng.choice(("simple", "plain", "rst"))))
print("characters", total)
