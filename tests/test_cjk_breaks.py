"""A newline inside a Chinese paragraph renders as nothing, not as a space (issue #11)."""

from __future__ import annotations

import re

import markdown
import pytest

from site_builder.cjk_breaks import CjkLineBreakExtension, join_wide_lines
from tests.conftest import article, run_cli


def render(text: str) -> str:
    return markdown.Markdown(extensions=[CjkLineBreakExtension(), "fenced_code"]).convert(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("组成，\n围绕", "组成，围绕"),
        ("五老\n志愿者", "五老志愿者"),
        ("“关爱”\n活动", "“关爱”活动"),
        ("组成，  \n  围绕", "组成，围绕"),  # indented continuation lines from Word
        ("English\nwords", "English\nwords"),  # a space between Latin words stays
        ("共 30\n人参加", "共 30\n人参加"),  # a digit beside the break: a space, as CSS does
        ("参加\nWorkshop", "参加\nWorkshop"),
    ],
)
def test_newlines_between_wide_characters_are_dropped(text, expected):
    assert join_wide_lines(text) == expected


def test_paragraphs_inline_markup_and_code_in_rendered_markdown():
    html = render("区关工委组成，\n围绕**五老\n志愿者**开展\n**宣讲**活动。\n\n```\n代码\n保留\n```\n\n`行内\n代码`")
    assert "组成，围绕" in html and "<strong>五老志愿者</strong>开展<strong>宣讲</strong>" in html
    assert "代码\n保留" in html  # preformatted text is left as written
    assert "<code>行内\n代码</code>" in html


def test_no_demo_page_shows_a_space_from_a_line_break(demo_site):
    # Before: 21 demo pages showed "组成， 围绕". The demo's Markdown has such line breaks.
    wide = "[\u4e00-\u9fff，。、：；！？“”]"
    broken = re.compile(f"{wide}\n{wide}")
    pages = [p for p in demo_site.rglob("*.html") if broken.search(_prose(p.read_text(encoding="utf-8")))]
    assert pages == []


def _prose(html: str) -> str:
    """The page's paragraphs' text (not scripts, attributes or preformatted blocks)."""
    paragraphs = re.findall(r"<p(?:\s[^>]*)?>(.*?)</p>", html, flags=re.S)
    return "\n\n".join(re.sub(r"<[^>]+>", "", p) for p in paragraphs)


def test_teasers_in_listings_join_lines_too(make_project, capsys):
    text = article("标题").replace("正文第一段。", "石桥镇关工委组织五老，\n走进村小开展宣讲。")
    project = make_project({"news/2024-05-01-x.md": text})
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    listing = (project / "site/news/index.html").read_text(encoding="utf-8")
    assert "组织五老，走进村小" in listing
