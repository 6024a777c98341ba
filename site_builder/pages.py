"""The page registry: every page of the site as one typed spec, produced by the core.

An engine adapter (MkDocs today) only looks a page up by its source name and hands the spec to
the engine: which Markdown to render, which template, the title as text, whether search and the
sitemap include it, and the template's data. Adding a page kind is a change here (and a
template), never in the adapter. Each spec also records its inputs (which articles, which
listings, which site-wide settings), so that an incremental build can tell which pages changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from site_builder.chronicle import Chronicle, build_chronicles
from site_builder.content.frontmatter import read_page_front_matter
from site_builder.content.model import Article
from site_builder.content.scan import HandWrittenPage
from site_builder.diagnostics import Diagnostics, display_path
from site_builder.feeds import FeedPlan, feed_directory
from site_builder.listings import TERM_KINDS, ListingPage, Overview
from site_builder.site import Site
from site_builder.stats.figures import load_unit_names
from site_builder.stats.page import StatsPage, plan_stats_pages

HOME_SRC_URI = "index.md"
SUBSCRIBE_SRC_URI = "subscribe/index.md"
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)

NO_DATA: Mapping[str, object] = MappingProxyType({})


@dataclass(frozen=True)
class PageInputs:
    """What a page is made from, beyond the theme and the page's own template."""

    articles: frozenset[str] = frozenset()
    """Source names (src_uri) of the articles whose data the page shows."""
    listings: frozenset[str] = frozenset()
    """URLs of the listings the page links to (their URLs and counts appear on it)."""
    settings: frozenset[str] = frozenset()
    """Names of the site-wide settings it uses (`sections`, `site_url`, `feeds`…)."""


@dataclass(frozen=True)
class PageSpec:
    """One output page, whatever made it: an article, a listing, the home page, a hand-written page."""

    kind: str
    """`article`, `section`, a term kind (`tag`, `unit`…), `month`, `chronicle`, `stats`, `overview`,
    `home`, `subscribe` or `page`."""
    src_uri: str
    """Source name of the page: its Markdown file under content/, or a virtual name for a generated page."""
    url: str
    """Site-relative URL, e.g. `news/2024/jing-lao/` (`` for the home page)."""
    title: str
    """The title as text; whoever prints it escapes it."""
    template: str | None
    """Template name, or None for the engine's default page template."""
    source: Path | None = None
    """The Markdown file the page comes from; None for a generated page."""
    markdown: str | None = None
    """Markdown to render as the page's content; None: the page's own file, as the engine read it."""
    in_search: bool = True
    in_sitemap: bool = True
    nav: str = "hidden"
    """`top`: first in the navigation, in registry order (home, sections); `engine`: where the
    engine puts it (hand-written pages); `hidden`: reachable by links only (articles, listings)."""
    parent: str | None = None
    """Source name of the page the navigation shows as this page's parent (an article's section)."""
    section: str | None = None
    """Section whose feeds the page announces."""
    updated: str = ""
    """ISO date for the sitemap's lastmod: the newest article the page shows."""
    article: Article | None = None
    """The article an article page shows (its share card, its photos)."""
    meta: Mapping[str, object] | None = None
    """What templates read as `page.meta` (an article's unknown keys and author); None: the engine's
    reading of the page's own front matter."""
    data: Mapping[str, object] = field(default_factory=lambda: NO_DATA)
    """Template variables of this page (the listing, the home page's sections…)."""
    inputs: PageInputs = field(default_factory=PageInputs)

    @property
    def dest_uri(self) -> str:
        """The output file, relative to the site folder."""
        return f"{self.url}index.html" if self.url.endswith("/") or not self.url else self.url


