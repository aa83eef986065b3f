"""The stored chapters are valid notebooks of the format version they declare."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_valid(path: Path) -> None:
    """A cell id in a 4.4 notebook, say, makes every reader log an error (nbformat 4.5 brought ids)."""
    with open(path, encoding="utf-8") as handle:
        nb = nbformat.read(handle, as_version=nbformat.NO_CONVERT)
    nbformat.validate(nb)


def test_an_invalid_notebook_is_found(tmp_path: Path) -> None:
    """The check above bites: a 4.4 notebook with a cell id fails validation."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("text")])
    nb.nbformat_minor = 4
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nb)
