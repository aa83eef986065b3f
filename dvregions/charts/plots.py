"""The book's charts: tidy tables in, an unfinished Altair chart out, titled by its finding in :func:`layers.finish`.

Charts select only the columns they draw (small specs); every mark has a tooltip; every word is in the language.
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from dvregions import analysis, i18n
from dvregions.charts import theme
from dvregions.charts.layers import value_labels
from dvregions.i18n import _

MAX_AREAS = 40
"""Charts that list areas show at most this many, so national-scale data stays readable."""
MAX_YEARS = 5
"""Charts with a panel row per year and area show at most the latest this many years."""
OLDER_YEAR_SHAPES = ["triangle-up", "diamond", "triangle-down", "cross"]
"""Shapes of the years before the last two, oldest last, so a chart of several years keeps a second cue."""


def tooltip(*fields: tuple[str, ...]) -> list[alt.Tooltip]:
    """The tooltip of a mark, from ``(field, title)`` or ``(field, title, format)`` for each line."""
    return [alt.Tooltip(field, title=title, format=form[0] if form else alt.Undefined)
            for field, title, *form in fields]


def panel_rows(field: str, sort: list[str] | None = None, **header) -> alt.Row:
    """One panel per value of ``field``, its label above the panel so it takes no width from the chart."""
    return alt.Row(f"{field}:N", title=None, sort=sort or alt.Undefined,
                   header=alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0, labelFontWeight="bold",
                                     labelPadding=4, **header))


def _level_panels(layered: alt.LayerChart) -> alt.FacetChart:
    """One panel per level of area, in the levels' order, each with its own areas."""
    return layered.facet(row=panel_rows("level_label", list(analysis.level_labels().values()))).resolve_scale(
        y="independent")


def _cues(field: str, title: str | None, colours: alt.Scale, shapes: alt.Scale) -> dict:
    """Colour and shape on the same field: a second cue, so no meaning rests on colour alone."""
    return {"color": alt.Color(field, title=title, scale=colours), "shape": alt.Shape(field, title=title, scale=shapes)}


def measure_scale(shown: set[str] | None = None) -> alt.Scale:
    """Each measure's colour, keyed by its label in the current language (only the ``shown`` labels, if given)."""
    labels = analysis.measure_labels()
    pairs = [(labels[m], colour) for m, colour in theme.MEASURE_COLOURS.items() if shown is None or labels[m] in shown]
    return alt.Scale(domain=[label for label, _colour in pairs], range=[colour for _label, colour in pairs])


def _year_scales(*years: str) -> tuple[alt.Scale, alt.Scale]:
    """Colour and shape per year: the last two orange circles and blue squares, earlier ones grey, own shapes."""
    older = list(years[:-2])
    colours = [theme.NEUTRAL] * len(older) + [theme.EARLIER_YEAR, theme.LATER_YEAR][-len(years):]
    shapes = [OLDER_YEAR_SHAPES[(len(older) - 1 - i) % len(OLDER_YEAR_SHAPES)] for i in range(len(older))]
    return (alt.Scale(domain=list(years), range=colours),
            alt.Scale(domain=list(years), range=shapes + ["circle", "square"][-len(years):]))


def _with_gaps(data: pd.DataFrame) -> pd.DataFrame:
    """Rows, ``stated=False``, for the figures left out here but given elsewhere, so a chart says "not stated"."""
    keys = ["area", "year", "measure_label"]
    grid = pd.MultiIndex.from_product([data[key].unique() for key in keys], names=keys).to_frame(index=False)
    full = grid.merge(data, on=keys, how="left")
    full["stated"] = full["value"].notna()
    full["value"] = full["value"].fillna(0).astype("int64")
    full["note"] = full["note"].fillna("")
    full["label"] = [i18n.number(v) if stated else _("not stated") for v, stated in zip(full["value"], full["stated"])]
    return full


