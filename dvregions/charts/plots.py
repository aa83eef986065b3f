"""The book's charts.

Each function takes tidy tables and returns an unfinished Altair chart; chapters finish it
with a title that states their finding (:func:`~dvregions.charts.layers.finish`).

Charts select only the columns they draw, so the spec stays small, and every mark has a tooltip.
Every word a chart shows (axis, legend and tooltip titles, labels) is in the current language
(:mod:`dvregions.i18n`), read when the chart is made.
"""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from dvregions import analysis, i18n
from dvregions.charts.layers import value_labels
from dvregions.charts.theme import (
    BEYOND_CHANCE_COLOUR,
    BLUE,
    EARLIER_YEAR,
    INK,
    LATER_YEAR,
    LEVEL_TINTS,
    MEASURE_COLOURS,
    MUTED,
    NEUTRAL,
    NOT_STATED_TINT,
    PART_FILL,
    SEVERAL_LEVELS_TINT,
    WHOLE_FILL,
    WHOLE_STROKE,
    WIDTH,
    WITHIN_CHANCE_COLOUR,
)
from dvregions.i18n import _

ROW_HEADER = alt.Header(labelOrient="top", labelAnchor="start", labelAngle=0, labelFontWeight="bold",
                        labelPadding=4)
"""Facet row labels above each panel, so they take no width from the chart."""

MAX_AREAS = 40
"""Charts that list areas show at most this many, so national-scale data stays readable."""
MAX_YEARS = 5
"""Charts with a panel row per year and area show at most the latest this many years."""


def measure_scale() -> alt.Scale:
    """Each measure's colour, keyed by its label in the current language."""
    labels = analysis.measure_labels()
    return alt.Scale(domain=[labels[m] for m in MEASURE_COLOURS], range=list(MEASURE_COLOURS.values()))


OLDER_YEAR_SHAPES = ["triangle-up", "diamond", "triangle-down", "cross"]
"""Shapes of the years before the last two, oldest last, so a chart of several years keeps a second cue."""


def _year_scales(*years: str) -> tuple[alt.Scale, alt.Scale]:
    """Colour and shape scales for the years shown: the last two always orange circles and blue squares.

    Earlier years, where the data holds more than two, are grey with shapes of their own.
    """
    older = list(years[:-2])
    colours = [NEUTRAL] * len(older) + [EARLIER_YEAR, LATER_YEAR][-len(years):]
    shapes = [OLDER_YEAR_SHAPES[(len(older) - 1 - i) % len(OLDER_YEAR_SHAPES)] for i in range(len(older))]
    return (alt.Scale(domain=list(years), range=colours),
            alt.Scale(domain=list(years), range=shapes + ["circle", "square"][-len(years):]))


def _with_gaps(data: pd.DataFrame) -> pd.DataFrame:
    """Add a row, flagged ``stated=False``, for every figure the annex leaves out.

    That is every area, year and measure the region reports elsewhere but not here, so a
    chart can say "not stated" instead of showing nothing.
    """
    grid = pd.MultiIndex.from_product(
        [data["area"].unique(), data["year"].unique(), data["measure_label"].unique()],
        names=["area", "year", "measure_label"]).to_frame(index=False)
    full = grid.merge(data, on=["area", "year", "measure_label"], how="left")
    full["stated"] = full["value"].notna()
    full["value"] = full["value"].fillna(0).astype("int64")
    full["note"] = full["note"].fillna("")
    missing = _("not stated")
    full["label"] = [i18n.number(v) if stated else missing for v, stated in zip(full["value"], full["stated"])]
    return full


