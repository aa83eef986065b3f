"""The chapters' execution and the Sphinx build beneath every edition: what is stale, running it, rendering.

A notebook's inputs are its code cells (source and kernel name), the package modules its
kernel imported and the data files it read, the last time it ran. Their hashes are stored in
the notebook's own metadata, so a fresh clone knows which notebooks are up to date without
any cache folder::

    metadata["dvregions"]["inputs"] = {
        "code": "<sha256 of kernel name and code sources>",
        "modules": {"dvregions/analysis.py": "<sha256>", ...},  # package files the kernel imported
        "data": {"data/regions.csv": "<sha256>", ...},          # data files the notebook read
    }

Both lists are recorded while the notebook runs, through the inputs log
(:mod:`dvregions.inputs_log`): the loader logs data reads, and a last cell the build does not
store prints the kernel's imported modules. A module no notebook imports (the Sphinx
extensions, the command line, this build tool) is no notebook's input, so editing it
re-executes nothing; editing a module re-executes exactly the notebooks that imported it.

The HTML is then built by Sphinx in this process, with the same configuration as
``jupyter-book build <root> -W -n --keep-going``. Sphinx re-reads only pages whose source
changed; when the package or a rendering library changed since the last successful build
(``_build/.dvregions-render``), every page is re-read, since Sphinx does not track extension code.

Heavy imports (nbclient, nbformat, Sphinx) stay inside functions so other commands
start fast.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dvregions import inputs_log

METADATA_KEY = "dvregions"
KERNEL_NAME = "python3"
NOTEBOOKS = "notebooks/*.ipynb"
DEFAULT_TIMEOUT = 600


# --------------------------------------------------------------------------- hashing


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's content."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _source(cell: dict) -> str:
    """Cell source as one string (raw JSON may store it as a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def code_fingerprint(nb: dict) -> str:
    """Hash of what execution depends on inside the notebook: kernel name and code sources.

    Markdown cells, outputs and metadata are left out, so editing prose never re-executes.
    """
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", KERNEL_NAME)
    sources = [_source(cell) for cell in nb.get("cells", []) if cell.get("cell_type") == "code"]
    payload = json.dumps({"kernel": kernel, "code": sources}, ensure_ascii=False)
    return sha256_bytes(payload.encode("utf-8"))


def project_files(root: Path, files: Iterable[Path]) -> list[Path]:
    """The files among ``files`` of the book's own code: under ``root``, outside any installed environment."""
    root = root.resolve()
    environments = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    found = {Path(name).resolve() for name in files}
    return sorted(path for path in found if path.is_relative_to(root) and path.suffix == ".py"
                  and not any(path.is_relative_to(env) for env in environments)
                  and not {"site-packages", "dist-packages", "__pycache__"} & set(path.parts))


def _module_file(root: Path, name: str) -> Path | None:
    """The file of module ``name`` under ``root`` (a module or a package), if it is there."""
    base = root.joinpath(*name.split("."))
    return next((path for path in (base.with_suffix(".py"), base / "__init__.py") if path.is_file()), None)


def _imported_names(path: Path) -> set[str]:
    """Every module name a file imports, anywhere in it (``from a import b`` gives ``a`` and ``a.b``)."""
    import ast

    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def render_files(root: Path) -> list[Path]:
    """What Sphinx runs of the book's own code: the extensions ``_config.yml`` names and all they import.

    Read from the code itself (its import statements, followed from module to module and to each
    package's ``__init__``), so a new extension or a new module a chart imports counts without a
    list to keep, and the build tool itself, which Sphinx never runs, does not.
    """
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    todo = list((config.get("sphinx") or {}).get("extra_extensions") or [])
    seen: set[Path] = set()
    while todo:
        name = todo.pop()
        path = _module_file(root, name)
        if path is None or path in seen:
            continue
        seen.add(path)
        todo += [*_imported_names(path), *(name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1))]
    return sorted(seen)


def files_fingerprint(root: Path, files: Iterable[Path]) -> str:
    """One hash over the relative paths and contents of ``files``."""
    lines = sorted(f"{rel_path(path, root)}\t{sha256_file(path)}" for path in files)
    return sha256_bytes("\n".join(lines).encode("utf-8"))