def region_figures(orders: pd.DataFrame, region_id: str) -> alt.Chart:
    """Every figure of one region: a bar per measure and year, one panel per area.

    Only the region's measures are in the legend; a figure left out is marked "not stated", never drawn as zero.
    """
    data = analysis.labelled(orders[orders["region_id"] == region_id])
    data = _with_gaps(data.assign(year=data["year"].astype(str))[["area", "year", "measure_label", "value", "note"]])
    scale = measure_scale(set(data["measure_label"]))
    base = alt.Chart(data).encode(
        x=alt.X("value:Q", title=_("Number in the year")),
        y=alt.Y("year:N", title=None),
        yOffset=alt.YOffset("measure_label:N", sort=scale.domain),
        color=alt.Color("measure_label:N", title=_("Measure"), scale=scale),
        tooltip=tooltip(("area:N", _("Area")), ("year:N", _("Year")), ("measure_label:N", _("Measure")),
                        ("label:N", _("Number")), ("note:N", _("Note"))),
    )
    bars = base.mark_bar().transform_filter("datum.stated")
    labels = base.mark_text(align="left", baseline="middle", dx=4).encode(
        text="label:N", color=alt.condition("datum.stated", alt.value(theme.INK), alt.value(theme.MUTED)))
    layered = (bars + labels).properties(width=theme.WIDTH - 120)
    return layered if data["area"].nunique() == 1 else layered.facet(row=panel_rows("area"))


def procedure_path(orders: pd.DataFrame, area: str) -> alt.Chart:
    """From procedures started to orders imposed to violations, per year, for one area."""
    data = analysis.labelled(orders[orders["area"] == area])
    data = data.assign(year=data["year"].astype(str))
    started = data[data["measure"] == "procedures_started"].set_index("year")["value"]
    data["share_of_procedures"] = [v / started[y] if y in started.index and started[y] else None
                                   for y, v in zip(data["year"], data["value"])]
    base = alt.Chart(data[["year", "measure_label", "value", "share_of_procedures"]]).encode(
        x=alt.X("value:Q", title=_("Number in the year")),
        y=alt.Y("measure_label:N", sort=list(analysis.measure_labels().values()), title=None),
        color=alt.Color("measure_label:N", scale=measure_scale(), legend=None),
        tooltip=tooltip(("year:N", _("Year")), ("measure_label:N", _("Step")), ("value:Q", _("Number")),
                        ("share_of_procedures:Q", _("Share of procedures started"), ".0%")),
    )
    return (base.mark_bar() + value_labels(base)).properties(width=theme.WIDTH - 140, height=90).facet(
        row=panel_rows("year"))


def parts_and_wholes(orders: pd.DataFrame, areas: pd.DataFrame, region_id: str,
                     measure: str = "orders_imposed") -> pd.DataFrame:
    """Each municipality's figure (``part_value``) beside its whole region's (``whole_value``) and its ``share``."""
    parent = dict(zip(areas["area"], areas["part_of"]))
    subset = orders[(orders["region_id"] == region_id) & (orders["measure"] == measure)]
    values = {(a, int(y)): int(v) for a, y, v in zip(subset["area"], subset["year"], subset["value"])}
    rows = [{"whole": parent[a], "part": a, "year": str(y), "part_value": v, "whole_value": values[(parent[a], y)],
             "share": v / values[(parent[a], y)] if values[(parent[a], y)] else None}
            for (a, y), v in values.items() if isinstance(parent.get(a), str) and (parent[a], y) in values]
    return pd.DataFrame(rows, columns=["whole", "part", "year", "part_value", "whole_value", "share"])


