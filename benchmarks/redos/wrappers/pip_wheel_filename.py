"""pip 22.2.2: parse a wheel's file name as pip does for every link an index page lists (``Wheel`` raises
``InvalidWheelFilename`` on a name that is not a wheel's)."""

from pip._internal.models.wheel import Wheel


def target(s: str) -> object:
    return Wheel(s)
