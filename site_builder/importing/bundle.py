"""Write an imported report as a bundle: `content/<section>/<year>/<date>-<title>/index.md` and its photos.

The bundle is named the way `site-builder new` names one (scaffold.article_folder_name). Nothing
is ever overwritten: when the folder exists (the same report imported twice, or another article
of that day and title) the next free name `…-2`, `…-3` is used and the user is told. Photos are
written as embedded (the build strips their EXIF; re-encoding here would lose quality), then
`index.md` last, so a half-written bundle never looks complete.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from site_builder.scaffold import article_folder_name

LONGEST_FOLDER_TITLE = 40
"""Characters of the title kept in the folder name (and so in the pinyin URL); a Word title with
its subtitle can run to 60 and more."""


@dataclass(frozen=True)
class BundlePhoto:
    name: str
    """File name in the bundle: `photo-1.jpg`, `photo-2.png`… in document order."""
    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class ImportedArticle:
    """Everything the bundle holds: front matter values, photos, body, and what to review."""

    source_name: str
    title: str
    date: date
    is_date_certain: bool
    unit: str = ""
    author: str = ""
    reviewed_by: str = ""
    photos: tuple[BundlePhoto, ...] = ()
    body: str = ""
    review: tuple[str, ...] = ()
    """What the user should check, one sentence each (Chinese); written as YAML comments."""


def create_bundle_folder(section_dir: Path, when: date, title: str) -> tuple[Path, bool]:
    """Create and return the bundle's folder under `section_dir/<year>/`, and whether the natural
    name was taken. The folder is created exclusively, so two imports never share one."""
    base = article_folder_name(title[:LONGEST_FOLDER_TITLE], datetime.combine(when, time()))
    parent = section_dir / f"{when:%Y}"
    parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        name = base if number == 1 else f"{base}-{number}"
        # A single-file article of the same name would get the same URL: treat it as taken too.
        if not (parent / f"{name}.md").exists():
            try:
                (parent / name).mkdir()
                return parent / name, number > 1
            except FileExistsError:
                pass
        number += 1


def write_bundle(folder: Path, article: ImportedArticle) -> Path:
    """Write the photos, then `index.md`, into the empty `folder`; returns the index path. On a
    write error the folder is removed again (it was created for this import) and the error raised."""
    try:
        for photo in article.photos:
            (folder / photo.name).write_bytes(photo.data)
        index = folder / "index.md"
        index.write_text(render_index(article), encoding="utf-8")
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return index


def render_index(article: ImportedArticle) -> str:
    """`index.md`: a Chinese comment saying what to review, the front matter (`draft: true`), the body."""
    lines = [
        "---",
        f"# 本文由 Word 文件“{_comment(article.source_name)}”导入，现在是草稿（draft: true），不会发布。",
        "# 发布前请核对：",
        "#   - 标题、日期、单位、作者与原文是否一致；",
        *(f"#   - {_comment(note)}；" for note in article.review),
        "#   - 照片说明（photos 下的 caption）与照片是否对应，正文的分段、表格是否完整。",
        "# 核对无误并经审核后：在 reviewed_by 填写审核人，把 draft: true 改为 draft: false。",
        f"title: {yaml_string(article.title)}",
        f"date: {article.date:%Y-%m-%d}" + ("" if article.is_date_certain else "  # 推测的日期，请核对"),
        _optional("unit", article.unit, "单位（可选），例如 滨江社区关工委"),
        _optional("author", article.author, "作者 / 通讯员（可选）"),
        _optional("reviewed_by", article.reviewed_by, "审核人：审核后填写", "取自原文的“审核”，请确认"),
    ]
    if article.photos:
        lines.append("photos:")
        for photo in article.photos:
            lines.append(f"  - src: {photo.name}")
            lines.append(f"    caption: {yaml_string(photo.caption)}" + ("" if photo.caption else "  # 请补写照片说明"))
    lines += ["draft: true", "---", "", article.body.strip(), ""]
    return "\n".join(lines)


def _optional(key: str, value: str, hint_when_empty: str, hint_when_set: str = "") -> str:
    if not value:
        return f"{key}:  # {hint_when_empty}"
    return f"{key}: {yaml_string(value)}" + (f"  # {hint_when_set}" if hint_when_set else "")


_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029]")


def yaml_string(value: str) -> str:
    """`value` as a YAML double-quoted scalar: a JSON string (valid YAML) with the characters YAML
    reads as line breaks (NEL, U+2028, U+2029) escaped too."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _comment(text: str) -> str:
    """Text for a YAML comment: one line, whatever it held."""
    return re.sub(r"\s+", " ", text).strip()
