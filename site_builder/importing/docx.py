"""Read a Word file (.docx): mammoth's HTML, its pictures as embedded, its document properties.

mammoth turns Word's structure (styles, bold, tables, lists) into plain HTML and hands over each
picture once, in document order, with its original bytes (IMPORT.md §2.1). What it loses is
recovered here: the centring of a paragraph (a 通讯员's title or caption is often only centred
and bold), the format of Chinese auto-numbering (一、二、 would become 1. 2.), pictures inside
grouped shapes and the text of text boxes it skips (§2.4, §2.8). python-docx reads the document
properties (creation year, title) and the alignment of paragraph styles.
"""

from __future__ import annotations

import hashlib
import logging
import re
import xml.etree.ElementTree as ET
import zipfile
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docx
import mammoth
import mammoth.documents
import mammoth.transforms
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH

from site_builder.images.sniff import raster_format
from site_builder.text import strip_control_chars

log = logging.getLogger("mkdocs.plugins.site_builder.importing")

PICTURE_SRC = "sb-picture:"
"""`src` of the `<img>` mammoth writes for picture N: `sb-picture:N` (read back by `blocks`)."""
CENTRED_STYLE = "sb-centred"
"""Style name given to centred plain paragraphs, so that the style map can mark them."""

# Our rules come before mammoth's defaults (a catch-all would override them: §2.3); names match
# case-insensitively, so `caption` also matches Word's `Caption`. WPS uses the same names.
STYLE_MAP = "\n".join(
    [
        "p[style-name='Title'] => h1.doc-title:fresh",
        "p[style-name='标题'] => h1.doc-title:fresh",
        "p[style-name='Subtitle'] => p.subtitle:fresh",
        "p[style-name='副标题'] => p.subtitle:fresh",
        "p[style-name='标题 1'] => h1:fresh",
        "p[style-name='标题1'] => h1:fresh",
        "p[style-name='标题 2'] => h2:fresh",
        "p[style-name='标题2'] => h2:fresh",
        "p[style-name='标题 3'] => h3:fresh",
        "p[style-name='标题3'] => h3:fresh",
        "p[style-name='caption'] => p.caption:fresh",
        "p[style-name='题注'] => p.caption:fresh",
        "p[style-name^='图片说明'] => p.caption:fresh",
        f"p[style-name='{CENTRED_STYLE}'] => p.centred:fresh",
    ]
)
_KEEP_STYLE = re.compile(r"^(heading \d|title|subtitle|caption|标题.*|副标题|题注|图片说明.*|list.*)$", re.I)
"""Styles whose own mapping wins over "centred" (a centred Heading 1 stays a heading)."""

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
WEB_PICTURES = {"JPEG": ".jpg", "PNG": ".png", "GIF": ".gif", "WEBP": ".webp", "BMP": ".bmp", "TIFF": ".tif"}
"""Raster formats the site's photo pipeline publishes (it re-encodes them all, EXIF removed)."""

CONVERT_TO_DOCX = (
    "请用 Word 或 WPS 打开它，点“文件 → 另存为”，保存类型选“Word 文档（*.docx）”，再导入新保存的 .docx 文件"
)

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_IMAGE_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)
"""python-docx's template date: a document that still has it never set its own."""


@dataclass(frozen=True)
class Picture:
    """One picture of the document, as embedded (full resolution, EXIF and all: the build strips it)."""

    number: int
    """1-based position among the document's pictures (the order the reader sees them)."""
    data: bytes
    kind: str
    """`JPEG`, `PNG`…, `EMF`, `WMF`, or the media type when unknown."""
    is_placed: bool = True
    """False for a picture mammoth skipped (inside a grouped shape): its place is unknown."""

    @property
    def extension(self) -> str | None:
        """File extension to publish it under, or None when web pages cannot show the format."""
        return WEB_PICTURES.get(self.kind)


@dataclass(frozen=True)
class DocumentProperties:
    """What Word records about the document (File → Info), when it was really set."""

    title: str = ""
    created: datetime | None = None
    """Aware (UTC); None when unset or python-docx's template value."""
    modified: datetime | None = None


