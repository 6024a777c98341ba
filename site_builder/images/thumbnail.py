"""Small previews of an article's photos for the 写作台 (issue #16): upright, without metadata.

Browsers cannot show HEIC, and a dozen 12 MP originals would take seconds to decode in a page; the
form shows these instead. JPEGs decode at a reduced scale (`draft`), so one takes tens of ms.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageOps

from site_builder.images.formats import register_heif

THUMBNAIL_SIZE = 360
"""Longest side in pixels: sharp at twice the form's 180 px tiles."""


def make_thumbnail(path: Path, max_pixels: int, size: int = THUMBNAIL_SIZE) -> bytes:
    """A JPEG of at most `size` px on its longest side; raises OSError/ValueError for a bad photo."""
    register_heif()
    Image.MAX_IMAGE_PIXELS = max_pixels
    with Image.open(path) as image:
        if getattr(image, "is_animated", False):
            image.seek(0)
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            image.draft(image.mode, (size * 2, size * 2))
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((size, size), Image.Resampling.BICUBIC)
        if upright.mode not in ("RGB", "L"):
            background = Image.new("RGB", upright.size, "white")
            rgba = upright.convert("RGBA")
            background.paste(rgba, mask=rgba.getchannel("A"))
            upright = background
        output = io.BytesIO()
        upright.save(output, "JPEG", quality=80)
        return output.getvalue()
