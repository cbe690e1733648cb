"""dparse 0.5.1: parse a requirements.txt file (an ``--index-url`` line names a private index server)."""

import dparse


def target(s: str) -> object:
    return dparse.parse(s, file_type=dparse.filetypes.requirements_txt).serialize()
