"""Text-scale benchmark: our build time per article at 250 / 1,000 / 2,000 articles (10,000 with
--large), its marginal slope on each interval (growth must stay linear), peak memory, and the same
corpus built with Material's blog plugin in the same run, as a ratio.

    python -m bench.run [--sizes 250 1000 2000] [--repeat 3] [--material-repeat 1] [--large] [--no-material]

Each build runs in a fresh process (`site-builder build` / `mkdocs build`); times are wall-clock
medians over the repeats; peak memory is the largest proportional set size (PSS) of the build
process and its workers together, sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.corpus import generate, write_material_blog, write_site_builder

WORK = Path(__file__).resolve().parent.parent / ".bench"
BIN = Path(sys.executable).parent
NOW = {"SITE_BUILDER_NOW": "2026-11-21T12:00:00+08:00"}


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants (the worker pool), from /proc.

    Proportional set size, so pages the forked workers share with their parent count once.
    """
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as rollup:
                total += next(int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (OSError, ValueError, StopIteration):
            continue
    return total / 2**20


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB, whole process tree) of one run of `command`."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **NOW}
    )
    peak = 0.0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, tree_memory_mb(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"build failed in {cwd}: {stderr.decode()[-2000:]}")
    return elapsed, peak


def measure(command: list[str], cwd: Path, repeat: int, clean: list[str]) -> tuple[float, float]:
    """Median seconds and largest peak RSS over `repeat` cold builds (caches removed each time)."""
    times, peaks = [], []
    for _ in range(repeat):
        for name in clean:
            shutil.rmtree(cwd / name, ignore_errors=True)
        seconds, peak = timed(command, cwd)
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def slopes(sizes: list[int], seconds: list[float]) -> list[float]:
    """Marginal milliseconds per article on each interval between consecutive sizes."""
    return [1000 * (seconds[i + 1] - seconds[i]) / (sizes[i + 1] - sizes[i]) for i in range(len(sizes) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 2000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--material-repeat", type=int, default=1)
    parser.add_argument("--large", action="store_true", help="also build 10,000 articles (ours only)")
    parser.add_argument("--no-material", action="store_true")
    args = parser.parse_args()
    sizes = sorted(args.sizes + ([10_000] if args.large else []))

    ours, theirs, peaks = [], {}, []
    print(
        f"{'articles':>8} {'ours s':>8} {'ms/art':>7} {'peak MB':>8} {'material s':>11} {'ms/art':>7} {'ours/material':>14}"
    )
    for size in sizes:
        articles = generate(size)
        ours_dir = WORK / f"ours-{size}"
        shutil.rmtree(ours_dir, ignore_errors=True)
        write_site_builder(articles, ours_dir)
        seconds, peak = measure(
            [str(BIN / "site-builder"), "build", "-d", "site"], ours_dir, args.repeat, [".cache", "site"]
        )
        ours.append(seconds)
        peaks.append(peak)
        row = f"{size:>8} {seconds:>8.2f} {1000 * seconds / size:>7.2f} {peak:>8.0f}"
        if not args.no_material and size <= 4000:
            blog_dir = WORK / f"material-{size}"
            shutil.rmtree(blog_dir, ignore_errors=True)
            write_material_blog(articles, blog_dir)
            their_seconds, _their_peak = measure(
                [str(BIN / "mkdocs"), "build", "-q"], blog_dir, args.material_repeat, [".cache", "site"]
            )
            theirs[size] = their_seconds
            row += f" {their_seconds:>11.2f} {1000 * their_seconds / size:>7.2f} {seconds / their_seconds:>14.2f}"
        print(row, flush=True)

    marginal = slopes(sizes, ours)
    print()
    for (a, b), slope in zip(itertools.pairwise(sizes), marginal, strict=False):
        print(f"marginal ms/article {a:>6} → {b:<6}: {slope:6.2f}")
    if len(marginal) >= 2:
        print(
            f"linearity: second slope / first = {marginal[1] / marginal[0]:.2f} (target ≤ 1.3); "
            f"last / first = {marginal[-1] / marginal[0]:.2f}"
        )
    if len(theirs) >= 2:
        their_sizes = sorted(theirs)
        their_marginal = slopes(their_sizes, [theirs[s] for s in their_sizes])
        print("material marginal ms/article: " + ", ".join(f"{m:.2f}" for m in their_marginal))
    print(f"peak memory (largest build): {max(peaks):.0f} MB")


if __name__ == "__main__":
    main()
