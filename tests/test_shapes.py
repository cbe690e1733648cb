"""Observed shapes: inference from real calls, strategies that keep the type, widened draws beyond what was seen,
and large captured arguments kept shrunk to a representative of the same shape."""

from __future__ import annotations

import pickle
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings

from perfkit.errors import InvalidArgument
from perfkit.inputs import arguments_strategy
from perfkit.repo.capture import MAX_BYTES, CaptureTarget, capture, shrink
from perfkit.shapes import Collection, Number, Opaque, Record, Text, char_classes, observe, shape_of, strategy

from .fixtures import unannotated as un


def draws(strat: Any, count: int = 200) -> list[Any]:
    out: list[Any] = []

    @seed(7)
    @settings(max_examples=count, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strat)
    def collect(value: Any) -> None:
        out.append(value)

    collect()
    return out


def same_type(value: Any, like: Any) -> bool:
    """``value`` has the type structure of ``like`` (a value of the observed shape)."""
    if type(value) is not type(like):
        return False
    if type(like) is tuple and len(like) <= 8:
        return len(value) == len(like) and all(same_type(v, w) for v, w in zip(value, like, strict=True))
    if type(like) in (list, set, frozenset) and like:
        item = next(iter(like))
        return all(same_type(v, item) for v in value)
    if type(like) is dict and like:
        k, v = next(iter(like.items()))
        return all(same_type(a, k) and same_type(b, v) for a, b in value.items())
    return True


def test_nested_shapes_are_inferred_with_ranges_lengths_and_alphabets() -> None:
    shape = shape_of([[(1, "ab"), (5, "c d")], [(-2, "Z!")]])
    (kind,) = shape.kinds
    assert isinstance(kind, Collection) and kind.type is list and (kind.min_len, kind.max_len) == (1, 2)
    assert kind.item is not None
    (record,) = kind.item.kinds
    assert isinstance(record, Record) and len(record.items) == 2
    (number,) = record.items[0].kinds
    assert isinstance(number, Number) and (number.low, number.high) == (-2, 5)
    (text,) = record.items[1].kinds
    assert isinstance(text, Text) and set(text.alphabet) == set("abcdZ! ") and text.max_len == 3
    assert char_classes(text.alphabet) == ["lowercase", "uppercase", "whitespace", "punctuation"]
    assert shape.describe() == (
        "list[tuple[int -2..5, str len 2..3, chars: lowercase, uppercase, whitespace, punctuation]] len 1..2"
    )
    mixed = shape_of([None, 3, 2.5, "x", {"k": [1.0]}, {1, 2}, (1, 2, 3, 4, 5, 6, 7, 8, 9)])
    assert [type(k).__name__ for k in mixed.kinds] == [
        "Scalar", "Number", "Number", "Text", "Mapping", "Collection", "Collection"
    ]  # fmt: skip
    assert "None | int 3..3 | float 2.5..2.5" in mixed.describe() and "tuple[int 1..9] len 9..9" in mixed.describe()
    assert char_classes("aé\x01") == ["lowercase", "other ascii", "non-ascii"]


def test_observe_binds_calls_to_parameters_and_says_what_is_reused() -> None:
    samples = [(([un.Point(1, 2)], un.Point(0, 0)), {}), ((), {"points": [], "origin": un.Point(3, 3)}), ((1,), {})]
    observed = observe(un.farthest, samples)
    assert observed.calls == 2 and set(observed.shapes) == {"points", "origin"}
    (origin,) = observed.shapes["origin"].kinds
    assert isinstance(origin, Opaque) and origin.type is un.Point and len(origin.values) == 2
    assert observed.notes() == [
        "parameter 'points': Point values cannot be generated; observed ones reused",
        "parameter 'origin': Point values cannot be generated; observed ones reused",
    ]
    assert pickle.loads(pickle.dumps(observed)).describe() == observed.describe()


def test_ints_too_long_for_repr_are_described_and_drawn() -> None:
    """eulerlib's decimal_to_base met a 5000-digit int: describing its shape must not raise."""

    def to_base(n, b):
        return n % b

    observed = observe(to_base, [((10**5000, 7), {}), ((3, 2), {})])
    assert "bits>" in observed.describe()
    from hypothesis import given, settings

    from perfkit.inputs import arguments_strategy

    @settings(max_examples=20, database=None, derandomize=True)
    @given(arguments_strategy(to_base, max_size=50, samples=[((10**5000, 7), {}), ((3, 2), {})], widen=True))
    def draw(item: object) -> None:
        assert isinstance(item[0][0], int)  # type: ignore[index]

    draw()


