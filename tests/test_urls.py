from pathlib import Path

from site_builder.content.model import Article, SourceFile
from site_builder.diagnostics import Diagnostics
from site_builder.urls import assign_urls, slugify, unique_slugs
from tests.conftest import shanghai


def make(path: str, name: str, slug: str = "", year: int = 2024, month: int = 5, day: int = 1) -> Article:
    source = SourceFile("news", Path("/c") / path, path, f"content/{path}", False, f"{year}-{month:02}-{day:02}", name)
    return Article(source, "标题", shanghai(year, month, day), "", 1, slug=slug, lines={"slug": 4})


def test_slugs_are_ascii_pinyin():
    assert slugify("滨江社区关工委开展暑期活动") == "bin-jiang-she-qu-guan-gong-wei-kai-zhan-shu-qi-huo-dong"
    assert slugify("2024年“五老”进校园！") == "2024-nian-wu-lao-jin-xiao-yuan"
    assert slugify("重庆 Summer Camp") == "chong-qing-summer-camp"
    assert slugify("……") == "x"
    assert all(len(slugify("很" * n)) <= 60 for n in (10, 40))


def test_long_names_that_differ_only_at_the_end_keep_different_slugs():
    a = slugify("区教育局关工委开展五老进校园宣讲活动第一场")
    b = slugify("区教育局关工委开展五老进校园宣讲活动第二场")
    assert a != b and len(a) <= 60 and len(b) <= 60
    assert a.startswith("qu-jiao-yu-ju-guan-gong-wei") and a == slugify("区教育局关工委开展五老进校园宣讲活动第一场")


def test_url_is_section_year_slug_and_explicit_slug_wins():
    a, b = assign_urls(
        [make("news/2024-05-01-敬老活动.md", "敬老活动"), make("news/2024-05-01-x.md", "x", slug="jing-lao-2")],
        Diagnostics(),
    )
    assert a.url == "news/2024/0501-jing-lao-huo-dong/" and b.url == "news/2024/jing-lao-2/"


def test_a_recurring_title_on_another_date_gets_its_own_url_and_changes_no_other():
    spring = make("news/2024-05-01-座谈会.md", "五老志愿者座谈会")
    autumn = make("news/2024-10-12-座谈会.md", "五老志愿者座谈会", month=10, day=12)
    diagnostics = Diagnostics()
    alone = assign_urls([autumn], diagnostics)
    both = assign_urls([spring, autumn], diagnostics)
    assert not diagnostics.errors
    assert [a.url for a in both] == [
        "news/2024/0501-wu-lao-zhi-yuan-zhe-zuo-tan-hui/",
        "news/2024/1012-wu-lao-zhi-yuan-zhe-zuo-tan-hui/",
    ]
    # Adding (or removing) the spring meeting leaves the autumn one where it was.
    assert alone[0].url == both[1].url


def test_url_clash_is_an_error_that_names_both_files():
    diagnostics = Diagnostics()
    kept = assign_urls(
        [make("news/2024-05-01-敬老活动.md", "敬老活动"), make("news/sub/2024-05-01-敬老活动.md", "敬老活动")],
        diagnostics,
    )
    assert len(kept) == 1
    [error] = diagnostics.errors
    assert error.path == "content/news/sub/2024-05-01-敬老活动.md"
    assert "content/news/2024-05-01-敬老活动.md" in error.message and "slug: jing-lao-huo-dong-2" in error.hint


def test_same_name_in_another_year_is_not_a_clash():
    diagnostics = Diagnostics()
    assert len(assign_urls([make("news/a.md", "敬老"), make("news/b.md", "敬老", year=2025)], diagnostics)) == 2
    assert not diagnostics.errors


def test_term_slugs_that_collide_get_stable_suffixes():
    slugs = unique_slugs(["事迹", "事机", "敬老"])
    assert slugs["敬老"] == "jing-lao"
    assert sorted([slugs["事迹"], slugs["事机"]]) == ["shi-ji", "shi-ji-2"]
    assert unique_slugs(["事机", "事迹"]) == unique_slugs(["事迹", "事机"])
