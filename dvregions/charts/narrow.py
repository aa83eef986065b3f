"""A phone-sized layout of a chart: the same spec drawn narrow, since shrunk to a 320 px phone its text is 6 px.

Narrower plots, shorter titles, a one-column legend, axis labels cut sooner; charts sized by their data stay as is.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Callable
from typing import Any

from dvregions.charts.layers import balanced_lines

PLOT_WIDTH = 180
"""Width of a plot in the narrow layout to start from; with axis labels and padding about 300 px."""
MIN_PLOT_WIDTH = 100
TARGET_WIDTH = 288
"""Widest phone image, in px: the column of a 320 px phone, so the chart is drawn at its natural size."""
AXIS_LABEL_LIMIT = 110
TITLE_CHARS = 32
SUBTITLE_CHARS = 42
SOURCE_CHARS = 46
CHANNEL_TITLE_CHARS = 34
LEGEND_LABEL_CHARS = 24
"""Axis and legend titles longer than this wrap in the phone layout (an axis title can be wider than its plot)."""
CHANNELS = ("x", "y", "x2", "y2", "color", "shape", "size", "opacity", "row", "column", "facet")
BREAKPOINT_REM = 30
"""Below this viewport width (480 px) the page shows the narrow layout (``dv-charts.css``, ``dv-charts.js``)."""


def fitted(spec: dict[str, Any], render: Callable[[dict[str, Any]], str]) -> tuple[dict[str, Any], str] | None:
    """The phone layout and its SVG (drawn by ``render``), narrowed until it fits :data:`TARGET_WIDTH`, or None.

    Labels and legends take room beside the plot, so the plot loses what the drawing overshoots (down to 100 px).
    """
    plot_width = PLOT_WIDTH
    for _attempt in range(3):
        narrow = narrow_spec(spec, plot_width)
        if narrow is None:
            return None
        svg = render(narrow)
        width = svg_width(svg)
        if width <= TARGET_WIDTH or plot_width == MIN_PLOT_WIDTH:
            break
        plot_width = max(MIN_PLOT_WIDTH, plot_width - math.ceil(width - TARGET_WIDTH))
    return narrow, svg


def svg_width(svg: str) -> float:
    """The width an SVG document declares on its root element."""
    match = re.search(r'<svg[^>]*\swidth="([0-9.]+)"', svg)
    return float(match.group(1)) if match else 0.0


def narrow_spec(spec: dict[str, Any], plot_width: int = PLOT_WIDTH) -> dict[str, Any] | None:
    """The phone layout of a Vega-Lite ``spec``, or None when it has no fixed plot width to narrow."""
    narrow = copy.deepcopy(spec)
    if not _narrow_widths(narrow, plot_width):
        return None
    _rewrap_title(narrow.get("title"), TITLE_CHARS, SUBTITLE_CHARS)
    for view in narrow.get("vconcat", []):
        _rewrap_title(view.get("title"), SOURCE_CHARS, SUBTITLE_CHARS)
    config = narrow.setdefault("config", {})
    config.setdefault("legend", {}).update(columns=1)
    config.setdefault("axis", {}).update(labelLimit=AXIS_LABEL_LIMIT)
    config.setdefault("view", {}).update(continuousWidth=plot_width)
    return narrow


def _narrow_widths(node: Any, plot_width: int) -> bool:
    """Set every fixed plot width wider than ``plot_width`` to it; True if any changed."""
    changed, children = False, node if isinstance(node, list) else []
    if isinstance(node, dict):
        width = node.get("width")
        if isinstance(width, int | float) and not isinstance(width, bool) and width > plot_width:
            node["width"], changed = plot_width, True
        if isinstance(node.get("encoding"), dict):
            _wrap_channel_titles(node["encoding"])
        children = [value for key, value in node.items() if key not in ("config", "datasets", "data")]
    for child in children:
        changed = _narrow_widths(child, plot_width) or changed
    return changed


def _wrap_channel_titles(encoding: dict[str, Any]) -> None:
    """Wrap the long axis and legend titles of an encoding, and long legend labels, into lines."""
    for channel in CHANNELS:
        definition = encoding.get(channel)
        if not isinstance(definition, dict):
            continue
        if isinstance(definition.get("title"), str) and len(lines := balanced_lines(definition["title"],
                                                                                   CHANNEL_TITLE_CHARS)) > 1:
            definition["title"] = lines
        domain = definition["scale"].get("domain") if isinstance(definition.get("scale"), dict) else None
        if isinstance(definition.get("legend"), dict | type(None)) and isinstance(domain, list) and \
                any(isinstance(label, str) and len(label) > LEGEND_LABEL_CHARS for label in domain):
            definition["legend"] = {**(definition.get("legend") or {}), "labelExpr": _label_lines_expr(domain)}


def _label_lines_expr(labels: list[Any]) -> str:
    """A Vega expression that draws each long label of ``labels`` on balanced lines (a legend label cannot wrap)."""
    expression = "datum.label"
    for label in reversed(labels):
        if isinstance(label, str) and len(label) > LEGEND_LABEL_CHARS:
            lines = json.dumps(balanced_lines(label, LEGEND_LABEL_CHARS), ensure_ascii=False)
            expression = f"datum.label === {json.dumps(label, ensure_ascii=False)} ? {lines} : {expression}"
    return expression


def _rewrap_title(title: Any, text_chars: int, subtitle_chars: int) -> None:
    """Wrap a title's text as one paragraph, and each subtitle line on its own, to the narrow widths."""
    if not isinstance(title, dict):
        return
    if text := title.get("text"):
        title["text"] = balanced_lines(" ".join(text) if isinstance(text, list) else str(text), text_chars)
    if subtitle := title.get("subtitle"):
        lines = subtitle if isinstance(subtitle, list) else [subtitle]
        title["subtitle"] = [part for line in lines for part in balanced_lines(str(line), subtitle_chars)]
