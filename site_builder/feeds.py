"""RSS 2.0 and Atom 1.0 feeds with feedgen, behind one function.

Every value is prepared before feedgen sees it (absolute URLs, zone-aware dates, text without
XML-illegal characters); feedgen only serialises. Its defaults are corrected where they would make
feeds wrong or non-deterministic (STYLE.md §4): entries are appended in order, the channel's own
link is added last, `updated`/`lastBuildDate` come from the newest entry, never the clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator

from site_builder.content.model import Article
from site_builder.images.collect import PageImages
from site_builder.images.process import output_path
from site_builder.text import html_for_feed, strip_control_chars

if TYPE_CHECKING:
    from site_builder.site import Site
    from site_builder.summaries import Summaries

log = logging.getLogger("mkdocs.plugins.site_builder")

GENERATOR = "site_builder"
ATOM_NS = "http://www.w3.org/2005/Atom"


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
    quiet_since: datetime | None = None
    """`updated` of a feed without entries (feedgen would write the clock): the site's newest date."""


def render_feeds(spec: FeedSpec, entries: list[FeedEntry]) -> tuple[bytes, bytes]:
    """(RSS 2.0, Atom 1.0) bytes for `entries`, which must be sorted newest first."""
    return _generator(spec, entries, atom=False).rss_str(pretty=True), _generator(spec, entries, atom=True).atom_str(
        pretty=True
    )


def _clean(text: str) -> str:
    return strip_control_chars(text).strip()


class _AtomLinkAttributes(BaseEntryExtension):  # type: ignore[misc]
    """Puts back the `rel`, `type` and `length` of each `<link>` of an Atom entry.

    feedgen 1.0.0 drops them (python-feedgen issue #135: `FeedEntry.atom_entry` reads them from the
    `<link>` element it has just created instead of from the link's data), so a photo enclosure
    came out as a second `rel`-less link, that is a second alternate: "duplicate alternate links"
    in the W3C validator, and readers opened the JPEG as the article. The only workaround in the
    code base; harmless once feedgen writes them itself.
    """

    def __init__(self) -> None:
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry: Any) -> Any:
        elements = [child for child in entry if child.tag in ("link", f"{{{ATOM_NS}}}link")]
        for element, data in zip(elements, self.links, strict=True):
            for name in ("rel", "type", "length"):
                if data.get(name):
                    element.set(name, str(data[name]))
        return entry


def _generator(spec: FeedSpec, entries: list[FeedEntry], atom: bool) -> FeedGenerator:
    feed = FeedGenerator()
    feed.load_extension("dc")
    if atom:
        feed.register_extension("sb_links", BaseExtension, _AtomLinkAttributes, atom=True, rss=False)
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
    newest = max((e.updated for e in entries), default=spec.quiet_since)
    if newest is not None:
        feed.updated(newest)
        feed.lastBuildDate(newest)
    if entries:
        feed.pubDate(max(e.published for e in entries))
    for item in entries:
        entry = feed.add_entry(order="append")
        entry.id(item.url)
        entry.guid(item.url, permalink=True)
        entry.title(_clean(item.title))
        # The article first: readers take the first alternate link as the entry's address.
        entry.link(href=item.url, rel="alternate", type="text/html")
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
        if atom:
            entry.sb_links.links = entry.link()
    return feed


@dataclass(frozen=True)
class FeedPlan:
    """Which articles one pair of feeds (RSS + Atom) holds and where it is published."""

    folder: str
    """Site-relative folder: "" for the site, `news/` for a section, `units/<slug>/` for a unit."""
    title: str
    articles: tuple[Article, ...]
    """Newest first."""

    @property
    def rss_path(self) -> str:
        return f"{self.folder}feed.xml"

    @property
    def atom_path(self) -> str:
        return f"{self.folder}atom.xml"


def plan_feeds(site: Site) -> list[FeedPlan]:
    """The site feed, one per section, and (when configured) one per unit; newest first."""
    settings = site.settings
    if not settings.site_url:
        return []  # feeds need absolute addresses
    limit = settings.feeds.limit
    plans = [FeedPlan("", settings.site_name, site.published[:limit])]
    for section in settings.sections:
        articles = site.listings.by_section.get(section.name, ())
        plans.append(FeedPlan(f"{section.name}/", f"{settings.site_name} · {section.title}", articles[:limit]))
    if settings.feeds.units:
        for term in site.listings.terms.get("unit", ()):
            plans.append(FeedPlan(term.url, f"{settings.site_name} · {term.name}", term.articles[:limit]))
    return plans


