"""Which photos each published page uses, resolved, probed and planned, with their problems.

A photo is published because a published page uses it (front matter `cover`/`photos`, or an
inline `![…](…)`), never because it sits in content/. Withheld articles are never passed here,
and a photo inside a withheld article's bundle is refused whichever page uses it (issue #8).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from site_builder.content.model import Article, PhotoRef
from site_builder.content.paths import is_external, resolve_local
from site_builder.content.scan import HandWrittenPage
from site_builder.diagnostics import Diagnostics
from site_builder.images.plan import ImagePlan, plan_image
from site_builder.images.probe import ProbeCache, ProbeError
from site_builder.settings import ImageSettings
from site_builder.text import prose_only

if TYPE_CHECKING:
    from site_builder.site import Site

# ![alt](src "title") and ![alt](<src with spaces>): the inline forms authors write.
INLINE_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]]*)\]\(\s*(?:<(?P<angled>[^>]+)>|(?P<plain>[^)\s]+))(?:\s+[\"'][^\"']*[\"'])?\s*\)"
)


@dataclass(frozen=True)
class ImageOwner:
    """A page that uses photos: an article or a hand-written page."""

    key: str
    """The page's src_uri."""
    folder: Path
    display_path: str
    dest_dir: str
    """Output folder URL of the page, e.g. `news/2024/slug/`; its variants are written there."""
    cover: PhotoRef | None = None
    photos: tuple[PhotoRef, ...] = ()
    inline: tuple[PhotoRef, ...] = ()


@dataclass(frozen=True)
class PhotoUse:
    ref: PhotoRef
    path: Path
    plan: ImagePlan


@dataclass
class PageImages:
    owner: ImageOwner
    cover: PhotoUse | None = None
    gallery: list[PhotoUse] = field(default_factory=list)
    inline: dict[Path, PhotoUse] = field(default_factory=dict)
    """By resolved path, so the Markdown processor can find a photo however its path was written."""

    def uses(self) -> list[PhotoUse]:
        return ([self.cover] if self.cover else []) + self.gallery + list(self.inline.values())


def inline_refs(body: str, first_line: int) -> tuple[PhotoRef, ...]:
    """The `![alt](src)` images of a Markdown body, with their line numbers in the file."""
    refs = []
    for match in INLINE_IMAGE.finditer(prose_only(body)):
        line = first_line + body.count("\n", 0, match.start())
        src = (match.group("angled") or match.group("plain")).strip()
        refs.append(PhotoRef(src, alt=match.group("alt").strip(), line=line))
    return tuple(refs)


def owner_for_article(article: Article) -> ImageOwner:
    """The photos an article uses, from its front matter and body."""
    return ImageOwner(
        key=article.source.src_uri,
        folder=article.source.folder,
        display_path=article.source.display_path,
        dest_dir=article.url,
        cover=article.cover,
        photos=article.photos,
        inline=inline_refs(article.body, article.body_line),
    )


def owner_for_page(page: HandWrittenPage) -> ImageOwner:
    """The photos a hand-written page uses (inline only: it has no gallery or cover)."""
    return ImageOwner(
        key=page.src_uri,
        folder=page.path.parent,
        display_path=page.display_path,
        dest_dir=page.folder_url,
        inline=inline_refs(page.text, 1),
    )


def withheld_bundles(withheld: Iterable[tuple[Article, str]]) -> dict[Path, str]:
    """Real folder of each withheld bundle article → how to name it in a message (path and reason).

    Everything inside such a folder belongs to an article nobody may see yet. Single-file articles
    own no folder, so they contribute nothing.
    """
    return {
        Path(os.path.realpath(article.source.folder)): f"{article.source.display_path}（{reason}）"
        for article, reason in withheld
        if article.source.is_bundle
    }


def withheld_owner_of(path: Path, bundles: Mapping[Path, str]) -> str | None:
    """The withheld article whose bundle holds `path` (a real path), or None."""
    return next((bundles[folder] for folder in path.parents if folder in bundles), None)


def collect_images(
    owners: list[ImageOwner],
    settings: ImageSettings,
    probes: ProbeCache,
    diagnostics: Diagnostics,
    withheld: Mapping[Path, str] | None = None,
) -> dict[str, PageImages]:
    """Resolve, probe and plan every photo of every owner; problems become diagnostics.

    `withheld` (from `withheld_bundles`): a photo inside one of these folders is an error wherever
    it is used, and is never planned, so it can never reach the output.
    """
    result: dict[str, PageImages] = {}
    plans: dict[Path, ImagePlan | None] = {}
    withheld = withheld or {}

    def use(owner: ImageOwner, ref: PhotoRef, what: str) -> PhotoUse | None:
        if is_external(ref.src):
            diagnostics.warning(
                owner.display_path,
                ref.line,
                f"{what}“{ref.src}”是外部网址，不会显示",
                "网站不从其他网站加载任何内容；请把照片下载后放在文章旁边",
            )
            return None
        path, reason = resolve_local(ref.src, owner.folder)
        if path is None:
            diagnostics.error(owner.display_path, ref.line, f"{what}“{ref.src}”无法使用：{reason}")
            return None
        if article := withheld_owner_of(path, withheld):
            diagnostics.error(
                owner.display_path,
                ref.line,
                f"{what}“{ref.src}”属于未发布的文章 {article}，不会发布",
                "请删掉这处引用，等那篇文章发布后再引用它的照片；"
                "如果这张照片本来就可以公开，请把它复制到本页所在的文件夹再引用",
            )
            return None
        if path not in plans:
            try:
                plans[path] = plan_image(probes.probe(path, settings.max_pixels), settings)
            except ProbeError as error:
                plans[path] = None
                diagnostics.error(owner.display_path, ref.line, f"{what}“{ref.src}”无法使用：{error}")
        plan = plans[path]
        if plan is None:
            return None
        return PhotoUse(ref, path, plan)

    for owner in owners:
        images = PageImages(owner)
        if owner.cover:
            images.cover = use(owner, owner.cover, "封面")
        for ref in owner.photos:
            if photo := use(owner, ref, "图集照片"):
                images.gallery.append(photo)
        for ref in owner.inline:
            if photo := use(owner, ref, "正文图片"):
                images.inline[photo.path] = photo
        result[owner.key] = images
    return result


@dataclass(frozen=True)
class SiteImages:
    """Every photo of a site, planned: what published pages use, and what articles with errors use."""

    pages: dict[str, PageImages]
    """By page src_uri: published articles and hand-written pages. Only these are published."""
    unpublished: dict[str, PageImages]
    """Articles with errors: their photos are decoded so that one run reports every problem."""


def collect_site_images(site: Site, probes: ProbeCache, diagnostics: Diagnostics) -> SiteImages:
    """The photos `build` publishes and `check` verifies; a withheld article's photo is an error
    wherever another page uses it."""
    settings = site.settings
    owners = [owner_for_article(a) for a in site.published] + [owner_for_page(p) for p in site.hand_written]
    withheld = [(article, decision.describe()) for article, decision in site.withheld]
    with_errors = [(article, "内容有错误") for article in site.with_errors]
    pages = collect_images(owners, settings.images, probes, diagnostics, withheld_bundles(withheld + with_errors))
    unpublished = collect_images(
        [owner_for_article(a) for a in site.with_errors],
        settings.images,
        probes,
        diagnostics,
        withheld_bundles(withheld),
    )
    return SiteImages(pages, unpublished)
