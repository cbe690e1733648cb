"""backports.tarfile 1.2.0 (CPython's tarfile module, copied to PyPI): open a tar archive and list its members
(its characters are the archive's bytes, Latin-1)."""

import io

from backports import tarfile


def target(s: str) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(s.encode("latin-1"))) as archive:
        return archive.getnames()
