"""`site-builder check`: the whole core pipeline without rendering or writing the site.

It finds every problem `build` would: content, links, and every photo decoded (through the same
cache the build uses, so the build that follows a clean check decodes nothing again).
"""

from __future__ import annotations

from datetime import datetime

from site_builder.diagnostics import Diagnostics
from site_builder.images.batch import finish_batch, image_cache_dir, photo_placements, start_batch
from site_builder.images.collect import collect_site_images
from site_builder.images.probe import ProbeCache
from site_builder.images.process import ImageProcessor
from site_builder.settings import SiteSettings
from site_builder.site import Site, load_site
from site_builder.workers import WorkerPool


def check_site(settings: SiteSettings, now: datetime, diagnostics: Diagnostics, workers: int | None = None) -> Site:
    """Validate all content and every photo a published page uses, or an article with errors would."""
    site = load_site(settings, now, diagnostics)
    probes = ProbeCache(image_cache_dir(settings) / "probes.json")
    images = collect_site_images(site, probes, diagnostics)
    probes.save()
    pool = WorkerPool(workers)
    try:
        placements = photo_placements([*images.pages.values(), *images.unpublished.values()])
        finish_batch(start_batch(placements, ImageProcessor(pool), settings), diagnostics)
    finally:
        pool.close()
    return site
