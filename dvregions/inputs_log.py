"""The inputs log: how the build learns which data files a notebook read and which modules it imported.

Data files. The contract, defined here and nowhere else: while the build executes a notebook,
the environment variable :data:`ENV_VAR` holds the path of a log file; the data loader appends
the absolute path of every file it reads to it, one per line. The kernel inherits the
variable from the build process. When the variable is unset (a reader running a notebook in
JupyterLab), nothing is logged.

Modules. After the notebook's last cell the build runs :data:`IMPORTED_FILES_CODE` in the same
kernel, as a cell it does not store; the cell prints the files of every module the kernel has
imported, and :func:`imported_files` reads them back from its outputs. The build keeps those
that are package files, so a module no notebook imports is no notebook's input.

This module imports nothing from the package, so the loader and the build can both use it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV_VAR = "DVREGIONS_INPUTS_LOG"
"""Name of the environment variable holding the log file's path."""

IMPORTED_FILES_CODE = (
    "import json as _dvregions_json, sys as _dvregions_sys\n"
    "print(_dvregions_json.dumps(sorted({_m.__file__ for _m in list(_dvregions_sys.modules.values())\n"
    "                                   if isinstance(getattr(_m, '__file__', None), str)})))"
)
"""Kernel code printing, as one JSON list, the file of every module imported so far."""


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


def imported_files(outputs: list[dict]) -> list[Path]:
    """The module files printed by a cell that ran :data:`IMPORTED_FILES_CODE`, from its outputs.

    Parameters
    ----------
    outputs
        The cell's outputs, as nbformat stores them.

    Returns
    -------
    list of Path
        The printed files, in the order printed.

    Raises
    ------
    ValueError
        If the cell printed anything but one JSON list.
    """
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = output.get("text", "")
            parts.append(text if isinstance(text, str) else "".join(text))
    text = "".join(parts)
    try:
        files = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the imported-modules cell printed no JSON list: {text[:200]!r}") from exc
    if not isinstance(files, list):
        raise ValueError(f"the imported-modules cell printed {type(files).__name__}, not a list")
    return [Path(name) for name in files]
