"""Issue #12: the figures for the annual 考核 (`site-builder stats`, its CSV and report, the 年度工作统计 page).

The expected figures are computed here from the fixture's front matter (read with plain YAML, not
with site_builder's parser) and compared with the CSV and with the statistics page.
"""

from __future__ import annotations

import csv
import re
import shutil
from collections import defaultdict
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from site_builder.cli import main
from site_builder.content.model import Article, PhotoRef, SourceFile
from site_builder.diagnostics import Diagnostics
from site_builder.pages import build_registry
from site_builder.site import load_site
from site_builder.stats.charts import plan_bar_chart
from site_builder.stats.figures import count_photos
from site_builder.stats.render import display_width, format_table
from tests.conftest import DEMO_NOW, SMALL_CONFIG, run_cli, shanghai, site_settings, write_tree
from tests.images_fixtures import phone_jpeg

CONFIG = SMALL_CONFIG.format(require_review="true").replace(
    "pagination_per_page: 2", "pagination_per_page: 2\n      stats_page: true"
)
GLOSSARY = "units:\n  石桥镇关工委: [石乔镇关工委, 石桥乡关工委]\n"
PHOTO = phone_jpeg(1, size=(240, 160))


def _article(title: str, date: str, body: str = "正文第一段。", **fields: object) -> str:
    lines = [f"title: {title}", f"date: {date}", *(f"{key}: {value}" for key, value in fields.items())]
    return "---\n" + "\n".join(lines) + f"\n---\n\n{body}\n"


