"""Frames (the prefix and suffix a parser needs before its slow work), length fields, byte constants and the
constants of objects a target names: the parts of the pattern search for structured inputs.

Every target here is our own small, unannotated parser, in several spellings of one idea; the frame search is
bounded by a number of calls (``max_evals``) so that what it finds does not depend on the machine's load.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import types
from pathlib import Path

from perfkit.fuzzers._cost import lines_run
from perfkit.fuzzers._frames import build
from perfkit.fuzzers._patterns import Pattern, byte_constants, length_field, string_constants, sub_tokens
from perfkit.fuzzers._pump import PumpSearch
from perfkit.fuzzers._session import Job, Session


def session_for(func, folder, *, max_size, budget):
    """A session in this process on an unannotated ``func`` of one text parameter, by line counts."""
    from hypothesis import strategies as st

    job = Job(
        target=func,
        max_size=max_size,
        budget_s=budget,
        seed=1,
        timeout=1.0,
        signal="lines",
        searcher="pump",
        guided=False,
        constraints=(),
        current_file=str(folder / "current.pkl"),
        strategy=st.tuples(st.text(max_size=max_size)).map(lambda args: (args, {})),
    )
    return Session(job, lambda message: None)


# --- range-header-like parsers: a unit, a separator, then the list the slow work runs on ----------------------


def ranges_partition(header):
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "items":
        raise ValueError("unit")
    return [part.split("-") for part in spec.split(",")]


def ranges_prefix(header):
    if not header.startswith("rows:"):
        return None
    out = []
    for part in header[5:].split(";"):
        lo, _, hi = part.partition("..")
        out.append((lo, hi))
    return out


def ranges_split(header):
    try:
        key, value = header.split(" ", 1)
    except ValueError:
        raise ValueError("no value") from None
    if key != "span":
        raise ValueError("key")
    return value.strip().split("/")


def _fresh_process(test: str) -> bool:
    """Run ``test`` again in a fresh interpreter and say whether this call should go on (it is that run).

    The frame search runs in a worker process of its own in a campaign; in the test process, a hypothesis
    campaign that ran earlier (tests/test_fuzz.py) changes which lines a later trace records, so the frame
    tests are checked where they run for real: in a process with nothing run before them."""
    if os.environ.get("PERFKIT_FRAMES_FRESH") == test:
        return True
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", f"{__file__}::{test}"],
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PERFKIT_FRAMES_FRESH": test},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    return False


def _depth(func):
    def depth(text):
        return lines_run(func, (text,), {})

    return depth


def _tokens(func):
    found = string_constants(func)
    return [*found, *sub_tokens(found)]


def _frame_passes(func, check):
    found = build(_depth(func), _tokens(func), deadline=math.inf, max_evals=3000)
    return [frame for _, frame in found if check(frame)]


def test_the_frame_search_finds_the_unit_each_spelling_checks_first() -> None:
    def passes(func, bad):
        def check(frame):
            try:
                return func(frame.text()) is not None
            except ValueError as exc:
                return str(exc) not in bad

        return check

    assert _frame_passes(ranges_partition, passes(ranges_partition, {"unit"}))
    assert _frame_passes(ranges_prefix, passes(ranges_prefix, set()))
    assert _frame_passes(ranges_split, passes(ranges_split, {"key", "no value"}))


def test_frames_are_ranked_by_lines_covered_one_per_path() -> None:
    if not _fresh_process("test_frames_are_ranked_by_lines_covered_one_per_path"):
        return
    found = build(_depth(ranges_partition), _tokens(ranges_partition), deadline=math.inf, max_evals=3000)
    counts = [n for n, _ in found]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    paths = {lines_run(ranges_partition, (frame.text(),), {}) for _, frame in found}
    assert len(paths) == len(found)  # no two frames of one path


# --- type-length-value decoders: a tag byte, a length that must count the bytes that follow --------------------


def tlv_slice(data):
    tag, n = data[0], data[1]
    if n & 0x80:
        width = n & 0x7F
        n = int.from_bytes(data[2 : 2 + width], "big")
        body = data[2 + width :]
    else:
        body = data[2:]
    if len(body) < n:
        raise ValueError("short")
    if tag == 0x06:
        arcs = ()
        for octet in body[:n]:
            arcs = arcs + (octet,)  # noqa: RUF005 (the quadratic tuple copy is the point)
        return arcs
    return body[:n]


def tlv_stream(data):
    import io

    stream = io.BytesIO(data)
    tag = stream.read(1)
    first = stream.read(1)[0]
    length = first if first < 0x80 else int.from_bytes(stream.read(first & 0x7F), "big")
    body = stream.read(length)
    if len(body) != length:
        raise EOFError
    if tag == b"\x0c":
        return body.decode("utf-8")
    return body


def tlv_index(data):
    pos = 2
    size = data[1]
    if size > 127:
        pos, size = 2 + (size - 128), int.from_bytes(data[2 : 2 + (size - 128)], "big")
    if pos + size > len(data):
        raise IndexError("length past the end")
    values = []
    for i in range(pos, pos + size):
        values.append(data[i])
    return data[0], values


def test_a_ber_length_field_counts_the_bytes_after_it() -> None:
    assert length_field("ber", 5, "a", like="") == "\x05"
    assert length_field("ber", 300, "a", like=b"") == b"\x82\x01\x2c"
    assert length_field("dec", 12, "ab", like="") == "6"
    for size in (10, 200, 5000):
        data = Pattern("d", b"\x06", b"\x01", b"", count="ber").render(size)
        arcs = tlv_slice(data)
        assert len(data) <= size and arcs == (1,) * len(arcs) and len(data) - len(arcs) in (2, 3, 4)
        assert tlv_stream(Pattern("d", b"\x04", b"x", b"", count="ber").render(size)).startswith(b"xxx")
        tag, values = tlv_index(Pattern("d", b"\x02", b"\x07", b"", count="ber").render(size))
        assert tag == 2 and len(values) >= size - 4


def _bytes_target(func):
    def target(text):
        return func(text.encode("latin-1"))

    return target


def tlv_table(data):
    handlers = {0x02: _integer, 0x0A: _enumerated}
    handler = handlers.get(data[0])
    if handler is None:
        raise ValueError("unknown tag")
    return handler(data[2 : 2 + data[1]])


def _integer(body):
    return int.from_bytes(body, "big")


def _enumerated(body):
    return [b for b in body]


def test_the_frame_search_finds_the_tag_byte_each_decoder_checks() -> None:
    if not _fresh_process("test_the_frame_search_finds_the_tag_byte_each_decoder_checks"):
        return
    for func, tags in ((tlv_slice, "\x06"), (tlv_stream, "\x0c"), (tlv_table, "\x02\x0a")):
        target = _bytes_target(func)
        found = build(_depth(target), [], deadline=math.inf, max_evals=4000, first_bytes=True)
        firsts = {frame.text()[0] for _, frame in found}  # the tag byte, as the prefix or as the filler
        assert set(tags) <= firsts, func.__name__


def arcs_rescanning(text):
    """A tag, a length that must count the bytes after it, then arcs each checked against all before it:
    quadratic in Python lines, only for tag 6 and a length that covers the body."""
    data = text.encode("latin-1")
    tag, n = data[0], data[1]
    if n & 0x80:
        width = n & 0x7F
        n, body = int.from_bytes(data[2 : 2 + width], "big"), data[2 + width :]
    else:
        body = data[2:]
    if len(body) < n:
        raise ValueError("short")
    if tag != 0x06:
        return len(body)
    arcs = []
    for octet in body[:n]:
        for prev in arcs:
            if prev > octet:
                break
        arcs.append(octet)
    return len(arcs)


def test_pumping_finds_the_quadratic_behind_a_tag_and_a_length_field(tmp_path) -> None:
    session = session_for(arcs_rescanning, tmp_path, max_size=400, budget=3)
    session.evaluate(("ab",), {})
    PumpSearch(guided=False).run(session)
    best = session.corpus.best()
    assert best is not None and best.outcome == "ok"
    (text,) = best.args
    assert text[0] == "\x06" and arcs_rescanning(text) >= 300  # a length field that counts the whole body
    assert best.lines > 100 * len(text)


# --- bit-level decoders: the byte constants the code tests or masks by ----------------------------------------


def tag_shift(data):
    value = 0
    for b in data:
        value = value << 7 | (b & 0x7F)
        if not b & 0x80:
            break
    return value


def tag_long_form(data):
    if data[0] & 0x1F != 0x1F:
        return data[0]
    value, i = 0, 1
    while data[i] >= 128:
        value = (value * 128) + (data[i] - 128)
        i += 1
    return value


def varint_shift(data):
    result = shift = 0
    for byte in data:
        result |= (byte & 127) << shift
        shift += 7
        if byte < 0x80:
            return result
    raise EOFError


def test_byte_constants_are_the_small_integers_the_code_tests_bytes_with() -> None:
    assert {"\x80", "\x7f", "\xff"} <= set(byte_constants(tag_shift))
    assert {"\x1f", "\x80", "\x81"} <= set(byte_constants(tag_long_form))
    assert {"\x7f", "\x80", "\xff"} <= set(byte_constants(varint_shift))
    plain = types.ModuleType("perfkit_test_plain")
    exec("def split(s):\n    return s.split(' ', 1)[0].strip()\n", plain.__dict__)
    assert byte_constants(plain.split) == []  # indices and counts only: no byte letters
    # every bit set keeps each loop running to the end of its input (the quadratic big-integer work)
    for func in (tag_shift, tag_long_form):
        assert func(b"\xff" * 3 + b"\x01") > func(b"\xff" * 2 + b"\x01")


# --- constants of what a target names through a module or an object -------------------------------------------


def _module_with_decoder() -> types.ModuleType:
    module = types.ModuleType("perfkit_test_codec")
    source = """
