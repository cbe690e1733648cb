"""The command line's phase display: counted events become bars on a terminal and plain lines in logs."""

from __future__ import annotations

import pytest

from perfkit.cli._common import steps
from perfkit.progress import Step


def test_without_a_terminal_every_event_is_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    with steps() as progress:
        progress("profiling the workload")
        progress(Step("functions", 1, 3))
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["perfkit: profiling the workload", "perfkit: functions: 1/3"]


def test_on_a_terminal_counted_events_draw_one_bar_per_phase(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    with steps() as progress:
        progress("capturing [real] arguments")  # brackets are text, not rich markup
        for done in range(4):
            progress(Step("functions", done, 3))
        progress(Step("pipeline", 2, 8))
    err = capsys.readouterr().err
    assert "perfkit: capturing [real] arguments" in err
    assert "functions" in err and "3/3" in err
    assert "pipeline" in err and "2/8" in err
    assert "functions: " not in err  # events are bars, not lines
