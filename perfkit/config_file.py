"""Sections of ``[tool.perfkit]`` in the nearest pyproject.toml for the commands other than ``optimize``.

``[tool.perfkit]``'s own keys configure ``perfkit optimize`` (:mod:`perfkit.repo.config`); its sub-tables
``[tool.perfkit.fuzz]``, ``[tool.perfkit.measure]``, ``[tool.perfkit.profile]`` and ``[tool.perfkit.pytest]``
configure the other commands and the pytest plugin. Keys are the long option names without dashes
(``max-size`` or ``max_size``); flags given on the command line override them. An unknown key or a bad value
is an error that names the key and the file.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from perfkit.errors import PerfkitError

SECTIONS = ("fuzz", "measure", "profile", "pytest")  # sub-tables of [tool.perfkit]; other keys are optimize's


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml in ``start`` or a folder above it."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def read_section(name: str, pyproject: Path | None) -> dict[str, Any]:
    """``[tool.perfkit.<name>]`` of ``pyproject`` as a dict (empty when there is none)."""
    if pyproject is None:
        return {}
    try:
        data = tomllib.loads(pyproject.read_text())
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PerfkitError(f"{pyproject}: not valid TOML ({exc})") from None
    table = data.get("tool", {}).get("perfkit", {})
    section = table.get(name, {}) if isinstance(table, dict) else {}
    if not isinstance(section, dict):
        raise PerfkitError(f"{pyproject}: [tool.perfkit.{name}] must be a table")
    return {key.replace("_", "-"): value for key, value in section.items()}


def section_argv(name: str, parser: argparse.ArgumentParser, *, start: Path) -> list[str]:
    """``[tool.perfkit.<name>]`` as command-line options for ``parser`` (to go before the user's own, which then
    win), each value checked as the option checks it."""
    pyproject = find_pyproject(start)
    section = read_section(name, pyproject)
    options = {
        action.option_strings[-1][2:]: action
        for action in parser._actions  # argparse keeps no public list of its options
        if action.option_strings and action.option_strings[-1].startswith("--") and action.dest != "help"
    }
    argv: list[str] = []
    for key, value in section.items():
        action = options.get(key)
        where = f"{pyproject}: [tool.perfkit.{name}] {key}"
        if action is None:
            raise PerfkitError(f"{where}: unknown key; known keys: {', '.join(sorted(options))}")
        flag = action.option_strings[-1]
        if action.nargs == 0:  # a switch
            if not isinstance(value, bool):
                raise PerfkitError(f"{where}={value!r}: give true or false")
            argv += [flag] if value else []
            continue
        if isinstance(value, bool | dict | list):
            raise PerfkitError(f"{where}={value!r}: give a single value, as on the command line")
        text = str(value)
        try:
            checked = action.type(text) if callable(action.type) else text
        except (TypeError, ValueError, argparse.ArgumentTypeError) as exc:
            raise PerfkitError(f"{where}={value!r}: {exc}") from None
        if action.choices is not None and checked not in action.choices:
            raise PerfkitError(f"{where}={value!r}: choose one of {', '.join(map(str, action.choices))}")
        argv += [flag, text]
    return argv
