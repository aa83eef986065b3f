"""The book's icons without Font Awesome's script or webfont: ``book/_static/dv-icons.css``.

pydata-sphinx-theme draws its icons with ``fontawesome.js`` (1.45 MB of JavaScript for fifteen icons) or the
webfont, which :mod:`dvbook.sphinx_page` drops. This stylesheet draws the icons the book shows (:data:`ICONS`, and
the glyphs the theme's CSS puts before or after an element, :data:`PSEUDO_ICONS`) as CSS masks in the text colour,
with the paths of the theme's own copy of Font Awesome Free (CC BY 4.0). It is committed; after adding an icon, or
when the theme's pin changes, write it again with ``.venv/bin/python -m dvbook.icons`` and commit the result
(``tests/test_sphinx_page.py`` fails while it differs).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from urllib.parse import quote

ICONS_CSS = Path(__file__).resolve().parents[1] / "book" / "_static" / "dv-icons.css"
"""The committed stylesheet."""

ICONS = ("angle-left", "angle-right", "arrow-up", "bars", "circle-half-stroke", "download", "expand", "file",
         "file-pdf", "list", "magnifying-glass", "moon", "outdent", "sun", "xmark")
"""The solid icons the theme's templates and scripts use (``fa-solid fa-NAME`` or ``fas fa-NAME``)."""

PSEUDO_ICONS = {"a.reference.download::before": "download"}
"""Pseudo-elements the theme's CSS draws a webfont glyph into, and the icon each shows (a download: the PDFs)."""


def fontawesome_js() -> Path:
    """The theme's bundled Font Awesome script, whose icon paths the stylesheet reuses."""
    import pydata_sphinx_theme

    theme = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
    return theme / "static" / "scripts" / "fontawesome.js"


_ICON = re.compile(r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]')


def solid_icons(script: str, names: tuple[str, ...] = ICONS) -> dict[str, tuple[int, int, str]]:
    """Width, height and SVG path of each named icon of Font Awesome's solid set in ``script``."""
    start = script.find('d("fas",p)')
    begin = script.rfind("var p={", 0, start)
    if start < 0 or begin < 0:
        return {}
    icons = {}
    for match in _ICON.finditer(script, begin, start):
        name = match.group(1) or match.group(2)
        if name in names:
            icons[name] = (int(match.group(3)), int(match.group(4)), match.group(5))
    return icons


def _mask_url(width: int, height: int, path: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"><path d="{path}"/></svg>'
    return json.dumps("data:image/svg+xml," + quote(svg, safe=" /:=,.-"))


def _mask_rule(selectors: str, content_box: bool = False) -> list[str]:
    """A rule drawing ``--dv-icon`` as a mask in the text colour (inside the padding if ``content_box``)."""
    box = " content-box" if content_box else ""
    sizing = ["  box-sizing: content-box;"] if content_box else []
    return [
        f"{selectors} {{",
        '  content: "";',
        "  display: inline-block;",
        *sizing,
        "  width: var(--dv-icon-width, 1em);",
        "  height: 1em;",
        "  vertical-align: -0.125em;",
        "  background-color: currentColor;",
        f"  -webkit-mask: var(--dv-icon) center / contain no-repeat{box};",
        f"  mask: var(--dv-icon) center / contain no-repeat{box};",
        "}",
    ]


def icons_css(icons: dict[str, tuple[int, int, str]], pseudo: dict[str, str] | None = None) -> str:
    """CSS that draws each icon as a mask in the text colour: on the ``<i>`` the theme writes, and in ``pseudo``.

    ``pseudo`` maps a pseudo-element the theme's CSS draws a webfont glyph into to the icon it shows
    (default :data:`PSEUDO_ICONS`); an icon missing from ``icons`` is left out.
    """
    pseudo = PSEUDO_ICONS if pseudo is None else pseudo
    drawn = {selector: name for selector, name in pseudo.items() if name in icons}
    lines = [
        "/* The theme's icons without fontawesome.js: Font Awesome Free solid icons (CC BY 4.0,",
        " * https://fontawesome.com/license/free), drawn as CSS masks in the current text colour.",
        " * Generated from the theme's own copy by `python -m dvbook.icons`: edit dvbook/icons.py, not this file. */",
        "/* Same specificity as the theme's Font Awesome rules, and later: the webfont is never needed. */",
        ".fa-solid, .fas { font-family: inherit; }",
        *_mask_rule(".fa-solid::before, .fas::before"),
    ]
    if drawn:
        lines += [
            "/* Icons the theme's CSS draws with the webfont (a glyph as content): the same mask, inside the",
            " * padding the theme gives them, in the colour and size it gives them. */",
            *_mask_rule(",\n".join(sorted(drawn)), content_box=True),
        ]
    for name, (width, height, path) in sorted(icons.items()):
        selectors = ", ".join([f".fa-{name}", *sorted(selector for selector, icon in drawn.items() if icon == name)])
        lines.append(f"{selectors} {{ --dv-icon: url({_mask_url(width, height, path)}); "
                     f"--dv-icon-width: {width / height:.4g}em; }}")
    return "\n".join(lines) + "\n"


def current_css() -> tuple[str, list[str]]:
    """The stylesheet as the theme's Font Awesome gives it now, and the icons it lacks."""
    wanted = tuple(dict.fromkeys(ICONS + tuple(PSEUDO_ICONS.values())))
    icons = solid_icons(fontawesome_js().read_text(encoding="utf-8"), wanted)
    return icons_css(icons), sorted(set(wanted) - set(icons))


def write_icons_css(target: Path = ICONS_CSS) -> bool:
    """Write the stylesheet to ``target``; True when its text changed, LookupError when the theme lacks an icon."""
    text, missing = current_css()
    if missing:
        raise LookupError(f"icons not found in the theme's fontawesome.js: {', '.join(missing)}")
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    target.write_text(text, encoding="utf-8")
    return True


def main() -> int:
    """``python -m dvbook.icons``: write ``book/_static/dv-icons.css`` and say whether it changed."""
    try:
        changed = write_icons_css()
    except LookupError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"{'wrote' if changed else 'unchanged:'} {ICONS_CSS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
