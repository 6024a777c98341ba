"""The year's 大事记 (issue #12): its chronicle articles in date order under month headings.

A 大事记 is the record a 关工委 files every year: one line per event, `3月15日　…`, month by month.
Which articles are in it is decided by `SiteSettings.is_chronicle` (the article's `chronicle` key,
else its section's default). Pure functions of the published articles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from site_builder.content.model import Article
from site_builder.settings import SiteSettings

DAY_SEPARATOR = "\u3000"
"""The full-width space between the day and the event, as 大事记 are typeset."""


def chronicle_url(year: int) -> str:
    """`archive/2025/dashiji/`: beside the year's month archives (`archive/2025/03/`)."""
    return f"archive/{year}/dashiji/"


@dataclass(frozen=True)
class ChronicleEntry:
    """One line of a 大事记: the day, the article (its title and link) and the units that did it."""

    article: Article
    units: tuple[str, ...]
    """The article's units that its title does not already name (a line never says one twice)."""

    @property
    def day(self) -> str:
        return f"{self.article.date.month}月{self.article.date.day}日"

    @property
    def line(self) -> str:
        """The entry as plain text: `3月12日　区关工委召开2025年工作会议（青溪区关工委）`."""
        units = f"（{'、'.join(self.units)}）" if self.units else ""
        return f"{self.day}{DAY_SEPARATOR}{self.article.title}{units}"


@dataclass(frozen=True)
class ChronicleMonth:
    month: int
    entries: tuple[ChronicleEntry, ...]
    """Oldest first."""

    @property
    def label(self) -> str:
        return f"{self.month}月"


@dataclass(frozen=True)
class Chronicle:
    """One year's 大事记."""

    year: int
    months: tuple[ChronicleMonth, ...]
    """The months that have entries, January first."""

    @property
    def url(self) -> str:
        return chronicle_url(self.year)

    @property
    def title(self) -> str:
        return f"{self.year}年大事记"

    @property
    def entries(self) -> tuple[ChronicleEntry, ...]:
        return tuple(entry for month in self.months for entry in month.entries)

    @property
    def articles(self) -> tuple[Article, ...]:
        return tuple(entry.article for entry in self.entries)


def chronicle_entry(article: Article) -> ChronicleEntry:
    return ChronicleEntry(article, tuple(unit for unit in article.units if unit not in article.title))


def build_chronicles(published: Iterable[Article], settings: SiteSettings) -> tuple[Chronicle, ...]:
    """A 大事记 for every year that has a chronicle article, newest year first."""
    by_year: dict[int, dict[int, list[Article]]] = defaultdict(lambda: defaultdict(list))
    for article in sorted(published, key=_oldest_first):
        if settings.is_chronicle(article):
            by_year[article.year][article.date.month].append(article)
    return tuple(
        Chronicle(
            year,
            tuple(
                ChronicleMonth(month, tuple(chronicle_entry(a) for a in articles))
                for month, articles in sorted(by_year[year].items())
            ),
        )
        for year in sorted(by_year, reverse=True)
    )


def _oldest_first(article: Article) -> tuple[float, str]:
    return (article.date.timestamp(), article.source.src_uri)
