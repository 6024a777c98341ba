"""Import Word files into a section, one result per file, and report them (issue #11).

The command line and the 写作台 call `import_documents`; each file gives an `ImportResult` that
either names the bundle written or says why the file could not be imported. A bad file never
stops the others (errors are values, reported together).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from site_builder.diagnostics import display_path
from site_builder.importing.blocks import Block, Kind, markdown_heading, parse_blocks
from site_builder.importing.bundle import BundlePhoto, ImportedArticle, create_bundle_folder, write_bundle
from site_builder.importing.chinese import changed_han_characters, is_traditional, to_simplified
from site_builder.importing.docx import Picture, Refusal, read_docx
from site_builder.importing.frontmatter_guess import DocumentHints, Guess, guess_front_matter
from site_builder.settings import SiteSettings

WORD_SUFFIXES = (".docx", ".docm")
REFUSED_SUFFIXES = (".doc", ".wps", ".dot", ".wpt")
"""Old formats looked for in a folder only to say how to convert them."""


class ImportUsageError(Exception):
    """The command cannot run (unknown section, missing path, nothing to import): exit code 2."""


@dataclass(frozen=True)
class ImportResult:
    """What became of one file: the bundle written (`index`), or the reason it was not (`error`)."""

    source: Path
    index: Path | None = None
    article: ImportedArticle | None = None
    warnings: tuple[str, ...] = ()
    error: str = ""

    @property
    def is_imported(self) -> bool:
        return self.index is not None


def word_files(path: Path) -> list[Path]:
    """The files to import: `path` itself, or the Word files directly inside the folder `path`
    (old `.doc`/`.wps` included, to be refused with advice), sorted by name. Word's lock files
    (`~$报道.docx`) and hidden files are skipped."""
    if not path.exists():
        raise ImportUsageError(f"找不到“{path}”，请检查文件或文件夹的名字和位置")
    if path.is_file():
        return [path]
    found = sorted(
        child
        for child in path.iterdir()
        if child.is_file()
        and child.suffix.lower() in WORD_SUFFIXES + REFUSED_SUFFIXES
        and not child.name.startswith(("~$", "."))
    )
    if not found:
        raise ImportUsageError(f"文件夹“{path}”里没有 Word 文件（.docx）；子文件夹里的文件不会导入，请分别指定")
    return found


def import_documents(
    settings: SiteSettings, path: Path, section: str, *, simplify: bool, today: date
) -> list[ImportResult]:
    """Import the Word file `path`, or every Word file in the folder `path`, into `section` as
    draft bundles. Raises `ImportUsageError` before importing anything when the section or the
    path does not exist; problems with single files are in their results."""
    if settings.section(section) is None:
        names = "、".join(s.name for s in settings.sections)
        raise ImportUsageError(f"没有名为“{section}”的栏目，可用的栏目有：{names}")
    return [import_document(settings, source, section, simplify=simplify, today=today) for source in word_files(path)]


def import_document(settings: SiteSettings, source: Path, section: str, *, simplify: bool, today: date) -> ImportResult:
    """Import one Word file: read it, clean it, guess its front matter, write the bundle."""
    reading = read_docx(source)
    if isinstance(reading, Refusal):
        return ImportResult(source, error=reading.message)
    try:
        blocks = parse_blocks(reading.html)
    except ET.ParseError:  # mammoth writes well-formed HTML; this would be a bug worth reporting
        return ImportResult(
            source, error="无法解析这个文档的内容。请用 Word 另存为新的 .docx 再导入；仍不行请把文件发给维护人员"
        )
    if not blocks and not reading.pictures:
        return ImportResult(source, error="文档里没有文字，也没有图片，没有可导入的内容")
    notes = list(reading.notes)
    hint_title = reading.properties.title
    blocks, hint_title = _simplify_if_traditional(blocks, hint_title, simplify, notes)
    hints = DocumentHints(
        file_name=source.name,
        file_date=datetime.fromtimestamp(source.stat().st_mtime, settings.timezone).date(),
        title=hint_title,
        created=reading.properties.created,
        modified=reading.properties.modified,
    )
    guess = guess_front_matter(blocks, hints, settings.timezone)
    notes[:0] = guess.notes
    photos = _photos(reading.pictures, guess, notes)
    if guess.date.value > today:
        notes.append(f"日期 {guess.date.value:%Y-%m-%d} 在今天之后：改为草稿以外的状态后，也要到那天才会发布")
    body = _body(guess.body)
    if not body:
        notes.append("正文是空的，请检查原文")
    author = guess.author
    if guess.photographer:
        author = f"{author}；摄影：{guess.photographer}" if author else f"摄影：{guess.photographer}"
    folder, was_taken = create_bundle_folder(settings.content_dir / section, guess.date.value, guess.title)
    if was_taken:
        notes.append(
            f"已有同名的文章文件夹（也许这篇已导入过），没有覆盖它，这次放在 {folder.name}；如是重复导入，请删掉多余的一篇"
        )
    article = ImportedArticle(
        source_name=source.name,
        title=guess.title,
        date=guess.date.value,
        is_date_certain=guess.date.is_certain,
        unit=guess.unit,
        author=author,
        reviewed_by=guess.reviewed_by,
        photos=photos,
        body=body,
        review=tuple(notes),
    )
    try:
        index = write_bundle(folder, article)
    except OSError as error:
        return ImportResult(source, error=f"无法写入 {folder}（{error.strerror or error}），请检查磁盘空间和文件夹权限")
    return ImportResult(source, index=index, article=article, warnings=tuple(notes))


def _simplify_if_traditional(
    blocks: list[Block], title: str, simplify: bool, notes: list[str]
) -> tuple[list[Block], str]:
    """Blocks (and the document title) converted to Simplified when asked, with a note either way
    when the text is Traditional Chinese."""
    text = "\n".join(block.text for block in blocks)
    if simplify:
        changed, _ = changed_han_characters(text)
        if changed:
            notes.append(f"已把 {changed} 个繁体字转换为简体，请核对人名、地名等专有名词")
        return [block.with_text(to_simplified) for block in blocks], to_simplified(title)
    if is_traditional(text):
        changed, total = changed_han_characters(text)
        notes.append(
            f"检测到繁体字（{total} 个汉字中有 {changed} 个）。如需转换为简体，请删掉这次导入的文件夹，"
            "再加 --simplify 重新导入"
        )
    return blocks, title


def _photos(pictures: tuple[Picture, ...], guess: Guess, notes: list[str]) -> tuple[BundlePhoto, ...]:
    """The pictures a web page can show, named `photo-N.ext` in document order with their captions;
    a note for each picture left out (EMF/WMF…) and each photo without a caption."""
    photos: list[BundlePhoto] = []
    for picture in pictures:
        caption = guess.captions.get(picture.number, "")
        extension = picture.extension
        if extension is None:
            described = f"（说明：“{caption}”）" if caption else ""
            notes.append(
                f"原文第 {picture.number} 张图片{described}是 {picture.kind} 格式，网页无法显示，没有导入。"
                "请在 Word 中把这张图片另存为 JPG 或 PNG（右键图片 → 另存为图片），重新插入文档后再导入一次；"
                "或把存好的图片放进文章文件夹，写进 photos"
            )
            continue
        name = f"photo-{len(photos) + 1}{extension}"
        if not picture.is_placed:
            caption = ""
        elif not caption:
            notes.append(f"照片 {name} 没有找到说明文字，请在 photos 中补写 caption")
        photos.append(BundlePhoto(name, picture.data, caption))
    return tuple(photos)


def _body(blocks: tuple[Block, ...]) -> str:
    """The body's Markdown: blocks separated by blank lines; photos are in `photos:`, not here."""
    parts = []
    for block in blocks:
        if block.kind is Kind.PICTURE:
            continue
        parts.append(markdown_heading(block) if block.kind is Kind.HEADING else block.markdown)
    return "\n\n".join(part for part in parts if part.strip())


