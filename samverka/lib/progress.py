"""A progress bar for the terminal, for commands that import or compute for long."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``bar(done, total)`` redraws one line; quiet when the output is not a terminal."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.started = time.monotonic()
        self.interactive = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.interactive or total <= 0:
            return
        share = min(done / total, 1.0)
        filled = int(share * self.width)
        elapsed = time.monotonic() - self.started
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{share:4.0%} {done}/{total} {elapsed:5.1f} s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
