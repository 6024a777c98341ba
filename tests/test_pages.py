"""The page registry and teasers (issue #9): one spec per page, teasers independent of any page."""

from __future__ import annotations

from datetime import datetime

import pytest

from site_builder.diagnostics import Diagnostics
from site_builder.feeds import plan_feeds
from site_builder.pages import build_registry
from site_builder.site import load_site
from site_builder.summaries import teaser_markdown
from tests.conftest import SHANGHAI, article, run_cli, site_settings, write_tree
from tests.images_fixtures import phone_jpeg
from tests.test_build_demo import broken_references

PHOTO_FIRST = """\
---
title: 照片在前的活动报道
date: 2024-05-02
unit: 石桥镇关工委
---

![孩子们在读书](读书.jpg)

五老志愿者带领孩子们在[农家书屋](附件.pdf)读书，**气氛热烈**。

第二段。
"""


@pytest.mark.parametrize(
    "body, teaser",
    [
        ("![照片](a.jpg)\n\n第一段文字。\n\n第二段。", "第一段文字。"),
        ("## 小标题\n\n- 列表\n- 项\n\n正文段落。", "正文段落。"),
        ("导语一。\n\n导语二。\n<!-- more -->\n正文。", "导语一。\n\n导语二。"),
        ("![只有照片](a.jpg)\n", ""),
    ],
)
def test_the_teaser_is_the_first_prose_paragraph_or_the_text_before_more(body, teaser):
    assert teaser_markdown(body) == teaser


def test_a_photo_first_article_gives_listings_a_text_teaser_and_every_link_resolves(make_project, capsys):
    project = make_project(
        {
            "reports/2024-05-02-照片在前/index.md": PHOTO_FIRST,
            "reports/2024-05-02-照片在前/读书.jpg": phone_jpeg(6),
            "reports/2024-05-02-照片在前/附件.pdf": b"%PDF-1.7",
            "reports/2024-05-01-另一篇.md": article("另一篇", unit="石桥镇关工委"),
        }
    )
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    site = project / "site"
    assert broken_references(site) == []
    for listing in ("reports/index.html", "units/shi-qiao-zhen-guan-gong-wei/index.html", "archive/2024/index.html"):
        html = (site / listing).read_text(encoding="utf-8")
        teaser = html.split('<div class="sb-entry__summary">', 1)[1].split("</div>", 1)[0]
        assert teaser == "<p>五老志愿者带领孩子们在农家书屋读书，<strong>气氛热烈</strong>。</p>", listing
    feed = (site / "reports" / "feed.xml").read_text(encoding="utf-8")
    assert "&lt;picture" not in feed.split("<content:encoded>", 1)[0]


def test_the_registry_has_one_spec_per_page_with_titles_as_text(tmp_path):
    content = write_tree(
        tmp_path / "content",
        {
            "news/2024-05-01-甲.md": article("<b>甲</b> & 乙", tags="[敬老]"),
            "about.md": "---\ntitle: 关于我们\n---\n\n# 关于\n",
            "help.md": "# 使用帮助\n\n正文。\n",
        },
    )
    settings = site_settings(content, site_url="https://example.org/", site_name="站点")
    diagnostics = Diagnostics()
    site = load_site(settings, datetime(2026, 1, 1, tzinfo=SHANGHAI), diagnostics)
    registry = build_registry(site, plan_feeds(site), diagnostics)
    by_kind: dict[str, list[str]] = {}
    for spec in registry:
        by_kind.setdefault(spec.kind, []).append(spec.url)
    assert by_kind["article"] == ["news/2024/0501-jia/"]
    assert by_kind["home"] == [""] and by_kind["subscribe"] == ["subscribe/"]
    assert set(by_kind["section"]) == {"news/", "stories/", "reports/", "notices/"}
    assert by_kind["tag"] == ["tags/jing-lao/"] and "tags/" in by_kind["overview"]
    assert sorted(by_kind["page"]) == ["about/", "help/"]
    assert len({spec.src_uri for spec in registry}) == len(registry.pages)
    article_spec = registry.get("news/2024-05-01-甲.md")
    assert article_spec.title == "<b>甲</b> & 乙" and article_spec.parent == "news/index.md"
    assert "tags/jing-lao/" in article_spec.inputs.listings
    assert registry.get("help.md").title == "使用帮助" and registry.get("about.md").title == "关于我们"
    assert registry.files["robots.txt"].endswith("Sitemap: https://example.org/sitemap.xml\n")