@dataclass(frozen=True)
class DocxContent:
    """A Word document read: HTML for `blocks`, pictures in order, properties, and what was lost."""

    html: str
    pictures: tuple[Picture, ...]
    properties: DocumentProperties
    notes: tuple[str, ...]
    """Warnings for the user (Chinese): text or pictures that could not be imported as they were."""


@dataclass(frozen=True)
class Refusal:
    """The file cannot be imported at all; `message` (Chinese) says why and what to do."""

    message: str


def refusal_for(path: Path) -> Refusal | None:
    """Why `path` is not a .docx, judged by its first bytes (not its name), or None when it is a zip.

    Word 97 `.doc`, WPS `.wps` and password-protected `.docx` are OLE2 files; Word also saves
    web pages and RTF under a `.doc` name (IMPORT.md §2.11).
    """
    try:
        with open(path, "rb") as handle:
            head = handle.read(512)
    except OSError as error:
        return Refusal(f"无法读取这个文件（{error.strerror or error}）")
    if head.startswith(ZIP_SIGNATURE):
        return None
    suffix = path.suffix.lower()
    if head.startswith(OLE2_SIGNATURE):
        if suffix == ".wps":
            return Refusal(f"这是 WPS 文字的旧格式（.wps），不能直接导入。{CONVERT_TO_DOCX}")
        if suffix == ".docx":
            return Refusal(
                "这个 .docx 文件设置了打开密码（加密），无法读取。请在 Word 或 WPS 中打开它，取消密码后保存，再导入"
            )
        return Refusal(
            f"这是旧版 Word 格式（.doc，Word 97–2003），不能直接导入。{CONVERT_TO_DOCX}。"
            "如果文件设置了打开密码，请先取消密码"
        )
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if stripped.startswith((b"<", b"mime-version")):
        return Refusal(f"这个文件其实是网页（HTML）格式，只是名字是 {suffix or '无扩展名'}。{CONVERT_TO_DOCX}")
    if stripped.startswith(b"{\\rtf"):
        return Refusal(f"这是 RTF 格式的文档，不能直接导入。{CONVERT_TO_DOCX}")
    if not head:
        return Refusal("这是一个空文件（0 字节），请重新保存或重新下载")
    return Refusal(f"这不是 Word 文档（.docx），无法读取。请确认文件完好；{CONVERT_TO_DOCX}")


def read_docx(path: Path) -> DocxContent | Refusal:
    """Read a .docx: HTML with `<img src="sb-picture:N">` where picture N stood, its pictures, its
    properties and warnings. A file that is not a readable .docx gives a `Refusal`."""
    refusal = refusal_for(path)
    if refusal is not None:
        return refusal
    try:
        document = _python_docx(path)
        with zipfile.ZipFile(path) as archive:
            parts = _Parts(archive)
            if parts.document is None:
                return Refusal("这个文件不是 Word 文档（可能是改了扩展名的表格、演示文稿或压缩包），请确认选对了文件")
            html, pictures = _convert(path, document, parts)
            notes = [*_unplaced_pictures(pictures, parts), *_dropped_text_boxes(html, parts)]
    except zipfile.BadZipFile:
        return Refusal(
            "文件已损坏，无法打开（不是完整的 .docx）。请重新下载；或用 Word 或 WPS 打开它，另存为新的 .docx 再导入"
        )
    # mammoth and python-docx raise whatever their parsers meet in a broken or unusual file
    # (KeyError for a missing part, expat errors, ValueError…): the user can do one thing about all
    # of them, so they share one message, and the other files of a folder are still imported.
    # `-v` shows the traceback, in case the fault is ours.
    except Exception as error:
        log.debug("%s: 读取失败", path, exc_info=True)
        return Refusal(
            f"无法读取这个 Word 文档（{type(error).__name__}）。{CONVERT_TO_DOCX}；仍不行请把文件发给维护人员"
        )
    properties = _properties(document) if document is not None else DocumentProperties()
    return DocxContent(html, tuple(pictures), properties, tuple(notes))


def _python_docx(path: Path) -> Any:
    """python-docx's view of the file, or None when it refuses one that mammoth reads (a macro
    document `.docm`, an unusual main part): the import then goes without properties and styles."""
    try:
        return docx.Document(str(path))
    except Exception:  # python-docx raises ValueError, KeyError, lxml errors… for such files
        return None


