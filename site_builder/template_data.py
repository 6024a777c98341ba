"""What the templates receive for a page: its spec's data plus what every page shares.

Our templates are autoescaped, so titles and every other front-matter value show as text; only
HTML we produced ourselves (rendered Markdown, picture markup) is marked safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
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
from site_builder.listings import TERM_KINDS, ListingPage, Overview
from site_builder.pages import PageSpec
from site_builder.site import Site
from site_builder.summaries import Summaries
from site_builder.text import plain_text, truncate
from site_builder.urls import relative_url

DESCRIPTION_LENGTH = 120
SHARE_IMAGE = "assets/site_builder/share.png"
"""The share card of pages without a photo of their own (a theme may put its own PNG there)."""
PUBLISHER_LOGO = "assets/site_builder/logo.png"
"""The publisher's logo in articles' NewsArticle data (a theme may put its own PNG there)."""
OG_LOCALE = "zh_CN"
SALUTATION_ENDS = ("：", ":")


@dataclass(frozen=True)
class ThemeImage:
    """An image the theme serves (share card, logo) with its size, read when the build starts."""

    path: str
    """Site-relative path, e.g. `assets/site_builder/share.png`."""
    width: int
    height: int


def zh_date(value: datetime) -> str:
    """`2024年5月1日`: how dates are written on Chinese government sites."""
    return f"{value.year}年{value.month}月{value.day}日"


def short_date(value: datetime) -> str:
    """`2024-05-01`: a date with its year in the space of a short one (home page headlines)."""
    return value.strftime("%Y-%m-%d")


def json_for_script(data: object) -> Markup:
    """`data` as JSON that is safe inside `<script>`: `<`, `>` and `&` escaped, so no text of
    an author's can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class TemplateData:
    """Per-build data shared by all pages: term URLs, teasers, photos, share cards, feeds."""

    def __init__(
        self,
        site: Site,
        images: dict[str, PageImages],
        summaries: Summaries,
        theme_images: dict[str, ThemeImage] | None = None,
    ) -> None:
        self.site = site
        self.images = images
        self.summaries = summaries
        self.section_titles = {s.name: s.title for s in site.settings.sections}
        self.theme_images = theme_images or {}
        """`SHARE_IMAGE` and `PUBLISHER_LOGO` as the theme serves them (absent: none is shown)."""
        self._descriptions: dict[str, str] = {}

    def context(self, spec: PageSpec) -> dict[str, object]:
        """Every template variable of the page `spec`: shared helpers, its own data, feeds, share card."""
        return {
            "sb": self,
            "term_kinds": TERM_KINDS,
            **spec.data,
            "sb_feed_links": feed_links(self.site, spec.section),
            "sb_lightbox": self.has_photos(spec.src_uri),
            "sb_share": self.share_card(spec),
            "sb_json_ld": self.json_ld(spec),
            "sb_wechat": spec.article is not None,
        }

    def description(self, spec: PageSpec, html: str = "") -> str:
        """The page's description as text, its own on every page (issue #13): an article's teaser,
        the page's `description`, what a list page lists, else the start of the page's text.

        Computed once per page: the first call (with the rendered `html`) decides.
        """
        known = self._descriptions.get(spec.src_uri)
        if known is None:
            known = self._descriptions[spec.src_uri] = truncate(self._describe(spec, html), DESCRIPTION_LENGTH)
        return known

    def _describe(self, spec: PageSpec, html: str) -> str:
        settings = self.site.settings
        if spec.article is not None:
            text = self.summaries.text(spec.article)
            if text and not text.endswith(SALUTATION_ENDS):
                return text
            # A notice opens with its addressees (各街道关工委：): the text after them says what it is.
            body = plain_text(html)
            rest = body[len(text) :].strip() if text and body.startswith(text) else body
            if rest or text:
                return rest or text
        own = spec.meta.get("description") if spec.meta is not None else None
        if own:
            return str(own)
        if spec.kind == "home":
            return settings.site_description or settings.site_name
        listing = spec.data.get("listing")
        if isinstance(listing, ListingPage):
            return self._describe_listing(spec, listing)
        overview = spec.data.get("overview")
        if isinstance(overview, Overview):
            names = "、".join(term.name for term in overview.terms[:8])
            counted = f"{settings.site_name}的{overview.title}，共 {len(overview.terms)} 个"
            return f"{counted}：{names}" if names else counted
        if spec.kind == "subscribe":
            return f"用阅读器（RSS、Atom）订阅{settings.site_name}的文章：全站、各栏目的订阅地址。"
        text = plain_text(html)
        if text:
            return text
        return f"{settings.site_name}：{spec.title}"

    def _describe_listing(self, spec: PageSpec, listing: ListingPage) -> str:
        settings = self.site.settings
        section = settings.section(listing.key) if listing.kind == "section" else None
        what = f"{settings.site_name}“{listing.title}”栏目" if section else f"{settings.site_name} · {listing.title}"
        page = f"，第 {listing.number}/{listing.page_count} 页" if listing.page_count > 1 else ""
        intro = f"{section.description}。" if section and section.description else ""
        titles = "；".join(article.title for article in listing.articles[:3])
        return f"{what}，共 {listing.total} 篇文章{page}。{intro}" + (f"本页有：{titles}" if titles else "")

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

    def thumbnail(self, article: Article, page_url: str, large: bool = False, eager: bool = False) -> Markup:
        """Small lazy picture for listings (the 480 px variant) or a card on the home page; `eager`
        for the first card of the home page, its largest picture above the fold (the LCP image)."""
        use = self.lead_photo(article)
        images = self._images(article)
        if use is None or images is None:
            return Markup("")
        element = picture_element(
            use.plan,
            variant_urls(images, page_url),
            "",
            CARD_SIZES if large else THUMBNAIL_SIZES,
            lazy=not eager,
            fallback_width=480,
        )
        return Markup(to_html(element))

    def gallery(self, article: Article, page_url: str) -> Markup:
        """The `photos:` of the article as a captioned grid that opens in the lightbox."""
        images = self._images(article)
        if images is None or not images.gallery:
            return Markup("")
        # Each photo is the only content of its lightbox link, so it needs a name (axe: link-name).
        items = [
            (use.plan, use.ref.caption, use.ref.alt or use.ref.caption or f"{article.title}（第 {number} 张照片）")
            for number, use in enumerate(images.gallery, start=1)
        ]
        element = gallery_element(items, variant_urls(images, page_url), "gallery")
        return Markup(to_html(element))

    def share_card(self, spec: PageSpec) -> dict[str, object]:
        """Open Graph values of every page; the image is the article's lead photo (JPEG, 960 px),
        else the theme's share image, so that every shared link shows a picture."""
        site_url = self.site.settings.site_url
        card: dict[str, object] = {
            "title": spec.title,
            "description": self.description(spec),
            "type": "website",
            "url": site_url + spec.url if site_url else "",
            "image": self._share_image(spec),
            "published": "",
            "locale": OG_LOCALE,
        }
        if spec.article is not None:
            card.update(type="article", published=spec.article.date.isoformat())
        return card

    def _share_image(self, spec: PageSpec) -> dict[str, object] | None:
        site_url = self.site.settings.site_url
        if not site_url:
            return None
        article = spec.article
        use = self.lead_photo(article) if article is not None else None
        images = self._images(article) if article is not None else None
        if use is not None and images is not None:
            variant = use.plan.fallback_for(960)
            alt = use.ref.alt or use.ref.caption or (article.title if article else "")
            return {
                "url": site_url + images.owner.dest_dir + variant.name,
                "width": variant.width,
                "height": variant.height,
                "alt": alt,
            }
        default = self.theme_images.get(SHARE_IMAGE)
        if default is None:
            return None
        name = self.site.settings.site_name
        return {"url": site_url + default.path, "width": default.width, "height": default.height, "alt": name}

    def json_ld(self, spec: PageSpec) -> Markup:
        """schema.org `NewsArticle` of an article page as JSON for a `<script>` (CONTRACT: headline,
        dates with their offset, author, publisher with its logo, image as an absolute URL)."""
        article = spec.article
        settings = self.site.settings
        if article is None or not settings.site_url:
            return Markup("")
        page_url = settings.site_url + spec.url
        publisher: dict[str, object] = {"@type": "Organization", "name": settings.site_name, "url": settings.site_url}
        logo = self.theme_images.get(PUBLISHER_LOGO)
        if logo is not None:
            publisher["logo"] = {
                "@type": "ImageObject",
                "url": settings.site_url + logo.path,
                "width": logo.width,
                "height": logo.height,
            }
        if article.author:
            author: dict[str, object] = {"@type": "Person", "name": article.author}
        else:
            author = {"@type": "Organization", "name": article.units[0] if article.units else settings.site_name}
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
            "url": page_url,
            "headline": article.title,
            "description": self.description(spec),
            "datePublished": article.date.isoformat(),
            "dateModified": article.date.isoformat(),
            "author": [author],
            "publisher": publisher,
            "inLanguage": "zh-CN",
            "articleSection": self.section_titles.get(article.section, ""),
        }
        image = self._share_image(spec)
        if image is not None:
            data["image"] = [image["url"]]
        if article.tags:
            data["keywords"] = list(article.tags)
        return json_for_script(data)


def variant_urls(images: PageImages, page_url: str) -> UrlOf:
    """Photo variant → its URL relative to the page at `page_url` (variants sit beside their page)."""
    return lambda variant: relative_url(images.owner.dest_dir + variant.name, page_url)
