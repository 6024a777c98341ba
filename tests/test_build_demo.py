"""End-to-end: the demo site builds, every page exists, every link resolves, nothing leaks."""

from __future__ import annotations

import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image

from tests.conftest import REPO, article, run_cli

WITHHELD_MARKERS = (
    b"DRAFT-MARKER",
    b"FUTURE-MARKER",
    b"UNREVIEWED-MARKER",
    "冬令营筹备".encode(),
    "一则尚未审核的通知".encode(),
    "这是一篇日期在将来的文章".encode(),
)


class _References(HTMLParser):
    """Every URL an HTML page refers to, with the tag and attribute it came from."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in ("href", "src"):
                self.found.append((tag, name, value))
            elif name == "srcset":
                self.found += [(tag, name, part.strip().split(" ")[0]) for part in value.split(",") if part.strip()]


def references(page: Path) -> list[tuple[str, str, str]]:
    parser = _References()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_kind_of_page_exists(demo_site):
    expected = [
        "index.html",
        "404.html",
        "about/index.html",
        "news/index.html",
        "stories/index.html",
        "reports/index.html",
        "notices/index.html",
        *[
            str(p.relative_to(demo_site))
            for p in demo_site.glob("news/2026/0115-qu-guan-gong-wei-zhao-kai-2025-nian-du-zong-jie-biao-*/index.html")
        ],
        "stories/2025/0520-wang-xiu-lan-san-shi-nian-shou-hu-liu-shou-er-tong/index.html",
        "categories/index.html",
        "categories/wu-lao-feng-cai/index.html",
        "tags/index.html",
        "tags/liu-shou-er-tong/index.html",
        "units/index.html",
        "units/shi-qiao-zhen-guan-gong-wei/index.html",
        "people/index.html",
        "people/wang-xiu-lan/index.html",
        "archive/index.html",
        "archive/2025/index.html",
        "archive/2026/index.html",
        "archive/2026/page/2/index.html",
        "sitemap.xml",
        "search/meta.json",
        "search/search.js",
    ]
    missing = [path for path in expected if not (demo_site / path).is_file()]
    assert missing == []
    articles = [p for p in demo_site.glob("*/20*/*/index.html") if p.parts[-4] != "archive"]
    assert len(articles) == 43  # two and a half years (2024-07 to 2026-11), six units (issue #12)


def broken_references(site: Path) -> list[str]:
    """Every href/src/srcset of every page of `site` that points at no file of the site."""
    broken = []
    for page in html_pages(site):
        for tag, attribute, url in references(page):
            parts = urlsplit(url)
            if parts.scheme or url.startswith(("//", "#", "mailto:", "tel:", "data:", "javascript:")):
                continue
            if not parts.path:
                continue
            base = site if parts.path.startswith("/") else page.parent
            target = (base / unquote(parts.path).lstrip("/")).resolve()
            if parts.path.endswith("/") or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: <{tag} {attribute}={url}>")
    return broken


def test_every_internal_link_and_image_resolves(demo_site):
    assert broken_references(demo_site) == []


def test_nothing_withheld_appears_in_any_output_file(demo_site):
    leaks = [
        (path.relative_to(demo_site), marker.decode())
        for path in demo_site.rglob("*")
        if path.is_file()
        for marker in WITHHELD_MARKERS
        if marker in path.read_bytes()
    ]
    assert leaks == []
    assert not list(demo_site.rglob("*dong-ling-ying*")) and not list(demo_site.glob("news/2030"))


def test_no_resource_is_loaded_from_another_host(demo_site):
    offenders = []
    for page in html_pages(demo_site):
        for tag, attribute, url in references(page):
            is_resource = (tag, attribute) in {
                ("script", "src"),
                ("img", "src"),
                ("img", "srcset"),
                ("source", "srcset"),
                ("iframe", "src"),
            } or (tag == "link" and attribute == "href")
            external = url.startswith(("http://", "https://", "//")) and "qingxi-ggw.example.cn" not in url
            if is_resource and external:
                offenders.append(f"{page.relative_to(demo_site)}: <{tag} {attribute}={url}>")
    for css in demo_site.rglob("*.css"):
        if re.search(
            r"@import\s+url\((['\"]?)https?:|fonts\.(googleapis|gstatic)\.com", css.read_text(encoding="utf-8")
        ):
            offenders.append(str(css.relative_to(demo_site)))
    assert offenders == []


def test_published_images_are_processed_variants_without_exif(demo_site):
    originals = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (REPO / "content").rglob("*.jpg")}
    images = [
        p
        for p in demo_site.rglob("*")
        if p.suffix.lower() in (".jpg", ".jpeg", ".webp", ".png") and "assets" not in p.parts
    ]
    assert len(images) >= 13 * 6
    for path in images:
        assert hashlib.sha256(path.read_bytes()).hexdigest() not in originals, path
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "exif" not in image.info and "xmp" not in image.info, path
        assert b"DemoPhone" not in path.read_bytes()
    assert not [p for p in demo_site.rglob("IMG_*")]


def test_articles_are_not_in_the_navigation(demo_site):
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    nav = home[home.index('<nav class="md-nav md-nav--primary') :]
    nav = nav[: nav.index("</nav>")]
    labels = re.findall(r'class="md-nav__link[^"]*"[^>]*>\s*(?:<span[^>]*>\s*)?([^<\s][^<]*?)\s*<', nav)
    assert "工作动态" in labels and "关于我们" in labels
    assert not any(p in nav for p in ("/2025/", "/2026/", "2025/", "2026/"))


def test_article_page_shows_all_metadata_as_links(demo_site):
    page = (demo_site / "reports/2025/0715-shu-qi-gong-yi-ke-tang-kai-ke/index.html").read_text(encoding="utf-8")
    for text in ("2025年7月15日", "滨江社区校外教育辅导站", "200 人", "陈静", "周明华"):
        assert text in page
    for link in (
        "../../../units/bin-jiang-she-qu-guan-gong-wei/",
        "../../../tags/shu-qi-huo-dong/",
        "../../../categories/xiao-wai-fu-dao-zhan/",
        "../../",
    ):
        assert f'href="{link}"' in page
    assert 'class="sb-gallery"' in page and "志愿者老师与孩子们合影" in page
    assert "<picture>" in page and 'type="image/webp"' in page and 'loading="lazy"' in page
    # previous/next within the section
    assert "上一篇" in page or "下一篇" in page


def test_section_listing_has_entries_with_thumbnails_and_summaries(demo_site):
    page = (demo_site / "reports/index.html").read_text(encoding="utf-8")
    assert page.count('class="sb-entry"') == 10  # the first page of 19
    assert page.index("秋季研学") < page.index("国庆主题教育")  # newest first
    assert "sb-entry__thumb" in page and "-480.jpg" in page
    assert "石桥镇关工委为 60 名留守儿童送去书包和文具" in page  # summary from front matter


def test_home_page_has_latest_of_each_section_and_featured(demo_site):
    page = (demo_site / "index.html").read_text(encoding="utf-8")
    assert "图片新闻" in page
    for title in ("王秀兰：三十年守护留守儿童", "区关工委召开2025年度总结表彰会", "关于举办冬季家庭教育公益讲座的通知"):
        assert title in page


def test_titles_are_text_everywhere(make_project, capsys):
    title = "<script>alert(1)</script> & “敬老”"
    project = make_project({"news/2024-05-01-x.md": article(f"'{title}'", tags="['<b>粗</b>']", unit="'A&B 关工委'")})
    code, output = run_cli(["build", "-d", "site"], capsys)
    assert code == 0, output
    site = project / "site"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; “敬老”"
    for path in (
        "news/2024/0501-x/index.html",
        "news/index.html",
        "tags/b-cu-b/index.html",
        "archive/2024/index.html",
        "units/a-b-guan-gong-wei/index.html",
    ):
        html = (site / path).read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, path
        assert escaped in html, path
    article_page = (site / "news/2024/0501-x/index.html").read_text(encoding="utf-8")
    assert f"<title>{escaped} - 测试站点</title>" in article_page
    assert "&lt;b&gt;粗&lt;/b&gt;" in article_page and "A&amp;B 关工委" in article_page


def test_a_build_never_writes_into_content(make_project, capsys):
    project = make_project({"news/2024-05-01-x.md": article("甲"), "about.md": "# 关于"})

    def snapshot():
        return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in (project / "content").rglob("*") if p.is_file()}

    before = snapshot()
    assert run_cli(["build"], capsys)[0] == 0
    assert snapshot() == before


def test_a_recurring_title_is_published_twice_under_dated_urls(demo_site):
    # The demo's 法治宣传进校园 went to a school in April and another in September, same file name.
    pages = sorted(p.parent.name for p in demo_site.glob("reports/2026/*-fa-zhi-xuan-chuan-jin-xiao-yuan/index.html"))
    assert pages == ["0402-fa-zhi-xuan-chuan-jin-xiao-yuan", "0910-fa-zhi-xuan-chuan-jin-xiao-yuan"]
    texts = [(demo_site / "reports/2026" / name / "index.html").read_text(encoding="utf-8") for name in pages]
    assert "石桥镇中心小学" in texts[0] and "溪口中学" in texts[1]
