"""Issue #11: `site-builder import` turns a 通讯员's Word report into a draft bundle that builds.

The documents are real `.docx` files written by python-docx (tests/docx_fixtures.py); the built
page is found by its title, never by its URL (the URL scheme is not this feature's business).
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from PIL import Image

from site_builder.importing.blocks import Kind, parse_blocks
from site_builder.importing.bundle import yaml_string
from site_builder.importing.docx import Refusal, format_number, read_docx
from site_builder.importing.frontmatter_guess import DocumentHints, guess_front_matter
from tests.conftest import run_cli
from tests.docx_fixtures import (
    EMF_BLOB,
    REPORT_CAPTIONS,
    REPORT_TITLE,
    TRADITIONAL_TITLE,
    emf_docx,
    grouped_photo_docx,
    numbered_docx,
    ole_file,
    photo_table_docx,
    report_docx,
    traditional_docx,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def front_matter(index: Path) -> tuple[dict, str]:
    """(front matter, body) of an index.md written by the import."""
    text = index.read_text(encoding="utf-8")
    _, yaml_text, body = text.split("---\n", 2)
    return yaml.safe_load(yaml_text), body


def bundles(project: Path, section: str) -> list[Path]:
    return sorted(p.parent for p in (project / "content" / section).rglob("index.md"))


def article_page(site: Path, title: str) -> str:
    """The built article page: the one page whose heading is `title`."""
    pages = [p for p in site.rglob("*.html") if f"<h1>{title}" in p.read_text(encoding="utf-8")]
    assert len(pages) == 1, pages
    return pages[0].read_text(encoding="utf-8")


def test_report_becomes_a_draft_bundle_that_builds_with_photos_captions_and_table(make_project, capsys, tmp_path):
    project = make_project({"reports/.keep": ""}, require_review=True)
    source = report_docx(tmp_path / "通讯稿.docx")

    code, output = run_cli(["import", str(source.path), "--section", "reports"], capsys)

    assert code == 0, output
    [bundle] = bundles(project, "reports")
    assert bundle.parent.name == "2024" and bundle.name.startswith("2024-03-15-滨江社区关工委")
    meta, body = front_matter(bundle / "index.md")
    assert meta["title"] == REPORT_TITLE
    assert meta["date"] == date(2024, 3, 15)
    assert (meta["author"], meta["reviewed_by"], meta["draft"]) == ("张三", "王五", True)
    # Photos: original bytes, named in order, captions from the line under each photo.
    assert [p["src"] for p in meta["photos"]] == ["photo-1.jpg", "photo-2.jpg"]
    assert [(bundle / p["src"]).read_bytes() for p in meta["photos"]] == list(source.photos)
    assert [p["caption"] for p in meta["photos"]] == [REPORT_CAPTIONS[0], REPORT_CAPTIONS[1].lstrip("▲")]
    # The year was not in the text: the user is told, in the file and on screen.
    index_text = (bundle / "index.md").read_text(encoding="utf-8")
    assert re.search(r"^date: 2024-03-15 +# .*推测", index_text, re.M)
    assert "推测" in output and REPORT_TITLE in output and "张三" in output
    # The body: the report's paragraphs and table, without the lines that became front matter,
    # without captions and without Word debris.
    assert "| 时间 | 内容 | 主讲人 |" in body and "| 15:10 | 互动问答 | 李秀英 |" in body
    assert body.lstrip().startswith("3月15日上午，滨江社区关工委")
    assert "上了一堂生动的法治教育课" in body and "讲解了如何保护自己" in body
    for gone in ("通讯员", "审核", "图为", "▲", "\u3000", "\u00ad", "\u200b", REPORT_TITLE):
        assert gone not in body, gone
    assert "\n\n\n" not in body

    # Reviewed: published, and the build shows the photos with their captions and the table.
    index_text = index_text.replace("draft: true", "draft: false")
    index_text = re.sub(r"^reviewed_by:.*$", 'reviewed_by: "赵六"', index_text, flags=re.M)
    (bundle / "index.md").write_text(index_text, encoding="utf-8")
    code, output = run_cli(["check"], capsys)
    assert code == 0, output
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    page = article_page(project / "site", REPORT_TITLE)
    for caption in (REPORT_CAPTIONS[0], REPORT_CAPTIONS[1].lstrip("▲")):
        assert f"<figcaption>{caption}</figcaption>" in page
    assert page.count("<figure>") >= 2
    assert re.search(r"<table>.*<th>时间</th>.*<td>陈国强</td>.*</table>", page, re.S)
    # No published image carries EXIF (the photos came with GPS), and no original was copied.
    images = [p for p in (project / "site").rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]
    assert len(images) >= 4
    originals = set(source.photos)
    for path in images:
        data = path.read_bytes()
        assert data not in originals, path
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif(), path
            assert not image.getexif().get_ifd(0x8825), path


def test_a_folder_imports_every_docx_and_explains_what_it_cannot(make_project, capsys, tmp_path):
    project = make_project({"news/.keep": ""})
    folder = tmp_path / "来稿"
    folder.mkdir()
    emf = emf_docx(folder / "上半年统计.docx")
    traditional_docx(folder / "读书会.docx")
    ole_file(folder / "旧报道.doc")
    ole_file(folder / "社区简报.wps")
    (folder / "~$上半年统计.docx").write_bytes(b"\x00" * 162)  # Word's lock file: not a document
    (folder / "说明.txt").write_text("不是 Word 文件", encoding="utf-8")

    code, output = run_cli(["import", str(folder), "--section", "news"], capsys)

    assert code == 1  # two files could not be imported
    summary = output[output.index("汇总") :].splitlines()
    assert len([line for line in summary if line.startswith("  ")]) == 4, output
    assert re.search(r"已导入 +上半年统计\.docx", output) and re.search(r"已导入 +读书会\.docx", output)
    assert re.search(r"未导入 +旧报道\.doc：", output) and re.search(r"未导入 +社区简报\.wps：", output)
    assert "旧报道.doc: 错误: 这是旧版 Word 格式（.doc" in output and "另存为" in output
    assert "社区简报.wps: 错误: 这是 WPS 文字的旧格式（.wps）" in output
    assert "~$" not in output and "说明.txt" not in output
    # The EMF chart is named with its caption and how to convert it; the JPEG beside it is imported.
    assert "EMF 格式" in output and "图为上半年活动统计图" in output and "另存为 JPG 或 PNG" in output
    assert "重新插入" in output
    [emf_bundle] = [b for b in bundles(project, "news") if "统计" in b.name]
    meta, body = front_matter(emf_bundle / "index.md")
    assert [p["src"] for p in meta["photos"]] == ["photo-1.jpg"]
    assert (emf_bundle / "photo-1.jpg").read_bytes() == emf.photos[0]
    assert meta["photos"][0]["caption"] == "图：志愿者在整理材料"
    assert sorted(p.name for p in emf_bundle.iterdir()) == ["index.md", "photo-1.jpg"]
    assert not any(EMF_BLOB in p.read_bytes() for p in emf_bundle.iterdir())
    assert "统计图" not in body and "EMF" in (emf_bundle / "index.md").read_text(encoding="utf-8")
    assert meta["date"] == date(2024, 6, 1) and meta["draft"] is True
    # Drafts do not break the site.
    assert run_cli(["check"], capsys)[0] == 0


def test_traditional_chinese_is_detected_and_converted_only_with_simplify(make_project, capsys, tmp_path):
    project = make_project({"news/.keep": "", "stories/.keep": ""})
    source = traditional_docx(tmp_path / "讀書會.docx").path

    code, output = run_cli(["import", str(source), "--section", "news"], capsys)
    assert code == 0, output
    assert "检测到繁体字" in output and "--simplify" in output
    [kept] = bundles(project, "news")
    assert front_matter(kept / "index.md")[0]["title"] == TRADITIONAL_TITLE

    code, output = run_cli(["import", str(source), "--section", "stories", "--simplify"], capsys)
    assert code == 0, output
    [converted] = bundles(project, "stories")
    meta, body = front_matter(converted / "index.md")
    assert meta["title"] == "关心下一代工作委员会举办读书会"
    assert converted.name == "2024-05-04-关心下一代工作委员会举办读书会"
    assert meta["unit"] == "滨江社区关工委" and meta["date"] == date(2024, 5, 4)
    assert "老干部们与孩子们一起阅读经典" in body and "關" not in body


def test_importing_again_never_overwrites(make_project, capsys, tmp_path):
    project = make_project({"reports/.keep": ""})
    source = report_docx(tmp_path / "通讯稿.docx").path
    assert run_cli(["import", str(source), "--section", "reports"], capsys)[0] == 0
    [first] = bundles(project, "reports")
    (first / "index.md").write_text("---\ntitle: 已经改过\ndate: 2024-03-15\n---\n正文\n", encoding="utf-8")

    code, output = run_cli(["import", str(source), "--section", "reports"], capsys)

    assert code == 0, output
    assert [b.name for b in bundles(project, "reports")] == [first.name, f"{first.name}-2"]
    assert (first / "index.md").read_text(encoding="utf-8").startswith("---\ntitle: 已经改过")
    assert "没有覆盖" in output and f"{first.name}-2" in output


def test_usage_errors_exit_2_and_help_is_chinese(make_project, capsys, tmp_path):
    make_project({"reports/.keep": ""})
    source = report_docx(tmp_path / "通讯稿.docx").path
    code, output = run_cli(["import", str(source), "--section", "nope"], capsys)
    assert code == 2 and "没有名为“nope”的栏目" in output and "reports" in output
    code, output = run_cli(["import", str(tmp_path / "不存在.docx"), "--section", "reports"], capsys)
    assert code == 2 and "找不到" in output
    (tmp_path / "空文件夹").mkdir()
    assert run_cli(["import", str(tmp_path / "空文件夹"), "--section", "reports"], capsys)[0] == 2
    assert run_cli(["import", str(source)], capsys)[0] == 2  # --section is required
    code, output = run_cli(["import", "--help"], capsys)
    assert code == 0 and "Word 文档" in output and "--simplify" in output and "繁体字" in output
    assert "Traceback" not in output


def test_chinese_auto_numbering_keeps_its_labels_and_decimal_lists_stay_lists(make_project, capsys, tmp_path):
    project = make_project({"notices/.keep": ""})
    source = numbered_docx(tmp_path / "2024年工作总结.docx").path
    assert run_cli(["import", str(source), "--section", "notices"], capsys)[0] == 0
    [bundle] = bundles(project, "notices")
    meta, body = front_matter(bundle / "index.md")
    assert meta["title"] == "社区关工委2024年工作总结" and meta["date"] == date(2024, 12, 30)
    paragraphs = body.strip().split("\n\n")
    assert paragraphs[:5] == [
        "一、基本情况",
        "（一）组织领导",
        "（二）经费保障",
        "二、下一步打算",
        "（一）继续开展宣讲",
    ]
    assert paragraphs[5] == "1. 成立领导小组\n2. 细化工作任务"


def test_photos_laid_out_in_a_table_get_the_captions_below_them(make_project, capsys, tmp_path):
    project = make_project({"reports/.keep": ""})
    source = photo_table_docx(tmp_path / "2023重阳节.docx")
    assert run_cli(["import", str(source.path), "--section", "reports"], capsys)[0] == 0
    [bundle] = bundles(project, "reports")
    meta, body = front_matter(bundle / "index.md")
    assert meta["date"] == date(2023, 10, 11)  # the year from the file name
    assert [(p["src"], p["caption"]) for p in meta["photos"]] == [
        ("photo-1.jpg", "孩子们为老人表演节目"),
        ("photo-2.jpg", "志愿者与老人合影"),
    ]
    assert [(bundle / p["src"]).read_bytes() for p in meta["photos"]] == list(source.photos)
    assert "老人表演" not in body and "<table" not in body and "|" not in body


def test_a_grouped_photo_mammoth_skips_is_still_extracted_and_its_text_box_named(make_project, capsys, tmp_path):
    project = make_project({"reports/.keep": ""})
    source = grouped_photo_docx(tmp_path / "组合.docx", caption="图为组合里的说明文字")
    code, output = run_cli(["import", str(source.path), "--section", "reports"], capsys)
    assert code == 0, output
    [bundle] = bundles(project, "reports")
    meta, body = front_matter(bundle / "index.md")
    assert meta["photos"] == [{"src": "photo-1.jpg", "caption": ""}]
    assert (bundle / "photo-1.jpg").read_bytes() == source.photos[0]
    assert "组合图形" in output and "位置无法确定" in output
    assert "文本框里的文字没有导入：“图为组合里的说明文字”" in output
    assert body.strip() == "3月1日，社区关工委开展了活动。"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "密码"),
        ("网页.doc", "<html><body>稿件</body></html>".encode(), "网页（HTML）"),
        ("空.docx", b"", "空文件"),
        ("表格.docx", None, "不是 Word 文档"),
        ("坏.docx", b"PK\x03\x04 truncated", "已损坏"),
    ],
)
def test_files_that_are_not_docx_are_refused_by_their_bytes(tmp_path, name, content, expected):
    path = tmp_path / name
    if content is None:  # a spreadsheet renamed .docx: a zip without word/document.xml
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("xl/workbook.xml", "<workbook/>")
    else:
        path.write_bytes(content)
    result = read_docx(path)
    assert isinstance(result, Refusal) and expected in result.message


# --- guessing, on blocks made from HTML as mammoth writes it ----------------------------------------


def guess(html: str, file_name: str = "报道.docx", modified: datetime | None = None):
    hints = DocumentHints(file_name=file_name, file_date=date(2026, 1, 5), modified=modified)
    return guess_front_matter(parse_blocks(html), hints, SHANGHAI)


@pytest.mark.parametrize(
    ("html", "file_name", "modified", "expected", "is_certain"),
    [
        ("<p>3月15日上午，五老宣讲团走进校园。</p>", "2023年宣讲.docx", None, date(2023, 3, 15), False),
        ("<p>（2024年3月15日 星期五）</p><p>正文。</p>", "x.docx", None, date(2024, 3, 15), True),
        ("<p>正文。</p><p>滨江社区关工委</p><p>二〇二四年三月十五日</p>", "x.docx", None, date(2024, 3, 15), True),
        ("<p>12月28日，慰问活动举行。</p>", "x.docx", datetime(2025, 1, 2, tzinfo=UTC), date(2024, 12, 28), False),
        (
            "<p>定于2024年6月1日举办讲座。</p><p>区关工委</p><p>2024年5月20日</p>",
            "x.docx",
            None,
            date(2024, 5, 20),
            True,
        ),
        ("<p>近日，慰问活动举行。</p>", "20240611-慰问.docx", None, date(2024, 6, 11), False),
        ("<p>近日，慰问活动举行。</p>", "慰问.docx", None, date(2026, 1, 5), False),
    ],
)
def test_the_date_comes_from_the_text_and_a_guessed_year_says_so(html, file_name, modified, expected, is_certain):
    result = guess("<p><strong>标题</strong></p>" + html, file_name, modified)
    assert (result.date.value, result.date.is_certain) == (expected, is_certain)
    assert any("推测" in note for note in result.notes) is not is_certain


def test_a_date_line_and_credit_lines_leave_the_body():
    result = guess(
        "<p><strong>敬老活动</strong></p><p>2024年10月11日</p><p>滨江社区关工委 通讯员 张三 李四</p>"
        "<p>记者从区关工委获悉，活动很成功。</p><p>文/王五　图/赵六</p><p>（审核：钱七）</p>"
    )
    assert (result.title, result.unit, result.author) == ("敬老活动", "滨江社区关工委", "张三、李四")
    assert (result.photographer, result.reviewed_by) == ("赵六", "钱七")
    assert [b.text for b in result.body] == ["记者从区关工委获悉，活动很成功。"]


def test_titles_fall_back_in_order_and_say_when_guessed():
    assert guess('<p class="centred">不加粗但居中的标题</p><p>正文。</p>').title == "不加粗但居中的标题"
    assert guess('<h1 class="doc-title">标题样式</h1><p>正文。</p>').title == "标题样式"
    from_name = guess("<p>第一段就是正文，很长很长，没有标题。</p>", "2024-05-01_敬老活动.docx")
    assert from_name.title == "敬老活动" and any("文件名" in note for note in from_name.notes)


def test_captions_pair_with_their_photos_in_order():
    result = guess(
        '<p><strong>标题</strong></p><p>正文。</p><p><img src="sb-picture:1" /><img src="sb-picture:2" /></p>'
        "<p>▲ 第一张的说明</p><p>图：第二张的说明</p><p>图为浮动照片的说明</p>"
        '<p><img src="sb-picture:3" /></p><p>这是正文，不是说明。</p>'
    )
    assert result.captions == {1: "第一张的说明", 2: "图：第二张的说明", 3: "图为浮动照片的说明"}
    assert [b.text for b in result.body if b.kind is Kind.PARAGRAPH] == ["正文。", "这是正文，不是说明。"]


def test_markdown_escapes_what_markdown_would_misread_and_complex_tables_stay_html():
    [numbered, stars] = parse_blocks("<p>1. 成立小组</p><p>用 *星号* 和 &lt;b&gt; 写的 [字]</p>")
    assert numbered.markdown == "1\\. 成立小组"
    assert stars.markdown == "用 \\*星号\\* 和 &lt;b> 写的 \\[字\\]"
    [bold] = parse_blocks("<p><strong>一、</strong><strong>基本</strong> <strong>情况</strong></p>")
    assert bold.markdown == "**一、基本情况**" and bold.is_bold  # runs merged, no space between 汉字
    [spaced, names] = parse_blocks("<p>用 <strong>Word </strong>写的 王秀兰　李建国</p><p>王秀兰 李建国 张桂芳</p>")
    assert spaced.markdown == "用 **Word** 写的王秀兰李建国" and not spaced.is_bold
    assert names.markdown == "王秀兰 李建国 张桂芳"
    [table] = parse_blocks(
        '<table><tr><td colspan="2"><p>合并的表头</p></td></tr><tr><td><p>甲</p></td><td><p>乙</p><p>丙</p></td></tr></table>'
    )
    assert table.kind is Kind.TABLE
    assert (
        table.markdown == '<table><tr><th colspan="2">合并的表头</th></tr><tr><td>甲</td><td>乙<br>丙</td></tr></table>'
    )


def test_helpers():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 12, 20, 35)] == ["一", "十", "十二", "二十", "三十五"]
    assert format_number(3, "decimalEnclosedCircle") == "③" and format_number(4, "upperRoman") == "IV"
    awkward = '引号"和\\反斜杠\u2028\x85'
    assert yaml.safe_load("v: " + yaml_string(awkward))["v"] == awkward
