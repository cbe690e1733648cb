"""Quadratic building of strings, bytes, lists and tuples: every everyday spelling is rewritten and verified in
the sandboxed verifier on unannotated functions at real sizes; aliasing, other types and side effects keep the
rules away."""

# ruff: noqa: UP018, UP031, UP032, RUF005  (the slow spellings are what the rules are tested on)

from __future__ import annotations

import random

from .test_optimizers_rewrite import rewrite_real, verified

ROWS = [(f"name{i}", i * 0.5 if i % 3 else i) for i in range(20_000)]
WORDS = [random.Random(3).choice(["apple", "kiwi", "fig", "é", ""]) for _ in range(20_000)]


# --- strings: s = s + ... (the hotspot of issue 14), +=, f-strings, % and .format pieces ---------------------


def report_concat(rows):
    out = ""
    for name, x in rows:
        out = out + name + ": " + str(x) + "\n"
    return out


def report_fstring(rows):
    text = "Report\n"
    for row in rows:
        name, x = row
        if x:
            text = text + f"{name}={x!r}" + ";"
        else:
            text += "zero;"
    return text


def report_percent(rows, sep):
    s = str()
    for name, x in rows:
        for ch in name:
            s = s + "%s" % ch + sep
        s = s + "{}|".format(x)
    return s


def prepend(words):
    s = ""
    for w in words:
        s = w + s
    return s


def to_base(num, base):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    if base < 2:
        return text
    else:
        while True:
            num, d = divmod(num, base)
            text = digits[d] + text
            if num == 0:
                break
        return text


def maybe_bound(words, start):
    if start:
        s = ">"
    for w in words:
        s = w + s
    return s


def capped(words, limit):
    s = b""
    for w in words:
        if len(s) > limit:
            break
        s += w.upper().encode() + b","
    return s


def packed(values):
    b = b""
    for v in values:
        b += bytes([v % 256]) + b"|"
    return b


def encoded(words):
    data = bytes()
    for w in words:
        data = data + w.encode("utf-8") + b"\n"
    return data


