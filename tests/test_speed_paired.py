"""The timing verdict's arithmetic (no timing here): each round is one paired measurement, the speedup is the
geometric mean of the rounds' ratios of medians, the interval a t-interval over rounds; the timed inputs are the
representative (captured) ones when they are marked."""

from __future__ import annotations

import math

import pytest
from perfkit.optimizers.speed import StressInputs, paired_speedup


def test_rounds_are_the_unit_of_the_interval() -> None:
    original = [[2.0, 2.2, 1.9], [4.0, 4.1, 3.9], [3.0, 3.0, 3.1]]  # the machine's speed moves between rounds
    candidate = [[1.0, 1.1, 0.9], [2.0, 2.0, 2.1], [1.5, 1.4, 1.5]]  # the ratio does not: 2x in every round
    speedup, low, high = paired_speedup(original, candidate)
    assert speedup == pytest.approx(2.0) and low == pytest.approx(2.0) and high == pytest.approx(2.0)


def test_the_interval_widens_with_the_spread_of_the_rounds_and_narrows_with_their_number() -> None:
    three = paired_speedup([[1.2], [1.0], [1.1]], [[1.0], [1.0], [1.0]])
    logs = [math.log(1.2), 0.0, math.log(1.1)]
    mean = sum(logs) / 3
    half = 4.302652729911275 * math.sqrt(sum((x - mean) ** 2 for x in logs) / 2) / math.sqrt(3)  # t(0.975, 2)
    assert three == pytest.approx((math.exp(mean), math.exp(mean - half), math.exp(mean + half)))
    six = paired_speedup([[1.2], [1.0], [1.1]] * 2, [[1.0], [1.0], [1.0]] * 2)
    assert six[0] == pytest.approx(three[0]) and six[2] - six[1] < (three[2] - three[1]) / 2


def test_stress_inputs_carry_the_representative_ones() -> None:
    captured = [(([1] * 500,), {})]
    fuzzed = [(([1] * 2000,), {}), (([0],), {})]
    inputs = StressInputs(captured + fuzzed, representative=captured)
    assert list(inputs) == captured + fuzzed and inputs.representative == captured
    assert isinstance(inputs, list)
    import pickle

    again = pickle.loads(pickle.dumps(inputs))
    assert again.representative == captured and list(again) == captured + fuzzed
