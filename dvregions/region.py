"""What a region chapter calls (``RegionChapter("zeeland").glue()``): its glued figures, its charts and tables.

Glue names have no year (``orders_by_year``), so a new year reaches every sentence; other areas get their slug first.
"""

from __future__ import annotations

import pandas as pd
from IPython.display import HTML

from dvregions import analysis, chapter, convention, i18n
from dvregions.charts import across, layers, plots
from dvregions.i18n import _

MEASURE_STEMS = {"procedures_started": "procedures", "orders_imposed": "orders", "violations": "violations"}
"""The glue-name stem of each measure (``orders_by_year``)."""


def measure_nouns() -> dict[str, str]:
    """Each measure as a plural noun in running text, in the current language."""
    return {"procedures_started": _("procedures"), "orders_imposed": _("orders"), "violations": _("violations")}


class RegionChapter:
    """One region's chapter (``region_id`` of ``regions.csv``): its data, glued figures, charts and tables.

    ``area``: the area the prose is mainly about (default: the region's widest area with orders imposed, if one).
    """

    def __init__(self, region_id: str, area: str | None = None):
        self.dataset = dataset = chapter.setup()
        self.region_id = region_id
        self.orders = dataset.orders[dataset.orders["region_id"] == region_id]
        widest = self._wholes()
        self.area = area or (widest[0] if len(widest) == 1 else None)
        self.rates = analysis.population_rates(dataset.orders, analysis.populations(dataset.populations, dataset.areas))
        self.funnels = across.funnels(dataset.orders, dataset.populations, dataset.areas, dataset.regions)

    def glue(self) -> None:
        """Glue every figure and phrase of the region's prose, for every area it reports."""
        years = sorted(int(year) for year in self.orders["year"].unique())
        chapter.glue_text("years", i18n.join([str(year) for year in years]))
        chapter.glue_text("n_years", i18n.number_word(len(years)))
        chapter.glue_year("first_year", years[0])
        chapter.glue_year("last_year", years[-1])
        data = self.dataset
        matrix = analysis.theme_matrix(data.initiatives, data.initiative_themes, data.themes, data.regions)
        chapter.glue_text("rare_themes", chapter.rare_themes_text(matrix, self.region_id))
        chapter.glue_text("comparable_areas", chapter.comparable_areas_text(self.dataset.orders, self.region_id))
        chapter.glue_text("convention_notable", convention.notable_article_text(self.dataset, self.region_id))
        for area in self.orders["area"].unique():
            self._glue_area(area, "" if area == self.area else f"{chapter.slug(area)}_")

    def _glue_area(self, area: str, prefix: str) -> None:
        """Glue one area's figures by year, its rates, its funnel position and its verdicts."""
        of_area = self.orders[self.orders["area"] == area]
        for measure, stem in MEASURE_STEMS.items():
            rows = of_area[of_area["measure"] == measure].sort_values("year")
            if rows.empty:
                continue
            chapter.glue_text(f"{prefix}{stem}_by_year", by_year(rows))
            chapter.glue_text(f"{prefix}{stem}_latest", i18n.number(int(rows["value"].iloc[-1])))
            changes = analysis.year_changes(self.dataset.orders, measure)
            change = changes[changes["area"] == area]
            if not change.empty:
                chapter.glue_text(f"{prefix}{stem}_verdict", verdict(changes, change.iloc[0], measure_nouns()[measure]))
        violation_rates = analysis.violation_rates(of_area)
        if not violation_rates.empty:
            chapter.glue_text(f"{prefix}violation_rate_by_year", rates_by_year(violation_rates))
        rates = self.rates[self.rates["area"] == area].sort_values("year")
        if not rates.empty:
            chapter.glue_text(f"{prefix}rate_by_year", rates_by_year(rates))
            chapter.glue_text(f"{prefix}population", population_phrase(rates))
            chapter.glue_text(f"{prefix}funnel_position", funnel_position(self.funnels, area))

    def chart(self, subtitle: str, description: str, paragraphs: str, area: str | None = None,
              measures: tuple[str, ...] = ("orders_imposed",), nouns: dict[str, str] | None = None):
        """The region's figures, titled with the adjusted verdicts on the changes in ``measures`` of ``area``.

        ``description`` opens the text every figure follows; ``nouns`` words a measure otherwise (known violations).
        """
        area = area or self.area
        change = analysis.year_changes(self.dataset.orders).set_index("area").loc[area]
        return layers.finish(
            plots.region_figures(self.orders, self.region_id),
            title=self._verdicts_title(self.display_name(area), area, measures, nouns),
            subtitle=[_("Orders imposed: {earlier} in {earlier_year} and {later} in {later_year}, tested with every "
                        "other area (Holm-adjusted)").format(**chapter.change_values(change)), subtitle],
            description=description + " " + analysis.describe(self.orders),
            source=layers.source_line(paragraphs),
        )

    def display_name(self, area: str) -> str:
        """An area as a title names it: a group of municipalities by its region and number of members."""
        areas = self.dataset.areas
        if areas.loc[areas["area"] == area, "area_level"].iloc[0] != "municipality_group":
            return area
        members = int((areas["part_of"] == area).sum())
        region = self.dataset.regions.set_index("region_id").loc[self.region_id, "name_en"]
        return _("{region}, {count} municipalities together").format(region=region, count=i18n.number_word(members))

    def _verdicts_title(self, name: str, area: str, measures: tuple[str, ...], nouns: dict[str, str] | None = None):
        """'{name}: {verdicts}', the adjusted verdicts on the changes in ``measures`` of ``area``."""
        nouns = {**measure_nouns(), **(nouns or {})}
        phrases = [analysis.change_phrase(self.dataset.orders, area, measure, nouns[measure]) for measure in measures]
        return _("{area}: {verdict}").format(area=name, verdict=i18n.join(phrases))

    def procedure_path_chart(self, paragraphs: str):
        """From procedures started to orders imposed to violations, per year, for the main area."""
        measures = ("procedures_started", "orders_imposed")
        rows = self.orders[self.orders["area"] == self.area]
        labels = analysis.measure_labels()
        figures = [_("{measure}: {values}").format(measure=labels[measure] if first else labels[measure].lower(),
                                                   values=by_year(rows[rows["measure"] == measure]))
                   for first, measure in zip((True, False), measures)]
        return layers.finish(
            plots.procedure_path(self.orders, self.area),
            title=self._verdicts_title(self.area, self.area, measures),
            subtitle=["; ".join(figures),
                      _("From procedures started to orders imposed to violations, per year, in {area}").format(
                          area=self.area)],
            description=(_("Bar chart for {area}, one panel per year, with procedures started, orders imposed and "
                           "violations.").format(area=self.area) + " " + analysis.describe(rows)),
            source=layers.source_line(paragraphs),
        )

    def procedure_path_table(self, caption: str) -> HTML:
        """Per year: procedures, orders and violations, the share of procedures ending in an order and the rate."""
        path = analysis.procedure_path(self.orders, self.area)
        def interval(field: str, write) -> list[str]:  # '12% to 20%'
            return [_("{low} to {high}").format(low=write(low), high=write(high))
                    for low, high in zip(path[f"{field}_low"], path[f"{field}_high"])]

        shown = path.assign(share_ordered=path["share_ordered"].map(i18n.percent),
                            share_interval=interval("share", i18n.percent),
                            rate=[i18n.number(rate, 2) for rate in path["rate"]],
                            rate_interval=interval("rate", lambda value: i18n.number(value, 2)))
        labels = {"year": _("Year"), **analysis.measure_labels(),
                  "share_ordered": _("Share of procedures that ended in an order"),
                  "share_interval": _("95% interval (Wilson)"), "rate": _("Violations per order (a rate, not a share)"),
                  "rate_interval": _("95% interval (exact Poisson)")}
        return chapter.data_table(shown[list(labels)], caption, labels=labels)

    def glue_procedure_path(self) -> None:
        """Glue the share of procedures that ended in an order, by year, with its Wilson interval."""
        path = analysis.procedure_path(self.orders, self.area)
        chapter.glue_text("share_ordered_by_year", _with_intervals(
            [(i18n.percent(r.share_ordered), r.year, i18n.percent(r.share_low), i18n.percent(r.share_high))
             for r in path.itertuples()]))

    def parts_chart(self, subtitle: str, description: str, paragraphs: str):
        """Each municipality's orders inside those of its whole region, titled with the regions' verdicts."""
        chart = plots.parts_of_wholes(self.orders, self.dataset.areas, self.region_id)
        return self._wholes_chart(chart, "orders_imposed", subtitle, description, paragraphs,
                                  self.orders[self.orders["measure"] == "orders_imposed"])

    def glue_shares_of_wholes(self) -> None:
        """Glue each municipality's share of its whole region's orders, by year (``leiden_share_by_year``)."""
        shares = plots.parts_and_wholes(self.orders, self.dataset.areas, self.region_id).sort_values("year")
        for part, rows in shares.groupby("part", sort=False):
            chapter.glue_text(f"{chapter.slug(part)}_share_by_year", i18n.join(
                [_("{share} in {year}").format(share=i18n.percent(share), year=year)
                 for share, year in zip(rows["share"], rows["year"])]))

    def violations_chart(self, subtitle: str, description: str, paragraphs: str):
        """All the region's figures, titled with the adjusted verdicts on the violations of its whole regions."""
        chart = plots.region_figures(self.orders, self.region_id)
        return self._wholes_chart(chart, "violations", subtitle, description, paragraphs, self.orders)

    def _wholes_chart(self, chart, measure: str, subtitle: str, description: str, paragraphs: str,
                      described: pd.DataFrame):
        """A chart titled with each whole region's verdict on ``measure`` and subtitled with its figures by year."""
        wholes = self._wholes()
        rows = self.orders[(self.orders["measure"] == measure) & self.orders["area"].isin(wholes)]
        figures = "; ".join(_("{area}: {values}").format(area=whole, values=by_year(rows[rows["area"] == whole]))
                            for whole in wholes)
        return layers.finish(chart, title=[_capitalised(self._verdicts_title(whole, whole, (measure,)))
                                           for whole in wholes],
                             subtitle=[_capitalised(figures), subtitle],
                             description=description + " " + analysis.describe(described),
                             source=layers.source_line(paragraphs))

    def _wholes(self) -> list[str]:
        """The region's widest areas with orders imposed (the whole regions of Hollands Midden)."""
        imposed = set(self.orders.loc[self.orders["measure"] == "orders_imposed", "area"])
        return [a for a in analysis.non_overlapping_areas(self.orders, self.dataset.areas) if a in imposed]

    def key_figures(self, caption: str, measure: str | None = None) -> HTML:
        """The region's figures as a folded data table (one measure only, when given)."""
        rows = self.orders if measure is None else self.orders[self.orders["measure"] == measure]
        return chapter.data_table(chapter.key_figures(rows), caption)

    def initiatives(self, caption: str) -> HTML:
        """The region's coded initiatives as a folded data table."""
        return chapter.data_table(chapter.initiatives_table(self.dataset, self.region_id), caption)

    def convention_articles(self) -> HTML:
        """The region's 'Convention articles' list."""
        return convention.region_section(self.dataset, self.region_id)


