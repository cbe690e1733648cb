"""The compiled helpers a text kernel (:mod:`perfkit.optimizers._numba_text`) calls: strings as int32 arrays of
code points, exact on every ``str`` (code points 0 to 0x10FFFF, lone surrogates included).

Each helper does what the ``str`` (or list of one-character strings) operation it stands for does, or raises where
Python raises (``.index`` of a missing character, ``ord`` of a longer string, ``chr`` out of range); a kernel that
raises hands the call to the original, which then raises its own exception.
"""

from __future__ import annotations

PRELUDE = '''
from numba.typed import List as _pkt_List
from numba.core import types as _pkt_types
import sys as _pk_sys


_PKT_CODEC = "utf-32-le" if _pk_sys.byteorder == "little" else "utf-32-be"  # native int32 units


def _pkt_arg(value):
    """A ``str`` as a fresh, writable int32 array of its code points, or None for any other type (a subclass
    too)."""
    if type(value) is not str:
        return None
    return _pk_np.frombuffer(bytearray(value.encode(_PKT_CODEC, "surrogatepass")), _pk_np.int32)


def _pkt_str(points):
    """The ``str`` of an int32 array of code points."""
    return points.tobytes().decode(_PKT_CODEC, "surrogatepass")


@_pkb_njit
def _pkt_one(c):
    """A one-character string as an array."""
    out = _pk_np.empty(1, _pk_np.int32)
    out[0] = c
    return out


@_pkb_njit
def _pkt_copy(a):
    """A fresh (writable) array of the code points."""
    out = _pk_np.empty(len(a), _pk_np.int32)
    for i in range(len(a)):
        out[i] = a[i]
    return out


@_pkb_njit
def _pkt_cat(a, b):
    """``a + b``."""
    out = _pk_np.empty(len(a) + len(b), _pk_np.int32)
    for i in range(len(a)):
        out[i] = a[i]
    for i in range(len(b)):
        out[len(a) + i] = b[i]
    return out


@_pkb_njit
def _pkt_rep(a, n):
    """``a * n`` (nothing for n <= 0); raises past 2**31 code points (Python would need gigabytes)."""
    if n <= 0 or len(a) == 0:
        return _pk_np.empty(0, _pk_np.int32)
    if n > 2147483647 // len(a):
        raise MemoryError("too long")
    out = _pk_np.empty(len(a) * n, _pk_np.int32)
    for k in range(n):
        for i in range(len(a)):
            out[k * len(a) + i] = a[i]
    return out


@_pkb_njit
def _pkt_find(a, c):
    """``a.find(c)`` of a character: its first index, or -1."""
    for i in range(len(a)):
        if a[i] == c:
            return i
    return -1


@_pkb_njit
def _pkt_index(a, c):
    """``a.index(c)`` of a character; raises ValueError where Python does."""
    for i in range(len(a)):
        if a[i] == c:
            return i
    raise ValueError("not found")


@_pkb_njit
def _pkt_has(a, c):
    """``c in a`` of a character."""
    for i in range(len(a)):
        if a[i] == c:
            return True
    return False


@_pkb_njit
def _pkt_count(a, c):
    """``a.count(c)`` of a character."""
    n = 0
    for i in range(len(a)):
        if a[i] == c:
            n += 1
    return n


@_pkb_njit
def _pkt_find_sub(a, s):
    """``a.find(s)`` of a string: the first index where ``s`` starts (0 for an empty ``s``), or -1."""
    for i in range(len(a) - len(s) + 1):
        same = True
        for k in range(len(s)):
            if a[i + k] != s[k]:
                same = False
                break
        if same:
            return i
    return -1


@_pkb_njit
def _pkt_index_sub(a, s):
    """``a.index(s)`` of a string; raises ValueError where Python does."""
    i = _pkt_find_sub(a, s)
    if i < 0:
        raise ValueError("substring not found")
    return i


@_pkb_njit
def _pkt_count_sub(a, s):
    """``a.count(s)`` of a string: non-overlapping occurrences (``len(a) + 1`` for an empty ``s``)."""
    if len(s) == 0:
        return len(a) + 1
    n = 0
    i = 0
    while i <= len(a) - len(s):
        same = True
        for k in range(len(s)):
            if a[i + k] != s[k]:
                same = False
                break
        if same:
            n += 1
            i += len(s)
        else:
            i += 1
    return n


@_pkb_njit
def _pkt_starts(a, s):
    """``a.startswith(s)``."""
    if len(s) > len(a):
        return False
    for k in range(len(s)):
        if a[k] != s[k]:
            return False
    return True


@_pkb_njit
def _pkt_ends(a, s):
    """``a.endswith(s)``."""
    if len(s) > len(a):
        return False
    start = len(a) - len(s)
    for k in range(len(s)):
        if a[start + k] != s[k]:
            return False
    return True


@_pkb_njit
def _pkt_cmp(a, b):
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` (strings and lists of characters compare item by
    item, then by length)."""
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return -1 if a[i] < b[i] else 1
    if len(a) == len(b):
        return 0
    return -1 if len(a) < len(b) else 1


@_pkb_njit
def _pkt_ord(a):
    """``ord(s)`` of a string: raises TypeError unless it holds one character."""
    if len(a) != 1:
        raise TypeError("ord() expected a character")
    return a[0]


@_pkb_njit
def _pkt_chr(n):
    """``chr(n)`` as a code point; raises where Python's chr does."""
    if n < 0 or n > 0x10FFFF:
        raise ValueError("chr() arg not in range(0x110000)")
    return n


@_pkb_njit
def _pkt_upper(c):
    """``c.upper()`` of an ASCII character; raises for others (Unicode case maps go to the original)."""
    if c >= 128:
        raise ValueError("not ASCII")
    return c - 32 if 97 <= c <= 122 else c


@_pkb_njit
def _pkt_lower(c):
    """``c.lower()`` of an ASCII character; raises for others."""
    if c >= 128:
        raise ValueError("not ASCII")
    return c + 32 if 65 <= c <= 90 else c


@_pkb_njit
def _pkt_upper_all(a):
    """``s.upper()`` of an ASCII string; raises for others."""
    out = _pk_np.empty(len(a), _pk_np.int32)
    for i in range(len(a)):
        out[i] = _pkt_upper(a[i])
    return out


@_pkb_njit
def _pkt_lower_all(a):
    """``s.lower()`` of an ASCII string; raises for others."""
    out = _pk_np.empty(len(a), _pk_np.int32)
    for i in range(len(a)):
        out[i] = _pkt_lower(a[i])
    return out


@_pkb_njit
def _pkt_digit(c):
    """``c.isdigit()`` of an ASCII character; raises for others (Unicode has more digits)."""
    if c >= 128:
        raise ValueError("not ASCII")
    return 48 <= c <= 57


@_pkb_njit
def _pkt_alpha(c):
    """``c.isalpha()`` of an ASCII character; raises for others."""
    if c >= 128:
        raise ValueError("not ASCII")
    return 65 <= c <= 90 or 97 <= c <= 122


@_pkb_njit
def _pkt_space(c):
    """``c.isspace()`` of an ASCII character; raises for others."""
    if c >= 128:
        raise ValueError("not ASCII")
    return c == 32 or 9 <= c <= 13 or 28 <= c <= 31


@_pkb_njit
def _pkt_join(sep, a):
    """``sep.join(a)`` of one-character strings."""
    if len(a) == 0:
        return _pk_np.empty(0, _pk_np.int32)
    out = _pk_np.empty(len(a) + len(sep) * (len(a) - 1), _pk_np.int32)
    k = 0
    for i in range(len(a)):
        if i:
            for j in range(len(sep)):
                out[k] = sep[j]
                k += 1
        out[k] = a[i]
        k += 1
    return out


def _pkt_digits(n):
    """``str(n)`` of an int (numba specialises it by type: a bool, whose str is "True", raises)."""
    return str(n)


@_pk_overload(_pkt_digits)
def _pkt_digits_typed(n):
    if isinstance(n, _pk_types.Boolean):
        def boolean(n):
            if n or not n:
                raise TypeError("str() of a bool: the original gives True or False")
            return _pkt_int_digits(0)
        return boolean
    if isinstance(n, _pk_types.Integer):
        return lambda n: _pkt_int_digits(n)
    return None


@_pkb_njit
def _pkt_int_digits(n):
    """``str(n)`` of an int64: its decimal digits, a minus sign before a negative one."""
    if n == 0:
        return _pkt_one(48)
    out = _pk_np.empty(20, _pk_np.int32)
    k = 20
    m = n
    while m != 0:
        k -= 1
        if m > 0:
            out[k] = 48 + m % 10
            m = m // 10
        else:  # toward zero, without negating (-2**63 has no int64 negation)
            out[k] = 48 - m % -10
            m = (m - m % -10) // 10
    if n < 0:
        k -= 1
        out[k] = 45
    return out[k:].copy()


@_pkb_njit
def _pkt_new():
    """An empty list of one-character strings (a typed list of code points)."""
    return _pkt_List.empty_list(_pkt_types.int32)


@_pkb_njit
def _pkt_listed(a):
    """A typed list holding the code points of ``a``."""
    out = _pkt_List.empty_list(_pkt_types.int32)
    for i in range(len(a)):
        out.append(a[i])
    return out


@_pkb_njit
def _pkt_extend(out, a):
    """``out += a``: every character of ``a`` appended."""
    for i in range(len(a)):
        out.append(a[i])


@_pkb_njit
def _pkt_array(out):
    """A fresh array of a typed list's code points (``"".join(out)``, or a built string read as a value)."""
    a = _pk_np.empty(len(out), _pk_np.int32)
    for i in range(len(out)):
        a[i] = out[i]
    return a


@_pkb_njit
def _pkt_reverse(a):
    """``a.reverse()`` in place."""
    n = len(a)
    for i in range(n // 2):
        a[i], a[n - 1 - i] = a[n - 1 - i], a[i]
'''
