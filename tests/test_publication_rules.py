from dataclasses import replace
from pathlib import Path

import pytest

from site_builder.content.model import Article, SourceFile
from site_builder.publication_rules import Reason, decide, publication_time
from tests.conftest import SHANGHAI, shanghai

SOURCE = SourceFile("news", Path("/c/news/2024-05-01-x.md"), "news/2024-05-01-x.md", "x", False, "2024-05-01", "x")
NOW = shanghai(2024, 5, 1, 12)
BASE = Article(SOURCE, "甲", shanghai(2024, 5, 1, 9), "", 1, reviewed_by="周明华")


@pytest.mark.parametrize(
    "changes, require_review, reason",
    [
        ({}, True, Reason.PUBLISHED),
        ({"draft": True}, False, Reason.DRAFT),
        ({"date": shanghai(2024, 5, 1, 12, 0, 1)}, False, Reason.FUTURE),
        ({"date": NOW}, False, Reason.PUBLISHED),
        ({"reviewed_by": ""}, True, Reason.UNREVIEWED),
        ({"reviewed_by": ""}, False, Reason.PUBLISHED),
    ],
)
def test_each_publication_rule(changes, require_review, reason):
    assert decide(replace(BASE, **changes), NOW, require_review).reason is reason


def test_an_article_dated_today_in_shanghai_is_not_future_at_utc_midnight():
    # 2024-05-01 00:30 in Shanghai is 2024-04-30 16:30 UTC: published, not "tomorrow".
    article = replace(BASE, date=shanghai(2024, 5, 1, 0, 30))
    assert decide(article, shanghai(2024, 5, 1, 0, 31), False).is_published


def test_publication_time_can_be_fixed_for_reproducible_builds():
    assert publication_time(SHANGHAI, {"SITE_BUILDER_NOW": "2026-01-02T03:04"}) == shanghai(2026, 1, 2, 3, 4)
    with pytest.raises(ValueError, match="SITE_BUILDER_NOW"):
        publication_time(SHANGHAI, {"SITE_BUILDER_NOW": "明天"})
    assert publication_time(SHANGHAI, {}).tzinfo is SHANGHAI
