"""The pytest plugin's engine, testable without pytest: settings, the session, one measurement per metric, the
paired timing loop and the reports. ``perfkit.pytest_plugin`` only declares options and fixtures and hands off."""
