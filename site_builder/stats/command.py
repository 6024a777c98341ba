"""`site-builder stats`: read the site, compute the figures, print them and write the files asked for.

The command line parses the arguments and prints; this module does the rest without MkDocs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from site_builder.chronicle import build_chronicles
from site_builder.content.cache import ArticleCache
from site_builder.diagnostics import Diagnostics
from site_builder.images.batch import image_cache_dir
from site_builder.settings import SiteSettings
from site_builder.site import load_site
from site_builder.stats.figures import compute_statistics, known_units, load_unit_names
from site_builder.stats.render import render_csv, render_report, render_terminal


class StatsUsageError(Exception):
    """The request cannot be answered as asked (exit code 2); the message says what to write."""


@dataclass(frozen=True)
class StatsRequest:
    year: int | None = None
    unit: str | None = None
    csv: Path | None = None
    report: Path | None = None


@dataclass
class StatsOutput:
    table: list[str]
    """The figures for the terminal (standard output)."""
    notes: list[str] = field(default_factory=list)
    """What was written, what was left out (standard error)."""


def run_stats(settings: SiteSettings, now: datetime, request: StatsRequest) -> StatsOutput:
    """The figures of the site's published articles at `now`, as asked; raises StatsUsageError."""
    if request.report is not None and request.year is None:
        raise StatsUsageError("年度总结需要指定年份，例如 site-builder stats --year 2025 --report 2025年总结.md")
    cache = ArticleCache(image_cache_dir(settings).parent / "articles.pickle", salt=str(settings.timezone))
    site = load_site(settings, now, Diagnostics(), cache)
    cache.save()
    unit_names = load_unit_names(settings)
    unit = unit_names.get(request.unit, request.unit) if request.unit else None
    if unit is not None:
        units = known_units(site.published, unit_names)
        if unit not in units:
            guess = difflib.get_close_matches(unit, units, n=1, cutoff=0.5)
            hint = f"，您是否想写 {guess[0]}？" if guess else f"。已有的单位：{'、'.join(units) or '（无）'}"
            raise StatsUsageError(f"没有单位“{request.unit}”的已发布文章{hint}")
    stats = compute_statistics(site.published, settings, unit_names, year=request.year, unit=unit)
    output = StatsOutput(render_terminal(stats))
    if site.with_errors:
        output.notes.append(
            f"有 {len(site.with_errors)} 篇文章有错误，没有发布，也没有计入；请运行 site-builder check 查看"
        )
    if request.csv is not None:
        _write(request.csv, render_csv(stats), "utf-8-sig")
        output.notes.append(f"已写出 CSV：{request.csv}（{len(stats.unit_months)} 行，UTF-8，Excel 可直接打开）")
    if request.report is not None:
        chronicle = next((c for c in build_chronicles(stats.articles, settings) if c.year == request.year), None)
        _write(request.report, render_report(stats, chronicle, settings, now.date(), unit_names), "utf-8")
        output.notes.append(f"已写出年度总结素材：{request.report}（请核对后使用）")
    return output


def _write(path: Path, text: str, encoding: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding=encoding, newline="") as stream:
            stream.write(text)
    except OSError as error:
        raise StatsUsageError(f"无法写入 {path}（{error.strerror}），请换一个文件名或文件夹") from None