class Decoder:
    @classmethod
    def __call__(cls, data):
        if data.startswith(b"MAGIC"):
            return data.split(b";")
        raise ValueError("no magic")

class Reader:
    @staticmethod
    def read(data):
        return data.partition(b"=")[2].rstrip(b"\\r\\n")

decode = Decoder()
"""
    exec(compile(source, "<perfkit_test_codec>", "exec"), module.__dict__)
    module.Decoder.__module__ = module.Reader.__module__ = module.__name__
    return module


CODEC = _module_with_decoder()


def through_instance(s):
    return CODEC.decode(s.encode("latin-1"))


def through_static(s):
    return CODEC.Reader.read(s.encode("latin-1"))


def test_string_constants_follow_a_module_attribute_and_an_object_of_a_class() -> None:
    assert {"MAGIC", ";"} <= set(string_constants(through_instance))  # decode = Decoder(): its __call__
    assert {"=", "\r\n"} <= set(string_constants(through_static))  # a static method of a class of the module


def test_sub_tokens_split_constants_at_their_punctuation() -> None:
    parts = sub_tokens(["multipart/form-data; boundary=b", "bytes"])
    assert {"boundary=", "b", "form-", "data;"} <= set(parts) and "bytes" not in parts


# --- the pattern search pumps inside the frame -----------------------------------------------------------------


def count_digits_rescanning(header):
    """Quadratic in Python lines behind a unit check: each digit rescans the run before it."""
    unit, _, spec = header.partition("=")
    if unit != "items":
        raise ValueError("unit")
    total = 0
    for i in range(len(spec)):
        j = 0
        while j < i and spec[j].isdigit():
            j += 1
        total += j
    return total


def test_pumping_finds_the_quadratic_behind_the_unit_check(tmp_path) -> None:
    session = session_for(count_digits_rescanning, tmp_path, max_size=96, budget=4)
    session.evaluate(("x",), {})
    PumpSearch(guided=False).run(session)
    best = session.corpus.best()
    assert best is not None and best.outcome == "ok"
    (header,) = best.args
    assert header.startswith("items=") and len(header) >= 80
    assert best.lines > 20 * len(header)  # quadratic: far more lines than characters
    assert any(note.startswith("pump: frames ") and "items" in note for note in session.notes)


def test_the_frame_worker_writes_the_frames_the_pattern_search_reads(tmp_path) -> None:
    """The campaign's frame worker searches beside the first phase; the pattern search reads its file."""
    import dataclasses

    from hypothesis import strategies as st
    from perfkit.fuzzers._pump import FRAMES_FILE, frames_entry, read_frames

    strategy = st.tuples(st.text(max_size=96)).map(lambda args: (args, {}))
    path = str(tmp_path / FRAMES_FILE)
    messages: list[dict] = []
    frames_entry((count_digits_rescanning, strategy, 96, path, 1.0, 0, 1.0), messages.append)
    assert messages == [{"kind": "done"}]
    session = session_for(count_digits_rescanning, tmp_path, max_size=96, budget=1)
    session.job = dataclasses.replace(session.job, regex_file=str(tmp_path / "regex.pkl"))
    found = read_frames(session, "header")
    assert found and any(frame.text().startswith("items=") for _, frame in found)
    assert read_frames(session, "other") is None  # frames of another parameter are not used


