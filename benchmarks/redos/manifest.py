"""The real-bug corpus: published super-linear-time bugs (ReDoS and quadratic scans) in old PyPI releases.

Every bug is the library's own code at a vulnerable release, installed with ``pip install --no-deps --target``
outside perfkit's environment (``redos/fetch.py``). What we wrote is only each bug's wrapper
(``redos/wrappers/<module>.py``): ``target(s: str)``, which hands ``s`` to the library's public entry point the
way the advisory describes (a header, a URL, a file name, a document), so an attack string must survive the
code that runs before the regex.

The exploit is the advisory's shape, ``prefix + pump * k + suffix``. Advisories give shapes, not lengths (their
lengths take minutes or hours), so ``k`` was chosen once, on 2026-11-29 before any fuzzing run, as the smallest
round value at which the exploit takes about one second on the development machine (2 shared cores); the
fuzzers get ``max_size = len(exploit)``. ``shape``: "advisory" when the pumped character and the context are
the advisory's or its fix's test, "fix" when the shape is read off the regex (or loop) the fix changed (the
advisory only names the component), "regex" when there is no fix to read and the shape is read off the regex of
the component the advisory names. Each exploit was checked to be slow on ``version`` and fast on ``fixed``, except where
``fixed`` says there is no fix.

The halves were fixed on 2026-11-29 (SPLIT_DATE) before any run, by package: the packages, sorted by name,
alternate tuning, held-out, tuning, ... (all bugs of one package share its half). perfkit may be tuned on the
tuning half only; no test or example may use a held-out bug. The "held-out" half has since been looked at (its
per-bug figures were read and reported), so it is now tuning material too; the README says how.

SPLIT (second held-out half, ``held-out-2``): 12 more bugs in 11 packages that are in neither half above
(HELD_OUT_2_PACKAGES), chosen and fixed on 2026-11-29 (SPLIT_DATE), before any perfkit run on them, by a helper who
never ran perfkit or any fuzzer on them; only each exploit was timed on its vulnerable and fixed release
(``redos_corpus.py --half held-out-2 --check-fixed``); ``k`` was chosen as above, from those times alone (1 to 2.5 s
at load 1 to 5 when chosen). Nobody may tune on them, and no test or example may use them; the runner refuses to run
the searches on them without ``--final`` (the held-out figure is taken once, at the end). Two of them are in one
package (idna: CVE-2024-3651 and its 2026 bypass, CVE-2026-45409). That figure was taken at the end of session 5
(2026-11-30 00:00); since session 6 held-out-2 is tuning material like the first two halves ("seen").

SPLIT-3 (third held-out half, ``held-out-3``): 15 bugs in 11 packages that are in none of the parts above
(HELD_OUT_3_PACKAGES; PyPDF2 and its renamed successor pypdf are separate PyPI packages), chosen and
fixed on 2026-11-30 (SPLIT_3_DATE) by a helper who never ran perfkit or any fuzzer on them: only each exploit was
timed on its vulnerable and fixed release (``--half held-out-3 --check-fixed``), and ``k`` chosen from those times
alone. The machine ran at load 7 to 10 then, where a call's wall time was about three times its CPU time, so ``k``
was set by CPU time (``redos/timing.py`` reports it): 1 to 1.5 CPU seconds, about that long on an idle machine
(2.5 to 4.5 s of wall time at load 7). Five are not regexes (quadratic loops: bytes concatenation, buffer
re-scans, tuple concatenation, big-integer shifts, a file copy and search per table entry); one is old stdlib code
(mechanize's fork of urllib2's AbstractBasicAuthHandler). Two exploits (pyasn1-oid-arcs, pypdf-xref-recovery) carry
a count of the pumped units in their prefix, as the formats require. Nobody may tune on them, and no test or example
may name them; the runner searches them only with ``--final``. pyasn1, pymdown-extensions and pypdf have two bugs
each. That figure was taken at the end of session 6 (2026-11-30 04:00); since session 7 held-out-3 is tuning material
like the parts before it ("seen": searched without ``--final``).

SPLIT-4 (fourth held-out part, ``held-out-4``): bugs in packages that are in none of the parts above
(HELD_OUT_4_PACKAGES), chosen and fixed on 2026-11-30 (SPLIT_4_DATE, session 7) by a helper who never ran perfkit or
any search method on them: only each exploit and a random string of the same length were timed on the vulnerable
release, and the exploit on the fixed one (``redos_corpus.py --half held-out-4 --validate``); ``k`` was chosen from
those times alone, by CPU time as for held-out-3. Some have no fixed release (``fixed`` says why: the package is
unmaintained, or the last release of a copy of stdlib code still has the bug); for those the random string of the
same length shows that the slowdown is the bug. Nobody may tune on them, and no test or example may name them; the
runner searches them only with ``--final`` (UNSEEN). The notes say which are not regexes. 14 bugs in 11 packages:
commonmark has three (commonmark.py is a port of commonmark.js, whose published pathological inputs it still has),
linkify-it-py two. One package first chosen was left out because another benchmark already runs it (the keep-out
test caught it).
"""

from __future__ import annotations

import tarfile
from dataclasses import dataclass

SPLIT_DATE = "2026-11-29"
HALVES = ("tuning", "held-out", "held-out-2", "held-out-3", "held-out-4")
HELD_OUT_2 = "held-out-2"
HELD_OUT_3 = "held-out-3"
HELD_OUT_4 = "held-out-4"
# the packages of the second held-out half, fixed on SPLIT_DATE before any run (module doc, SPLIT)
HELD_OUT_2_PACKAGES = frozenset(
    {
        "bleach",
        "dparse",
        "idna",
        "mako",
        "markdown2",
        "mistune",
        "mpmath",
        "pydantic",
        "tornado",
        "ua-parser",
        "validators",
    }
)
# the packages of the third held-out half, fixed on SPLIT_3_DATE before any run (module doc, SPLIT-3)
SPLIT_3_DATE = "2026-11-30"
HELD_OUT_3_PACKAGES = frozenset(
    {
        "configobj",
        "gitpython",
        "mechanize",
        "pyasn1",
        "pylint",
        "pymdown-extensions",
        "pypdf",
        "pypdf2",
        "starlette",
        "waitress",
        "werkzeug",
    }
)
# the packages of the fourth held-out part, fixed on SPLIT_4_DATE before any run (module doc, SPLIT-4)
SPLIT_4_DATE = "2026-11-30"
HELD_OUT_4_PACKAGES = frozenset(
    {
        "backports.tarfile",
        "cleo",
        "commonmark",
        "dulwich",
        "eml-parser",
        "linkify-it-py",
        "marko",
        "mistletoe",
        "pip",
        "soupsieve",
        "xhtml2pdf",
    }
)
TAR_DIGITS = 45000  # backports-tarfile-pax-digits: the digits of its pax header (the header's size field counts them)