REVIEWED = {"reviewed_by": "周明华"}
FILES: dict[str, str | bytes] = {
    "glossary.yml": GLOSSARY,
    # Two units: counted once for each, once in the totals. Cover, gallery and a photo in the text.
    "reports/2025-03-05-学雷锋/index.md": _article(
        "学雷锋志愿服务",
        "2025-03-05",
        "![老少同行](c.jpg)\n\n再写一次同一张：![](c.jpg)",
        unit="[滨江社区关工委, 石桥镇关工委]",
        participants=80,
        cover="a.jpg",
        photos="[b.jpg, {src: a.jpg, caption: 封面也在图集里}]",
        **REVIEWED,
    ),
    "reports/2025-03-05-学雷锋/a.jpg": PHOTO,
    "reports/2025-03-05-学雷锋/b.jpg": PHOTO,
    "reports/2025-03-05-学雷锋/c.jpg": PHOTO,
    # A wrong form of a unit (glossary): counted as 石桥镇关工委.
    "reports/2025-03-20-植树.md": _article("植树", "2025-03-20", unit="石乔镇关工委", participants=40, **REVIEWED),
    "news/2025-04-01-会议.md": _article("区关工委召开会议", "2025-04-01 09:30", unit="青溪区关工委", **REVIEWED),
    "stories/2025-04-18-老兵.md": _article(
        "老兵的国防课", "2025-04-18", unit="溪口镇关工委", people="[陈德明]", category="五老风采", **REVIEWED
    ),
    "reports/2025-05-31-六一/index.md": _article(
        "六一送礼物",
        "2025-05-31",
        unit="石桥镇关工委",
        people="[王秀兰, 陈德明]",
        participants=60,
        cover="a.jpg",
        **REVIEWED,
    ),
    "reports/2025-05-31-六一/a.jpg": PHOTO,
    "notices/2025-06-02-通知.md": _article("关于报送材料的通知", "2025-06-02", **REVIEWED),  # no unit
    "news/2024-12-30-去年.md": _article("去年的总结", "2024-12-30", unit="滨江社区关工委", participants=12, **REVIEWED),
    # Withheld: a draft, an unreviewed article, a future one. None may change any figure.
    "reports/2025-03-10-草稿/index.md": _article(
        "草稿", "2025-03-10", unit="滨江社区关工委", participants=500, cover="d.jpg", draft="true", **REVIEWED
    ),
    "reports/2025-03-10-草稿/d.jpg": PHOTO,
    "reports/2025-04-10-未审核.md": _article("未审核", "2025-04-10", unit="石桥镇关工委", participants=300),
    "news/2026-12-30-将来.md": _article("将来", "2026-12-30", unit="青溪区关工委", participants=9, **REVIEWED),
}
WITHHELD = ("reports/2025-03-10-草稿", "reports/2025-04-10-未审核.md", "news/2026-12-30-将来.md")
NOW = datetime.fromisoformat(DEMO_NOW)
INLINE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def expected_figures(content: Path, year: int | None = None) -> tuple[dict, list[int]]:
    """(unit, YYYY-MM) → [articles, reports, photos, participants], and the totals (each article once),
    from the front matter as written, by rules stated independently of site_builder's code."""
    forms = {wrong: right for right, wrongs in yaml.safe_load(GLOSSARY)["units"].items() for wrong in wrongs}
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    total = [0, 0, 0, 0]
    for path in sorted(content.rglob("*.md")):
        _, front_text, body = path.read_text(encoding="utf-8").split("---", 2)
        front = yaml.safe_load(front_text)
        when = front["date"] if isinstance(front["date"], datetime) else datetime.fromisoformat(str(front["date"]))
        when = when.replace(tzinfo=NOW.tzinfo)
        if front.get("draft") or when > NOW or not front.get("reviewed_by"):
            continue
        if year is not None and when.year != year:
            continue
        units = front.get("unit") or []
        units = [units] if isinstance(units, str) else units
        units = list(dict.fromkeys(forms.get(unit, unit) for unit in units)) or ["（未注明单位）"]
        photos = {front["cover"]} if front.get("cover") else set()
        photos |= {p if isinstance(p, str) else p["src"] for p in front.get("photos") or []}
        photos |= set(INLINE.findall(body))
        figures = [1, int(path.relative_to(content).parts[0] == "reports"), len(photos), front.get("participants") or 0]
        total = [a + b for a, b in zip(total, figures, strict=True)]
        for unit in units:
            rows[(unit, f"{when:%Y-%m}")] = [a + b for a, b in zip(rows[(unit, f"{when:%Y-%m}")], figures, strict=True)]
    return dict(rows), total


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The fixture site, built once (its statistics page included)."""
    folder = tmp_path_factory.mktemp("stats")
    (folder / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    write_tree(folder / "content", FILES)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
        assert main(["build"]) == 0
    return folder


@pytest.fixture
def in_project(project, monkeypatch):
    monkeypatch.chdir(project)
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    return project


def read_csv(path: Path) -> tuple[list[str], dict[tuple[str, str], list[int]]]:
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    return rows[0], {(row[0], row[1]): [int(value) for value in row[2:]] for row in rows[1:]}


def test_the_csv_has_the_figures_of_the_front_matter_per_unit_and_month(in_project, capsys, tmp_path):
    code, output = run_cli(["stats", "--csv", str(tmp_path / "all.csv")], capsys)
    assert code == 0, output
    header, rows = read_csv(tmp_path / "all.csv")
    assert header == ["单位", "月份", "篇数", "活动报道", "照片", "参与人数"]
    expected, _ = expected_figures(in_project / "content")
    assert rows == expected
    # The article with two units counts for both; the wrong form 石乔镇关工委 is 石桥镇关工委.
    assert rows[("滨江社区关工委", "2025-03")] == [1, 1, 3, 80]
    assert rows[("石桥镇关工委", "2025-03")] == [2, 2, 3, 120]
    assert not any("石乔" in unit for unit, _ in rows)

    code, output = run_cli(["stats", "--year", "2025", "--csv", str(tmp_path / "2025.csv")], capsys)
    assert code == 0, output
    assert read_csv(tmp_path / "2025.csv")[1] == expected_figures(in_project / "content", 2025)[0]
    assert "滨江社区关工委  2025-03" in output and "2024-12" not in output


def test_withheld_articles_change_no_figure(in_project, capsys, tmp_path, monkeypatch):
    code, output = run_cli(["stats", "--csv", str(tmp_path / "with.csv")], capsys)
    assert code == 0, output
    without = tmp_path / "without"
    shutil.copytree(in_project / "content", without / "content")
    shutil.copy(in_project / "mkdocs.yml", without / "mkdocs.yml")
    for name in WITHHELD:
        target = without / "content" / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    monkeypatch.chdir(without)
    code, output_without = run_cli(["stats", "--csv", str(tmp_path / "without.csv")], capsys)
    assert code == 0, output_without
    assert (tmp_path / "with.csv").read_bytes() == (tmp_path / "without.csv").read_bytes()
    printed = [line for line in output.splitlines() if not line.startswith("已写出")]
    assert printed == [line for line in output_without.splitlines() if not line.startswith("已写出")]


class _Tables(HTMLParser):
    """The statistics tables of a page: caption → rows of cell texts; and the totals by figure."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.totals: dict[str, int] = {}
        self._caption = ""
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_caption = False
        self._figure = ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "caption":
            self._in_caption, self._caption = True, ""
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "strong" and attributes.get("data-figure"):
            self._figure = attributes["data-figure"]

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._caption].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)
        elif self._figure:
            self.totals[self._figure] = int(data)
            self._figure = ""


def test_the_statistics_page_shows_the_figures_of_the_front_matter(project):
    page = project / "site/archive/2025/tongji/index.html"
    parser = _Tables()
    parser.feed(page.read_text(encoding="utf-8"))
    expected, total = expected_figures(project / "content", 2025)
    assert parser.totals == dict(zip(("articles", "reports", "photos", "participants"), total, strict=True))
    by_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (unit, _), figures in expected.items():
        by_unit[unit] = [a + b for a, b in zip(by_unit[unit], figures, strict=True)]
    units = parser.tables["2025年各单位情况"][1:]
    assert {row[0]: [int(v) for v in row[1:]] for row in units} == dict(by_unit)
    assert [row[0] for row in units][:1] == ["石桥镇关工委"]  # most articles first
    months = {row[0]: int(row[1]) for row in parser.tables["2025年各月情况"][1:]}
    assert len(months) == 12 and months["3月"] == 2 and months["7月"] == 0
    assert sum(months.values()) == total[0]
    # Each chart is an inline SVG (nothing loaded from elsewhere) with a title for screen readers.
    html = page.read_text(encoding="utf-8")
    assert html.count('<svg class="sb-chart"') == 2 and 'aria-labelledby="sb-chart-units"' in html
    assert '<title id="sb-chart-months">2025年各月发布篇数' in html
    # The year's archive links its statistics page.
    assert 'href="tongji/"' in (project / "site/archive/2025/index.html").read_text(encoding="utf-8")


