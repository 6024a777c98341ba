"""The figures of the annual 考核 (issue #12): per unit and month, per section, per person.

Pure functions of the published articles: withheld ones (drafts, future, unreviewed) never reach
them. An article with several units counts once for each unit, and once in every total; a unit
written in one of the glossary's wrong forms counts as its canonical name.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote

from site_builder.content.model import Article
from site_builder.content.paths import is_external
from site_builder.diagnostics import Diagnostics, display_path
from site_builder.images.collect import INLINE_IMAGE
from site_builder.proofread.glossary import GLOSSARY_NAME, load_glossary
from site_builder.settings import SiteSettings
from site_builder.text import prose_only

REPORTS_SECTION = "reports"
"""The section of 活动报道 (CONTRACT): its articles are the activities held."""
NO_UNIT = "（未注明单位）"
"""Where the articles without a `unit` are counted, so that the unit rows add up to the total."""


@dataclass(frozen=True)
class Figures:
    """What is counted for a unit, a month or a year."""

    articles: int = 0
    """Published articles (篇数)."""
    reports: int = 0
    """Of which 活动报道 (the `reports` section)."""
    photos: int = 0
    """Photos the articles show: cover, gallery and photos in the text, each file once per article."""
    participants: int = 0
    """Sum of `participants` (参与人数, 人次)."""

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.articles + other.articles,
            self.reports + other.reports,
            self.photos + other.photos,
            self.participants + other.participants,
        )


@dataclass(frozen=True)
class UnitMonth:
    """One row of the CSV: a unit's figures in one month."""

    unit: str
    month: str
    """`YYYY-MM`."""
    figures: Figures


@dataclass(frozen=True)
class Row:
    """Figures under a name: a unit's or a month's over the period."""

    name: str
    figures: Figures


@dataclass(frozen=True)
class SectionCount:
    section: str
    title: str
    articles: int


@dataclass(frozen=True)
class PersonCount:
    """A person (人物) and the published articles that name them."""

    name: str
    articles: int
    latest: str
    """Title of the newest article naming them."""


@dataclass(frozen=True)
class Statistics:
    """The figures of a period (a year, or everything), optionally for one unit."""

    year: int | None
    unit: str | None
    total: Figures
    """Each article once, whatever its number of units."""
    unit_months: tuple[UnitMonth, ...]
    """By unit (most articles first, then by name), then by month."""
    units: tuple[Row, ...]
    """Each unit over the period, most articles first."""
    months: tuple[Row, ...]
    """Each month of the period with articles, January first; an article counts once."""
    sections: tuple[SectionCount, ...]
    """Every declared section, in the configuration's order."""
    people: tuple[PersonCount, ...]
    """Most articles first, then by name."""
    articles: tuple[Article, ...] = field(default=(), compare=False, repr=False)
    """The articles counted, oldest first (for the 年度总结; not part of the figures)."""


def load_unit_names(settings: SiteSettings) -> dict[str, str]:
    """Wrong form → canonical unit name, from the site's glossary (`content/glossary.yml`).

    A broken glossary gives what could be read of it: `check` reports its problems.
    """
    path = settings.content_dir / GLOSSARY_NAME
    glossary = load_glossary(path, display_path(path, settings.project_dir), Diagnostics())
    return glossary.wrong_forms("units")


def units_of(article: Article, unit_names: Mapping[str, str]) -> tuple[str, ...]:
    """The article's units with wrong forms folded into their canonical names, each once."""
    return tuple(dict.fromkeys(unit_names.get(unit, unit) for unit in article.units))


def count_photos(article: Article) -> int:
    """Photos the article shows: its cover, its gallery and the photos in its text, each file once."""
    sources = [ref.src for ref in (article.cover, *article.photos) if ref is not None]
    for match in INLINE_IMAGE.finditer(prose_only(article.body)):
        sources.append(match.group("angled") or match.group("plain"))
    return len({posixpath.normpath(unquote(src.strip())) for src in sources if src.strip() and not is_external(src)})


def figures_of(article: Article) -> Figures:
    return Figures(
        articles=1,
        reports=int(article.section == REPORTS_SECTION),
        photos=count_photos(article),
        participants=article.participants or 0,
    )


def select_articles(
    published: Iterable[Article],
    unit_names: Mapping[str, str],
    year: int | None = None,
    unit: str | None = None,
) -> tuple[Article, ...]:
    """The published articles of `year` (all years when None) and `unit` (canonical name), oldest first."""
    chosen = [
        article
        for article in published
        if (year is None or article.year == year) and (unit is None or unit in units_of(article, unit_names))
    ]
    return tuple(sorted(chosen, key=lambda a: (a.date.timestamp(), a.source.src_uri)))


def compute_statistics(
    published: Iterable[Article],
    settings: SiteSettings,
    unit_names: Mapping[str, str],
    year: int | None = None,
    unit: str | None = None,
) -> Statistics:
    """The figures of the published articles of `year` and `unit` (None: all)."""
    articles = select_articles(published, unit_names, year, unit)
    total = Figures()
    by_unit_month: dict[tuple[str, str], Figures] = defaultdict(Figures)
    by_unit: dict[str, Figures] = defaultdict(Figures)
    by_month: dict[str, Figures] = defaultdict(Figures)
    by_section: dict[str, int] = defaultdict(int)
    by_person: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        figures = figures_of(article)
        month = f"{article.date:%Y-%m}"
        total += figures
        by_month[month] += figures
        by_section[article.section] += 1
        units = units_of(article, unit_names) or (NO_UNIT,)
        for name in units:
            if unit is None or name == unit:
                by_unit_month[(name, month)] += figures
                by_unit[name] += figures
        for person in article.people:
            by_person[person].append(article)
    unit_order = sorted(by_unit, key=lambda name: (-by_unit[name].articles, name == NO_UNIT, name))
    rank = {name: index for index, name in enumerate(unit_order)}
    return Statistics(
        year=year,
        unit=unit,
        total=total,
        unit_months=tuple(
            UnitMonth(name, month, figures)
            for (name, month), figures in sorted(by_unit_month.items(), key=lambda item: (rank[item[0][0]], item[0][1]))
        ),
        units=tuple(Row(name, by_unit[name]) for name in unit_order),
        months=tuple(Row(month, by_month[month]) for month in sorted(by_month)),
        sections=tuple(SectionCount(s.name, s.title, by_section.get(s.name, 0)) for s in settings.sections),
        people=tuple(
            PersonCount(name, len(items), items[-1].title)
            for name, items in sorted(by_person.items(), key=lambda item: (-len(item[1]), item[0]))
        ),
        articles=articles,
    )


def known_units(published: Iterable[Article], unit_names: Mapping[str, str]) -> list[str]:
    """Every canonical unit name the published articles use, sorted."""
    return sorted({name for article in published for name in units_of(article, unit_names)})
