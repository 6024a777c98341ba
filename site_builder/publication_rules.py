"""Publication rules, decided once per article (CONTRACT "What must never be published").

Later stages receive published articles only; a withheld article's photos are never processed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from site_builder.content.model import Article


class Reason(enum.Enum):
    PUBLISHED = "已发布"
    DRAFT = "草稿（draft: true）"
    FUTURE = "定时发布"
    UNREVIEWED = "未审核（缺少 reviewed_by）"


@dataclass(frozen=True)
class Decision:
    reason: Reason
    publish_at: datetime | None = None
    """For a future-dated article: the moment it will appear (its date)."""

    @property
    def is_published(self) -> bool:
        return self.reason is Reason.PUBLISHED

    def describe(self) -> str:
        """The reason in the words an editor uses: 草稿 / 定时发布于 2030-01-01 09:00 / 未审核."""
        if self.reason is Reason.FUTURE and self.publish_at is not None:
            return f"定时发布于 {self.publish_at:%Y-%m-%d %H:%M}（到时重新生成网站后出现）"
        return self.reason.value


def decide(article: Article, now: datetime, require_review: bool) -> Decision:
    """Whether `article` is published at `now` (aware); the first rule that withholds it wins."""
    if article.draft:
        return Decision(Reason.DRAFT)
    if article.date > now:
        return Decision(Reason.FUTURE, publish_at=article.date)
    if require_review and not article.reviewed_by:
        return Decision(Reason.UNREVIEWED)
    return Decision(Reason.PUBLISHED)


def withheld_report(withheld: Iterable[tuple[Article, Decision]]) -> list[str]:
    """One line per withheld article, `path: 未发布：reason`, so nobody wonders where it went."""
    return [
        f"{article.source.display_path}: 未发布：{decision.describe()}"
        for article, decision in sorted(withheld, key=lambda item: item[0].source.display_path)
    ]


NOW_VARIABLE = "SITE_BUILDER_NOW"


def publication_time(zone: tzinfo, environ: Mapping[str, str]) -> datetime:
    """The moment publication is decided for: now, or `SITE_BUILDER_NOW` (ISO 8601) when set.

    Fixing the time makes builds reproducible and lets an editor preview what the site will
    show on a given day; a naive value is read in the site's zone.
    """
    value = environ.get(NOW_VARIABLE, "").strip()
    if not value:
        return datetime.now(zone)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"环境变量 {NOW_VARIABLE}=“{value}”不是有效的时间，请写成 2026-05-01T09:00") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
