"""Decode, orient, convert and encode photos, in a process pool, into the content-hash cache.

Speed (issue #3): JPEGs are decoded at reduced scale (`Image.draft`) just large enough for the
largest output; smaller widths are derived from larger ones; WebP uses a low encoder effort.
Privacy: outputs are saved without `exif=` (a plain save writes no EXIF: ARCHITECTURE pitfall 15),
so GPS, camera and thumbnails are dropped; only an optional copyright tag is written. Encoders also
copy what an image's `info` holds (Pillow writes `info["comment"]` into a JPEG, `info["icc_profile"]`
into a PNG), so the decoded pixels carry no `info` at all (issue #8).
"""

from __future__ import annotations

import io
import logging
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageCms, ImageFile

from site_builder.atomic import atomic_write
from site_builder.images.formats import register_heif
from site_builder.images.plan import ImagePlan, Variant
from site_builder.settings import ImageSettings
from site_builder.workers import WorkerPool

log = logging.getLogger("mkdocs.plugins.site_builder.images")

COPYRIGHT_TAG = 0x8298
# EXIF orientation → the transpose that makes the pixels upright.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_SRGB = None


@dataclass(frozen=True)
class Job:
    source: str
    plan: ImagePlan
    out_dir: str
    settings: ImageSettings


@dataclass(frozen=True)
class JobResult:
    source: str
    key: str
    error: str = ""


def output_path(out_dir: Path, variant: Variant) -> Path:
    """Where a variant lives in the cache: sharded by the first two characters of its name."""
    return out_dir / variant.name[:2] / variant.name


def is_cached(plan: ImagePlan, out_dir: Path) -> bool:
    """True when every output of `plan` already exists: the name is the cache key."""
    return all(output_path(out_dir, v).is_file() for v in plan.variants)


def process_job(job: Job) -> JobResult:
    """Produce every variant of one photo; errors are returned as text, never raised."""
    try:
        image = decode(Path(job.source), job.plan, job.settings.max_pixels)
        write_variants(image, job.plan, Path(job.out_dir), job.settings)
    except Image.DecompressionBombError:
        return JobResult(job.source, job.plan.key, "图片像素数太大，无法安全处理")
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        return JobResult(job.source, job.plan.key, f"图片已损坏或不完整，无法处理（{error}）")
    return JobResult(job.source, job.plan.key)


def decode(path: Path, plan: ImagePlan, max_pixels: int) -> Image.Image:
    """The photo's pixels, upright, in sRGB (RGB or RGBA), at least as large as the largest output."""
    register_heif()
    Image.MAX_IMAGE_PIXELS = max_pixels
    with Image.open(path) as image:
        if getattr(image, "is_animated", False):
            image.seek(0)  # animated GIF/WebP: the first frame is published as a still photo
        largest = plan.fallback[-1]
        stored = (
            (largest.height, largest.width)
            if plan.probe.orientation in (5, 6, 7, 8)
            else (largest.width, largest.height)
        )
        if image.format == "JPEG" and image.mode in ("RGB", "L"):
            image.draft(image.mode, stored)
        image.load()
        icc = image.info.get("icc_profile")
        pixels = _to_srgb(image, icc)
    transpose = UPRIGHT.get(plan.probe.orientation)
    return pixels_only(pixels.transpose(transpose) if transpose is not None else pixels)


def pixels_only(image: Image.Image) -> Image.Image:
    """`image` without metadata: an empty `info` (comment, XMP, EXIF, ICC) and not a file object,
    whose format-specific tags (a TIFF's XMP and IPTC) encoders would also copy.

    The pixels are already upright and in sRGB, so nothing in the metadata is needed any more.
    """
    plain = image.copy() if isinstance(image, ImageFile.ImageFile) else image
    plain.info = {}
    return plain


# Each step of the chain shrinks by at most about 2× (the decode already came down by draft), and
# Pillow widens the filter when it downscales, so bicubic is antialiased here. Measured on 12 MP
# photos (bench/images.py): the chain costs 71 ms with bicubic against 97 ms with Lanczos.
RESAMPLING = Image.Resampling.BICUBIC


