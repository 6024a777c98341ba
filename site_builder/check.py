"""`site-builder check`: the whole core pipeline without rendering or writing the site.

It finds every problem `build` would: content, links, and every photo decoded (through the same
cache the build uses, so the build that follows a clean check decodes nothing again). It also
proofreads every text and reports how fresh each section is (issue #11), which `build` does not.
"""

from __future__ import annotations

from datetime import datetime

from site_builder.diagnostics import Diagnostics, display_path
from site_builder.images.batch import finish_batch, image_cache_dir, photo_placements, start_batch
from site_builder.images.collect import collect_site_images
from site_builder.images.probe import ProbeCache
from site_builder.images.process import ImageProcessor
from site_builder.proofread import Finding
from site_builder.proofread.documents import make_proofreader, proofread_article, proofread_page
from site_builder.proofread.freshness import SectionFreshness, assess_freshness
from site_builder.proofread.glossary import GLOSSARY_NAME, load_glossary
from site_builder.settings import SiteSettings
from site_builder.site import Site, load_site
from site_builder.workers import WorkerPool


def check_site(settings: SiteSettings, now: datetime, diagnostics: Diagnostics, workers: int | None = None) -> Site:
    """Validate all content and every photo a published page uses, or an article with errors would;
    then proofread every text and warn about stale or empty sections."""
    site = load_site(settings, now, diagnostics)
    probes = ProbeCache(image_cache_dir(settings) / "probes.json")
    images = collect_site_images(site, probes, diagnostics)
    probes.save()
    pool = WorkerPool(workers)
    try:
        placements = photo_placements([*images.pages.values(), *images.unpublished.values()])
        finish_batch(start_batch(placements, ImageProcessor(pool), settings), diagnostics)
    finally:
        pool.close()
    if settings.proofread != "off":
        proofread_site(site, diagnostics)
    warn_about_freshness(section_freshness(site, now), site, diagnostics)
    return site


def proofread_site(site: Site, diagnostics: Diagnostics) -> None:
    """Every article (withheld ones too: a draft is where mistakes are cheapest to fix) and every
    hand-written page, against the rules and the site's glossary (`content/glossary.yml`)."""
    settings = site.settings
    glossary_path = settings.content_dir / GLOSSARY_NAME
    glossary = load_glossary(glossary_path, display_path(glossary_path, settings.project_dir), diagnostics)
    proofreader = make_proofreader(glossary)
    report = diagnostics.error if settings.proofread == "error" else diagnostics.warning

    def add(path: str, findings: list[Finding]) -> None:
        for finding in findings:
            report(path, finding.line, finding.message, finding.hint)

    articles = [*site.published, *(article for article, _ in site.withheld), *site.with_errors]
    for article in articles:
        add(article.source.display_path, proofread_article(article, proofreader))
    for page in site.hand_written:
        add(page.display_path, proofread_page(page.text, proofreader))
    for intro in site.section_intros.values():
        try:
            text = intro.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the build reports an unreadable page
        add(display_path(intro, settings.project_dir), proofread_page(text, proofreader))


def section_freshness(site: Site, now: datetime) -> list[SectionFreshness]:
    """Each declared section's newest published article and its age at `now`."""
    return assess_freshness(site.settings.sections, site.published, now)


def warn_about_freshness(rows: list[SectionFreshness], site: Site, diagnostics: Diagnostics) -> None:
    """A warning for each section that is empty or older than its threshold (at its folder)."""
    settings = site.settings
    for row in rows:
        folder = display_path(settings.content_dir / row.section.name, settings.project_dir)
        hint = f"如果这个栏目本来就更新得少，可在 mkdocs.yml 的 sections 里给 {row.section.name} 设置 stale_after_days"
        if row.is_empty:
            diagnostics.warning(
                folder,
                0,
                f"栏目“{row.section.title}”还没有发布任何文章（空白栏目在《政府网站与政务新媒体检查指标》中扣分）",
                "请发布文章，或从 mkdocs.yml 的 sections 中删掉这个栏目",
            )
        elif row.is_stale:
            diagnostics.warning(
                folder,
                0,
                f"栏目“{row.section.title}”已 {row.days} 天没有发布新文章（最近一篇 {row.latest}），"
                f"超过了 {row.threshold} 天",
                hint,
            )