def rel_path(path: Path, root: Path) -> str:
    """POSIX path relative to ``root``; absolute if the file lies outside it."""
    path = Path(os.path.abspath(path))
    try:
        return path.relative_to(Path(os.path.abspath(root))).as_posix()
    except ValueError:
        return path.as_posix()


def file_hashes(root: Path, paths: Iterable[Path]) -> dict[str, str]:
    """``{relative path: sha256}`` of the files among ``paths`` that exist, sorted by path."""
    return dict(sorted((rel_path(path, root), sha256_file(path)) for path in paths if Path(path).is_file()))


def module_fingerprint(root: Path, imported: Iterable[Path]) -> dict[str, str]:
    """:func:`file_hashes` of the book's own modules among those a kernel imported (:func:`project_files`)."""
    return file_hashes(root, project_files(root, imported))


def _file_reasons(root: Path, kind: str, recorded: dict[str, str]) -> list[str]:
    """Reasons from files recorded with their hashes: each one missing or changed."""
    reasons = []
    for rel, sha in sorted(recorded.items()):
        path = Path(rel) if Path(rel).is_absolute() else root / rel
        if not path.is_file():
            reasons.append(f"{kind} {rel} missing")
        elif sha256_file(path) != sha:
            reasons.append(f"{kind} {rel} changed")
    return reasons


# --------------------------------------------------------------------------- staleness


@dataclass
class NotebookStatus:
    """Whether one notebook must be re-executed, and why."""

    path: Path
    rel: str
    reasons: list[str] = field(default_factory=list)

    @property
    def stale(self) -> bool:
        """Whether the notebook must be executed again."""
        return bool(self.reasons)


def find_notebooks(root: Path) -> list[Path]:
    """Notebooks of the book, sorted (Jupyter's checkpoint copies live in a folder of their own)."""
    return sorted(root.glob(NOTEBOOKS))


def stored_inputs(nb: dict) -> dict | None:
    """The fingerprint stored by the last execution, or None if there is none."""
    return nb.get("metadata", {}).get(METADATA_KEY, {}).get("inputs")


def staleness_reasons(nb: dict, root: Path) -> list[str]:
    """Why ``nb`` must run again; empty when its stored outputs are up to date."""
    inputs = stored_inputs(nb)
    if not inputs:
        return ["never executed"]
    reasons = []
    if inputs.get("code") != code_fingerprint(nb):
        reasons.append("code changed")
    if "modules" not in inputs:
        reasons.append("imported modules not recorded")
    reasons += _file_reasons(root, "module", inputs.get("modules", {}))
    reasons += _file_reasons(root, "data file", inputs.get("data", {}))
    return reasons


def notebook_statuses(root: Path) -> list[NotebookStatus]:
    """Status of every notebook (stale or not), reading files only."""
    root = Path(root).resolve()
    return [NotebookStatus(path, rel_path(path, root), staleness_reasons(json.loads(path.read_text("utf-8")), root))
            for path in find_notebooks(root)]


# --------------------------------------------------------------------------- execution


@dataclass
class ExecutionResult:
    """Outcome of executing one notebook."""

    rel: str
    seconds: float
    written: bool = False
    error: str | None = None


