"""Readers first (issue #13), in the built HTML: share data, descriptions, headings, the 备案 footer,
feed links that Material leaves alone. What a browser does with them: tests/test_reader_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from PIL import Image

from tests.conftest import article, run_cli

SITE_URL = "https://www.qingxi-ggw.example.cn/"
ARTICLE = "reports/2025/0715-shu-qi-gong-yi-ke-tang-kai-ke/"


class PageFacts(HTMLParser):
    """What the tests read from one page: meta tags, JSON-LD blocks, h1 texts, article nesting."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.h1: list[str] = []
        self.links: list[dict[str, str]] = []
        self.images: list[dict[str, str]] = []
        self._in_json = False
        self._h1_depth = 0
        self._article_depth = 0
        self.nested_article = False

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta.setdefault(key, []).append(attributes.get("content", ""))
        elif tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json = True
            self.json_ld.append("")
        elif tag == "h1":
            self._h1_depth += 1
            self.h1.append("")
        elif tag == "article":
            self.nested_article |= self._article_depth > 0
            self._article_depth += 1
        elif tag == "link":
            self.links.append(attributes)
        elif tag == "img":
            self.images.append(attributes)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json = False
        elif tag == "h1":
            self._h1_depth -= 1
        elif tag == "article":
            self._article_depth -= 1

    def handle_data(self, data):
        if self._in_json:
            self.json_ld[-1] += data
        if self._h1_depth:
            self.h1[-1] += data


def facts(path: Path) -> PageFacts:
    parser = PageFacts()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("index.html"))


def article_pages(site: Path) -> list[Path]:
    sections = ("news", "stories", "reports", "notices")
    return [
        p
        for p in html_pages(site)
        if re.match(r"(news|stories|reports|notices)/\d{4}/", p.relative_to(site).as_posix())
        and p.relative_to(site).parts[0] in sections
    ]