def test_the_statistics_page_is_opt_in(tmp_path):
    content = write_tree(tmp_path / "content", {"reports/2025-03-20-植树.md": FILES["reports/2025-03-20-植树.md"]})
    kinds = {}
    for stats_page in (False, True):
        settings = site_settings(content, stats_page=stats_page)
        diagnostics = Diagnostics()
        site = load_site(settings, NOW, diagnostics)
        kinds[stats_page] = [spec.url for spec in build_registry(site, [], diagnostics) if spec.kind == "stats"]
    assert kinds == {False: [], True: ["archive/2025/tongji/"]}


def test_the_report_is_a_markdown_draft_of_the_year(in_project, capsys, tmp_path):
    report = tmp_path / "总结.md"
    code, output = run_cli(["stats", "--year", "2025", "--report", str(report)], capsys)
    assert code == 0, output
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# 测试站点2025年工作总结（素材草稿）")
    assert "网站共发布文章 6 篇，其中活动报道 3 篇，配发照片 4 张；报道的活动共有 180 人次参与" in text
    chronicle = text.split("## 二、大事记", 1)[1].split("## 三", 1)[0]
    lines = [line for line in chronicle.splitlines() if line.startswith("- ")]
    assert lines == [
        "- 3月5日　学雷锋志愿服务（滨江社区关工委、石桥镇关工委）",
        "- 3月20日　植树（石乔镇关工委）",
        "- 4月1日　区关工委召开会议（青溪区关工委）",
        "- 5月31日　六一送礼物（石桥镇关工委）",
    ]
    assert "发布文章最多的单位：石桥镇关工委（3 篇）" in text
    assert "- **陈德明**：《老兵的国防课》（溪口镇关工委，4月18日，五老风采）" in text
    assert "未审核（" not in text and "将来" not in text and "2024" not in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--report", "x.md"], "年度总结需要指定年份"),
        (["--year", "20x5"], "年份应写成四位数字"),
        (["--unit", "滨江社区关工"], "您是否想写 滨江社区关工委？"),
    ],
)
def test_usage_errors_exit_2_with_what_to_write(in_project, capsys, args, message):
    code, output = run_cli(["stats", *args], capsys)
    assert code == 2 and message in output
    assert not (in_project / "x.md").exists()


def test_one_unit_and_its_wrong_form_give_the_same_figures(in_project, capsys):
    code, canonical = run_cli(["stats", "--unit", "石桥镇关工委"], capsys)
    assert code == 0, canonical
    code, wrong = run_cli(["stats", "--unit", "石桥乡关工委"], capsys)
    assert code == 0 and wrong == canonical
    first = canonical.splitlines()[0]
    assert first.startswith("全部年份（石桥镇关工委）工作统计：已发布文章 3 篇，其中活动报道 3 篇")
    assert "滨江社区关工委" not in canonical.split("按单位和月份", 1)[1].split("按栏目", 1)[0]


def test_the_terminal_table_lines_up_chinese_and_numbers():
    lines = format_table(("单位", "篇数", "最近一篇"), [["滨江社区关工委", 12, "甲"], ["区关工委", 3, "乙丙"]])
    # Numbers end in the same terminal column (right-aligned), Chinese taking two columns each.
    assert display_width(lines[1][: lines[1].index("12") + 2]) == display_width(lines[2][: lines[2].index("3") + 1])
    assert display_width(lines[0][: lines[0].index("最近")]) == display_width(lines[2][: lines[2].index("乙丙")])


def test_photos_count_each_file_once_and_never_external_images():
    source = SourceFile("reports", Path("/c/r/index.md"), "reports/r/index.md", "r", True, "2025-01-01", "r")
    article = Article(
        source,
        "活动",
        shanghai(2025, 1, 1),
        "![a](a.jpg) ![b](./b.jpg) ![远程](https://example.org/x.jpg) ![c](<c d.jpg>)",
        1,
        cover=PhotoRef("a.jpg"),
        photos=(PhotoRef("b.jpg"), PhotoRef("e.jpg")),
    )
    assert count_photos(article) == 4  # a, b, c d, e


def test_bar_charts_are_proportional_to_the_largest_value():
    chart = plan_bar_chart("months", "各月", [("1月", 4), ("2月", 0), ("3月", 2)])
    lengths = [bar.length for bar in chart.bars]
    assert lengths[1] == 0 and lengths[0] == 2 * lengths[2]
    assert chart.label_width + lengths[0] <= chart.width - 40
    assert [bar.y for bar in chart.bars] == [0, chart.row_height, 2 * chart.row_height]