def parts_of_wholes(orders: pd.DataFrame, areas: pd.DataFrame, region_id: str,
                    measure: str = "orders_imposed") -> alt.Chart:
    """Each municipality's figure inside the bar of the larger area that contains it."""
    base = alt.Chart(parts_and_wholes(orders, areas, region_id, measure)).encode(
        y=alt.Y("year:N", title=None),
        tooltip=tooltip(("part:N", _("Municipality")), ("whole:N", _("Region")), ("year:N", _("Year")),
                        ("part_value:Q", _("Municipality")), ("whole_value:Q", _("Whole region")),
                        ("share:Q", _("Municipality's share"), ".0%")))
    whole = base.mark_bar(color=theme.WHOLE_FILL, stroke=theme.WHOLE_STROKE, strokeWidth=1).encode(
        x=alt.X("whole_value:Q",
                title=_("{measure} in the year").format(measure=analysis.measure_labels()[measure])))
    part = base.mark_bar(color=theme.PART_FILL, height=10).encode(x="part_value:Q")
    labels = base.mark_text(align="left", dx=4).encode(
        x="whole_value:Q", text=alt.Text("label:N")).transform_calculate(
        label=template_expression(_("{part} {part_value} of {whole_value}")))
    return (whole + part + labels).properties(width=theme.WIDTH - 160, height=70).facet(row=panel_rows("whole"))


def template_expression(template: str) -> str:
    """A Vega expression joining fields into a translated text: '{part} of {whole}' -> "datum.part + ' of ' + ...".

    The words come from the translation, so each language orders the fields its own way.
    """
    pieces = []
    for index, piece in enumerate(re.split(r"\{(\w+)\}", template)):
        if index % 2:
            pieces.append(f"datum.{piece}")
        elif piece:
            pieces.append("'" + piece.replace("\\", "\\\\").replace("'", "\\'") + "'")
    return " + ".join(pieces)


def coverage_matrix(coverage: pd.DataFrame) -> alt.Chart:
    """Which region reports which measure for which year, and at which level (named in the cell, tinted lightly)."""
    tints = {**theme.LEVEL_TINTS, "several": theme.SEVERAL_LEVELS_TINT, "not_stated": theme.NOT_STATED_TINT}
    short = {"municipality": _("Mun."), "municipality_group": _("Group"), "centrumgemeente_region": _("Region"),
             "province": _("Prov."), "several": _("Mixed"), "not_stated": "–"}
    levels = analysis.coverage_level_labels()
    data = coverage.assign(column=coverage["measure_label"] + " " + coverage["year"].astype(str))
    data["cell_text"] = data["level_label"].map({label: short[key] for key, label in levels.items()})
    columns = [f"{m} {y}" for m in analysis.measure_labels().values() for y in sorted(coverage["year"].unique())]
    base = alt.Chart(data[["name_en", "column", "level_label", "figures", "cell_text", "areas"]]).encode(
        x=alt.X("column:N", sort=columns, title=None, axis=alt.Axis(labelAngle=-35, orient="top")),
        y=alt.Y("name_en:N", title=None, sort=None),
        tooltip=tooltip(("name_en:N", _("Region")), ("column:N", _("Figure")), ("level_label:N", _("Level")),
                        ("areas:N", _("Areas")), ("figures:Q", _("Figures stated"))),
    )
    cells = base.mark_rect(stroke=theme.NEUTRAL, strokeWidth=0.5).encode(
        color=alt.Color("level_label:N", title=_("Level of the figure"),
                        scale=alt.Scale(domain=list(levels.values()), range=[tints[key] for key in levels]),
                        legend=alt.Legend(orient="top", columns=3)))
    text = base.mark_text(color=theme.INK).encode(text="cell_text:N")
    return (cells + text).properties(width=alt.Step(64), height=alt.Step(28))


def shown_areas(table: pd.DataFrame, by: str, limit: int = MAX_AREAS) -> list[str]:
    """The ``limit`` areas largest in ``by`` (absolute), largest first, ties by name: charts and texts name the same."""
    sizes = table[by].abs().groupby(table["area"]).max().rename("size").reset_index()
    ranked = sizes.sort_values(["size", "area"], ascending=[False, True], kind="stable")
    return ranked["area"].head(limit).tolist()