# --- the constants a parser compares its data with, through the methods it calls on self ------------------------


class TrailerReader:
    def __init__(self, data):
        self.data = data
        self.read()

    def read(self):
        if not self.data.rstrip().endswith(b"%%END"):
            raise ValueError("no end marker here")
        return self._trailer()

    def _trailer(self):
        line = self.data.rsplit(b"\n", 2)[-2]
        if line.startswith(b"offset"):
            return int(line[6:])
        for truncated in (b"%%EN", b"%%E"):
            if truncated in line:
                return -1
        raise ValueError("a trailer line was expected before the end marker")


def read_trailer(text):
    return TrailerReader(text.encode("latin-1"))


def method_of_keys(line):
    if line == "GET":
        return 1
    key, _, value = line.partition(":")
    return key in ("host", "accept") and value


def test_the_constants_compared_with_the_data_come_before_messages() -> None:
    found = string_constants(read_trailer)
    for token in ("%%END", "offset", "%%EN", "%%E", "\n"):  # self.read() and self._trailer() are followed
        assert token in found
        assert found.index(token) < found.index("no end marker here")
    found = string_constants(method_of_keys)
    assert set(found[:4]) == {"GET", ":", "host", "accept"}


def trailer_lines(text):
    lines = text.rstrip("\n").split("\n")
    if lines[-1] != "%%END":
        raise ValueError("no %%END line at the end")
    if not lines[-2].startswith("offset"):
        raise ValueError("no offset line before the end")
    return int(lines[-2][6:] or 0)


def trailer_find(text):
    end = text.rfind("TRAILER")
    if end < 0:
        raise KeyError("TRAILER missing")
    if "size=" not in text[end:]:
        raise KeyError("size= missing after the trailer")
    return text[end:]


class TrailerError(Exception):
    pass


def trailer_tokens(text):
    words = text.split()
    if not words or words[-1] != "EOF":
        raise TrailerError("expected EOF")
    if "xref" not in words:
        raise TrailerError("xref table expected before EOF")
    return words.index("xref")


def test_an_error_message_that_names_a_token_leads_the_frame_search_to_it() -> None:
    for func in (trailer_lines, trailer_find, trailer_tokens):
        found = build(_depth(func), _tokens(func), deadline=math.inf, max_evals=1000)

        def passes(frame, func=func):
            try:
                func(frame.text())
            except Exception:
                return False
            return True

        assert any(passes(frame) for _, frame in found), func.__name__