def renumber_execution_counts(nb) -> None:
    """Number executed code cells 1..n, so stored counts never depend on kernel history."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if not cell.source.strip():
            cell.execution_count = None
            continue
        count += 1
        cell.execution_count = count
        for output in cell.get("outputs", []):
            if output.get("output_type") == "execute_result":
                output["execution_count"] = count


def notebook_text(nb) -> str:
    """Serialise as Jupyter does: nbformat JSON, indent 1, trailing newline."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` atomically unless the file already holds exactly it."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def execute_notebook(path: Path, root: Path, timeout: int = DEFAULT_TIMEOUT, quiet: bool = False) -> ExecutionResult:
    """Run one notebook in a fresh kernel; store outputs and fingerprint if they changed.

    After the last cell, a cell that is not stored asks the kernel which modules it imported;
    the book's own modules among them are recorded as inputs.
    On error the file is left untouched and the error text is returned.
    """
    import nbformat

    root = Path(root).resolve()
    path = Path(path).resolve()
    rel = rel_path(path, root)
    if not quiet:
        print(f"[start] {rel}", flush=True)
    start = time.perf_counter()
    nb = nbformat.read(path, as_version=4)
    probe = nbformat.v4.new_code_cell(inputs_log.IMPORTED_FILES_CODE)
    nb.cells.append(probe)
    with tempfile.TemporaryDirectory(prefix="dvregions-inputs-") as tmp:
        log_path = Path(tmp) / "inputs.log"
        log_path.touch()
        try:
            # The kernel inherits this process's environment, so its loader writes to log_path.
            with inputs_log.logging_reads_to(log_path):
                execute_in_fresh_kernel(nb, path.parent, timeout)
            imported = inputs_log.imported_files(probe.outputs)
        except Exception as exc:  # noqa: BLE001 - any failure must fail the build, with its text
            return ExecutionResult(rel, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
        data_paths = inputs_log.read_log(log_path)
    nb.cells.remove(probe)
    renumber_execution_counts(nb)
    data = file_hashes(root, data_paths)
    modules = module_fingerprint(root, imported)
    meta = dict(nb.metadata.get(METADATA_KEY, {}))
    meta["inputs"] = {"code": code_fingerprint(nb), "modules": modules, "data": data}
    nb.metadata[METADATA_KEY] = meta
    written = write_if_changed(path, notebook_text(nb))
    return ExecutionResult(rel, time.perf_counter() - start, written)


# jupyter_client picks free ports before the kernel binds them, so when many kernels start at once
# (parallel tests and builds) one can lose the race and die before it answers. No cell has run then,
# so starting it once more is safe; any later failure is the notebook's own and is reported.
KERNEL_START_FAILURE = "Kernel died before replying to kernel_info"
KERNEL_START_ATTEMPTS = 2
KERNEL_SHUTDOWN = "immediate"
"""How a chapter's kernel is stopped once its outputs are collected: at once. A graceful shutdown
waits about 0.3 s a chapter for the kernel's own clean-up, and the kernel keeps nothing the build
reads (the data log is written and closed line by line while the cells run)."""


def execute_in_fresh_kernel(nb, cwd: Path, timeout: int, env: dict[str, str] | None = None) -> None:
    """Run every cell of ``nb`` in a new kernel started in ``cwd`` (with ``env``, else this process's environment)."""
    from nbclient import NotebookClient

    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        client = NotebookClient(nb, kernel_name=KERNEL_NAME, timeout=timeout, record_timing=False,
                                allow_errors=False, shutdown_kernel=KERNEL_SHUTDOWN,
                                resources={"metadata": {"path": str(cwd)}})
        try:
            client.execute(**({"env": env} if env is not None else {}))
            return
        except RuntimeError as error:
            if KERNEL_START_FAILURE not in str(error) or attempt == KERNEL_START_ATTEMPTS:
                raise


def execute_notebooks(paths: Sequence[Path], root: Path, jobs: int | None = None, timeout: int = DEFAULT_TIMEOUT,
                      quiet: bool = False) -> list[ExecutionResult]:
    """Execute notebooks in parallel processes (at most ``jobs``), printing progress."""
    root = Path(root).resolve()
    return run_notebooks(execute_notebook, [(path, root, timeout, quiet) for path in paths], jobs, "done")


def run_notebooks(run: Callable[..., ExecutionResult], calls: Sequence[tuple], jobs: int | None, label: str,
                  isolated: bool = False) -> list[ExecutionResult]:
    """``run(*arguments)`` for each tuple of ``calls``, in at most ``jobs`` processes, a progress line each.

    Parameters
    ----------
    run : callable
        A module-level function (it is sent to another process) that executes one notebook.
    calls : sequence of tuple
        The arguments of each call.
    jobs : int or None
        Processes at most (default: the cores).
    label : str
        Start of each progress line: ``[label 3/14] 03_zeeland.ipynb updated in 2.1 s (11 left)``.
    isolated : bool
        Run in other processes even one at a time (else ``jobs=1`` runs here): needed when this process
        does other work meanwhile, as Sphinx building the English book in another thread (two threads
        importing jupyter_client at once can fail).

    Returns
    -------
    list of ExecutionResult
        In the order the calls finished.
    """
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from multiprocessing import get_context

    jobs = max(1, min(jobs or os.cpu_count() or 1, len(calls)))
    results: list[ExecutionResult] = []

    def report(result: ExecutionResult) -> None:
        results.append(result)
        # one line per notebook even when quiet: the benchmark and CI logs read these
        left = len(calls) - len(results)
        state = "FAILED" if result.error else ("updated" if result.written else "unchanged")
        print(f"[{label} {len(results)}/{len(calls)}] {result.rel} {state} in {result.seconds:.1f} s ({left} left)",
              flush=True)

    if jobs == 1 and not isolated:
        for arguments in calls:
            report(run(*arguments))
        return results
    # spawn: a clean interpreter per worker, whatever state the parent has.
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run, *arguments) for arguments in calls]
        for future in as_completed(futures):
            report(future.result())
    return results


