"""setuptools 65.5.0: collect the homepage/download links of a package index page."""

from setuptools.package_index import find_external_links


def target(s: str) -> list[str]:
    return list(find_external_links("https://example.com/simple/pkg/", s))
