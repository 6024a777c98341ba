"""Issue #12: the committee's record on the demo site: month archives, each year's 大事记, 人物 pages
as 业绩记载, the 年度工作统计 page, and `site-builder stats` on the demo.

Expectations are computed from the demo's front matter as written (plain YAML), not from
site_builder's model.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.conftest import DEMO_NOW, REPO, run_cli

NOW = datetime.fromisoformat(DEMO_NOW)
SECTIONS = ("news", "stories", "reports", "notices")
CHRONICLE_SECTIONS = ("news", "reports")


@dataclass(frozen=True)
class Source:
    section: str
    title: str
    when: datetime
    units: tuple[str, ...]
    people: tuple[str, ...]
    category: str
    chronicle: bool


def published_sources() -> list[Source]:
    """The demo's published articles, oldest first, read from their front matter."""
    found = []
    for section in SECTIONS:
        for path in (REPO / "content" / section).rglob("*.md"):
            if path.name == "index.md" and path.parent == REPO / "content" / section:
                continue  # the section's introduction
            front = yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1])
            when = front["date"]
            if isinstance(when, str):  # YAML reads `2025-03-12 09:30` (no seconds) as text
                when = datetime.fromisoformat(when)
            when = when if isinstance(when, datetime) else datetime.combine(when, datetime.min.time())
            when = when.replace(tzinfo=NOW.tzinfo)
            if front.get("draft") or when > NOW or not front.get("reviewed_by"):
                continue
            units = front.get("unit") or []
            chronicle = front.get("chronicle")
            found.append(
                Source(
                    section,
                    str(front["title"]),
                    when,
                    tuple([units] if isinstance(units, str) else units),
                    tuple(front.get("people") or ()),
                    str(front.get("category") or ""),
                    section in CHRONICLE_SECTIONS if chronicle is None else chronicle,
                )
            )
    return sorted(found, key=lambda s: s.when)


class _Links(HTMLParser):
    """Links of a page's content (from `md-content__inner` to the term links): (resolved URL, text)."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href, self._text = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            target = posixpath.normpath(posixpath.join(self.page_url, self._href))
            self.links.append((target.strip("./") + "/" if self._href.endswith("/") else target, "".join(self._text)))
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)


def content_links(site: Path, url: str) -> list[tuple[str, str]]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    inner = html.split('class="md-content__inner', 1)[1].split('<nav class="sb-terms"', 1)[0]
    parser = _Links(url)
    parser.feed(inner)
    return parser.links


def article_urls(site: Path) -> dict[tuple[str, date], str]:
    """(title, date) → URL of every article page of the built site (titles recur)."""
    urls = {}
    for page in site.glob("*/20*/*/index.html"):
        if page.parts[-4] == "archive":
            continue
        html = page.read_text(encoding="utf-8")
        title = re.search(r"<h1>(.*?)</h1>", html).group(1).replace("&#34;", '"')
        when = date.fromisoformat(re.search(r'<dd><time datetime="(\d{4}-\d\d-\d\d)', html).group(1))
        urls[(title, when)] = page.parent.relative_to(site).as_posix() + "/"
    return urls


def test_the_demo_spans_two_and_a_half_years_and_six_units_with_people_on_most_reports():
    sources = published_sources()
    assert len(sources) >= 40
    assert sources[0].when.date() <= date(2024, 7, 31) and sources[-1].when.year == 2026
    assert len({unit for s in sources for unit in s.units}) >= 6
    reports = [s for s in sources if s.section == "reports"]
    assert sum(1 for s in reports if s.people) > len(reports) / 2


def test_month_archives_link_every_published_article_of_their_month(demo_site):
    urls = article_urls(demo_site)
    by_month: dict[tuple[int, int], set[str]] = defaultdict(set)
    for source in published_sources():
        by_month[(source.when.year, source.when.month)].add(urls[(source.title, source.when.date())])
    for (year, month), expected in by_month.items():
        folder = f"archive/{year}/{month:02d}/"
        pages = [folder, *(f"{folder}page/{n}/" for n in range(2, 10) if (demo_site / f"{folder}page/{n}").is_dir())]
        linked = {url for page in pages for url, _ in content_links(demo_site, page) if url in urls.values()}
        assert linked == expected, folder
    # The year's page shows each of its months with its count, and links them.
    for year in {y for y, _ in by_month}:
        months = dict(
            (url, text)
            for url, text in content_links(demo_site, f"archive/{year}/")
            if re.fullmatch(rf"archive/{year}/\d\d/", url)
        )
        assert sorted(months) == sorted(f"archive/{y}/{m:02d}/" for y, m in by_month if y == year)
        html = (demo_site / f"archive/{year}/index.html").read_text(encoding="utf-8")
        for (y, m), expected in by_month.items():
            if y == year:
                assert f'href="{m:02d}/">{m}月</a> <span class="sb-count">{len(expected)} 篇</span>' in html


def chronicle_entries(site: Path, year: int) -> list[tuple[str, str]]:
    """(day, title) of each line of a year's 大事记, in page order."""
    html = (site / f"archive/{year}/dashiji/index.html").read_text(encoding="utf-8")
    return re.findall(r'<li><time datetime="[^"]+">([^<]+)</time>\u3000<a href="[^"]+">([^<]+)</a>', html)


