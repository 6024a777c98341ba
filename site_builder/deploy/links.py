"""Which files of the site a published file links to: the edges that order an S3 upload.

HTML is read with the standard library's html.parser (href, src, srcset, poster, and the
`og:image`/`twitter:image` share-card URLs); stylesheets for `url(…)`; feeds and sitemaps for the
URLs under the site's own address they contain; JSON for those URLs and for the search index's
site-relative `location`s. Links resolve as a browser resolves them against the page, so
`../b/` on `news/a/index.html` is `news/b/index.html`. Links to other sites, fragments, `mailto:`
and `data:` URLs are dropped: only files of this site matter for the order.
"""

from __future__ import annotations

import gzip
import json
import posixpath
import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

URL_ATTRIBUTES = frozenset({"href", "src", "poster", "data"})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
SHARE_CARD_PROPERTIES = frozenset({"og:image", "og:image:url", "og:image:secure_url", "twitter:image"})
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
NOT_A_FILE = ("#", "mailto:", "tel:", "data:", "javascript:", "about:")


class _LinkCollector(HTMLParser):
    """Every URL an HTML page makes the browser fetch or offers to follow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value}
        for name, value in values.items():
            if name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif name in SRCSET_ATTRIBUTES:
                self.urls.extend(srcset_urls(value))
        if tag == "meta" and (values.get("property") or values.get("name")) in SHARE_CARD_PROPERTIES:
            self.urls.append(values.get("content", ""))


def srcset_urls(srcset: str) -> list[str]:
    """`a-480.webp 480w, a-960.webp 960w` → the URLs, without their width or density."""
    return [candidate.split()[0] for candidate in srcset.split(",") if candidate.strip()]


def resolve(url: str, page: str, site_url: str = "") -> str | None:
    """The site-relative path `url` on `page` points at ("" for the site root), or None outside the site.

    Relative URLs resolve against `page`'s folder; absolute ones count when they are under
    `site_url` (host and path), root-relative ones when they are under its path.
    """
    url = url.strip()
    if not url or url.lower().startswith(NOT_A_FILE):
        return None
    parts = urlsplit(url)
    base = urlsplit(site_url)
    root = base.path if base.path.endswith("/") else base.path + "/"
    if parts.scheme or parts.netloc:
        if not base.netloc or parts.netloc != base.netloc or parts.scheme not in ("", "http", "https"):
            return None
        if not (parts.path + "/").startswith(root):
            return None
        path = parts.path[len(root) :]
    elif parts.path.startswith("/"):
        if not (parts.path + "/").startswith(root):
            return None
        path = parts.path[len(root) :]
    elif not parts.path:
        return None
    else:
        path = posixpath.join(posixpath.dirname(page), parts.path)
    normal = posixpath.normpath(unquote(path) or ".")
    if normal == ".":
        return ""
    return None if normal == ".." or normal.startswith("../") else normal.lstrip("/")


def to_file(path: str, names: set[str] | frozenset[str]) -> str | None:
    """The file a resolved path is served from: itself, or its folder's `index.html`."""
    if path in names:
        return path
    index = posixpath.join(path, "index.html") if path else "index.html"
    return index if index in names else None


def file_links(path: str, data: bytes, site_url: str = "") -> set[str]:
    """Site-relative paths (see `resolve`) that the file at `path` with content `data` links to."""
    name = path.lower()
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return set()
        name = name.removesuffix(".gz")
    text = data.decode("utf-8", errors="replace")
    if name.endswith((".html", ".htm")):
        collector = _LinkCollector()
        collector.feed(text)
        collector.close()
        urls: Iterable[str] = collector.urls
    elif name.endswith(".css"):
        urls = CSS_URL.findall(text)
    elif name.endswith(".xml"):
        urls = _site_urls(text, site_url)
    elif name.endswith(".json"):
        return _json_links(text, site_url)
    else:
        return set()
    return {found for url in urls if (found := resolve(url, path, site_url)) is not None}


def _site_urls(text: str, site_url: str) -> list[str]:
    """Absolute URLs under `site_url` anywhere in `text` (feed entries, sitemap `<loc>`s, escaped HTML)."""
    if not site_url:
        return []
    return re.findall(re.escape(site_url.rstrip("/")) + r"""/[^\s"'<>&]*""", text)


def _json_links(text: str, site_url: str) -> set[str]:
    try:
        document = json.loads(text)
    except ValueError:
        return set()
    found = set()
    for key, value in _strings(document):
        if key == "location":
            target = resolve(value or "./", "", "")
        elif site_url and value.startswith(site_url):
            target = resolve(value, "", site_url)
        else:
            continue
        if target is not None:
            found.add(target)
    return found


def _strings(node: object, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a JSON document with the key it sits under."""
    if isinstance(node, str):
        yield key, node
    elif isinstance(node, dict):
        for child_key, child in node.items():
            yield from _strings(child, str(child_key))
    elif isinstance(node, list):
        for child in node:
            yield from _strings(child, key)
