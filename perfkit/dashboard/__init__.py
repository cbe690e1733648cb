"""The dashboard: a static site (no network needed to view it) of optimize runs, fuzz results and perf tests."""
