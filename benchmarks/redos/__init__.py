"""The real-bug corpus: published super-linear bugs in old PyPI releases (``manifest``), their wrappers, fetching."""
