"""Publication rules, decided once per article (CONTRACT "What must never be published").

Later stages receive published articles only; a withheld article's photos are never processed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from site_builder.content.model import Article


class Reason(enum.Enum):
    PUBLISHED = "已发布"
    DRAFT = "草稿（draft: true）"
    FUTURE = "日期在将来"
    UNREVIEWED = "未审核（缺少 reviewed_by）"


@dataclass(frozen=True)
class Decision:
    reason: Reason

    @property
    def is_published(self) -> bool:
        return self.reason is Reason.PUBLISHED


def decide(article: Article, now: datetime, require_review: bool) -> Decision:
    """Whether `article` is published at `now` (aware); the first rule that withholds it wins."""
    if article.draft:
        return Decision(Reason.DRAFT)
    if article.date > now:
        return Decision(Reason.FUTURE)
    if require_review and not article.reviewed_by:
        return Decision(Reason.UNREVIEWED)
    return Decision(Reason.PUBLISHED)
