"""What the templates receive: the article, listing or home data for the page being rendered.

Our templates are autoescaped, so titles and every other front-matter value show as text; only
HTML we produced ourselves (rendered Markdown, picture markup) is marked safe.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from site_builder.content.model import Article
from site_builder.images.collect import PageImages, PhotoUse
from site_builder.images.html import CARD_SIZES, THUMBNAIL_SIZES, gallery_element, picture_element, to_html
from site_builder.listings import TERM_KINDS, ListingPage, Overview
from site_builder.site import Site

def zh_date(value: datetime) -> str:
    """`2024年5月1日`: how dates are written on Chinese government sites."""
    return f"{value.year}年{value.month}月{value.day}日"


class TemplateData:
    """Per-build data shared by all pages: term URLs, rendered summaries, section titles."""

    def __init__(self, site: Site, images: dict[str, PageImages], url_resolver) -> None:
        self.site = site
        self.images = images
        self._url_resolver = url_resolver
        self.summaries: dict[str, str] = {}
        """Article URL → summary HTML, filled as MkDocs renders each article (once)."""
        self.section_titles = {s.name: s.title for s in site.settings.sections}
        self.feed_plans = []

    def term_url(self, kind: str, name: str) -> str:
        return self.site.listings.term_urls.get((kind, name), "")

    def summary(self, article: Article) -> Markup:
        return Markup(self.summaries.get(article.url, ""))

    def _images(self, article: Article) -> PageImages | None:
        return self.images.get(article.source.src_uri)

    def lead_photo(self, article: Article) -> PhotoUse | None:
        """The cover, else the first gallery photo: what represents the article in listings."""
        images = self._images(article)
        if images is None:
            return None
        return images.cover or (images.gallery[0] if images.gallery else None)

    def cover(self, article: Article, page_url: str) -> Markup:
        """The cover above the article text: eager, high priority (it is above the fold)."""
        images = self._images(article)
        if images is None or images.cover is None:
            return Markup("")
        use = images.cover
        element = picture_element(use.plan, self._url_resolver(images, page_url), use.ref.alt or article.title,
                                  "(min-width: 61em) 44rem, 100vw", lazy=False)
        return Markup(to_html(element))

    def thumbnail(self, article: Article, page_url: str, large: bool = False) -> Markup:
        """Small lazy picture for listings (the 480 px variant) or a card on the home page."""
        use = self.lead_photo(article)
        if use is None:
            return Markup("")
        images = self._images(article)
        element = picture_element(use.plan, self._url_resolver(images, page_url), "",
                                  CARD_SIZES if large else THUMBNAIL_SIZES, fallback_width=480)
        return Markup(to_html(element))

    def gallery(self, article: Article, page_url: str) -> Markup:
        """The `photos:` of the article as a captioned grid that opens in the lightbox."""
        images = self._images(article)
        if images is None or not images.gallery:
            return Markup("")
        items = [(use.plan, use.ref.caption, use.ref.alt) for use in images.gallery]
        element = gallery_element(items, self._url_resolver(images, page_url), "gallery")
        return Markup(to_html(element))

    def article_context(self, article: Article) -> dict:
        return {
            "article": article,
            "neighbours": self.site.listings.neighbours.get(article.url),
            "section_title": self.section_titles[article.section],
            "section_url": f"{article.section}/",
        }

    def listing_context(self, listing: ListingPage) -> dict:
        return {"listing": listing, "section_url": f"{listing.key}/" if listing.kind == "section" else ""}

    def overview_context(self, overview: Overview) -> dict:
        return {"overview": overview}

    def home_context(self) -> dict:
        listings = self.site.listings
        return {
            "home_sections": [
                (section, listings.home_latest.get(section.name, ())) for section in self.site.settings.sections
            ],
            "home_featured": listings.home_featured,
            "term_overviews": [o for o in listings.overviews if o.terms],
        }

    def share_card(self, article: Article | None, title: str, description: str, page_url: str) -> dict:
        """Open Graph values; for an article, its cover (JPEG fallback, 960 px) is the image."""
        site_url = self.site.settings.site_url
        card = {"title": title, "description": description, "type": "website",
                "url": site_url + page_url if site_url else "", "image": None, "published": ""}
        if article is not None:
            card.update(type="article", published=article.date.isoformat())
            images = self._images(article)
            if site_url and images is not None and images.cover is not None:
                variant = images.cover.plan.fallback_for(960)
                card["image"] = {"url": site_url + images.owner.dest_dir + variant.name,
                                 "width": variant.width, "height": variant.height}
        return card

    def all_feeds(self) -> list[dict]:
        """Every feed of the site with absolute addresses, for the 订阅 page."""
        base = self.site.settings.site_url
        labels = {"": "全部文章"} | {f"{s.name}/": s.title for s in self.site.settings.sections}
        for term in self.site.listings.terms.get("unit", ()):
            labels.setdefault(term.url, term.name)
        return [{"label": labels.get(plan.folder, plan.title), "rss": base + plan.rss_path, "atom": base + plan.atom_path}
                for plan in self.feed_plans]

    def common_context(self) -> dict:
        return {
            "sb": self,
            "term_kinds": TERM_KINDS,
        }