def _capitalised(text: str) -> str:
    """A title line starts with a capital, even when it starts with a name the annex writes in lower case."""
    return text[:1].upper() + text[1:]


def by_year(rows: pd.DataFrame) -> str:
    """'71 in 2016 and 45 in 2017': one measure's values in year order."""
    rows = rows.sort_values("year")
    return i18n.join([_("{value} in {year}").format(value=i18n.number(int(value)), year=int(year))
                      for year, value in zip(rows["year"], rows["value"])])


def rates_by_year(rates: pd.DataFrame) -> str:
    """A rate with its interval by year, per order or per 10,000 inhabitants alike (the sentence names the unit)."""
    return _with_intervals([(i18n.number(r.rate, 2), r.year, i18n.number(r.rate_low, 2), i18n.number(r.rate_high, 2))
                            for r in rates.sort_values("year").itertuples()])


def _with_intervals(values: list[tuple[str, int, str, str]]) -> str:
    """(value, year, low, high) as '1.86 in 2016 (95% interval 1.45 to 2.35) and 1.18 in 2017 (0.86 to 1.58)'."""
    return i18n.join([(_("{rate} in {year} ({low} to {high})") if index else
                       _("{rate} in {year} (95% interval {low} to {high})")).format(
        rate=value, year=year, low=low, high=high) for index, (value, year, low, high) in enumerate(values)])


