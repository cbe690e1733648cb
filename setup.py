"""Builds perfkit's native core: every ``native/pk_*.c`` file goes into ``perfkit._native``."""

import sys
from glob import glob

from setuptools import Extension, setup

compile_args = [] if sys.platform == "win32" else ["-O2", "-std=gnu11", "-Wall", "-Wno-unused-function"]

setup(
    ext_modules=[
        Extension(
            "perfkit._native",
            sources=sorted(glob("native/pk_*.c")),
            include_dirs=["native"],
            depends=sorted(glob("native/*.h")),
            extra_compile_args=compile_args,
        )
    ]
)