def largest_changes(changes: pd.DataFrame, limit: int = MAX_AREAS) -> pd.DataFrame:
    """The rows of the areas with the ``limit`` largest changes (:func:`shown_areas`), sized by ``size``."""
    sized = changes.assign(size=changes["change"].abs())
    return sized[sized["area"].isin(shown_areas(sized, "size", limit))]


def pair_names(changes: pd.DataFrame) -> tuple[str, str]:
    """The legend's names of the two years compared: the years when every area compares the same two."""
    pairs = changes[["earlier_year", "later_year"]].drop_duplicates()
    if len(pairs) == 1:
        return str(pairs["earlier_year"].iloc[0]), str(pairs["later_year"].iloc[0])
    return _("Earlier of an area's last two years"), _("Later of an area's last two years")


def orders_dumbbell(changes: pd.DataFrame, limit: int = MAX_AREAS) -> alt.Chart:
    """Orders in the earlier and the later year for every area, one panel per level of area."""
    data = largest_changes(changes, limit)
    points = data.melt(id_vars=["area", "level_label", "change", "earlier_year", "later_year"],
                       value_vars=["earlier", "later"], var_name="which", value_name="orders")
    points["year"] = points["earlier_year"].where(points["which"] == "earlier", points["later_year"]).astype(str)
    earlier, later = pair_names(data)
    points["pair"] = points["which"].map({"earlier": earlier, "later": later})
    points = points[["area", "level_label", "change", "year", "pair", "orders"]]
    y = alt.Y("area:N", sort=data.sort_values("later", ascending=False)["area"].tolist(), title=None)
    rule = alt.Chart(points).mark_rule(color=theme.NEUTRAL, strokeWidth=2).encode(
        x=alt.X("min(orders):Q", title=_("Orders imposed in the year")), x2="max(orders):Q", y=y)
    dots = alt.Chart(points).mark_point(size=110, filled=True, opacity=1).encode(
        x="orders:Q", y=y, **_cues("pair:N", _("Year"), *_year_scales(earlier, later)),
        tooltip=tooltip(("area:N", _("Area")), ("level_label:N", _("Level")), ("year:N", _("Year")),
                        ("orders:Q", _("Orders imposed")), ("change:Q", _("Change"), "+d")))
    return _level_panels((rule + dots).properties(width=theme.WIDTH - 200, height=alt.Step(22)))


def _interval_and_point(base: alt.Chart, field: str, x: alt.X, cues: dict, point_x: alt.X | str = ""):
    """A grey rule from ``{field}_low`` to ``{field}_high`` (``x`` names the low field), and a point at ``field``."""
    interval = base.mark_rule(strokeWidth=2, color=theme.MUTED).encode(x=x, x2=f"{field}_high:Q")
    return interval, base.mark_point(filled=True, size=90, opacity=1).encode(x=point_x or f"{field}:Q", **cues)


def violation_rate_intervals(rates: pd.DataFrame, limit: int = MAX_AREAS) -> alt.Chart:
    """Violations per order imposed (a rate, not a share: not capped at 100%), exact 95% intervals, by area and year."""
    data = rates[rates["area"].isin(shown_areas(rates, "orders_imposed", limit))]
    data = data.assign(year=data["year"].astype(str), area=data["area"] + " (" + data["level_label"].str.lower() + ")")
    base = alt.Chart(data[["area", "level_label", "year", "violations", "orders_imposed", "rate", "rate_low",
                           "rate_high", "counted"]]).encode(
        y=alt.Y("year:N", title=None),
        tooltip=tooltip(("area:N", _("Area")), ("year:N", _("Year")), ("violations:Q", _("Violations")),
                        ("orders_imposed:Q", _("Orders imposed")), ("rate:Q", _("Violations per order"), ".2f"),
                        ("rate_low:Q", _("95% interval from"), ".2f"), ("rate_high:Q", _("95% interval to"), ".2f"),
                        ("counted:N", _("What the area counts"))))
    interval, point = _interval_and_point(
        base, "rate", alt.X("rate_low:Q", axis=alt.Axis(format=".2f"), scale=alt.Scale(zero=True),
                            title=_("Violations per order imposed (exact 95% Poisson interval)")),
        _cues("year:N", _("Year"), *_year_scales(*sorted(data["year"].unique()))))
    return (interval + point).properties(width=theme.WIDTH - 200, height=44).facet(row=panel_rows("area"), spacing=4)


