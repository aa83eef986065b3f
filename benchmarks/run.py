"""Benchmark of the book's build, tests, pages and data code on this machine.

Every measurement runs on temporary copies of the repository; the repo's notebooks and
data are never modified. See benchmarks/README.md for what is measured and the goals.

    python benchmarks/run.py            # medians of 3, about 5-10 minutes
    python benchmarks/run.py --quick    # 1 repeat, no 100x national scale
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import national  # noqa: E402  (benchmarks/ is not a package)
import pages  # noqa: E402
import synthetic  # noqa: E402

PY = sys.executable
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", "_build", ".git", "__pycache__", ".ipynb_checkpoints", "artifacts", "node_modules",
    ".pytest_cache", "*.egg-info", ".jupyter_cache",
)
MINIMAL_NOTEBOOK = "notebooks/zz_benchmark_one_chart.ipynb"


@dataclass
class Row:
    """One line of the summary table."""

    name: str
    ours: float | None
    baseline: float | None = None
    unit: str = "s"
    goal: str = ""
    met: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- helpers


def fresh_copy(dest: Path) -> Path:
    """A copy of the repository without build outputs, caches, venv or git."""
    shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
    return dest


def env_for(copy: Path) -> dict[str, str]:
    """Environment where ``import dvregions`` (also in kernels) is the copy's package, reading the copy's data."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy), env.get("PYTHONPATH")]))
    env.pop("DVREGIONS_DATA_DIR", None)
    env.pop("DVREGIONS_INPUTS_LOG", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run(cmd: Sequence[str], cwd: Path, env: dict[str, str], check: bool = True,
        timeout: float = 1800) -> tuple[float, subprocess.CompletedProcess]:
    """Run a command, return (wall seconds, result); raise with its output if it fails and ``check``."""
    start = time.perf_counter()
    done = subprocess.run(list(cmd), cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - start
    if check and done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return seconds, done


def _failed(what: str, done: subprocess.CompletedProcess) -> int:
    """Log a failed build with the end of its output; 1 if it failed. Timings are kept either way."""
    if done.returncode == 0:
        return 0
    log(f"{what} exited {done.returncode}:\n{(done.stdout + done.stderr)[-1200:]}")
    return 1


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def build_cmd(copy: Path, *extra: str) -> list[str]:
    return [PY, "-m", "dvregions", "build", str(copy), *extra]


def stock_cmd(copy: Path) -> list[str]:
    return [str(Path(PY).parent / "jupyter-book"), "build", str(copy), "-W", "-n", "--keep-going"]


def set_execute_mode(copy: Path, mode: str) -> None:
    """Rewrite ``execute_notebooks`` in the copy's _config.yml."""
    config = copy / "_config.yml"
    text, count = re.subn(r'(execute_notebooks:\s*)"?\w+"?', rf'\g<1>"{mode}"', config.read_text(encoding="utf-8"))
    if count != 1:
        raise RuntimeError("execute_notebooks not found once in _config.yml")
    config.write_text(text, encoding="utf-8")


def snapshot(root: Path, folders: Sequence[str] = ("notebooks", "data")) -> dict[str, int]:
    """mtimes of the notebooks and data files, to prove a build wrote none of them."""
    return {str(p.relative_to(root)): p.stat().st_mtime_ns
            for folder in folders for p in sorted((root / folder).rglob("*")) if p.is_file()}


def notebook_bytes(root: Path) -> dict[str, bytes]:
    """Every notebook's bytes, by path relative to ``root``."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.glob("notebooks/*.ipynb"))}


def ran_notebooks(stdout: str) -> list[str]:
    """Notebooks the build reports as executed (its ``[done i/n] path`` lines)."""
    return sorted(re.findall(r"^\[done \d+/\d+\] (\S+)", stdout, flags=re.M))


def notebook_count(root: Path) -> int:
    from dvregions import build

    return len(build.find_notebooks(root))


# --------------------------------------------------------------------------- build timings


def bench_clean(work: Path, reps: int) -> tuple[list[Row], Path]:
    """Clean build our way vs stock jupyter-book executing everything."""
    from dvregions import build

    stale = build.stale_notebooks(ROOT)
    if stale:
        log("repo notebooks not up to date; our clean build will execute: "
            + ", ".join(f"{s.rel} ({'; '.join(s.reasons)})" for s in stale))
    ours, stock = [], []
    failures = 0
    copy = work / "ours"
    for i in range(reps):
        target = fresh_copy(work / f"clean{i}")
        seconds, done = run(build_cmd(target, "-q"), target, env_for(target), check=False)
        failures += _failed("clean build ours", done)
        ours.append(seconds)
        log(f"clean build ours #{i + 1}: {seconds:.1f} s, ran {len(ran_notebooks(done.stdout))} notebooks")
        if i == reps - 1:
            target.rename(copy)
        else:
            shutil.rmtree(target)
    stock_ok = True
    for i in range(reps):
        target = fresh_copy(work / f"stock{i}")
        set_execute_mode(target, "force")
        seconds, done = run(stock_cmd(target), target, env_for(target), check=False)
        stock_ok &= done.returncode == 0
        if done.returncode:
            log(f"stock build failed ({done.returncode}); timing kept:\n{done.stderr[-1500:]}")
        stock.append(seconds)
        log(f"clean build stock (execute force) #{i + 1}: {seconds:.1f} s")
        shutil.rmtree(target)
    n = notebook_count(copy)
    note = f"{n} notebooks; {len(stale)} stale in repo" + ("" if stock_ok else "; stock build exited non-zero")
    note += f"; our build exited non-zero {failures}x" if failures else ""
    rows = [
        Row("clean build: ours vs stock (execute force)", median(ours), median(stock), goal="<= 0.6",
            met=median(ours) / median(stock) <= 0.6, note=note, samples=ours),
    ]
    return rows, copy


def make_floor_book(work: Path, like: Path) -> Path:
    """A book with one empty page and the real configuration (same extensions and static files)."""
    floor = work / "floor"
    floor.mkdir()
    shutil.copy(like / "_config.yml", floor / "_config.yml")
    if (like / "book").is_dir():
        shutil.copytree(like / "book", floor / "book", ignore=shutil.ignore_patterns("*.md", "*.ipynb"))
    (floor / "book").mkdir(exist_ok=True)
    (floor / "book" / "index.md").write_text("# Empty page\n", encoding="utf-8")
    (floor / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    return floor


def bench_no_change(work: Path, copy: Path, reps: int) -> list[Row]:
    """No-change rebuild (ours) vs the start-up floor: stock build of a one-empty-page book."""
    before = snapshot(copy)
    ours = []
    for i in range(reps):
        seconds, done = run(build_cmd(copy, "-q"), copy, env_for(copy), check=False)
        _failed("no-change rebuild", done)
        if ran_notebooks(done.stdout):
            raise RuntimeError(f"no-change build executed notebooks: {ran_notebooks(done.stdout)}")
        ours.append(seconds)
        log(f"no-change rebuild #{i + 1}: {seconds:.1f} s")
    written = [name for name, mtime in snapshot(copy).items() if before.get(name) != mtime]
    floor_book = make_floor_book(work, copy)
    floor = []
    for i in range(reps):
        shutil.rmtree(floor_book / "_build", ignore_errors=True)
        seconds, done = run(stock_cmd(floor_book), floor_book, env_for(copy), check=False)
        if done.returncode:
            log(f"floor build exited {done.returncode}:\n{done.stderr[-1500:]}")
        floor.append(seconds)
        log(f"start-up floor (one empty page, stock) #{i + 1}: {seconds:.1f} s")
    ratio = median(ours) / median(floor)
    return [Row("no-change rebuild vs one-empty-page build", median(ours), median(floor), goal="<= 1.2",
                met=ratio <= 1.2 and not written, note=f"notebook/data files written: {len(written)}",
                samples=ours)]


def data_readers(root: Path) -> dict[str, list[str]]:
    """``{data file: [notebooks that read it]}`` from the fingerprints stored in the notebooks."""
    from dvregions import build

    readers: dict[str, list[str]] = {}
    for path in build.find_notebooks(root):
        inputs = build.stored_inputs(json.loads(path.read_text(encoding="utf-8"))) or {}
        for rel in inputs.get("data", {}):
            readers.setdefault(rel, []).append(build.rel_path(path, root))
    return readers


def toggle_bytes(path: Path) -> None:
    """Change a file's bytes, not its meaning: CSV line endings LF <-> CRLF; JSON trailing newline."""
    raw = path.read_bytes()
    if path.suffix == ".csv":
        path.write_bytes(raw.replace(b"\r\n", b"\n") if b"\r\n" in raw else raw.replace(b"\n", b"\r\n"))
    else:
        path.write_bytes(raw[:-1] if raw.endswith(b"\n\n") else raw + b"\n")


def bench_data_change(copy: Path, reps: int) -> list[Row]:
    """Change one data file; only the notebooks that read it may run."""
    readers = data_readers(copy)
    if not readers:
        return [Row("one-data-file change rebuild", None, note="no notebook has read a data file yet", goal="only readers run")]
    # the file read by the fewest notebooks shows selectivity best
    target, expected = min(readers.items(), key=lambda item: (len(item[1]), item[0]))
    samples, all_ok, ran, build_failures = [], True, [], 0
    for i in range(reps):
        toggle_bytes(copy / target)
        before = notebook_bytes(copy)
        seconds, done = run(build_cmd(copy), copy, env_for(copy), check=False)
        build_failures += _failed("data-change rebuild", done)
        # A re-executed notebook stores a new input fingerprint, so its bytes always change; this is
        # sturdier than parsing progress lines that parallel workers print at the same time.
        after = notebook_bytes(copy)
        ran = sorted(path for path in after if after[path] != before.get(path))
        all_ok &= ran == sorted(expected)
        samples.append(seconds)
        log(f"rebuild after changing {target} #{i + 1}: {seconds:.1f} s, ran {ran}")
    note = f"changed {target}; ran {', '.join(ran) or 'nothing'}; readers {', '.join(sorted(expected))}"
    note += f"; book build exited non-zero {build_failures}x" if build_failures else ""
    return [Row("one-data-file change rebuild", median(samples), goal="only readers run", met=all_ok, note=note,
                samples=samples)]


def test_command(copy: Path) -> list[str]:
    """The test run as ``make test`` does it, minus browser tests."""
    return [PY, "-m", "pytest", "-n", "auto", "--dist", "loadfile", "--nbval", "notebooks", "tests",
            "-m", "not browser", "-q", "-p", "no:cacheprovider"]


def bench_tests(work: Path, copy: Path, reps: int) -> list[Row]:
    """Test suite (nbval strict + unit tests) vs one plain sequential execution of all notebooks."""
    tests, plain = [], []
    for i in range(reps):
        seconds, done = run(test_command(copy), copy, env_for(copy), check=False)
        tail = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
        log(f"test suite #{i + 1}: {seconds:.1f} s, exit {done.returncode}: {tail}")
        tests.append(seconds)
        target = fresh_copy(work / f"plain{i}")
        seconds, _ = run(build_cmd(target, "--force", "--no-book", "--jobs", "1", "-q"), target, env_for(target))
        plain.append(seconds)
        log(f"plain execution of all notebooks #{i + 1}: {seconds:.1f} s")
        shutil.rmtree(target)
    ratio = median(tests) / median(plain)
    return [Row("test suite vs one plain execution", median(tests), median(plain), goal="<= 1.5", met=ratio <= 1.5,
                note=f"last: {tail}", samples=tests)]


# --------------------------------------------------------------------------- pages and charts


def add_minimal_chart_page(copy: Path) -> str:
    """Add a notebook with one minimal chart to the copy's toc and build it; return its page path."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    nb = new_notebook(cells=[
        new_markdown_cell("# One minimal chart\n\nA single bar, for timing the chart script."),
        new_code_cell("import altair as alt\nimport pandas as pd\nfrom dvregions.charts import render\n\n"
                      "render.enable_renderer()"),
        new_code_cell('alt.Chart(pd.DataFrame({"x": ["a"], "y": [1]}), description="One bar of height 1.")'
                      '.mark_bar().encode(x="x:N", y="y:Q")'),
    ])
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"bench-{index}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nbformat.write(nb, copy / MINIMAL_NOTEBOOK)
    toc = copy / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").rstrip("\n")
                   + f"\n  - caption: Benchmark\n    chapters:\n      - file: {MINIMAL_NOTEBOOK[:-6]}\n", encoding="utf-8")
    _, done = run(build_cmd(copy, "-q"), copy, env_for(copy), check=False)
    _failed("build with the one-chart page", done)
    page = MINIMAL_NOTEBOOK.replace(".ipynb", ".html")
    if not (copy / "_build" / "html" / page).is_file():
        raise RuntimeError(f"{page} was not built")
    return page


def bench_pages(copy: Path, reps: int) -> tuple[list[Row], list[dict]]:
    """Page weight per page, and time to all charts drawn: heaviest chart page vs one-chart page."""
    try:
        minimal = add_minimal_chart_page(copy)
    except Exception as error:  # noqa: BLE001 - the rest of the page benchmark still runs
        log(f"could not add the one-chart page: {error}")
        minimal = None
    html_dir = copy / "_build" / "html"
    weights = pages.page_weights(html_dir)
    heavy = [w for w in weights if w["page"] != minimal]
    rows = []
    if heavy:
        worst = max(heavy, key=lambda w: w["own_bytes"])
        shared = weights[0]["shared_bytes_all_pages"]
        rows.append(Row("page weight: heaviest page's own bytes", worst["own_bytes"] / 1024, unit="KiB",
                        goal="<= 150 KiB each", met=all(w["own_bytes"] <= 150 * 1024 for w in heavy),
                        note=f"{worst['page']}; shared static (once): {shared / 1024:.0f} KiB"))
        external = sorted({url for w in weights for url in w["external_requests"]})
        rows.append(Row("requests to other hosts (all pages)", float(len(external)), unit="", goal="0",
                        met=not external, note=", ".join(external[:3])))
    chart_pages = [w for w in heavy if w["charts"]]
    if not chart_pages or minimal is None:
        rows.append(Row("charts drawn: heaviest vs one-chart page", None, goal="<= 2",
                        note="no chart page built yet" if not chart_pages else "one-chart page missing"))
        return rows, weights
    # "heaviest" is decided by measuring every chart page, not guessed from bytes or chart count
    timings = {w["page"]: pages.time_to_charts(html_dir, w["page"], reps) for w in chart_pages}
    for page, ms in sorted(timings.items()):
        log(f"charts drawn on {page}: {'never' if ms is None else f'{ms:.0f} ms'}")
    minimal_ms = pages.time_to_charts(html_dir, minimal, reps)
    undrawn = [page for page, ms in timings.items() if ms is None]
    if undrawn or minimal_ms is None:
        rows.append(Row("charts drawn: heaviest vs one-chart page", None, goal="<= 2",
                        note=f"not all charts drawn within {pages.TIMEOUT_MS} ms on: "
                             + ", ".join(undrawn + ([minimal] if minimal_ms is None else []))))
    else:
        heaviest = max(timings, key=timings.get)
        charts = next(w["charts"] for w in chart_pages if w["page"] == heaviest)
        rows.append(Row("charts drawn: slowest page vs one-chart page", timings[heaviest], minimal_ms, unit="ms",
                        goal="<= 2", met=timings[heaviest] / minimal_ms <= 2,
                        note=f"{heaviest} ({charts} charts); {len(timings)} chart pages timed"))
    return rows, weights


# --------------------------------------------------------------------------- national scale


def short(dotted: str) -> str:
    """``"pkg.module:function"`` -> ``"function"``."""
    return dotted.rpartition(":")[2]


def bench_national(work: Path, scales: Sequence[int], charts: list[str]) -> list[Row]:
    """Load + validate and chart functions on synthetic national data at growing scale."""
    results = {}
    for scale in scales:
        folder = work / f"national_{scale}x"
        rows = synthetic.generate(folder, ROOT / "data", scale)
        log(f"national {scale}x: {rows} rows written; measuring")
        results[scale] = national.measure_in_subprocess(folder, charts, env=env_for(ROOT))
        shutil.rmtree(folder)
    out = []
    for scale, result in results.items():
        chart_s = sum(c["total_s"] for c in result["charts"].values())
        note = (f"{result['rows']} rows; peak {result['peak_mib']:.0f} MiB "
                f"(+{result['peak_mib'] - result['rss_after_imports_mib']:.0f} over imports)")
        if result["charts"]:
            note += "; charts " + ", ".join(f"{short(name)} {c['total_s']:.2f} s" for name, c in result["charts"].items())
        out.append(Row(f"national {scale}x: load + validate", result["load_s"], note=note))
        if result["charts"]:
            out.append(Row(f"national {scale}x: charts", chart_s))
    for small, big in zip(scales, scales[1:]):
        factor = big // small
        ratio = results[big]["load_s"] / results[small]["load_s"]
        out.append(Row(f"national {big}x vs {small}x load time", results[big]["load_s"], results[small]["load_s"],
                       goal=f"<= {1.2 * factor:.0f}", met=ratio <= 1.2 * factor, note=f"{factor}x rows"))
        for name in results[big]["charts"]:
            big_s, small_s = results[big]["charts"][name]["total_s"], results[small]["charts"][name]["total_s"]
            out.append(Row(f"national {big}x vs {small}x chart {short(name)}", big_s, small_s, goal=f"<= {1.2 * factor:.0f}",
                           met=big_s / small_s <= 1.2 * factor))
    if not charts:
        out.append(Row("national: chart functions", None, note="none registered (benchmarks/national.py CHART_FUNCTIONS)"))
    return out


# --------------------------------------------------------------------------- report


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "KiB":
        return f"{value:.0f} KiB"
    if unit == "":
        return f"{value:.0f}"
    return f"{value:.1f} s"


def table(rows: list[Row]) -> str:
    header = ["measurement", "ours", "baseline", "ratio", "goal", "met", "note"]
    lines = [[r.name, fmt(r.ours, r.unit), fmt(r.baseline, r.unit), f"{r.ratio:.2f}" if r.ratio else "-", r.goal,
              {True: "yes", False: "NO", None: "-"}[r.met], r.note] for r in rows]
    widths = [max(len(str(x)) for x in column) for column in zip(header, *lines)]
    widths[-1] = 0  # the note column is not padded
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()]
    out.append("-|-".join("-" * max(w, 4) for w in widths))
    out += [" | ".join(str(x).ljust(w) for x, w in zip(line, widths)).rstrip() for line in lines]
    return "\n".join(out)


STEPS: dict[str, str] = {
    "clean": "clean build ours vs stock", "nochange": "no-change rebuild vs floor", "data": "one-data-file change",
    "tests": "test suite vs plain execution", "pages": "page weight and chart timing", "national": "national scale",
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 repeat, national scale 1x and 10x only")
    parser.add_argument("--only", action="append", choices=sorted(STEPS), help="run only these parts")
    parser.add_argument("--chart", action="append", default=[], help="chart function module:function for national scale")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args(argv)
    reps = 1 if args.quick else 3
    steps = args.only or list(STEPS)
    work = Path(tempfile.mkdtemp(prefix="dvregions-bench-"))
    log(f"working in {work}; {os.cpu_count()} cores; {reps} repeat(s); parts: {', '.join(steps)}")
    rows: list[Row] = []
    weights: list[dict] = []
    started = time.perf_counter()
    try:
        copy = None
        if "clean" in steps or {"nochange", "data", "tests", "pages"} & set(steps):
            if "clean" in steps:
                new_rows, copy = bench_clean(work, reps)
                rows += new_rows
            else:
                copy = fresh_copy(work / "ours")
                _, done = run(build_cmd(copy, "-q"), copy, env_for(copy), check=False)
                _failed("build", done)
        parts: list[tuple[str, Callable[[], list[Row]]]] = [
            ("nochange", lambda: bench_no_change(work, copy, reps)),
            ("data", lambda: bench_data_change(copy, reps)),
            ("tests", lambda: bench_tests(work, copy, reps)),
        ]
        for name, part in parts:
            if name in steps:
                rows += _guarded(name, part)
        if "pages" in steps:
            page_rows = _guarded("pages", lambda: bench_pages(copy, reps))
            if page_rows and isinstance(page_rows, tuple):
                rows += page_rows[0]
                weights = page_rows[1]
            else:
                rows += page_rows or []
        if "national" in steps:
            scales = (1, 10) if args.quick else (1, 10, 100)
            charts = list(dict.fromkeys(national.CHART_FUNCTIONS + args.chart))
            rows += _guarded("national", lambda: bench_national(work, scales, charts))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if weights:
        print("\nPage weight (own bytes: HTML + everything it loads outside _static/; shared: _static/ files, counted once)")
        print(pages.weight_table(weights))
    print(f"\nMedians of {reps} on {os.cpu_count()} cores ({time.perf_counter() - started:.0f} s in all):")
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ | {"ratio": r.ratio} for r in rows], indent=1) + "\n")
    return 0


def _guarded(name: str, part: Callable[[], object]):
    """Run one part; a failure is reported in the table instead of ending the benchmark."""
    try:
        return part()
    except Exception as error:  # noqa: BLE001
        log(f"{name} failed: {error}")
        return [Row(STEPS[name], None, note=f"FAILED: {str(error).splitlines()[0][:120]}")]


if __name__ == "__main__":
    sys.exit(main())