@dataclass(frozen=True)
class PageRegistry:
    """Every page of a build, by source name, in a stable order, and the other files it writes."""

    pages: tuple[PageSpec, ...] = ()
    by_src_uri: Mapping[str, PageSpec] = field(default_factory=lambda: MappingProxyType({}))
    section_folders: tuple[str, ...] = ()
    """Top-level folders of content/ whose files are published only through this registry."""
    files: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Other generated files by output path (robots.txt), as text."""

    def get(self, src_uri: str) -> PageSpec | None:
        return self.by_src_uri.get(src_uri)

    def __iter__(self) -> Iterator[PageSpec]:
        return iter(self.pages)


def build_registry(site: Site, feed_plans: list[FeedPlan], diagnostics: Diagnostics) -> PageRegistry:
    """All pages of the published site: articles, listings, overviews, home, subscribe, hand-written.

    A hand-written page whose name a generated page would take (content/tags/index.md) wins,
    with a warning.
    """
    settings = site.settings
    home = next((page for page in site.hand_written if page.src_uri == HOME_SRC_URI), None)
    hand_written = list(_hand_written_pages(site))
    taken = {page.src_uri for page in hand_written}
    chronicles = build_chronicles(site.published, settings)
    stats_pages = plan_stats_pages(site.published, settings, load_unit_names(settings)) if settings.stats_page else ()
    generated = [
        _home_page(site, home, chronicles),
        *_article_pages(site),
        *_listing_pages(site, chronicles, stats_pages),
        *_overview_pages(site),
        *_chronicle_pages(site, chronicles),
        *_stats_pages(site, stats_pages),
    ]
    if settings.site_url:
        generated.append(
            PageSpec(
                kind="subscribe",
                src_uri=SUBSCRIBE_SRC_URI,
                url="subscribe/",
                title="订阅本站",
                template="site_builder/subscribe.html",
                markdown="",
                in_search=False,
                data=MappingProxyType({"sb_all_feeds": feed_directory(site, feed_plans)}),
                inputs=PageInputs(
                    listings=frozenset(plan.folder for plan in feed_plans),
                    settings=frozenset({"site_url", "sections", "feeds"}),
                ),
            )
        )
    for page in generated:
        if page.src_uri in taken:
            diagnostics.warning(
                display_path(settings.content_dir / page.src_uri, settings.project_dir),
                0,
                "这个手写页面与自动生成的页面同名，已用手写页面",
            )
    pages = [page for page in generated if page.src_uri not in taken] + hand_written
    files = {"robots.txt": robots_txt(settings.site_url)} if settings.site_url else {}
    return PageRegistry(
        tuple(pages),
        MappingProxyType({page.src_uri: page for page in pages}),
        tuple(section.name for section in settings.sections),
        MappingProxyType(files),
    )


def robots_txt(site_url: str) -> str:
    """Everything may be crawled; the sitemap lists exactly the published pages."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"


def listing_src_uri(url: str) -> str:
    """Source name of a generated page at `url` (`tags/x/` → `tags/x/index.md`)."""
    return f"{url}index.md"


def _article_pages(site: Site) -> Iterable[PageSpec]:
    listings = site.listings
    section_titles = {section.name: section.title for section in site.settings.sections}
    for article in site.published:
        neighbours = listings.neighbours.get(article.url)
        shown = [article, *([neighbours.newer, neighbours.older] if neighbours else [])]
        meta = dict(article.extra)
        if article.author:
            meta["author"] = article.author
        yield PageSpec(
            kind="article",
            src_uri=article.source.src_uri,
            url=article.url,
            title=article.title,
            template="site_builder/article.html",
            source=article.source.path,
            markdown=article.body,
            parent=listing_src_uri(f"{article.section}/"),
            section=article.section,
            updated=article.date.date().isoformat(),
            article=article,
            meta=MappingProxyType(meta),
            data=MappingProxyType(
                {
                    "article": article,
                    "neighbours": neighbours,
                    "section_title": section_titles[article.section],
                    "section_url": f"{article.section}/",
                }
            ),
            inputs=PageInputs(
                articles=frozenset(a.source.src_uri for a in shown if a is not None),
                listings=frozenset(_term_urls_of(site, article)),
                settings=frozenset({"sections", "site_url"}),
            ),
        )


def _term_urls_of(site: Site, article: Article) -> list[str]:
    urls = site.listings.term_urls
    return [urls[(kind.key, name)] for kind in TERM_KINDS for name in kind.values(article) if (kind.key, name) in urls]


