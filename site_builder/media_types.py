"""The one table of media types: what a published file is, by its name.

Used for photo variants (`<source type>`, feed enclosures) and for uploads (S3's Content-Type).
Python's `mimetypes` is the fallback only: its answers depend on the machine (it reads
/etc/mime.types), and a site must be served the same wherever it was built.
"""

from __future__ import annotations

import mimetypes

BY_SUFFIX = {
    ".html": "text/html",
    ".xml": "application/xml",
    ".json": "application/json",
    ".css": "text/css",
    ".js": "text/javascript",
    ".txt": "text/plain",
    ".svg": "image/svg+xml",
    ".map": "application/json",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".pdf": "application/pdf",
}
BY_NAME = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml"}
"""Files whose name, not suffix, says what they are: the feeds."""


def media_type(name: str) -> str:
    """The media type of a published file named `name` (a path or a file name)."""
    name = name.rsplit("/", 1)[-1]
    if name in BY_NAME:
        return BY_NAME[name]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return BY_SUFFIX.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def is_text(kind: str) -> bool:
    """True for media types served with `charset=utf-8`."""
    return kind.startswith("text/") or kind.endswith(("xml", "json", "javascript"))
