"""Markup for planned photos: `<picture>` with WebP srcset, a JPEG/PNG fallback, and galleries.

Pure functions of the plan and a URL resolver (`url_of`), so the same code serves the Markdown
processor (URLs relative to the source file, rewritten by MkDocs) and the templates (URLs relative
to the page).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

from site_builder.images.plan import ImagePlan, Variant

UrlOf = Callable[[Variant], str]

BODY_SIZES = "(min-width: 61em) 44rem, 100vw"
THUMBNAIL_SIZES = "9rem"
CARD_SIZES = "(min-width: 45em) 16rem, 100vw"
GALLERY_SIZES = "(min-width: 45em) 14rem, 50vw"
DEFAULT_FALLBACK_WIDTH = 960


def picture_element(
    plan: ImagePlan,
    url_of: UrlOf,
    alt: str,
    sizes: str,
    *,
    lazy: bool = True,
    img_src: str | None = None,
    fallback_width: int = DEFAULT_FALLBACK_WIDTH,
) -> ET.Element:
    """`<picture>`: WebP `<source>`, then an `<img>` with the fallback srcset, size and alt.

    `width`/`height` are the chosen fallback's, so the browser reserves the right box (no layout
    shift). The above-the-fold cover passes `lazy=False`.
    """
    fallback = plan.fallback_for(fallback_width)
    picture = ET.Element("picture")
    ET.SubElement(picture, "source", {"type": "image/webp", "srcset": _srcset(plan.modern, url_of), "sizes": sizes})
    attributes = {
        "src": img_src if img_src is not None else url_of(fallback),
        "srcset": _srcset(plan.fallback, url_of),
        "sizes": sizes,
        "width": str(fallback.width),
        "height": str(fallback.height),
        "alt": alt,
    }
    if lazy:
        attributes.update(loading="lazy", decoding="async")
    else:
        attributes.update(fetchpriority="high")
    ET.SubElement(picture, "img", attributes)
    return picture


def lightbox_link(
    plan: ImagePlan, url_of: UrlOf, child: ET.Element, gallery: str, caption: str = "", href: str | None = None
) -> ET.Element:
    """Wrap `child` in a link to the largest fallback, which the lightbox opens.

    The caption goes in `data-description`, which scripts.html reads as text and escapes before
    GLightbox sees it (GLightbox itself would insert it as HTML: issue #8).
    """
    attributes = {
        "href": href if href is not None else url_of(plan.largest_fallback),
        "class": "glightbox",
        "data-gallery": gallery,
    }
    if caption:
        attributes["data-description"] = caption
    link = ET.Element("a", attributes)
    link.append(child)
    return link


def gallery_element(items: list[tuple[ImagePlan, str, str]], url_of: UrlOf, gallery: str) -> ET.Element:
    """Captioned grid of photos (plan, caption, alt), each opening in the lightbox."""
    root = ET.Element("div", {"class": "sb-gallery"})
    for plan, caption, alt in items:
        figure = ET.SubElement(root, "figure")
        picture = picture_element(plan, url_of, alt or caption, GALLERY_SIZES, fallback_width=480)
        figure.append(lightbox_link(plan, url_of, picture, gallery, caption))
        if caption:
            ET.SubElement(figure, "figcaption").text = caption
    return root


def to_html(element: ET.Element) -> str:
    """Serialise an element; attribute values and text are escaped."""
    return ET.tostring(element, encoding="unicode", method="html")


def _srcset(variants: tuple[Variant, ...], url_of: UrlOf) -> str:
    return ", ".join(f"{url_of(v)} {v.width}w" for v in variants)
