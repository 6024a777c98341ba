"""`site-builder check`: the whole core pipeline without rendering or writing anything."""

from __future__ import annotations

from datetime import datetime

from site_builder.diagnostics import Diagnostics
from site_builder.images.collect import collect_images, hand_written_owners, owner_for_article
from site_builder.images.probe import ProbeCache
from site_builder.settings import SiteSettings
from site_builder.site import Site, load_site


def check_site(settings: SiteSettings, now: datetime, diagnostics: Diagnostics) -> Site:
    """Validate all content and every photo a published page uses (headers only, no decoding)."""
    site = load_site(settings, now, diagnostics)
    owners = [owner_for_article(a) for a in site.published]
    owners += hand_written_owners(settings.content_dir, [s.name for s in settings.sections], settings.project_dir)
    collect_images(owners, settings.images, ProbeCache(None), diagnostics)
    return site
