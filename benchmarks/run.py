"""``make bench``: the three speed ratios of the book, measured side by side in one run.

    python benchmarks/run.py                 # chapters + phone: under 5 minutes on 2 cores
    python benchmarks/run.py --national      # also load + charts on synthetic national data (1x, 10x, 100x)
    python benchmarks/run.py --only tests    # one part: tests (the whole make test, 8-10 minutes), chapters, phone
    python benchmarks/run.py --only phone --phone-baseline main   # the slow phone, also for another revision

Everything runs on temporary copies of the repository (the repository is never written).
See benchmarks/README.md for what each ratio compares and its goal.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import profile as chapter_profile  # noqa: E402  (benchmarks/profile.py; benchmarks/ is not a package)

from dvregions.data import DATA_DIR_ENV  # noqa: E402
from dvregions.inputs_log import ENV_VAR as INPUTS_LOG_ENV  # noqa: E402

PY = sys.executable
BASELINE = "8c152fd"  # the tree the speed issue measured; every chapter runs there without errors
"""The tree the speed issue was measured on: chapter execution is compared with it."""
COPY_IGNORE = shutil.ignore_patterns(".venv", "_build", ".git", "__pycache__", ".ipynb_checkpoints", "artifacts",
                                     ".pytest_cache", "*.egg-info", ".jupyter_cache")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def fresh_copy(source: Path, dest: Path) -> Path:
    """A fresh clone's files: no build outputs, caches or venv."""
    shutil.copytree(source, dest, ignore=COPY_IGNORE)
    return dest


def baseline_copy(dest: Path, rev: str) -> Path:
    """The files of ``rev`` (git archive), to execute its chapters."""
    dest.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def env_for(copy: Path, cache: Path) -> dict[str, str]:
    """Kernels import the copy's package and read its data; a private cache, so the first kernel validates."""
    env = os.environ.copy()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy), env.get("PYTHONPATH")]))
    env["XDG_CACHE_HOME"] = str(cache)
    env.pop(DATA_DIR_ENV, None)
    env.pop(INPUTS_LOG_ENV, None)
    return env


