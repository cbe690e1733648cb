"""How well perfkit's static ReDoS analysis (perfkit.fuzzers._regex_redos) tells vulnerable regexes from safe ones.

Run: ``.venv/bin/python benchmarks/regex_analysis.py`` (a few minutes; each attack is timed in a forked child).

VULNERABLE: published super-linear regexes, each with where it was published. SAFE: regexes believed linear: the
fixed forms of published bugs taken from the running CPython's stdlib or the fix's release, validators of
well-known projects, and Python's own tokenizer. For every pattern: whether the analysis gives an attack, its
kind, and whether timing the attack (``verify``: match time at growing sizes in a forked child) confirms
super-linear growth. A flagged safe pattern whose attack is confirmed by timing is reported apart: the "fix" is
then not linear either (that happens; the timing is the judge, not the list).

STDLIB: every compiled pattern in the globals and class attributes of this CPython's importable public stdlib
modules, analysed as searched (how they are used is not looked at): how many are flagged, and how many of those
flags timing confirms (a flag refuted by timing is a false positive at the regex level).

INSTALLED: ``regex_attacks`` on ``MarkdownIt().render`` (markdown-it-py, when installed): the attack it finds
and the render time of that attack at three lengths, each run in a child with a 60 s limit.

HELD-OUT (``regex_analysis_regexlib.json``): 97 regexes of regexlib that ReDoSHunter's benchmark
(yetingli/ReDoS-Benchmarks, MIT licence) lists as vulnerable, with its published Python attack (``re.search``),
every 6th entry by id, sampled before the analysis was ever run on them and never used to tune it. The ground
truth is timing: whether the published attack's match time grows super-linearly on this CPython.
"""

from __future__ import annotations

import fnmatch
import http.cookiejar
import json
import json.scanner
import re
import string
import sys
import textwrap
import time
import tokenize
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from perfkit.fuzzers._regex_redos import Attack, analyse, verify

HELD_OUT = Path(__file__).resolve().parent / "regex_analysis_regexlib.json"

