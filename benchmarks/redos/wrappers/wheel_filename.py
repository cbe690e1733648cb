"""wheel 0.37.1: open a wheel by its file name (the name is parsed before the file is opened)."""

from wheel.wheelfile import WheelFile


def target(s: str) -> str:
    with WheelFile(s) as wheel:
        return wheel.dist_info_path
