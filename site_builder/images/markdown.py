"""Python-Markdown extension: every local `<img>` of a page becomes a `<picture>` of its variants.

Runs before MkDocs' own path rewriting (priority above 0, ARCHITECTURE pitfall 9): `img@src` and
`a@href` are set to paths relative to the source file, which MkDocs then validates and turns into
URLs; `srcset` (which MkDocs leaves alone) gets final URLs from the injected resolver.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from site_builder.content.paths import is_external, resolve_local
from site_builder.images.collect import PageImages
from site_builder.images.html import BODY_SIZES, UrlOf, lightbox_link, picture_element
from site_builder.images.plan import Variant


@dataclass
class CurrentPage:
    """What the processor needs about the page being rendered; set by the adapter per page."""

    images: PageImages
    url_of: UrlOf
    """Variant → URL relative to the page's URL (for srcset)."""
    src_of: Callable[[Variant], str]
    """Variant → path relative to the page's source file (for src/href, rewritten by MkDocs)."""


class PictureTreeprocessor(Treeprocessor):
    def __init__(self, md: Markdown, extension: PictureExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: ET.Element) -> None:
        page = self.extension.current
        if page is None or not page.images.inline:
            return
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag != "img":
                    continue
                src = child.get("src", "")
                if not src or is_external(src):
                    continue
                path, _ = resolve_local(src, page.images.owner.folder)
                use = page.images.inline.get(path) if path else None
                if use is None:
                    continue
                alt = child.get("alt", "")
                picture = picture_element(
                    use.plan, page.url_of, alt, BODY_SIZES, img_src=page.src_of(use.plan.fallback_for(960))
                )
                link = lightbox_link(
                    use.plan,
                    page.url_of,
                    picture,
                    f"body-{use.plan.key[:8]}",
                    alt,
                    href=page.src_of(use.plan.largest_fallback),
                )
                link.tail = child.tail
                parent[index] = link


class PictureExtension(Extension):
    """Register once; the adapter sets `current` before each page is rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.current: CurrentPage | None = None

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(PictureTreeprocessor(md, self), "site_builder_pictures", 5)