def timed(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, done


def tail(done: subprocess.CompletedProcess) -> str:
    """The names of any failed tests and pytest's summary line (else the last line of output)."""
    lines = (done.stdout + "\n" + done.stderr).strip().splitlines()
    failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
    summary = [line for line in lines if re.search(r"\d+ (passed|failed|error)", line)] or lines or ["(no output)"]
    return "; ".join([*failed[:5], summary[-1].strip("= ")])


def bench_tests(work: Path, plain_s: float, plain_note: str) -> list[tuple]:
    """The whole ``make test`` in a fresh copy vs one plain sequential execution of every notebook (``plain_s``)."""
    copy = fresh_copy(ROOT, work / "test")
    # The repository may hold notebooks not yet re-executed after a package change; a fresh clone of a
    # finished change has none, so bring the copy there first (untimed) and time make test on it.
    prepared = subprocess.run([PY, "-m", "dvbook", "build", str(copy), "--no-book", "-q"], cwd=copy,
                              env=env_for(copy, work / "cache-prepare"), capture_output=True, text=True)
    if prepared.returncode:
        log(f"executing the copy's stale notebooks failed, so make test will stop at its check: {tail(prepared)}")
    make = ["make", "--no-print-directory", "test", f"VENV={ROOT / '.venv'}"]
    test_s, done = timed(make, copy, env_for(copy, work / "cache-test"))
    log(f"make test: {test_s:.1f} s, exit {done.returncode}: {tail(done)}")
    note = f"make test exit {done.returncode} ({tail(done)}); baseline: {plain_note}"
    return [("make test vs one plain sequential execution", test_s, plain_s, 1.2, note)]


def plain_execution(work: Path) -> tuple[float, str]:
    """Every chapter of this tree executed once, one after another, each in a fresh kernel, nothing else."""
    copy = fresh_copy(ROOT, work / "plain")
    seconds, done = timed([PY, str(HERE / "profile.py"), str(copy)], copy, env_for(copy, work / "cache-plain"))
    if done.returncode:
        raise RuntimeError(f"executing the chapters failed:\n{done.stderr[-2000:]}")
    log(f"plain sequential execution: {seconds:.1f} s")
    return seconds, "every chapter in a fresh kernel, one after another"


def bench_chapters(work: Path, rev: str) -> tuple[list[tuple], float]:
    """Every chapter, each in a fresh kernel, one after another: this tree vs ``rev``, phase by phase.

    The two trees run side by side, one process each (a chapter run keeps about one core busy: the kernel
    computes while its client waits), so both see the same machine at the same time, and the part takes
    as long as the slower tree. Also returns the wall time of this tree's run: a plain sequential
    execution of every chapter.
    """
    copies = {"before": baseline_copy(work / "base", rev), "after": fresh_copy(ROOT, work / "ours")}
    started = time.perf_counter()
    running = {name: subprocess.Popen([PY, str(HERE / "profile.py"), str(copy), "--json", str(work / f"{name}.json")],
                                      cwd=copy, env=env_for(copy, work / f"cache-{name}"), text=True,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE)
               for name, copy in copies.items()}
    profiles, walls = {}, {}
    for name in ("after", "before"):  # this tree finishes first
        _, stderr = running[name].communicate()
        walls[name] = time.perf_counter() - started
        if running[name].returncode:
            raise RuntimeError(f"profile of {name} failed:\n{stderr[-2000:]}")
        profiles[name] = json.loads((work / f"{name}.json").read_text(encoding="utf-8"))
        log(f"chapters {name} ({rev if name == 'before' else 'this tree'}): {walls[name]:.1f} s")
    before, after = (chapter_profile.summed(profiles[name]) for name in ("before", "after"))
    print(f"\nChapter execution by phase, seconds summed over {len(profiles['after'])} notebooks "
          f"(before = {rev}, after = this tree):")
    print(chapter_profile.table(before, after))
    errors = {name: sum(p.get("errors", 0) for p in profile.values()) for name, profile in profiles.items()}
    note = "cells with errors: " + ", ".join(f"{k} {int(v)}" for k, v in errors.items())
    return [("re-executing all chapters vs before", after["total"], before["total"], 0.5, note)], walls["after"]


def bench_national(work: Path) -> list[tuple]:
    """Load + validate and the cross-region charts on synthetic national data at 1x, 10x and 100x."""
    import national
    import synthetic

    results = {}
    for scale in (1, 10, 100):
        folder = work / f"national_{scale}x"
        rows = synthetic.generate(folder, ROOT / "data", scale)
        results[scale] = national.measure_in_subprocess(folder, national.CHART_FUNCTIONS,
                                                        env=env_for(ROOT, work / "cache-national"))
        log(f"national {scale}x ({rows} rows): load {results[scale]['load_s']:.1f} s")
        shutil.rmtree(folder)
    return [(f"national load {big}x vs {small}x", results[big]["load_s"], results[small]["load_s"], 12.0,
             f"peak {results[big]['peak_mib']:.0f} MiB") for small, big in ((1, 10), (10, 100))]


PHONE_VIEWPORT = {"width": 360, "height": 740}
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}
"""Chromium DevTools' "Fast 3G": 150 ms latency, 1.6 Mbit/s down, 750 kbit/s up."""
PHONE_PAGES = ("notebooks/06_hollands_midden.html", "notebooks/11_across_regions.html")
"""The first visit opens a chart chapter; the second page shows what the cache saves."""
PHONE_GOALS = {"banner_ms": 1000, "every_chart_ms": 2000, "wire_kib": 400}