# (name, pattern, flags, searched?, source)
VULNERABLE: list[tuple[str, str, int, bool, str]] = [
    ("owasp-nested-plus", r"^(a+)+$", 0, False, "OWASP ReDoS page, 'evil regex' (a+)+"),
    ("owasp-nested-star", r"^([a-zA-Z]+)*$", 0, False, "OWASP ReDoS page, ([a-zA-Z]+)*"),
    ("owasp-alt-overlap", r"^(a|aa)+$", 0, False, "OWASP ReDoS page, (a|aa)+"),
    ("owasp-alt-optional", r"^(a|a?)+$", 0, False, "OWASP ReDoS page, (a|a?)+"),
    ("owasp-dotstar-count", r"^(.*a){11}$", 0, False, "OWASP ReDoS page, (.*a){x} for x > 10"),
    ("owasp-java-classname", r"^(([a-z])+.)+[A-Z]([a-z])+$", 0, False, "OWASP ReDoS page, Java class name"),
    (
        "owasp-email",
        r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@){1}[a-z0-9]+[.]{1}(([a-z]{2,3})|([a-z]{2,3}[.]{1}[a-z]{2,3}))$",
        0,
        False,
        "OWASP ReDoS page / Wikipedia ReDoS, e-mail validator from a regex library",
    ),
    (
        "owasp-person-name",
        r"^[a-zA-Z]+(([\'\,\.\-][a-zA-Z])?[a-zA-Z]*)*$",
        0,
        False,
        "OWASP ReDoS page, person name validator",
    ),
    ("owasp-word-space", r"^(\w+\s?)*$", 0, False, "OWASP ReDoS page, (\\w+\\s?)*"),
    (
        "cpython-basic-auth",
        "(?:.*,)*[ \t]*([^ \t]+)[ \t]+realm=([\"']?)([^\"']*)\\2",
        re.I,
        True,
        "CVE-2020-8492 (bpo-39503), urllib.request.AbstractBasicAuthHandler.rx before 3.8.3",
    ),
    (
        "cpython-cookiejar-date",
        r"""^
    (\d\d?)            # day
       (?:\s+|[-\/])
    (\w+)              # month
        (?:\s+|[-\/])
    (\d+)              # year
    (?:
          (?:\s+|:)    # separator before clock
       (\d\d?):(\d\d)  # hour:min
       (?::(\d\d))?    # optional seconds
    )?                 # optional clock
       \s*
    ([-+]?\d{2,4}|(?![APap][Mm]\b)[A-Za-z]+)? # timezone
       \s*
    (?:\(\w+\))?       # ASCII representation of timezone in parens.
       \s*$""",
        re.X | re.ASCII,
        True,
        "bpo-38804 (CVE-2020-8492's sibling), http.cookiejar.LOOSE_HTTP_DATE_RE before 3.8.1",
    ),
    ("cpython-difflib-junk", r"\s*#?\s*$", 0, False, "bpo-32981 (CVE-2018-1061), difflib.IS_LINE_JUNK default"),
    ("cpython-poplib-apop", r"\+OK.*(<[^>]+>)", 0, True, "bpo-32981 (CVE-2018-1060), poplib POP3.timestamp"),
    (
        "cpython-fnmatch-stars",
        r"(?s:.*a.*a.*a.*a.*a.*b)\Z",
        0,
        False,
        "bpo-40480, fnmatch.translate('*a*a*a*a*a*b') before 3.9",
    ),
    ("pygments-archetype-float", r"[+-]?(\d+)*\.\d+%?", 0, False, "CVE-2021-27291, pygments archetype lexers"),
    ("pygments-smithy-string", r'"(\\\\|\n|\\"|[^"])*"', 0, False, "CVE-2022-40896, pygments SmithyLexer"),
    (
        "setuptools-rel",
        r"""<([^>]*\srel\s*=\s*['"]?([^'">]+)[^>]*)>""",
        re.I,
        True,
        "CVE-2022-40897, setuptools.package_index.REL before 65.5.1",
    ),
    (
        "jinja2-urlize-punctuation",
        r"^(?P<lead>(?:\(|<|&lt;)*)(?P<middle>.*?)(?P<trail>(?:\.|,|\)|>|\n|&gt;)*)$",
        0,
        False,
        "CVE-2020-28493, jinja2.utils._punctuation_re before 2.11.3",
    ),
    (
        "urllib3-authority",
        r"^(?:(.*)@)?((?:[^\[\]%:/?#]|%[a-fA-F0-9]{2})*)(?::([0-9]{0,5}))?$",
        re.S,
        False,
        "CVE-2021-33503, urllib3 SUBAUTHORITY_RE before 1.26.5 (the IP alternatives left out)",
    ),
    (
        "stackoverflow-trim",
        "^[\\s\u200c]+|[\\s\u200c]+$",
        0,
        True,
        "Stack Exchange outage post-mortem, 2016-07-20",
    ),
    (
        "cloudflare-waf",
        r"""(?:(?:\"|'|\]|\}|\\|\d|(?:nan|infinity|true|false|null|undefined|symbol|math)|`|\-|\+)+[)]*;?((?:\s|-|~|!|{}|\|\||\+)*.*(?:.*=.*)))""",
        0,
        True,
        "Cloudflare outage post-mortem, 2019-07-02",
    ),
    ("ms-duration", r"^((?:\d+)?\.?\d+) *(ms|s|m|h|d|y)?$", re.I, False, "CVE-2015-8315, npm ms (units shortened)"),
    ("trim-newlines", r"[\r\n]+$", 0, True, "CVE-2021-33623, npm trim-newlines"),
    ("lodash-trim", r"^\s+|\s+$", 0, True, "CVE-2020-28500, lodash reTrim"),
    ("mime-lookup", r".*[\.\/\\]", 0, True, "CVE-2017-16138, npm mime lookup"),
]


