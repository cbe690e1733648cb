"""perfkit's exceptions: one base class, and one for user mistakes that names the argument and the fix."""

from __future__ import annotations


class PerfkitError(Exception):
    """Base class of every error perfkit raises on purpose.

    The CLI prints ``str(error)`` on one line and exits with :attr:`exit_code`.
    """

    exit_code: int = 2


class InvalidArgument(PerfkitError, TypeError):
    """A caller passed a value perfkit cannot use. The message names the argument, its value and the fix."""

    def __init__(self, name: str, value: object, fix: str) -> None:
        self.name = name
        self.value = value
        self.fix = fix
        super().__init__(f"{name}={value!r}: {fix}")


class TargetError(PerfkitError):
    """A target (``file.py:func`` or ``module:func``) could not be found or imported."""


class TargetRaised(PerfkitError):
    """The measured code raised an exception; the user's code failed, not perfkit."""

    exit_code = 1

    def __init__(self, description: str) -> None:
        self.description = description
        super().__init__(f"the target raised {description}")


class NativeUnavailable(PerfkitError):
    """The compiled core ``perfkit._native`` is missing: perfkit was not built properly."""
