"""The image pipeline inside MkDocs: owners from pages, variant `File`s, per-page resolvers.

Original photos never reach the output: every raster file under content/ (recognised by its first
bytes, whatever its name: issue #8) is removed from `Files`, and each photo a published page uses
comes back as its processed variants, placed in the page's output folder (photos follow a
relocated page: ARCHITECTURE pitfall 7). Images the theme refers to by path (`theme.logo`,
`theme.favicon`, `url(…)` in a stylesheet) and the raster files of the site's own theme folder
(`custom_dir`) keep their path and format, processed like photos, so no metadata leaves with them.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from site_builder.content.paths import is_external
from site_builder.diagnostics import Diagnostics, display_path
from site_builder.images.batch import (
    PhotoBatch,
    Placement,
    finish_batch,
    image_cache_dir,
    photo_placements,
    start_batch,
)
from site_builder.images.collect import PageImages, collect_site_images
from site_builder.images.markdown import CurrentPage
from site_builder.images.plan import ImagePlan, plan_asset
from site_builder.images.probe import ProbeCache, ProbeError
from site_builder.images.process import ImageProcessor, output_path
from site_builder.images.sniff import sniff_raster
from site_builder.settings import SiteSettings
from site_builder.site import Site

log = logging.getLogger("mkdocs.plugins.site_builder.images")

LIGHTBOX_ASSETS = ("glightbox.min.js", "glightbox.min.css")
LIGHTBOX_DIR = "assets/site_builder/"

THEME_IMAGE_KEYS = ("logo", "favicon")
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<url>[^'")]+)(?P=quote)\s*\)""", re.IGNORECASE)


@dataclass(frozen=True)
class AssetUse:
    """An image published at its own path (theme asset), processed from `path`."""

    src_uri: str
    path: Path
    display_path: str
    plan: ImagePlan