NESTED = [
    [3, 1, 2],
    {"apple": [1, 2], "fig": []},
    [(1, "x"), (2, "yz")],
    {frozenset({1, 2}), frozenset()},
    ("label", 4, [0.5, 1.5]),
    b"\x00abc",
    [[1, 2], [3]],
    {1: {"a": (True, None)}},
]


@pytest.mark.parametrize("mode", ["observed", "widened"])
@pytest.mark.parametrize("example", NESTED, ids=[type(v).__name__ + str(i) for i, v in enumerate(NESTED)])
def test_drawn_values_keep_the_observed_type(example: Any, mode: str) -> None:
    strat = strategy(shape_of([example]), mode=mode, max_size=12)  # type: ignore[arg-type]
    values = draws(strat, 150)
    assert values and all(same_type(v, example) for v in values)
    sized = [v for v in values if hasattr(v, "__len__")]
    assert all(len(v) <= 12 for v in sized)


def test_widened_draws_go_beyond_what_was_seen() -> None:
    ints = draws(strategy(shape_of([[0, 3, 9], [5]]), mode="widened", max_size=20), 300)
    flat = [x for xs in ints for x in xs]
    assert any(x < 0 for x in flat) and any(abs(x) >= 2**63 for x in flat) and 0 in flat
    assert [] in ints and any(len(xs) == 1 for xs in ints) and any(len(xs) > 9 for xs in ints)
    assert any(len(xs) >= 3 and len(set(xs)) == 1 for xs in ints)  # many duplicates
    floats = [x for xs in draws(strategy(shape_of([[0.5, 2.0]]), mode="widened", max_size=8), 300) for x in xs]
    assert any(str(x) == "-0.0" for x in floats) and any(abs(x) > 1e100 for x in floats)
    assert any(0 < abs(x) < 1e-100 for x in floats) and any(x != x for x in floats)  # items: NaN is a float too
    assert any(x == 1.0 for x in floats)  # a whole float, equal to an int a caller may mix in
    top_floats = draws(strategy(shape_of([0.5, 2.0]), mode="widened", max_size=8), 300)
    assert all(x == x for x in top_floats)  # a top-level float: no NaN unless seen (it may drive a loop)
    words = draws(strategy(shape_of([["apple", "pear"]]), mode="widened", max_size=8), 300)
    chars = {c for ws in words for w in ws for c in w}
    assert any(ord(c) > 0xFFFF for c in chars) and any(c.isupper() for c in chars) and "ß" in chars
    assert any("\u0300" <= c <= "\u036f" for c in chars)  # combining marks
    top = draws(strategy(shape_of([5, 40]), mode="widened", max_size=100), 200)
    assert min(top) < 0 and 0 in top and max(top) <= 40  # a top-level int is not widened above what was seen


def test_observed_mode_stays_close_to_what_was_seen() -> None:
    values = draws(strategy(shape_of([[3, 7], [5, 6, 4]]), mode="observed", max_size=30), 200)
    assert all(3 <= x <= 7 for xs in values for x in xs) and all(len(xs) >= 2 for xs in values)
    assert any(len(xs) > 6 for xs in values) and all(len(xs) <= 30 for xs in values)  # sizes up to the bound
    words = draws(strategy(shape_of(["hello world", "hi"]), mode="observed", max_size=30), 200)
    assert all(set(w) <= set("helowrdi ") for w in words)
    assert all(n >= 0 for n in draws(strategy(shape_of([2, 10]), mode="observed", max_size=50), 100))
    with pytest.raises(InvalidArgument, match="mode"):
        strategy(shape_of([1]), mode="wide", max_size=3)  # type: ignore[arg-type]


def test_instances_are_reused_as_copies() -> None:
    point = un.Point(1, 2)
    values = draws(strategy(shape_of([[point]]), mode="widened", max_size=5), 60)
    assert all(p is not point and (p.x, p.y) == (1, 2) for ps in values for p in ps)


