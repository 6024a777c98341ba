"""Raw HTML in Markdown (issue #8, defect 3): kept within an allow-list in pages and feeds."""

from __future__ import annotations

import re

import pytest

from site_builder.sanitize import sanitize_html
from tests.conftest import run_cli

PAYLOAD_BODY = """\
---
title: 含有网页代码的文章
date: 2024-05-01
---

第一段<sup>注1</sup>，换行<br>之后。

<script>window.__pwned = 1</script>
<img src="x" onerror="window.__pwned = 2">
<a href="javascript:window.__pwned = 3">点我</a> [也点我](javascript:window.__pwned=4)
<iframe src="https://evil.example/"></iframe>
<div onclick="window.__pwned = 5" style="position:fixed;top:0">覆盖层</div>
<svg onload="window.__pwned = 6"></svg>
<a href="https://example.org/" onmouseover="window.__pwned = 7">外部链接</a>

| 项目 | 人数 |
| :--- | ---: |
| 讲座 | 120 |

<video controls src="https://example.org/v.mp4"></video>
"""

DANGEROUS = re.compile(r"<script|onerror|onclick|onload|onmouseover|javascript:|<iframe|<svg|position:\s*fixed", re.I)


@pytest.mark.parametrize(
    "dirty, clean",
    [
        ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
        ('<img src="x" onerror="alert(1)">', '<img src="x">'),
        ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
        ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', "<a>x</a>"),
        ('<p style="position:fixed">x</p>', "<p>x</p>"),
        ('<a href="附件.pdf" title="报名表">下载</a>', '<a href="附件.pdf" title="报名表">下载</a>'),
        ('<sup>1</sup><br><table><tr><th scope="col">a</th></tr></table>', None),
    ],
)
def test_the_allow_list_removes_script_and_keeps_what_articles_need(dirty, clean):
    result = sanitize_html(dirty)
    assert not DANGEROUS.search(result)
    if clean is not None:
        assert result == clean
    else:
        assert "<sup>1</sup>" in result and "<br>" in result and 'scope="col"' in result


def test_table_alignment_survives_and_nothing_else_of_style():
    result = sanitize_html('<table><tr><td style="text-align: right; color: red">1</td></tr></table>')
    assert 'style="text-align:right"' in result.replace(" ", "") and "color" not in result


def test_pages_and_full_text_feeds_carry_no_script(make_project, capsys):
    project = make_project({"news/2024-05-01-代码.md": PAYLOAD_BODY})
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    site = project / "site"
    page = next(site.glob("news/2024/*/index.html")).read_text(encoding="utf-8")
    body = page.split('<div class="sb-article__body">', 1)[1].split("</article>", 1)[0]
    assert not DANGEROUS.search(body), body
    assert "<sup>注1</sup>" in body and "<br>" in body and "<table>" in body and "覆盖层" in body
    assert re.search(r'<td style="text-align: ?right;?">120</td>', body)
    assert "<video controls" in body
    for feed in ("feed.xml", "atom.xml", "news/feed.xml", "news/atom.xml"):
        text = (site / feed).read_text(encoding="utf-8")
        assert "注1" in text, feed
        assert not DANGEROUS.search(text.replace("&lt;", "<").replace("&gt;", ">")), feed


def test_a_site_may_switch_cleaning_off_explicitly(make_project, capsys):
    project = make_project({"news/2024-05-01-代码.md": PAYLOAD_BODY})
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      require_review:", "      sanitize_html: false\n      require_review:"
        ),
        encoding="utf-8",
    )
    assert run_cli(["build"], capsys)[0] == 0
    page = next((project / "site").glob("news/2024/*/index.html")).read_text(encoding="utf-8")
    assert "<script>window.__pwned = 1</script>" in page