def region_figures(orders: pd.DataFrame, region_id: str) -> alt.Chart:
    """Every figure of one region: a bar per measure and year, one panel per area.

    Only the measures the region reports appear in the legend; a figure the annex leaves out
    for one area or year while giving it for another is marked "not stated", never drawn as zero.
    """
    data = analysis.labelled(orders[orders["region_id"] == region_id])
    data = data.assign(year=data["year"].astype(str))[["area", "year", "measure_label", "value", "note"]]
    data = _with_gaps(data)
    present = [m for m in analysis.measure_labels().values() if m in set(data["measure_label"])]
    scale = measure_scale()
    colours = dict(zip(scale.domain, scale.range))
    base = alt.Chart(data).encode(
        x=alt.X("value:Q", title=_("Number in the year")),
        y=alt.Y("year:N", title=None),
        yOffset=alt.YOffset("measure_label:N", sort=present),
        color=alt.Color("measure_label:N", title=_("Measure"),
                        scale=alt.Scale(domain=present, range=[colours[m] for m in present])),
        tooltip=[alt.Tooltip("area:N", title=_("Area")), alt.Tooltip("year:N", title=_("Year")),
                 alt.Tooltip("measure_label:N", title=_("Measure")), alt.Tooltip("label:N", title=_("Number")),
                 alt.Tooltip("note:N", title=_("Note"))],
    )
    bars = base.mark_bar().transform_filter("datum.stated")
    labels = base.mark_text(align="left", baseline="middle", dx=4).encode(
        text="label:N",
        color=alt.condition("datum.stated", alt.value(INK), alt.value(MUTED)))
    layered = (bars + labels).properties(width=WIDTH - 120)
    if data["area"].nunique() == 1:
        return layered
    return layered.facet(row=alt.Row("area:N", title=None, header=ROW_HEADER))


def procedure_path(orders: pd.DataFrame, area: str) -> alt.Chart:
    """From procedures started to orders imposed to violations, per year, for one area."""
    data = analysis.labelled(orders[orders["area"] == area])
    data = data.assign(year=data["year"].astype(str))
    started = data[data["measure"] == "procedures_started"].set_index("year")["value"]
    data["share_of_procedures"] = [v / started[y] if y in started.index and started[y] else None
                                   for y, v in zip(data["year"], data["value"])]
    data = data[["year", "measure_label", "value", "share_of_procedures"]]
    order = list(analysis.measure_labels().values())
    base = alt.Chart(data).encode(
        x=alt.X("value:Q", title=_("Number in the year")),
        y=alt.Y("measure_label:N", sort=order, title=None),
        color=alt.Color("measure_label:N", scale=measure_scale(), legend=None),
        tooltip=[alt.Tooltip("year:N", title=_("Year")), alt.Tooltip("measure_label:N", title=_("Step")),
                 alt.Tooltip("value:Q", title=_("Number")),
                 alt.Tooltip("share_of_procedures:Q", title=_("Share of procedures started"), format=".0%")],
    )
    return ((base.mark_bar() + value_labels(base)).properties(width=WIDTH - 140, height=90)
            .facet(row=alt.Row("year:N", title=None, header=ROW_HEADER)))


def parts_of_wholes(orders: pd.DataFrame, areas: pd.DataFrame, region_id: str,
                    measure: str = "orders_imposed") -> alt.Chart:
    """Each municipality's figure inside the bar of the larger area that contains it."""
    parent = dict(zip(areas["area"], areas["part_of"]))
    subset = orders[(orders["region_id"] == region_id) & (orders["measure"] == measure)]
    values = {(a, int(y)): int(v) for a, y, v in zip(subset["area"], subset["year"], subset["value"])}
    rows = [{"whole": parent[a], "part": a, "year": str(y), "part_value": v, "whole_value": values[(parent[a], y)],
             "share": v / values[(parent[a], y)] if values[(parent[a], y)] else None}
            for (a, y), v in values.items()
            if isinstance(parent.get(a), str) and (parent[a], y) in values]
    data = pd.DataFrame(rows)
    tooltip = [alt.Tooltip("part:N", title=_("Municipality")), alt.Tooltip("whole:N", title=_("Region")),
               alt.Tooltip("year:N", title=_("Year")), alt.Tooltip("part_value:Q", title=_("Municipality")),
               alt.Tooltip("whole_value:Q", title=_("Whole region")),
               alt.Tooltip("share:Q", title=_("Municipality's share"), format=".0%")]
    base = alt.Chart(data).encode(y=alt.Y("year:N", title=None), tooltip=tooltip)
    whole = base.mark_bar(color=WHOLE_FILL, stroke=WHOLE_STROKE, strokeWidth=1).encode(
        x=alt.X("whole_value:Q",
                title=_("{measure} in the year").format(measure=analysis.measure_labels()[measure])))
    part = base.mark_bar(color=PART_FILL, height=10).encode(x="part_value:Q")
    labels = base.mark_text(align="left", dx=4).encode(
        x="whole_value:Q", text=alt.Text("label:N")).transform_calculate(
        label=template_expression(_("{part} {part_value} of {whole_value}")))
    return ((whole + part + labels).properties(width=WIDTH - 160, height=70)
            .facet(row=alt.Row("whole:N", title=None, header=ROW_HEADER)))


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


