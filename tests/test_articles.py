from pathlib import Path

import pytest

from site_builder.content.articles import build_article
from site_builder.content.frontmatter import parse_front_matter
from site_builder.content.model import SourceFile
from site_builder.diagnostics import Diagnostics
from tests.conftest import SHANGHAI, shanghai

SOURCE = SourceFile(
    "news",
    Path("/c/news/2024-05-01-x.md"),
    "news/2024-05-01-x.md",
    "content/news/2024-05-01-x.md",
    False,
    "2024-05-01",
    "x",
)


def load(front_matter: str):
    diagnostics = Diagnostics()
    front = parse_front_matter(f"---\n{front_matter}\n---\n正文\n", SOURCE.display_path, diagnostics)
    return build_article(SOURCE, front, SHANGHAI, diagnostics), diagnostics


def messages(diagnostics, errors=True):
    return [(d.line, d.message) for d in (diagnostics.errors if errors else diagnostics.warnings)]


def test_full_front_matter_becomes_typed_fields():
    article, diagnostics = load(
        "title: 敬老活动\ndate: 2024-05-01 09:30\nsummary: 摘要\ncover: a.jpg\n"
        "photos:\n  - b.jpg\n  - src: c.jpg\n    caption: 合影\n    alt: 二十人\n"
        "category: 五老风采\ntags: [敬老, 家风]\nunit: 滨江社区关工委\npeople: [王秀兰]\n"
        "author: 林晓\nreviewed_by: 周明华\nlocation: 活动室\nparticipants: 30\nfeatured: true\n"
        "draft: false\nslug: jing-lao\nmood: 好\n"
    )
    assert not diagnostics.errors
    assert article.title == "敬老活动" and article.date == shanghai(2024, 5, 1, 9, 30)
    assert article.cover.src == "a.jpg" and article.cover.line == 5
    assert [(p.src, p.caption, p.alt, p.line) for p in article.photos] == [
        ("b.jpg", "", "", 7),
        ("c.jpg", "合影", "二十人", 8),
    ]
    assert article.tags == ("敬老", "家风") and article.units == ("滨江社区关工委",) and article.people == ("王秀兰",)
    assert article.participants == 30 and article.featured and not article.draft and article.slug == "jing-lao"
    assert article.extra == {"mood": "好"}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-05-01", shanghai(2024, 5, 1)),
        ("2024-05-01 08:00:00", shanghai(2024, 5, 1, 8)),
        ("2024-05-01T00:00:00+00:00", shanghai(2024, 5, 1, 8)),
        ("'2024/05/01'", shanghai(2024, 5, 1)),
        ("2024年5月1日", shanghai(2024, 5, 1)),
    ],
)
def test_dates_are_read_in_the_site_zone(value, expected):
    article, _ = load(f"title: 甲\ndate: {value}")
    assert article.date == expected and article.date.utcoffset().total_seconds() == 8 * 3600


def test_missing_title_and_date_are_both_reported():
    article, diagnostics = load("summary: 只有摘要")
    assert article is None
    assert messages(diagnostics) == [(1, "缺少 title（标题）"), (1, "缺少 date（发布日期）")]


def test_unrecognisable_date_names_its_value_and_line():
    _, diagnostics = load("title: 甲\ndate: 五月一日")
    assert messages(diagnostics) == [(3, "日期“五月一日”无法识别")]


@pytest.mark.parametrize(
    "line, expected",
    [
        ("tags: {a: 1}", "tags（标签）应是文字或文字列表"),
        ("participants: 三十人", "participants（参与人数）应是一个整数，现在是“三十人”"),
        ("participants: -3", "participants（参与人数）应是一个整数，现在是“-3”"),
        ("draft: 是", "draft（草稿）应是 true 或 false，现在是“是”"),
        ("featured: 1", "featured（图片新闻）应是 true 或 false，现在是“1”"),
        ("slug: 敬老", "网址名 slug“敬老”不合规"),
        ("title: [a, b]", "title（标题）应是一段文字"),
        ("photos: a.jpg", "photos（图集）应是照片列表"),
    ],
)
def test_each_wrong_type_has_its_message(line, expected):
    front = "title: 甲\ndate: 2024-05-01\n" if not line.startswith("title") else "date: 2024-05-01\n"
    article, diagnostics = load(front + line)
    assert article is None
    assert [m for _, m in messages(diagnostics)] == [expected]


def test_gallery_item_without_src_names_its_own_line():
    _, diagnostics = load("title: 甲\ndate: 2024-05-01\nphotos:\n  - a.jpg\n  - caption: 没有文件名")
    assert messages(diagnostics) == [(6, "图集第 2 项缺少照片文件名")]


def test_typos_and_chinese_keys_get_a_suggestion():
    article, diagnostics = load("title: 甲\ndate: 2024-05-01\ntilte: 乙\n作者: 林晓\nweather: 晴")
    assert article is not None
    assert messages(diagnostics, errors=False) == [
        (4, "未知的字段“tilte”，您是否想写 title?"),
        (5, "未知的字段“作者”，您是否想写 author?"),
    ]


def test_date_that_disagrees_with_the_file_name_warns():
    _, diagnostics = load("title: 甲\ndate: 2023-01-01")
    assert "与文件名里的日期（2024-05-01）不一致" in diagnostics.warnings[0].message


def test_numbers_and_comma_lists_are_accepted_as_text():
    article, _ = load("title: 2024\ndate: 2024-05-01\ntags: 敬老，家风、 助学\nunit: [甲, 甲]")
    assert article.title == "2024" and article.tags == ("敬老", "家风", "助学") and article.units == ("甲",)


@pytest.mark.parametrize("key", ["Draft", "DRAFT", "darft", "drafts", "草稿", "published", "是否发布"])
def test_a_key_that_means_draft_is_an_error_so_the_article_is_never_published(key):
    article, diagnostics = load(f"title: 甲\ndate: 2024-05-01\nreviewed_by: 周\n{key}: true")
    assert article is None
    [(line, message)] = messages(diagnostics)
    assert line == 5 and f"“{key}”" in message and "不会发布" in message
    assert "draft: true" in diagnostics.errors[0].hint


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "'0001-01-01 00:00'"])
def test_an_absurd_year_is_an_error_at_its_line_not_an_overflow(value):
    article, diagnostics = load(f"title: 甲\ndate: {value}")
    assert article is None
    [(line, message)] = messages(diagnostics)
    assert line == 3 and message.startswith(f"日期“{value[:4].strip(chr(39))}") and message.endswith("的年份不合理")


@pytest.mark.parametrize("value, expected", [("true", True), ("false", False), ("", None)])
def test_chronicle_is_a_flag_or_left_to_the_section(value, expected):
    # Issue #12: `chronicle` puts an article in (or keeps it out of) its year's 大事记.
    article, diagnostics = load(f"title: 甲\ndate: 2024-05-01\nchronicle: {value}")
    assert not diagnostics.errors and not diagnostics.warnings
    assert article.chronicle is expected and "chronicle" not in article.extra


def test_a_chronicle_that_is_not_true_or_false_is_an_error_at_its_line():
    article, diagnostics = load("title: 甲\ndate: 2024-05-01\nunit: 石桥镇关工委\nchronicle: 是")
    assert article is None
    assert messages(diagnostics) == [(5, "chronicle（是否列入大事记）应是 true 或 false，现在是“是”")]
    _, diagnostics = load("title: 甲\ndate: 2024-05-01\n大事记: true")
    assert any("您是否想写 chronicle" in message for _, message in messages(diagnostics, errors=False))