def published_file(site: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site / url.removeprefix(SITE_URL)


def test_every_article_has_newsarticle_json_ld_whose_headline_is_the_title(demo_site):
    pages = article_pages(demo_site)
    assert len(pages) > 10
    for page in pages:
        found = facts(page)
        assert len(found.json_ld) == 1, page
        data = json.loads(found.json_ld[0])
        assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
        assert data["headline"] == found.h1[0].strip() == found.meta["og:title"][0], page
        for key in ("datePublished", "dateModified"):
            assert data[key].endswith("+08:00"), (page, data[key])
        assert data["author"][0]["name"]
        publisher = data["publisher"]
        assert publisher["name"] == "青溪区关心下一代工作委员会"
        assert published_file(demo_site, publisher["logo"]["url"]).is_file()
        assert data["image"] and all(published_file(demo_site, url).is_file() for url in data["image"])
        assert data["mainEntityOfPage"]["@id"] == SITE_URL + page.parent.relative_to(demo_site).as_posix() + "/"
    report = json.loads(facts(demo_site / ARTICLE / "index.html").json_ld[0])
    assert report["author"] == [{"@type": "Person", "name": "陈静"}]
    assert report["image"][0].endswith("-960.jpg") and report["datePublished"] == "2025-07-15T16:30:00+08:00"


def test_json_ld_headline_is_text_and_cannot_close_its_script(make_project, capsys):
    title = "</script><script>alert(1)</script> “引号” & <b>粗体</b>"
    project = make_project({"news/2024-05-01-甲.md": article(json.dumps(title, ensure_ascii=False))})
    assert run_cli(["build"], capsys)[0] == 0
    (page,) = (project / "site/news/2024").glob("*/index.html")
    html = page.read_text(encoding="utf-8")
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in script and ">" not in script
    data = json.loads(script)
    assert data["headline"] == title
    assert data["author"] == [{"@type": "Organization", "name": "测试站点"}]
    assert "alert(1)</script>" not in html.split('<script type="application/ld+json">')[1].split("</script>")[0]


def test_every_page_has_a_share_image_locale_and_its_own_description(demo_site):
    share = Image.open(demo_site / "assets/site_builder/share.png")
    descriptions: dict[str, list[str]] = {}
    for page in html_pages(demo_site):
        found = facts(page)
        assert found.meta["og:locale"] == ["zh_CN"], page
        image = found.meta["og:image"][0]
        assert published_file(demo_site, image).is_file(), (page, image)
        if image.endswith("share.png"):
            assert found.meta["og:image:width"] == [str(share.width)]
            assert found.meta["og:image:height"] == [str(share.height)]
        (description,) = found.meta["description"]
        assert found.meta["og:description"] == [description]
        descriptions.setdefault(description, []).append(page.relative_to(demo_site).as_posix())
    shared = {text: pages for text, pages in descriptions.items() if len(pages) > 1}
    assert not shared, shared
    home = facts(demo_site / "index.html").meta
    assert home["og:image"] == [SITE_URL + "assets/site_builder/share.png"]
    news = facts(demo_site / "news/index.html").meta["description"][0]
    assert re.match(r"青溪区关心下一代工作委员会“工作动态”栏目，共 \d+ 篇文章", news), news
    assert "本页有：" in news
    assert facts(demo_site / "news/page/2/index.html").meta["description"][0] != news
    tag = next((demo_site / "tags").glob("*/index.html"))
    assert "标签：" in facts(tag).meta["description"][0]


def test_one_h1_per_page_and_no_article_inside_another(demo_site):
    for page in [*html_pages(demo_site), demo_site / "404.html"]:
        found = facts(page)
        assert len(found.h1) == 1, (page, found.h1)
        assert not found.nested_article, page
    assert facts(demo_site / "index.html").h1 == ["青溪区关心下一代工作委员会"]


def test_home_page_lcp_photo_is_not_lazy_and_dates_carry_the_year(demo_site):
    html = (demo_site / "index.html").read_text(encoding="utf-8")
    featured = re.search(r'<ul class="sb-featured__list">(.*?)</ul>', html, re.S).group(1)
    images = re.findall(r"<img [^>]*>", featured)
    assert images and 'loading="lazy"' not in images[0] and 'fetchpriority="high"' in images[0]
    assert all('loading="lazy"' in image for image in images[1:])
    headlines = re.findall(r'<ul class="sb-headlines">(.*?)</ul>', html, re.S)
    dates = [d for block in headlines for d in re.findall(r"<time [^>]*>([^<]+)</time>", block)]
    assert dates and all(re.fullmatch(r"20\d\d-\d\d-\d\d", d) for d in dates), dates


def test_footer_shows_the_filing_numbers_linked_to_their_registries(demo_site):
    for page in (demo_site / "index.html", demo_site / ARTICLE / "index.html", demo_site / "404.html"):
        html = page.read_text(encoding="utf-8")
        assert '<a href="https://beian.miit.gov.cn/" target="_blank" rel="noopener">苏ICP备00000000号-1</a>' in html
        police = re.search(r'<a class="sb-beian-police" href="([^"]+)"[^>]*><img src="([^"]+)"[^>]*>([^<]+)</a>', html)
        assert police.group(1) == "https://beian.mps.gov.cn/#/query/webSearch?code=32000000000000"
        assert police.group(3) == "苏公网安备32000000000000号"
        badge = police.group(2)
        assert not badge.startswith(("http:", "https:", "//")) or badge.startswith(SITE_URL)
        assert "网站标识码：3200000000" in html
    assert Image.open(demo_site / "assets/site_builder/beian-gongan.png").size == (20, 20)


def test_filing_numbers_are_checked_with_chinese_messages(make_project, capsys):
    project = make_project({"news/2024-05-01-甲.md": article("甲")})
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "      pagination_per_page: 2\n",
            "      pagination_per_page: 2\n      beian_icp: ICP 12345\n      beian_police: 京公网安备 123号\n"
            "      beian_site_code: abc\n",
        ),
        encoding="utf-8",
    )
    code, output = run_cli(["build"], capsys)
    assert code == 2 and "Traceback" not in output
    for option, words in [
        ("beian_icp", "京ICP备12345678号-1"),
        ("beian_police", "14 位数字"),
        ("beian_site_code", "10 位数字或字母"),
    ]:
        assert any(f"option '{option}'" in line and words in line for line in output.splitlines()), (option, output)


def test_without_filing_numbers_the_footer_has_none(make_project, capsys):
    project = make_project({"news/2024-05-01-甲.md": article("甲")})
    assert run_cli(["build"], capsys)[0] == 0
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert "beian" not in html and "网站标识码" not in html


def test_feed_links_do_not_make_material_fetch_a_section_sitemap(demo_site):
    """Material fetches sitemap.xml beside each link[rel=alternate] (issue #13: news/sitemap.xml 404)."""
    found = facts(demo_site / "news/index.html")
    feeds = [link for link in found.links if link.get("type") in ("application/rss+xml", "application/atom+xml")]
    exact = [link["href"] for link in feeds if link["rel"] == "alternate"]
    assert exact == ["../feed.xml", "../atom.xml"]
    assert {link["href"] for link in feeds if link["rel"] == "alternate feed"} == {"feed.xml", "atom.xml"}
