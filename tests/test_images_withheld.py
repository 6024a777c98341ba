"""Issue #8, defect 6: a withheld article's photos are never published, whichever page uses them.

`![x](reports/2026/2026-05-01-草稿/照片.jpg)` in a hand-written page published a draft's photo.
"""

from __future__ import annotations

import pytest

from tests.conftest import article, run_cli
from tests.images_fixtures import phone_jpeg

DRAFT_BUNDLE = "reports/2026/2026-05-01-草稿"


@pytest.mark.parametrize(
    "fields, require_review, reason",
    [
        ({"draft": "true"}, False, "草稿"),
        ({"date": "2030-01-01"}, False, "定时发布"),
        ({}, True, "未审核"),
    ],
)
@pytest.mark.parametrize("photo", ["照片.jpg", "未引用/其他.jpg"])
def test_issue_8_a_withheld_articles_photo_is_never_published_through_another_page(
    make_project, capsys, fields, require_review, reason, photo
):
    fields = {"cover": "照片.jpg", **fields}
    date = fields.pop("date", "2026-05-01")
    project = make_project(
        {
            f"{DRAFT_BUNDLE}/index.md": article("草稿活动", date, **fields),
            f"{DRAFT_BUNDLE}/照片.jpg": phone_jpeg(1),
            f"{DRAFT_BUNDLE}/未引用/其他.jpg": phone_jpeg(3),
            "about.md": f"# 关于我们\n\n介绍。\n\n![活动](<{DRAFT_BUNDLE}/{photo}>)\n",
        },
        require_review=require_review,
    )
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 1, output
    assert "Traceback" not in output
    assert (
        f"content/about.md:5: 错误: 正文图片“{DRAFT_BUNDLE}/{photo}”属于未发布的文章 "
        f"content/{DRAFT_BUNDLE}/index.md（{reason}"
    ) in output
    assert "请删掉这处引用" in output
    assert not (project / "site").exists()


def test_issue_8_a_published_bundles_photo_may_be_shown_on_another_page(make_project, capsys):
    project = make_project(
        {
            f"{DRAFT_BUNDLE}/index.md": article("活动", "2026-05-01", cover="照片.jpg"),
            f"{DRAFT_BUNDLE}/照片.jpg": phone_jpeg(1),
            "about.md": f"# 关于我们\n\n![活动]({DRAFT_BUNDLE}/照片.jpg)\n",
        }
    )
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    assert "<picture>" in (project / "site/about/index.html").read_text(encoding="utf-8")
