"""How fresh each section is: days since its newest published article, against a threshold.

The default thresholds come from the State Council's《政府网站与政务新媒体检查指标》
(国务院办公厅，国办函〔2019〕80号), 扣分指标“内容更新 — 栏目更新”: a 动态、要闻类 column not
updated in the two weeks before the inspection, and a 通知公告、政策文件类 column not updated
in the six months before it, each cost points; an empty column (空白栏目) does too. Superior
关工委 and 网信 offices inspect committee sites by these rules, so `check` warns before they do.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from site_builder.content.model import Article
from site_builder.settings import SectionSettings

NEWS_STALE_AFTER_DAYS = 14
"""动态、要闻类栏目: updated at least every 2 weeks (指标“栏目更新”). The default for every section
that is not a notice board: a 关工委's 工作动态, 活动报道 and 先进事迹 are all its news."""
NOTICES_STALE_AFTER_DAYS = 180
"""通知公告、政策文件类栏目: updated at least every 6 months (same 指标)."""
NOTICE_WORDS = ("通知", "公告", "公示", "政策", "文件")


def stale_after_days(section: SectionSettings) -> int:
    """The section's own `stale_after_days`, else 180 for a notice board (named `notices` or
    titled 通知/公告/公示/政策/文件) and 14 for everything else."""
    if section.stale_after_days is not None:
        return section.stale_after_days
    is_notices = section.name == "notices" or any(word in section.title for word in NOTICE_WORDS)
    return NOTICES_STALE_AFTER_DAYS if is_notices else NEWS_STALE_AFTER_DAYS


@dataclass(frozen=True)
class SectionFreshness:
    """One section's newest published article and what it means for the section."""

    section: SectionSettings
    threshold: int
    """Days after which the section counts as not updated."""
    latest: date | None
    """Date of the newest published article; None for an empty section."""
    days: int | None
    """Whole days from `latest` to the day of the check."""

    @property
    def is_empty(self) -> bool:
        return self.latest is None

    @property
    def is_stale(self) -> bool:
        return self.days is not None and self.days > self.threshold

    def status(self) -> str:
        """正常 / 超过 N 天未更新 / 没有文章."""
        if self.is_empty:
            return "没有文章"
        return f"超过 {self.threshold} 天未更新" if self.is_stale else "正常"


def assess_freshness(
    sections: Iterable[SectionSettings], published: Iterable[Article], now: datetime
) -> list[SectionFreshness]:
    """Each section's freshness at `now` (aware; its day is taken in the zone `now` carries),
    counting published articles only: a draft or a scheduled article is not an update yet."""
    today = now.date()
    latest: dict[str, date] = {}
    for article in published:
        day = article.date.astimezone(now.tzinfo).date()
        if article.section not in latest or day > latest[article.section]:
            latest[article.section] = day
    rows = []
    for section in sections:
        newest = latest.get(section.name)
        days = (today - newest).days if newest is not None else None
        rows.append(SectionFreshness(section, stale_after_days(section), newest, days))
    return rows


def render_freshness_table(rows: Sequence[SectionFreshness], now: datetime) -> list[str]:
    """The freshness of every section as an aligned table (Chinese characters count two columns)."""
    header = ("栏目", "最近一篇", "距今天数", "状态")
    cells = [header] + [
        (
            row.section.title,
            row.latest.isoformat() if row.latest else "-",
            str(row.days) if row.days is not None else "-",
            row.status(),
        )
        for row in rows
    ]
    widths = [max(_width(line[column]) for line in cells) for column in range(len(header))]
    lines = [f"栏目更新情况（截至 {now:%Y-%m-%d}）："]
    for line in cells:
        title, latest, days, status = line
        lines.append(
            "  "
            + "  ".join(
                (_pad(title, widths[0]), _pad(latest, widths[1]), _pad(days, widths[2], right=True), status)
            ).rstrip()
        )
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    padding = " " * (width - _width(text))
    return padding + text if right else text + padding