def test_arguments_strategy_uses_samples_for_parameters_without_hints() -> None:
    def scale(xs, factor: int, *, name=None): ...  # type: ignore[no-untyped-def]

    samples = [(([1.5, 2.0], 3), {"name": "a"}), (([],), {"factor": 50})]
    calls = draws(arguments_strategy(scale, max_size=6, samples=samples), 100)
    assert all(isinstance(xs, list) and all(type(x) is float for x in xs) for (xs, _), _ in calls)
    assert all(type(f) is int and -6 <= f <= 6 for (_, f), _ in calls)  # the hint wins for 'factor'
    assert all(set(kw) == {"name"} and isinstance(kw["name"], str) for _, kw in calls)
    wide = draws(arguments_strategy(scale, max_size=6, samples=samples, widen=True), 200)
    assert any(abs(f) > 6 for (_, f), _ in wide)  # widened: a hinted parameter also draws from its observed shape
    with pytest.raises(InvalidArgument, match=r"parameter 'xs'.*no observed calls"):
        arguments_strategy(scale, max_size=6)
    with pytest.raises(InvalidArgument, match="samples"):
        arguments_strategy(scale, max_size=6, samples=[[1, 2]])  # type: ignore[list-item]


def test_a_large_call_is_shrunk_to_the_same_shape() -> None:
    text = "word " * 300_000
    blob = shrink((text,), {"rows": [(i, "x" * 10) for i in range(100_000)]}, limit=200_000)
    assert blob is not None and len(blob) <= 200_000
    (cut,), kwargs = pickle.loads(blob)
    assert isinstance(cut, str) and 0 < len(cut) < len(text) and text.startswith(cut)
    rows = kwargs["rows"]
    assert 0 < len(rows) < 100_000 and all(type(r) is tuple and len(r) == 2 for r in rows) and rows[0] == (0, "x" * 10)
    nested = {"a": ["y" * 400_000, "z" * 400_000], "b": b"q" * 500_000}
    (kept,), _ = pickle.loads(shrink((nested,), {}, limit=100_000) or b"")
    assert set(kept) == {"a", "b"} and kept["a"] and all(s and set(s) <= {"y", "z"} for s in kept["a"])
    assert isinstance(kept["b"], bytes) and 0 < len(kept["b"]) < 500_000
    assert shrink((threading.Lock(),), {}) is None  # neither pickle nor cloudpickle takes it: not kept
    (again,), _ = pickle.loads(shrink((lambda: 1,), {}) or b"")  # cloudpickle carries what pickle refuses
    assert again() == 1


def test_capture_keeps_a_shrunk_representative_of_a_large_argument(tmp_path: Path) -> None:
    (tmp_path / "textlib.py").write_text(
        textwrap.dedent(
            """
            def count_words(text):
                counts = {}
                for word in text.split():
                    counts[word] = counts.get(word, 0) + 1
                return counts


            def total(table):
                return sum(len(v) for v in table.values())
            """
        )
    )
    (tmp_path / "bench.py").write_text(
        textwrap.dedent(
            """
            import textlib

            textlib.count_words("alpha beta gamma " * 72_000)  # 1.2 MB of text
            textlib.total({f"k{i}": list(range(i % 50)) for i in range(20_000)})
            """
        )
    )
    targets = [CaptureTarget("textlib", "count_words"), CaptureTarget("textlib", "total")]
    found = capture([sys.executable, "bench.py"], targets, cwd=tmp_path, out=tmp_path / "capture.pickle", timeout=120)
    words = found["textlib:count_words"]
    assert words.calls == 1 and words.skipped == 0 and words.shrunk == 1
    assert words.largest_bytes > 1_200_000 and words.largest_size == 1_224_000
    ((text,), kwargs) = words.arguments()[0]
    assert isinstance(text, str) and 0 < len(text) < MAX_BYTES and text != "alpha beta gamma " * 72_000
    assert text.startswith("alpha beta gamma alpha") and kwargs == {}
    assert "shrunk to fit (largest call 1.2 MB" in words.describe_shrunk()
    table = found["textlib:total"]
    assert table.shrunk == 1 and len(table.samples[0]) <= MAX_BYTES
    ((cut,), _) = table.arguments()[0]
    assert isinstance(cut, dict) and 0 < len(cut) < 20_000 and all(type(v) is list for v in cut.values())
    assert observe(lambda table: None, table.arguments()).describe().startswith("table: dict[str len 2..")


def test_star_args_are_drawn_as_the_extra_positional_tuples_observed() -> None:
    def merge(first, *more, **options): ...  # type: ignore[no-untyped-def]

    samples = [(({"a": 1}, {"b": 2}, {"c": 3}), {}), (({"z": 0},), {"factory": dict})]
    assert set(observe(merge, samples).shapes) == {"first", "more"}  # **options is left out
    calls = draws(arguments_strategy(merge, max_size=4, samples=samples, widen=True), 80)
    assert all(kwargs == {} and all(type(d) is dict for d in args) for args, kwargs in calls)
    assert all(len(args) == 3 for args, _ in calls)  # a fixed arity stays fixed
