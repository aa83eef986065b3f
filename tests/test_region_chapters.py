"""Region chapters come from one mould, but each says its own things.

The code cells call shared helpers (:mod:`dvregions.region`), so no block of code is repeated from one region
chapter to another; and no paragraph of prose is the same word for word in two of them, so that the mould does not
turn the prose into a template.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
REGION_CHAPTERS = sorted(p for p in NOTEBOOKS.glob("*.ipynb") if 3 <= int(p.name[:2]) <= 10)
SHARED_LINES = 3
"""Consecutive lines of code two region chapters may not share."""


def cells(path: Path, kind: str) -> list[str]:
    return [cell.source for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == kind]


def paragraphs(path: Path) -> set[str]:
    """Every paragraph or list item of a chapter's prose, whitespace folded; headings and short lines left out."""
    found = set()
    for source in cells(path, "markdown"):
        for block in re.split(r"\n\s*\n|\n(?=\s*(?:[-*]|\d+\.) )", source):
            text = " ".join(block.split())
            if not text.startswith("#") and len(text.split()) >= 8:
                found.add(text)
    return found


def code_runs(path: Path) -> set[tuple[str, ...]]:
    """Every run of :data:`SHARED_LINES` consecutive non-blank code lines, whitespace folded."""
    runs = set()
    for source in cells(path, "code"):
        lines = [" ".join(line.split()) for line in source.splitlines() if line.strip()]
        runs |= {tuple(lines[i:i + SHARED_LINES]) for i in range(len(lines) - SHARED_LINES + 1)}
    return runs


def test_there_are_region_chapters():
    assert len(REGION_CHAPTERS) == 8


@pytest.mark.parametrize("first, second", list(itertools.combinations(REGION_CHAPTERS, 2)),
                         ids=lambda p: p.stem[:2])
def test_no_paragraph_is_shared(first, second):
    assert not paragraphs(first) & paragraphs(second)


@pytest.mark.parametrize("first, second", list(itertools.combinations(REGION_CHAPTERS, 2)),
                         ids=lambda p: p.stem[:2])
def test_no_block_of_code_is_repeated(first, second):
    assert not code_runs(first) & code_runs(second)


def test_the_checks_catch_a_shared_paragraph_and_block(tmp_path):
    text = "This paragraph of eight words or more is shared here."
    block = "a = 1\nb = 2\nc = 3"
    for name in ("03_a.ipynb", "04_b.ipynb"):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text),
                                                   nbformat.v4.new_code_cell(block)])
        nbformat.write(notebook, tmp_path / name)
    first, second = sorted(tmp_path.glob("*.ipynb"))
    assert paragraphs(first) & paragraphs(second)
    assert code_runs(first) & code_runs(second)