def _safe() -> list[tuple[str, str, int, bool, str]]:
    """Safe patterns: fixed forms (from this CPython's stdlib where the fix is there) and common validators."""
    fn = fnmatch.translate("*a*a*a*a*a*b")
    return [
        (
            "cpython-basic-auth-fixed",
            urllib.request.AbstractBasicAuthHandler.rx.pattern,
            urllib.request.AbstractBasicAuthHandler.rx.flags,
            True,
            "urllib.request (this Python)",
        ),
        (
            "cpython-cookiejar-date-fixed",
            http.cookiejar.LOOSE_HTTP_DATE_RE.pattern,
            http.cookiejar.LOOSE_HTTP_DATE_RE.flags,
            True,
            "http.cookiejar (this Python)",
        ),
        ("cpython-difflib-junk-fixed", r"\s*(?:#\s*)?$", 0, False, "difflib.IS_LINE_JUNK (this Python)"),
        ("cpython-poplib-apop-fixed", r"\+OK.[^<]*(<.*>)", 0, True, "poplib (this Python, bytes there)"),
        ("cpython-fnmatch-fixed", fn, 0, False, "fnmatch.translate('*a*a*a*a*a*b') (this Python)"),
        ("cpython-json-number", json.scanner.NUMBER_RE.pattern, json.scanner.NUMBER_RE.flags, False, "json.scanner"),
        ("cpython-textwrap-ws", r"^[ \t]+$", re.M, True, "textwrap._whitespace_only_re"),
        ("cpython-textwrap-lead", r"(^[ \t]*)(?:[^ \t\n])", re.M, True, "textwrap._leading_whitespace_re"),
        ("cpython-template-id", string.Template.idpattern, re.I, False, "string.Template.idpattern"),
        ("cpython-tokenize-number", tokenize.Number, 0, False, "tokenize.Number"),
        ("cpython-tokenize-string", tokenize.ContStr, 0, False, "tokenize.ContStr"),
        ("cpython-shlex-unsafe", r"[^\w@%+=:,./-]", re.ASCII, True, "shlex._find_unsafe"),
        ("pygments-archetype-float-fixed", r"[+-]?\d*\.\d+%?", 0, False, "pygments 2.7.4 fix of CVE-2021-27291"),
        ("django-slug", r"^[-a-zA-Z0-9_]+\Z", 0, False, "django.core.validators.slug_re"),
        ("django-integer", r"^-?\d+\Z", 0, False, "django.core.validators.integer_validator"),
        (
            "semver",
            r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)"
            r"(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$",
            0,
            False,
            "semver.org, the suggested regular expression",
        ),
        (
            "whatwg-email",
            r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
            r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$",
            0,
            False,
            "WHATWG HTML, valid e-mail address",
        ),
        ("ipv4", r"^(?:[0-9]{1,3}\.){3}[0-9]{1,3}$", 0, False, "urllib3 IPV4_PAT (anchored)"),
        ("uuid", r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I, False, "RFC 4122 form"),
        ("brief-lower", r"^[a-z]+$", 0, False, "issue 15 brief"),
        ("brief-digits-dash", r"\d+-\d+", 0, False, "issue 15 brief (matched; searched it is quadratic)"),
        ("brief-alternation", r"(ab|cd)*", 0, False, "issue 15 brief"),
        ("c-string", r'"([^"\\]|\\.)*"', 0, False, "the classic unambiguous string literal"),
        ("textwrap-wordsep", textwrap.TextWrapper.wordsep_simple_re.pattern, re.X, True, "textwrap (simple)"),
    ]


def run(*, with_held_out: bool = True) -> list[str]:
    lines = []
    rows: dict[str, list[tuple[str, bool, str, bool | None, float]]] = {"vulnerable": [], "safe": []}
    started = time.perf_counter()
    for label, items in (("vulnerable", VULNERABLE), ("safe", _safe())):
        for name, pattern, flags, searched, _source in items:
            t0 = time.perf_counter()
            attacks = analyse(pattern, flags, search=searched)
            took = time.perf_counter() - t0
            confirmed = verify(attacks[0], timeout=1.5).verified if attacks else None
            kind = f"{attacks[0].kind}/{attacks[0].degree}" if attacks else "-"
            rows[label].append((name, bool(attacks), kind, confirmed, took))
    lines.append(f"{'half':<11}{'pattern':<32}{'flagged':<9}{'kind/degree':<16}{'timing confirms':<17}analysis")
    for label, got in rows.items():
        for name, flagged, kind, confirmed, took in got:
            conf = "-" if confirmed is None else ("yes" if confirmed else "no")
            lines.append(
                f"{label:<11}{name:<32}{'yes' if flagged else 'no':<9}{kind:<16}{conf:<17}{took * 1000:.1f} ms"
            )
    vuln, safe = rows["vulnerable"], rows["safe"]
    found = sum(f for _, f, _, _, _ in vuln)
    confirmed_vuln = sum(1 for _, f, _, c, _ in vuln if f and c)
    flagged_safe = [n for n, f, _, _, _ in safe if f]
    flagged_safe_real = [n for n, f, _, c, _ in safe if f and c]
    lines.append("")
    lines.append(f"vulnerable (published): flagged {found}/{len(vuln)}, timing confirms {confirmed_vuln}/{len(vuln)}")
    lines.append(
        f"safe: flagged {len(flagged_safe)}/{len(safe)} {flagged_safe}; of those timing confirms growth on "
        f"{len(flagged_safe_real)} {flagged_safe_real}"
    )
    precision = found / (found + len(flagged_safe) - len(flagged_safe_real)) if found else 0.0
    lines.append(
        f"precision (flags not refuted by timing): {precision:.2f}; recall on published: {found / len(vuln):.2f}"
    )
    lines.extend(stdlib_sweep())
    lines.extend(installed())
    if with_held_out:
        lines.extend(held_out())
    lines.append(f"total {time.perf_counter() - started:.1f} s (python {sys.version.split()[0]})")
    return lines


