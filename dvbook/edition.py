"""The Dutch edition: the same notebooks, run in Dutch, with the prose from the catalogs.

``python -m dvbook build`` builds the English book into ``_build/html`` and then calls
:func:`build_edition` for Dutch, into ``_build/html/nl``. When the catalogs are complete
(:func:`can_run_early`), step 2 runs while Sphinx builds the English book, on the cores Sphinx
leaves idle.

1. :func:`dvbook.translations.problems` must find nothing: a missing or out-of-date
   translation stops the build with the list of messages to translate.
2. Every chapter is executed once more with ``DVREGIONS_LANGUAGE=nl``, so charts, tables, glued
   numbers and generated sentences come out in Dutch from the same code and data. The result is
   kept in ``_build/nl/executed/`` with a fingerprint of the English notebook's inputs and the
   code and data catalogs; it runs again only when one of them changes.
3. A source tree is staged in ``_build/nl/src``: the executed notebooks with their Markdown cells
   translated, the translated pages of ``book/``, and a configuration whose title, part captions
   and ``language`` are Dutch. Files are rewritten only when they change, so Sphinx re-reads only
   what changed.
4. Sphinx builds that tree with the same extensions and warnings-as-errors as the English one;
   search gets its own, Dutch, index.

Nothing under ``_build`` is committed: the stored notebooks stay the English edition, which is
what ``pytest --nbval`` checks.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

from dvbook import build, translations
from dvregions import i18n

LANG = "nl"
STAGE = Path("_build") / LANG
SHARED = ("book/_static", "book/_templates", "data")
"""Files the Dutch tree uses as they are (linked, not copied): assets and the downloadable data."""
BIBLIOGRAPHY_STYLE = "dvregions_nl"
"""The pybtex style of the Dutch bibliography (:mod:`dvbook.sphinx_ext`): Dutch words around the entries."""


CODE_TOGGLES = {"nb_code_prompt_show": "Code tonen", "nb_code_prompt_hide": "Code verbergen"}
"""myst-nb's folded-code labels, which Sphinx's catalogs do not translate."""


def fingerprint(english: dict, root: Path) -> str:
    """What a notebook's Dutch outputs depend on: its English inputs and the code and data catalogs."""
    parts = [json.dumps(english.get("metadata", {}).get(build.METADATA_KEY, {}).get("inputs"), sort_keys=True),
             build.code_fingerprint(english)]
    for domain in (i18n.PACKAGE_DOMAIN, i18n.DATA_DOMAIN):
        # The translations themselves, not the file: a code line moving changes only a location comment.
        path = root / "locales" / LANG / f"{domain}.po"
        parts.append(json.dumps(sorted(translations.table(path).items())) if path.is_file() else "missing")
    return build.sha256_bytes("\n".join(parts).encode("utf-8"))


