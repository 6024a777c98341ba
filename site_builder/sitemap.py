"""`sitemap.xml` (and its gzip copy) from the page registry, not from the pages the engine rendered.

MkDocs writes its sitemap from the pages it rendered in this build; a build that renders only the
pages that changed (issue #10) must still list every published page. The format is MkDocs'
own, so the file is the same as before. Dates come from the model (the newest article a page
shows; for hand-written pages the publication day), never from the clock, so two builds of the
same sources at the same `now` write the same bytes.
"""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from site_builder.atomic import write_file_atomically
from site_builder.pages import PageRegistry

SITEMAP = "sitemap.xml"


def sitemap_xml(registry: PageRegistry, site_url: str, today: str) -> str:
    """The sitemap of every page in the registry that belongs in it; `today` (ISO date) dates
    pages that show no article."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for spec in registry:
        if not spec.in_sitemap:
            continue
        lines += [
            "    <url>",
            f"         <loc>{escape(site_url + spec.url)}</loc>",
            f"         <lastmod>{spec.updated or today}</lastmod>",
            "    </url>",
        ]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def write_sitemap(site_dir: Path, registry: PageRegistry, site_url: str, today: str) -> None:
    """Write `sitemap.xml` and `sitemap.xml.gz`; the gzip header's time is the newest lastmod."""
    text = sitemap_xml(registry, site_url, today)
    dates = [spec.updated or today for spec in registry if spec.in_sitemap]
    newest = datetime.fromisoformat(max(dates, default=today)).replace(tzinfo=UTC)
    write_file_atomically(site_dir / SITEMAP, text)
    gz_path = site_dir / f"{SITEMAP}.gz"
    write_file_atomically(gz_path, gzip.compress(text.encode("utf-8"), mtime=int(newest.timestamp())))