_COVERAGE_TINTS = {**LEVEL_TINTS, "several": SEVERAL_LEVELS_TINT, "not_stated": NOT_STATED_TINT}
"""The theme's light tints keep the dark text readable; the text names the level."""


def coverage_cells() -> dict[str, tuple[str, str]]:
    """Label of a coverage cell -> (its tint, the short text printed in it), in the current language."""
    short = {"municipality": _("Mun."), "municipality_group": _("Group"), "centrumgemeente_region": _("Region"),
             "province": _("Prov."), "several": _("Mixed"), "not_stated": "–"}
    return {label: (_COVERAGE_TINTS[key], short[key]) for key, label in analysis.coverage_level_labels().items()}


def coverage_matrix(coverage: pd.DataFrame) -> alt.Chart:
    """Which region reports which measure for which year, and at which level."""
    cells_by_label = coverage_cells()
    data = coverage.assign(column=coverage["measure_label"] + " " + coverage["year"].astype(str))
    data["cell_text"] = data["level_label"].map({k: v[1] for k, v in cells_by_label.items()})
    data = data[["name_en", "column", "level_label", "figures", "cell_text", "areas"]]
    columns = [f"{m} {y}" for m in analysis.measure_labels().values() for y in sorted(coverage["year"].unique())]
    base = alt.Chart(data).encode(
        x=alt.X("column:N", sort=columns, title=None, axis=alt.Axis(labelAngle=-35, orient="top")),
        y=alt.Y("name_en:N", title=None, sort=None),
        tooltip=[alt.Tooltip("name_en:N", title=_("Region")), alt.Tooltip("column:N", title=_("Figure")),
                 alt.Tooltip("level_label:N", title=_("Level")), alt.Tooltip("areas:N", title=_("Areas")),
                 alt.Tooltip("figures:Q", title=_("Figures stated"))],
    )
    cells = base.mark_rect(stroke=NEUTRAL, strokeWidth=0.5).encode(
        color=alt.Color("level_label:N", title=_("Level of the figure"),
                        scale=alt.Scale(domain=list(cells_by_label), range=[v[0] for v in cells_by_label.values()]),
                        legend=alt.Legend(orient="top", columns=3)))
    text = base.mark_text(color=INK).encode(text="cell_text:N")
    return (cells + text).properties(width=alt.Step(64), height=alt.Step(28))


def shown_areas(table: pd.DataFrame, by: str, limit: int = MAX_AREAS) -> list[str]:
    """The areas a chart shows: all of them, or the ``limit`` largest when there are more.

    The one place that picks them, so a chart and its description name the same areas.

    Parameters
    ----------
    table : DataFrame
        Rows with an ``area`` column; an area may have several rows (e.g. one per year).
    by : str
        Column ranking the areas; an area counts with its largest absolute value.
    limit : int
        Most areas shown.

    Returns
    -------
    list of str
        Area names, largest first; ties are broken by area name, so the choice never depends
        on row order.
    """
    sizes = table[by].abs().groupby(table["area"]).max().rename("size").reset_index()
    ranked = sizes.sort_values(["size", "area"], ascending=[False, True], kind="stable")
    return ranked["area"].head(limit).tolist()


def _limit_areas(data: pd.DataFrame, by: str, limit: int) -> pd.DataFrame:
    return data[data["area"].isin(shown_areas(data, by, limit))]