def ustar_header(name: str, *, size: int = 0, kind: bytes = tarfile.REGTYPE) -> str:
    """The 512-byte ustar header of one tar member (``kind``: its type flag; ``size``: its data's length), as Latin-1
    text: an exploit's characters are the archive's bytes."""
    info = tarfile.TarInfo(name)
    info.size, info.type = size, kind
    return info.tobuf(format=tarfile.USTAR_FORMAT).decode("latin-1")


@dataclass(frozen=True)
class Bug:
    """One published super-linear bug: where it lives, how to call it, its exploit shape, its half."""

    id: str
    package: str  # PyPI name
    version: str  # the vulnerable release we install
    fixed: str  # the first release with the fix
    advisory: str  # CVE / GHSA / issue, as text
    function: str  # the library function the wrapper reaches ("module:qualname")
    complexity: str  # the published or measured growth: "exponential", "cubic", "quadratic", "polynomial"
    prefix: str
    pump: str
    k: int
    suffix: str
    half: str
    shape: str = "advisory"  # "advisory", "fix" or "regex": where the exploit shape comes from (module doc)
    needs: tuple[str, ...] = ()  # other requirements ("name==version") the release imports
    fixed_needs: tuple[str, ...] = ()  # more requirements of the fixed release
    note: str = ""

    @property
    def wrapper(self) -> str:
        """The wrapper, as a perfkit target: ``redos.wrappers.<module>:target``."""
        return f"redos.wrappers.{self.id.replace('-', '_')}:target"

    @property
    def exploit(self) -> str:
        return self.prefix + self.pump * self.k + self.suffix

    @property
    def length(self) -> int:
        """The exploit's length: the fuzzers' ``max_size``."""
        return len(self.exploit)

    @property
    def has_fix(self) -> bool:
        """Whether ``fixed`` names a release (it may say there is none)."""
        return self.fixed.replace(".", "").isdigit()

    @property
    def requirements(self) -> tuple[str, ...]:
        return (f"{self.package}=={self.version}", *self.needs)


