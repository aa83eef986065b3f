"""Staleness and execution layer of ``python -m dvbook build``, on a tiny fixture book.

The fixture (tests/fixtures/staleness) has three notebooks: ``a`` reads data/x.csv, ``b``
reads data/x.csv and data/y.csv, ``c`` reads nothing. They read through a stand-in loader
(``fixturepkg.loader``, imported by ``a`` and ``b`` only) that honours the same inputs-log
contract (:mod:`dvregions.inputs_log`) as the book's data loader. ``fixturepkg.pages`` stands in
for a page-only module: no notebook imports it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dvbook import build
from dvregions import data, inputs_log

FIXTURE = Path(__file__).parent / "fixtures" / "staleness"
A = "notebooks/a_reads_x.ipynb"
B = "notebooks/b_reads_x_and_y.ipynb"
C = "notebooks/c_reads_nothing.ipynb"


def copy_book(dest: Path) -> Path:
    """Copy the fixture book without build outputs or caches."""
    ignore = shutil.ignore_patterns("_build", "__pycache__", ".ipynb_checkpoints")
    shutil.copytree(FIXTURE, dest, ignore=ignore)
    return dest


@pytest.fixture
def book(tmp_path: Path) -> Path:
    """A private copy of the fixture book, stored executed and up to date (checked below)."""
    return copy_book(tmp_path / "book")


def stale(root: Path) -> dict[str, list[str]]:
    """``{notebook: reasons}`` for the stale notebooks."""
    return {s.rel: s.reasons for s in build.notebook_statuses(root) if s.stale}


def rebuild(root: Path) -> list[str]:
    """Execute the stale notebooks as the build command does; return the ones that ran."""
    paths = [s.path for s in build.notebook_statuses(root) if s.stale]
    results = build.execute_notebooks(paths, root, jobs=2, quiet=True)
    assert [r.error for r in results if r.error] == []
    return sorted(r.rel for r in results)


def mtimes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in sorted(root.rglob("*")) if p.is_file()}


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def edit_cell(path: Path, cell_index: int, source: str) -> None:
    """Replace one cell's source, writing the notebook as Jupyter does."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.cells[cell_index].source = source
    path.write_text(build.notebook_text(nb), encoding="utf-8")


def test_committed_fixture_is_up_to_date_in_any_location(tmp_path: Path) -> None:
    """Fingerprints use repo-relative paths, so a fresh copy elsewhere needs no execution."""
    root = copy_book(tmp_path / "clone")
    assert stale(root) == {}


def data_read(root: Path, rel: str) -> list[str]:
    """Data files listed in a notebook's stored fingerprint."""
    return sorted(build.stored_inputs(load(root / rel))["data"])


def test_never_executed_notebook_is_stale(book: Path) -> None:
    nb = load(book / C)
    del nb["metadata"]["dvregions"]
    (book / C).write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    assert stale(book) == {C: ["never executed"]}


def test_data_change_reruns_exactly_its_readers(book: Path) -> None:
    (book / "data" / "y.csv").write_text("region,value\nnorth,11\nsouth,20\n", encoding="utf-8")
    assert stale(book) == {B: ["data file data/y.csv changed"]}
    before = mtimes(book)
    assert rebuild(book) == [B]
    after = mtimes(book)
    changed = sorted(name for name in after if after[name] != before.get(name))
    assert changed == [B]
    # the new output really comes from the new data: 3 + 5 + 11 + 20
    assert load(book / B)["cells"][3]["outputs"][0]["text"] == ["39\n"]
    assert data_read(book, B) == ["data/x.csv", "data/y.csv"]  # recorded afresh by this execution
    assert stale(book) == {}


def test_shared_data_file_change_reruns_both_readers(book: Path) -> None:
    (book / "data" / "x.csv").write_text("region,value\nnorth,4\nsouth,5\n", encoding="utf-8")
    assert sorted(stale(book)) == [A, B]
    assert rebuild(book) == [A, B]
    assert (data_read(book, A), data_read(book, B)) == (["data/x.csv"], ["data/x.csv", "data/y.csv"])
    assert stale(book) == {}


def test_touch_without_content_change_is_not_stale(book: Path) -> None:
    os.utime(book / "data" / "x.csv")
    assert stale(book) == {}