def _listing_pages(
    site: Site, chronicles: tuple[Chronicle, ...], stats_pages: tuple[StatsPage, ...]
) -> Iterable[PageSpec]:
    intros = site.section_intros
    records = {"chronicle_url": {c.year: c.url for c in chronicles}, "stats_url": {p.year: p.url for p in stats_pages}}
    for listing in site.listings.pages:
        is_section_front = listing.kind == "section" and listing.number == 1
        intro = intros.get(listing.key) if is_section_front else None
        extra, linked = _listing_extras(site, listing, records)
        yield PageSpec(
            kind=listing.kind,
            src_uri=listing_src_uri(listing.url),
            url=listing.url,
            title=listing.title if listing.number == 1 else f"{listing.title}（第 {listing.number} 页）",
            template="site_builder/listing.html",
            source=intro,
            markdown=None if intro else "",
            in_search=is_section_front,
            nav="top" if is_section_front else "hidden",
            section=listing.key if listing.kind == "section" else None,
            updated=_newest(listing.articles),
            data=MappingProxyType(
                {"listing": listing, "section_url": f"{listing.key}/" if listing.kind == "section" else "", **extra}
            ),
            inputs=PageInputs(
                articles=_sources(listing.articles),
                listings=_listing_neighbours(site, listing) | linked,
                settings=frozenset({"sections", "pagination_per_page"}),
            ),
        )


def _listing_extras(
    site: Site, listing: ListingPage, records: Mapping[str, Mapping[int, str]]
) -> tuple[dict[str, object], frozenset[str]]:
    """What a year, month or person page shows beyond its articles (issue #12), and the URLs it links to.

    A year (and each of its months) shows the year's months with their counts and links the year's
    大事记 and statistics page (a month also its year); a person's page is their 业绩记载 (oldest first,
    with counts per year) and links the units of its articles.
    """
    if listing.kind in ("year", "month"):
        year = listing.key.split("-")[0]
        months = site.listings.months.get(year, ())
        year_url = site.listings.term_urls.get(("year", year), "")
        chronicle, stats = records["chronicle_url"].get(int(year), ""), records["stats_url"].get(int(year), "")
        extra: dict[str, object] = {
            "year_months": months,
            "year_url": year_url,
            "chronicle_url": chronicle,
            "stats_url": stats,
        }
        return extra, frozenset([m.url for m in months] + [url for url in (year_url, chronicle, stats) if url])
    if listing.kind == "person":
        entries = tuple(reversed(listing.articles))
        per_year: dict[int, int] = {}
        for article in entries:
            per_year[article.year] = per_year.get(article.year, 0) + 1
        record: dict[str, object] = {"record": entries, "record_years": tuple(per_year.items())}
        return record, frozenset(_unit_urls(site, entries))
    return {}, frozenset()


def _unit_urls(site: Site, articles: Iterable[Article]) -> list[str]:
    urls = site.listings.term_urls
    return [urls[("unit", unit)] for article in articles for unit in article.units if ("unit", unit) in urls]


def _chronicle_pages(site: Site, chronicles: tuple[Chronicle, ...]) -> Iterable[PageSpec]:
    """The 大事记 of each year (`archive/YYYY/dashiji/`), printable on A4 (issue #12)."""
    for chronicle in chronicles:
        articles = chronicle.articles
        year_url = site.listings.term_urls.get(("year", str(chronicle.year)), "")
        yield PageSpec(
            kind="chronicle",
            src_uri=listing_src_uri(chronicle.url),
            url=chronicle.url,
            title=chronicle.title,
            template="site_builder/chronicle.html",
            markdown="",
            in_search=False,
            updated=max(a.date for a in articles).date().isoformat(),
            data=MappingProxyType(
                {"chronicle": chronicle, "year_url": year_url, "chronicle_years": _chronicle_links(chronicles)}
            ),
            inputs=PageInputs(
                articles=_sources(articles),
                listings=frozenset([year_url, *_unit_urls(site, articles)]),
                settings=frozenset({"chronicle_sections"}),
            ),
        )


def _chronicle_links(chronicles: tuple[Chronicle, ...]) -> tuple[tuple[str, str], ...]:
    """(title, URL) of every year's 大事记, newest first."""
    return tuple((c.title, c.url) for c in chronicles)


