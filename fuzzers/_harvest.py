"""Valid inputs harvested from the target's own packages, for a search whose inputs the target mostly rejects.

A code formatter or a parser raises on nearly every input a search draws (a syntax error), so the regexes it runs
on the parsed parts (a docstring's lines, a header's text) are never reached and the trace (:mod:`._regex_trace`)
never sees where their subject sits. The files the target's packages ship are often inputs it accepts: a
formatter's own ``.py`` files, a markup library's ``.md``/``.rst`` documents. :func:`harvest` reads the text files
under the folders of the target's module and of the packages its code names, cuts each to a size bound at a
top-level line (a line that starts without indentation), and keeps the cuts the target accepts (``accepts``, the
caller's check that runs the target), smallest files first. An extension whose first files are all rejected is
given up (the target does not read that language). Files are cut to whole top-level prefixes and to blocks (a
function or a list item with its body, dedented).

The trace finds where a regex's subject sits inside an accepted input only when Python code calls the regex; for
a compiled target (mypyc) :func:`placed` finds it through the target: it puts the attack string at each line of
the harvested inputs (:func:`line_splices`: the line's text, or inside its quotes or brackets), with each of the
attack's failing suffixes, and keeps the places where the cost grows faster than the string.
"""

from __future__ import annotations

import itertools
import os
import re
import sys
import time
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from perfkit.errors import InvalidArgument

__all__ = ["candidates", "harvest", "package_roots"]

_BINARY = frozenset({".so", ".pyd", ".pyc", ".pyo", ".dll", ".dylib", ".a", ".o", ".zip", ".gz", ".whl", ".png"})
_MAX_FILES = 600  # files looked at per folder walk
_MAX_BYTES = 256_000  # larger files are skipped
_TRIES_PER_FILE = 6  # cuts of one file offered to the target
_PER_FILE = 2  # cuts of one file kept
_GIVE_UP = 4  # files of one extension all rejected: the extension is skipped


def _code_names(code: types.CodeType) -> Iterator[str]:
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _code_names(const)


def _root_of(module_name: str | None) -> tuple[Path, bool] | None:
    """The folder of a module's file, walked below when it is a package's folder; None for the standard library,
    perfkit itself and modules without a file."""
    if not module_name or module_name.partition(".")[0] in (*sys.stdlib_module_names, "perfkit", "builtins"):
        return None
    path = getattr(sys.modules.get(module_name), "__file__", None)
    if not isinstance(path, str):
        return None
    folder = Path(path).resolve().parent
    return folder, (folder / "__init__.py").exists()


def package_roots(func: Callable[..., Any]) -> list[tuple[Path, bool]]:
    """The folders to harvest for ``func``: those of the packages of the modules, functions and classes its code
    names (the library a wrapper calls), or, when it names none, its own module's (top-level package) folder."""
    target = getattr(func, "__wrapped__", func)
    target = getattr(target, "__func__", target)
    roots: list[tuple[Path, bool]] = []
    code = getattr(target, "__code__", None)
    names = getattr(target, "__globals__", {})
    if isinstance(code, types.CodeType):
        for name in dict.fromkeys(_code_names(code)):
            value = names.get(name)
            module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", None)
            root = _root_of(module) if isinstance(module, str) else None
            if root is not None:
                roots.append(root)
    own = _root_of(getattr(target, "__module__", None))
    if own is not None and not roots:  # a wrapper's own package is not the language of its library's input
        roots.append(own)
    return list(dict.fromkeys(roots))


def _files(root: Path, *, recursive: bool) -> Iterator[Path]:
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__pycache__"))) if recursive else []
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith(".") or path.suffix.lower() in _BINARY:
                continue
            seen += 1
            if seen > _MAX_FILES:
                return
            yield path


