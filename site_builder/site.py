"""The core pipeline in one call: scan → front matter → articles → publication → URLs → listings.

Used by `site-builder check` (which stops here) and by the MkDocs adapter (which renders the
result). It never imports MkDocs and never writes a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from site_builder.content.articles import load_article
from site_builder.content.cache import ArticleCache
from site_builder.content.links import Attachment, collect_attachments
from site_builder.content.model import Article, SourceFile
from site_builder.content.scan import HandWrittenPage, scan_hand_written_pages, scan_sections
from site_builder.diagnostics import Diagnostics
from site_builder.listings import Listings, build_listings
from site_builder.publication_rules import Decision, decide
from site_builder.settings import SiteSettings
from site_builder.urls import assign_urls


@dataclass(frozen=True)
class Site:
    """The published site as a model: what to render, and what was withheld and why."""

    settings: SiteSettings
    published: tuple[Article, ...]
    """Newest first."""
    withheld: tuple[tuple[Article, Decision], ...]
    with_errors: tuple[Article, ...]
    """Articles whose front matter was read but has errors: never published, still checked
    (photos, links) so that one run reports every problem of a file."""
    section_intros: dict[str, Path]
    listings: Listings
    attachments: tuple[Attachment, ...] = ()
    """Files the published articles link to, published beside them."""
    hand_written: tuple[HandWrittenPage, ...] = ()
    """Markdown pages outside the sections (the home page, about.md…)."""
    source_digests: Mapping[str, str] = field(default_factory=dict)
    """Article source name → digest of its file's bytes (when read through the cache): an article
    is a function of these bytes, its settings and its URL, which incremental builds rely on."""

    def article_by_src_uri(self) -> dict[str, Article]:
        return {a.source.src_uri: a for a in self.published}


def load_site(
    settings: SiteSettings, now: datetime, diagnostics: Diagnostics, cache: ArticleCache | None = None
) -> Site:
    """Read and validate all content and decide what is published at `now` (aware datetime).

    With a `cache`, an article whose file did not change since the last build is not parsed again.
    """
    scan = scan_sections(settings, diagnostics)
    published: list[Article] = []
    withheld: list[tuple[Article, Decision]] = []
    with_errors: list[Article] = []
    digests: dict[str, str] = {}
    for source in scan.articles:
        article, has_errors = _read_article(source, settings, diagnostics, cache, digests)
        if article is None:
            continue
        if has_errors:
            with_errors.append(article)
            continue
        decision = decide(article, now, settings.require_review)
        if decision.is_published or settings.include_withheld:
            published.append(article)
        else:
            withheld.append((article, decision))
    collect_attachments(tuple(with_errors), settings.content_dir, diagnostics)  # its link errors only
    published.sort(key=Article.sort_key)
    published = assign_urls(published, diagnostics)
    return Site(
        settings=settings,
        published=tuple(published),
        withheld=tuple(withheld),
        with_errors=tuple(with_errors),
        section_intros=scan.section_intros,
        listings=build_listings(published, settings),
        attachments=collect_attachments(tuple(published), settings.content_dir, diagnostics),
        hand_written=scan_hand_written_pages(settings),
        source_digests=digests,
    )


def _read_article(
    source: SourceFile,
    settings: SiteSettings,
    diagnostics: Diagnostics,
    cache: ArticleCache | None,
    digests: dict[str, str],
) -> tuple[Article | None, bool]:
    """The article of `source` (from the cache when its bytes are unchanged) and whether it has errors."""
    digest = ""
    if cache is not None:
        try:
            digest = cache.digest(source.path.read_bytes())
        except OSError:
            digest = ""
        if digest:
            digests[source.src_uri] = digest
        cached = cache.get(source, digest) if digest else None
        if cached is not None:
            diagnostics.extend(cached.warnings)
            return cached.article, False
    found = Diagnostics()
    article = load_article(source, settings.timezone, found, keep_with_errors=True)
    diagnostics.extend(found.sorted())
    has_errors = bool(found.errors)
    if cache is not None and digest and article is not None and not has_errors:
        cache.put(source, digest, article, found.warnings)
    return article, has_errors