def verdict_labels() -> dict[bool, str]:
    """The legend's words for the adjusted verdict, keyed by ``beyond_chance``, in the current language."""
    return {False: _("Within chance after adjustment"), True: _("Beyond chance after adjustment")}


def change_ratios(changes: pd.DataFrame, limit: int = MAX_AREAS) -> alt.Chart:
    """Ratio of later to earlier counts with its exact, unadjusted 95% interval (log scale), one panel per level.

    Colour and shape give the Holm-adjusted verdict, so a point can be grey though its interval just misses 1.
    """
    data = largest_changes(changes, limit)
    verdicts = verdict_labels()
    data = data.assign(verdict=data["beyond_chance"].map(verdicts))
    ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8]
    x_scale = alt.Scale(type="log", domain=[ticks[0], ticks[-1]], clamp=True)
    base = alt.Chart(data[["area", "level_label", "earlier", "later", "ratio", "ratio_low", "ratio_high", "p_value",
                           "p_holm", "verdict"]]).encode(
        y=alt.Y("area:N", sort=alt.EncodingSortField("ratio"), title=None),
        tooltip=tooltip(("area:N", _("Area")), ("level_label:N", _("Level")), ("earlier:Q", _("Earlier year")),
                        ("later:Q", _("Later year")), ("ratio:Q", _("Ratio"), ".2f"),
                        ("ratio_low:Q", _("95% interval from (unadjusted)"), ".2f"),
                        ("ratio_high:Q", _("95% interval to (unadjusted)"), ".2f"),
                        ("p_value:Q", _("p-value"), ".3f"), ("p_holm:Q", _("p-value, Holm-adjusted"), ".3f"),
                        ("verdict:N", _("Reading"))))
    no_change = base.mark_rule(color=theme.INK, strokeDash=[4, 3]).encode(
        x=alt.X("one:Q", scale=x_scale), y=alt.value(0), y2=alt.value("height")).transform_calculate(one="1")
    domain = [verdicts[False], verdicts[True]]
    interval, point = _interval_and_point(
        base, "ratio", alt.X("ratio_low:Q", scale=x_scale, axis=alt.Axis(values=ticks, format="~g"),
                             title=_("Later year ÷ earlier year (log scale; 1 = no change)")),
        _cues("verdict:N", None, alt.Scale(domain=domain, range=[theme.WITHIN_CHANCE_COLOUR,
                                                                 theme.BEYOND_CHANCE_COLOUR]),
              alt.Scale(domain=domain, range=["circle", "diamond"])), alt.X("ratio:Q", scale=x_scale))
    return _level_panels((interval + no_change + point).properties(width=theme.WIDTH - 200, height=alt.Step(24)))


def _log_ticks(smallest: float, largest: float) -> list[int]:
    """Axis values at 1 and 3 times each power of ten within the range: far enough apart on a phone's log axis."""
    ticks = [step * 10 ** power for power in range(int(math.log10(smallest)), int(math.log10(largest)) + 1)
             for step in (1, 3)]
    return [tick for tick in ticks if smallest <= tick <= largest]


def _label_sides(points: pd.DataFrame) -> pd.DataFrame:
    """Mark which point labels go below their point, so that neighbours' labels do not overlap.

    A label goes on the other side from its neighbour's when close (a fifth of a factor ten and 0.5 in rate).
    """
    ordered = points.sort_values("population")
    below, previous = [], None
    for row in ordered.itertuples():
        flip = previous is not None and abs(math.log10(row.population / previous[0])) < 0.2 \
            and abs(row.rate - previous[1]) < 0.5
        below.append(not previous[2] if flip else False)
        previous = (row.population, row.rate, below[-1])
    return ordered.assign(below=below)