def pair_names(changes: pd.DataFrame) -> tuple[str, str]:
    """The legend's names of the two years compared: the years when every area compares the same two."""
    pairs = changes[["earlier_year", "later_year"]].drop_duplicates()
    if len(pairs) == 1:
        return str(pairs["earlier_year"].iloc[0]), str(pairs["later_year"].iloc[0])
    return _("Earlier of an area's last two years"), _("Later of an area's last two years")


def orders_dumbbell(changes: pd.DataFrame, limit: int = MAX_AREAS) -> alt.Chart:
    """Orders in the earlier and the later year for every area, one panel per level of area."""
    data = _limit_areas(changes.assign(size=changes["change"].abs()), "size", limit)
    points = data.melt(id_vars=["area", "level_label", "change", "earlier_year", "later_year"],
                       value_vars=["earlier", "later"], var_name="which", value_name="orders")
    points["year"] = [str(e if w == "earlier" else lat) for w, e, lat in
                      zip(points["which"], points["earlier_year"], points["later_year"])]
    earlier, later = pair_names(data)
    points["pair"] = points["which"].map({"earlier": earlier, "later": later})
    points = points[["area", "level_label", "change", "year", "pair", "orders"]]
    order = data.sort_values("later", ascending=False)["area"].tolist()
    y = alt.Y("area:N", sort=order, title=None)
    tooltip = [alt.Tooltip("area:N", title=_("Area")), alt.Tooltip("level_label:N", title=_("Level")),
               alt.Tooltip("year:N", title=_("Year")), alt.Tooltip("orders:Q", title=_("Orders imposed")),
               alt.Tooltip("change:Q", title=_("Change"), format="+d")]
    colours, shapes = _year_scales(earlier, later)
    rule = alt.Chart(points).mark_rule(color=NEUTRAL, strokeWidth=2).encode(
        x=alt.X("min(orders):Q", title=_("Orders imposed in the year")), x2="max(orders):Q", y=y)
    dots = alt.Chart(points).mark_point(size=110, filled=True, opacity=1).encode(
        x="orders:Q", y=y, tooltip=tooltip,
        color=alt.Color("pair:N", title=_("Year"), scale=colours),
        shape=alt.Shape("pair:N", title=_("Year"), scale=shapes))
    return ((rule + dots).properties(width=WIDTH - 200, height=alt.Step(22))
            .facet(row=alt.Row("level_label:N", title=None, sort=list(analysis.level_labels().values()),
                               header=ROW_HEADER))
            .resolve_scale(y="independent"))


def violation_rate_intervals(rates: pd.DataFrame, limit: int = MAX_AREAS) -> alt.Chart:
    """Violations per order imposed with its exact 95% Poisson interval, per area and year.

    A rate, not a share: one order can be violated more than once, so the axis is not capped at
    100% and is labelled "per order". The tooltip says what each area counts as a violation.
    """
    data = _limit_areas(rates, "orders_imposed", limit).assign(year=lambda d: d["year"].astype(str))
    data = data.assign(area=data["area"] + " (" + data["level_label"].str.lower() + ")")
    data = data[["area", "level_label", "year", "violations", "orders_imposed", "rate", "rate_low",
                 "rate_high", "counted"]]
    tooltip = [alt.Tooltip("area:N", title=_("Area")), alt.Tooltip("year:N", title=_("Year")),
               alt.Tooltip("violations:Q", title=_("Violations")),
               alt.Tooltip("orders_imposed:Q", title=_("Orders imposed")),
               alt.Tooltip("rate:Q", title=_("Violations per order"), format=".2f"),
               alt.Tooltip("rate_low:Q", title=_("95% interval from"), format=".2f"),
               alt.Tooltip("rate_high:Q", title=_("95% interval to"), format=".2f"),
               alt.Tooltip("counted:N", title=_("What the area counts"))]
    colours, shapes = _year_scales(*sorted(data["year"].unique()))
    base = alt.Chart(data).encode(y=alt.Y("year:N", title=None), tooltip=tooltip)
    interval = base.mark_rule(strokeWidth=2, color=MUTED).encode(
        x=alt.X("rate_low:Q", title=_("Violations per order imposed (exact 95% Poisson interval)"),
                axis=alt.Axis(format=".2f"), scale=alt.Scale(zero=True)), x2="rate_high:Q")
    point = base.mark_point(filled=True, size=90, opacity=1).encode(
        x="rate:Q", color=alt.Color("year:N", scale=colours, title=_("Year")),
        shape=alt.Shape("year:N", scale=shapes, title=_("Year")))
    return ((interval + point).properties(width=WIDTH - 200, height=44)
            .facet(row=alt.Row("area:N", title=None, header=ROW_HEADER),
                   spacing=4))