def _read(path: Path) -> str | None:
    try:
        if path.stat().st_size > _MAX_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def blocks(text: str, *, max_len: int) -> list[str]:
    """The blocks of ``text`` that fit ``max_len``, longest first, dedented: a header line (one followed by a more
    indented line: a function, a class, a list item) with the lines below it, cut right before a line indented no
    deeper than the block's first body line (the end of the block, or of one of its statements)."""
    lines = text.splitlines(keepends=True)
    depth = [_indent(line) if line.strip() else -1 for line in lines]
    out: list[str] = []
    for i, line in enumerate(lines):
        if depth[i] < 0:
            continue
        body = next((j for j in range(i + 1, len(lines)) if depth[j] >= 0), None)
        if body is None or depth[body] <= depth[i]:
            continue
        size, best = len(line) - depth[i], None  # the size once dedented
        for j in range(i + 1, len(lines)):
            if j > body and 0 <= depth[j] <= depth[body]:
                best = j  # the chunk lines[i:j] is whole statements
                if depth[j] <= depth[i]:
                    break
            size += len(lines[j]) - min(depth[i], max(0, depth[j]))
            if size > max_len:
                break
        else:
            best = len(lines)
        if best is not None:
            cut = depth[i]
            out.append("".join(x[cut:] if len(x) - len(x.lstrip(" \t")) >= cut else x for x in lines[i:best]))
    return sorted(dict.fromkeys(b for b in out if len(b) <= max_len), key=lambda b: -len(b))


def cuts(text: str, *, max_len: int) -> list[str]:
    """``text`` if it fits ``max_len``; else its longest prefix that ends right before a top-level line (one that
    starts with neither a space nor a tab) and fits, then its blocks (:func:`blocks`)."""
    if len(text) <= max_len:
        return [text] if text.strip() else []
    out: list[str] = []
    at = text.find("\n")
    while 0 <= at < max_len:
        nxt = at + 1
        if nxt < len(text) and text[nxt] not in " \t\n" and text[:nxt].strip():
            out.append(text[:nxt])
        at = text.find("\n", nxt)
    return [*out[-1:], *blocks(text, max_len=max_len)]


def candidates(roots: list[tuple[Path, bool]], *, max_len: int) -> dict[str, list[list[str]]]:
    """Per file extension, the cuts of each text file under ``roots`` (smallest files first)."""
    by_ext: dict[str, list[tuple[int, str, list[str]]]] = {}
    for root, recursive in roots:
        for path in _files(root, recursive=recursive):
            text = _read(path)
            if text is None:
                continue
            found = cuts(text, max_len=max_len)
            if found:
                by_ext.setdefault(path.suffix.lower(), []).append((len(text), str(path), found))
    return {ext: [c for _, _, c in sorted(files)] for ext, files in by_ext.items()}


def harvest(
    func: Callable[..., Any],
    accepts: Callable[[str], bool],
    *,
    max_len: int,
    budget: float = 2.0,
    limit: int = 16,
    roots: list[tuple[Path, bool]] | None = None,
) -> list[str]:
    """Up to ``limit`` texts of at most ``max_len`` characters from the files of ``func``'s packages that
    ``accepts`` (the target ran on it without raising), smallest files first, the extensions taken in turn; no file
    is offered after ``budget`` seconds. ``roots``: (folder, walked below) pairs, default :func:`package_roots`."""
    if not isinstance(max_len, int) or isinstance(max_len, bool) or max_len < 1:
        raise InvalidArgument("max_len", max_len, "pass the seed size bound as a positive int (characters)")
    if not isinstance(budget, int | float) or budget <= 0:
        raise InvalidArgument("budget", budget, "pass a positive number of seconds")
    end = time.monotonic() + budget
    kept: list[str] = []
    for root in roots if roots is not None else package_roots(func):  # a folder is read only when needed
        if len(kept) >= limit or time.monotonic() >= end:
            break
        _offer(candidates([root], max_len=max_len), accepts, kept, limit=limit, end=end)
    return kept


def _offer(
    pools: dict[str, list[list[str]]], accepts: Callable[[str], bool], kept: list[str], *, limit: int, end: float
) -> None:
    """Offer the files' cuts to ``accepts``, the extensions in turn, smallest files first (a file's longest
    accepted cut is kept), until ``kept`` holds ``limit`` texts or the time is up."""
    rejected = dict.fromkeys(pools, 0)
    reads: set[str] = set()  # extensions the target accepted a file of
    index = 0
    while len(kept) < limit and time.monotonic() < end:
        live = [e for e, files in pools.items() if index < len(files) and (e in reads or rejected[e] < _GIVE_UP)]
        if not live:
            break
        for ext in live:
            if len(kept) >= limit or time.monotonic() >= end:
                break
            taken = 0
            for text in pools[ext][index][:_TRIES_PER_FILE]:
                if text not in kept and len(kept) < limit and accepts(text):
                    kept.append(text)
                    reads.add(ext)
                    taken += 1
                    if taken >= _PER_FILE:
                        break
            if not taken:
                rejected[ext] += 1
        index += 1


