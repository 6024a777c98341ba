"""Map the content model onto MkDocs `Files`: relocated articles, generated listings, removals.

MkDocs would publish every file of `docs_dir` (ARCHITECTURE pitfall 3): original photos with GPS,
the photos and pages of drafts, anything a symlink points to. Here the set of files to publish is
rebuilt from the model: a file under a section is published only because a published article is it
or uses it.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from site_builder.content.scan import is_inside
from site_builder.listings import ListingPage, Overview
from site_builder.site import Site

log = logging.getLogger("mkdocs.plugins.site_builder")

HOME_SRC_URI = "index.md"
SUBSCRIBE_SRC_URI = "subscribe/index.md"


def listing_src_uri(url: str) -> str:
    """Source path of a generated page at `url` (`tags/x/` → `tags/x/index.md`)."""
    return f"{url}index.md"


def relocate_files(files: Files, site: Site, config: MkDocsConfig) -> tuple[dict[str, ListingPage], dict[str, Overview]]:
    """Rewrite `files` in place to hold exactly what the site publishes.

    Returns the generated listing pages and overviews by their src_uri, so that the plugin can
    recognise them when MkDocs renders them.
    """
    docs_dir = Path(config.docs_dir)
    _remove_escaping_files(files, docs_dir)

    section_prefixes = tuple(f"{s.name}/" for s in site.settings.sections)
    published = site.article_by_src_uri()
    attachments = {a.src_uri: a for a in site.attachments}
    for file in list(files):
        if not file.src_uri.startswith(section_prefixes):
            continue
        files.remove(file)
        article = published.get(file.src_uri)
        if article is not None:
            files.append(File(
                file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls,
                dest_uri=f"{article.url}index.html", inclusion=InclusionLevel.NOT_IN_NAV,
            ))
        elif attachment := attachments.get(file.src_uri):
            files.append(File(file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls,
                              dest_uri=attachment.dest_uri))
        elif file.src_uri in {f"{name}/index.md" for name in site.section_intros}:
            files.append(file)

    listing_pages: dict[str, ListingPage] = {}
    for page in site.listings.pages:
        src_uri = listing_src_uri(page.url)
        is_section_front = page.kind == "section" and page.number == 1
        listing_pages[src_uri] = page
        if is_section_front and page.key in site.section_intros:
            continue  # the author's own index.md carries the listing
        _add_generated(files, config, src_uri, InclusionLevel.INCLUDED if is_section_front else InclusionLevel.NOT_IN_NAV)

    overviews: dict[str, Overview] = {}
    for overview in site.listings.overviews:
        src_uri = listing_src_uri(overview.url)
        overviews[src_uri] = overview
        _add_generated(files, config, src_uri, InclusionLevel.NOT_IN_NAV)

    if files.get_file_from_path(HOME_SRC_URI) is None:
        _add_generated(files, config, HOME_SRC_URI, InclusionLevel.INCLUDED)
    if site.settings.site_url:
        _add_generated(files, config, SUBSCRIBE_SRC_URI, InclusionLevel.NOT_IN_NAV)
        files.append(File.generated(config, "robots.txt", content=robots_txt(site.settings.site_url)))
    return listing_pages, overviews


def robots_txt(site_url: str) -> str:
    """Everything may be crawled; the sitemap lists exactly the published pages."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {site_url}sitemap.xml\n"


def _add_generated(files: Files, config: MkDocsConfig, src_uri: str, inclusion: InclusionLevel) -> None:
    existing = files.get_file_from_path(src_uri)
    if existing is not None:
        log.warning(f"content/{src_uri}: 这个手写页面与自动生成的列表页同名，已用手写页面")
        return
    files.append(File.generated(config, src_uri, content="", inclusion=inclusion))


def _remove_escaping_files(files: Files, docs_dir: Path) -> None:
    """Drop every file whose real location is outside the content folder (symlinks)."""
    for file in list(files):
        if file.src_dir is None or Path(file.src_dir) != docs_dir:
            continue  # theme files and generated files
        if file.abs_src_path and not is_inside(Path(file.abs_src_path), docs_dir):
            files.remove(file)
            log.warning(f"{os.path.relpath(file.abs_src_path)}: 指向 content 文件夹以外的链接不会发布")
