"""The numba proposer's boundaries (strings, lists, lists of lists and of tuples, tuples holding lists), its helpers
and constants, the uses it refuses, and timing of functions that change their arguments in place. Candidates are
checked by the real verifier in child processes, on the inputs they were made from and on inputs the boundary must
hand to the original (ragged, mixed, huge, shared rows, tuples it would write into)."""

from __future__ import annotations

import copy
import random
from dataclasses import replace
from typing import Any

from perfkit.optimizers import NumbaProposer, optimize_function
from perfkit.optimizers._code import CodeRef
from perfkit.optimizers.numba_jit import classify, numeric_kinds, result_kind, shape_of, text_params
from perfkit.optimizers.speed import mutates_arguments
from perfkit.optimizers.verify import verify

from ._contexts import observed_context
from .fixtures import numba_funcs as nf
from .test_optimizers_loop import context


def _context(func, inputs):
    """The context the loop would build, with the module's source."""
    return observed_context(func, inputs, module_source=True)


QUICK = {"examples": 20, "measure_rounds": 2, "max_sizes": 1, "rounds": 1}


def test_strings_become_code_points_only_when_that_cannot_change_the_result() -> None:
    assert text_params(context(nf.edit_distance, [(("ab", "b"), {})], {"int"})) == {"a", "b"}
    assert numeric_kinds(context(nf.edit_distance, [(("ab", "b"), {})], {"int"})) == {"a": "text", "b": "text"}
    assert text_params(context(nf.count_a, [(("ab",), {})], {"int"})) == set()
    assert numeric_kinds(context(nf.count_a, [(("ab",), {})], {"int"})) is None
    assert text_params(context(nf.same_halves, [(("abab",), {})], {"bool"})) == set()


def test_list_results_are_numba_friendly_but_not_lists_of_other_things() -> None:
    assert numeric_kinds(context(nf.scaled, [(([1.0],), {"k": 2.0})], {"list[float]"})) == {
        "xs": "array",
        "k": "scalar",
    }
    assert numeric_kinds(context(nf.scaled, [(([1.0],), {"k": 2.0})], {"list[str]"})) is None
    assert numeric_kinds(context(nf.scaled, [(([],), {"k": 2.0})], {"list[]"})) is None


def test_an_in_place_sort_is_detected_and_timed_on_fresh_copies() -> None:
    rng = random.Random(4)
    inputs = [(([rng.randrange(1000) for _ in range(n)],), {}) for n in (20, 300)]
    original = CodeRef(nf.insertion_sort.__module__, "insertion_sort")
    assert mutates_arguments(original, inputs, timeout=30)
    assert not mutates_arguments(CodeRef(nf.scaled.__module__, "scaled"), [(([1.0, 2.0], 3.0), {})], timeout=30)

    result = optimize_function(nf.insertion_sort, stress_inputs=inputs, proposers=[NumbaProposer()], **QUICK)
    (attempt,) = result.history
    # verified, and timed (on a fresh copy per call: benchmarks/numba_kernels.py shows the speedup; a test asserts
    # no clock figure, the machine may be busy)
    assert attempt.check is not None and attempt.check.ok, attempt.reason
    assert attempt.verdict in ("accepted", "slower") and attempt.speed is not None, attempt.reason

    candidate = CodeRef(nf.insertion_sort.__module__, "insertion_sort", attempt.source).load()
    xs = [3, 1, 2]
    assert candidate(xs) is xs and xs == [1, 2, 3]


def test_a_string_kernel_is_verified() -> None:
    rng = random.Random(5)

    def word(n: int) -> str:
        return "".join(rng.choice("abcé😀") for _ in range(n))

    inputs = [((word(n), word(n)), {}) for n in (5, 120)]
    source, reason = _candidate(nf.edit_distance, inputs)
    assert source is not None, reason
    odd = [(("", "abc"), {}), (("a\udc80", "a"), {}), ((b"ab", "ab"), {}), ((["a"], ["a"]), {})]
    verdict = _verified(nf.edit_distance, source, inputs + odd)
    assert verdict.ok and verdict.checked == len(inputs + odd), verdict.reason
    candidate = CodeRef(nf.edit_distance.__module__, "edit_distance", source).load()
    assert candidate("kitten", "sitting") == 3 and candidate("😀é", "é") == 1 and candidate("", "abc") == 3


# --- lists of lists and of tuples, helpers, constants (unannotated kernels) ---------------------------------------