BUGS: tuple[Bug, ...] = (
    Bug(
        id="black-docstring-tabs",
        package="black",
        version="24.2.0",
        fixed="24.3.0",
        advisory="CVE-2024-21503: lines_with_leading_tabs_expanded on docstrings with many leading tabs",
        function="black:format_str",
        complexity="cubic",
        prefix='def f():\n    """x\n',
        pump="\t",
        k=600,
        suffix='\n    """\n',
        half="tuning",
        needs=("click==8.1.7", "mypy_extensions==1.0.0", "packaging==23.2", "pathspec==0.12.1", "platformdirs==4.2.0"),
    ),
    Bug(
        id="django-truncator-html",
        package="django",
        version="2.2.3",
        fixed="2.2.4",
        advisory="CVE-2019-14232: django.utils.text.Truncator chars()/words() with html=True, catastrophic"
        " backtracking in the tag regexes",
        function="django.utils.text:Truncator.words",
        complexity="quadratic",
        prefix="",
        pump="&",
        k=4000,
        suffix="",
        half="held-out",
        note="the shape is one of the inputs of the regression test added with the fix; '<' * k is still"
        " quadratic after the fix (the later advisory CVE-2023-43665 is about such leftovers), so it is not this"
        " bug's exploit",
    ),
    Bug(
        id="future-cookiejar-http2time",
        package="future",
        version="0.18.2",
        fixed="0.18.3",
        advisory="CVE-2022-40899 (future's backport of http.cookiejar; the CPython original is bpo-38804):"
        " LOOSE_HTTP_DATE_RE on a Set-Cookie expires date with a long run of spaces",
        function="future.backports.http.cookiejar:http2time",
        complexity="cubic",
        prefix="01 Jan 1970",
        pump=" ",
        k=700,
        suffix="00:00:00 GMT!",
        half="tuning",
    ),
    Bug(
        id="future-urllib-basic-auth",
        package="future",
        version="0.18.2",
        fixed="none: future keeps the old urllib.request copy, still exponential in 1.0.0, the current release"
        " (CPython fixed its own in 2020, bpo-39503)",
        advisory="CVE-2020-8492 (bpo-39503) in future's backport of urllib.request: AbstractBasicAuthHandler.rx"
        " on a WWW-Authenticate header with many commas",
        function="future.backports.urllib.request:AbstractBasicAuthHandler.http_error_auth_reqed",
        complexity="exponential",
        prefix="Basic ",
        pump=",",
        k=20,
        suffix="A",
        half="tuning",
    ),
    Bug(
        id="httplib2-www-authenticate",
        package="httplib2",
        version="0.18.1",
        fixed="0.19.0",
        advisory="CVE-2021-21240: a long series of '\\xa0' in the www-authenticate header",
        function="httplib2:_parse_www_authenticate",
        complexity="cubic",
        prefix="x ",
        pump="\xa0",
        k=900,
        suffix="a",
        half="held-out",
        needs=("six==1.16.0",),
        fixed_needs=("pyparsing==2.4.7",),
        note="0.19.0 replaced the parser (the wrapper's function is gone there)",
    ),
    Bug(
        id="jinja2-urlize",
        package="jinja2",
        version="2.11.2",
        fixed="2.11.3",
        advisory="CVE-2020-28493: urlize's _punctuation_re on a word with a long run of trailing punctuation",
        function="jinja2.utils:urlize",
        complexity="quadratic",
        prefix="",
        pump=".",
        k=6000,
        suffix="a",
        half="tuning",
        shape="fix",
        needs=("markupsafe==2.0.1",),
    ),
    Bug(
        id="nltk-punkt",
        package="nltk",
        version="3.6.5",
        fixed="3.6.6",
        advisory="CVE-2021-43854: PunktSentenceTokenizer's period-context regex on long input",
        function="nltk.tokenize.punkt:PunktSentenceTokenizer.tokenize",
        complexity="quadratic",
        prefix="",
        pump=".",
        k=6000,
        suffix="a",
        half="held-out",
        shape="fix",
        needs=("regex==2021.11.10", "joblib==1.1.0", "tqdm==4.62.3", "click==8.1.7"),
    ),
    Bug(
        id="pygments-odin-float",
        package="pygments",
        version="2.7.3",
        fixed="2.7.4",
        advisory="CVE-2021-27291 (pygments PR #1675): archetype lexers' float regex [+-]?(\\d+)*\\.\\d+%?",
        function="pygments.lexers.archetype:OdinLexer.get_tokens",
        complexity="exponential",
        prefix="",
        pump="1",
        k=23,
        suffix="x",
        half="tuning",
        shape="fix",
    ),
    Bug(
        id="pygments-smithy-string",
        package="pygments",
        version="2.14.0",
        fixed="none: the string regex is unchanged and still exponential in 2.21.0, the current release",
        advisory="CVE-2022-40896: ReDoS in SmithyLexer (pygments/lexers/smithy.py); the exploit is read off its"
        " double-quoted string regex (an unterminated run of backslashes)",
        function="pygments.lexers.smithy:SmithyLexer.get_tokens",
        complexity="exponential",
        prefix='"',
        pump="\\",
        k=31,
        suffix="",
        half="tuning",
        shape="regex",
    ),
    Bug(
        id="multipart-options-header",
        package="python-multipart",
        version="0.0.6",
        fixed="0.0.7",
        advisory="CVE-2024-24762: parse_options_header's OPTION_RE on a Content-Type"
        " parameter with an unterminated quoted run of backslashes",
        function="multipart.multipart:parse_options_header",
        complexity="exponential",
        prefix='a; a="',
        pump="\\",
        k=32,
        suffix="",
        half="held-out",
    ),
    Bug(
        id="setuptools-package-index-rel",
        package="setuptools",
        version="65.5.0",
        fixed="65.5.1",
        advisory="CVE-2022-40897: package_index REL regex on a crafted HTML page",
        function="setuptools.package_index:find_external_links",
        complexity="cubic",
        prefix="<",
        pump=" rel=a",
        k=200,
        suffix="",
        half="tuning",
        shape="fix",
    ),
    Bug(
        id="sqlparse-strip-comments",
        package="sqlparse",
        version="0.4.1",
        fixed="0.4.2",
        advisory="CVE-2021-32839: StripCommentsFilter's regex on a comment with many '\\r\\n'",
        function="sqlparse:format",
        complexity="exponential",
        prefix="x /*",
        pump="\r\n",
        k=20,
        suffix="x*/ y",
        half="held-out",
    ),
    Bug(
        id="sqlparse-string-backslashes",
        package="sqlparse",
        version="0.4.3",
        fixed="0.4.4",
        advisory="CVE-2023-30608: the lexer's string regexes on an unterminated run of backslashes",
        function="sqlparse:parse",
        complexity="exponential",
        prefix="'",
        pump="\\",
        k=32,
        suffix="",
        half="held-out",
    ),
    Bug(
        id="urllib3-authority-at",
        package="urllib3",
        version="1.26.4",
        fixed="1.26.5",
        advisory="CVE-2021-33503: parse_url's authority regex on many '@' characters",
        function="urllib3.util.url:parse_url",
        complexity="quadratic",
        prefix="a://",
        pump="@",
        k=4000,
        suffix=":a",
        half="tuning",
        note="raises LocationParseError after the slow match: slow, then raised",
    ),
    Bug(
        id="urllib3-percent-encodings",
        package="urllib3",
        version="1.25.7",
        fixed="1.25.8",
        advisory="CVE-2020-7212: _encode_invalid_chars re-normalizes every percent-encoding (quadratic)",
        function="urllib3.util.url:parse_url",
        complexity="quadratic",
        prefix="http://a/",
        pump="%aa",
        k=12000,
        suffix="",
        half="tuning",
    ),
    Bug(
        id="wheel-filename",
        package="wheel",
        version="0.37.1",
        fixed="0.38.1",
        advisory="CVE-2022-40898: WHEEL_INFO_RE on a crafted wheel file name",
        function="wheel.wheelfile:WheelFile.__init__",
        complexity="polynomial",
        prefix="",
        pump="-",
        k=100,
        suffix="",
        half="held-out",
        shape="fix",
        note="raises WheelError after the slow match: slow, then raised",
    ),
    # held-out-2 (module doc, SPLIT): fixed on 2026-11-29 before any perfkit run, never tuned on
    Bug(
        id="bleach-css-gauntlet",
        package="bleach",
        version="3.1.3",
        fixed="3.1.4",
        advisory="CVE-2020-6817 (GHSA-vqhp-cxgc-6wmm): bleach.clean's style-attribute sanitizer, a regex whose"
        " alternatives overlap on '-', quotes and word characters",
        function="bleach:clean",
        complexity="exponential",
        prefix='<a style="',
        pump="a-",
        k=32,
        suffix='a@">x</a>',
        half="held-out-2",
        shape="fix",
        needs=("six==1.16.0", "webencodings==0.5.1", "setuptools==65.5.1"),
        note="setuptools for pkg_resources, which bleach 3.1 imports; the wrapper puts back the collections ABCs"
        " that its vendored html5lib imports (gone in Python 3.10)",
    ),
    Bug(
        id="dparse-index-url",
        package="dparse",
        version="0.5.1",
        fixed="0.5.2",
        advisory="CVE-2022-39280 (GHSA-8fg9-p83m-x5pq): the URL regex that parses a requirements file's"
        " --index-url line",
        function="dparse:parse",
        complexity="quadratic",
        prefix="--index-url https://",
        pump="a",
        k=8000,
        suffix="",
        half="held-out-2",
        shape="fix",
        needs=("pyyaml==6.0.1", "toml==0.10.2", "packaging==23.2"),
        note="0.5.1 imports configparser.SafeConfigParser, gone in Python 3.12: this bug needs Python <= 3.11",
    ),
    Bug(
        id="idna-contextj",
        package="idna",
        version="3.6",
        fixed="3.7",
        advisory="CVE-2024-3651 (GHSA-jjg7-2v4v-x38h): idna.encode's CONTEXTJ check scans the whole label for"
        " every zero-width non-joiner",
        function="idna:encode",
        complexity="quadratic",
        prefix="\u0628",
        pump="\u200c",
        k=3000,
        suffix="\u0628",
        half="held-out-2",
        shape="fix",
        note="raises IDNAError (label too long) after the slow check: slow, then raised",
    ),
    Bug(
        id="idna-contexto",
        package="idna",
        version="3.13",
        fixed="3.14",
        advisory="CVE-2026-45409 (GHSA-65pc-fj4g-8rjx, a bypass of CVE-2024-3651's fix): valid_contexto on a"
        " long run of Arabic-Indic digits before the length check",
        function="idna:encode",
        complexity="quadratic",
        prefix="",
        pump="\u0660",
        k=4000,
        suffix="",
        half="held-out-2",
        note="raises after the slow check (bidi rule): slow, then raised",
    ),
    Bug(
        id="mako-tag-attributes",
        package="mako",
        version="1.2.1",
        fixed="1.2.2",
        advisory='CVE-2022-40023 (Mako #366): the lexer\'s tag regex, whose attribute alternatives ".*?" overlap,'
        " on an unterminated tag",
        function="mako.template:Template",
        complexity="exponential",
        prefix="<%a",
        pump='""',
        k=17,
        suffix="",
        half="held-out-2",
        shape="fix",
        needs=("markupsafe==2.1.5",),
        note="raises SyntaxException after the slow match: slow, then raised",
    ),
    Bug(
        id="markdown2-headers",
        package="markdown2",
        version="2.4.0",
        fixed="2.4.1",
        advisory="python-markdown2 #402 (ReDoS reported by NTT): _do_headers' _h_re on a long run of spaces"
        " followed by a character",
        function="markdown2:markdown",
        complexity="quadratic",
        prefix="",
        pump=" ",
        k=40000,
        suffix="$",
        half="held-out-2",
    ),
    Bug(
        id="mistune-emphasis",
        package="mistune",
        version="2.0.2",
        fixed="2.0.3",
        advisory="CVE-2022-34749 (GHSA-fw3v-x4f2-v673): the inline emphasis regex, where a backslash is both an"
        " escape and an ordinary character, on an unclosed '*' with backslashes",
        function="mistune:html",
        complexity="exponential",
        prefix="*",
        pump="\\",
        k=34,
        suffix="",
        half="held-out-2",
        shape="fix",
    ),
    Bug(
        id="mpmath-mpmathify",
        package="mpmath",
        version="1.2.1",
        fixed="1.3.0",
        advisory="CVE-2021-29063 (mpmath #548): mpmathify's complex-number regex \\d*\\.?\\d* on a long run of digits",
        function="mpmath:mpmathify",
        complexity="polynomial",
        prefix="(",
        pump="1",
        k=150,
        suffix="j!",
        half="held-out-2",
        note="raises after the slow match (in both releases: the string is not a number)",
    ),
    Bug(
        id="pydantic-name-email",
        package="pydantic",
        version="1.10.12",
        fixed="1.10.13",
        advisory="CVE-2024-3772 (GHSA-mr82-8j83-vxmv): validate_email's pretty_email_regex on a crafted e-mail string",
        function="pydantic.networks:validate_email",
        complexity="quadratic",
        prefix="",
        pump=" ",
        k=40000,
        suffix="",
        half="held-out-2",
        shape="fix",
        needs=("typing_extensions==4.12.2", "email-validator==2.0.0", "dnspython==2.6.1", "idna==3.7"),
        note="the fix rejects addresses longer than 2048 characters before the regex; raises ValidationError"
        " after the slow match: slow, then raised",
    ),
    Bug(
        id="tornado-cookie",
        package="tornado",
        version="6.4.1",
        fixed="6.4.2",
        advisory="CVE-2024-52804 (GHSA-8w49-h785-mj3c; CPython's CVE-2024-7592): parse_cookie's _unquote_cookie"
        " on a quoted value with many backslash escapes",
        function="tornado.httputil:parse_cookie",
        complexity="quadratic",
        prefix='a="',
        pump="\\\\",
        k=15000,
        suffix='"',
        half="held-out-2",
        shape="fix",
        note="old stdlib code on PyPI: 6.4.1's _unquote_cookie is Python 3.5's http.cookies._unquote, copied verbatim",
    ),
    Bug(
        id="ua-parser-smartwatch",
        package="ua-parser",
        version="0.9.0",
        fixed="0.10.0",
        advisory="GHSA-cmcx-xhr8-3w9p (uap-core <= 0.7.2, in ua-parser before 0.10.0): the SmartWatch device"
        " regex on a long run of spaces",
        function="ua_parser.user_agent_parser:ParseDevice",
        complexity="cubic",
        prefix="SmartWatch(",
        pump=" ",
        k=1500,
        suffix="x",
        half="held-out-2",
        shape="fix",
    ),
    Bug(
        id="validators-domain",
        package="validators",
        version="0.12.5",
        fixed="0.12.6",
        advisory="CVE-2019-19588: validators.domain's regex, whose label alternatives overlap",
        function="validators:domain",
        complexity="exponential",
        prefix="",
        pump="ab.",
        k=21,
        suffix="1",
        half="held-out-2",
        shape="fix",
        needs=("decorator==4.4.2", "six==1.16.0"),
    ),
    # held-out-3 (module doc, SPLIT-3): fixed on 2026-11-30 before any perfkit run, never tuned on
    Bug(
        id="configobj-validator-check",
        package="configobj",
        version="5.0.8",
        fixed="5.0.9",
        advisory="CVE-2023-26112 (GHSA-c33w-24p9-8m24, configobj #232): validate's check-string regex"
        " (.+?)\\((.*)\\) on a check with many '(' and no ')'",
        function="configobj.validate:Validator.check",
        complexity="quadratic",
        prefix="a",
        pump="(",
        k=24000,
        suffix="",
        half="held-out-3",
        needs=("six==1.16.0",),
        note="the advisory's input also puts '\\x00' * n + ')' before the '(' run (linear work only);"
        " raises VdtUnknownCheckError after the slow match: slow, then raised",
    ),
    Bug(
        id="gitpython-fetch-info",
        package="gitpython",
        version="3.1.26",
        fixed="3.1.27",
        advisory="SNYK-PYTHON-GITPYTHON-2407255 (GitPython #1410, 'fix low risk regex vulnerability'):"
        " FetchInfo._re_fetch_result, whose reference-name group and the spaces after it overlap",
        function="git.remote:FetchInfo._from_line",
        complexity="cubic",
        prefix="= a",
        pump=" ",
        k=1050,
        suffix="",
        half="held-out-3",
        shape="fix",
        needs=("gitdb==4.0.11", "smmap==5.0.1"),
        note="raises ValueError after the slow match: slow, then raised",
    ),
    Bug(
        id="mechanize-basic-auth",
        package="mechanize",
        version="0.4.5",
        fixed="0.4.6",
        advisory="CVE-2021-32837 (GHSL-2021-108, PYSEC-2023-25): AbstractBasicAuthHandler.rx, mechanize's fork"
        " of Python 2's urllib2 (CPython's own copy is CVE-2020-8492), on a WWW-Authenticate header with many commas",
        function="mechanize._urllib2_fork:AbstractBasicAuthHandler.http_error_auth_reqed",
        complexity="exponential",
        prefix="Basic ",
        pump=",",
        k=22,
        suffix="A",
        half="held-out-3",
        shape="fix",
        needs=("html5lib==1.1", "six==1.16.0", "webencodings==0.5.1"),
        note="old stdlib code on PyPI: the handler is Python 2's urllib2.AbstractBasicAuthHandler as forked by"
        " mechanize. Its regex is the one of the tuning bug future-urllib-basic-auth (future's copy of the same"
        " stdlib code), reached here through another library's call path",
    ),
    Bug(
        id="pyasn1-long-tag",
        package="pyasn1",
        version="0.6.3",
        fixed="0.6.4",
        advisory="CVE-2026-59884 (GHSA-m4p7-r5rc-7g4j): the BER decoder accumulates a long-form tag ID of any"
        " number of continuation octets into one integer (shifted once per octet)",
        function="pyasn1.codec.ber.decoder:decode",
        complexity="quadratic",
        prefix="\x1f",
        pump="\x81",
        k=140000,
        suffix="\x01\x00",
        half="held-out-3",
        note="not a regex: big-integer shifts. raises after the slow loop (unknown tag): slow, then raised",
    ),
    Bug(
        id="pyasn1-oid-arcs",
        package="pyasn1",
        version="0.6.3",
        fixed="0.6.4",
        advisory="CVE-2026-59885 (GHSA-8ppf-4f7h-5ppj): the OBJECT IDENTIFIER decoder appends each arc by tuple"
        " concatenation, on an OID of many one-octet arcs",
        function="pyasn1.codec.ber.decoder:decode",
        complexity="quadratic",
        prefix="\x06\x83\x00\xa4\x10",
        pump="\x01",
        k=42000,
        suffix="",
        half="held-out-3",
        shape="fix",
        note="not a regex: tuple concatenation. The prefix is the OID tag and a long-form length that counts the"
        " k arcs (k = 0x00a410)",
    ),
    Bug(
        id="pylint-pyreverse-visibility",
        package="pylint",
        version="2.6.2",
        fixed="2.7.0",
        advisory="pylint #3828 ('fix vulnerable regexes to avoid potential ReDoS', rebased from #3816): pyreverse's"
        " SPECIAL and PRIVATE name regexes, whose adjacent [^\\W_]+ and \\w* overlap, on a long name that fails"
        " both",
        function="pylint.pyreverse.utils:get_visibility",
        complexity="quadratic",
        prefix="__",
        pump="a",
        k=12500,
        suffix="!",
        half="held-out-3",
        shape="fix",
    ),
    Bug(
        id="pymdownx-caption",
        package="pymdown-extensions",
        version="10.16",
        fixed="10.16.1",
        advisory="PYSEC-2026-1825 (pymdown-extensions #2716): the caption block's figure-number regex, whose"
        " unescaped '.' overlaps the digits, on a long run of digits that does not end the argument",
        function="pymdownx.blocks.caption:makeExtension",
        complexity="exponential",
        prefix="x\n\n/// caption | ",
        pump="1",
        k=36,
        suffix="a\ny\n///\n",
        half="held-out-3",
        needs=("markdown==3.8", "pyyaml==6.0.1"),
    ),
    Bug(
        id="pymdownx-caret",
        package="pymdown-extensions",
        version="11.0",
        fixed="11.0.1",
        advisory="CVE-2026-67422 (GHSA-gm37-52c6-37mw): the caret, tilde, BetterEm and MagicLink inline regexes,"
        " whose content group splits a run of delimiters in exponentially many ways",
        function="pymdownx.caret:makeExtension",
        complexity="exponential",
        prefix="^a",
        pump="^",
        k=37,
        suffix="",
        half="held-out-3",
        shape="fix",
        needs=("markdown==3.8", "pyyaml==6.0.1"),
    ),
    Bug(
        id="pypdf-startxref-rebuild",
        package="pypdf",
        version="6.5.0",
        fixed="6.6.0",
        advisory="PYSEC-2026-1828 (pypdf #3594, 'possible long runtimes for malformed startxref'): rebuilding the"
        " cross-reference table runs a regex whose leading whitespace run backtracks, on a file with lots of"
        " whitespace and an invalid startxref",
        function="pypdf:PdfReader",
        complexity="quadratic",
        prefix="%PDF-1.4\n",
        pump=" ",
        k=16000,
        suffix="\nstartxref\n999999\n%%EOF\n",
        half="held-out-3",
    ),
    Bug(
        id="pypdf-xref-recovery",
        package="pypdf",
        version="6.13.3",
        fixed="6.14.0",
        advisory="pypdf advisory 'long runtimes, repeated malformed xref entries' (fixed in 6.14.0 by pypdf #3887,"
        " 'speed up recovery when reading broken cross-reference table'): every malformed xref entry copies the"
        " whole file and searches it",
        function="pypdf:PdfReader",
        complexity="quadratic",
        prefix="%PDF-1.4\nxref\n0 11000\n",
        pump="xxxxxxxxxxxxxxxxxxx\n",
        k=11000,
        suffix="trailer\n<< /Size 11000 >>\nstartxref\n9\n%%EOF\n",
        half="held-out-3",
        shape="fix",
        note="not a regex per entry but a full-file copy and search per entry. The xref table starts at byte 9"
        " and its subsection header counts the k entries",
    ),
    Bug(
        id="pypdf2-end-line",
        package="pypdf2",
        version="1.27.8",
        fixed="1.27.9",
        advisory="CVE-2023-36810 (GHSA-jrm6-h9cq-8gqw, PyPDF2 #808): readNextEndLine builds the last line"
        " backwards one byte at a time by string concatenation",
        function="PyPDF2:PdfFileReader",
        complexity="quadratic",
        prefix="%PDF-1.4\n",
        pump="0",
        k=350000,
        suffix="",
        half="held-out-3",
        shape="fix",
        note="not a regex: bytes concatenation. raises PdfReadError (no %%EOF) after the slow scan: slow, then raised",
    ),
    Bug(
        id="starlette-range-header",
        package="starlette",
        version="0.49.0",
        fixed="0.49.1",
        advisory="CVE-2025-62727 (GHSA-7f5h-v6xp-fcq8): FileResponse's Range header parsing, the findall of"
        " (\\d*)-(\\d*) (named in the advisory) and the range merging, both O(n^2)",
        function="starlette.responses:FileResponse._parse_range_header",
        complexity="quadratic",
        prefix="bytes=",
        pump="1",
        k=17000,
        suffix="",
        half="held-out-3",
        shape="fix",
        needs=("anyio==4.4.0", "sniffio==1.3.1", "idna==3.7", "typing_extensions==4.12.2"),
        note="raises MalformedRangeHeader after the slow findall: slow, then raised",
    ),
    Bug(
        id="waitress-header-field",
        package="waitress",
        version="1.4.2",
        fixed="1.4.3",
        advisory="CVE-2020-5236 (PYSEC-2020-155): the RFC 7230 header-field regex, a repeated field-content group"
        " that splits a run of visible characters in exponentially many ways, on a header value ending in an"
        " invalid character ('Bad-header: xxxxxxxxxxxxxxx\\x10')",
        function="waitress.parser:HTTPRequestParser.received",
        complexity="exponential",
        prefix="GET / HTTP/1.1\r\nX: ",
        pump="x",
        k=30,
        suffix="\x10\r\n\r\n",
        half="held-out-3",
        note="the advisory's header name 'Bad-header' is 'X' here (the name is matched before the backtracking"
        " part); a bad request is recorded on the parser, not raised",
    ),
    Bug(
        id="werkzeug-multipart-crlf",
        package="werkzeug",
        version="3.0.0",
        fixed="3.0.1",
        advisory="CVE-2023-46136 (GHSA-hrfv-mqp8-q5rw): a multipart/form-data part that starts with CR or LF and"
        " then megabytes without one: every chunk re-searches the whole growing buffer",
        function="werkzeug.formparser:parse_form_data",
        complexity="quadratic",
        prefix='--b\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n\n',
        pump="a",
        k=15000000,
        suffix="\r\n--b--\r\n",
        half="held-out-3",
        needs=("markupsafe==2.1.5",),
        note="not a regex: bytes.find over the buffer once per 64 KiB chunk",
    ),
    # held-out-4 (module doc, SPLIT-4): fixed on 2026-11-30 before any perfkit run, never tuned on
    Bug(
        id="backports-tarfile-pax-digits",
        package="backports.tarfile",
        version="1.2.0",
        fixed="none: 1.2.0 is the backport's last release (CPython fixed its own tarfile in 3.12.6 and 3.11.10, after"
        " it; the stdlib copy of this machine's 3.11.7 still has the bug)",
        advisory="CVE-2024-6232 (CPython gh-121285, 'Remove backtracking when parsing tarfile headers') in"
        " backports.tarfile, CPython's tarfile copied to PyPI: _proc_pax searches the pax extended header for"
        " \\d+ hdrcharset= from every position, on a header that is a long run of digits",
        function="backports.tarfile:TarFile._proc_pax",
        complexity="quadratic",
        prefix=ustar_header("././@PaxHeader", size=TAR_DIGITS, kind=tarfile.XHDTYPE),
        pump="1",
        k=TAR_DIGITS,
        suffix="\0" * (-TAR_DIGITS % 512) + ustar_header("a") + "\0" * 1024,
        half="held-out-4",
        shape="fix",
        note="old stdlib code on PyPI. The prefix is the ustar header of a pax extended header whose size field counts"
        " the k digits; the suffix pads the digits to a block and adds one empty member and the end of the archive",
    ),
    Bug(
        id="cleo-table-style-tag",
        package="cleo",
        version="1.0.0a5",
        fixed="2.0.0",
        advisory="CVE-2022-42966 (GHSA-2p9h-ccw7-33gf, cleo #284, fixed by #285): Table's style-tag regex"
        " ^<(\\w+|(\\w+=[\\w,]+;?)*)>.+</...>$, whose repeated name=value group splits a run of word characters in"
        " exponentially many ways, on a styled cell of a table given to Table.set_rows",
        function="cleo.ui.table:Table.render",
        complexity="exponential",
        prefix="<a",
        pump="=aaa",
        k=23,
        suffix="!",
        half="held-out-4",
        shape="fix",
        needs=("crashtest==0.3.1", "pylev==1.4.0"),
        fixed_needs=("rapidfuzz==2.15.2",),
    ),
    Bug(
        id="commonmark-backtick-runs",
        package="commonmark",
        version="0.9.1",
        fixed="none: commonmark.py is unmaintained; 0.9.2, its last release, keeps the scan",
        advisory="commonmark.js #129 ('Pathological inputs': backticks, fixed in cmark by 8ed5c9d; the pumped shape"
        " is markdown-it #733's) in commonmark.py, commonmark.js's Python port: every backtick run that opens a"
        " code span scans all later runs for a closer of its length",
        function="commonmark.inlines:InlineParser.parseBackticks",
        complexity="quadratic",
        prefix="",
        pump="\\``",
        k=1800,
        suffix="",
        half="held-out-4",
        shape="fix",
        note="not a regex: a forward scan of the backtick runs per opener (each escaped '`' leaves a run of one"
        " that only runs of two follow)",
    ),
    Bug(
        id="commonmark-emphasis-multiple-of-3",
        package="commonmark",
        version="0.9.1",
        fixed="none: commonmark.py is unmaintained; 0.9.2, its last release, keeps the loop",
        advisory="commonmark.js #129 ('Pathological inputs': openers and closers multiple of 3, 'a**b' + 'c* ' * n;"
        " cmark #178) in commonmark.py, commonmark.js's Python port: processEmphasis walks the delimiter stack back"
        " for every closer that finds no opener",
        function="commonmark.inlines:InlineParser.processEmphasis",
        complexity="quadratic",
        prefix="a**b",
        pump="c* ",
        k=3400,
        suffix="",
        half="held-out-4",
        note="not a regex: a walk of the delimiter stack per closer",
    ),
    Bug(
        id="commonmark-unclosed-links",
        package="commonmark",
        version="0.9.1",
        fixed="none: commonmark.py is unmaintained; 0.9.2, its last release, keeps the scan",
        advisory="commonmark.js #129 ('Pathological inputs': unclosed inline links, '[a](b' * n; cmark #214, #218) in"
        " commonmark.py, commonmark.js's Python port: every '](' scans the link destination to the end of the text",
        function="commonmark.inlines:InlineParser.parseLinkDestination",
        complexity="quadratic",
        prefix="",
        pump="[a](b",
        k=900,
        suffix="",
        half="held-out-4",
        note="not a regex: the hand-written destination scan, once per bracket",
    ),
    Bug(
        id="dulwich-pkt-line-slices",
        package="dulwich",
        version="1.2.14",
        fixed="1.2.15",
        advisory="dulwich #2408 (fixed by #2410, 'protocol: Avoid quadratic cost in PktLineParser.parse'): parse"
        " drops each pkt-line it reads by slicing the buffer, a copy of the rest, so one call is quadratic in the"
        " number of pkt-lines it holds",
        function="dulwich.protocol:PktLineParser.parse",
        complexity="quadratic",
        prefix="",
        pump="0000",
        k=220000,
        suffix="",
        half="held-out-4",
        shape="fix",
        note="not a regex: a bytes slice per pkt-line. The pump is a flush-pkt, the shortest pkt-line",
    ),
    Bug(
        id="eml-parser-received-parens",
        package="eml-parser",
        version="3.0.1",
        fixed="3.0.2",
        advisory="GHSA-g7gc-gmgp-wgqg (eml_parser #90, 'Quadratic complexity DoS in routing.noparenthesis() via deeply"
        " nested parens in Received headers'): noparenthesis removes the innermost '(...)' pairs of the whole line"
        " once per pass, until a pass changes nothing",
        function="eml_parser.routing:noparenthesis",
        complexity="quadratic",
        prefix="Received: from x " + "(" * 13500,
        pump=")",
        k=13700,
        suffix=" by y; Mon, 30 Nov 2026 05:00:00 +0000\r\nSubject: x\r\n\r\nbody\r\n",
        half="held-out-4",
        needs=(
            "charset-normalizer==3.3.2",
            "publicsuffixlist==1.0.2.20260918",
            "python-dateutil==2.9.0",
            "six==1.16.0",
        ),
        note="not a regex: one pass of a linear substitution over the whole line per nesting level. The opening"
        " parentheses are held at 13500 in the prefix (the exploit is prefix + pump * k + suffix); the closing ones"
        " are pumped",
    ),
    Bug(
        id="linkify-email-scan",
        package="linkify-it-py",
        version="2.1.0",
        fixed="2.1.1",
        advisory="CVE-2026-48801 (linkify-it 5.0.1's scan-loop fix, ported by linkify-it-py #82): LinkifyIt.match runs"
        " the whole test again on the rest of the text after every link it finds ('a@b.com ' repeated, the fix's"
        " benchmark)",
        function="linkify_it.main:LinkifyIt.match",
        complexity="quadratic",
        prefix="",
        pump="a@b.com ",
        k=1500,
        suffix="",
        half="held-out-4",
        needs=("uc-micro-py==1.0.3",),
        note="not a regex: the match loop rescans the remaining text once per link found",
    ),
    Bug(
        id="linkify-mailto-tail",
        package="linkify-it-py",
        version="2.1.0",
        fixed="2.1.1",
        advisory="CVE-2026-59887 (linkify-it 5.0.2's scan-length caps, ported by linkify-it-py #82): at every"
        " 'mailto:' the validator copies the rest of the text and searches the copy ('mailto:' repeated, the fix's"
        " benchmark)",
        function="linkify_it.main:LinkifyIt.match",
        complexity="quadratic",
        prefix="",
        pump="mailto:",
        k=11000,
        suffix="",
        half="held-out-4",
        needs=("uc-micro-py==1.0.3",),
        note="a copy of the rest of the text and a search of it per occurrence: a quadratic scan, no backtracking",
    ),
    Bug(
        id="marko-line-break",
        package="marko",
        version="2.2.3",
        fixed="2.2.4",
        advisory="marko #219 ('marko.parse has quadratic time for some input', 'X' + ' ' * n): the line-break pattern"
        " ( *|\\\\)\\n(?!\\Z) is tried from every position of a run of spaces that no newline ends",
        function="marko.inline:InlineElement.find",
        complexity="quadratic",
        prefix="X",
        pump=" ",
        k=25000,
        suffix="",
        half="held-out-4",
    ),
    Bug(
        id="mistletoe-github-wiki",
        package="mistletoe",
        version="1.5.1",
        fixed="1.6.0",
        advisory="mistletoe #249 ('Protential ReDoS bug in github_wiki.py', fixed by #276): the wiki-link pattern"
        " \\[\\[ *(.+?) *\\| *(.+?) *\\]\\], whose ' *' runs and lazy groups share the spaces on both sides of the"
        " '|', on '[[' + ' ' * n + '|' + ' ' * n + ']' (no closing ']]')",
        function="mistletoe.contrib.github_wiki:GithubWiki",
        complexity="polynomial",
        prefix="[[" + " " * 80 + "|",
        pump=" ",
        k=130,
        suffix="]",
        half="held-out-4",
        note="the issue pumps both runs of spaces; here the first is held at 80 (the exploit is prefix + pump * k +"
        " suffix) and the second pumped",
    ),
    Bug(
        id="pip-wheel-filename",
        package="pip",
        version="22.2.2",
        fixed="22.3",
        advisory="pip #11422 ('Patch non-exploitable ReDoS vulnerability in wheel_file regex', reported to the PSRT;"
        " its PoC is Wheel('-' * 10000)): pip's wheel file name regex, whose lazy .+? name, version, tag groups all"
        " take '-', on a name of dashes",
        function="pip._internal.models.wheel:Wheel",
        complexity="polynomial",
        prefix="",
        pump="-",
        k=118,
        suffix="",
        half="held-out-4",
        note="raises InvalidWheelFilename after the slow match: slow, then raised. The regex is pip's own, of the same"
        " family as the tuning bug wheel-filename's (another package's wheel name regex)",
    ),
    Bug(
        id="soupsieve-quoted-value",
        package="soupsieve",
        version="2.8.3",
        fixed="2.8.4",
        advisory="CVE-2026-49477 (GHSA-836r-79rf-4m37): the CSS selector parser's quoted-value pattern"
        ' "(?:\\\\.|[^\\\\"]+)*?" nests a quantifier, on an attribute selector with an unterminated quoted value'
        " ('[a=\"xxxx...')",
        function="soupsieve.css_parser:CSSParser.parse_selectors",
        complexity="exponential",
        prefix='[a="',
        pump="x",
        k=25,
        suffix="",
        half="held-out-4",
        needs=("beautifulsoup4==4.12.3",),
        note="raises SelectorSyntaxError after the slow match: slow, then raised",
    ),
    Bug(
        id="xhtml2pdf-rgb-color",
        package="xhtml2pdf",
        version="0.2.16",
        fixed="none: 0.2.17, the advisory's fix, only gives up on values longer than 100 characters and keeps the"
        " regex, so the exploit (shorter) is as slow there",
        advisory="CVE-2024-25885 (getColor in xhtml2pdf's util.py, fixed for long inputs in 0.2.17): the rgb() pattern"
        " ^.*?rgb[a]?[(]([0-9]+).*?([0-9]+).*?([0-9]+)(?:.*?...)?[)]... splits a run of digits between its groups"
        " in polynomially many ways when no ')' follows",
        function="xhtml2pdf.util:getColor",
        complexity="polynomial",
        prefix="rgb(",
        pump="1",
        k=63,
        suffix="",
        half="held-out-4",
        shape="regex",
        needs=(
            "reportlab==4.0.9",
            "pillow==10.4.0",
            "arabic-reshaper==3.0.0",
            "python-bidi==0.4.2",
            "html5lib==1.1",
            "six==1.16.0",
            "webencodings==0.5.1",
        ),
        note="raises ValueError (not a color) after the slow match: slow, then raised",
    ),
)

