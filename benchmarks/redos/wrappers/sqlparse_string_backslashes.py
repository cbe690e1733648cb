"""sqlparse 0.4.3: parse SQL statements."""

import sqlparse


def target(s: str) -> int:
    return len(sqlparse.parse(s))