def _stats_pages(site: Site, stats_pages: tuple[StatsPage, ...]) -> Iterable[PageSpec]:
    """The 年度工作统计 of each year (`archive/YYYY/tongji/`), when the site opts in."""
    for stats_page in stats_pages:
        year_url = site.listings.term_urls.get(("year", str(stats_page.year)), "")
        figures = stats_page.statistics
        named = [("unit", row.name) for row in figures.units] + [("person", p.name) for p in figures.people]
        linked = [site.listings.term_urls[key] for key in named if key in site.listings.term_urls]
        yield PageSpec(
            kind="stats",
            src_uri=listing_src_uri(stats_page.url),
            url=stats_page.url,
            title=stats_page.title,
            template="site_builder/stats.html",
            markdown="",
            in_search=False,
            data=MappingProxyType({"stats_page": stats_page, "year_url": year_url}),
            inputs=PageInputs(
                listings=frozenset([year_url, *linked, *(f"{section.name}/" for section in site.settings.sections)]),
                settings=frozenset({"stats_page", "sections"}),
            ),
        )


def _listing_neighbours(site: Site, listing: ListingPage) -> frozenset[str]:
    pages = [url for url in (listing.previous_url, listing.next_url) if url]
    return frozenset(pages + [overview.url for overview in site.listings.overviews])


def _overview_pages(site: Site) -> Iterable[PageSpec]:
    for overview in site.listings.overviews:
        yield PageSpec(
            kind="overview",
            src_uri=listing_src_uri(overview.url),
            url=overview.url,
            title=overview.title,
            template="site_builder/overview.html",
            markdown="",
            in_search=False,
            updated=_newest(site.published),
            data=MappingProxyType({"overview": overview}),
            inputs=_overview_inputs(site, overview),
        )


def _overview_inputs(site: Site, overview: Overview) -> PageInputs:
    return PageInputs(
        listings=frozenset(term.url for term in overview.terms) | frozenset(o.url for o in site.listings.overviews),
        articles=frozenset(a.source.src_uri for term in overview.terms for a in term.articles),
    )


def _home_page(site: Site, home: HandWrittenPage | None, chronicles: tuple[Chronicle, ...]) -> PageSpec:
    """The home page: the author's content/index.md (its title and template win) or a generated one."""
    front = read_page_front_matter(home.text)[0] if home else {}
    source = home.path if home else None
    listings = site.listings
    shown = [*listings.home_featured, *(a for items in listings.home_latest.values() for a in items)]
    return PageSpec(
        kind="home",
        src_uri=HOME_SRC_URI,
        url="",
        title=str(front.get("title") or site.settings.site_name),
        template=str(front.get("template") or "site_builder/home.html"),
        source=source,
        markdown=None if source else "",
        nav="top",
        updated=_newest(site.published),
        data=MappingProxyType(
            {
                "home_sections": [
                    (section, listings.home_latest.get(section.name, ())) for section in site.settings.sections
                ],
                "home_featured": listings.home_featured,
                "term_overviews": [o for o in listings.overviews if o.terms],
                "home_chronicles": _chronicle_links(chronicles),
            }
        ),
        inputs=PageInputs(
            articles=_sources(shown),
            listings=frozenset(o.url for o in listings.overviews) | frozenset(c.url for c in chronicles),
            settings=frozenset({"sections", "home_latest", "home_featured", "site_name"}),
        ),
    )


def _hand_written_pages(site: Site) -> Iterable[PageSpec]:
    """Markdown pages outside the sections (about.md…), with the title their readers see."""
    for page in site.hand_written:
        if page.src_uri == HOME_SRC_URI:
            continue
        front, body = read_page_front_matter(page.text)
        yield PageSpec(
            kind="page",
            src_uri=page.src_uri,
            url=page.url,
            title=_page_title(front, body, page.path),
            template=str(front["template"]) if front.get("template") else None,
            source=page.path,
            nav="engine",
            meta=None,
            inputs=PageInputs(settings=frozenset({"site_name"})),
        )


def _page_title(front: Mapping[str, object], body: str, path: Path) -> str:
    """Front-matter title, else the first `# heading`, else the file name (as MkDocs does)."""
    if front.get("title"):
        return str(front["title"])
    heading = _HEADING.search(body)
    if heading:
        return heading.group(1)
    return path.stem.replace("-", " ").replace("_", " ").capitalize()


def _sources(articles: Iterable[Article]) -> frozenset[str]:
    return frozenset(a.source.src_uri for a in articles)


def _newest(articles: tuple[Article, ...] | list[Article]) -> str:
    """Sitemap lastmod of a listing: its newest article's date (deterministic, unlike the clock)."""
    return articles[0].date.date().isoformat() if articles else ""