def verdict_labels() -> dict[bool, str]:
    """The legend's words for the adjusted verdict, keyed by ``beyond_chance``, in the current language."""
    return {False: _("Within chance after adjustment"), True: _("Beyond chance after adjustment")}


def change_ratios(changes: pd.DataFrame, limit: int = MAX_AREAS) -> alt.Chart:
    """Ratio of later to earlier counts with its exact, unadjusted 95% interval (log scale), one panel per level.

    Colour and shape give the verdict of the Holm-adjusted test (``beyond_chance``), so a point
    can be grey although its unadjusted interval just misses 1.
    """
    data = _limit_areas(changes.assign(size=changes["change"].abs()), "size", limit)
    verdicts = verdict_labels()
    within_chance, beyond_chance = verdicts[False], verdicts[True]
    data = data.assign(verdict=data["beyond_chance"].map(verdicts))
    data = data[["area", "level_label", "earlier", "later", "ratio", "ratio_low", "ratio_high", "p_value",
                 "p_holm", "verdict"]]
    tooltip = [alt.Tooltip("area:N", title=_("Area")), alt.Tooltip("level_label:N", title=_("Level")),
               alt.Tooltip("earlier:Q", title=_("Earlier year")), alt.Tooltip("later:Q", title=_("Later year")),
               alt.Tooltip("ratio:Q", title=_("Ratio"), format=".2f"),
               alt.Tooltip("ratio_low:Q", title=_("95% interval from (unadjusted)"), format=".2f"),
               alt.Tooltip("ratio_high:Q", title=_("95% interval to (unadjusted)"), format=".2f"),
               alt.Tooltip("p_value:Q", title=_("p-value"), format=".3f"),
               alt.Tooltip("p_holm:Q", title=_("p-value, Holm-adjusted"), format=".3f"),
               alt.Tooltip("verdict:N", title=_("Reading"))]
    ticks = [0.125, 0.25, 0.5, 1, 2, 4, 8]
    x_scale = alt.Scale(type="log", domain=[ticks[0], ticks[-1]], clamp=True)
    axis = alt.Axis(values=ticks, format="~g")
    base = alt.Chart(data).encode(y=alt.Y("area:N", sort=alt.EncodingSortField("ratio"), title=None),
                                  tooltip=tooltip)
    no_change = base.mark_rule(color=INK, strokeDash=[4, 3]).encode(
        x=alt.X("one:Q", scale=x_scale), y=alt.value(0), y2=alt.value("height")).transform_calculate(one="1")
    interval = base.mark_rule(strokeWidth=2, color=MUTED).encode(
        x=alt.X("ratio_low:Q", scale=x_scale, axis=axis,
                title=_("Later year ÷ earlier year (log scale; 1 = no change)")),
        x2="ratio_high:Q")
    point = base.mark_point(filled=True, size=90, opacity=1).encode(
        x=alt.X("ratio:Q", scale=x_scale),
        color=alt.Color("verdict:N", title=None,
                        scale=alt.Scale(domain=[within_chance, beyond_chance],
                                        range=[WITHIN_CHANCE_COLOUR, BEYOND_CHANCE_COLOUR])),
        shape=alt.Shape("verdict:N", title=None,
                        scale=alt.Scale(domain=[within_chance, beyond_chance], range=["circle", "diamond"])))
    return ((interval + no_change + point).properties(width=WIDTH - 200, height=alt.Step(24))
            .facet(row=alt.Row("level_label:N", title=None, sort=list(analysis.level_labels().values()),
                               header=ROW_HEADER))
            .resolve_scale(y="independent"))