def funnel(result: analysis.Funnel, labels: dict[str, str]) -> alt.LayerChart:
    """One year's funnel plot: each area's orders per 10,000 inhabitants against its population (log scale).

    Grey lines: exact Poisson limits; dark: widened for the variation between areas; solid 95%, dashed 99.8%,
    around the pooled rate (dotted). ``labels`` maps an area to the short name printed beside its point.
    """
    kinds = {"poisson": _("{level}, chance alone"), "widened": _("{level}, allowing for variation between areas")}
    levels = {coverage: i18n.percent(coverage, 0 if round(coverage * 100, 6).is_integer() else 1)
              for coverage in analysis.FUNNEL_LIMITS}
    names = {(kind, coverage): words.format(level=level) for kind, words in kinds.items()  # the legend's words
             for coverage, level in levels.items()}
    limits = result.limits.melt(id_vars=["population", "limit", "kind"], value_vars=["low", "high"],
                                var_name="bound", value_name="rate")
    limits = limits.assign(line=[names[kind, limit] for kind, limit in zip(limits["kind"], limits["limit"])],
                           side=limits["kind"] + limits["limit"].astype(str) + limits["bound"])
    limits = limits[["population", "rate", "line", "side"]].round({"population": 0, "rate": 4})
    order = list(names.values())
    line_scale = alt.Scale(domain=order, range=[theme.NEUTRAL, theme.NEUTRAL, theme.INK, theme.INK])
    dash_scale = alt.Scale(domain=order, range=[[1, 0], [5, 3], [1, 0], [5, 3]])
    x = alt.X("population:Q", title=_("Inhabitants on 1 January (logarithmic scale)"),
              scale=alt.Scale(type="log", nice=False),
              axis=alt.Axis(format=",d", values=_log_ticks(limits["population"].min(), limits["population"].max()),
                            labelOverlap=True))
    y = alt.Y("rate:Q", title=_("Orders imposed per 10,000 inhabitants"), scale=alt.Scale(zero=True))
    lines = alt.Chart(limits).mark_line(strokeWidth=1.5).encode(
        x=x, y=y, detail="side:N",
        color=alt.Color("line:N", scale=line_scale, title=_("Limits around the pooled rate"),
                        legend=alt.Legend(orient="top", direction="vertical", columns=1)),
        strokeDash=alt.StrokeDash("line:N", scale=dash_scale, legend=None))
    pooled = alt.Chart(pd.DataFrame({"rate": [round(result.pooled, 4)]})).mark_rule(
        color=theme.MUTED, strokeDash=[2, 2]).encode(y="rate:Q")
    points = result.points.assign(label=result.points["area"].map(labels).fillna(result.points["area"]))
    points = _label_sides(points[["area", "label", "orders_imposed", "population", "rate", "rate_low", "rate_high"]])
    base = alt.Chart(points).encode(
        x="population:Q", y="rate:Q",
        tooltip=tooltip(("area:N", _("Area")), ("orders_imposed:Q", _("Orders imposed")),
                        ("population:Q", _("Inhabitants"), ",d"), ("rate:Q", _("Per 10,000 inhabitants"), ".2f"),
                        ("rate_low:Q", _("95% interval from"), ".2f"), ("rate_high:Q", _("95% interval to"), ".2f")))
    dots = base.mark_point(filled=True, size=70, color=theme.BLUE, opacity=1)
    above, below = (base.mark_text(align="left", dx=7, dy=dy, fontSize=11).encode(text="label:N").transform_filter(test)
                    for dy, test in ((-7, "!datum.below"), (10, "datum.below")))
    return (lines + pooled + dots + above + below).properties(
        width=theme.WIDTH - 60, height=300, title=alt.TitleParams(
            _("{year} (pooled rate {pooled})").format(year=result.year, pooled=i18n.number(result.pooled, 2)),
            anchor="start", fontSize=13))
