"""Write the feeds after the build: entries from the model, HTML as rendered (once) by MkDocs.

Runs in `on_post_build`, when every article page has been rendered and every photo processed, so
enclosure lengths are the real sizes of the published files.
"""

from __future__ import annotations

import logging
from pathlib import Path

from site_builder.content.model import Article
from site_builder.feeds import Enclosure, FeedEntry, FeedPlan, FeedSpec, plan_feeds, render_feeds
from site_builder.images.collect import PageImages
from site_builder.images.process import output_path
from site_builder.site import Site
from site_builder.text import html_for_feed

log = logging.getLogger("mkdocs.plugins.site_builder")


class FeedStage:
    def __init__(self, site: Site, images: dict[str, PageImages], image_cache: Path) -> None:
        self.site = site
        self.images = images
        self.image_cache = image_cache
        self.plans: list[FeedPlan] = plan_feeds(site) if site.settings.site_url else []
        self.html: dict[str, str] = {}
        """Article URL → rendered HTML, kept only for articles that are in some feed."""
        self.wanted = {a.url for plan in self.plans for a in plan.articles}

    def keep_html(self, article: Article, html: str) -> None:
        if article.url in self.wanted:
            self.html[article.url] = html

    def write(self, site_dir: Path, summaries: dict[str, str]) -> None:
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
            )
            entries = [self._entry(article, summaries.get(article.url, "")) for article in plan.articles]
            rss, atom = render_feeds(spec, entries)
            for path, data in ((plan.rss_path, rss), (plan.atom_path, atom)):
                if path in written:
                    raise RuntimeError(f"feed {path} would be written twice")
                written.add(path)
                target = site_dir / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        if self.plans:
            log.info(f"订阅：写出 {len(written)} 个文件（RSS 与 Atom）")

    def _entry(self, article: Article, summary: str) -> FeedEntry:
        page_url = self.site.settings.site_url + article.url
        content = self.html.get(article.url, "") if self.site.settings.feeds.full_content else ""
        return FeedEntry(
            url=page_url,
            title=article.title,
            published=article.date,
            updated=article.date,
            author=article.author,
            categories=tuple(dict.fromkeys(([article.category] if article.category else []) + list(article.tags))),
            summary_html=html_for_feed(summary, page_url),
            content_html=html_for_feed(content, page_url),
            enclosure=self._enclosure(article),
        )

    def _enclosure(self, article: Article) -> Enclosure | None:
        images = self.images.get(article.source.src_uri)
        if images is None or images.cover is None:
            return None
        variant = images.cover.plan.fallback_for(960)
        size = output_path(self.image_cache, variant).stat().st_size
        return Enclosure(self.site.settings.site_url + images.owner.dest_dir + variant.name, size, variant.mime_type)


def feed_links(site: Site, section: str | None) -> list[dict]:
    """Autodiscovery links for a page: the site's feeds and, on a section's pages, the section's."""
    if not site.settings.site_url:
        return []
    links = [{"title": site.settings.site_name, "rss": "feed.xml", "atom": "atom.xml"}]
    match = site.settings.section(section) if section else None
    if match is not None:
        links.append({"title": f"{site.settings.site_name} · {match.title}",
                      "rss": f"{match.name}/feed.xml", "atom": f"{match.name}/atom.xml"})
    return links
