"""The 年度工作统计 page of a year (issue #12; opt-in, `stats_page: true`): its figures and charts.

Everything the page shows is in its `StatsPage` (figures and chart geometry, no articles), so the
page's key in incremental builds changes exactly when what it shows does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from site_builder.content.model import Article
from site_builder.settings import SiteSettings
from site_builder.stats.charts import BarChart, plan_bar_chart
from site_builder.stats.figures import Figures, Row, Statistics, compute_statistics


def stats_url(year: int) -> str:
    """`archive/2025/tongji/` (统计), beside the year's 大事记 and month archives."""
    return f"archive/{year}/tongji/"


@dataclass(frozen=True)
class StatsPage:
    year: int
    statistics: Statistics
    """The year's figures (without the articles themselves)."""
    months: tuple[Row, ...]
    """All twelve months, `1月` … `12月`, months without articles included (as zeros)."""
    month_chart: BarChart
    unit_chart: BarChart

    @property
    def url(self) -> str:
        return stats_url(self.year)

    @property
    def title(self) -> str:
        return f"{self.year}年度工作统计"


def plan_stats_pages(
    published: Iterable[Article], settings: SiteSettings, unit_names: Mapping[str, str]
) -> tuple[StatsPage, ...]:
    """A statistics page for every year with published articles, newest year first."""
    articles = tuple(published)
    years = sorted({article.year for article in articles}, reverse=True)
    return tuple(plan_stats_page(articles, settings, unit_names, year) for year in years)


def plan_stats_page(
    published: Iterable[Article], settings: SiteSettings, unit_names: Mapping[str, str], year: int
) -> StatsPage:
    stats = replace(compute_statistics(published, settings, unit_names, year=year), articles=())
    by_month = {row.name: row.figures for row in stats.months}
    months = tuple(Row(f"{month}月", by_month.get(f"{year}-{month:02d}", Figures())) for month in range(1, 13))
    return StatsPage(
        year=year,
        statistics=stats,
        months=months,
        month_chart=plan_bar_chart("months", f"{year}年各月发布篇数", [(r.name, r.figures.articles) for r in months]),
        unit_chart=plan_bar_chart(
            "units", f"{year}年各单位发布篇数", [(r.name, r.figures.articles) for r in stats.units]
        ),
    )
