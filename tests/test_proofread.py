"""Proofreading and the freshness report in `check` (issue #11)."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.diagnostics import Diagnostics
from site_builder.proofread import Finding
from site_builder.proofread.documents import make_proofreader
from site_builder.proofread.freshness import assess_freshness, render_freshness_table, stale_after_days
from site_builder.proofread.glossary import Glossary, load_glossary
from site_builder.proofread.prose import prose_of
from site_builder.proofread.punctuation import find_punctuation_problems
from site_builder.proofread.typos import BUILT_IN_TYPOS, typo_matcher
from site_builder.settings import SectionSettings
from tests.conftest import DEMO_NOW, SHANGHAI, article, copy_demo, run_cli, shanghai
from tests.images_fixtures import phone_jpeg


def punctuation(text: str) -> list[str]:
    return [f.message for f in find_punctuation_problems(prose_of(text))]


def proofread(text: str, glossary: Glossary | None = None) -> list[Finding]:
    return make_proofreader(glossary or Glossary()).check(text)


# --- punctuation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("会议指出,要做好工作。", "半角“,”应改为全角“，”"),
        ("请各单位注意;按时报送。", "半角“;”应改为全角“；”"),
        ("地址:青溪区人民路", "半角“:”应改为全角“：”"),
        ("时间:10:30", "半角“:”应改为全角“：”"),
        ("你参加了吗?", "半角“?”应改为全角“？”"),
        ("加油!同学们", "半角“!”应改为全角“！”"),
        ("“五老”,志愿者", "半角“,”应改为全角“，”"),
        ("**思想引领**:组织宣讲", "半角“:”应改为全角“：”"),
        ("青溪区(示例)地址", "半角括号“( )”应改为全角“（ ）”"),
        ("电话(0000)转", "半角括号“( )”应改为全角“（ ）”"),
        ("会议结束。。", "“。。”重复了，只留一个“。”"),
        ("区关工委 召开会议", "“委”和“召”两个汉字之间多了空格"),
        ("区关工委\u3000召开会议", "“委”和“召”两个汉字之间多了空格"),
        ("２０２４年", "“２０２４”用了全角数字，应改为半角“2024”"),
        ("20２4年", "“20２4”用了全角数字，应改为半角“2024”"),
    ],
)
def test_each_punctuation_rule_reports_its_mistake(text, expected):
    [message] = punctuation(text)
    assert expected in message


@pytest.mark.parametrize(
    "text",
    [
        "增长 3.5 个百分点，上午 10:30 开始，比分 3:2，共 1,260 人。",
        "详见 https://www.example.cn/a,b?x=1&y=中文 或 www.example.cn/通知,2024",
        "English, as usual: fine? Yes! (really)",
        '代码 `a,b;c:d` 和 `区关工委 召开`，以及 <span title="甲,乙">说明</span>。',
        "```\n会议指出,要做好工作。。\n区关工委 召开\n```",
        '~~~python\nprint("甲,乙")\n~~~',
        "[附件1：报名表](附件1,报名表.docx) 和 ![合影](照片(1).jpg)",
        "联系邮箱 office,ggw@example.cn",
        "3 月 12 日，区关工委召开 2025 年工作会议。",
        "## 第一部分 工作回顾",
        "获奖名单：\n\n王秀兰 李建国 张桂芳 陈德明",
        "通 知",
        "他说：“写字先做人，一笔一画都要端端正正。”",
        "《关于开展“五老”志愿者登记工作的通知》（示例）",
        "“这一句话\n跨了两行。”",
        "(1) 第一项；(2) 第二项",
        "Python (3.11) 和 MkDocs (1.6)",
        "<!-- more -->",
        "……",
        '[链接][ref]\n\n[ref]: https://example.org/a,b "标题,说明"',
        '![图](a.jpg){: width="300" }',
    ],
)
def test_no_false_positives_in_latin_digit_code_or_markup_context(text):
    assert punctuation(text) == []


def test_unpaired_quotes_book_titles_and_parentheses_are_found_per_paragraph():
    text = "开展“五老进校园活动。\n\n学习《关于加强工作的意见。\n\n内容见附件）。\n\n再写一个”。"
    messages = [(f.line, f.message) for f in find_punctuation_problems(prose_of(text))]
    assert messages == [
        (1, "标点：左引号 “ 没有对应的右引号 ”"),
        (3, "标点：左书名号 《 没有对应的右书名号 》"),
        (5, "标点：右括号 ） 前面没有对应的左括号 （"),
        (7, "标点：右引号 ” 前面没有对应的左引号 “"),
    ]


def test_a_quotation_of_several_paragraphs_opens_each_and_closes_the_last():
    text = "他说：“第一段。\n\n“第二段。\n\n> “第三段。”\n\n没有下文的“引号。\n\n正文。"
    assert [(f.line, f.message) for f in find_punctuation_problems(prose_of(text))] == [
        (7, "标点：左引号 “ 没有对应的右引号 ”")
    ]


def test_findings_carry_line_and_column():
    [finding] = find_punctuation_problems(prose_of("第一行。\n第二行,继续"))
    assert (finding.line, finding.column) == (2, 4)


# --- 错别字 ---------------------------------------------------------------------------------------


def test_the_built_in_list_has_at_least_200_entries_and_names_its_source():
    import site_builder.proofread.typo_list as typo_list

    assert len(BUILT_IN_TYPOS) >= 200
    assert len({entry.wrong for entry in BUILT_IN_TYPOS}) == len(BUILT_IN_TYPOS)
    assert "《咬文嚼字》" in (typo_list.__doc__ or "") and "《第一批异形词整理表》" in (typo_list.__doc__ or "")
    for entry in BUILT_IN_TYPOS:
        assert entry.wrong != entry.right
        assert all(entry.wrong in exception for exception in entry.exceptions), entry


@pytest.mark.parametrize(
    ("wrong", "right"),
    [("人名共和国", "人民共和国"), ("志原者", "志愿者"), ("按排", "安排"), ("即然", "既然"), ("再接再励", "再接再厉")],
)
def test_frequent_typos_are_found(wrong, right):
    [finding] = typo_matcher().find(prose_of(f"这是一句含有{wrong}的话"))
    assert finding.message == f"错别字：“{wrong}”应为“{right}”" and finding.column == 7


def test_no_typo_fires_inside_a_right_form_or_a_listed_exception():
    matcher = typo_matcher()
    every_right_form = "。".join(entry.right for entry in BUILT_IN_TYPOS)
    every_exception = "。".join(exception for entry in BUILT_IN_TYPOS for exception in entry.exceptions)
    assert matcher.find(prose_of(f"{every_right_form}\n{every_exception}")) == []
    assert matcher.find(prose_of("名单按排名先后排列，按排序号入座；他立即然后……；未必竟然如此；叮嘱目前的工作")) == []


def test_a_name_declared_in_the_glossary_is_never_a_typo():
    glossary = Glossary(shown_path="content/glossary.yml", entries=())
    assert proofread("李克苦同志发言", glossary) != []
    from site_builder.proofread.typos import Replacement

    with_name = Glossary((Replacement("李克古", "李克苦"),), "content/glossary.yml")
    assert proofread("李克苦同志发言", with_name) == []


# --- glossary ------------------------------------------------------------------------------------


def load(tmp_path: Path, text: str) -> tuple[Glossary, Diagnostics]:
    path = tmp_path / "glossary.yml"
    path.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    return load_glossary(path, "content/glossary.yml", diagnostics), diagnostics


def test_glossary_wrong_forms_are_found_and_canonical_names_left_alone(tmp_path):
    glossary, diagnostics = load(
        tmp_path,
        "units:\n  青溪区关工委: [清溪区关工委, 溪区关工]\npeople:\n  王秀兰: 王秀蓝\nterms:\n",
    )
    assert list(diagnostics) == []
    findings = proofread("清溪区关工委的王秀蓝老师\n青溪区关工委王秀兰", glossary)
    assert [(f.line, f.message, f.hint) for f in findings] == [
        (1, "名称：“清溪区关工委”应为“青溪区关工委”", "见名称规范表 content/glossary.yml"),
        (1, "名称：“王秀蓝”应为“王秀兰”", "见名称规范表 content/glossary.yml"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("units:\n  青溪区关工委: [清溪区关工委\npeople: {}\n", 3, "名称规范表的格式有误"),
        ("units:\n  甲: 乙\nperson:\n  丙: 丁\n", 3, "不认识的分类“person”"),
        ("people:\n  王秀兰: {a: b}\n", 2, "错误写法应是文字或文字列表"),
        ("people:\n  王秀兰:\n    - 王秀兰\n", 3, "同时写成了规范名称和它自己的错误写法"),
        ("people:\n  王秀兰: 王秀蓝\n  王秀蓝: 王秀岚\n", 2, "既是规范名称"),
        ("- 王秀兰\n", 1, "名称规范表应分为 units"),
    ],
)
def test_a_broken_glossary_is_an_error_at_its_line(tmp_path, text, line, words):
    _, diagnostics = load(tmp_path, text)
    [error] = diagnostics.errors
    assert error.path == "content/glossary.yml" and error.line == line and words in error.message, error


def test_no_glossary_file_means_an_empty_glossary(tmp_path):
    diagnostics = Diagnostics()
    assert load_glossary(tmp_path / "glossary.yml", "content/glossary.yml", diagnostics).entries == ()
    assert len(diagnostics) == 0


# --- freshness -----------------------------------------------------------------------------------


def test_default_thresholds_follow_the_inspection_rules_and_a_section_may_set_its_own():
    assert stale_after_days(SectionSettings("news", "工作动态")) == 14
    assert stale_after_days(SectionSettings("stories", "先进事迹")) == 14
    assert stale_after_days(SectionSettings("notices", "通知公告")) == 180
    assert stale_after_days(SectionSettings("gonggao", "公示公告")) == 180
    assert stale_after_days(SectionSettings("stories", "先进事迹", stale_after_days=90)) == 90


def test_days_since_the_newest_published_article_stale_and_empty_sections(tmp_path):
    from site_builder.content.model import Article, SourceFile

    def published(section: str, when: datetime) -> Article:
        source = SourceFile(section, tmp_path / "a.md", f"{section}/a.md", f"content/{section}/a.md", False, "", "")
        return Article(source=source, title="甲", date=when, body="", body_line=1)

    now = shanghai(2026, 11, 21, 12)
    sections = (SectionSettings("news", "工作动态"), SectionSettings("reports", "活动报道"))
    sections += (SectionSettings("notices", "通知公告"), SectionSettings("stories", "先进事迹"))
    rows = assess_freshness(
        sections,
        [
            published("news", shanghai(2026, 11, 7, 23, 59)),  # 14 days: still within two weeks
            published("news", shanghai(2026, 10, 1)),
            published("reports", shanghai(2026, 11, 6, 8)),  # 15 days
            published("notices", datetime(2026, 5, 25, 20, tzinfo=SHANGHAI) - timedelta(hours=12)),
        ],
        now,
    )
    assert [(r.latest and r.latest.isoformat(), r.days, r.status()) for r in rows] == [
        ("2026-11-07", 14, "正常"),
        ("2026-11-06", 15, "超过 14 天未更新"),
        ("2026-05-25", 180, "正常"),
        (None, None, "没有文章"),
    ]
    table = render_freshness_table(rows, now)
    assert table[0] == "栏目更新情况（截至 2026-11-21）："
    assert table[1:] == [
        "  栏目      最近一篇    距今天数  状态",
        "  工作动态  2026-11-07        14  正常",
        "  活动报道  2026-11-06        15  超过 14 天未更新",
        "  通知公告  2026-05-25       180  正常",
        "  先进事迹  -                  -  没有文章",
    ]


# --- check on a project --------------------------------------------------------------------------

NEWS = "content/news/2024-05-01-座谈会.md"
REPORT = "content/reports/2024-05-02-活动/index.md"
GLOSSARY = "units:\n  青溪区关工委: [清溪区关工委]\npeople:\n  王秀兰: [王秀蓝]\n"
PLANTED = {
    "glossary.yml": GLOSSARY,
    "news/2024-05-01-座谈会.md": (
        "---\n"
        "title: 区关工委召开志原者座谈会\n"  # 2: 错别字 in the title
        "date: 2024-05-01 09:30\n"
        "summary: 区关工委按排部署暑期工作\n"  # 4: 错别字 in the summary
        "unit: 清溪区关工委\n"  # 5: glossary, in a value
        "---\n"
        "\n"
        "5月1日上午,区关工委召开座谈会。\n"  # 8: half-width comma
        "会议由王秀蓝老师主持。\n"  # 9: glossary, in the body
        "会议回顾了中华人名共和国成立以来的关心下一代工作。\n"  # 10: 错别字 in the body
        "会议要求开展“五老进校园活动。\n"  # 11: unpaired quote
        "\n"
        "会议于 10:30 结束，详见 https://example.org/a,b?c=1 和 `按排,即然`。。\n"  # 13: doubled 。。 only
        "参会人数为１２０人。\n"  # 14: full-width digits
    ),
    "reports/2024-05-02-活动/index.md": (
        "---\n"
        "title: 暑期公益课堂\n"
        "date: 2024-05-02\n"
        "photos:\n"
        "  - src: 合影.jpg\n"  # 5: 错别字 in a caption (reported at its item)
        "    caption: 即然来了，就一起合影\n"
        "---\n"
        "\n"
        "English, please: version 3.5 (beta) at 10:30.\n"
    ),
    "reports/2024-05-02-活动/合影.jpg": phone_jpeg(1, size=(64, 48)),
}
EXPECTED = [
    f"{NEWS}:2: 警告: 标题中的错别字：“志原者”应为“志愿者”",
    f"{NEWS}:4: 警告: 摘要中的错别字：“按排”应为“安排”",
    f"{NEWS}:5: 警告: 单位中的名称：“清溪区关工委”应为“青溪区关工委”。见名称规范表 content/glossary.yml",
    f"{NEWS}:8: 警告: 标点：中文里的半角“,”应改为全角“，”",
    f"{NEWS}:9: 警告: 名称：“王秀蓝”应为“王秀兰”。见名称规范表 content/glossary.yml",
    f"{NEWS}:10: 警告: 错别字：“人名共和国”应为“人民共和国”",
    f"{NEWS}:11: 警告: 标点：左引号 “ 没有对应的右引号 ”",
    f"{NEWS}:13: 警告: 标点：“。。”重复了，只留一个“。”",
    f"{NEWS}:14: 警告: 数字：“１２０”用了全角数字，应改为半角“120”",
    f"{REPORT}:5: 警告: 图片说明中的错别字：“即然”应为“既然”",
]


PROOFREADING_LINE = re.compile(r"^\S+:\d+: (警告|错误): (\S+中的)?(标点|数字|错别字|名称)：")


def proofreading_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if PROOFREADING_LINE.match(line)]


def test_check_reports_each_of_ten_planted_mistakes_at_its_line(make_project, capsys):
    make_project(PLANTED)
    code, output = run_cli(["check"], capsys)
    assert code == 0, output
    assert proofreading_lines(output) == EXPECTED


def test_proofreading_can_fail_the_check_or_be_switched_off(make_project, capsys):
    project = make_project(PLANTED)
    config = project / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("      sections:", "      proofread: error\n      sections:"), encoding="utf-8")
    code, output = run_cli(["check"], capsys)
    assert code == 1 and f"{NEWS}:2: 错误: 标题中的错别字：“志原者”应为“志愿者”" in output
    config.write_text(original.replace("      sections:", "      proofread: off\n      sections:"), encoding="utf-8")
    code, output = run_cli(["check"], capsys)
    assert code == 0 and proofreading_lines(output) == []
    config.write_text(original.replace("      sections:", "      proofread: maybe\n      sections:"), encoding="utf-8")
    code, output = run_cli(["check"], capsys)
    assert code == 2 and "proofread" in output and "warn" in output and "Traceback" not in output


def test_a_broken_glossary_fails_the_check_at_its_line(make_project, capsys):
    make_project({"glossary.yml": "people:\n  王秀兰: [王秀蓝\n", "news/2024-05-01-甲.md": article("甲")})
    code, output = run_cli(["check"], capsys)
    assert code == 1
    assert re.search(r"^content/glossary\.yml:3: 错误: 名称规范表的格式有误", output, re.M), output


def test_freshness_thresholds_are_validated_and_stale_sections_warned(make_project, capsys):
    project = make_project({"news/2024-05-01-甲.md": article("甲")})
    config = project / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("{title: 工作动态}", "{title: 工作动态, stale_after_days: 0}"), encoding="utf-8")
    code, output = run_cli(["check"], capsys)
    assert code == 2 and "stale_after_days 应是至少为 1 的天数" in output
    config.write_text(
        original.replace("{title: 工作动态}", "{title: 工作动态, stale_after_days: 1000}"), encoding="utf-8"
    )
    code, output = run_cli(["check"], capsys)
    assert code == 0
    assert "content/stories: 警告: 栏目“先进事迹”还没有发布任何文章" in output
    assert "content/news: 警告" not in output  # 934 days, but the section allows 1,000
    assert re.search(r"^  工作动态  2024-05-01 +934  正常$", output, re.M), output
    assert output.rstrip().splitlines()[-1].startswith("检查了 1 篇文章")


def test_the_glossary_is_never_published(make_project, capsys):
    project = make_project({"glossary.yml": GLOSSARY, "news/2024-05-01-甲.md": article("甲")})
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    assert (project / "site/index.html").exists()
    assert [path.name for path in (project / "site").rglob("glossary*")] == []


# --- the demo ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_check(tmp_path_factory) -> tuple[int, str]:
    """`site-builder check` run once on a copy of the demo: its exit code and output."""
    project = copy_demo(tmp_path_factory.mktemp("demo-check"))
    output = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(output):
        patch.chdir(project)
        patch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
        code = main(["check"])
    return code, output.getvalue()


def test_the_demo_has_no_proofreading_warnings(demo_check):
    code, output = demo_check
    assert code == 0, output
    assert proofreading_lines(output) == []


def test_the_demo_check_ends_with_withheld_articles_the_freshness_table_and_the_count(demo_check):
    _, output = demo_check
    lines = output.rstrip().splitlines()
    table = lines.index("栏目更新情况（截至 2026-11-21）：")
    assert lines[table + 1 : -1] == [
        "  栏目      最近一篇    距今天数  状态",
        "  工作动态  2026-10-08        44  超过 14 天未更新",
        "  先进事迹  2026-08-30        83  正常",
        "  活动报道  2026-11-01        20  超过 14 天未更新",
        "  通知公告  2026-11-10        11  正常",
    ]
    assert lines[-1].startswith("检查了 ") and lines[-1].endswith("0 个错误，2 个警告")
    withheld = [line for line in lines[:table] if ": 未发布：" in line]
    assert [line.split(":")[0] for line in withheld] == [
        "content/news/2030/2030-06-01-未来的文章不应发布.md",
        "content/notices/2026-11-18-待审核的通知.md",
        "content/reports/2026/2026-11-15-冬令营筹备草稿/index.md",
    ]
    assert "content/news: 警告: 栏目“工作动态”已 44 天没有发布新文章（最近一篇 2026-10-08），超过了 14 天" in output