def _stdlib_patterns() -> dict[tuple[str, int], str]:
    import importlib
    import warnings

    skip = {"antigravity", "this", "idlelib", "turtledemo", "tkinter", "turtle", "lib2to3", "ensurepip", "venv"}
    found: dict[tuple[str, int], str] = {}
    for name in sorted(m for m in sys.stdlib_module_names if not m.startswith("_") and m not in skip):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = importlib.import_module(name)
        except Exception:
            continue
        places = [(name, vars(module))]
        places += [(f"{name}.{k}", vars(v)) for k, v in vars(module).items() if isinstance(v, type)]
        for where, space in places:
            for attr, value in list(space.items()):
                if isinstance(value, re.Pattern):
                    text, flags = value.pattern, value.flags & ~re.UNICODE
                    if isinstance(text, bytes):
                        text, flags = text.decode("latin-1"), flags | re.ASCII
                    found.setdefault((text, flags), f"{where}.{attr}")
    return found


def stdlib_sweep() -> list[str]:
    """Flags on the stdlib's own compiled patterns, and how many timing confirms."""
    patterns = _stdlib_patterns()
    flagged, refuted = [], []
    for (text, flags), where in patterns.items():
        attacks = analyse(text, flags, search=True)
        if attacks:
            flagged.append(where)
            if not verify(attacks[0], timeout=1.5).verified:
                refuted.append(where)
    return [
        "",
        f"stdlib sweep: {len(patterns)} compiled patterns, flagged {len(flagged)} (as searched), "
        f"timing refutes {len(refuted)} {refuted}",
    ]


def _render_time(conn: object, text: str) -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt()
    t0 = time.perf_counter()
    md.render(text)
    conn.send(time.perf_counter() - t0)  # type: ignore[attr-defined]


def installed() -> list[str]:
    """The attack found from markdown-it-py's render, timed at growing lengths (in a child, 60 s at most)."""
    import multiprocessing

    try:
        import markdown_it
    except ImportError:
        return ["", "installed: markdown-it-py not installed"]
    from perfkit.fuzzers._regex_seeds import regex_attacks

    md = markdown_it.MarkdownIt()

    def render(text):  # type: ignore[no-untyped-def]
        return md.render(text)

    attacks = [a for a in regex_attacks(render, max_len=400, time_budget=20) if a.verified]
    if not attacks:
        return ["", f"installed: markdown-it-py {markdown_it.__version__}: no verified attack"]
    best = attacks[0]
    row = []
    for n in (100, 200, 400):
        text = best.fit(n) or ""
        parent, child = multiprocessing.get_context("fork").Pipe(duplex=False)
        proc = multiprocessing.get_context("fork").Process(target=_render_time, args=(child, text))
        proc.start()
        took = parent.recv() if parent.poll(60) else float("inf")
        proc.kill()
        proc.join()
        row.append(f"{n} chars {took:.3f} s")
    return [
        "",
        f"installed: markdown-it-py {markdown_it.__version__} MarkdownIt().render: {best.kind}/{best.degree} "
        f"attack {best.prefix!r} + {best.pump!r} * k + {best.suffix!r} from {best.where}",
        "  render time: " + ", ".join(row),
    ]


def held_out() -> list[str]:
    """Recall on the regexlib sample, against whether its published attack really grows on this CPython."""
    entries = json.loads(HELD_OUT.read_text(encoding="utf-8"))["entries"]
    grows = flagged = confirmed = flagged_other = confirmed_other = 0
    for e in entries:
        published = Attack(e["pattern"], e["prefix"], e["pump"], e["suffix"], e["kind"], 2, search=True)
        truth = verify(published, timeout=1.5).verified
        attacks = analyse(e["pattern"], search=True)
        ours = verify(attacks[0], timeout=1.5).verified if attacks else False
        if truth:
            grows += 1
            flagged += bool(attacks)
            confirmed += bool(ours)
        else:
            flagged_other += bool(attacks)
            confirmed_other += bool(ours)
    n, rest = len(entries), len(entries) - grows
    return [
        "",
        f"held-out regexlib sample ({n} listed vulnerable): the published attack grows on this CPython for {grows}",
        f"  of those {grows}: flagged {flagged} ({flagged / max(grows, 1):.2f}), our own attack confirmed by timing "
        f"{confirmed} ({confirmed / max(grows, 1):.2f})",
        f"  of the other {rest}: flagged {flagged_other}, our own attack confirmed by timing {confirmed_other}",
    ]


if __name__ == "__main__":
    print("\n".join(run(with_held_out="--no-held-out" not in sys.argv)))
