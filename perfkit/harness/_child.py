"""Entry point of a sandboxed child: ``python -m perfkit.harness._child module:function FD``.

Takes the parent's ``sys.path`` and then the pickled payload from stdin, applies the memory limit, calls
``function(payload, emit)`` and reports anything that escapes it as a ``{"kind": "crash"}`` message.
"""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import traceback


def _apply_memory_limit() -> None:
    limit = os.environ.pop("PERFKIT_MEMORY_LIMIT", "")
    if limit and sys.platform != "win32":
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (int(limit), int(limit)))


def main(argv: list[str]) -> int:
    from perfkit.harness.sandbox import write_frame

    entry, fd = argv[1], int(argv[2])
    module_name, _, function_name = entry.partition(":")

    def emit(message: object) -> None:
        write_frame(fd, message)

    try:
        function = getattr(importlib.import_module(module_name), function_name)
        parent_path = pickle.load(sys.stdin.buffer)
        sys.path[:] = parent_path + [entry for entry in sys.path if entry not in parent_path]
        payload = pickle.load(sys.stdin.buffer)
        _apply_memory_limit()
        function(payload, emit)
    except BaseException as exc:
        emit(
            {
                "kind": "crash",
                "type": type(exc).__name__,
                "message": str(exc).strip().splitlines()[0] if str(exc).strip() else "",
                "traceback": traceback.format_exc(),
            }
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
