"""``python -m dvbook build``: execute what changed, then build every edition of the book.

The editions are the list :data:`dvregions.i18n.EDITIONS`. The first, the source edition, is the
stored notebooks (:mod:`dvbook.build` executes the stale ones and builds ``_build/html``); every
other edition with catalogs in ``locales/<language>/`` is executed in its language and built into
its folder (:mod:`dvbook.edition`). Every option reaches every edition, except ``--check``: it
looks at the stored notebooks only, since the other editions' outputs are build products, never
committed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from dvbook import build, edition
from dvregions import i18n


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m dvbook build``."""
    parser.add_argument("root", nargs="?", default=".", type=Path, help="book root (default: current folder)")
    parser.add_argument("--no-execute", action="store_true",
                        help="render the outputs as last executed, in every edition")
    parser.add_argument("--force", action="store_true", help="execute every notebook, in every edition")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if a stored notebook is stale; execute and build nothing")
    parser.add_argument("--no-book", action="store_true", help="execute what is stale in every edition; build no HTML")
    parser.add_argument("--jobs", "-j", type=int, default=os.cpu_count(), help="notebooks run at once (default: cores)")
    parser.add_argument("--timeout", type=int, default=build.DEFAULT_TIMEOUT, help="seconds per cell")
    parser.add_argument("--source-only", action="store_true",
                        help=f"build the {i18n.EDITIONS[i18n.SOURCE_LANGUAGE][0]} edition alone (a quick look)")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="less output (Sphinx warnings and one line per executed notebook)")


def execute_source(root: Path, args: argparse.Namespace) -> int:
    """Execute the stored notebooks that are stale (all with ``--force``); return an exit code."""
    statuses = build.notebook_statuses(root)
    stale = [status for status in statuses if status.stale or args.force]
    if args.check:
        for status in stale:
            print(f"stale: {status.rel}: {'; '.join(status.reasons) or 'forced'}")
        print(f"{len(stale)} of {len(statuses)} notebooks stale")
        return 1 if stale else 0
    if args.no_execute:
        return 0
    if not stale:
        print(f"all {len(statuses)} notebooks up to date", flush=True)
        return 0
    for status in stale:
        print(f"to run: {status.rel} ({'; '.join(status.reasons) or 'forced'})", flush=True)
    started = time.perf_counter()
    results = build.execute_notebooks([status.path for status in stale], root, args.jobs, args.timeout, args.quiet)
    print(f"executed {len(results)} notebooks in {time.perf_counter() - started:.1f} s", flush=True)
    return build.exit_status(results, i18n.EDITIONS[i18n.SOURCE_LANGUAGE][0])


def execute_early(root: Path, languages: list[str], args: argparse.Namespace) -> dict[str, int]:
    """Execute the editions whose catalogs are complete; their exit codes by language."""
    return {lang: edition.execute_stale(root, lang, args.jobs, args.timeout, args.force)
            for lang in languages if edition.can_run_early(root, lang)}


def run(args: argparse.Namespace) -> int:
    """Execute what is stale, then build every edition; return the exit code."""
    root = Path(args.root).resolve()
    status = execute_source(root, args)
    if status or args.check:
        return status
    languages = [] if args.source_only else edition.translated(root)
    for lang in i18n.LANGUAGES[1:]:
        if lang not in languages:
            why = "--source-only" if args.source_only else f"no locales/{lang}"
            print(f"{why}: the {i18n.EDITIONS[lang][0]} edition is skipped", flush=True)
    if args.no_book:
        return 0 if args.no_execute else max(execute_early(root, languages, args).values(), default=0)
    from concurrent.futures import ThreadPoolExecutor

    # Sphinx builds on one core (see benchmarks/README.md); the other editions' chapters run on the others meanwhile.
    with ThreadPoolExecutor(max_workers=1) as beside:
        early = beside.submit(execute_early, root, [] if args.no_execute else languages, args)
        status = build.build_book(root, args.quiet)
        runs = early.result()
    built = []
    for lang in [i18n.SOURCE_LANGUAGE, *languages]:
        if lang != i18n.SOURCE_LANGUAGE:
            status = edition.build_edition(root, lang, args.jobs, args.timeout, args.quiet, runs=runs.get(lang),
                                           execute=not args.no_execute, force=args.force)
        if status:
            print(f"the {i18n.EDITIONS[lang][0]} edition failed (warnings are errors)", file=sys.stderr)
            return status
        built.append(lang)
    for lang in built:
        print(f"open: {edition.out_dir(root, lang) / 'index.html'} ({i18n.EDITIONS[lang][0]})")
    return 0