def write_variants(image: Image.Image, plan: ImagePlan, out_dir: Path, settings: ImageSettings) -> None:
    """Resize from large to small (each width from the previous one) and encode every format."""
    exif = _copyright_exif(settings.copyright)
    current = image
    for variant in sorted(plan.variants, key=lambda v: -v.width):
        size = (variant.width, variant.height)
        if current.size != size:
            current = current.resize(size, RESAMPLING, reducing_gap=3.0)
        _save(current, variant, out_dir, settings, exif)


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit grey: scale to 8 bits (a plain convert would clip everything above 255).
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if has_alpha else "RGB")
    if icc:
        image = _convert_with_profile(image, icc) or image
    return image if image.mode == target else image.convert(target)


def _convert_with_profile(image: Image.Image, icc: bytes) -> Image.Image | None:
    """The pixels in sRGB through the embedded ICC profile (Display P3 phones, CMYK scans);
    None when the profile cannot be used, and Pillow's plain conversion is used instead."""
    global _SRGB
    try:
        _SRGB = _SRGB or ImageCms.createProfile("sRGB")
        source_profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode in ("RGBA", "LA") else "RGB"
        if image.mode not in ("RGB", "RGBA", "CMYK", "L"):
            image = image.convert(output_mode)
        return ImageCms.profileToProfile(image, source_profile, _SRGB, outputMode=output_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return None


def _copyright_exif(text: str) -> bytes | None:
    if not text:
        return None
    exif = Image.Exif()
    # UTF-8 in the ASCII-typed tag, as phones and exiftool do: Chinese names survive.
    exif[COPYRIGHT_TAG] = text.encode("utf-8")
    return exif.tobytes()


def _save(image: Image.Image, variant: Variant, out_dir: Path, settings: ImageSettings, exif: bytes | None) -> None:
    target = output_path(out_dir, variant)
    target.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {}
    if variant.format == "webp":
        options = dict(format="WEBP", quality=settings.webp_quality, method=settings.webp_method)
    elif variant.format == "jpeg":
        # Optimised Huffman tables: about 10% smaller for 2–4 ms. Progressive would cost 2–3× that
        # for no size gain (bench/images.py --sweep), and the JPEG is only the fallback.
        options = dict(format="JPEG", quality=settings.jpeg_quality, optimize=True)
    elif variant.format == "png":
        options = dict(format="PNG", compress_level=6)
    elif variant.format == "ico":
        options = dict(format="ICO", sizes=[image.size])  # Pillow's default drops sizes above the shorter side
    else:
        options = dict(format=variant.format.upper())  # theme assets: gif, bmp, tiff
    if exif and variant.format in ("webp", "jpeg", "png"):
        options["exif"] = exif  # only the copyright tag built above, never the source's EXIF
    with atomic_write(target) as stream:
        image.save(stream, **options)


class ImageProcessor:
    """Runs jobs on every core through the shared worker pool."""

    def __init__(self, pool: WorkerPool | None = None) -> None:
        self.pool = pool or WorkerPool()

    def submit(self, jobs: list[Job]) -> PendingJobs:
        """Start `jobs` in the background (in the pool when there are several and several cores)."""
        if self.pool.is_parallel and len(jobs) > 1:
            return PendingJobs(len(jobs), self.pool.executor().map(process_job, jobs, chunksize=1))
        return PendingJobs(len(jobs), map(process_job, jobs))


class PendingJobs:
    """Results of submitted jobs, collected when the build needs the files."""

    def __init__(self, total: int, results: Iterable[JobResult]) -> None:
        self.total = total
        self._results = results

    def wait(self, progress: Callable[[int, int], None] | None = None) -> list[JobResult]:
        results = []
        for result in self._results:
            results.append(result)
            if progress:
                progress(len(results), self.total)
        return results


def report_progress(every: int = 25) -> Callable[[int, int], None]:
    """A progress callback: a live counter on a terminal, one line per `every` photos otherwise."""
    started = time.monotonic()
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        if interactive:
            end = "\n" if done == total else ""
            print(f"\r图片处理 {done}/{total}（{elapsed:.0f} 秒）", end=end, file=sys.stderr, flush=True)
        elif done % every == 0 or done == total:
            log.info(f"图片处理 {done}/{total}（{elapsed:.0f} 秒）")

    return progress
