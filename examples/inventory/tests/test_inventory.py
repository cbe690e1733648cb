from inventory.catalog import missing_skus, unique_skus
from inventory.orders import fulfil
from inventory.report import count_categories, render_lines
from inventory.sales import moving_totals, price_spread


def test_unique_skus_keeps_first_seen_order():
    assert unique_skus(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert unique_skus([]) == []


def test_missing_skus():
    assert missing_skus(["a", "b", "c", "b"], ["b"]) == ["a", "c"]


def test_render_lines():
    assert render_lines(["x", "y"]) == "1. x\n2. y\n"
    assert render_lines([]) == ""


def test_count_categories():
    assert count_categories(["tools", "toys", "tools"]) == {"tools": 2, "toys": 1}


def test_moving_totals():
    assert moving_totals([1.0, 2.0, 3.0, 4.0], 2) == [3.0, 5.0, 7.0]
    assert moving_totals([1.0], 3) == []


def test_price_spread():
    assert price_spread([1.0, 4.0, 2.0]) == 3.0 + 1.0 + 2.0
    assert price_spread([]) == 0.0


def test_fulfil_serves_in_order_until_stock_runs_out():
    assert fulfil([3, 5, 2], 7) == [3, 4]
    assert fulfil([], 5) == []
    assert fulfil([1, 1], 0) == []
