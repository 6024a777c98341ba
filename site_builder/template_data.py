"""What the templates receive for a page: its spec's data plus what every page shares.

Our templates are autoescaped, so titles and every other front-matter value show as text; only
HTML we produced ourselves (rendered Markdown, picture markup) is marked safe.
"""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup

from site_builder.content.model import Article
from site_builder.feeds import feed_links
from site_builder.images.collect import PageImages, PhotoUse
from site_builder.images.html import (
    BODY_SIZES,
    CARD_SIZES,
    THUMBNAIL_SIZES,
    UrlOf,
    gallery_element,
    picture_element,
    to_html,
)
from site_builder.listings import TERM_KINDS
from site_builder.pages import PageSpec
from site_builder.site import Site
from site_builder.summaries import Summaries
from site_builder.text import truncate
from site_builder.urls import relative_url

DESCRIPTION_LENGTH = 120


def zh_date(value: datetime) -> str:
    """`2024年5月1日`: how dates are written on Chinese government sites."""
    return f"{value.year}年{value.month}月{value.day}日"


class TemplateData:
    """Per-build data shared by all pages: term URLs, teasers, photos, share cards, feeds."""

    def __init__(self, site: Site, images: dict[str, PageImages], summaries: Summaries) -> None:
        self.site = site
        self.images = images
        self.summaries = summaries
        self.section_titles = {s.name: s.title for s in site.settings.sections}

    def context(self, spec: PageSpec) -> dict[str, object]:
        """Every template variable of the page `spec`: shared helpers, its own data, feeds, share card."""
        return {
            "sb": self,
            "term_kinds": TERM_KINDS,
            **spec.data,
            "sb_feed_links": feed_links(self.site, spec.section),
            "sb_lightbox": self.has_photos(spec.src_uri),
            "sb_share": self.share_card(spec),
        }

    def description(self, spec: PageSpec) -> str:
        """The page's description as text: an article's teaser, the page's own, else the site's."""
        if spec.article is not None:
            text = self.summaries.text(spec.article)
            if text:
                return truncate(text, DESCRIPTION_LENGTH)
        own = spec.meta.get("description") if spec.meta is not None else None
        return str(own or self.site.settings.site_description)

    def term_url(self, kind: str, name: str) -> str:
        return self.site.listings.term_urls.get((kind, name), "")

    def summary(self, article: Article) -> Markup:
        return Markup(self.summaries.html(article))

    def has_photos(self, src_uri: str) -> bool:
        images = self.images.get(src_uri)
        return images is not None and bool(images.uses())

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
        element = picture_element(
            use.plan, variant_urls(images, page_url), use.ref.alt or article.title, BODY_SIZES, lazy=False
        )
        return Markup(to_html(element))

    def thumbnail(self, article: Article, page_url: str, large: bool = False) -> Markup:
        """Small lazy picture for listings (the 480 px variant) or a card on the home page."""
        use = self.lead_photo(article)
        images = self._images(article)
        if use is None or images is None:
            return Markup("")
        element = picture_element(
            use.plan, variant_urls(images, page_url), "", CARD_SIZES if large else THUMBNAIL_SIZES, fallback_width=480
        )
        return Markup(to_html(element))

    def gallery(self, article: Article, page_url: str) -> Markup:
        """The `photos:` of the article as a captioned grid that opens in the lightbox."""
        images = self._images(article)
        if images is None or not images.gallery:
            return Markup("")
        items = [(use.plan, use.ref.caption, use.ref.alt) for use in images.gallery]
        element = gallery_element(items, variant_urls(images, page_url), "gallery")
        return Markup(to_html(element))

    def share_card(self, spec: PageSpec) -> dict[str, object]:
        """Open Graph values; for an article, its cover (JPEG fallback, 960 px) is the image."""
        site_url = self.site.settings.site_url
        card: dict[str, object] = {
            "title": spec.title,
            "description": self.description(spec),
            "type": "website",
            "url": site_url + spec.url if site_url else "",
            "image": None,
            "published": "",
        }
        article = spec.article
        if article is not None:
            card.update(type="article", published=article.date.isoformat())
            images = self._images(article)
            if site_url and images is not None and images.cover is not None:
                variant = images.cover.plan.fallback_for(960)
                card["image"] = {
                    "url": site_url + images.owner.dest_dir + variant.name,
                    "width": variant.width,
                    "height": variant.height,
                }
        return card


def variant_urls(images: PageImages, page_url: str) -> UrlOf:
    """Photo variant → its URL relative to the page at `page_url` (variants sit beside their page)."""
    return lambda variant: relative_url(images.owner.dest_dir + variant.name, page_url)