def exit_status(results: Sequence[ExecutionResult], edition: str) -> int:
    """Print each failed notebook with its error; 1 if any failed, else 0."""
    for result in results:
        if result.error:
            print(f"\nnotebook failed ({edition}): {result.rel}\n{result.error}", file=sys.stderr)
    return 1 if any(result.error for result in results) else 0


# --------------------------------------------------------------------------- book


RENDER_MARKER = ".dvregions-render"
# Render-time code whose changes Sphinx does not notice by itself.
RENDER_DISTRIBUTIONS = ("sphinx", "myst-nb", "jupyter-book", "sphinx-book-theme", "pydata-sphinx-theme", "altair",
                        "vl-convert-python")


def render_fingerprint(root: Path) -> str:
    """Hash of what turns stored outputs into HTML besides the sources.

    That is the book's own code Sphinx runs (:func:`render_files`) and the versions of the
    rendering libraries.
    """
    from importlib import metadata

    versions = []
    for name in RENDER_DISTRIBUTIONS:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return sha256_bytes("\n".join([files_fingerprint(root, render_files(root)), *versions]).encode("utf-8"))


def needs_fresh_env(build_dir: Path, fingerprint: str) -> bool:
    """True when the render fingerprint differs from the last successful build's.

    Sphinx re-reads a page when its source or the configuration changes, but not when an
    extension's code changes: without this a chart renderer fix would leave old pages.
    """
    marker = build_dir / RENDER_MARKER
    return not marker.is_file() or marker.read_text(encoding="utf-8").strip() != fingerprint


def build_book(root: Path, quiet: bool = False, *,
               source: Path | None = None, out_dir: Path | None = None, state_dir: Path | None = None) -> int:
    """Build the HTML book in this process, as ``jupyter-book build <root> -W -n --keep-going`` does.

    In-process saves a second interpreter start-up. Sphinx reads with one process: the chart
    extension declares itself not parallel-safe (vl-convert does not survive ``fork``), and
    under ``-W`` Sphinx's warning about that would fail the build (see benchmarks/README.md).
    Another edition passes its staged ``source`` tree, its ``out_dir`` and a ``state_dir`` for its
    doctrees and render marker (defaults: the book root, ``_build/html`` and ``_build``).
    """
    root = Path(root).resolve()
    from jupyter_book.sphinx import build_sphinx

    source = Path(source or root).resolve()
    config = source / "_config.yml"
    build_dir = Path(state_dir or root / "_build")
    fingerprint = render_fingerprint(root)
    fresh = needs_fresh_env(build_dir, fingerprint)
    if fresh and (build_dir / ".doctrees").exists() and not quiet:
        print("render code changed since the last build: re-reading every page", flush=True)
    overrides = {
        # the same overrides the jupyter-book CLI passes, so its incremental state stays valid
        "external_toc_path": (source / "_toc.yml").as_posix(),
        "latex_individualpages": False,
        "nitpicky": True,
    }
    result = build_sphinx(
        source,
        Path(out_dir or root / "_build" / "html"),
        doctreedir=str(build_dir / ".doctrees"),
        noconfig=True,
        path_config=str(config) if config.exists() else None,
        confoverrides=overrides,
        builder="html",
        warningiserror=True,
        keep_going=True,
        freshenv=fresh,
        quiet=quiet,
    )
    if isinstance(result, Exception):
        print(f"book build failed: {result}", file=sys.stderr)
        return 1
    if result:
        return int(result)
    write_if_changed(build_dir / RENDER_MARKER, fingerprint + "\n")
    return 0
