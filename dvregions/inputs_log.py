"""The inputs log: how the build learns which data files a notebook read.

The contract, defined here and nowhere else: while the build executes a notebook, the
environment variable :data:`ENV_VAR` holds the path of a log file; the data loader appends
the absolute path of every file it reads to it, one per line. The kernel inherits the
variable from the build process. When the variable is unset (a reader running a notebook in
JupyterLab), nothing is logged.

This module imports nothing from the package, so the loader and the build can both use it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV_VAR = "DVREGIONS_INPUTS_LOG"
"""Name of the environment variable holding the log file's path."""


def record_read(path: Path) -> None:
    """Append ``path`` (made absolute) to the inputs log, if one is being kept."""
    log = os.environ.get(ENV_VAR)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{Path(path).resolve()}\n")


@contextmanager
def logging_reads_to(log_path: Path) -> Iterator[Path]:
    """Set :data:`ENV_VAR` to ``log_path`` for the duration, restoring the previous value after.

    Kernels started inside the block inherit the variable, so their loader writes to ``log_path``.
    """
    previous = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = str(log_path)
    try:
        yield log_path
    finally:
        if previous is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous


def read_log(log_path: Path) -> list[Path]:
    """Unique files listed in the inputs log, in the order first read (empty if there is no log)."""
    if not log_path.exists():
        return []
    seen: dict[str, None] = {}
    for line in log_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            seen.setdefault(line.strip(), None)
    return [Path(line) for line in seen]
