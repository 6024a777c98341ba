"""Image benchmark: our pipeline against a plain Pillow baseline on 12 MP phone photos.

    python -m bench.images [--photos 8] [--sweep] [--huge]

Per photo, for the full output set (3 widths × WebP + JPEG), on one core:
- baseline: open, exif_transpose, LANCZOS resize of the full image to each width, WebP q80 with
  Pillow's default effort, JPEG q82;
- ours: `site_builder.images.process.process_job` with the default settings.
Prints median ms per photo, total output bytes and the ratios; then the whole corpus through the
worker pool with 1 and with every core (wall time), and the peak memory per worker. `--sweep`
measures WebP effort and JPEG options (the numbers behind the defaults); `--huge` processes a
200 MP photo and reports its peak memory.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageOps

from bench.photos import phone_photo
from site_builder.images.plan import plan_image
from site_builder.images.probe import probe_image
from site_builder.images.process import Job, output_path, process_job
from site_builder.settings import ImageSettings

WORK = Path(__file__).resolve().parent.parent / ".bench" / "images"


def baseline(path: Path, widths: tuple[int, ...]) -> int:
    """The plain Pillow way; returns the bytes written."""
    total = 0
    with Image.open(path) as opened:
        image = ImageOps.exif_transpose(opened)
        for width in widths:
            height = round(image.height * width / image.width)
            resized = image.resize((width, height), Image.Resampling.LANCZOS)
            for fmt, options in (("WEBP", {"quality": 80}), ("JPEG", {"quality": 82})):
                buffer = io.BytesIO()
                resized.save(buffer, fmt, **options)
                total += len(buffer.getvalue())
    return total


def ours(path: Path, settings: ImageSettings, out: Path) -> int:
    plan = plan_image(probe_image(path), settings)
    result = process_job(Job(str(path), plan, str(out), settings))
    assert not result.error, result.error
    return sum(output_path(out, v).stat().st_size for v in plan.variants)


def timed(fn, *args) -> tuple[float, int]:
    started = time.perf_counter()
    value = fn(*args)
    return (time.perf_counter() - started) * 1000, value


def make_photos(count: int) -> list[Path]:
    folder = WORK / "photos"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"IMG_{index:04d}.jpg"
        if not path.exists():
            path.write_bytes(phone_photo(index, portrait=index % 3 == 2))
        paths.append(path)
    return paths


def _worker_job(args) -> tuple[float, int]:
    path, settings, out = args
    started = time.perf_counter()
    ours(Path(path), settings, Path(out))
    return time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def corpus_wall_time(paths: list[Path], settings: ImageSettings, workers: int) -> tuple[float, int]:
    out = Path(tempfile.mkdtemp(dir=WORK))
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_worker_job, [(str(p), settings, str(out)) for p in paths]))
    elapsed = time.perf_counter() - started
    shutil.rmtree(out)
    return elapsed, max(peak for _, peak in results)


def sweep(paths: list[Path]) -> None:
    print("\nencoder settings (960 px outputs of the sample, summed):")
    images = []
    for path in paths[:4]:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            images.append(image.resize((960, round(image.height * 960 / image.width)), Image.Resampling.LANCZOS))
    trials = [("WEBP", {"quality": 80, "method": m}) for m in (0, 1, 2, 3, 4, 6)]
    trials += [
        ("JPEG", {"quality": 82}),
        ("JPEG", {"quality": 82, "optimize": True}),
        ("JPEG", {"quality": 82, "optimize": True, "progressive": True}),
    ]
    for fmt, options in trials:
        times, size = [], 0
        for image in images:
            buffer = io.BytesIO()
            started = time.perf_counter()
            image.save(buffer, fmt, **options)
            times.append((time.perf_counter() - started) * 1000)
            size += len(buffer.getvalue())
        print(f"  {fmt:4} {options!s:48} {statistics.median(times):6.1f} ms  {size / 1024:7.0f} KB")


def huge(settings: ImageSettings) -> None:
    path = WORK / "huge-200mp.jpg"
    if not path.exists():
        Image.new("RGB", (16320, 12240), (120, 160, 200)).save(path, "JPEG", quality=80)
    out = Path(tempfile.mkdtemp(dir=WORK))
    with ProcessPoolExecutor(max_workers=1) as pool:
        seconds, peak = pool.submit(_worker_job, (str(path), settings, str(out))).result()
    shutil.rmtree(out)
    print(f"\n200 MP photo (16320×12240): {seconds:.1f} s, worker peak memory {peak} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--huge", action="store_true")
    args = parser.parse_args()
    settings = ImageSettings()
    paths = make_photos(args.photos)
    print(
        f"{len(paths)} photos, {sum(p.stat().st_size for p in paths) / len(paths) / 2**20:.1f} MB each on average, "
        f"widths {settings.widths}, WebP q{settings.webp_quality} effort {settings.webp_method}, JPEG q{settings.jpeg_quality}"
    )

    base_ms, base_bytes, our_ms, our_bytes = [], 0, [], 0
    for path in paths:
        out = Path(tempfile.mkdtemp(dir=WORK))
        ms, size = timed(baseline, path, settings.widths)
        base_ms.append(ms)
        base_bytes += size
        ms, size = timed(ours, path, settings, out)
        our_ms.append(ms)
        our_bytes += size
        shutil.rmtree(out)
    b, o = statistics.median(base_ms), statistics.median(our_ms)
    print(f"baseline : {b:7.0f} ms/photo  {base_bytes / 2**20:7.2f} MB output")
    print(f"ours     : {o:7.0f} ms/photo  {our_bytes / 2**20:7.2f} MB output")
    print(f"ratio    : {b / o:7.2f}× faster, output bytes {100 * (our_bytes / base_bytes - 1):+.1f}% vs baseline")

    cores = os.cpu_count() or 1
    one, peak_one = corpus_wall_time(paths, settings, 1)
    print(f"\ncorpus through the pool: 1 worker {one:.2f} s", end="")
    if cores > 1:
        many, _peak_many = corpus_wall_time(paths, settings, cores)
        print(f", {cores} workers {many:.2f} s (speed-up {one / many:.2f}×)", end="")
    print(f"; peak memory per worker {peak_one} MB")
    if args.sweep:
        sweep(paths)
    if args.huge:
        huge(settings)


if __name__ == "__main__":
    main()