def test_each_years_chronicle_lists_exactly_its_chronicle_articles_in_date_order(demo_site):
    sources = [s for s in published_sources() if s.chronicle]
    years = sorted({s.when.year for s in sources})
    assert years == [2024, 2025, 2026]
    for year in years:
        expected = [(f"{s.when.month}月{s.when.day}日", s.title) for s in sources if s.when.year == year]
        shown = [(day, title.replace("&#34;", '"')) for day, title in chronicle_entries(demo_site, year)]
        assert shown == expected, year
        html = (demo_site / f"archive/{year}/dashiji/index.html").read_text(encoding="utf-8")
        assert f"<title>{year}年大事记" in html and f"<h1>{year}年大事记</h1>" in html
        months = re.findall(r"<h2>(\d+)月</h2>", html)
        assert months == sorted(months, key=int) == list(dict.fromkeys(d.split("月")[0] for d, _ in expected))
        assert 'href="dashiji/"' in (demo_site / f"archive/{year}/index.html").read_text(encoding="utf-8")
        assert f'href="archive/{year}/dashiji/">{year}年大事记</a>' in (demo_site / "index.html").read_text(
            encoding="utf-8"
        )
    # A story marked `chronicle: true` is in it; a news item marked `chronicle: false` is not.
    titles_2025 = [title for _, title in chronicle_entries(demo_site, 2025)]
    assert "孙国强：法治宣讲十二年，走遍全区中小学" in titles_2025
    assert not any("档案整理" in title for _, title in chronicle_entries(demo_site, 2026))
    assert not any("通知" in title for year in years for _, title in chronicle_entries(demo_site, year))


def test_a_chronicle_line_names_the_units_its_title_does_not(demo_site):
    html = (demo_site / "archive/2025/dashiji/index.html").read_text(encoding="utf-8")
    line = html.split("清明祭英烈", 1)[1].split("</li>", 1)[0]
    assert re.sub(r"<[^>]+>", "", line).endswith("（溪口镇关工委、区教育局关工委）")
    html = (demo_site / "archive/2024/dashiji/index.html").read_text(encoding="utf-8")
    line = html.split("家庭教育讲座", 1)[1].split("</li>", 1)[0]
    assert "sb-chronicle__units" not in line  # the title already names 石桥镇关工委


def test_a_persons_page_is_their_record_with_counts_per_year(demo_site):
    sources = [s for s in published_sources() if "刘淑珍" in s.people]
    html = (demo_site / "people/liu-shu-zhen/index.html").read_text(encoding="utf-8")
    per_year: dict[int, int] = defaultdict(int)
    for source in sources:
        per_year[source.when.year] += 1
    years = "，".join(f"{year} 年 {count} 篇" for year, count in sorted(per_year.items()))
    assert f"共 {len(sources)} 篇：{years}" in html
    rows = re.findall(r"<tr>\s*<td><time[^>]*>([^<]+)</time></td>\s*<td><a[^>]*>([^<]+)</a></td>(.*?)</tr>", html, re.S)
    assert [(day, title.replace("&#34;", '"')) for day, title, _ in rows] == [
        (f"{s.when.year}年{s.when.month}月{s.when.day}日", s.title) for s in sources
    ]
    for (_, _, rest), source in zip(rows, sources, strict=True):
        cells = re.findall(r"<td>(.*?)</td>", rest, re.S)
        assert re.sub(r"<[^>]+>", "", cells[0]) == "、".join(source.units)
        assert cells[1] == source.category


def test_the_demo_publishes_its_statistics_pages(demo_site):
    for year in (2024, 2025, 2026):
        html = (demo_site / f"archive/{year}/tongji/index.html").read_text(encoding="utf-8")
        total = len([s for s in published_sources() if s.when.year == year])
        assert f'<strong data-figure="articles">{total}</strong>' in html


def test_stats_on_the_demo_prints_the_years_table(demo_site, capsys, monkeypatch):
    monkeypatch.chdir(demo_site.parent)
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    code, output = run_cli(["stats", "--year", "2025"], capsys)
    assert code == 0, output
    total = len([s for s in published_sources() if s.when.year == 2025])
    assert output.startswith(f"2025年工作统计：已发布文章 {total} 篇")
    assert "城南街道关工委  2025-03" in output and "按人物" in output


@pytest.mark.parametrize("key", ["chronicle_sections"])
def test_chronicle_sections_must_be_declared(make_project, capsys, key):
    project = make_project({"news/2024-05-01-a.md": "---\ntitle: a\ndate: 2024-05-01\n---\n"})
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("      sections:", f"      {key}: [news, dongtai]\n      sections:"),
        encoding="utf-8",
    )
    code, output = run_cli(["check"], capsys)
    assert code == 2 and "栏目“dongtai”没有在 sections 中声明" in output


def test_a_site_without_the_default_chronicle_sections_needs_no_option(make_project, capsys):
    # The default (news, reports) applies to the sections a site has; only a name written in
    # mkdocs.yml must be a declared section.
    project = make_project({"dongtai/2024-05-01-a.md": "---\ntitle: a\ndate: 2024-05-01\n---\n"})
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    sections = text[text.index("      sections:") :]
    config.write_text(text.replace(sections, "      sections:\n        dongtai: {title: 工作动态}\n"), encoding="utf-8")
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    assert not (project / "site/archive/2024/dashiji").exists()  # nothing is in a 大事记 by default here
