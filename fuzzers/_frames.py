"""Frames: the prefix and suffix a parser needs before its slow work runs, built from the code's tokens.

A parser's quadratic loop runs only on input that passes its checks first: a range header needs ``bytes=``
before the ranges, a PDF needs ``startxref``, a number and ``%%EOF`` at its end, a BER value its tag byte and a
length that counts the bytes that follow. A pumped character alone never gets there. :func:`build` searches for
such a frame, ``prefix + [length field] + filler * m + suffix``, best first: each step adds one unit (a token of
the code, a word of it joined to its punctuation, a separator, a digit, a byte) to the end of the prefix or the
front of the suffix (the body's side), or changes the filler or the length field. It keeps the frames that run a
line of Python no frame ran before, or that raise from a place no frame raised from before (a new check passed:
coverage, as in AFL, not the number of lines run, which grows with any text a loop reads), and a few short frames
of each path (``=`` before the body or after it: where a unit stands matters for the next one). Frames are
expanded a few neighbours at a time, in rounds; those that raised from a new place get twice the share, then
breadth-first. Coverage is deterministic: the search is the same on a busy machine, only its reach depends on
the time it gets. The pattern search then pumps units inside the frames found, one per path, and scores them by
how their cost grows (:mod:`._pump`).
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from perfkit.fuzzers._patterns import COUNTS, length_field

SEPARATORS = ("\n", "\r\n", " ", "=", ":", ",", ";", "-", "/", "\t", "\r\n\r\n", "\n\n")
DIGITS = ("0", "1", "9")
FILLERS = (" ", "a", "1", "\x01", "\n", "\xff")
BODY = 24  # filler items in the body a frame is tried with
CHUNK = 24  # neighbours of one frame tried before the best frame is chosen again
MAX_UNITS = 160  # units a frame grows by
MAX_UNIT = 24  # characters of a unit at most
MAX_MARKS = 8  # punctuation tokens of the code joined to its words
KEPT = 12  # frames returned (one per path)
PROGRESS_S = 1.0  # how often ``build`` reports the frames so far
MIN_NAMED = 3  # characters of a token an error message names, at least (shorter ones match any message)
ALIKE = 4  # short frames kept per path (lines run and raise site): ``=`` before the body and ``=`` after it
MAX_FIX = 48  # characters of a prefix or suffix at most

# text -> (lines run, where it raised: (type, file, line, message), or None)
Depth = Callable[[str], tuple[frozenset[object], object]]


@dataclass(frozen=True, order=True)
class Frame:
    """``prefix + length field + filler * m + suffix`` (the length field counts what follows it; ``count``
    is one of :data:`~._patterns.COUNTS` or "")."""

    prefix: str = ""
    suffix: str = ""
    filler: str = " "
    count: str = ""

    def text(self, body: int = BODY) -> str:
        field = length_field(self.count, body * len(self.filler), self.filler, like="") if self.count else ""
        return self.prefix + field + self.filler * body + self.suffix


def units_of(tokens: Sequence[str], *, first_bytes: bool) -> list[str]:
    """What a frame grows by: the tokens (in the order given: the target's own code first), separators and digits,
    its words followed by its punctuation, and, for formats of bytes
    (``first_bytes``), every byte value: a tag or a magic number the code names by a table, not a literal."""
    words = list(dict.fromkeys(t for t in tokens if 0 < len(t) <= MAX_UNIT))[:MAX_UNITS]  # nearest code first
    # a word of the code followed by the code's own punctuation (``"items" + "="``: a key the parser compares
    # whole after splitting at the separator, so neither half alone gets further)
    marks = [*dict.fromkeys([*(t for t in words if len(t) <= 2 and not any(c.isalnum() for c in t)), "\n", " "])]
    marks = marks[:MAX_MARKS]
    joined = [w + m for w in words if w.isalnum() for m in marks][: MAX_UNITS * 2]
    out = list(dict.fromkeys([*SEPARATORS, *DIGITS, *words, *joined]))
    if first_bytes:
        out += [chr(i) for i in range(256) if chr(i) not in out]
    return out


def _site(raised: object) -> tuple[object, str]:
    """A raise site without its message (the path's identity) and the message."""
    if isinstance(raised, tuple) and len(raised) == 4:
        return raised[:3], str(raised[3])
    return raised, ""


def neighbours(frame: Frame, units: Sequence[str], rng: random.Random, *, changes: bool = True) -> list[Frame]:
    """Every frame one step from ``frame``, in the order to try them (the list is popped from its end): another
    filler or length field first, then each unit in the order of ``units`` (separators, then the code's tokens
    it compares its data with) added on the body's side of the prefix or of the suffix (a frame grows inwards:
    its outer ends were found first)."""
    pre, suf, fill, count = frame.prefix, frame.suffix, frame.filler, frame.count
    grown: list[Frame] = []
    for unit in units:
        if len(pre) + len(unit) <= MAX_FIX:
            grown.append(Frame(pre + unit, suf, fill, count))
        if len(suf) + len(unit) <= MAX_FIX:
            grown.append(Frame(pre, unit + suf, fill, count))
    other = [Frame(pre, suf, f, count) for f in FILLERS if f != fill] if changes else []
    other += [Frame(pre, suf, fill, c) for c in ("", *COUNTS) if c != count] if changes else []
    rng.shuffle(other)
    return [*other, *grown][::-1]


def build(
    depth: Depth,
    tokens: Sequence[str],
    *,
    deadline: float,
    first_bytes: bool = False,
    seed: int = 0,
    start: Sequence[Frame] = (),
    max_evals: int | None = None,
    progress: Callable[[list[tuple[int, Frame]]], None] | None = None,
) -> list[tuple[int, Frame]]:
    """One frame per path found (the shortest; a path is the lines run and the raise site), the paths that cover
    most first, with the number of lines each covers; searched until ``deadline`` (``time.monotonic()``) or
    ``max_evals`` calls of ``depth``, from ``start`` and the empty frame; ``progress`` is given the frames so
    far every PROGRESS_S seconds (a worker writes them for the pattern search, which reads them as they come).

    Frames are expanded CHUNK neighbours at a time, in rounds (every frame kept gets its first neighbours before
    any gets more); within a round, frames that raised from a new place (a check passed) go first, then those
    fewer steps from the start (breadth-first), then the shorter. A frame that raised from a new place tries the
    tokens its error message names first (``startxref not found``: ``startxref``)."""
    rng = random.Random(seed)
    units = units_of(tokens, first_bytes=False)
    bytes_ = [chr(i) for i in range(256)] if first_bytes else []
    tried: set[Frame] = set()
    covered: set[object] = set()
    sites: set[object] = set()
    paths: dict[int, tuple[int, Frame]] = {}  # path -> (lines covered, shortest frame)
    heap: list[tuple[float, int, int, int, int, Frame]] = []  # (round, not a new site, steps, length, order, frame)
    alike: dict[int, int] = {}
    order = 0

    def push(frame: Frame, key: tuple[float, int, int, int]) -> None:
        nonlocal order
        order += 1
        heapq.heappush(heap, (*key, order, frame))

    def offer(frame: Frame, steps: int) -> None:
        text = frame.text()
        lines, raised = depth(text)
        tried.add(frame)
        site, message = _site(raised)
        new_site = site is not None and site not in sites
        novel = bool(lines - covered) or new_site
        covered.update(lines)
        if site is not None:
            sites.add(site)
        if new_site and message:  # the tokens its error message names: what the check that failed wanted
            named[frame] = [u for u in units if len(u) >= MIN_NAMED and u in message and u not in text]
        path = hash((lines, site))
        if path not in paths or len(text) < len(paths[path][1].text()):
            paths[path] = (len(lines), frame)
        alike[path] = alike.get(path, 0) + 1  # a few frames of one path: where a unit stands can matter later
        if novel or (alike[path] <= ALIKE and len(text) <= len(Frame().text()) + MAX_UNIT):
            push(frame, (0, 0 if new_site else 1, steps, len(text)))

    pending: dict[Frame, list[Frame]] = {}
    named: dict[Frame, list[str]] = {}
    for frame in [*start, Frame()]:
        if frame not in tried and time.monotonic() < deadline:
            offer(frame, 0)

    def ranked() -> list[tuple[int, Frame]]:
        return sorted(paths.values(), key=lambda lf: (-lf[0], len(lf[1].text())))[:KEPT]

    reported = time.monotonic()
    while heap and time.monotonic() < deadline and (max_evals is None or len(tried) < max_evals):
        if progress is not None and time.monotonic() - reported >= PROGRESS_S:
            reported = time.monotonic()
            progress(ranked())
        rounds, old, steps, length, _, frame = heapq.heappop(heap)
        if frame not in pending:  # a binary format's first bytes: every value, after the short units
            more = [Frame(frame.prefix + b, frame.suffix, frame.filler, frame.count) for b in bytes_]
            near = neighbours(frame, units, rng)
            hinted = neighbours(frame, named.get(frame, []), rng, changes=False)  # tried first (popped from the end)
            pending[frame] = [*(more if len(frame.prefix) <= 1 else []), *near, *hinted]
        todo = pending[frame]
        for _ in range(CHUNK):
            if not todo or time.monotonic() >= deadline or (max_evals is not None and len(tried) >= max_evals):
                break
            nxt = todo.pop()
            if nxt not in tried:
                offer(nxt, steps + 1)
        if todo:  # a frame that passed a new check gets twice the share of the others
            push(frame, (rounds + (0.5 if old == 0 else 1), old, steps, length))
    return ranked()