def test_markdown_change_executes_nothing(book: Path) -> None:
    edit_cell(book / A, 0, "# A reads x\n\nDifferent prose.")
    assert stale(book) == {}
    assert rebuild(book) == []


def test_code_change_reruns_that_notebook(book: Path) -> None:
    edit_cell(book / C, 2, "sum(range(5))")
    assert stale(book) == {C: ["code changed"]}
    assert rebuild(book) == [C]
    import nbformat  # joins the stored lines, whichever way the file splits them

    assert nbformat.read(book / C, as_version=4).cells[2].outputs[0].data["text/plain"] == "10"
    assert [cell.get("execution_count") for cell in load(book / C)["cells"]] == [None, 1, 2]
    assert data_read(book, C) == []


def modules_imported(root: Path, rel: str) -> list[str]:
    """Package modules listed in a notebook's stored fingerprint."""
    return sorted(build.stored_inputs(load(root / rel))["modules"])


def append_comment(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")


def test_fingerprint_records_the_modules_the_kernel_imported(book: Path) -> None:
    loader = ["fixturepkg/__init__.py", "fixturepkg/loader.py"]
    assert (modules_imported(book, A), modules_imported(book, B), modules_imported(book, C)) == (loader, loader, [])
    # recorded afresh by each execution, from the kernel, not from a list kept by hand
    (book / "data" / "x.csv").write_text("region,value\nnorth,4\nsouth,5\n", encoding="utf-8")
    assert rebuild(book) == [A, B]
    assert (modules_imported(book, A), modules_imported(book, B)) == (loader, loader)


def test_change_to_module_no_notebook_imports_executes_nothing(book: Path) -> None:
    append_comment(book / "fixturepkg" / "pages.py")
    assert stale(book) == {}
    before = mtimes(book)
    assert rebuild(book) == []
    assert mtimes(book) == before


def test_new_module_no_notebook_imports_executes_nothing(book: Path) -> None:
    (book / "fixturepkg" / "cli.py").write_text('"""A new command."""\n', encoding="utf-8")
    assert stale(book) == {}


def test_imported_module_change_reruns_exactly_its_importers(book: Path) -> None:
    append_comment(book / "fixturepkg" / "loader.py")
    reason = ["module fixturepkg/loader.py changed"]
    assert stale(book) == {A: reason, B: reason}
    assert rebuild(book) == [A, B]
    assert stale(book) == {}


def test_deleted_imported_module_reruns_its_importers(book: Path) -> None:
    (book / "fixturepkg" / "__init__.py").unlink()
    reason = ["module fixturepkg/__init__.py missing"]
    assert stale(book) == {A: reason, B: reason}


def test_fingerprint_without_module_record_is_stale(book: Path) -> None:
    """A notebook stored by a build that did not record imported modules runs once more."""
    nb = load(book / C)
    inputs = nb["metadata"]["dvregions"]["inputs"]
    del inputs["modules"]
    inputs["package"] = "0" * 64  # the one hash over all package files that older builds stored
    (book / C).write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
    assert stale(book) == {C: ["imported modules not recorded"]}


def test_imported_files_needs_one_json_list() -> None:
    printed = [{"output_type": "stream", "name": "stdout", "text": '["/a.py",\n'},
               {"output_type": "stream", "name": "stdout", "text": ' "/b.py"]\n'}]
    assert inputs_log.imported_files(printed) == [Path("/a.py"), Path("/b.py")]
    with pytest.raises(ValueError, match="no JSON list"):
        inputs_log.imported_files([{"output_type": "error", "ename": "NameError"}])


def test_no_change_run_writes_no_file(book: Path) -> None:
    before = mtimes(book)
    assert rebuild(book) == []
    assert mtimes(book) == before


def test_forced_rerun_with_same_outputs_rewrites_nothing(book: Path) -> None:
    """Re-executing yields a byte-identical notebook: deterministic metadata and counts."""
    # the first run adopts this machine's kernel metadata (e.g. the Python patch version)
    [first] = build.execute_notebooks([book / B], book, 1, quiet=True)
    assert first.error is None
    before = mtimes(book)
    [again] = build.execute_notebooks([book / B], book, 1, quiet=True)
    assert (again.error, again.written) == (None, False)
    assert mtimes(book) == before


def test_failing_notebook_fails_and_leaves_file(book: Path) -> None:
    edit_cell(book / C, 2, "raise ValueError('broken on purpose')")
    text = (book / C).read_text(encoding="utf-8")
    [result] = build.execute_notebooks([book / C], book, 1, quiet=True)
    assert result.error is not None and "broken on purpose" in result.error
    assert (book / C).read_text(encoding="utf-8") == text
    assert stale(book) == {C: ["code changed"]}


def test_render_code_change_forces_fresh_sphinx_env(book: Path) -> None:
    """Sphinx does not notice extension code changes; the build must re-read every page then.

    What Sphinx runs is read from the code: the extension ``_config.yml`` names and what it imports.
    """
    (book / "fixturepkg" / "ext.py").write_text('"""A Sphinx extension."""\n\nfrom fixturepkg import loader\n')
    config = book / "_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "sphinx:\n  extra_extensions: [fixturepkg.ext]\n",
                      encoding="utf-8")
    assert [path.relative_to(book).as_posix() for path in build.render_files(book)] == [
        "fixturepkg/__init__.py", "fixturepkg/ext.py", "fixturepkg/loader.py"]
    build_dir = book / "_build"
    build_dir.mkdir()
    fingerprint = build.render_fingerprint(book)
    assert build.needs_fresh_env(build_dir, fingerprint)
    (build_dir / build.RENDER_MARKER).write_text(fingerprint + "\n", encoding="utf-8")
    assert not build.needs_fresh_env(build_dir, fingerprint)
    append_comment(book / "fixturepkg" / "pages.py")
    assert not build.needs_fresh_env(build_dir, build.render_fingerprint(book)), "no extension imports pages.py"
    append_comment(book / "fixturepkg" / "loader.py")
    assert build.needs_fresh_env(build_dir, build.render_fingerprint(book))


