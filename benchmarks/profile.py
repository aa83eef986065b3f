"""Where a chapter's execution time goes: each notebook in a fresh kernel, one after another.

    python benchmarks/profile.py [ROOT] [--json FILE]

Run with ``PYTHONPATH=ROOT`` so kernels import ROOT's package. Phases per notebook:
kernel start (launch until ready), imports (the notebook's own import statements), data
(``dvregions.data.load``: validation and reading), charts (Altair's ``_repr_mimebundle_``:
spec, spec validation and the static SVG), the rest of the cells, and kernel stop (as the
tree's build stops it). Nothing is written.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from pathlib import Path

PHASES = ("kernel start", "imports", "data", "charts", "other cells", "kernel stop")

# Run in the kernel after the notebook's imports and before its cells: time data.load and chart output.
INSTRUMENT = """
import time as _dv_time
_dv_phase = {"data": 0.0, "charts": 0.0}
def _dv_timed(owner, name, key):
    original = getattr(owner, name)
    def timed(*args, **kwargs):
        start = _dv_time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            _dv_phase[key] += _dv_time.perf_counter() - start
    setattr(owner, name, timed)
import dvregions.data, altair
_dv_timed(dvregions.data, "load", "data")
_dv_timed(altair.TopLevelMixin, "_repr_mimebundle_", "charts")
"""


def import_source(nb) -> str:
    """The top-level import statements of every code cell, in order."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        lines += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return "\n".join(dict.fromkeys(lines)) or "pass"


def _run(client, source: str) -> str:
    """Execute hidden code in the notebook's kernel; return its stdout."""
    from nbformat.v4 import new_code_cell

    cell = new_code_cell(source)
    client.nb.cells.append(cell)  # nbclient stores outputs at cells[index]: never overwrite the notebook's own
    try:
        client.execute_cell(cell, len(client.nb.cells) - 1, store_history=False)
    finally:
        client.nb.cells.pop()
    return "".join(out.get("text", "") for out in cell.outputs if out.get("output_type") == "stream")


def kernel_shutdown() -> str:
    """How the profiled tree's build stops a kernel: its ``KERNEL_SHUTDOWN``; trees without one shut down gracefully."""
    try:
        from dvbook.build import KERNEL_SHUTDOWN
    except ImportError:
        return "graceful"
    return KERNEL_SHUTDOWN


def profile_notebook(path: Path, shutdown: str = "graceful") -> dict[str, float]:
    """Seconds per phase for one notebook, executed as the build does (fresh kernel, its folder as cwd).

    ``shutdown`` is how the kernel is stopped at the end ("kernel stop").
    """
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=600, allow_errors=True, shutdown_kernel=shutdown,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    with client.setup_kernel():
        kernel = time.perf_counter() - start
        timing = "import time as _t\n_s = _t.perf_counter()\n{}\n{}\nprint(_t.perf_counter() - _s)"
        imports = float(_run(client, timing.format(import_source(nb), INSTRUMENT)).strip().splitlines()[-1])
        cells_start = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)
        cells = time.perf_counter() - cells_start
        phases = json.loads(_run(client, "import json\nprint(json.dumps(_dv_phase))"))
        stopping = time.perf_counter()
    end = time.perf_counter()
    total = end - start
    errors = sum(out.get("output_type") == "error" for cell in nb.cells for out in cell.get("outputs", []))
    return {"kernel start": kernel, "imports": imports, "data": phases["data"], "charts": phases["charts"],
            "other cells": cells - phases["data"] - phases["charts"], "kernel stop": end - stopping, "total": total,
            "errors": errors}


def profile_all(root: Path) -> dict[str, dict[str, float]]:
    shutdown = kernel_shutdown()
    return {path.name: profile_notebook(path, shutdown) for path in sorted((root / "notebooks").glob("*.ipynb"))}


def table(before: dict[str, float] | None, after: dict[str, float]) -> str:
    """Summed phases as a table; with ``before``, side by side."""
    lines = [f"{'phase':<14} {'before':>8} {'after':>8}" if before else f"{'phase':<14} {'seconds':>8}"]
    for phase in (*PHASES, "total"):
        cells = [f"{before.get(phase, 0):8.1f}"] if before else []
        lines.append(f"{phase:<14} {' '.join(cells + [f'{after.get(phase, 0):8.1f}'])}")
    return "\n".join(lines)


def summed(profile: dict[str, dict[str, float]]) -> dict[str, float]:
    return {phase: sum(p[phase] for p in profile.values()) for phase in (*PHASES, "total")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", default=".", type=Path)
    parser.add_argument("--json", type=Path, help="write the per-notebook phases here")
    args = parser.parse_args()
    profile = profile_all(args.root.resolve())
    if args.json:
        args.json.write_text(json.dumps(profile, indent=1) + "\n", encoding="utf-8")
    for name, phases in profile.items():
        print(name, " ".join(f"{k}={v:.2f}" for k, v in phases.items()), file=sys.stderr)
    print(table(None, summed(profile)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
