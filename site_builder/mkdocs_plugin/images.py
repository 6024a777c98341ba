"""The image pipeline inside MkDocs: owners from pages, variant `File`s, per-page resolvers.

Original photos never reach the output: every raster image under content/ is removed from
`Files`, and each photo a published page uses comes back as its processed variants, placed in the
page's output folder (photos follow a relocated page: ARCHITECTURE pitfall 7).
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from site_builder.diagnostics import Diagnostics
from site_builder.images.collect import PageImages, collect_images, hand_written_owners, owner_for_article
from site_builder.images.markdown import CurrentPage
from site_builder.images.plan import ImagePlan
from site_builder.images.probe import ProbeCache
from site_builder.images.process import ImageProcessor, Job, PendingJobs, is_cached, output_path, report_progress
from site_builder.settings import SiteSettings
from site_builder.site import Site

log = logging.getLogger("mkdocs.plugins.site_builder.images")

LIGHTBOX_ASSETS = ("glightbox.min.js", "glightbox.min.css")
LIGHTBOX_DIR = "assets/site_builder/"

RASTER_SUFFIXES = {".jpg", ".jpeg", ".jpe", ".png", ".gif", ".webp", ".heic", ".heif", ".tif", ".tiff", ".bmp", ".avif"}


class ImageStage:
    """Per-build image state: what each page uses, the jobs under way, counters."""

    def __init__(self, settings: SiteSettings, processor: ImageProcessor, use_directory_urls: bool = True) -> None:
        self.settings = settings
        self.use_directory_urls = use_directory_urls
        self.processor = processor
        self.cache_dir = (settings.cache_dir or settings.project_dir / ".cache") / "images"
        self.probes = ProbeCache(self.cache_dir / "probes.json")
        self.pages: dict[str, PageImages] = {}
        self.pending: PendingJobs | None = None
        self.jobs: list[Job] = []
        self.cached = 0

    def plan(self, site: Site, diagnostics: Diagnostics) -> None:
        """Collect and plan every photo of the published articles and hand-written pages."""
        owners = [owner_for_article(a) for a in site.published]
        owners += hand_written_owners(self.settings.content_dir, [s.name for s in self.settings.sections],
                                      self.settings.project_dir, self.use_directory_urls)
        self.pages = collect_images(owners, self.settings.images, self.probes, diagnostics)
        self.probes.save()

    def place(self, files: Files, config: MkDocsConfig) -> None:
        """Remove every original raster image and add the variants of the used photos."""
        for file in list(files):
            if file.src_dir == config.docs_dir and Path(file.src_uri).suffix.lower() in RASTER_SUFFIXES:
                files.remove(file)
        for images in self.pages.values():
            for use in images.uses():
                for variant in use.plan.variants:
                    src_uri = images.owner.dest_dir + variant.name
                    if files.get_file_from_path(src_uri) is None:
                        files.append(File.generated(config, src_uri, abs_src_path=str(output_path(self.cache_dir, variant))))

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
        """Submit the photos whose outputs are not in the cache yet (each photo once)."""
        unique: dict[str, tuple[Path, ImagePlan]] = {}
        for images in self.pages.values():
            for use in images.uses():
                unique.setdefault(use.plan.key, (use.path, use.plan))
        self.jobs = [
            Job(str(path), plan, str(self.cache_dir), self.settings.images)
            for path, plan in unique.values() if not is_cached(plan, self.cache_dir)
        ]
        self.cached = len(unique) - len(self.jobs)
        self.pending = self.processor.submit(self.jobs)

    def finish(self, diagnostics: Diagnostics) -> None:
        """Wait for the jobs; a photo that failed is reported at every place that uses it."""
        if self.pending is None:
            return
        results = self.pending.wait(report_progress() if len(self.jobs) > 10 else None)
        self.pending = None
        failed = {r.key: r.error for r in results if r.error}
        for images in self.pages.values():
            for use in images.uses():
                if use.plan.key in failed:
                    diagnostics.error(images.owner.display_path, use.ref.line,
                                      f"照片“{use.ref.src}”无法处理：{failed[use.plan.key]}",
                                      "请用手机相册或画图软件重新导出这张照片")
        log.info(f"照片：处理 {len(results) - len(failed)} 张，沿用缓存 {self.cached} 张")

    def has_photos(self, src_uri: str) -> bool:
        images = self.pages.get(src_uri)
        return images is not None and bool(images.uses())

    def current_page(self, src_uri: str, page_url: str) -> CurrentPage | None:
        """Resolvers for the page being rendered, or None when it uses no photos."""
        if not self.has_photos(src_uri):
            return None
        images = self.pages[src_uri]
        return CurrentPage(images, url_of=self.url_resolver(images, page_url),
                           src_of=lambda v: posixpath.relpath(images.owner.dest_dir + v.name, posixpath.dirname(src_uri) or "."))

    @staticmethod
    def url_resolver(images: PageImages, page_url: str):
        return lambda variant: get_relative_url(images.owner.dest_dir + variant.name, page_url)
