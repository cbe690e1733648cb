"""pylint 2.6.2: classify a name by visibility (special, private, protected, public) as pyreverse does for every
attribute and method of the code it diagrams."""

from pylint.pyreverse.utils import get_visibility


def target(s: str) -> str:
    return get_visibility(s)