class _Parts:
    """The parts of the .docx zip that mammoth does not give access to."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        names = set(archive.namelist())
        self.document = self._xml("word/document.xml") if "word/document.xml" in names else None
        self.numbering = self._xml("word/numbering.xml") if "word/numbering.xml" in names else None
        rels = self._xml("word/_rels/document.xml.rels") if "word/_rels/document.xml.rels" in names else None
        self.image_targets: dict[str, str] = {}
        if rels is not None:
            for rel in rels.iter(f"{{{_NS['rel']}}}Relationship"):
                if rel.get("Type") == _IMAGE_RELATIONSHIP and rel.get("TargetMode") != "External":
                    target = rel.get("Target", "")
                    self.image_targets[rel.get("Id", "")] = (
                        target.lstrip("/") if target.startswith("/") else f"word/{target}"
                    )

    def _xml(self, name: str) -> ET.Element:
        return ET.fromstring(self.archive.read(name))

    def read(self, name: str) -> bytes | None:
        try:
            return self.archive.read(name)
        except KeyError:
            return None


def _convert(path: Path, document: Any | None, parts: _Parts) -> tuple[str, list[Picture]]:
    pictures: list[Picture] = []

    def collect(image: Any) -> dict[str, str]:
        with image.open() as stream:
            data = stream.read()
        pictures.append(Picture(len(pictures) + 1, data, picture_kind(data, image.content_type or "")))
        return {"src": f"{PICTURE_SRC}{len(pictures)}"}

    centred = _centred_styles(document) if document is not None else set()
    transform = _paragraph_transform(centred, _numbering_labels(parts))
    with open(path, "rb") as handle:
        result = mammoth.convert_to_html(
            handle,
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(collect),
            transform_document=mammoth.transforms.paragraph(transform),
            include_embedded_style_map=False,
            external_file_access=False,  # a linked picture must not read the importer's disk
        )
    # mammoth's messages are not shown: they name unmapped styles (noise for the user, IMPORT.md
    # §2.3) and pictures browsers cannot show, which the pipeline reports per picture in Chinese.
    return strip_control_chars(str(result.value)), pictures


def picture_kind(data: bytes, content_type: str) -> str:
    """What a picture's bytes are: a raster format the site publishes, `EMF`/`WMF` (Office's vector
    formats, which browsers do not show), or the declared media type when unknown."""
    raster = raster_format(data[:64])
    if raster:
        return raster
    if data[40:44] == b" EMF" or content_type in ("image/x-emf", "image/emf"):
        return "EMF"
    if data[:4] == b"\xd7\xcd\xc6\x9a" or data[2:4] == b"\x09\x00" or content_type in ("image/x-wmf", "image/wmf"):
        return "WMF"
    return content_type or "未知格式"


def _centred_styles(document: Any) -> set[str]:
    """Names (lower case) of paragraph styles that centre their text, through their base styles."""
    names = set()
    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        current, seen = style, 0
        while current is not None and seen < 10:  # base styles cannot loop in Word, but a file can
            alignment = current.paragraph_format.alignment
            if alignment is not None:
                if alignment == WD_ALIGN_PARAGRAPH.CENTER:
                    names.add(str(style.name).lower())
                break
            current, seen = current.base_style, seen + 1
    return names


def _paragraph_transform(centred_styles: set[str], labels: NumberingLabels) -> Callable[[Any], Any]:
    """mammoth paragraph → paragraph: Chinese auto-numbering written out as text, and centred plain
    paragraphs given the style that marks them `class="centred"`."""

    def transform(paragraph: Any) -> Any:
        if paragraph.numbering is not None:
            label = labels.take(_mammoth_text(paragraph))
            if label is not None:
                prefix = [mammoth.documents.run([mammoth.documents.text(label)])] if label else []
                paragraph = paragraph.copy(numbering=None, children=prefix + list(paragraph.children))
        style = (paragraph.style_name or "").lower()
        is_centred = paragraph.alignment == "center" or (paragraph.alignment is None and style in centred_styles)
        if is_centred and not _KEEP_STYLE.match(style):
            paragraph = paragraph.copy(style_name=CENTRED_STYLE, style_id=None)
        return paragraph

    return transform


def _mammoth_text(element: Any) -> str:
    if isinstance(element, mammoth.documents.Text):
        return str(element.value)
    return "".join(_mammoth_text(child) for child in getattr(element, "children", []) or [])


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


class NumberingLabels:
    """The label Word shows before each auto-numbered paragraph whose format a Markdown list cannot
    show (一、 （一） ① A. …), looked up by the paragraph's text. Decimal `1.` lists and bullets
    have none: they stay lists."""

    def __init__(self, labels: list[tuple[str, str | None]]) -> None:
        self._by_text: dict[str, deque[str | None]] = defaultdict(deque)
        for text, label in labels:
            self._by_text[_compact(text)].append(label)

    def take(self, text: str) -> str | None:
        queue = self._by_text.get(_compact(text))
        return queue.popleft() if queue else None


@dataclass(frozen=True)
class _Level:
    fmt: str
    """Word's number format: `decimal`, `chineseCounting`, `bullet`…"""
    pattern: str
    """Word's label text, `%1、` or `（%2）`: `%N` is the counter of level N."""
    start: int

    def is_plain_list(self, level: int) -> bool:
        """A bullet or `1.` list, which Markdown shows as Word does."""
        return self.fmt == "bullet" or (self.fmt == "decimal" and self.pattern == f"%{level + 1}.")