def report_lines(results: list[ImportResult], root: Path) -> list[str]:
    """What the command prints: per file the guessed front matter and what to check (or why it
    failed), then one summary line per file and a total."""
    lines: list[str] = []
    for result in results:
        shown = display_path(result.source, root)
        article = result.article
        if result.index is None or article is None:
            lines.append(f"{shown}: 错误: {result.error}")
            lines.append("")
            continue
        lines.append(f"{shown} → {display_path(result.index, root)}（草稿）")
        lines.append(f"  标题：{article.title}")
        lines.append(f"  日期：{article.date:%Y-%m-%d}" + ("" if article.is_date_certain else "（推测，请核对）"))
        lines.append(f"  单位：{article.unit or '（未找到）'}")
        lines.append(f"  作者：{article.author or '（未找到）'}")
        lines.append(f"  审核：{article.reviewed_by or '（未找到）'}")
        if article.photos:
            lines.append(f"  照片：{len(article.photos)} 张")
            lines += [f"    {photo.name}：{photo.caption or '（没有说明）'}" for photo in article.photos]
        else:
            lines.append("  照片：无")
        lines += [f"  提醒：{warning}" for warning in result.warnings]
        lines.append("")
    imported = [r for r in results if r.is_imported]
    if len(results) > 1:
        lines.append(f"汇总（{len(results)} 个文件）：")
        for result in results:
            lines.append("  " + _summary_line(result, root))
    failed = len(results) - len(imported)
    if not imported:
        lines.append(f"没有导入任何文章：{failed} 个文件无法导入，原因见上。")
        return lines
    total = f"已导入 {len(imported)} 篇，均为草稿（draft: true）"
    if failed:
        total += f"；{failed} 个文件无法导入，原因见上"
    lines.append(total + "。请打开每篇的 index.md 核对，审核后把 draft 改为 false。")
    return lines


def _summary_line(result: ImportResult, root: Path) -> str:
    name = result.source.name
    if result.index is None or result.article is None:
        return f"未导入  {name}：{result.error.split('。')[0]}"
    checks = f"，{len(result.warnings)} 处请核对" if result.warnings else ""
    return f"已导入  {name} → {display_path(result.index.parent, root)}（{len(result.article.photos)} 张照片{checks}）"
