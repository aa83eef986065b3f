"""The editions besides the source: the same notebooks run in another language, with the prose from its catalogs.

``python -m dvbook build`` (:mod:`dvbook.book`) builds the source edition into ``_build/html`` and then
calls :func:`build_edition` for each other edition of :data:`dvregions.i18n.EDITIONS` that has its
catalogs in ``locales/<language>/``, into ``_build/html/<folder>``. When an edition's catalogs are
complete (:func:`can_run_early`), step 2 runs while Sphinx builds the source edition, on the cores
Sphinx leaves idle.

1. :func:`dvbook.translations.problems` must find nothing: a missing or out-of-date
   translation stops the build with the list of messages to translate.
2. Every chapter is executed once more with ``DVREGIONS_LANGUAGE`` set to the edition's language, so
   charts, tables, glued numbers and generated sentences come out in it from the same code and data.
   The result is kept in ``_build/<language>/executed/`` with a fingerprint of the source notebook's
   inputs and the code and data catalogs; it runs again only when one of them changes.
3. A source tree is staged in ``_build/<language>/src``: the executed notebooks with their Markdown
   cells translated, the translated pages of ``book/``, and a configuration whose title, part captions,
   ``language`` and the words the build itself writes (code toggles, help banner, bibliography) come
   from the catalog. Files are rewritten only when they change, so Sphinx re-reads only what changed.
4. Sphinx builds that tree with the same extensions and warnings-as-errors as the source edition;
   search gets its own index in the edition's language.

Nothing under ``_build`` is committed: the stored notebooks stay the source edition, which is
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

SHARED = ("book/_static", "book/_templates", "data")
"""Files an edition's tree uses as they are (linked, not copied): assets and the downloadable data."""


def stage_dir(root: Path, lang: str) -> Path:
    """Where an edition keeps its executed notebooks (``executed/``), its source tree (``src/``) and Sphinx state."""
    return root / "_build" / lang


def out_dir(root: Path, lang: str) -> Path:
    """The built HTML of an edition."""
    return root / "_build" / "html" / i18n.EDITIONS[lang][1]


def translated(root: Path) -> list[str]:
    """The editions other than the source that have catalogs in ``root``, in the order of the list."""
    return [lang for lang in i18n.LANGUAGES[1:] if (root / "locales" / lang).is_dir()]


def fingerprint(english: dict, root: Path, lang: str) -> str:
    """What a notebook's outputs in ``lang`` depend on: its source inputs and the code and data catalogs."""
    parts = [json.dumps(english.get("metadata", {}).get(build.METADATA_KEY, {}).get("inputs"), sort_keys=True),
             build.code_fingerprint(english)]
    for domain in (i18n.PACKAGE_DOMAIN, i18n.DATA_DOMAIN):
        # The translations themselves, not the file: a code line moving changes only a location comment.
        path = root / "locales" / lang / f"{domain}.po"
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
        build.execute_in_fresh_kernel(nb, source.parent, timeout, env)
    except Exception as exc:  # noqa: BLE001 - any failure must fail the build, with its text
        return build.ExecutionResult(rel, time.perf_counter() - start, error=f"{type(exc).__name__}: {exc}")
    build.renumber_execution_counts(nb)
    nb.metadata.setdefault(build.METADATA_KEY, {})[f"{lang}_inputs"] = key
    target.parent.mkdir(parents=True, exist_ok=True)
    written = build.write_if_changed(target, build.notebook_text(nb))
    return build.ExecutionResult(rel, time.perf_counter() - start, written)


def execute_stale(root: Path, lang: str, jobs: int, timeout: int, force: bool = False) -> int:
    """Execute in ``lang`` every notebook whose outputs in it are missing or out of date (all if ``force``).

    Returns an exit code.
    """
    name = i18n.EDITIONS[lang][0]
    todo = []
    for source in build.find_notebooks(root):
        key = fingerprint(json.loads(source.read_text(encoding="utf-8")), root, lang)
        target = stage_dir(root, lang) / "executed" / source.name
        stored = json.loads(target.read_text(encoding="utf-8")) if target.is_file() else {}
        if force or stored.get("metadata", {}).get(build.METADATA_KEY, {}).get(f"{lang}_inputs") != key:
            todo.append((source, target, lang, key, timeout))
    if not todo:
        print(f"{name}: all notebooks up to date", flush=True)
        return 0
    started = time.perf_counter()
    results = build.run_notebooks(execute_in_language, todo, jobs, lang, isolated=True)
    print(f"{name}: executed {len(todo)} notebooks in {time.perf_counter() - started:.1f} s", flush=True)
    return build.exit_status(results, name)


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


