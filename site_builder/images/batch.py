"""Process every photo a set of pages uses, once each, and report a failure wherever it is used.

Shared by `build` (the MkDocs adapter starts the batch before pages are rendered and waits for it
after) and by `check` (which waits at once). Both decode every photo into the same content-hash
cache, so `check` rejects every photo `build` would, and the build after a check decodes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from site_builder.diagnostics import Diagnostics
from site_builder.images.collect import PageImages
from site_builder.images.plan import ImagePlan
from site_builder.images.process import ImageProcessor, Job, PendingJobs, is_cached, report_progress
from site_builder.settings import SiteSettings

PROGRESS_FROM = 10
"""Batches larger than this show a progress counter."""
PHOTO_HINT = "请用手机相册或画图软件重新导出这张照片"


def image_cache_dir(settings: SiteSettings) -> Path:
    """Where processed variants are kept between builds (never inside content/)."""
    return (settings.cache_dir or settings.project_dir / ".cache") / "images"


@dataclass(frozen=True)
class Placement:
    """One place an image is used, so that a failure can be reported there."""

    path: Path
    plan: ImagePlan
    shown_path: str
    line: int
    what: str
    """How the message names the image, e.g. 照片“合影.jpg” or 主题用到的这张图片."""
    hint: str = PHOTO_HINT


def photo_placements(pages: Iterable[PageImages]) -> list[Placement]:
    """Every use of a photo by the given pages."""
    return [
        Placement(use.path, use.plan, images.owner.display_path, use.ref.line, f"照片“{use.ref.src}”")
        for images in pages
        for use in images.uses()
    ]


@dataclass
class PhotoBatch:
    """Photos under way: the jobs submitted, how many were already cached, their results to come."""

    placements: list[Placement]
    jobs: list[Job]
    cached: int
    pending: PendingJobs


def start_batch(placements: list[Placement], processor: ImageProcessor, settings: SiteSettings) -> PhotoBatch:
    """Submit each image whose variants are not all in the cache yet (each image once)."""
    cache_dir = image_cache_dir(settings)
    unique: dict[str, tuple[Path, ImagePlan]] = {}
    for placement in placements:
        unique.setdefault(placement.plan.key, (placement.path, placement.plan))
    jobs = [
        Job(str(path), plan, str(cache_dir), settings.images)
        for path, plan in unique.values()
        if not is_cached(plan, cache_dir)
    ]
    return PhotoBatch(placements, jobs, len(unique) - len(jobs), processor.submit(jobs))


def finish_batch(batch: PhotoBatch, diagnostics: Diagnostics) -> int:
    """Wait for the jobs; an image that failed is an error at every place that uses it.

    Returns how many images were processed successfully.
    """
    results = batch.pending.wait(report_progress() if len(batch.jobs) > PROGRESS_FROM else None)
    failed = {result.key: result.error for result in results if result.error}
    for placement in batch.placements:
        if placement.plan.key in failed:
            diagnostics.error(
                placement.shown_path,
                placement.line,
                f"{placement.what}无法处理：{failed[placement.plan.key]}",
                placement.hint,
            )
    return len(results) - len(failed)