# Records, at each frame, when the help banner and quick exit and each chart are first on screen.
# A chart counts as visible when its static image has loaded or its interactive SVG is drawn.
_PAINT_PROBE = """
(() => {
  const seen = {};
  window.__dvPaint = seen;
  const boxed = (el) => { if (!el) return false; const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const chartShown = (fig) => {
    for (const img of fig.querySelectorAll('img')) if (img.complete && img.naturalWidth > 0 && boxed(img)) return 'static';
    for (const svg of fig.querySelectorAll('svg')) if (boxed(svg) && svg.querySelector('g.role-mark')) return 'interactive';
    return null;
  };
  const tick = () => {
    const now = performance.now();
    if (!seen.banner && boxed(document.getElementById('dv-safety')) && boxed(document.getElementById('dv-quick-exit'))) seen.banner = now;
    const figures = document.querySelectorAll('figure.dv-chart');
    if (figures.length) {
      const states = Array.from(figures, chartShown);
      if (!seen.first_chart && states.some(Boolean)) seen.first_chart = now;
      if (!seen.every_chart && document.readyState !== 'loading' && states.every(Boolean)) seen.every_chart = now;
      if (!seen.every_interactive && document.readyState !== 'loading' && states.every((s) => s === 'interactive')) seen.every_interactive = now;
      seen.charts = figures.length;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();
"""


