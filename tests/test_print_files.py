"""The print edition's browser programs and stylesheets are files of their own (``dvbook/print/``).

Every file ``dvbook/pdf.py`` loads exists, says what it does and is installed with the package; and
no program or stylesheet is written inside a Python string of ``pdf.py`` again, where no editor,
linter or reader sees it as what it is. No browser is needed.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

from dvbook import pdf

ROOT = Path(__file__).resolve().parents[1]
PDF_MODULE = ROOT / "dvbook" / "pdf.py"
PRINT_DIR = ROOT / "dvbook" / "print"

# What gives a program away: arrow functions, the page's objects, blocks after a condition or a call.
JS_SIGNS = re.compile(
    r"=>|\bdocument\.\w|\bwindow\.\w|localStorage|querySelector|\bfunction\s*\(|\bconst\s+\w+\s*=|\)\s*\{"
)
# What gives a stylesheet away: at-rules, a block that opens with a declaration, an inline style.
CSS_SIGNS = re.compile(r"@(?:page|media|font-face|import)\b|\{\s*-?[a-z][a-z-]*\s*:|\bstyle\s*=\s*[\"'][^\"']*:")


def loaded_names(source: str) -> list[str]:
    """The file names passed to ``_print_file("...")`` in a module's source."""
    names = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_print_file":
            assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), ast.unparse(node)
            names.append(node.args[0].value)
    return names


def python_strings(source: str) -> list[tuple[int, str]]:
    """Every string literal of a module's source with its line, an f-string's fields read as ``0``."""
    strings = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            text = "".join(part.value if isinstance(part, ast.Constant) else "0" for part in node.values)
            strings.append((node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append((node.lineno, node.value))
    return strings


def programs_in_strings(source: str) -> list[str]:
    """The string literals of a source that hold JavaScript or CSS, as ``line: start of the string``."""
    found = []
    for line, text in python_strings(source):
        sign = JS_SIGNS.search(text) or CSS_SIGNS.search(text)
        if sign:
            found.append(f"line {line}: {sign.group(0)!r} in {text.strip()[:80]!r}")
    return found


def as_python(text: str, name: str) -> str:
    """A file of ``print/`` written back into a Python constant: a plain string, or an f-string for a template."""
    if "${" in text:
        body = text.replace("{", "{{").replace("}", "}}")
        body = re.sub(r"\$\{\{(\w+)\}\}", r"{\1}", body)
        return f'CONSTANT = f"""{body}"""\n'
    return f"CONSTANT = {text!r}\n"


def test_every_file_loaded_exists_and_says_what_it_does() -> None:
    names = loaded_names(PDF_MODULE.read_text(encoding="utf-8"))
    assert names, "pdf.py loads no file of print/: the check below would pass for nothing"
    assert len(names) == len(set(names)), f"a file is loaded twice: {names}"
    for name in names:
        path = PRINT_DIR / name
        assert path.is_file(), f"pdf.py loads {name}, which is not in {PRINT_DIR}"
        text = path.read_text(encoding="utf-8")
        assert text.strip(), f"{name} is empty"
        assert text.lstrip().startswith(("//", "/*")), f"{name} does not open with a comment saying what it does"
        assert pdf._print_file(name) == text
    assert sorted(path.name for path in PRINT_DIR.iterdir()) == sorted(names), "a file of print/ is not used"


def test_the_files_are_installed_with_the_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["dvbook"]
    for path in PRINT_DIR.iterdir():
        relative = path.relative_to(ROOT / "dvbook").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), f"{relative} is not package data"


def test_templates_are_filled_in_whole() -> None:
    edition = pdf.Edition(html_dir=ROOT, home=ROOT / "index.html", lang="nl", title="Boek", help_html="<p>Hulp</p>",
                          citation_html="<p>Citaat</p>")
    for document in (pdf.front_matter_html(edition, []), pdf.furniture_html(edition, [None, "Hoofdstuk"])):
        assert "$" not in document and "@page { size: 210mm 297mm;" in document
    assert "height: 247mm;" in pdf.front_matter_html(edition, [])
    assert "left: 18mm; right: 18mm;" in pdf.furniture_html(edition, ["Hoofdstuk"])


def test_no_program_or_stylesheet_is_left_in_pdf_py() -> None:
    found = programs_in_strings(PDF_MODULE.read_text(encoding="utf-8"))
    assert not found, "JavaScript or CSS inside Python strings of pdf.py (make it a file of print/):\n" + "\n".join(found)


@pytest.mark.parametrize("name", sorted(path.name for path in PRINT_DIR.iterdir()))
def test_the_check_would_catch_a_file_moved_back(name: str) -> None:
    # Each file of print/ put back into pdf.py as the constant it was is found; without its comment too.
    text = (PRINT_DIR / name).read_text(encoding="utf-8")
    without_comment = re.sub(r"^\s*(//[^\n]*\n|/\*.*?\*/\s*)+", "", text, flags=re.S)
    for variant in (text, without_comment):
        assert programs_in_strings(as_python(variant, name)), f"{name} moved back into Python would not be caught"