def _candidate(func: Any, inputs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> tuple[str | None, str]:
    """The numba candidate's source (None when declined) and the proposer's last reason."""
    proposer = NumbaProposer()
    found = proposer.propose(_context(func, inputs), n=1)
    return (found[0].source if found else None), (proposer.rejections[-1] if proposer.rejections else "")


def _verified(func: Any, source: str, inputs: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> Any:
    """The real verifier's verdict on ``source`` against ``func`` (each input in a fresh copy, in a child).

    The child imports numba and compiles the kernel in its first call: on a busy machine that passes the default
    two seconds, so the time limit is raised (these tests check behaviour, not time)."""
    original = CodeRef(func.__module__, func.__name__)
    return verify(original, CodeRef(func.__module__, func.__name__, source), inputs, min_timeout=60.0)


def _floats(rng: random.Random, rows: int, cols: int) -> list[list[float]]:
    return [[rng.uniform(-9, 9) for _ in range(cols)] for _ in range(rows)]


def _ints(rng: random.Random, rows: int, cols: int) -> list[list[int]]:
    return [[rng.randrange(-9, 10) for _ in range(cols)] for _ in range(rows)]


def test_seen_types_map_to_boundary_kinds() -> None:
    assert classify("list[list[int]]") == "matrix"
    assert classify("list[tuple[float, float]]") == "matrix"
    assert classify("tuple[tuple[int, int], tuple[int, int]]") == "other"
    assert classify("list[list[int] | list[]]") == "matrix"  # ragged: the boundary decides per call
    assert classify("list[list[float] | list[int]]") == "matrix"
    assert classify("tuple[int, list[float]]") == "record(scalar,array)"
    assert classify("list[tuple[int, str]]") == "other"
    assert classify("list[list[list[int]]]") == "other"
    assert classify("list[dict[str, int]]") == "other"
    assert classify("list[]") == "empty"
    assert shape_of("matrix") == 2 and shape_of("record(scalar,array)") == (0, 1)
    rng = random.Random(0)
    ctx = _context(nf.matmul_index, [((_floats(rng, 2, 3), _floats(rng, 3, 2)), {})])
    assert numeric_kinds(ctx) == {"a": "matrix", "b": "matrix"}
    assert result_kind(ctx) == "value"
    assert result_kind(replace(ctx, return_types=frozenset({"list[list[float] | list[int]]"}))) is None
    assert result_kind(replace(ctx, return_types=frozenset({"NoneType"}))) == "none"


def test_matrix_multiply_spellings_are_verified_with_exact_result_types() -> None:
    rng = random.Random(1)
    for func in (nf.matmul_index, nf.matmul_rows):
        floats = [((_floats(rng, n, n + 1), _floats(rng, n + 1, n)), {}) for n in (2, 12)]
        ints = [((_ints(rng, n, n + 1), _ints(rng, n + 1, n)), {}) for n in (2, 12)]
        for inputs in (floats, ints) if func is nf.matmul_rows else (floats,):
            source, reason = _candidate(func, inputs)
            assert source is not None, reason
            ragged = [(([[1.0, 2.0], [3.0]], [[1.0], [2.0]]), {})]
            verdict = _verified(func, source, inputs + ragged + [(([[1, 2.5]], [[1.0], [2.0]]), {})])
            assert verdict.ok, verdict.reason
            candidate = CodeRef(func.__module__, func.__name__, source).load()
            got, expected = candidate(*copy.deepcopy(inputs[0][0])), func(*inputs[0][0])
            assert type(got) is list and all(type(row) is list for row in got)
            assert {type(v) for row in got for v in row} == {type(v) for row in expected for v in row}
    # zip(*b) unpacks a list of rows into arguments: refused before anything is compiled
    source, reason = _candidate(nf.matmul_zip, [((_floats(rng, 2, 2), _floats(rng, 2, 2)), {})])
    assert source is None and "starred" in reason


def test_a_dp_table_filled_in_place_is_written_into_the_callers_rows() -> None:
    rng = random.Random(2)
    inputs = [
        (
            (
                [[0] * (n + 1) for _ in range(n + 1)],
                [rng.randrange(3) for _ in range(n)],
                [rng.randrange(3) for _ in range(n)],
            ),
            {},
        )
        for n in (3, 25)
    ]
    source, reason = _candidate(nf.lcs_fill, inputs)
    assert source is not None, reason
    assert "_pkb_write(table, _pka_table)" in source and "_pkb_write(a, " not in source  # only what it writes
    shared = [0] * 4
    odd = [
        (([[0] * 4 for _ in range(4)], (1, 2, 1), (2, 1, 1)), {}),  # tuples it only reads
        (([tuple([0] * 4) for _ in range(4)], [1, 2, 1], [2, 1, 1]), {}),  # rows it would write are tuples
        (([shared, shared, shared, shared], [1, 2, 1], [2, 1, 1]), {}),  # one row four times: writes show in all
        (([[0] * 4, [0] * 3, [0] * 4, [0] * 4], [1, 2, 1], [2, 1, 1]), {}),  # ragged: IndexError midway
        (([[0] * 4 for _ in range(4)], [1, 2**40, 1], [2, 1, 1]), {}),  # past the int guard
        (([[0] * 3 for _ in range(3)], [1, 2, 1], [2, 1, 1]), {}),  # too small: IndexError after some writes
    ]
    verdict = _verified(nf.lcs_fill, source, inputs + odd)
    assert verdict.ok and verdict.checked == len(inputs + odd), verdict.reason

    candidate = CodeRef(nf.lcs_fill.__module__, "lcs_fill", source).load()
    table = [[0] * 4 for _ in range(4)]
    rows = list(table)
    assert candidate(table, [1, 2, 3], [2, 3, 1]) is None
    assert all(a is b for a, b in zip(table, rows, strict=True))  # the caller's own row lists, changed in place
    assert table == [[0, 0, 0, 0], [0, 0, 0, 1], [0, 1, 1, 1], [0, 1, 2, 2]]
    assert {type(v) for row in table for v in row} == {int}
    shared_table = [[0] * 4] * 4
    expected = [[0] * 4] * 4
    nf.lcs_fill(expected, [1, 2, 3], [2, 3, 1])
    candidate(shared_table, [1, 2, 3], [2, 3, 1])
    assert shared_table == expected and shared_table[0] is shared_table[3]


def test_rows_changed_through_an_alias_are_written_back() -> None:
    rng = random.Random(3)
    inputs = [((_ints(rng, n, n),), {}) for n in (3, 20)]
    source, reason = _candidate(nf.grid_prefix, inputs)
    assert source is not None, reason
    grid = _ints(rng, 4, 4)
    expected = nf.grid_prefix(copy.deepcopy(grid))
    candidate = CodeRef(nf.grid_prefix.__module__, "grid_prefix", source).load()
    assert candidate(grid) is grid and grid == expected  # returns the caller's list, as the original does
    verdict = _verified(nf.grid_prefix, source, [*inputs, (([[1, 2], [3]],), {}), (([[1.5, 2.0], [3.0, 4.0]],), {})])
    assert verdict.ok, verdict.reason


def test_points_as_tuples_and_a_helper_that_compiles_with_the_kernel() -> None:
    rng = random.Random(4)
    for func, width in ((nf.path_length, 2), (nf.closest_distance, 2), (nf.nearest_sum, 2)):
        as_int = func is nf.nearest_sum
        inputs = [
            (([tuple(rng.randrange(50) if as_int else rng.random() for _ in range(width)) for _ in range(n)],), {})
            for n in (4, 60)
        ]
        source, reason = _candidate(func, inputs)
        assert source is not None, reason
        odd = [(([(1.0, 2.0), (3.0,)],), {}), (([(1, 2.0), (3.0, 4.0)],), {}), (([(1.0, 2.0), [3.0, 4.0]],), {})]
        verdict = _verified(func, source, inputs + odd)
        assert verdict.ok and verdict.checked == len(inputs + odd), verdict.reason
    assert "_pk_nb__dist2 = _pkb_njit(_pk_nb__dist2)" in source and "_pk_nb__dist2(points[i], points[j])" in source


def test_a_tuple_of_an_index_and_a_list_and_a_scalar_helper() -> None:
    rng = random.Random(5)
    inputs = [(((i, [rng.random() for _ in range(n)]),), {}) for i, n in ((1, 5), (3, 200))]
    source, reason = _candidate(nf.part_times, inputs)
    assert source is not None, reason
    assert "_pk_nb_eval_a = _pkb_njit(_pk_nb_eval_a)" in source
    odd = [(((2, [1, 2, 3]),), {}), (((2, []),), {}), (((2, [1.0, 2]),), {}), (((2**40, [1.0]),), {})]
    verdict = _verified(nf.part_times, source, inputs + odd)
    assert verdict.ok, verdict.reason


def test_module_constants_freeze_and_mutable_globals_are_refused() -> None:
    rng = random.Random(6)
    source, reason = _candidate(nf.scaled_sums, [((_floats(rng, n, 5),), {}) for n in (2, 30)])
    assert source is not None, reason
    assert _verified(nf.scaled_sums, source, [((_floats(rng, 7, 3),), {}), (([[1.0], [2.0, 3.0]],), {})]).ok
    source, reason = _candidate(nf.weighted, [((_floats(rng, n, 2),), {}) for n in (2, 30)])
    assert source is None and "'WEIGHTS'" in reason


def test_uses_where_an_array_would_not_act_like_the_list_are_refused() -> None:
    rng = random.Random(7)
    matrix = [((_floats(rng, n, 3),), {}) for n in (3, 10)]
    flat = [(([rng.random() for _ in range(n)],), {}) for n in (3, 10)]
    expected = {
        nf.swap_rows: (matrix, "assigns whole rows"),
        nf.copy_row: (matrix, "assigns whole rows"),
        nf.concat_rows: (matrix, "total + row"),
        nf.smoothed_copy: (flat, "slices xs"),
        nf.joined_length: ([((x[0][0], x[0][0]), {}) for x in flat], "xs + ys"),
        nf.depth_total: ([(([3, 9, 20],), {})], "recursive"),
        nf.label_total: ([(([3, 9, 20],), {})], "'str'"),
        nf.shift_left: ([(([3, 9, 20],), {})], "assigns a slice"),
        nf.halve_in_place: ([(([3, 9, 20],), {}), (([4, 8],), {})], "stores a float into ints"),
    }
    for func, (inputs, words) in expected.items():
        source, reason = _candidate(func, inputs)
        assert source is None and words in reason, (func.__name__, reason)


def test_an_int_numba_widens_to_float_keeps_its_type_through_the_original() -> None:
    rng = random.Random(8)
    inputs = [(([rng.uniform(-1, 1) for _ in range(n)],), {}) for n in (5, 50)]
    proposer = NumbaProposer()
    (found,) = proposer.propose(_context(nf.positive_sum, inputs), n=1)
    assert "whole-number floats go to the original (total)" in found.note
    candidate = CodeRef(nf.positive_sum.__module__, "positive_sum", found.source).load()
    assert candidate([-1.5, -2.0]) == 0 and type(candidate([-1.5, -2.0])) is int  # numba alone would give 0.0
    assert type(candidate([0.5, -2.0])) is float
    verdict = _verified(nf.positive_sum, found.source, [*inputs, (([-1.0, -3.5],), {}), (([2.0, 2.0],), {})])
    assert verdict.ok, verdict.reason


def test_truth_tests_and_math_domain_errors_keep_pythons_behaviour() -> None:
    rng = random.Random(9)
    floats = [(([rng.uniform(0, 9) for _ in range(n)],), {}) for n in (4, 40)]
    source, reason = _candidate(nf.mean_or_zero, floats)
    assert source is not None and "if not len(xs) > 0:" in source, reason  # the kernel's copy; lists stay lists
    assert _verified(nf.mean_or_zero, source, [*floats, (([],), {}), (([1.0],), {})]).ok

    source, reason = _candidate(nf.root_sum, floats)
    assert source is not None and "_pkb_m_sqrt(x)" in source, reason
    verdict = _verified(nf.root_sum, source, [*floats, (([4.0, -1.0],), {}), (([-0.0],), {})])
    assert verdict.ok and verdict.checked == 4, verdict.reason  # ValueError where Python raises, not NaN

    odd = [((n,), {}) for n in (7919, 104_729)]
    source, reason = _candidate(nf.smallest_factor, odd)
    assert source is not None and "_pkb_m_sqrt(n)" in source, reason  # ``from math import sqrt`` spelling
    verdict = _verified(nf.smallest_factor, source, [*odd, ((-9,), {}), ((-15,), {}), ((2**40 + 1,), {})])
    assert verdict.ok and verdict.checked == 5, verdict.reason  # int(sqrt(-9)) raises, not a loop on NaN


def test_a_tuple_holding_an_empty_list_and_int_or_float_results() -> None:
    rng = random.Random(10)
    inputs = [(((2, []),), {}), (((1, [rng.random() for _ in range(30)]),), {})]
    ctx = _context(nf.part_times, inputs)
    assert ctx.return_types == {"int", "float"} and numeric_kinds(ctx) == {"i_u": "record(scalar,array)"}
    source, reason = _candidate(nf.part_times, inputs)
    assert source is not None and "type(_pk_result) not in (float, int,)" in source, reason
    verdict = _verified(nf.part_times, source, [*inputs, (((3, [0.0, 0.0]),), {}), (((3, [1, 2]),), {})])
    assert verdict.ok, verdict.reason


def test_generator_expressions_and_all_compile_as_lists_and_loops() -> None:
    rng = random.Random(11)
    inputs = [((_floats(rng, n, 4), [rng.uniform(-1, 1) for _ in range(4)]), {}) for n in (3, 30)]
    source, reason = _candidate(nf.dot_rows, inputs)
    assert source is not None, reason
    assert "_pkb_all([len(row) == len(weights) for row in rows])" in source
    assert "_pkb_sum([_pkb_mul(x, w) for x, w in zip(row, weights)])" in source  # int operations checked
    mismatched = (([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0, 3.0]), {})  # AssertionError, raised by the original
    verdict = _verified(nf.dot_rows, source, [*inputs, mismatched, (([[1.0, 2.0]], [0.5, 0.25]), {})])
    assert verdict.ok and verdict.checked == 4, verdict.reason


def test_strings_as_code_points_in_loops_swaps_and_type_checks() -> None:
    rng = random.Random(12)

    def word(n: int) -> str:
        return "".join(rng.choice("abcé😀\x00") for _ in range(n))

    pairs = [((word(n), word(n + 3)), {}) for n in (5, 80)]
    assert text_params(_context(nf.mismatches, pairs)) == {"a", "b"}
    source, reason = _candidate(nf.mismatches, pairs)
    assert source is not None, reason
    kernel = source[source.index("def _pk_nb_mismatches") : source.index("def mismatches")]
    assert "NO_BYTES" not in kernel and "isinstance" not in kernel  # the kernel only ever gets str
    odd = [((b"ab", "ab"), {}), (("ab", b"ab"), {}), (("", ""), {}), (("a\x00", "a"), {}), ((["a"], "a"), {})]
    verdict = _verified(nf.mismatches, source, pairs + odd)
    assert verdict.ok and verdict.checked == len(pairs + odd), verdict.reason

    singles = [((word(n),), {}) for n in (6, 90)]
    source, reason = _candidate(nf.repeats, singles)
    assert source is not None, reason
    assert _verified(nf.repeats, source, [*singles, (("",), {}), (("\x00\x00",), {})]).ok
    assert text_params(_context(nf.uses_letter_as_text, singles)) == set()  # len(ch): a code point has none


def test_type_descriptions_of_any_shape_are_classified_without_looping() -> None:
    """An empty dict is described 'dict[?, ?]'; the parser once looped on '?' until the OOM killer came."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from perfkit.optimizers.numba_jit import classify

    assert classify("dict[?, ?]") == "other" and classify("list[dict[?, ?]]") == "other"
    assert classify("list[int]") == "array" and classify("list[list[float]]") == "matrix"

    @settings(max_examples=300, database=None, derandomize=True, deadline=None)
    @given(st.text(alphabet="[], |?intfloatlsuedc", max_size=30))
    def terminates(description: str) -> None:
        classify(description)

    terminates()


def test_placeholders_whole_string_equality_and_imported_builtin_aliases() -> None:
    """jellyfish-style code: ``prev = None`` and ``cur = range(n)`` replaced by lists, ``s1 == s2``, ``a[n]`` as a
    truth test, and ``from .compat import _range``. Each compiles as it runs, verified on odd strings too."""
    rng = random.Random(21)

    def word(n: int) -> str:
        return "".join(rng.choice("abcé😀\x00") for _ in range(n))

    pairs = [((word(n), word(n + 2)), {}) for n in (4, 60)]
    odd = [(("", ""), {}), (("abc", "abc"), {}), (("\x00a", "\x00b"), {}), ((b"ab", "ab"), {}), (("a", ""), {})]
    for func in (nf.rolling_edit, nf.common_prefix):
        source, reason = _candidate(func, pairs)
        assert source is not None, reason
        kernel = source[source.index(f"def _pk_nb_{func.__name__}") : source.index(f"def {func.__name__}(")]
        assert "_pkb_same(" in kernel and "_range(" not in kernel
        verdict = _verified(func, source, pairs + odd)
        assert verdict.ok and verdict.checked == len(pairs + odd), verdict.reason
    edit = CodeRef(nf.rolling_edit.__module__, "rolling_edit", _candidate(nf.rolling_edit, pairs)[0]).load()
    assert edit("kitten", "sitting") == 3 and edit("same", "same") == 0


def test_an_alias_that_is_not_the_builtin_and_a_placeholder_that_is_read() -> None:
    lists = [(([3, 1, 2, 5],), {}), (([7, 7, 1, 9, 4, 4, 2],), {})]
    source, reason = _candidate(nf.reversed_walk, lists)
    assert source is None and "take the fallback" in reason  # `xrange is range` fails: every call is the original's
    source, reason = _candidate(nf.best_so_far, lists)
    assert source is not None, reason
    assert "best = None" in source.split("def _pk_nb_best_so_far")[1]  # the placeholder stays in the kernel
    assert _verified(nf.best_so_far, source, [*lists, (([],), {})]).ok


def test_characters_paired_by_zip_and_an_error_message_constant() -> None:
    rng = random.Random(23)

    def word(n: int) -> str:
        return "".join(rng.choice("abé😀\x00") for _ in range(n))

    pairs = [((word(n), word(n)), {}) for n in (5, 70)]
    assert text_params(_context(nf.zipped_mismatch, pairs)) == {"a", "b"}
    assert text_params(_context(nf.zipped_with_constant, pairs)) == set()
    source, reason = _candidate(nf.zipped_mismatch, pairs)
    assert source is not None, reason
    odd = [(("ab", "abc"), {}), (("", ""), {}), ((b"ab", "ab"), {}), (("a\x00", "a\x01"), {})]
    verdict = _verified(nf.zipped_mismatch, source, pairs + odd)
    assert verdict.ok and verdict.checked == len(pairs + odd), verdict.reason


def test_a_table_keyed_by_characters_becomes_a_dict_of_code_points() -> None:
    """Damerau-Levenshtein's last-row table (``defaultdict(int)`` read and written as ``last[c]``) in a kernel; a
    table whose keys are seen (``len(seen)``) keeps its strings."""
    from perfkit.optimizers._numba_kinds import text_analysis

    rng = random.Random(31)

    def word(n: int) -> str:
        return "".join(rng.choice("abcé😀\x00") for _ in range(n))

    pairs = [((word(n), word(n + 1)), {}) for n in (4, 50)]
    assert text_analysis(_context(nf.transposition_distance, pairs)) == ({"a", "b"}, {"last_row"})
    assert text_params(_context(nf.letter_counts_escape, [((word(9),), {})])) == set()
    source, reason = _candidate(nf.transposition_distance, pairs)
    assert source is not None, reason
    kernel = source[source.index("def _pk_nb_transposition_distance") : source.index("def transposition_distance(")]
    assert "last_row = {}" in kernel and "last_row.get(b[j - 1], 0)" in kernel
    assert "last_row[a[i - 1]] = _pkb_add(last_row.get(a[i - 1], 0), 0)" in kernel  # ints checked
    odd = [(("", ""), {}), (("ca", "abc"), {}), (("\x00", "\x00\x00"), {}), ((b"ab", "ab"), {})]
    verdict = _verified(nf.transposition_distance, source, pairs + odd)
    assert verdict.ok and verdict.checked == len(pairs + odd), verdict.reason
    distance = CodeRef(nf.transposition_distance.__module__, "transposition_distance", source).load()
    assert distance("ca", "abc") == nf.transposition_distance("ca", "abc") == 2  # unrestricted Damerau


def test_a_second_kernel_in_a_module_that_already_holds_a_winner() -> None:
    """``perfkit optimize`` writes winners into its copy one after another: the next function's module source then
    holds the first kernel's prelude (``_pkb_same`` and friends), which must not read as the module's helpers."""
    rng = random.Random(41)
    pairs = [
        (("".join(rng.choice("abc") for _ in range(n)), "".join(rng.choice("abc") for _ in range(n))), {})
        for n in (5, 40)
    ]
    first, reason = _candidate(nf.common_prefix, pairs)
    assert first is not None, reason
    context = _context(nf.rolling_edit, pairs)
    context = replace(context, module_source=context.module_source + "\n\n" + first)
    proposer = NumbaProposer()
    found = proposer.propose(context, n=1)
    assert found, proposer.rejections
