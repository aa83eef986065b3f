"""The inputs log: how the build learns which data files a notebook read and which modules it imported.

While the build executes a notebook, :data:`ENV_VAR` holds the path of a log file (the kernel inherits it), and the
loader appends every file it reads to it; unset (a notebook run in JupyterLab), nothing is logged. After the last
cell the build runs :data:`IMPORTED_FILES_CODE`, unstored, and :func:`imported_files` reads back the files of every
module imported, so a module no notebook imports is no notebook's input. This contract is defined here and nowhere
else, and this module imports nothing from the package, so the loader and the build can both use it.
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
    if log := os.environ.get(ENV_VAR):
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{Path(path).resolve()}\n")


@contextmanager
def logging_reads_to(log_path: Path) -> Iterator[Path]:
    """Set :data:`ENV_VAR` to ``log_path`` (for the kernels started meanwhile), then restore the previous value."""
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
    lines = log_path.read_text(encoding="utf-8").splitlines() if log_path.exists() else []
    return [Path(line) for line in dict.fromkeys(line.strip() for line in lines if line.strip())]


def imported_files(outputs: list[dict]) -> list[Path]:
    """The module files printed by a cell that ran :data:`IMPORTED_FILES_CODE`; ValueError if not one JSON list."""
    stdout = [output.get("text", "") for output in outputs
              if output.get("output_type") == "stream" and output.get("name") == "stdout"]
    text = "".join(part if isinstance(part, str) else "".join(part) for part in stdout)
    try:
        files = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the imported-modules cell printed no JSON list: {text[:200]!r}") from exc
    if not isinstance(files, list):
        raise ValueError(f"the imported-modules cell printed {type(files).__name__}, not a list")
    return [Path(name) for name in files]
