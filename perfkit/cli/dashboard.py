"""``perfkit dashboard``: write the static site of the results store, or serve it on localhost."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from perfkit.cli._common import check_output_dir, err


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "dashboard",
        help="write (or serve) a static site of speedups, fuzz results and perf-test history",
        description="Read the results store in DIR (default .perfkit) and write SITE/index.html with its assets.",
        epilog="examples:\n  perfkit dashboard\n  perfkit dashboard .perfkit --out site --serve --port 8765",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("dir", nargs="?", default=None, help="results folder or store file (default .perfkit)")
    parser.add_argument("--out", metavar="SITE", help="where to write the site (default DIR/site)")
    parser.add_argument("--serve", action="store_true", help="serve the site on 127.0.0.1 until interrupted")
    parser.add_argument("--port", type=int, default=8000, help="port for --serve (default 8000; 0 picks one)")
    parser.set_defaults(handler=cmd_dashboard)


def cmd_dashboard(options: argparse.Namespace) -> int:
    from perfkit.dashboard.load import load
    from perfkit.dashboard.site import serve, write_site
    from perfkit.errors import InvalidArgument

    if options.dir is not None and not Path(options.dir).exists():  # a typo; a missing default gives the help page
        raise InvalidArgument(
            "DIR", options.dir, "no such folder or store file; give the results folder, e.g. .perfkit"
        )
    options.dir = options.dir or ".perfkit"
    source = Path(options.dir)
    check_output_dir("--out", options.out)
    if source.exists() and source.is_file() and source.suffix != ".sqlite":
        raise InvalidArgument("DIR", options.dir, "give the results folder (e.g. .perfkit) or its results.sqlite")
    if not 0 <= options.port <= 65535:
        raise InvalidArgument("--port", options.port, "give a port between 0 and 65535")
    site = (
        Path(options.out)
        if options.out
        else (source if source.is_dir() or not source.suffix else source.parent) / "site"
    )
    data = load(source)
    index = write_site(data, site)
    summary = (
        "empty store: the page says how to produce results"
        if data.empty
        else (
            f"{len(data.optimize_runs)} optimize run(s), {len(data.tests)} perf test metric(s), "
            f"{len(data.fuzz_results)} fuzz result(s)"
        )
    )
    print(f"wrote {index} ({summary})")
    if options.serve:
        server = serve(site, port=options.port)
        host, port = str(server.server_address[0]), server.server_address[1]
        print(f"serving http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err("stopped")
        finally:
            server.server_close()
    return 0