def funnel_limit_labels() -> dict[tuple[str, float], str]:
    """The legend's words for each funnel limit, keyed by (kind, coverage), in the current language."""
    inner, outer = (i18n.percent(coverage, 0 if round(coverage * 100, 6).is_integer() else 1)
                    for coverage in analysis.FUNNEL_LIMITS)
    return {("poisson", analysis.FUNNEL_LIMITS[0]): _("{level}, chance alone").format(level=inner),
            ("poisson", analysis.FUNNEL_LIMITS[1]): _("{level}, chance alone").format(level=outer),
            ("widened", analysis.FUNNEL_LIMITS[0]): _("{level}, allowing for variation between areas").format(
                level=inner),
            ("widened", analysis.FUNNEL_LIMITS[1]): _("{level}, allowing for variation between areas").format(
                level=outer)}


def _log_ticks(smallest: float, largest: float) -> list[int]:
    """Axis values at 1 and 3 times each power of ten within the range: far enough apart on a phone's log axis."""
    import math

    ticks = [step * 10 ** power for power in range(int(math.log10(smallest)), int(math.log10(largest)) + 1)
             for step in (1, 3)]
    return [tick for tick in ticks if smallest <= tick <= largest]


def _label_sides(points: pd.DataFrame) -> pd.DataFrame:
    """Mark which point labels go below their point, so that neighbours' labels do not overlap.

    Walking from the smallest population up, a label goes on the other side from its neighbour's when
    the two points are close (within a fifth of a factor ten in population and 0.5 in rate).
    """
    import math

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

    Thin grey lines are the exact Poisson limits (chance alone), dark lines the limits widened for the
    variation between areas; solid lines are the inner (95%) and dashed lines the outer (99.8%) limits,
    around the pooled rate (a dotted rule). ``labels`` maps an area to the short name printed beside
    its point.
    """
    names = funnel_limit_labels()
    limits = result.limits.melt(id_vars=["population", "limit", "kind"], value_vars=["low", "high"],
                                var_name="bound", value_name="rate")
    limits = limits.assign(line=[names[kind, limit] for kind, limit in zip(limits["kind"], limits["limit"])],
                           side=limits["kind"] + limits["limit"].astype(str) + limits["bound"])
    limits = limits[["population", "rate", "line", "side"]].round({"population": 0, "rate": 4})
    order = list(names.values())
    line_scale = alt.Scale(domain=order, range=[NEUTRAL, NEUTRAL, INK, INK])
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
        color=MUTED, strokeDash=[2, 2]).encode(y="rate:Q")
    points = result.points.assign(label=result.points["area"].map(labels).fillna(result.points["area"]))
    points = _label_sides(points[["area", "label", "orders_imposed", "population", "rate", "rate_low", "rate_high"]])
    tooltip = [alt.Tooltip("area:N", title=_("Area")), alt.Tooltip("orders_imposed:Q", title=_("Orders imposed")),
               alt.Tooltip("population:Q", title=_("Inhabitants"), format=",d"),
               alt.Tooltip("rate:Q", title=_("Per 10,000 inhabitants"), format=".2f"),
               alt.Tooltip("rate_low:Q", title=_("95% interval from"), format=".2f"),
               alt.Tooltip("rate_high:Q", title=_("95% interval to"), format=".2f")]
    base = alt.Chart(points).encode(x="population:Q", y="rate:Q", tooltip=tooltip)
    dots = base.mark_point(filled=True, size=70, color=BLUE, opacity=1)
    above = base.mark_text(align="left", dx=7, dy=-7, fontSize=11).encode(text="label:N").transform_filter(
        "!datum.below")
    below = base.mark_text(align="left", dx=7, dy=10, fontSize=11).encode(text="label:N").transform_filter(
        "datum.below")
    return (lines + pooled + dots + above + below).properties(
        width=WIDTH - 60, height=300, title=alt.TitleParams(
            _("{year} (pooled rate {pooled})").format(year=result.year, pooled=i18n.number(result.pooled, 2)),
            anchor="start", fontSize=13))