def measure_phone_visit(browser, base_url: str) -> list[dict]:
    """Open PHONE_PAGES one after another in one fresh phone-sized context on emulated Fast 3G."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  service_workers="block")
    context.add_init_script(_PAINT_PROBE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", FAST_3G)
    wire: dict[str, float] = {}
    cdp.on("Network.loadingFinished", lambda e: wire.__setitem__(e["requestId"], e["encodedDataLength"]))
    results = []
    try:
        for path in PHONE_PAGES:
            wire.clear()
            page.goto(base_url + path, wait_until="load", timeout=120_000)
            with contextlib.suppress(Exception):  # a page that never draws every chart is reported as such
                page.wait_for_function("() => window.__dvPaint && window.__dvPaint.every_chart", timeout=30_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            paint = page.evaluate("() => Object.assign({}, window.__dvPaint)")
            paint.update(path=path, wire_kib=sum(wire.values()) / 1024, requests=len(wire))
            results.append(paint)
    finally:
        context.close()
    return results


def build_book(copy: Path, cache: Path) -> Path:
    """Build the book of a copy (its notebooks are stored with outputs, so nothing is executed).

    English alone, since the pages measured are English and the other editions' chapters take minutes to run.
    A revision from before the book machinery had its own package is built with ``python -m dvregions`` (both
    editions: it has no option for one).
    """
    command = ["dvbook", "build", str(copy), "-q", "--source-only"] if (copy / "dvbook").is_dir() else [
        "dvregions", "build", str(copy), "-q"]
    done = subprocess.run([PY, "-m", *command], cwd=copy, env=env_for(copy, cache), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"building the book in {copy} failed:\n{(done.stdout + done.stderr)[-2000:]}")
    return copy / "_build" / "html"


PHONE_VISITS = 3
"""First visits measured per book; the table gives the median of each time."""


def bench_phone(work: Path, rev: str | None) -> list[tuple]:
    """First visit to a chart chapter, then a second chapter, at 360 px on emulated Fast 3G with gzip.

    This tree, and ``rev`` beside it when given (:func:`build_book`).
    """
    import statistics

    from playwright.sync_api import sync_playwright

    from dvbook.localweb import CHROMIUM_ARGS, chromium_path, serve_directory

    copies = {"after (this tree)": fresh_copy(ROOT, work / "phone-ours")}
    if rev:
        copies[f"before ({rev})"] = baseline_copy(work / "phone-base", rev)
    books = {}
    for name, copy in copies.items():
        books[name] = build_book(copy, work / "cache-phone")
        log(f"built the book of {name}")
    measured = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            for name, html in books.items():
                with serve_directory(html, compress=True) as url:
                    runs = [measure_phone_visit(browser, url) for _ in range(PHONE_VISITS)]
                measured[name] = [{key: statistics.median(run[page][key] for run in runs if key in run[page])
                                   if isinstance(value, int | float) else value for key, value in visits.items()}
                                  for page, visits in enumerate(runs[0])]
        finally:
            browser.close()

    def ms(value: float | None) -> str:
        return f"{value / 1000:.2f} s" if value else "never"

    print(f"\nA slow phone: 360x740, Fast 3G (150 ms, 1.6 Mbit/s), gzip; times from navigation start, "
          f"median of {PHONE_VISITS} first visits")
    print(f"{'book':<20} {'page':<34} {'banner':>8} {'1st chart':>9} {'every':>8} {'all live':>9} "
          f"{'wire':>10} {'requests':>8}")
    for name, visits in measured.items():
        for visit in visits:
            print(f"{name:<20} {visit['path'].split('/')[-1]:<34} {ms(visit.get('banner')):>8} "
                  f"{ms(visit.get('first_chart')):>9} {ms(visit.get('every_chart')):>8} "
                  f"{ms(visit.get('every_interactive')):>9} {visit['wire_kib']:7.0f} KiB {visit['requests']:>8}")
    after = measured["after (this tree)"][0]
    print(f"\nGoals for the first visit (this tree): banner <= {PHONE_GOALS['banner_ms'] / 1000:.1f} s: "
          f"{'met' if (after.get('banner') or 1e9) <= PHONE_GOALS['banner_ms'] else 'NOT met'}; every chart <= "
          f"{PHONE_GOALS['every_chart_ms'] / 1000:.1f} s: "
          f"{'met' if (after.get('every_chart') or 1e9) <= PHONE_GOALS['every_chart_ms'] else 'NOT met'}; "
          f"<= {PHONE_GOALS['wire_kib']} KiB on the wire: "
          f"{'met' if after['wire_kib'] <= PHONE_GOALS['wire_kib'] else 'NOT met'}")
    return []  # absolute goals, not ratios: the table above is the result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=["tests", "chapters", "phone"], help="run only these parts")
    parser.add_argument("--national", action="store_true", help="also the national-scale run (several minutes)")
    parser.add_argument("--baseline", default=BASELINE, help=f"revision chapters are compared with (default {BASELINE})")
    parser.add_argument("--phone-baseline", default=None, help="also measure the phone page load of this revision")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args(argv)
    parts = args.only or ["chapters", "phone"]
    work = Path(tempfile.mkdtemp(prefix="dvregions-bench-"))
    log(f"working in {work}; {os.cpu_count()} cores; parts: {', '.join(parts)}{' + national' if args.national else ''}")
    started = time.perf_counter()
    rows: list[tuple] = []
    try:
        plain: tuple[float, str] | None = None
        if "chapters" in parts:
            chapter_rows, after_s = bench_chapters(work, args.baseline)
            rows += chapter_rows
            # This tree's chapter run is itself a plain sequential execution: the test suite's baseline.
            plain = (after_s, "this tree's chapter run above")
        if "tests" in parts:
            rows += bench_tests(work, *(plain or plain_execution(work)))
        if "phone" in parts:
            rows += bench_phone(work, args.phone_baseline)
        if args.national:
            rows += bench_national(work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nRatios ({time.perf_counter() - started:.0f} s in all, {os.cpu_count()} cores):")
    print(f"{'measurement':<46} {'ours':>8} {'baseline':>9} {'ratio':>6} {'goal':>7} met  note")
    for name, ours, base, goal, note in rows:
        ratio = ours / base
        print(f"{name:<46} {ours:7.1f}s {base:8.1f}s {ratio:6.2f} {'<= ' + str(goal):>7} {'yes' if ratio <= goal else 'NO ':<4} {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