def test_real_data_loader_honours_inputs_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The book's own loader must record every file it reads, or staleness misses data changes."""
    repo_data = Path(__file__).resolve().parents[1] / "data"
    log = tmp_path / "inputs.log"
    monkeypatch.setenv(inputs_log.ENV_VAR, str(log))
    data.load(repo_data, tables=["restraining_orders"])
    lines = log.read_text(encoding="utf-8").splitlines()
    assert {Path(line).name for line in lines} == {"datapackage.json", "restraining_orders.csv", "areas.csv",
                                                  "regions.csv"}
    assert all(Path(line).is_absolute() for line in lines)


def test_inputs_log_is_set_only_while_executing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build sets the variable for the kernels it starts and restores what was there before."""
    monkeypatch.setenv(inputs_log.ENV_VAR, "before")
    with inputs_log.logging_reads_to(tmp_path / "log") as path:
        assert os.environ[inputs_log.ENV_VAR] == str(path)
        inputs_log.record_read(tmp_path / "a.csv")
        inputs_log.record_read(tmp_path / "a.csv")
    assert os.environ[inputs_log.ENV_VAR] == "before"
    assert inputs_log.read_log(tmp_path / "log") == [(tmp_path / "a.csv").resolve()]
    monkeypatch.delenv(inputs_log.ENV_VAR)
    with inputs_log.logging_reads_to(tmp_path / "log"):
        pass
    assert inputs_log.ENV_VAR not in os.environ


def test_inputs_log_name_is_defined_once() -> None:
    """Loader, build and the fixture's stand-in loader all use the one name in dvregions.inputs_log."""
    assert data.INPUTS_LOG_ENV is inputs_log.ENV_VAR
    assert not hasattr(build, "INPUTS_LOG_ENV")
    package = Path(__file__).resolve().parents[1] / "dvregions"
    spelled = [path.name for path in package.rglob("*.py") if inputs_log.ENV_VAR in path.read_text(encoding="utf-8")]
    assert spelled == ["inputs_log.py"]
    fixture_loader = (FIXTURE / "fixturepkg" / "loader.py").read_text(encoding="utf-8")
    assert f'"{inputs_log.ENV_VAR}"' in fixture_loader


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "dvbook", "build", str(root), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_end_to_end_check_execute_and_render(book: Path) -> None:
    """CLI: --check reports the stale notebook, build runs it and renders the book with -W."""
    (book / "data" / "y.csv").write_text("region,value\nnorth,1\nsouth,1\n", encoding="utf-8")
    check = run_cli(book, "--check")
    assert check.returncode == 1
    assert f"stale: {B}: data file data/y.csv changed" in check.stdout
    done = run_cli(book)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"[done 1/1] {B} updated" in done.stdout
    index = book / "_build" / "html" / "index.html"
    assert f"open: {index}" in done.stdout
    page = (book / "_build" / "html" / "notebooks" / "b_reads_x_and_y.html").read_text(encoding="utf-8")
    assert "<pre><span></span>10\n</pre>" in page  # 3 + 5 + 1 + 1, rendered from the new output
    assert (book / "_build" / build.RENDER_MARKER).is_file()
    assert run_cli(book, "--check").returncode == 0
    before = mtimes(book)
    again = run_cli(book)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "all 3 notebooks up to date" in again.stdout
    assert {k: v for k, v in mtimes(book).items() if not k.startswith("_build")} == {
        k: v for k, v in before.items() if not k.startswith("_build")}


