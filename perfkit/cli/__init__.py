"""The ``perfkit`` command: builds the parser from one module per command and dispatches. No logic lives here.

Each module in ``COMMANDS`` defines ``register(subparsers)``, which adds its sub-command(s) and sets
``handler=`` (a function ``(argparse.Namespace) -> int``) as the parser default. Modules keep heavy imports inside
their handlers, so ``perfkit --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from perfkit import __version__
from perfkit.cli._common import err
from perfkit.errors import PerfkitError
from perfkit.interrupts import interrupts_kept

COMMANDS = [
    "perfkit.cli.measure",  # measure, counters, compare
    "perfkit.cli.dashboard",  # dashboard
    "perfkit.cli.optimize",  # optimize
    "perfkit.cli.profile",  # profile
    "perfkit.cli.fuzz",  # fuzz
    "perfkit.cli.eff",  # eff (ENAMEL's eff@k and pass@k)
    "perfkit.cli.history",  # history (change points, noise between sessions, pytest-benchmark import)
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="perfkit",
        description="Find out why Python code is slow, prove it with slow inputs, make it faster.",
    )
    parser.add_argument("--version", action="version", version=f"perfkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, command = argv[:cut], argv[cut + 1 :]
    parser = build_parser()
    try:
        argv = _with_config(parser, argv)
    except PerfkitError as exc:
        err(f"perfkit: error: {exc}")
        return exc.exit_code
    options = parser.parse_args(argv)
    options.command_argv = command
    if options.command is None:
        parser.print_help()
        return 2
    if command and not getattr(options, "takes_command", False):
        parser.error(f"'perfkit {options.command}' takes no command after '--'")
    try:
        with interrupts_kept():  # SIGTERM cleans up as Ctrl-C does; neither is lost in a finaliser
            return int(options.handler(options))
    except PerfkitError as exc:
        if options.debug:
            raise
        err(f"perfkit: error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        err("perfkit: interrupted")
        return 130


def _with_config(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """``argv`` with the options of ``[tool.perfkit.<command>]`` put right after the command's name, so that
    the user's own flags, which come later, override them."""
    from perfkit.config_file import SECTIONS, section_argv

    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    at = next((i for i, token in enumerate(argv) if not token.startswith("-")), None)
    if at is None or argv[at] not in SECTIONS or argv[at] not in commands:
        return argv
    extra = section_argv(argv[at], commands[argv[at]], start=Path.cwd())
    return [*argv[: at + 1], *extra, *argv[at + 1 :]]