def _numbering_labels(parts: _Parts) -> NumberingLabels:
    """Compute the label of every auto-numbered paragraph in document order, as Word counts them:
    one counter per list and level, deeper levels restarting when a higher one advances."""
    if parts.document is None or parts.numbering is None:
        return NumberingLabels([])
    lists = _numbering_definitions(parts.numbering)
    counters: dict[str, dict[int, int]] = defaultdict(dict)
    labels: list[tuple[str, str | None]] = []
    for paragraph in _paragraphs_in_order(parts.document):
        number = paragraph.find("w:pPr/w:numPr", _NS)
        if number is None:
            continue
        num_id = _value(number.find("w:numId", _NS), "")
        level = int(_value(number.find("w:ilvl", _NS), "0"))
        levels = lists.get(num_id, {})
        if level not in levels:
            continue
        counter = counters[num_id]
        counter[level] = counter.get(level, levels[level].start - 1) + 1
        for deeper in [key for key in counter if key > level]:
            del counter[deeper]
        text = "".join(t.text or "" for t in paragraph.iter(_w("t")))
        labels.append((text, None if levels[level].is_plain_list(level) else _label(levels, level, counter)))
    return NumberingLabels(labels)


def _label(levels: dict[int, _Level], level: int, counter: dict[int, int]) -> str:
    if levels[level].fmt == "none":
        return ""

    def number_at(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        definition = levels.get(index, _Level("decimal", "", 1))
        return format_number(counter.get(index, definition.start), definition.fmt)

    return re.sub(r"%([1-9])", number_at, levels[level].pattern)


def _numbering_definitions(numbering: ET.Element) -> dict[str, dict[int, _Level]]:
    """numId → level → definition, from `word/numbering.xml` (start overrides are not read)."""
    abstracts: dict[str, dict[int, _Level]] = {}
    for abstract in numbering.iterfind("w:abstractNum", _NS):
        abstracts[abstract.get(_w("abstractNumId"), "")] = {
            int(level.get(_w("ilvl"), "0")): _Level(
                _value(level.find("w:numFmt", _NS), "decimal"),
                _value(level.find("w:lvlText", _NS), ""),
                int(_value(level.find("w:start", _NS), "1")),
            )
            for level in abstract.iterfind("w:lvl", _NS)
        }
    return {
        num.get(_w("numId"), ""): abstracts.get(_value(num.find("w:abstractNumId", _NS), ""), {})
        for num in numbering.iterfind("w:num", _NS)
    }


def _w(name: str) -> str:
    return f"{{{_NS['w']}}}{name}"


def _value(element: ET.Element | None, default: str) -> str:
    """`w:val` of an element, or `default` when the element is absent."""
    return default if element is None else element.get(_w("val"), default)


def _paragraphs_in_order(root: ET.Element) -> list[ET.Element]:
    """Every `w:p` of the body in document order, leaving out the `mc:Choice` branch of alternate
    content (mammoth reads the Fallback, so counting both would shift the numbering)."""
    found: list[ET.Element] = []
    choice = f"{{{_NS['mc']}}}Choice"
    paragraph = f"{{{_NS['w']}}}p"

    def walk(element: ET.Element) -> None:
        for child in element:
            if child.tag == choice:
                continue
            if child.tag == paragraph:
                found.append(child)
            walk(child)

    walk(root)
    return found


_CHINESE_DIGITS = "零一二三四五六七八九"
_CHINESE_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"


def format_number(value: int, fmt: str) -> str:
    """`value` written in Word's number format `fmt` (`chineseCounting` 3 → 三, `decimalEnclosedCircle`
    3 → ③, `upperLetter` 3 → C…); unknown formats are written in decimal."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "ideographDigital"):
        return _chinese_number(value, _CHINESE_DIGITS, "十")
    if fmt == "chineseLegalSimplified":
        return _chinese_number(value, _CHINESE_LEGAL, "拾")
    if fmt in ("ideographTraditional",) and 1 <= value <= 10:
        return _HEAVENLY_STEMS[value - 1]
    if fmt == "ideographZodiac" and 1 <= value <= 12:
        return _EARTHLY_BRANCHES[value - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(value))
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperLetter", "lowerLetter") and value >= 1:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)


def _chinese_number(value: int, digits: str, ten: str) -> str:
    if not 0 < value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    if tens == 0:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + ten + (digits[ones] if ones else "")


def _roman(value: int) -> str:
    result = ""
    for amount, letters in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        count, value = divmod(value, amount)
        result += letters * count
    return result


def _unplaced_pictures(pictures: list[Picture], parts: _Parts) -> list[str]:
    """Pictures the document shows that mammoth skipped (grouped shapes, §2.8), appended to
    `pictures` as unplaced, compared by content since mammoth does not say which part it read."""
    if parts.document is None:
        return []
    seen = {hashlib.sha256(p.data).digest() for p in pictures}
    references = [
        element.get(f"{{{_NS['r']}}}embed") or element.get(f"{{{_NS['r']}}}id") or ""
        for element in _shown_elements(parts.document)
        if element.tag in (f"{{{_NS['a']}}}blip", f"{{{_NS['v']}}}imagedata")
    ]
    added = 0
    for reference in references:
        target = parts.image_targets.get(reference)
        data = parts.read(target) if target else None
        if data is None:
            continue
        digest = hashlib.sha256(data).digest()
        if digest in seen:
            continue
        seen.add(digest)
        pictures.append(Picture(len(pictures) + 1, data, picture_kind(data, ""), is_placed=False))
        added += 1
    if not added:
        return []
    return [f"有 {added} 张图片在组合图形或浮动形状里，位置无法确定，已放在图集的最后，请核对它们的位置和说明"]


_DELETED = (_w("del"), _w("moveFrom"))


def _shown_elements(root: ET.Element) -> list[ET.Element]:
    """Every element of the document but those inside tracked deletions (which mammoth drops)."""
    found: list[ET.Element] = []

    def walk(element: ET.Element) -> None:
        for child in element:
            if child.tag not in _DELETED:
                found.append(child)
                walk(child)

    walk(root)
    return found


def _dropped_text_boxes(html: str, parts: _Parts) -> list[str]:
    """Text boxes whose text mammoth did not import (DrawingML-only boxes, grouped shapes, §2.8):
    named by their first words so the user can copy the text in by hand."""
    if parts.document is None:
        return []
    shown = _compact(re.sub(r"<[^>]+>", "", html))
    notes = []
    for box in parts.document.iter(f"{{{_NS['wps']}}}txbx"):
        text = "".join(t.text or "" for t in box.iter(f"{{{_NS['w']}}}t")).strip()
        if text and _compact(text) not in shown:
            excerpt = text if len(text) <= 30 else text[:29] + "…"
            notes.append(f"文本框里的文字没有导入：“{excerpt}”；如需要，请手工补进正文或照片说明")
    return notes


def _properties(document: Any) -> DocumentProperties:
    core = document.core_properties

    def moment(value: datetime | None) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        # Before 2000 the clock of the computer that wrote it was wrong, or it is a template's date.
        return None if aware == _TEMPLATE_CREATED or aware.year < 2000 else aware

    return DocumentProperties(
        title=strip_control_chars(str(core.title or "")).strip(),
        created=moment(core.created),
        modified=moment(core.modified),
    )
