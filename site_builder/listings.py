"""Listings of published articles: sections, categories, tags, units, people, years, months, home.

Pure functions of the published articles. Every listing is cut into pages of `pagination_per_page`, so the
work and the size of each output page stay bounded however many articles the site has. A person's
page is the exception: it is that person's 业绩记载 (issue #12), one table of everything, oldest first.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from site_builder.content.model import Article
from site_builder.settings import SiteSettings
from site_builder.urls import unique_slugs


@dataclass(frozen=True)
class TermKind:
    """A way of grouping articles: its URL prefix and how it is named on the site."""

    key: str
    prefix: str
    label: str
    values: Callable[[Article], Iterable[str]]


TERM_KINDS = (
    TermKind("category", "categories", "分类", lambda a: (a.category,) if a.category else ()),
    TermKind("tag", "tags", "标签", lambda a: a.tags),
    TermKind("unit", "units", "单位", lambda a: a.units),
    TermKind("person", "people", "人物", lambda a: a.people),
    TermKind("year", "archive", "年度归档", lambda a: (str(a.year),)),
)


@dataclass(frozen=True)
class Term:
    """One category, tag, unit, person or year, with its published articles (newest first)."""

    kind: TermKind
    name: str
    slug: str
    articles: tuple[Article, ...]

    @property
    def url(self) -> str:
        return f"{self.kind.prefix}/{self.slug}/"

    @property
    def title(self) -> str:
        return f"{self.name} 年" if self.kind.key == "year" else f"{self.kind.label}：{self.name}"


@dataclass(frozen=True)
class ListingPage:
    """One page of a paginated listing: the articles it shows and links to its neighbours."""

    kind: str
    """`section`, a TermKind key, or `month`."""
    key: str
    """Section name, term name, or `YYYY-MM` for a month."""
    title: str
    base_url: str
    number: int
    page_count: int
    articles: tuple[Article, ...]
    total: int

    @property
    def url(self) -> str:
        return page_url(self.base_url, self.number)

    @property
    def previous_url(self) -> str | None:
        return page_url(self.base_url, self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return page_url(self.base_url, self.number + 1) if self.number < self.page_count else None


@dataclass(frozen=True)
class MonthLink:
    """One month of a year archive (`archive/2025/03/`): what the year's page shows of it."""

    year: int
    month: int
    count: int
    """Published articles of the month."""

    @property
    def url(self) -> str:
        return month_url(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{self.month}月"

    @property
    def title(self) -> str:
        return f"{self.year}年{self.month}月"


@dataclass(frozen=True)
class Overview:
    """The index of one term kind (all tags, all units…), with article counts."""

    kind: TermKind
    terms: tuple[Term, ...]

    @property
    def url(self) -> str:
        return f"{self.kind.prefix}/"

    @property
    def title(self) -> str:
        return self.kind.label if self.kind.key == "year" else f"全部{self.kind.label}"


@dataclass(frozen=True)
class Neighbours:
    """Previous (newer) and next (older) article in the same section."""

    newer: Article | None
    older: Article | None


@dataclass(frozen=True)
class Listings:
    """Everything list-shaped the site shows, computed once per build."""

    by_section: dict[str, tuple[Article, ...]]
    terms: dict[str, tuple[Term, ...]]
    """Terms per kind key, most articles first."""
    term_urls: dict[tuple[str, str], str]
    """(kind key, name) → URL, for linking an article's tags, unit… to their pages."""
    pages: tuple[ListingPage, ...]
    overviews: tuple[Overview, ...]
    neighbours: dict[str, Neighbours]
    """Article URL → neighbours in its section."""
    home_latest: dict[str, tuple[Article, ...]] = field(default_factory=dict)
    home_featured: tuple[Article, ...] = ()
    months: dict[str, tuple[MonthLink, ...]] = field(default_factory=dict)
    """Year → its months that have articles, January first (the month archives, `archive/YYYY/MM/`)."""


def month_url(year: int, month: int) -> str:
    """`archive/2025/03/`: a month's archive sits inside its year's."""
    return f"archive/{year}/{month:02d}/"


def page_url(base_url: str, number: int) -> str:
    """URL of page `number` of a listing at `base_url`: page 1 is the listing itself."""
    return base_url if number == 1 else f"{base_url}page/{number}/"


def paginate(
    kind: str, key: str, title: str, base_url: str, articles: tuple[Article, ...], page_size: int
) -> list[ListingPage]:
    """Cut `articles` into pages; an empty listing still has one (empty) page."""
    count = max(1, math.ceil(len(articles) / page_size))
    return [
        ListingPage(kind, key, title, base_url, n, count, articles[(n - 1) * page_size : n * page_size], len(articles))
        for n in range(1, count + 1)
    ]


def _newest_year_first(year: str) -> int:
    return -int(year)


def _most_articles_first(grouped: dict[str, list[Article]]) -> Callable[[str], tuple[int, str]]:
    return lambda name: (-len(grouped[name]), name)


def build_listings(published: list[Article], settings: SiteSettings) -> Listings:
    """All listings of the published articles; `published` must be sorted newest first."""
    by_section: dict[str, list[Article]] = {s.name: [] for s in settings.sections}
    for article in published:
        by_section[article.section].append(article)

    pages: list[ListingPage] = []
    for section in settings.sections:
        pages += paginate(
            "section",
            section.name,
            section.title,
            f"{section.name}/",
            tuple(by_section[section.name]),
            settings.pagination_per_page,
        )

    terms: dict[str, tuple[Term, ...]] = {}
    term_urls: dict[tuple[str, str], str] = {}
    overviews = []
    for kind in TERM_KINDS:
        grouped: dict[str, list[Article]] = defaultdict(list)
        for article in published:
            for name in kind.values(article):
                grouped[name].append(article)
        slugs = {name: name for name in grouped} if kind.key == "year" else unique_slugs(list(grouped))
        ordered = sorted(grouped, key=_newest_year_first if kind.key == "year" else _most_articles_first(grouped))
        kind_terms = tuple(Term(kind, name, slugs[name], tuple(grouped[name])) for name in ordered)
        terms[kind.key] = kind_terms
        overviews.append(Overview(kind, kind_terms))
        for term in kind_terms:
            term_urls[(kind.key, term.name)] = term.url
            # A person's page is one record of all their articles (their 业绩记载), never cut.
            size = max(1, len(term.articles)) if kind.key == "person" else settings.pagination_per_page
            pages += paginate(kind.key, term.name, term.title, term.url, term.articles, size)

    by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in published:
        by_month[(article.year, article.date.month)].append(article)
    months: dict[str, list[MonthLink]] = defaultdict(list)
    for year, month in sorted(by_month):
        link = MonthLink(year, month, len(by_month[(year, month)]))
        months[str(year)].append(link)
        pages += paginate(
            "month",
            f"{year}-{month:02d}",
            link.title,
            link.url,
            tuple(by_month[(year, month)]),
            settings.pagination_per_page,
        )

    neighbours = {}
    for articles in by_section.values():
        for i, article in enumerate(articles):
            neighbours[article.url] = Neighbours(
                newer=articles[i - 1] if i > 0 else None,
                older=articles[i + 1] if i + 1 < len(articles) else None,
            )

    return Listings(
        by_section={name: tuple(items) for name, items in by_section.items()},
        terms=terms,
        term_urls=term_urls,
        pages=tuple(pages),
        overviews=tuple(overviews),
        neighbours=neighbours,
        home_latest={name: tuple(items[: settings.home_latest]) for name, items in by_section.items()},
        home_featured=tuple(a for a in published if a.featured)[: settings.home_featured],
        months={year: tuple(links) for year, links in months.items()},
    )
