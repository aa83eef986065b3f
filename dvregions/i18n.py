"""The language of the text the package writes: chart text, tables, phrases and numbers.

The book has two editions built from the same notebooks: English (the stored outputs) and
Dutch (the same notebooks executed a second time with ``DVREGIONS_LANGUAGE=nl``). Code that
writes text for a reader wraps it in :func:`_`, which returns the Dutch translation from
``locales/nl/dvregions.po`` when the language is Dutch and the English text otherwise.
Numbers go through :func:`number` and :func:`percent`, so a Dutch page says ``1.234`` and
``12,5%``.

A missing Dutch translation is an error, not English shown silently: ``_`` raises
:class:`MissingTranslation` in a Dutch kernel, and ``python -m dvbook translations check``
lists every message without one.
"""

from __future__ import annotations

import functools
import os
from collections import ChainMap
from collections.abc import Mapping
from pathlib import Path

__all__ = ["LANGUAGE_ENV", "LANGUAGES", "MissingTranslation", "_", "catalog_path", "join", "language", "number",
           "number_word", "count", "day", "p_value", "percent", "TRANSLATED_COLUMNS", "translate_column"]

LANGUAGE_ENV = "DVREGIONS_LANGUAGE"
"""Environment variable naming the language of generated text: ``en`` (default) or ``nl``."""

EDITIONS: dict[str, tuple[str, str]] = {"en": ("English", ""), "nl": ("Nederlands", "nl/")}
"""The book's editions, one entry each: language -> (its name in that language, its folder under the built book).

The first is the source language, whose text the notebooks and the code are written in. Another edition needs
this entry and its catalogs in ``locales/<language>/``; everything else loops over this list.
"""
LANGUAGES = tuple(EDITIONS)
SOURCE_LANGUAGE = LANGUAGES[0]
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
PACKAGE_DOMAIN = "dvregions"
"""The catalog of text written by code (``locales/<lang>/dvregions.po``)."""
DATA_DOMAIN = "data"
"""The catalog of the data's text columns (``locales/<lang>/data.po``)."""


TRANSLATED_COLUMNS: dict[str, tuple[str, ...]] = {
    "regions": ("name_en",),
    "themes": ("label", "description"),
    "initiatives": ("description",),
    "restraining_orders": ("note",),
    "populations": ("note",),
    "convention_articles": ("title", "summary", "chapter_title"),
    "theme_articles": ("rationale",),
    "initiative_articles": ("rationale",),
    "initiatives_without_article": ("reason",),
    "themes_without_article": ("other_instrument_title", "note", "source"),
}
"""Text columns of the data shown to readers; the loader gives them in the current language."""


class MissingTranslation(LookupError):
    """A message has no translation in the catalog of the current language."""


def language() -> str:
    """The language generated text is written in (``$DVREGIONS_LANGUAGE``, default English)."""
    value = os.environ.get(LANGUAGE_ENV, SOURCE_LANGUAGE) or SOURCE_LANGUAGE
    if value not in LANGUAGES:
        raise ValueError(f"{LANGUAGE_ENV}={value!r}: expected one of {', '.join(LANGUAGES)}")
    return value


def catalog_path(lang: str, domain: str = PACKAGE_DOMAIN) -> Path:
    """Where the catalog of ``domain`` in ``lang`` lives."""
    return LOCALES_DIR / lang / f"{domain}.po"


def same_words(message: str) -> str:
    """A message with its white space folded: an edit that only re-wraps a paragraph leaves it the same message."""
    return " ".join(message.split())