def _triples(measure: Callable[[str], float], small: str, large: str) -> bool:
    """Whether the cost of ``large`` (twice the pumps) is at least three times that of ``small``, twice over (the
    second timings confirm the first: one timing can be a spike)."""
    low, high = measure(small), measure(large)
    if not low > 0 or high < 3 * low:
        return False
    return min(high, measure(large)) >= 3 * max(low, measure(small))


def line_splices(seed: str) -> list[tuple[str, str]]:
    """Where an attack string can go in ``seed``: ``(lead, trail)`` around what lies between the punctuation that
    opens and closes a non-blank line's text (inside a quoted string, a comment, brackets), and around the whole
    text (its indentation kept); the longest lines first."""
    from perfkit.fuzzers._regex_trace import _delimiters

    out: list[tuple[int, str, str]] = []
    start = 0
    for line in seed.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        text = body.lstrip(" \t")
        if text.strip():
            at, end = start + len(body) - len(text), start + len(body)
            opens, closes = _delimiters(text)
            if opens or closes:
                out.append((len(text), seed[: at + len(opens)], seed[end - len(closes) :]))
            out.append((len(text), seed[:at], seed[end:]))
        start += len(line)
    return [(lead, trail) for _, lead, trail in sorted(out, key=lambda o: -o[0])]


def placed(
    attacks: list[Any],
    seeds: list[str],
    measure: Callable[[str], float],
    *,
    max_len: int,
    deadline: float,
    skip: frozenset[tuple[str, int]] = frozenset(),
    keep: int = 3,
) -> list[Any]:
    """``attacks`` behind the attacks placed in ``seeds``: their prefix and suffix around the places of
    :func:`line_splices` where their string makes the target's cost grow (at most ``keep`` per attack), for a
    target the trace cannot see into (compiled code calls the regex). Each place is tried with the attack's
    failing suffixes (a line break makes a one-line string several lines); a form that costs four times its seed
    at half the room left is measured at a quarter and at half, twice, and kept when the cost at least triples
    (a linear cost doubles). The seeds are taken in turn; the attacks share the time until ``deadline`` equally;
    those whose ``(pattern, flags)`` is in ``skip`` are not placed."""
    import dataclasses

    base = {seed: measure(seed) for seed in seeds if time.monotonic() < deadline}
    todo = [a for a in attacks if (a.pattern, a.flags & ~re.UNICODE) not in skip]
    first: list[Any] = []
    out: list[Any] = []
    for attack in attacks:
        found: list[tuple[str, str]] = []
        if attack in todo:
            end = time.monotonic() + max(0.0, deadline - time.monotonic()) / max(1, len(todo))
            todo.remove(attack)
            ends = list(dict.fromkeys([attack.suffix, *attack.suffixes[:2]]))
            by_seed = [[(seed, *place) for place in line_splices(seed)] for seed in base]
            places = [p for row in itertools.zip_longest(*by_seed) for p in row if p is not None]  # seeds in turn
            for seed, lead, trail in places:
                if len(found) >= keep or time.monotonic() >= end:
                    break
                for tail in ends:
                    form = dataclasses.replace(attack, prefix=lead + attack.prefix, suffix=tail + trail)
                    room = (max_len - len(form.prefix) - len(form.suffix)) // len(form.pump)
                    if room < 8 or measure(form.string(room // 2)) < 4 * base[seed]:
                        continue
                    if _triples(measure, form.string(room // 4), form.string(room // 2)):
                        found.append((lead, tail + trail))
                        break
        first.extend(dataclasses.replace(attack, prefix=lead + attack.prefix, suffix=trail) for lead, trail in found)
        out.append(attack)
    return [*first, *out]
