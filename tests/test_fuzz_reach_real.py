"""The regex walk on code shaped like real libraries (issue 15): imports inside function bodies, a module's
function that is a bound method of a module-level context object, Cython-compiled functions read from the ``.py``
shipped beside them, and the guards around the regex (its own module's first; ``"j" in s`` as a member the
attack must hold). Every fixture is unannotated and written to a temporary package."""

from __future__ import annotations

import importlib
import re
import sys
import textwrap
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from perfkit.fuzzers._regex_find import reach
from perfkit.fuzzers._regex_seeds import regex_attacks, validate

WORDS = r"^(\w+\s?)+$"
ALTS = r"^(a|aa)+$"
DIGITS = r"^(\d+)*x$"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def packages(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    before = set(sys.modules)
    try:
        yield tmp_path
    finally:
        sys.path.remove(str(tmp_path))
        for name in set(sys.modules) - before:
            del sys.modules[name]


def patterns(func: object) -> set[str]:
    return {r.pattern for r in reach(func).regexes}  # type: ignore[arg-type]


def test_imports_inside_function_bodies_are_followed(packages: Path) -> None:
    """Three spellings of a lazy import; the rules module is not imported by the package (the walk imports it
    as the function would, since its package is loaded)."""
    _write(
        packages,
        {
            "lazyp/__init__.py": "from .api import parse, parse_dotted, parse_from\n",
            "lazyp/api.py": """
                def parse(text):
                    from . import rules as r
                    return r.Parser().run(text)

                def parse_dotted(text):
                    import lazyp.rules
                    return lazyp.rules.Parser().run(text)

                def parse_from(text):
                    from lazyp.rules import check
                    return check(text)
                """,
            "lazyp/rules.py": f"""
                import re
                WORD = re.compile({WORDS!r})

                class Parser:
                    def run(self, text):
                        return self.inner(text)

                    def inner(self, text):
                        return WORD.match(text)

                def check(text):
                    return re.search({ALTS!r}, text)
                """,
        },
    )
    api = importlib.import_module("lazyp")
    assert "lazyp.rules" not in sys.modules
    assert WORDS in patterns(api.parse)
    assert WORDS in patterns(api.parse_dotted)
    assert ALTS in patterns(api.parse_from)


def test_a_package_never_imported_is_not_imported_by_the_walk(packages: Path) -> None:
    _write(
        packages,
        {
            "lonely.py": "def f(text):\n    import notyetpkg.sub\n    return notyetpkg.sub.g(text)\n",
            "notyetpkg/__init__.py": "",
            "notyetpkg/sub.py": f"import re\ndef g(text):\n    return re.match({DIGITS!r}, text)\n",
        },
    )
    lonely = importlib.import_module("lonely")
    assert DIGITS not in patterns(lonely.f) and "notyetpkg" not in sys.modules


def test_module_function_bound_to_a_context_object(packages: Path) -> None:
    """``mod.convert = _ctx.convert`` (mpmath's spelling): the method and its class's other methods are walked,
    called as ``mod.convert``, imported by name, or read off the context object."""
    _write(
        packages,
        {
            "ctxmod.py": f"""
                import re

                class Context:
                    NUMBER = re.compile({DIGITS!r})

                    def convert(self, s):
                        return self._fallback(s)

                    def _fallback(self, s):
                        return self.NUMBER.match(s)

                ctx = Context()
                convert = ctx.convert
                """,
            "ctxuse.py": """
                import ctxmod
                from ctxmod import convert

                def by_module(s):
                    return ctxmod.convert(s)

                def by_name(s):
                    return convert(s)

                def by_object(s):
                    return ctxmod.ctx.convert(s)
                """,
        },
    )
    use = importlib.import_module("ctxuse")
    for func in (use.by_module, use.by_name, use.by_object):
        assert DIGITS in patterns(func), func.__name__


def test_cython_functions_are_read_from_the_source_beside_them(packages: Path) -> None:
    """A Cython-compiled module ships ``mod.py`` beside ``mod.cpython-*.so``; its functions are of type
    ``cython_function_or_method`` (stood in for here: Cython is not a dependency), also as classmethods."""
    _write(
        packages,
        {
            "cymod.py": f"""
                import re
                pretty = re.compile({WORDS!r})

                def validate(value):
                    return pretty.fullmatch(value)

                class Field:
                    @classmethod
                    def check(cls, value):
                        return validate(value)
                """,
        },
    )
    module = types.ModuleType("cymod")
    module.__file__ = str(packages / "cymod.cpython-311-x86_64-linux-gnu.so")
    cyfunction = type("cython_function_or_method", (), {"__call__": lambda self, *a: None})

    def compiled(qualname: str) -> object:
        func = cyfunction()
        func.__module__, func.__qualname__ = "cymod", qualname  # type: ignore[attr-defined]
        return func

    field_class = type("Field", (), {"check": classmethod(compiled("Field.check"))})  # type: ignore[arg-type]
    field_class.__module__ = "cymod"
    module.Field, module.validate = field_class, compiled("validate")  # type: ignore[attr-defined]
    module.pretty = re.compile(WORDS)  # type: ignore[attr-defined]  # what the extension's module holds
    sys.modules["cymod"] = module
    namespace = {"cymod": module}
    exec("def target(s):\n    return cymod.Field.check(s)\n", namespace)
    found = {r.pattern: r.search for r in reach(namespace["target"]).regexes}
    assert found.get(WORDS) is False  # reached through the classmethod, the module function, and fullmatch


def test_guards_of_the_regex_s_own_module_come_first_and_members_are_held(packages: Path) -> None:
    """Many guards elsewhere (a dispatcher's file suffixes) must not push out the ones of the parser holding the
    regex; a ``"j" in s`` test makes ``j`` a member that the validated attack string contains."""
    _write(
        packages,
        {
            "guardpkg/__init__.py": "",
            "guardpkg/front.py": """
                from guardpkg import parser

                def parse(text, kind=None):
                    suffixes = [".txt", ".yml", ".ini", ".cfg", ".toml", ".lock", ".json", ".xml", ".md", ".rst"]
                    if kind in suffixes or kind == "Pipfile" or kind == "setup":
                        return None
                    return parser.lines(text)
                """,
            "guardpkg/parser.py": f"""
                import re
                NUMBER = re.compile({DIGITS!r})

                def lines(text):
                    for line in text.splitlines():
                        if line.startswith("--number") and "j" in line:
                            return value(line)
                    return None

                def value(line):
                    return NUMBER.match(line.partition(" ")[2])
                """,
        },
    )
    front = importlib.import_module("guardpkg.front")
    (attack, *_) = [a for a in regex_attacks(front.parse, max_len=60, check=False) if a.pattern == DIGITS]
    assert attack.contexts[0].startswith("--number")
    assert attack.members[:1] == ("j",)

    def cost(text: str) -> float:  # a deterministic model of the program: guards, then 2**pumps
        if not text.startswith("--number ") or "j" not in text:
            return 1e-6
        return 1e-6 * 2.0 ** min(sum(c.isdigit() for c in text), 40)

    kept = validate([attack], cost, max_len=60, budget=10.0)
    assert kept and kept[0][0].startswith("--number ") and "j" in kept[0][0] and kept[0][1] > 1.0


def test_tables_of_rule_objects_holding_patterns(packages: Path) -> None:
    """A parser list of rule objects, each compiling its pattern in ``__init__`` (ua-parser's spelling), a dict of
    them, and a tuple of objects holding the pattern one object down; the rule class's ``search`` call is seen."""
    _write(
        packages,
        {
            "rulesmod.py": f"""
                import re

                class Rule:
                    def __init__(self, pattern):
                        self.pattern = pattern
                        self.rx = re.compile(pattern)

                    def parse(self, s):
                        return self.rx.search(s)

                class Holder:
                    def __init__(self, pattern):
                        self.inner = Rule(pattern)

                    def parse(self, s):
                        return self.inner.parse(s)

                LIST = [Rule("x+y"), Rule({WORDS!r})]
                TABLE = {{"a": Rule("z"), "b": Rule({ALTS!r})}}
                NESTED = (Holder("q"), Holder({DIGITS!r}))

                def by_list(s):
                    return [r.parse(s) for r in LIST]

                def by_table(s):
                    return [r.parse(s) for r in TABLE.values()]

                def by_nested(s):
                    for holder in NESTED:
                        holder.parse(s)
                """,
        },
    )
    mod = importlib.import_module("rulesmod")
    for func, pattern in ((mod.by_list, WORDS), (mod.by_table, ALTS), (mod.by_nested, DIGITS)):
        found = {r.pattern: r.search for r in reach(func).regexes}
        assert found.get(pattern) is True, func.__name__
