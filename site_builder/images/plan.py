"""Plan a photo's outputs from its probe alone: widths, formats, sizes and file names. Pure.

Widths never exceed the source; when some requested widths are larger, the source width is
published once instead (eleventy-img's `getValidWidths`). Names carry a hash of the source bytes
and of every setting that changes pixels, so changed settings never reuse stale files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from site_builder.images.probe import Probe
from site_builder.media_types import media_type
from site_builder.settings import ImageSettings

PIPELINE_VERSION = "3"
"""Bump when processing changes pixels or bytes in a way the settings do not capture.
3: outputs no longer carry the source's JPEG comment or ICC profile (issue #8)."""

EXTENSIONS = {"webp": "webp", "jpeg": "jpg", "png": "png", "gif": "gif", "ico": "ico", "bmp": "bmp", "tiff": "tif"}
ASSET_FORMATS = {
    "JPEG": "jpeg",
    "MPO": "jpeg",
    "PNG": "png",
    "WEBP": "webp",
    "GIF": "gif",
    "ICO": "ico",
    "BMP": "bmp",
    "TIFF": "tiff",
}
"""Output format of a theme asset by source format; any other source (HEIF…) becomes PNG."""


@dataclass(frozen=True)
class Variant:
    width: int
    height: int
    format: str
    """`webp`, `jpeg` or `png`; a theme asset (`plan_asset`) may also be `gif`, `ico`, `bmp`, `tiff`."""
    name: str
    """File name, e.g. `3f2a…-960.webp`."""

    @property
    def mime_type(self) -> str:
        return media_type(self.name)


@dataclass(frozen=True)
class ImagePlan:
    key: str
    """Hash of the source bytes and the pixel-changing settings."""
    probe: Probe
    width: int
    """Displayed width of the source, after orientation."""
    height: int
    modern: tuple[Variant, ...]
    """WebP variants, smallest first."""
    fallback: tuple[Variant, ...]
    """JPEG (or PNG for photos with transparency) variants, smallest first."""

    @property
    def variants(self) -> tuple[Variant, ...]:
        return self.modern + self.fallback

    @property
    def largest_fallback(self) -> Variant:
        return self.fallback[-1]

    def fallback_for(self, width: int) -> Variant:
        """The smallest fallback at least `width` wide (the largest if none is)."""
        return next((v for v in self.fallback if v.width >= width), self.fallback[-1])


def valid_widths(requested: tuple[int, ...], source_width: int) -> tuple[int, ...]:
    """Requested widths not above the source; the source width once if any were dropped."""
    widths = sorted({w for w in requested if w <= source_width})
    if len(widths) < len(set(requested)) and source_width not in widths:
        widths.append(source_width)
    return tuple(widths)


def settings_signature(settings: ImageSettings) -> str:
    """The settings that change output pixels or bytes (not the pixel limit)."""
    return "|".join(
        map(
            str,
            (
                PIPELINE_VERSION,
                settings.webp_quality,
                settings.jpeg_quality,
                settings.webp_method,
                settings.copyright,
            ),
        )
    )


def plan_image(probe: Probe, settings: ImageSettings) -> ImagePlan:
    """All outputs of one photo, computed without touching its pixels."""
    key = hashlib.sha256(f"{probe.content_hash}|{settings_signature(settings)}".encode()).hexdigest()[:20]
    width, height = probe.display_size
    fallback_format = "png" if probe.has_alpha else "jpeg"
    modern, fallback = [], []
    for w in valid_widths(settings.widths, width):
        h = max(1, round(height * w / width))
        modern.append(Variant(w, h, "webp", f"{key}-{w}.{EXTENSIONS['webp']}"))
        fallback.append(Variant(w, h, fallback_format, f"{key}-{w}.{EXTENSIONS[fallback_format]}"))
    return ImagePlan(key, probe, width, height, tuple(modern), tuple(fallback))


def plan_asset(probe: Probe, settings: ImageSettings) -> ImagePlan:
    """One output at the source's displayed size and in its own format: an image the theme refers to
    by path (logo, favicon, a CSS background), published there with its metadata stripped.

    Its key differs from the photo key of the same source, so each is cached and processed apart.
    """
    key = hashlib.sha256(f"{probe.content_hash}|{settings_signature(settings)}|asset".encode()).hexdigest()[:20]
    width, height = probe.display_size
    fmt = ASSET_FORMATS.get(probe.format, "png")
    only = Variant(width, height, fmt, f"{key}-{width}.{EXTENSIONS[fmt]}")
    return ImagePlan(key, probe, width, height, (), (only,))
