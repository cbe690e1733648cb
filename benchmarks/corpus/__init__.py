"""The real-code corpus: the manifest of PyPI functions and halves (``manifest``), our input generators."""
