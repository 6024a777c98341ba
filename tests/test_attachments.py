"""Attachments (CONTRACT "Content") and links that cannot work: `check` finds what `build` would."""

from __future__ import annotations

import re
from urllib.parse import unquote

from tests.conftest import article, run_cli

NOTICE = (
    article("关于报名的通知", date="2024-05-01")
    + "\n请下载[附件1：报名表](附件1：报名表.docx)和[实施方案](<实施 方案.pdf>)。\n"
)


def test_linked_attachments_are_published_beside_the_page_and_nothing_else_is(make_project, capsys):
    project = make_project(
        {
            "notices/2024-05-01-报名通知/index.md": NOTICE,
            "notices/2024-05-01-报名通知/附件1：报名表.docx": b"PK\x03\x04 docx",
            "notices/2024-05-01-报名通知/实施 方案.pdf": b"%PDF-1.7 plan",
            "notices/2024-05-01-报名通知/内部名单.xlsx": b"PK\x03\x04 never linked",
            "notices/2024-05-02-草稿/index.md": article("草稿", date="2024-05-02", draft="true") + "\n[表](表.pdf)\n",
            "notices/2024-05-02-草稿/表.pdf": b"%PDF draft",
            "news/2024-05-03-单篇.md": article("单篇", date="2024-05-03") + "\n见[附件](单篇附件.pdf)\n",
            "news/单篇附件.pdf": b"%PDF single",
        }
    )
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    site = project / "site"
    [page] = site.glob("notices/2024/*/index.html")
    html = page.read_text(encoding="utf-8")
    for href in re.findall(r'href="([^"]+\.(?:docx|pdf))"', html):
        assert (page.parent / unquote(href)).is_file(), href
    assert (page.parent / "附件1：报名表.docx").read_bytes() == b"PK\x03\x04 docx"
    assert (page.parent / "实施 方案.pdf").is_file()
    [single] = site.glob("news/2024/*/index.html")
    assert (single.parent / "单篇附件.pdf").read_bytes() == b"%PDF single"
    published = {p.name for p in site.rglob("*") if p.is_file()}
    assert "内部名单.xlsx" not in published and "表.pdf" not in published


def test_links_that_cannot_work_are_errors_in_check_and_build_alike(make_project, capsys):
    body = (
        "\n[缺失](没有这个文件.pdf)\n\n[程序](安装.exe)\n\n[别处](../2024-05-02-别的/附件.pdf)\n\n"
        '[原图](现场.jpg)\n\n<a href="名单.xlsx">名单</a>\n'
    )
    make_project(
        {
            "notices/2024-05-01-通知/index.md": article("通知", date="2024-05-01") + body,
            "notices/2024-05-01-通知/安装.exe": b"MZ",
            "notices/2024-05-01-通知/现场.jpg": b"\xff\xd8\xff",
            "notices/2024-05-02-别的/index.md": article("别的", date="2024-05-02"),
            "notices/2024-05-02-别的/附件.pdf": b"%PDF",
        }
    )
    expected = [
        ("content/notices/2024-05-01-通知/index.md:8:", "没有这个文件.pdf"),
        ("content/notices/2024-05-01-通知/index.md:10:", ".exe 不是可发布的附件类型"),
        ("content/notices/2024-05-01-通知/index.md:12:", "文章文件夹以外"),
        ("content/notices/2024-05-01-通知/index.md:14:", "照片原图"),
        ("content/notices/2024-05-01-通知/index.md:16:", "名单.xlsx"),
    ]
    for command in (["check"], ["build"]):
        code, output = run_cli(command, capsys)
        assert code == 1, (command, output)
        for location, words in expected:
            assert any(line.startswith(location) and words in line for line in output.splitlines()), (
                command,
                location,
                output,
            )


def test_attachment_links_say_their_type_and_size_and_follow_a_changed_file(make_project, capsys):
    folder = "notices/2024-05-01-报名通知"
    project = make_project(
        {
            f"{folder}/index.md": NOTICE + "\n[外部链接](https://example.org/a.pdf)\n",
            f"{folder}/附件1：报名表.docx": b"PK\x03\x04" + b"x" * 120_000,
            f"{folder}/实施 方案.pdf": b"%PDF-1.7" + b"y" * (2 * 1024 * 1024),
        }
    )
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    [page] = (project / "site").glob("notices/2024/*/index.html")
    text = re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
    assert "附件1：报名表（Word，117 KB）" in text and "实施方案（PDF，2.0 MB）" in text
    assert "外部链接（" not in text

    # A new version of the form, same article: the incremental build shows its new size.
    (project / "content" / folder / "附件1：报名表.docx").write_bytes(b"PK\x03\x04" + b"x" * 300)
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    assert "附件1：报名表（Word，1 KB）" in re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8"))
