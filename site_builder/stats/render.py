"""The figures as text: an aligned table for the terminal, a CSV that Excel opens with its Chinese
intact, and a Markdown 年度总结 draft (issue #12). Pure functions returning text.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from types import MappingProxyType

from site_builder.chronicle import Chronicle
from site_builder.settings import SiteSettings
from site_builder.stats.figures import Figures, Statistics, units_of

CSV_COLUMNS = ("单位", "月份", "篇数", "活动报道", "照片", "参与人数")
"""`单位`, `月份` (YYYY-MM) and `篇数` are the CONTRACT's; the others follow the issue."""
FIGURE_HEADERS = ("篇数", "活动报道", "照片", "参与人数")
STORIES_SECTION = "stories"
"""The section of 先进事迹 (CONTRACT)."""
TOP_UNITS = 5


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def format_table(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1) -> list[str]:
    """Lines of a table whose columns line up in a terminal; the columns of numbers (`int` values,
    from column `numeric_from` on) are right-aligned, the others left-aligned."""
    cells = [[str(value) for value in row] for row in [headers, *rows]]
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    numeric = {i for i in range(numeric_from, len(headers)) if all(isinstance(row[i], int) for row in rows)}
    lines = []
    for row in cells:
        parts = []
        for i, text in enumerate(row):
            pad = " " * (widths[i] - display_width(text))
            parts.append(pad + text if i in numeric else text + pad)
        lines.append("  ".join(parts).rstrip())
    return lines


def _figures(figures: Figures) -> list[int]:
    return [figures.articles, figures.reports, figures.photos, figures.participants]


def period_label(stats: Statistics) -> str:
    period = f"{stats.year}年" if stats.year is not None else "全部年份"
    return f"{period}（{stats.unit}）" if stats.unit else period


def render_terminal(stats: Statistics) -> list[str]:
    """The figures as the terminal shows them: totals, then per unit and month, per section, per person."""
    total = stats.total
    lines = [
        f"{period_label(stats)}工作统计：已发布文章 {total.articles} 篇，其中活动报道 {total.reports} 篇，"
        f"照片 {total.photos} 张，参与 {total.participants} 人次（草稿、定时发布和未审核的文章不计）",
    ]
    if not total.articles:
        return lines
    lines += ["", "按单位和月份（一篇文章有几个单位，就为每个单位各计一次）："]
    rows = [[row.unit, row.month, *_figures(row.figures)] for row in stats.unit_months]
    lines += ["  " + line for line in format_table(("单位", "月份", *FIGURE_HEADERS), rows, numeric_from=2)]
    lines += ["", "按单位合计："]
    rows = [[row.name, *_figures(row.figures)] for row in stats.units]
    lines += ["  " + line for line in format_table(("单位", *FIGURE_HEADERS), rows)]
    lines += ["", "按栏目："]
    rows = [[f"{section.title}（{section.section}）", section.articles] for section in stats.sections]
    lines += ["  " + line for line in format_table(("栏目", "篇数"), rows)]
    if stats.people:
        lines += ["", "按人物（提到此人的文章）："]
        rows = [[person.name, person.articles, person.latest] for person in stats.people]
        lines += ["  " + line for line in format_table(("人物", "篇数", "最近一篇"), rows)]
    return lines


def render_csv(stats: Statistics) -> str:
    """One row per unit and month; write it with `encoding="utf-8-sig"` (the BOM Excel needs)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in stats.unit_months:
        writer.writerow([row.unit, row.month, *_figures(row.figures)])
    return buffer.getvalue()


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_report(
    stats: Statistics,
    chronicle: Chronicle | None,
    settings: SiteSettings,
    as_of: date,
    unit_names: Mapping[str, str] = MappingProxyType({}),
) -> str:
    """A Markdown 年度总结 draft: totals, the month-by-month 大事记, the most active units and the
    year's 先进事迹 with their people; the staff check it and paste it into their 年终总结."""
    total = stats.total
    period = period_label(stats)
    name = settings.site_name or "本单位"
    out = [
        f"# {name}{period}工作总结（素材草稿）",
        "",
        f"> 本稿由 site-builder stats 根据网站截至 {as_of.year}年{as_of.month}月{as_of.day}日已发布的文章整理"
        "（草稿、定时发布和未审核的文章不计）。数字和文字请核对后再用于年终总结。",
        "",
        "## 一、总体情况",
        "",
        f"{period}，网站共发布文章 {total.articles} 篇，其中活动报道 {total.reports} 篇，配发照片 {total.photos} 张；"
        f"报道的活动共有 {total.participants} 人次参与。",
        "",
        "| 栏目 | 篇数 |",
        "| --- | ---: |",
        *(f"| {_cell(section.title)} | {section.articles} |" for section in stats.sections),
        "",
        "## 二、大事记",
        "",
    ]
    if chronicle is None or not chronicle.months:
        out += ["（本年度没有列入大事记的文章。）", ""]
    for month in chronicle.months if chronicle else ():
        out += [f"### {month.label}", ""]
        out += [f"- {entry.line}" for entry in month.entries]
        out.append("")
    out += ["## 三、各单位工作情况", ""]
    if stats.units:
        active = [row for row in stats.units if row.figures.articles][:TOP_UNITS]
        out += [
            "发布文章最多的单位：" + "、".join(f"{row.name}（{row.figures.articles} 篇）" for row in active) + "。",
            "",
            "| 单位 | 篇数 | 活动报道 | 照片 | 参与人数 |",
            "| --- | ---: | ---: | ---: | ---: |",
            *(f"| {_cell(row.name)} | " + " | ".join(map(str, _figures(row.figures))) + " |" for row in stats.units),
            "",
        ]
    else:
        out += ["（没有文章。）", ""]
    section = settings.section(STORIES_SECTION)
    out += [f"## 四、{section.title if section else '先进事迹'}", ""]
    stories = [article for article in stats.articles if article.section == STORIES_SECTION]
    if not stories:
        out += ["（本年度没有发布先进事迹。）", ""]
    for article in stories:
        who = "、".join(article.people) if article.people else "（未注明人物）"
        details = [f"{article.date.month}月{article.date.day}日"]
        units = units_of(article, unit_names)
        if units:
            details.insert(0, "、".join(units))
        if article.category:
            details.append(article.category)
        out.append(f"- **{who}**：《{article.title}》（{'，'.join(details)}）")
    out.append("")
    if stats.people:
        out += [
            "## 五、人物",
            "",
            "| 人物 | 篇数 | 最近一篇 |",
            "| --- | ---: | --- |",
            *(f"| {_cell(p.name)} | {p.articles} | {_cell(p.latest)} |" for p in stats.people),
            "",
        ]
    return "\n".join(out)
