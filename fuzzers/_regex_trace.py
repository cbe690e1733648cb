"""The regexes a target really runs, seen while it runs on real inputs, and where their subject sits in the input.

The static walk (:mod:`._regex_find`) misses patterns built at run time (``fmt % {...: self.prop}`` compiled on
first use, patterns from configuration). :func:`trace` runs the target on a few inputs under ``sys.setprofile``
and records every call of a compiled pattern's method (``re``'s or the ``regex`` package's ``match``, ``search``,
``finditer``, ``sub``, ... as the C call it is; ``re.search(rx, s)`` ends in one too): the pattern, whether it is
only matched at a position, and the subjects it was given. A subject is read off the calling frame's string
locals that occur in the input (``the_rest`` of a ``split``, a token of a lexer, a line): the input around it,
``(lead, trail)``, is where an attack string must go so that the program hands it to that regex; for a subject
that opens and closes with punctuation (a comment, a quoted string), also the input around what lies between
(``Traced.splices``). Patterns and subjects of bytes (a protocol parser's header lines) are read as Latin-1.
:func:`prober` traces one call at a time: whether a proposed input reaches a regex.
"""

from __future__ import annotations

import re
import signal
import sys
import time
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from perfkit.fuzzers._regex_find import _RE_FLAGS, compiled

_METHODS = frozenset({"match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split"})
_MATCH_ONLY = frozenset({"match", "fullmatch"})
_PER_PATTERN = 24  # calls of one pattern whose subjects are read (a lexer calls its rules at every position)
_MAX_PATTERNS = 64
_SPLICES = 4  # (lead, trail) pairs kept per pattern
_QUIET = 2  # inputs after which a target that ran no regex is not traced further


@dataclass
class Traced:
    """One pattern the target ran: ``search`` unless every call was ``match``/``fullmatch``; ``splices`` the
    ``(lead, trail)`` around each subject found inside an input (longest subjects first)."""

    pattern: str
    flags: int
    search: bool = False
    calls: int = 0
    splices: list[tuple[str, str]] = field(default_factory=list)
    subjects: list[tuple[int, str, str]] = field(default_factory=list)  # (length, lead, trail), internal


class _Recorder:
    def __init__(self) -> None:
        self.found: dict[tuple[str, int], Traced] = {}
        self.text = ""

    def __call__(self, frame: types.FrameType, event: str, arg: Any) -> None:
        if event != "c_call" or getattr(arg, "__name__", None) not in _METHODS:
            return
        owner: Any = getattr(arg, "__self__", None)
        if not compiled(owner) or not isinstance(owner.pattern, str | bytes):
            return
        key = _key(owner)
        got = self.found.get(key)
        if got is None:
            if len(self.found) >= _MAX_PATTERNS:
                return
            got = self.found[key] = Traced(*key)
        got.calls += 1
        got.search = got.search or arg.__name__ not in _MATCH_ONLY
        if got.calls <= _PER_PATTERN and self.text:
            self.subjects(got, frame)

    def subjects(self, got: Traced, frame: types.FrameType) -> None:
        text = self.text
        for value in list(frame.f_locals.values()):
            value = _as_text(value)
            if value is not None and 1 < len(value) < len(text) and value != got.pattern:
                at = text.find(value)
                if at >= 0:
                    lead, trail = text[:at], text[at + len(value) :]
                    got.subjects.append((len(value), lead, trail))
                    opens, closes = _delimiters(value)
                    if opens or closes:  # a token with delimiters (a comment, a quoted string): go inside them
                        got.subjects.append((len(value), lead + opens, closes + trail))


def _key(owner: Any) -> tuple[str, int]:
    """(pattern, flags) as the static walk keys them: a bytes pattern read as Latin-1 with ``re.ASCII`` (what
    bytes patterns mean by ``\\w``, ``\\d``, ``\\s``)."""
    flags = owner.flags & _RE_FLAGS & ~re.UNICODE
    if isinstance(owner.pattern, bytes):
        return owner.pattern.decode("latin-1"), flags | re.ASCII
    return owner.pattern, flags


def _as_text(value: Any) -> str | None:
    """A string local as text: bytes (the input encoded, a protocol parser's line) read as Latin-1."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return bytes(value).decode("latin-1")
    return None


def _delimiters(subject: str) -> tuple[str, str]:
    """The runs of punctuation that open and close ``subject`` (``/*`` and ``*/``, quotes, brackets), when the
    subject has something else between them."""
    i = 0
    while i < len(subject) and not subject[i].isalnum() and not subject[i].isspace():
        i += 1
    j = len(subject)
    while j > i and not subject[j - 1].isalnum() and not subject[j - 1].isspace():
        j -= 1
    return (subject[:i], subject[j:]) if 0 < i < j else ("", "")


def trace(
    func: Callable[..., Any],
    calls: Iterable[tuple[tuple[Any, ...], dict[str, Any]]],
    *,
    text_of: Callable[[tuple[Any, ...], dict[str, Any]], str | None] = lambda a, k: None,
    timeout: float = 1.0,
    budget: float = 2.0,
) -> list[Traced]:
    """The patterns ``func`` runs on ``calls`` (each cut off after ``timeout`` seconds; what it raises is
    ignored; no call starts after ``budget`` seconds, nor after two calls that ran no regex), most called first.
    ``text_of`` gives the input string of a call, to place the subjects in it."""
    recorder = _Recorder()
    end = time.monotonic() + budget

    def stop(signum: int, frame: Any) -> None:
        raise _Stop

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        for index, (args, kwargs) in enumerate(calls):
            if time.monotonic() >= end or (index >= _QUIET and not recorder.found):
                break  # out of time, or the first inputs ran no regex at all
            recorder.text = text_of(args, kwargs) or ""
            signal.setitimer(signal.ITIMER_REAL, timeout)
            sys.setprofile(recorder)
            try:
                func(*args, **kwargs)
            except KeyboardInterrupt:
                raise
            except BaseException:  # the target's own errors and the time limit end the call
                pass
            finally:
                sys.setprofile(None)
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    out = sorted(recorder.found.values(), key=lambda t: -t.calls)
    for got in out:
        ranked = sorted(set(got.subjects), key=lambda s: (-s[0], len(s[1]) + len(s[2])))
        got.splices = list(dict.fromkeys((lead, trail) for _, lead, trail in ranked))[:_SPLICES]
        got.subjects = []
    return out


class _Stop(BaseException):
    """The trace's own time limit."""


def prober(
    func: Callable[..., Any],
    call_of: Callable[[str], tuple[tuple[Any, ...], dict[str, Any]] | None],
    *,
    timeout: float = 0.5,
) -> Callable[[str], list[Traced]]:
    """A probe: ``probe(text)`` traces one call of ``func`` on the input ``call_of(text)`` builds (nothing when it
    builds none) and returns the patterns it ran, their subjects placed in ``text``."""

    def probe(text: str) -> list[Traced]:
        call = call_of(text)
        if call is None:
            return []
        return trace(func, [call], text_of=lambda a, k: text, timeout=timeout, budget=timeout)

    return probe