def test_sphinx_extension_change_rerenders(tmp_path: Path) -> None:
    """The page-level extensions shape HTML: editing them re-reads every page; the build tool does not."""
    root = tmp_path / "repo"
    repo = Path(__file__).resolve().parents[1]
    for package in ("dvregions", "dvbook"):
        shutil.copytree(repo / package, root / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(repo / "_config.yml", root / "_config.yml")
    render_inputs = build.render_fingerprint(root)
    for not_run_by_sphinx in ("dvbook/build.py", "dvbook/edition.py", "dvbook/pdf.py", "dvregions/__main__.py"):
        append_comment(root / not_run_by_sphinx)
        assert build.render_fingerprint(root) == render_inputs, not_run_by_sphinx
    for run_by_sphinx in ("dvbook/sphinx_page.py", "dvregions/charts/render.py", "dvregions/i18n.py"):
        append_comment(root / run_by_sphinx)
        assert build.render_fingerprint(root) != render_inputs, run_by_sphinx
        render_inputs = build.render_fingerprint(root)


PAGE_ONLY = ["dvregions/__main__.py", "dvbook/build.py", "dvbook/localweb.py",
             "dvbook/sphinx_ext.py", "dvbook/sphinx_page.py"]


def test_chapter_imports_leave_page_only_modules_out() -> None:
    """What the chapters import (the book helpers and every chart module) pulls in no page-only module.

    The probe is the one the build runs in each kernel, here in a fresh interpreter.
    """
    repo = Path(__file__).resolve().parents[1]
    imports = "import dvregions.chapter, dvregions.charts.across, dvregions.charts.convention, dvregions.charts.plots\n"
    done = subprocess.run([sys.executable, "-c", imports + inputs_log.IMPORTED_FILES_CODE], capture_output=True,
                          text=True, timeout=120, cwd=repo, check=True)
    printed = [{"output_type": "stream", "name": "stdout", "text": done.stdout}]
    modules = build.module_fingerprint(repo, inputs_log.imported_files(printed))
    assert "dvregions/charts/plots.py" in modules
    assert sorted(set(modules) & set(PAGE_ONLY)) == []
    assert all((repo / rel).is_file() for rel in PAGE_ONLY)  # the names above are real files


class _FlakyStart:
    """Stands in for nbclient's client: the first kernel dies at start, later ones run."""

    starts = 0

    def __init__(self, nb, **options) -> None:
        self.nb = nb

    def execute(self) -> None:
        type(self).starts += 1
        if type(self).starts == 1:
            raise RuntimeError(build.KERNEL_START_FAILURE)


def test_a_kernel_that_dies_at_start_is_started_once_more(monkeypatch) -> None:
    import nbclient

    _FlakyStart.starts = 0
    monkeypatch.setattr(nbclient, "NotebookClient", _FlakyStart)
    build.execute_in_fresh_kernel(object(), Path("."), timeout=5)
    assert _FlakyStart.starts == 2


def test_a_notebook_error_is_not_retried(monkeypatch) -> None:
    import nbclient

    class Failing(_FlakyStart):
        def execute(self) -> None:
            type(self).starts += 1
            raise RuntimeError("a cell failed")

    Failing.starts = 0
    monkeypatch.setattr(nbclient, "NotebookClient", Failing)
    with pytest.raises(RuntimeError, match="a cell failed"):
        build.execute_in_fresh_kernel(object(), Path("."), timeout=5)
    assert Failing.starts == 1
