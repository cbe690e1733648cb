"""bleach 3.1.3: clean an HTML snippet whose ``a`` tags may keep a ``style`` attribute (its CSS is sanitized).

bleach 3.1's vendored html5lib imports the ABCs from ``collections`` (removed in Python 3.10); they are put back
before the import. Nothing else of the library is touched.
"""

import collections
import collections.abc

for _name in ("Callable", "Hashable", "Iterable", "Mapping", "MutableMapping", "MutableSet", "Sequence", "Set"):
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))

import bleach  # noqa: E402


def target(s: str) -> str:
    return bleach.clean(s, tags=["a"], attributes={"a": ["style"]}, styles=["color"])