def execute_in_language(source: Path, target: Path, lang: str, key: str, timeout: int) -> build.ExecutionResult:
    """Run ``source`` in a fresh kernel whose generated text is in ``lang``; write the result to ``target``."""
    import nbformat

    start = time.perf_counter()
    rel = source.name
    nb = nbformat.read(source, as_version=4)
    # The language goes to the kernel alone: this process may be the one building the English book.
    env = {**os.environ, i18n.LANGUAGE_ENV: lang}
    try:
        build._execute_in_fresh_kernel(nb, source.parent, timeout, env)
    except Exception as exc:  # noqa: BLE001 - any failure must fail the build, with its text
        return build.ExecutionResult(rel, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
    build.renumber_execution_counts(nb)
    nb.metadata.setdefault(build.METADATA_KEY, {})[f"{lang}_inputs"] = key
    target.parent.mkdir(parents=True, exist_ok=True)
    written = build.write_if_changed(target, build.notebook_text(nb))
    return build.ExecutionResult(rel, time.perf_counter() - start, written)


def execute_stale(root: Path, jobs: int, timeout: int) -> int:
    """Execute in Dutch every notebook whose Dutch outputs are missing or out of date; return an exit code."""
    todo = []
    for source in build.find_notebooks(root):
        english = json.loads(source.read_text(encoding="utf-8"))
        key = fingerprint(english, root)
        target = root / STAGE / "executed" / source.name
        stored = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else {}
        if stored.get("metadata", {}).get(build.METADATA_KEY, {}).get(f"{LANG}_inputs") != key:
            todo.append((source, target, LANG, key, timeout))
    if not todo:
        print("Dutch edition: all notebooks up to date", flush=True)
        return 0
    started = time.perf_counter()
    results = build.run_notebooks(execute_in_language, todo, jobs, LANG, isolated=True)
    failed = [result for result in results if result.error]
    print(f"Dutch edition: executed {len(todo)} notebooks in {time.perf_counter() - started:.1f} s", flush=True)
    for result in failed:
        print(f"\nnotebook failed in Dutch: {result.rel}\n{result.error}", file=sys.stderr)
    return 1 if failed else 0


def _link(source: Path, target: Path) -> None:
    """Make ``target`` a symbolic link to ``source`` (replacing whatever is there)."""
    if target.is_symlink() and target.resolve() == source.resolve():
        return
    if target.is_symlink() or target.is_file():
        target.unlink()
    elif target.is_dir():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.symlink_to(source)


def stage(root: Path) -> Path:
    """Write the Dutch source tree; return its folder."""
    import yaml

    src = root / STAGE / "src"
    src.mkdir(parents=True, exist_ok=True)
    words = translations.table(root / "locales" / LANG / f"{i18n.PACKAGE_DOMAIN}.po")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = words[translations.same_words(config["title"])]
    config["author"] = words[translations.same_words(config["author"])]
    config["sphinx"]["config"].update(language=LANG, **CODE_TOGGLES)
    config["sphinx"]["config"]["bibtex_default_style"] = BIBLIOGRAPHY_STYLE
    build.write_if_changed(src / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["caption"] = words[translations.same_words(part["caption"])]
    build.write_if_changed(src / "_toc.yml", yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    for shared in SHARED:
        _link(root / shared, src / shared)
    bibliography = root / translations.BIBLIOGRAPHY
    if (src / translations.BIBLIOGRAPHY).is_symlink():
        (src / translations.BIBLIOGRAPHY).unlink()
    build.write_if_changed(src / translations.BIBLIOGRAPHY, translations.translate_bibliography(
        bibliography.read_text(encoding="utf-8"),
        translations.table(root / "locales" / LANG / "book" / "references_bib.po")))
    for page in translations.page_sources(root):
        rel = page.relative_to(root)
        table = translations.table(root / "locales" / LANG / rel.with_suffix(".po"))
        if page.suffix == ".md":
            text = translations.translate_markdown(page.read_text(encoding="utf-8"), table)
        else:
            text = _translated_notebook(root / STAGE / "executed" / page.name, table)
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        build.write_if_changed(src / rel, text)
    return src


def _translated_notebook(executed: Path, table: dict[str, str]) -> str:
    """The Dutch-executed notebook with its Markdown cells in Dutch."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translations.translate_markdown(cell.source, table)
    return build.notebook_text(nb)


def can_run_early(root: Path) -> bool:
    """True when the Dutch chapters may run while the English book is built: the catalogs are complete.

    With a problem in the catalogs the English book is built first and :func:`build_edition` then
    stops with the list, as it always has.
    """
    return (root / "locales" / LANG).is_dir() and not translations.problems(root, LANG)


def build_edition(root: Path, jobs: int, timeout: int, quiet: bool = False, runs: int | None = None) -> int:
    """Check the catalogs, execute what changed in Dutch, stage and build ``_build/html/nl``.

    ``runs`` is the exit code of :func:`execute_stale` when the caller has run it already (beside
    the English build); the chapters are then not looked at again.
    """
    root = Path(root).resolve()
    if not (root / "locales" / LANG).is_dir():
        print(f"no locales/{LANG}: one edition only", flush=True)
        return 0
    problems = translations.problems(root, LANG)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"\nDutch edition: {len(problems)} messages without a usable translation. "
              "See locales/README.md: run `python -m dvbook translations update`, translate, and build again.",
              file=sys.stderr)
        return 1
    status = execute_stale(root, jobs, timeout) if runs is None else runs
    if status:
        return status
    src = stage(root)
    out_dir = root / "_build" / "html" / i18n.EDITIONS[LANG][1]
    return build.build_book(root, quiet, source=src, out_dir=out_dir, state_dir=root / STAGE)
