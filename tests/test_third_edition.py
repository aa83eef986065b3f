"""Another edition is one entry in ``dvregions.i18n.EDITIONS`` and a folder of catalogs: shown with Frisian.

A one-page book gets a third edition, Frisian (``fy``, a real locale the book does not use): the
entry is added to the list, ``python -m dvbook translations update`` writes its catalogs, the test
fills them in, and ``python -m dvbook build`` builds all three editions with nothing else changed.
The Frisian words here are stand-ins ("fy: " and the English): what is shown is the mechanism.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dvbook import book, translations
from dvregions import i18n

ROOT = Path(__file__).resolve().parent.parent
FRISIAN = ("Frysk", "fy/")


def one_page_book(root: Path) -> Path:
    """The book's configuration, templates and bibliography, with a table of contents of one page."""
    (root / "book").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", root / "_config.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    (root / "book" / "index.md").write_text("# A page\n\nOne paragraph of text.\n", encoding="utf-8")
    shutil.copy(ROOT / "book" / "references.bib", root / "book" / "references.bib")
    for shared in ("_static", "_templates"):
        os.symlink(ROOT / "book" / shared, root / "book" / shared)
    return root


def fill_in(root: Path, lang: str) -> None:
    """Write the catalogs of ``lang`` and translate every message ("fy: " + the English, say)."""
    for path in translations.update(root, lang):
        catalog = translations.read_catalog(path)
        for message in catalog:
            if message.id:  # after a heading's marks: "# fy: A page"
                message.string = re.sub(r"^(#+ )?", lambda match: f"{match.group(1) or ''}{lang}: ", message.id)
        translations.write_catalog(path, catalog)


BUILD_WITH_FRISIAN = """
import argparse, sys
from pathlib import Path
from dvregions import i18n
i18n.EDITIONS["fy"] = ("Frysk", "fy/")  # the one entry
i18n.LANGUAGES = tuple(i18n.EDITIONS)
root = Path(sys.argv[1])
i18n.LOCALES_DIR = root / "locales"
from dvbook import book
options = dict(no_execute=False, force=False, check=False, no_book=False, jobs=1, timeout=60, quiet=True,
               source_only=False)
sys.exit(book.run(argparse.Namespace(root=root, **options)))
"""
"""Builds a book with Frisian as its third edition, in a process of its own (Sphinx keeps state per process)."""


@pytest.fixture
def three_editions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A one-page book built in English, Dutch and Frisian."""
    root = one_page_book(tmp_path / "book")
    for lang in ("nl", "fy"):
        fill_in(root, lang)
    assert sorted(path.name for path in (root / "locales").iterdir()) == ["fy", "nl"]
    done = subprocess.run([sys.executable, "-c", BUILD_WITH_FRISIAN, str(root)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    monkeypatch.setattr(i18n, "EDITIONS", {**i18n.EDITIONS, "fy": FRISIAN})
    return root / "_build" / "html"


def test_a_third_edition_is_one_entry_and_a_catalog_folder(three_editions: Path) -> None:
    page = (three_editions / "fy" / "book" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<html[^>]* lang="fy"', page)
    assert "fy: One paragraph of text." in page  # the page's prose, from its catalog
    assert re.search(r"<title>fy: A page &#8212; fy: How Dutch regions tackle", page)  # the page's and the book's
    # The help banner: in Dutch first, then in the page's language, every word from the catalogs.
    banner = page[page.index('<aside id="dv-safety"'):page.index("</aside>")]
    assert banner.index('lang="nl"') < banner.index("fy: Need help or advice?")
    assert "Need help or advice?" not in banner.replace("fy: Need help or advice?", "").replace(
        "nl: Need help or advice?", "")
    # Every edition's page links to the others (hreflang alternates), and to the Frisian one by its own name.
    for code, (_name, folder) in i18n.EDITIONS.items():
        assert f'hreflang="{code}"' in page
        if code != "fy":
            other = (three_editions / folder / "book" / "index.html").read_text(encoding="utf-8")
            assert f'hreflang="fy" lang="fy">{FRISIAN[0]}</a>' in other


def run_build(root: Path, capsys, **flags) -> tuple[str, list[str]]:
    """``python -m dvbook build`` with ``flags``, in this process: what it printed and the editions it opened."""
    options = {"no_execute": False, "force": False, "source_only": False, **flags}
    args = argparse.Namespace(root=root, check=False, no_book=False, jobs=1, timeout=60, quiet=True, **options)
    assert book.run(args) == 0
    out = capsys.readouterr().out
    return out, [line.rsplit("(", 1)[1].rstrip(")") for line in out.splitlines() if line.startswith("open:")]


@pytest.fixture
def no_sphinx(monkeypatch):
    """The Sphinx builds stand in for themselves: these tests look at which editions are built."""
    from dvbook import build

    monkeypatch.setattr(build, "build_book", lambda root, quiet=False, **where: 0)


@pytest.mark.parametrize(("flags", "runs"), [({}, [("nl", False)]), ({"force": True}, [("nl", True)]),
                                             ({"no_execute": True}, [])])
def test_every_option_reaches_every_edition(flags, runs, tmp_path: Path, monkeypatch, capsys, no_sphinx) -> None:
    """--force executes the Dutch chapters again too, --no-execute runs no Dutch kernel either."""
    from dvbook import edition

    (tmp_path / "locales" / "nl").mkdir(parents=True)
    (tmp_path / "locales" / "nl" / "dvregions.po").write_text("", encoding="utf-8")
    seen = []
    monkeypatch.setattr(edition, "execute_stale", lambda root, lang, jobs, timeout, force=False:
                        seen.append((lang, force)) or 0)
    monkeypatch.setattr(translations, "problems", lambda root, lang: [])
    monkeypatch.setattr(edition, "stage", lambda root, lang: root)
    assert run_build(tmp_path, capsys, **flags)[1] == ["English", "Nederlands"]
    assert seen == runs


def test_an_edition_without_catalogs_is_skipped_and_not_offered(tmp_path: Path, capsys, no_sphinx) -> None:
    out, opened = run_build(tmp_path, capsys)
    assert "no locales/nl: the Nederlands edition is skipped" in out
    assert opened == ["English"]


def test_the_source_edition_alone(tmp_path: Path, monkeypatch, capsys, no_sphinx) -> None:
    """--source-only builds the English edition and no other, saying so."""
    from dvbook import edition

    (tmp_path / "locales" / "nl").mkdir(parents=True)
    monkeypatch.setattr(edition, "build_edition", lambda *args, **kwargs: pytest.fail("built another edition"))
    out, opened = run_build(tmp_path, capsys, source_only=True)
    assert "--source-only: the Nederlands edition is skipped" in out
    assert opened == ["English"]