def feed_links(site: Site, section: str | None) -> list[dict[str, str]]:
    """Autodiscovery links for a page: the site's feeds and, on a section's pages, the section's."""
    if not site.settings.site_url:
        return []
    links = [{"title": site.settings.site_name, "rss": "feed.xml", "atom": "atom.xml"}]
    match = site.settings.section(section) if section else None
    if match is not None:
        links.append(
            {
                "title": f"{site.settings.site_name} · {match.title}",
                "rss": f"{match.name}/feed.xml",
                "atom": f"{match.name}/atom.xml",
            }
        )
    return links


def feed_directory(site: Site, plans: list[FeedPlan]) -> list[dict[str, str]]:
    """Every feed of the site with its label and absolute addresses, for the 订阅 page."""
    base = site.settings.site_url
    labels = {"": "全部文章"} | {f"{s.name}/": s.title for s in site.settings.sections}
    for term in site.listings.terms.get("unit", ()):
        labels.setdefault(term.url, term.name)
    return [
        {"label": labels.get(plan.folder, plan.title), "rss": base + plan.rss_path, "atom": base + plan.atom_path}
        for plan in plans
    ]


class FeedWriter:
    """Writes the planned feeds after the build: entries from the model, article HTML as rendered.

    Runs when every article page has been rendered and every photo processed, so that full-text
    entries use each article's HTML (rendered once, for its own page, and made absolute here) and
    enclosure lengths are the real sizes of the published files.
    """

    def __init__(
        self, site: Site, plans: list[FeedPlan], images: dict[str, PageImages], image_cache: Path, summaries: Summaries
    ) -> None:
        self.site = site
        self.plans = plans
        self.images = images
        self.image_cache = image_cache
        self.summaries = summaries
        self.html: dict[str, str] = {}
        """Article URL → its rendered HTML, kept only for articles that are in some feed."""
        self.wanted = {a.url for plan in plans for a in plan.articles}

    def keep_html(self, article: Article, html: str) -> None:
        """Remember an article's HTML if some feed carries it in full."""
        if article.url in self.wanted and self.site.settings.feeds.full_content:
            self.html[article.url] = html

    def write(self, site_dir: Path) -> None:
        """Write every planned feed pair; a path written twice is a bug, not a silent overwrite."""
        base = self.site.settings.site_url
        written: set[str] = set()
        for plan in self.plans:
            spec = FeedSpec(
                title=plan.title,
                description=self.site.settings.site_description or plan.title,
                site_url=base + plan.folder,
                rss_url=base + plan.rss_path,
                atom_url=base + plan.atom_path,
                author=self.site.settings.site_name,
                quiet_since=self.site.published[0].date if self.site.published else None,
            )
            rss, atom = render_feeds(spec, [self._entry(article) for article in plan.articles])
            for path, data in ((plan.rss_path, rss), (plan.atom_path, atom)):
                if path in written:
                    raise RuntimeError(f"feed {path} would be written twice")
                written.add(path)
                target = site_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        if self.plans:
            log.info(f"订阅：写出 {len(written)} 个文件（RSS 与 Atom）")

    def _entry(self, article: Article) -> FeedEntry:
        page_url = self.site.settings.site_url + article.url
        return FeedEntry(
            url=page_url,
            title=article.title,
            published=article.date,
            updated=article.date,
            author=article.author,
            categories=tuple(dict.fromkeys(([article.category] if article.category else []) + list(article.tags))),
            summary_html=self.summaries.html(article),
            content_html=html_for_feed(self.html.get(article.url, ""), page_url),
            enclosure=self._enclosure(article),
        )

    def _enclosure(self, article: Article) -> Enclosure | None:
        images = self.images.get(article.source.src_uri)
        if images is None or images.cover is None:
            return None
        variant = images.cover.plan.fallback_for(960)
        size = output_path(self.image_cache, variant).stat().st_size
        return Enclosure(self.site.settings.site_url + images.owner.dest_dir + variant.name, size, variant.mime_type)
