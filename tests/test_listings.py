from pathlib import Path

from site_builder.content.model import Article, SourceFile
from site_builder.listings import build_listings, page_url
from tests.conftest import shanghai, site_settings


def make(n: int, section="news", **fields) -> Article:
    source = SourceFile(section, Path(f"/c/{n}.md"), f"{section}/{n}.md", "x", False, "2024-01-01", str(n))
    return Article(source, f"文章{n}", shanghai(2024, 1, n), "", 1, url=f"{section}/2024/a{n}/", **fields)


SETTINGS = site_settings(Path("/c"), pagination_per_page=2, home_latest=2)


def test_sections_paginate_newest_first_with_page_urls():
    articles = sorted([make(n) for n in range(1, 6)], key=Article.sort_key)
    listings = build_listings(articles, SETTINGS)
    pages = [p for p in listings.pages if p.kind == "section" and p.key == "news"]
    assert [p.url for p in pages] == ["news/", "news/page/2/", "news/page/3/"]
    assert [[a.title for a in p.articles] for p in pages] == [["文章5", "文章4"], ["文章3", "文章2"], ["文章1"]]
    assert pages[0].previous_url is None and pages[0].next_url == "news/page/2/" and pages[2].next_url is None
    assert [a.title for a in listings.home_latest["news"]] == ["文章5", "文章4"]
    # Sections without articles still get one (empty) page.
    assert [p.total for p in listings.pages if p.key == "stories"] == [0]


def test_terms_group_by_category_tag_unit_person_year():
    articles = sorted(
        [
            make(1, tags=("敬老",), units=("甲",), category="会议"),
            make(2, tags=("敬老", "家风"), people=("王秀兰",), featured=True),
        ],
        key=Article.sort_key,
    )
    listings = build_listings(articles, SETTINGS)
    tags = {t.name: [a.title for a in t.articles] for t in listings.terms["tag"]}
    assert tags == {"敬老": ["文章2", "文章1"], "家风": ["文章2"]}
    assert [t.name for t in listings.terms["tag"]] == ["敬老", "家风"]  # most articles first
    assert listings.term_urls[("tag", "敬老")] == "tags/jing-lao/"
    assert listings.term_urls[("unit", "甲")] == "units/jia/"
    assert listings.term_urls[("person", "王秀兰")] == "people/wang-xiu-lan/"
    assert listings.term_urls[("category", "会议")] == "categories/hui-yi/"
    assert listings.term_urls[("year", "2024")] == "archive/2024/"
    assert [a.title for a in listings.home_featured] == ["文章2"]


def test_neighbours_stay_within_the_section():
    articles = sorted([make(1), make(2, section="stories"), make(3)], key=Article.sort_key)
    listings = build_listings(articles, SETTINGS)
    assert listings.neighbours["news/2024/a3/"].older.title == "文章1"
    assert listings.neighbours["news/2024/a3/"].newer is None
    assert listings.neighbours["stories/2024/a2/"].older is None


def test_page_url():
    assert page_url("tags/x/", 1) == "tags/x/" and page_url("tags/x/", 3) == "tags/x/page/3/"
