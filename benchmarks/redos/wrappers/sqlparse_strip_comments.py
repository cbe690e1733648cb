"""sqlparse 0.4.1: format a SQL statement, stripping its comments."""

import sqlparse


def target(s: str) -> str:
    return sqlparse.format(s, strip_comments=True)