BY_ID = {bug.id: bug for bug in BUGS}


UNSEEN = (HELD_OUT_4,)  # the parts nobody has looked at yet: searched only in the final run (module doc, SPLIT-4)


def half(name: str) -> list[Bug]:
    """The bugs of a part (one of HALVES), of every part already looked at
    ("seen": all but UNSEEN), or all of them ("all")."""
    if name == "all":
        return list(BUGS)
    if name == "seen":
        return [bug for bug in BUGS if bug.half not in UNSEEN]
    return [bug for bug in BUGS if bug.half == name]


def split_rule() -> dict[str, str]:
    """The part each package gets by the stated rules: HELD_OUT_2_PACKAGES are "held-out-2", HELD_OUT_3_PACKAGES
    "held-out-3", HELD_OUT_4_PACKAGES "held-out-4"; the other packages, sorted by name, alternate tuning, held-out,
    ..."""
    later = HELD_OUT_2_PACKAGES | HELD_OUT_3_PACKAGES | HELD_OUT_4_PACKAGES
    first = sorted({bug.package for bug in BUGS} - later)
    rule = {package: HALVES[i % 2] for i, package in enumerate(first)}
    rule.update(dict.fromkeys(HELD_OUT_2_PACKAGES, HELD_OUT_2))
    rule.update(dict.fromkeys(HELD_OUT_3_PACKAGES, HELD_OUT_3))
    rule.update(dict.fromkeys(HELD_OUT_4_PACKAGES, HELD_OUT_4))
    return rule
