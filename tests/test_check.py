"""`check` finds every problem `build` would (issue #8, defect 10), all of one file in one run."""

from __future__ import annotations

import pytest

from tests.conftest import run_cli
from tests.images_fixtures import phone_jpeg

ARTICLE = "content/reports/2024-05-01-活动/index.md"


def lines_with(output: str, location: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(location)]


def test_a_truncated_photo_fails_check_as_it_fails_build(make_project, capsys):
    make_project(
        {
            "reports/2024-05-01-活动/index.md": "---\ntitle: 活动\ndate: 2024-05-01\ncover: 坏照片.jpg\n---\n\n正文。\n",
            "reports/2024-05-01-活动/坏照片.jpg": phone_jpeg(1)[:3000],
        }
    )
    results = {}
    for command in ("check", "build"):
        code, output = run_cli([command], capsys)
        results[command] = (code, lines_with(output, f"{ARTICLE}:4: 错误: 照片“坏照片.jpg”无法处理"))
    assert results["check"] == results["build"]
    assert results["check"][0] == 1 and len(results["check"][1]) == 1


@pytest.mark.parametrize("command", ["check", "build"])
def test_front_matter_and_photo_errors_of_one_article_come_in_the_same_run(make_project, capsys, command):
    make_project(
        {
            "reports/2024-05-01-活动/index.md": (
                "---\ntitle: 活动\ndate: 2024-13-45\ncover: 没有这张.jpg\nphotos:\n  - 坏照片.jpg\n---\n\n"
                "正文。[附件](没有的附件.pdf)\n"
            ),
            "reports/2024-05-01-活动/坏照片.jpg": phone_jpeg(1)[:3000],
        }
    )
    code, output = run_cli([command], capsys)
    assert code == 1 and "Traceback" not in output
    assert lines_with(output, f"{ARTICLE}:3: 错误: “date”的值无法识别")
    assert lines_with(output, f"{ARTICLE}:4: 错误: 封面“没有这张.jpg”无法使用：找不到这个文件")
    assert lines_with(output, f"{ARTICLE}:9: 错误: 附件“没有的附件.pdf”无法发布")
    assert lines_with(output, f"{ARTICLE}:6: 错误: 照片“坏照片.jpg”无法处理")


def test_a_draft_photo_used_by_a_hand_written_page_fails_check_as_it_fails_build(make_project, capsys):
    make_project(
        {
            "reports/2024-05-01-草稿/index.md": "---\ntitle: 草稿\ndate: 2024-05-01\ndraft: true\n---\n\n正文。\n",
            "reports/2024-05-01-草稿/照片.jpg": phone_jpeg(1),
            "about.md": "# 关于\n\n![合影](reports/2024-05-01-草稿/照片.jpg)\n",
        }
    )
    for command in ("check", "build"):
        code, output = run_cli([command], capsys)
        assert code == 1, (command, output)
        assert lines_with(
            output, "content/about.md:3: 错误: 正文图片“reports/2024-05-01-草稿/照片.jpg”属于未发布的文章"
        )
