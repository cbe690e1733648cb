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
the advisory's or its fix's test, "fix" when the shape is read off the regex the fix changed (the advisory only
names the component), "regex" when there is no fix to read and the shape is read off the regex of the component
the advisory names. Each exploit was checked to be slow on ``version`` and fast on ``fixed``, except where
``fixed`` says there is no fix.

The halves were fixed on 2026-11-29 (SPLIT_DATE) before any run, by package: the packages, sorted by name,
alternate tuning, held-out, tuning, ... (all bugs of one package share its half). perfkit may be tuned on the
tuning half only; no test or example may use a held-out bug.
"""

from __future__ import annotations

from dataclasses import dataclass

SPLIT_DATE = "2026-11-29"
HALVES = ("tuning", "held-out")


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
)

BY_ID = {bug.id: bug for bug in BUGS}


def half(name: str) -> list[Bug]:
    """The bugs of a half ("tuning", "held-out"), or all of them ("all")."""
    return list(BUGS) if name == "all" else [bug for bug in BUGS if bug.half == name]


def split_rule() -> dict[str, str]:
    """The half each package gets by the stated rule: sorted package names alternate tuning, held-out, ..."""
    packages = sorted({bug.package for bug in BUGS})
    return {package: HALVES[i % 2] for i, package in enumerate(packages)}