def stage(root: Path, lang: str) -> Path:
    """Write the source tree of the edition in ``lang``; return its folder."""
    import yaml

    src = stage_dir(root, lang) / "src"
    src.mkdir(parents=True, exist_ok=True)
    locales = root / "locales" / lang
    words = translations.table(locales / f"{i18n.PACKAGE_DOMAIN}.po")
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config["title"] = words[translations.same_words(config["title"])]
    config["author"] = words[translations.same_words(config["author"])]
    toggles = {option: words[message] for option, message in translations.CODE_TOGGLES.items()}
    config["sphinx"]["config"].update(language=lang, **toggles)
    build.write_if_changed(src / "_config.yml", yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        part["caption"] = words[translations.same_words(part["caption"])]
    build.write_if_changed(src / "_toc.yml", yaml.safe_dump(toc, allow_unicode=True, sort_keys=False))
    for shared in SHARED:
        _link(root / shared, src / shared)
    bibliography = root / translations.BIBLIOGRAPHY
    if (src / translations.BIBLIOGRAPHY).is_symlink():  # older trees linked it; writing would change the original
        (src / translations.BIBLIOGRAPHY).unlink()
    if bibliography.is_file():
        build.write_if_changed(src / translations.BIBLIOGRAPHY, translations.translate_bibliography(
            bibliography.read_text(encoding="utf-8"), translations.table(locales / "book" / "references_bib.po")))
    for page in translations.page_sources(root):
        rel = page.relative_to(root)
        table = translations.table(locales / rel.with_suffix(".po"))
        if page.suffix == ".md":
            text = translations.translate_markdown(page.read_text(encoding="utf-8"), table)
        else:
            text = _translated_notebook(stage_dir(root, lang) / "executed" / page.name, table)
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        build.write_if_changed(src / rel, text)
    return src


def _translated_notebook(executed: Path, table: dict[str, str]) -> str:
    """The notebook executed in an edition's language, with its Markdown cells translated by ``table``."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translations.translate_markdown(cell.source, table)
    return build.notebook_text(nb)


def can_run_early(root: Path, lang: str) -> bool:
    """True when the edition's chapters may run while the source edition is built: its catalogs are complete.

    With a problem in the catalogs the source edition is built first and :func:`build_edition` then
    stops with the list, as it always has.
    """
    return not translations.problems(root, lang)


def build_edition(root: Path, lang: str, jobs: int, timeout: int, quiet: bool = False, *,
                  runs: int | None = None, execute: bool = True, force: bool = False) -> int:
    """Check the catalogs, execute what changed in ``lang``, stage and build ``_build/html/<folder>``.

    ``runs`` is the exit code of :func:`execute_stale` when the caller has run it already (beside
    the source edition's build); the chapters are then not looked at again. Without ``execute`` the
    chapters' outputs are taken as last executed; ``force`` executes every chapter again.
    """
    root = Path(root).resolve()
    name = i18n.EDITIONS[lang][0]
    problems = translations.problems(root, lang)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"\n{name}: {len(problems)} messages without a usable translation. See locales/README.md: "
              f"run `python -m dvbook translations update --lang {lang}`, translate, and build again.", file=sys.stderr)
        return 1
    if runs is None and execute:
        runs = execute_stale(root, lang, jobs, timeout, force)
    missing = [page.name for page in build.find_notebooks(root)
               if not (stage_dir(root, lang) / "executed" / page.name).is_file()]
    if runs or missing:
        if missing:
            print(f"{name}: never executed: {', '.join(missing)} (build without --no-execute)", file=sys.stderr)
        return runs or 1
    src = stage(root, lang)
    return build.build_book(root, quiet, source=src, out_dir=out_dir(root, lang), state_dir=stage_dir(root, lang))
