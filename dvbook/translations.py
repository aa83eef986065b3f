"""``python -m dvbook translations``: keep the Dutch edition's catalogs in step with the English text.

English is the source language. The translatable text lives in three kinds of place, and each
has its catalog under ``locales/<lang>/`` (gettext ``.po`` files, editable with any PO editor):

* the prose of every page: the Markdown cells of ``notebooks/*.ipynb`` and the pages in ``book/``,
  one message per block (a paragraph, a heading, a list, a glossary entry), in
  ``locales/nl/notebooks/<chapter>.po`` and ``locales/nl/book/<page>.po``;
* text written by code (chart titles, tooltips, table headers, phrases), marked with
  :func:`dvregions.i18n._`, and the book's title and part captions, in ``locales/nl/dvregions.po``;
* the data's text columns (:data:`dvregions.i18n.TRANSLATED_COLUMNS`), in ``locales/nl/data.po``.

``update`` adds new English messages with an empty translation, keeps a changed message's old
translation as *fuzzy* (a draft to review) and drops messages no longer used. ``check`` fails on
any message that is missing, fuzzy, or whose translation does not keep the English message's
references, glued values and numbers. The book build runs ``check`` before it builds the Dutch
edition, so an English change without its translation fails the build instead of showing English.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dvregions import i18n

ROOT = Path(__file__).resolve().parent.parent
PAGE_GLOBS = ("book/*.md", "notebooks/*.ipynb")
PACKAGES = (Path(i18n.__file__).parent, Path(__file__).parent)
"""The library and the book machinery: their text is the book's wherever the book's root is."""
TOC = "_toc.yml"
CONFIG = "_config.yml"

_FENCE = re.compile(r"^\s*(`{3,}|:{3,})")
_OPTION = re.compile(r"^\s*:[\w-]+:")
# Inline pieces a translation must keep: roles with their targets (glue, doc, cite, ref, numref).
# Term roles may name the Dutch form of a term, so only their count is compared.
_KEPT_ROLE = re.compile(r"\{(glue:\w+|doc|cite(?::\w+)?|ref|numref|download)\}`[^`]*`")
_LABELLED = re.compile(r"^.*<([^<>]+)>$", re.S)
_TERM_ROLE = re.compile(r"\{term\}`[^`]*`")
_DIGITS = re.compile(r"\d+")


# --------------------------------------------------------------------------- Markdown blocks


def segments(markdown: str) -> list[tuple[bool, str]]:
    """Split Markdown into (translatable, text) pieces whose texts join back to ``markdown``.

    A translatable piece is a block of lines between blank lines. Fence lines, directive
    options and the content of code fences are kept as they are.
    """
    pieces: list[tuple[bool, str]] = []
    block: list[str] = []
    in_code: str | None = None  # the closing fence of an open code block

    def flush() -> None:
        if block:
            text = "".join(block)
            pieces.append((_has_words(text), text))
            block.clear()

    lines = markdown.splitlines(keepends=True)
    previous_fence = False
    for line in lines:
        fence = _FENCE.match(line)
        if in_code is not None:
            pieces.append((False, line))
            if fence and line.strip() == in_code:
                in_code = None
            continue
        if fence:
            flush()
            pieces.append((False, line))
            marker = fence.group(1)
            rest = line.strip()[len(marker):]
            if rest and not rest.startswith("{"):
                in_code = marker  # a code block: ```python ... ```
            elif rest.startswith("{") and rest[1:].split("}")[0] in ("code-cell", "code", "code-block"):
                in_code = marker
            previous_fence = bool(rest)
            continue
        if previous_fence and _OPTION.match(line):
            pieces.append((False, line))
            continue
        previous_fence = False
        if not line.strip():
            flush()
            pieces.append((False, line))
            continue
        block.append(line)
    flush()
    return pieces


def _has_words(text: str) -> bool:
    """True when a block holds prose rather than only markup, roles or numbers."""
    bare = _KEPT_ROLE.sub("", text)
    bare = re.sub(r"\([\w-]+\)=", "", bare)  # a target label line
    return re.search(r"[A-Za-z]{2,}", bare) is not None


def messages(markdown: str) -> list[str]:
    """The translatable blocks of ``markdown``, each as one message without its final newline."""
    return [text.rstrip("\n") for translatable, text in segments(markdown) if translatable]


def translate_markdown(markdown: str, table: dict[str, str]) -> str:
    """``markdown`` with every translatable block replaced by its translation from ``table`` (see :func:`table`)."""
    out = []
    for translatable, text in segments(markdown):
        if translatable:
            key = text.rstrip("\n")
            out.append(table[same_words(key)] + text[len(key):])
        else:
            out.append(text)
    return "".join(out)


same_words = i18n.same_words


# --------------------------------------------------------------------------- sources


def page_sources(root: Path = ROOT) -> list[Path]:
    """Every page whose prose is translated, in a stable order."""
    return sorted(path for pattern in PAGE_GLOBS for path in root.glob(pattern))


def page_markdown(path: Path) -> list[str]:
    """The Markdown of a page: the file itself, or each Markdown cell of a notebook."""
    if path.suffix == ".ipynb":
        nb = json.loads(path.read_text(encoding="utf-8"))
        return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                for cell in nb["cells"] if cell["cell_type"] == "markdown"]
    return [path.read_text(encoding="utf-8")]


def code_messages(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """(message, where) for every string literal passed to ``_`` in the package and the notebooks' code."""
    for package in PACKAGES:
        for path in sorted(package.rglob("*.py")):
            rel = path.relative_to(package.parent).as_posix()
            yield from ((text, f"{rel}:{line}") for text, line in _calls(path.read_text(encoding="utf-8")))
    for path in sorted(root.glob("notebooks/*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        rel = path.relative_to(root).as_posix()
        for index, cell in enumerate(nb["cells"]):
            if cell["cell_type"] == "code":
                source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                yield from ((text, f"{rel}#cell{index}") for text, _line in _calls(source))


def _calls(source: str) -> Iterator[tuple[str, int]]:
    """String arguments of calls to ``_`` or ``i18n._`` in Python source."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name == "_" and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.args[0].value, node.lineno


def data_messages(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """(text, where) for every value of the data's translated text columns."""
    import csv

    for table, columns in i18n.TRANSLATED_COLUMNS.items():
        path = root / "data" / f"{table}.csv"
        if not path.is_file():
            continue
        with open(path, encoding="utf-8", newline="") as handle:
            for row_number, row in enumerate(csv.DictReader(handle), start=2):
                for column in columns:
                    if row.get(column):
                        yield row[column], f"data/{table}.csv:{row_number}"  # file:row, as PO editors read it


CODE_TOGGLES = {"nb_code_prompt_show": "Show code cell {type}", "nb_code_prompt_hide": "Hide code cell {type}"}
"""myst-nb's labels of folded code (its options and their English text), which Sphinx's catalogs do not translate.

myst-nb puts an English word ("source", "outputs") in place of ``{type}``, so a translation leaves it out."""
TEMPLATES = "book/_templates/*.html"
_TEMPLATE_CALL = re.compile(r"""dv_say\(\s*(["'])(.+?)\1""")


def book_messages(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """The book's title, the captions of the table of contents and the words the templates and myst-nb write."""
    import yaml

    config = yaml.safe_load((root / CONFIG).read_text(encoding="utf-8"))
    yield config["title"], CONFIG
    yield config["author"], CONFIG
    for option, message in CODE_TOGGLES.items():
        yield message, f"{CONFIG}:{option}"
    for path in sorted(root.glob(TEMPLATES)):
        for match in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            yield match.group(2), path.relative_to(root).as_posix()
    toc = yaml.safe_load((root / TOC).read_text(encoding="utf-8"))
    for part in toc.get("parts", []):
        yield part["caption"], TOC


BIBLIOGRAPHY = "book/references.bib"
BIB_FIELDS = ("howpublished", "note", "year")
"""Fields of the bibliography whose text is ours (descriptions, notes, 'n.d.'), translated for the Dutch edition.

Titles, names and addresses are the sources' own and stay as they are."""
_BIB_FIELD = re.compile(r"^(\s*(" + "|".join(BIB_FIELDS) + r")\s*=\s*\{)(.*)(\},?\s*)$")


def _bib_field(line: str) -> re.Match | None:
    """A line's field to translate: words, or an abbreviation such as 'n.d.' (a year of digits is not)."""
    match = _BIB_FIELD.match(line)
    return match if match and re.search(r"[A-Za-z]", match.group(3)) else None


def bibliography_messages(root: Path = ROOT) -> Iterator[tuple[str, str]]:
    """The translatable field values of the bibliography, each with its line."""
    lines = (root / BIBLIOGRAPHY).read_text(encoding="utf-8").splitlines()
    return ((match.group(3), f"{BIBLIOGRAPHY}:{number}")
            for number, line in enumerate(lines, start=1) if (match := _bib_field(line)))


def translate_bibliography(text: str, table: dict[str, str]) -> str:
    """The bibliography with every translatable field value replaced by its translation from ``table``."""
    return "\n".join(match.group(1) + table[same_words(match.group(3))] + match.group(4)
                     if (match := _bib_field(line)) else line for line in text.split("\n"))


def _collect(pairs) -> dict[str, list[str]]:
    """Message -> places, in first-seen order."""
    found: dict[str, list[str]] = {}
    for text, where in pairs:
        found.setdefault(text, []).append(where)
    return found


def catalogs(root: Path, lang: str) -> dict[Path, dict[str, list[str]]]:
    """Every catalog path with its messages (message -> places) as the English sources have them now."""
    locales = root / "locales" / lang
    result = {}
    for path in page_sources(root):
        rel = path.relative_to(root).as_posix()
        result[locales / Path(rel).with_suffix(".po")] = _collect(
            (message, f"{rel}#{index}" if path.suffix == ".ipynb" else rel)
            for index, markdown in enumerate(page_markdown(path)) for message in messages(markdown))
    result[locales / f"{i18n.PACKAGE_DOMAIN}.po"] = _collect([*book_messages(root), *code_messages(root)])
    result[locales / f"{i18n.DATA_DOMAIN}.po"] = _collect(data_messages(root))
    result[locales / "book" / "references_bib.po"] = _collect(bibliography_messages(root))
    return result


# --------------------------------------------------------------------------- catalogs


def read_catalog(path: Path):
    """The catalog at ``path`` (an empty one if there is none)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po

    if not path.is_file():
        return Catalog()
    with open(path, "rb") as handle:
        return read_po(handle)


def write_catalog(path: Path, catalog) -> bool:
    """Write a catalog without dates or obsolete entries, so it changes only when messages do."""
    from io import BytesIO

    from babel.messages.pofile import write_po

    buffer = BytesIO()
    write_po(buffer, catalog, width=0, no_location=False, omit_header=True, ignore_obsolete=True,
             include_previous=True, sort_output=False)
    data = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and path.read_bytes() == data:
        return False
    path.write_bytes(data)
    return True


def update(root: Path = ROOT, lang: str = "nl", only: str | None = None) -> list[Path]:
    """Bring the catalogs of ``lang`` in step with the English sources; return the files changed.

    ``only`` limits the update to catalogs whose path contains it (e.g. ``dvregions.po``).
    """
    from babel.messages.catalog import Catalog

    changed = []
    for path, found in catalogs(root, lang).items():
        if only and only not in path.as_posix():
            continue
        template = Catalog(locale=lang, project="dvregions", fuzzy=False)
        for message, places in found.items():
            template.add(message, locations=[(place, None) for place in places[:5]])
        catalog = read_catalog(path)
        catalog.locale = lang  # type: ignore[assignment]
        _keep_rewrapped(catalog, found)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        if write_catalog(path, catalog):
            changed.append(path)
    return changed


def _keep_rewrapped(catalog, found: dict[str, list[str]]) -> None:
    """Give a message that differs from a translated one only in white space that translation, not a draft."""
    translated = {same_words(entry.id): entry for entry in catalog
                  if entry.id and entry.string and not entry.fuzzy}
    for message in found:
        entry = translated.get(same_words(message))
        if message not in catalog and entry is not None:
            catalog.add(message, string=entry.string, auto_comments=entry.auto_comments,
                        user_comments=entry.user_comments, flags=entry.flags)


@dataclass(frozen=True)
class TranslationProblem:
    """One message whose translation is missing, a draft, or does not keep the English references."""

    catalog: str
    message: str
    problem: str

    def __str__(self) -> str:
        """One line naming the catalog, the problem and the start of the message."""
        short = self.message if len(self.message) < 90 else self.message[:87] + "..."
        return f"{self.catalog}: {self.problem}: {short!r}"


def message_problem(english: str, translation: str) -> str | None:
    """Why ``translation`` does not keep what ``english`` refers to (None when it does)."""
    if _kept_roles(english) != _kept_roles(translation):
        return "references or glued values differ from the English"
    if len(_TERM_ROLE.findall(english)) != len(_TERM_ROLE.findall(translation)):
        return "a different number of glossary links than the English"
    bare_english, bare_translation = (_KEPT_ROLE.sub("", text) for text in (english, translation))
    if set(_DIGITS.findall(bare_english)) != set(_DIGITS.findall(ordinals_as_digits(bare_translation))):
        return "numbers differ from the English"
    return None


ORDINALS = ("eerste", "tweede", "derde", "vierde", "vijfde", "zesde", "zevende", "achtste", "negende", "tiende")
_PARAGRAPH = re.compile(r"\b(" + "|".join(ORDINALS) + r")( en (" + "|".join(ORDINALS) + r"))? lid\b")


def ordinals_as_digits(text: str) -> str:
    """Dutch cites a paragraph of an article in words ('artikel 53, derde lid'); for comparing numbers, 'lid 3'."""
    def digits(match: re.Match) -> str:
        numbers = [str(ORDINALS.index(word) + 1) for word in (match.group(1), match.group(3)) if word]
        return "lid " + " en ".join(numbers)

    return _PARAGRAPH.sub(digits, text)


def _kept_roles(text: str) -> list[str]:
    """The kept roles of ``text`` by name and target; a link's own text (``label <target>``) may be translated."""
    roles = []
    for match in _KEPT_ROLE.finditer(text):
        name, content = match.group(1), match.group(0).split("`", 1)[1].rstrip("`")
        target = _LABELLED.match(content)
        roles.append(f"{name}:{target.group(1) if target else content}")
    return sorted(roles)


def problems(root: Path = ROOT, lang: str = "nl") -> list[TranslationProblem]:
    """Every message of the English sources without a usable translation in ``lang``."""
    found_problems = []
    for path, found in catalogs(root, lang).items():
        rel = path.relative_to(root).as_posix()
        catalog = read_catalog(path)
        folded = {same_words(entry.id): entry for entry in catalog if entry.id}
        for message in found:
            entry = catalog.get(message) or folded.get(same_words(message))
            if entry is None or not entry.string:
                found_problems.append(TranslationProblem(rel, message, "not translated"))
            elif entry.fuzzy:
                found_problems.append(TranslationProblem(rel, message, "draft (fuzzy): the English changed"))
            else:
                why = message_problem(message, entry.string)
                if why:
                    found_problems.append(TranslationProblem(rel, message, why))
    return found_problems


table = i18n.catalog
"""Msgid, white space folded (:func:`same_words`) -> msgstr of a catalog's usable messages."""


# --------------------------------------------------------------------------- command line


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``python -m dvbook translations``."""
    parser.add_argument("action", choices=("update", "check"),
                        help="update: add new English messages to the catalogs; check: exit 1 if any is untranslated")
    parser.add_argument("--lang", default=i18n.LANGUAGES[1], choices=i18n.LANGUAGES[1:])
    parser.add_argument("--only", help="update only the catalogs whose path contains this text")
    parser.add_argument("--root", type=Path, default=ROOT, help="book root (default: this checkout)")


def run(args: argparse.Namespace) -> int:
    """Update or check the catalogs; return the exit code."""
    root = Path(args.root).resolve()
    if args.action == "update":
        for path in update(root, args.lang, args.only):
            print(f"updated {path.relative_to(root)}")
    found = problems(root, args.lang)
    for problem in found:
        print(problem)
    total = sum(len(messages) for messages in catalogs(root, args.lang).values())
    print(f"{total - len(found)} of {total} messages translated into {args.lang}; {len(found)} to do")
    return 1 if found and args.action == "check" else 0


# --------------------------------------------------------------------------- copies of the source

RUN_LENGTH = 7
"""A run of this many words shared with the annex is a copy, in either language."""


def word_runs(text: str, length: int = RUN_LENGTH) -> dict[str, str]:
    """Hash -> words of every run of ``length`` words in ``text`` (lower-cased letters and digits).

    A name in italics (a project, a document) is read twice: as one word, so that the words around
    it still form a run ("het project *De Nieuwe Toekomst* gericht op ..." is the run the annex
    writes with the name in quotes, see :func:`source_runs`), and word by word, for names the annex
    writes without quotes. A run that lies wholly inside one name is a name, not a copy.
    """
    import hashlib

    text = _KEPT_ROLE.sub(" ", text)
    collapsed = re.findall(r"[0-9a-zà-ÿ_]+", _ITALIC.sub(lambda m: " " + _one_word(m.group(1)) + " ", text).lower())
    runs = {" ".join(collapsed[i:i + length]) for i in range(len(collapsed) - length + 1)}
    tokens = []  # (word, the italic span it lies in, or -1)
    last = 0
    for span, match in enumerate(_ITALIC.finditer(text)):
        tokens += [(w, -1) for w in re.findall(r"[0-9a-zà-ÿ]+", text[last:match.start()].lower())]
        tokens += [(w, span) for w in re.findall(r"[0-9a-zà-ÿ]+", match.group(1).lower())]
        last = match.end()
    tokens += [(w, -1) for w in re.findall(r"[0-9a-zà-ÿ]+", text[last:].lower())]
    for i in range(len(tokens) - length + 1):
        window = tokens[i:i + length]
        spans = {span for _word, span in window}
        if not (len(spans) == 1 and -1 not in spans):
            runs.add(" ".join(word for word, _span in window))
    return {hashlib.sha256(run.encode("utf-8")).hexdigest()[:16]: run for run in runs}


def source_runs(text: str, length: int = RUN_LENGTH) -> set[str]:
    """The hashes of the runs of a source text, read word by word and with each quoted name as one word."""
    quoted = _QUOTED.sub(lambda match: " " + _one_word(match.group(1)) + " ", text)
    return set(word_runs(text, length)) | set(word_runs(quoted, length))


def _one_word(name: str) -> str:
    """A name of several words as one word: 'De Nieuwe Toekomst' -> 'de_nieuwe_toekomst'."""
    return "_".join(re.findall(r"[0-9a-zà-ÿ]+", name.lower()))


_ITALIC = re.compile(r"(?<![*\w])\*([^*\s][^*]*?)\*(?![*\w])")
_QUOTED = re.compile(r"[‘'“\"]([^’'”\"]{2,80})[’'”\"]")


def copied_runs(text: str, source_hashes: set[str]) -> list[str]:
    """The runs of seven words in ``text`` whose hashes are among ``source_hashes``."""
    return sorted(run for digest, run in word_runs(text).items() if digest in source_hashes)