def catalog(path: Path) -> dict[str, str]:
    """Msgid (white space folded) -> msgstr of the usable (non-fuzzy, non-empty) messages of a catalog file.

    Empty when there is no such file. Read once per version of the file (its time and size).
    """
    if not path.is_file():
        return {}
    stat = path.stat()
    return _read_catalog(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _read_catalog(path: Path, mtime_ns: int, size: int) -> dict[str, str]:
    """:func:`catalog` of one version of a file (the time and size are the cache's key)."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as handle:
        entries = read_po(handle)
    return {same_words(entry.id): entry.string for entry in entries if entry.id and entry.string and not entry.fuzzy}


def _translations(lang: str) -> Mapping[str, str]:
    """Msgid -> msgstr of the code's catalog and the data's, the code's winning where both hold a message.

    Data text reaches ``_`` too (a region's name in a sentence, a theme label in a chart), so one
    lookup serves both; the two catalogs translate a text they share the same way in practice.
    """
    return ChainMap(catalog(catalog_path(lang, PACKAGE_DOMAIN)), catalog(catalog_path(lang, DATA_DOMAIN)))


def _(message: str, lang: str | None = None) -> str:
    """``message`` in the current language (or ``lang``); the English text itself in English.

    Parameters
    ----------
    message : str
        The English text. Pass a string literal, so ``python -m dvbook translations update``
        finds it; fill in parts with ``.format(name=...)`` after translation.
    lang : str, optional
        The language wanted, for code that writes several editions at once (the book machinery);
        a notebook's kernel leaves it out and gets its own language.

    Returns
    -------
    str
        The translation from ``locales/<lang>/dvregions.po`` (or, for data text,
        ``locales/<lang>/data.po``), or ``message`` itself in English.

    Raises
    ------
    MissingTranslation
        When the language is not English and neither catalog translates ``message``.
    """
    lang = lang or language()
    if lang == SOURCE_LANGUAGE or not message:
        return message
    try:
        return _translations(lang)[same_words(message)]
    except KeyError:
        raise MissingTranslation(
            f"no {lang} translation of {message!r} in {catalog_path(lang)} or {catalog_path(lang, DATA_DOMAIN)}: "
            "run `python -m dvbook translations update` and translate it"
        ) from None


def translate_column(values):
    """A pandas Series of English text in the current language (missing values stay missing)."""
    if language() == SOURCE_LANGUAGE:
        return values
    return values.map(lambda text: _(text) if isinstance(text, str) else text)


MINUS = "\u2212"
"""The minus sign Dutch typesetting uses for a negative number (not the hyphen a keyboard types)."""


def number(value: float, decimals: int = 0) -> str:
    """A number as this language writes it: ``1,234.5`` in English, ``1.234,5`` and ``−3`` in Dutch."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    text = format_decimal(value, format=pattern, locale=language())
    return text.replace("-", MINUS) if language() != SOURCE_LANGUAGE else text


def p_value(p: float) -> str:
    """A p-value with three decimals; a p-value of one (after an adjustment, say) with two: ``1.00``."""
    return number(1, 2) if p >= 0.9995 else number(p, 3)


def percent(share: float, decimals: int = 0) -> str:
    """A share as a percentage: ``12.5%`` in English, ``12,5%`` in Dutch."""
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return format_percent(share, format=pattern, locale=language())


def day(iso: str) -> str:
    """A date as running text writes it: '1 January 2016' in English, '1 januari 2016' in Dutch."""
    import datetime

    from babel.dates import format_date

    return format_date(datetime.date.fromisoformat(str(iso)), format="d MMMM y", locale=language())


SPELLED_OUT = {"en": 7, "nl": 20}
"""Counts up to this many are written in words in running prose (Dutch house style spells out up to twenty)."""


def number_word(count: int) -> str:
    """A count as a word where prose spells it out: 'two' in English, 'twee' in Dutch.

    Parameters
    ----------
    count : int
        A whole number, at least one (a sentence about none says so in its own words).

    Returns
    -------
    str
        The word, up to :data:`SPELLED_OUT` for the language (seven in English, twenty in Dutch),
        else the number as :func:`number` writes it.
    """
    if not 1 <= count <= SPELLED_OUT.get(language(), 7):
        return number(count)
    words = (_("one"), _("two"), _("three"), _("four"), _("five"), _("six"), _("seven"), _("eight"), _("nine"),
             _("ten"), _("eleven"), _("twelve"), _("thirteen"), _("fourteen"), _("fifteen"), _("sixteen"),
             _("seventeen"), _("eighteen"), _("nineteen"), _("twenty"))
    return words[count - 1]


def count(value: int) -> str:
    """A count in running prose: in words up to twenty in Dutch, as digits in English (the book's English style)."""
    return number(value) if language() == SOURCE_LANGUAGE else number_word(value)


def join(items: list[str]) -> str:
    """'A', 'A and B', 'A, B and C' in the current language ('A, B en C' in Dutch)."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " " + _("and") + " " + items[-1]
