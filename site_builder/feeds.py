"""RSS 2.0 and Atom 1.0 feeds with feedgen, behind one function.

Every value is prepared before feedgen sees it (absolute URLs, zone-aware dates, text without
XML-illegal characters); feedgen only serialises. Its defaults are corrected where they would make
feeds wrong or non-deterministic (STYLE.md §4): entries are appended in order, the channel's own
link is added last, `updated`/`lastBuildDate` come from the newest entry, never the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from site_builder.text import strip_control_chars

GENERATOR = "site_builder"


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int
    mime_type: str


@dataclass(frozen=True)
class FeedEntry:
    url: str
    """Absolute permalink; also the entry's stable id/guid."""
    title: str
    published: datetime
    updated: datetime
    author: str = ""
    categories: tuple[str, ...] = ()
    summary_html: str = ""
    content_html: str = ""
    enclosure: Enclosure | None = None


@dataclass(frozen=True)
class FeedSpec:
    title: str
    description: str
    site_url: str
    """Absolute URL of the page the feed follows (site home or section list)."""
    rss_url: str
    atom_url: str
    language: str = "zh-CN"
    author: str = ""


def render_feeds(spec: FeedSpec, entries: list[FeedEntry]) -> tuple[bytes, bytes]:
    """(RSS 2.0, Atom 1.0) bytes for `entries`, which must be sorted newest first."""
    return _generator(spec, entries, atom=False).rss_str(pretty=True), \
        _generator(spec, entries, atom=True).atom_str(pretty=True)


def _clean(text: str) -> str:
    return strip_control_chars(text).strip()


def _generator(spec: FeedSpec, entries: list[FeedEntry], atom: bool) -> FeedGenerator:
    feed = FeedGenerator()
    feed.load_extension("dc")
    feed.id(spec.site_url)
    feed.title(_clean(spec.title))
    feed.description(_clean(spec.description) or _clean(spec.title))
    feed.subtitle(_clean(spec.description) or _clean(spec.title))
    feed.language(spec.language)
    feed.generator(GENERATOR)
    if atom:
        # Atom requires an author for entries that name none (RSS would need an email address).
        feed.author(name=_clean(spec.author or spec.title))
    # RSS keeps only the last link added: self first, the site last.
    feed.link(href=spec.atom_url if atom else spec.rss_url, rel="self")
    feed.link(href=spec.site_url, rel="alternate")
    newest = max((e.updated for e in entries), default=None)
    if newest is not None:
        feed.updated(newest)
        feed.lastBuildDate(newest)
        feed.pubDate(max(e.published for e in entries))
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(_clean(item.title))
        entry.link(href=item.url, rel="alternate")
        entry.published(item.published)
        entry.updated(item.updated)
        if item.author:
            entry.dc.dc_creator(_clean(item.author))
            if atom:
                entry.author(name=_clean(item.author))
        for category in item.categories:
            entry.category(term=_clean(category))
        summary = _clean(item.summary_html)
        if summary:
            entry.summary(summary, type="html") if atom else entry.description(summary)
        content = _clean(item.content_html)
        if content:
            # Escaped text, never CDATA: an article containing "]]>" would end a CDATA section.
            entry.content(content, type="html")
        if item.enclosure is not None:
            entry.enclosure(item.enclosure.url, str(item.enclosure.length), item.enclosure.mime_type)
    return feed


@dataclass(frozen=True)
class FeedPlan:
    """Which articles one pair of feeds (RSS + Atom) holds and where it is published."""

    folder: str
    """Site-relative folder: "" for the site, `news/` for a section, `units/<slug>/` for a unit."""
    title: str
    articles: tuple  # tuple[Article, ...], newest first

    @property
    def rss_path(self) -> str:
        return f"{self.folder}feed.xml"

    @property
    def atom_path(self) -> str:
        return f"{self.folder}atom.xml"


def plan_feeds(site) -> list[FeedPlan]:
    """The site feed, one per section, and (when configured) one per unit; newest first."""
    settings = site.settings
    limit = settings.feeds.limit
    plans = [FeedPlan("", settings.site_name, site.published[:limit])]
    for section in settings.sections:
        articles = site.listings.by_section.get(section.name, ())
        plans.append(FeedPlan(f"{section.name}/", f"{settings.site_name} · {section.title}", articles[:limit]))
    if settings.feeds.per_unit:
        for term in site.listings.terms.get("unit", ()):
            plans.append(FeedPlan(term.url, f"{settings.site_name} · {term.name}", term.articles[:limit]))
    return plans