class ImageStage:
    """Per-build image state: what each page uses, the jobs under way, counters."""

    def __init__(self, settings: SiteSettings, processor: ImageProcessor, use_directory_urls: bool = True) -> None:
        self.settings = settings
        self.use_directory_urls = use_directory_urls
        self.processor = processor
        self.cache_dir = image_cache_dir(settings)
        self.probes = ProbeCache(self.cache_dir / "probes.json")
        self.pages: dict[str, PageImages] = {}
        self.assets: dict[str, AssetUse] = {}
        self.asset_problems = Diagnostics()
        """Theme assets that cannot be processed; reported with the photos' own failures."""
        self.attachments: frozenset[str] = frozenset()
        self.unpublished: dict[str, PageImages] = {}
        """Photos of articles with errors: decoded so that one run reports all, never published."""
        self.batch: PhotoBatch | None = None

    def plan(self, site: Site, diagnostics: Diagnostics) -> None:
        """Collect and plan every photo of the published articles and hand-written pages.

        A photo inside the bundle of a withheld article (or one with errors) is an error wherever
        it is used (issue #8).
        """
        images = collect_site_images(site, self.probes, diagnostics)
        self.pages, self.unpublished = images.pages, images.unpublished
        self.attachments = frozenset(a.src_uri for a in site.attachments)
        self.probes.save()

    def place(self, files: Files, config: MkDocsConfig) -> None:
        """Take every raster file out of `files` and put back what may be published, processed.

        Raster files are recognised by their first bytes, not their names. A photo a page uses comes
        back as its variants beside the page; a theme asset comes back at its own path; any other
        raster file under content/ is not published.
        """
        referenced = theme_references(files, config)
        for file in list(files):
            origin = _origin(file, config)
            source = Path(file.abs_src_path) if file.abs_src_path else None
            if origin is None or source is None or file.is_documentation_page() or sniff_raster(source) is None:
                continue
            files.remove(file)
            if origin == "theme" or file.src_uri in referenced:
                self._keep_asset(file, files, config)
            elif file.src_uri in self.attachments:
                log.warning(
                    f"{display_path(source, self.settings.project_dir)}: "
                    "这个附件其实是一张图片，原图不会发布（其中可能有拍摄地点）；"
                    "要展示照片请用 ![照片说明](文件名) 插入正文"
                )
        self.probes.save()
        for images in self.pages.values():
            for use in images.uses():
                for variant in use.plan.variants:
                    src_uri = images.owner.dest_dir + variant.name
                    if files.get_file_from_path(src_uri) is None:
                        files.append(
                            File.generated(config, src_uri, abs_src_path=str(output_path(self.cache_dir, variant)))
                        )

    def _keep_asset(self, file: File, files: Files, config: MkDocsConfig) -> None:
        """Publish a theme asset at its own path, processed; one that cannot be processed is left out."""
        path = Path(file.abs_src_path or "")
        shown = display_path(path, self.settings.project_dir)
        try:
            plan = plan_asset(self.probes.probe(path, self.settings.images.max_pixels), self.settings.images)
        except ProbeError as error:
            self.asset_problems.error(
                shown, 0, f"主题用到的这张图片无法处理：{error}", "请用画图软件另存为 PNG 或 JPEG（原图不会原样发布）"
            )
            return
        self.assets[file.src_uri] = AssetUse(file.src_uri, path, shown, plan)
        files.append(
            File.generated(config, file.src_uri, abs_src_path=str(output_path(self.cache_dir, plan.fallback[0])))
        )

    def add_lightbox(self, files: Files, config: MkDocsConfig) -> bool:
        """Publish GLightbox's script and style when some page has photos.

        The files come from the mkdocs-glightbox package, but its plugin is not used: version
        0.5.3 re-parses every page and returns the fragment wrapped in <html><body> (verified),
        and our markup already carries the lightbox links.
        """
        if not any(images.uses() for images in self.pages.values()):
            return False
        try:
            import mkdocs_glightbox
        except ImportError:
            return False
        folder = Path(mkdocs_glightbox.__file__).parent / "glightbox"
        for name in LIGHTBOX_ASSETS:
            files.append(File.generated(config, LIGHTBOX_DIR + name, abs_src_path=str(folder / name)))
        return True

    def start(self) -> None:
        """Submit the images whose outputs are not in the cache yet (each image once)."""
        self.batch = start_batch(self._placements(), self.processor, self.settings)

    def finish(self, diagnostics: Diagnostics) -> None:
        """Wait for the jobs; an image that failed is reported at every place that uses it."""
        if self.batch is None:
            return
        processed = finish_batch(self.batch, diagnostics)
        diagnostics.extend(self.asset_problems.sorted())
        log.info(f"照片：处理 {processed} 张，沿用缓存 {self.batch.cached} 张")
        self.batch = None

    def _placements(self) -> list[Placement]:
        """Photos of published pages, of articles with errors (checked, never placed), theme assets."""
        assets = [
            Placement(
                asset.path,
                asset.plan,
                asset.display_path,
                0,
                "主题用到的这张图片",
                "请用画图软件另存为 PNG 或 JPEG（原图不会原样发布）",
            )
            for asset in self.assets.values()
        ]
        return photo_placements([*self.pages.values(), *self.unpublished.values()]) + assets

    def has_photos(self, src_uri: str) -> bool:
        images = self.pages.get(src_uri)
        return images is not None and bool(images.uses())

    def current_page(self, src_uri: str, page_url: str) -> CurrentPage | None:
        """Resolvers for the page being rendered, or None when it uses no photos."""
        if not self.has_photos(src_uri):
            return None
        images = self.pages[src_uri]
        return CurrentPage(
            images,
            url_of=self.url_resolver(images, page_url),
            src_of=lambda v: posixpath.relpath(images.owner.dest_dir + v.name, posixpath.dirname(src_uri) or "."),
        )

    @staticmethod
    def url_resolver(images: PageImages, page_url: str):
        return lambda variant: get_relative_url(images.owner.dest_dir + variant.name, page_url)


def theme_references(files: Files, config: MkDocsConfig) -> set[str]:
    """Paths (src_uri) of the images the theme refers to: `theme.logo`, `theme.favicon`, and each
    `url(…)` in a stylesheet of content/ or of the theme folder."""
    found = {_site_path(str(config.theme.get(key) or ""), "") for key in THEME_IMAGE_KEYS}
    for file in files:
        if file.src_uri.lower().endswith(".css") and _origin(file, config) is not None:
            text = Path(file.abs_src_path or "").read_text(encoding="utf-8", errors="replace")
            found |= {_site_path(m.group("url"), posixpath.dirname(file.src_uri)) for m in CSS_URL.finditer(text)}
    return {path for path in found if path is not None}


def _site_path(url: str, base: str) -> str | None:
    """`url` (relative to the folder `base`, or to the site root when it starts with /) as a src_uri;
    None for external, data: and empty URLs and for anything above the site root."""
    url = unquote(url.split("#", 1)[0].split("?", 1)[0]).strip()
    if not url or is_external(url):
        return None
    joined = posixpath.normpath(url.lstrip("/") if url.startswith("/") else posixpath.join(base, url))
    return None if joined == "." or joined.startswith("../") or joined == ".." else joined


def _origin(file: File, config: MkDocsConfig) -> str | None:
    """ "content" for a file of docs_dir, "theme" for one of the site's own theme folder (custom_dir),
    None for generated files and for the installed theme's files."""
    if file.src_dir is None or file.abs_src_path is None or file.generated_by:
        return None
    if file.src_dir == config.docs_dir:
        return "content"
    custom_dir = config.theme.custom_dir
    if custom_dir and os.path.realpath(file.src_dir) == os.path.realpath(custom_dir):
        return "theme"
    return None