def test_string_spellings_are_rewritten_and_verified() -> None:
    wide_rows = [([],), ([("", 0)],), ([("ä", -1), ("b", 2.5), ("c", True)],), ([("x", None)],), ([(1, 2)],)]
    for func, observed, wide in (
        (report_concat, [(ROWS[:50],)], [*wide_rows, (ROWS,)]),
        (report_fstring, [(ROWS[:50],)], [*wide_rows, (ROWS,)]),
        (report_percent, [(ROWS[:50], ",")], [(r[0], "-") for r in wide_rows] + [(ROWS, ";"), (ROWS[:9], 5)]),
        (prepend, [(WORDS[:50],)], [([],), (["a", "b"],), ([1, 2],), (WORDS,)]),
        (capped, [(WORDS[:50], 100)], [([], 0), (["a"] * 10, -1), (WORDS, 50_000), ([1], 1)]),
        (to_base, [(10**40, 7)], [(0, 2), (5, 1), (10**4000, 36), (2**3000, 2)]),  # a negative loops forever in both
        (packed, [(list(range(50)),)], [([],), ([2**31],), ([-1],), ([1.5],), (list(range(20_000)),)]),
        (encoded, [(WORDS[:50],)], [([],), (["\ud800"],), ([b"x"],), (WORDS,)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert fired, func.__name__
        assert verdict.ok, (func.__name__, verdict.reason, new)


def test_the_hotspot_spelling_becomes_an_in_place_append() -> None:
    new, fired = rewrite_real(report_concat, [(ROWS[:50],)])
    assert fired == ["str-concat"]  # CPython grows a str local in place on +=; a join would be slower
    assert "out += name + ': ' + str(x) + '\\n'" in new


def test_prepending_joins_the_reversed_pieces_and_len_reads_become_a_running_length() -> None:
    assert "reversed(_pk_parts_s)" in rewrite_real(prepend, [(WORDS[:50],)])[0]
    new = rewrite_real(capped, [(WORDS[:50], 100)])[0]
    assert "_pk_len_s > limit" in new and "_pk_len_s += len(_pk_parts_s[-1])" in new


def mixed_pieces(rows):
    out = ""
    for name, x in rows:
        out = out + name + x
    return out


def read_in_loop(rows):
    out = ""
    for name, _ in rows:
        out = out + name + ";"
        if out.endswith("9;"):
            out = out + "!"
    return out


def caught(rows):
    out = ""
    try:
        for name, x in rows:
            out = out + name + str(1 / x)
    except ZeroDivisionError:
        pass
    return out


def param_string(s, rows):
    for name, _ in rows:
        s = s + name + ","
    return s


def test_string_rules_stay_away_from_unknown_pieces_reads_and_caught_exceptions() -> None:
    # x is an int or a str: s + name + x may call x.__radd__ or raise midway
    assert rewrite_real(mixed_pieces, [([("a", 1), ("b", "c")],)])[1] == []
    assert "string-join" not in rewrite_real(read_in_loop, [(ROWS[:5],)])[1]
    assert "string-join" not in rewrite_real(caught, [(ROWS[1:5],)])[1]
    # unbound when start is false: the original raises in the loop (or not at all for no words)
    assert "string-join" not in rewrite_real(maybe_bound, [(["a"], True)])[1]
    # a parameter may be a list at run time: s = s + "x" raises there, s += "x" would extend it
    assert rewrite_real(param_string, [("", ROWS[:5])])[1] == []


def test_reads_inside_the_loop_keep_the_in_place_form_verified() -> None:
    _, fired, verdict = verified(read_in_loop, [(ROWS[:50],)], [([],), ([("9", 0)],), (ROWS,)])
    assert fired == ["str-concat"] and verdict.ok, verdict.reason
    _, fired, verdict = verified(caught, [(ROWS[1:50],)], [(ROWS,), ([("a", 1), ("b", 0)],)])
    assert fired == ["str-concat"] and verdict.ok, verdict.reason


# --- lists: xs = xs + [x], [*xs, x], xs = xs + [a, b] ---------------------------------------------------------


def evens_concat(xs):
    out = []
    for x in xs:
        if x % 2 == 0:
            out = out + [x]
    return out


def pairs_star(xs):
    out = list()
    for i, x in enumerate(xs):
        out = [*out, x, i]
    return out


def squares_several(n):
    acc = []
    k = 0
    while k < n:
        acc = acc + [k, k * k]
        k += 1
    return acc, len(acc)


def test_list_spellings_grow_in_place_and_verify() -> None:
    data = [random.Random(5).randint(-99, 99) for _ in range(20_000)]
    for func, observed, wide in (
        (evens_concat, [(data[:50],)], [([],), ([1.0, 2.0],), ([True, 3],), (data,)]),
        (pairs_star, [(data[:50],)], [([],), ("abc",), (data,)]),
        (squares_several, [(50,)], [(0,), (-3,), (5_000,)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "list-concat" in fired, func.__name__
        assert verdict.ok, (func.__name__, verdict.reason, new)
        assert "out = out +" not in new and "acc = acc +" not in new


def aliased(xs):
    out = []
    history = []
    for x in xs:
        history.append(out)
        out = out + [x]
    return history


def grows_what_it_loops_over(xs):
    out = list(xs)
    for x in out:
        out = out + [x]
    return out


def from_parameter(out, xs):
    for x in xs:
        out = out + [x]
    return out


def rebuilt_from_argument(xs, base):
    out = []
    for x in xs:
        out = base + [x]  # base may answer + with its own __radd__, or be a list another name holds
        out = out + [x]
    return out


def test_list_concat_stays_away_from_aliases_loops_over_itself_and_parameters() -> None:
    assert rewrite_real(rebuilt_from_argument, [([1, 2], [0])])[1] == []
    assert rewrite_real(aliased, [([1, 2],)])[1] == []  # each snapshot must stay as it was
    assert rewrite_real(grows_what_it_loops_over, [([1, 2],)])[1] == []  # in place, the loop would never end
    assert rewrite_real(from_parameter, [([], [1, 2])])[1] == []  # the caller's list must not change


# --- tuples: t = t + (x,), t += (x, y), (*t, x) ---------------------------------------------------------------


def tuple_plus(xs):
    t = ()
    for x in xs:
        if x not in t:
            t = t + (x,)
    return t


def tuple_augmented(rows):
    t = tuple()
    for name, x in rows:
        t += (name, x)
    return len(t), t


def tuple_star(n):
    t = ()
    i = 0
    while len(t) < n:
        t = (*t, i * i)
        i += 1
    return t


def test_tuple_spellings_build_a_list_and_verify() -> None:
    data = [random.Random(7).randint(-30, 30) for _ in range(3_000)]
    for func, observed, wide in (
        (tuple_plus, [(data[:50],)], [([],), ([[1], [1]],), (data,)]),
        (tuple_augmented, [(ROWS[:50],)], [([],), ([("a", [1])],), (ROWS[:5_000],)]),
        (tuple_star, [(50,)], [(0,), (-1,), (5_000,)]),
    ):
        new, fired, verdict = verified(func, observed, wide)
        assert "tuple-build" in fired, func.__name__
        assert verdict.ok, (func.__name__, verdict.reason, new)


def tuple_sliced(xs):
    t = ()
    for x in xs:
        t = t + (x,)
        if t[-2:] == (1, 1):
            break
    return t


def tuple_grown_by_list(xs):
    t = ()
    for x in xs:
        t += [x]
    return t


def test_tuple_build_stays_away_from_slices_and_non_tuples() -> None:
    assert "tuple-build" not in rewrite_real(tuple_sliced, [([1, 2],)])[1]
    assert "tuple-build" not in rewrite_real(tuple_grown_by_list, [([1, 2],)])[1]


def test_the_hotspot_through_optimize_function_with_the_rewrite_proposer() -> None:
    from perfkit.optimizers import RewriteProposer, optimize_function

    stress = [((ROWS[:n],), {}) for n in (500, 5_000)]
    result = optimize_function(
        report_concat, stress_inputs=stress, proposers=[RewriteProposer()], rounds=1, examples=15, measure_rounds=2
    )
    tried = [a for a in result.history if a.source]
    assert [a.note for a in tried] == ["rules: str-concat"]
    assert tried[0].verdict in ("accepted", "slower"), tried[0].reason  # verified; the speed verdict is timing
    assert "out += name + ': ' + str(x) + '\\n'" in tried[0].source