def population_phrase(rates: pd.DataFrame) -> str:
    """The population the rates rest on: '381,252 inhabitants registered on 1 January 2016'."""
    bases = rates[["population", "reference_date", "derived"]].drop_duplicates().sort_values("reference_date")
    return i18n.join([(_("{population} inhabitants registered on {day}, the sum of its municipalities") if derived
                       else _("{population} inhabitants registered on {day}")).format(
        population=i18n.number(int(population)), day=i18n.day(date))
        for population, date, derived in bases.itertuples(index=False)])


def funnel_position(funnels: list[analysis.Funnel], area: str) -> str:
    """Where an area lies in the funnel plots of chapter 11, year by year, against both sets of limits."""
    plain = {"within": _("within the 95% limits of chance alone"),
             "above": _("above the 95% limits of chance alone but within the 99.8% limits"),
             "below": _("below the 95% limits of chance alone but within the 99.8% limits"),
             "far_above": _("above the 99.8% limits of chance alone"),
             "far_below": _("below the 99.8% limits of chance alone")}
    years_at: dict[str, list[str]] = {}
    widened = []
    for result in funnels:
        point = result.points[result.points["area"] == area]
        if point.empty:
            continue
        years_at.setdefault(point["position"].iloc[0], []).append(str(result.year))
        widened.append(point["position_widened"].iloc[0] in ("far_above", "far_below"))
    if not years_at:
        return _("not among the areas of the funnel plot")
    parts = [_("{position} in {years}").format(position=plain[position], years=i18n.join(years))
             for position, years in years_at.items()]
    allowing = (_("beyond the 99.8% limits allowing for the variation between areas in at least one year")
                if any(widened) else _("within the 99.8% limits that allow for the variation between areas"))
    return _("{positions}; {allowing}").format(positions=i18n.join(parts), allowing=allowing)


def verdict(changes: pd.DataFrame, change: pd.Series, noun: str) -> str:
    """The adjusted verdict on one area's change with its figures and p-values, for a sentence."""
    phrase = analysis.verdict_phrase(analysis.row_verdict(change), noun)
    sentence = (_("{verdict} ({earlier} in {earlier_year}, {later} in {later_year}; p {p}, the only comparison of "
                   "its kind)") if len(changes) == 1 else
                _("{verdict} ({earlier} in {earlier_year}, {later} in {later_year}; p {p} alone, {p_holm} after "
                  "adjusting for {tests} comparisons)"))
    return sentence.format(verdict=phrase, tests=i18n.count(len(changes)), **chapter.change_values(change))
