"""The measurement harness: worker processes, calibration, time limits with censoring, counters, cost."""
