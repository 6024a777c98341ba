"""Guess an imported report's front matter from its first and last lines (IMPORT.md §3.5).

A 通讯员's report follows a pattern the site's readers would never see in a web page: a centred or
bold title, a date line (`3月15日上午`), a credit line (`通讯员 张三`, `供稿：…`), captions under
photos (`图为…`, `▲…`), a `（审核：…）` at the end. These lines become front matter and captions,
and leave the body. Every guess that could be wrong says so in `notes`, which the user sees
printed and in the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from site_builder.importing.blocks import Block, Kind, close_han_gaps

HEAD_BLOCKS = 8
"""Date and credit lines are looked for in this many blocks after the title…"""
TAIL_BLOCKS = 5
"""…and in this many at the end (a 审核 line, a notice's signature date)."""
LONGEST_TITLE = 80
LONGEST_CREDIT_LINE = 80
LONGEST_CAPTION = 120


@dataclass(frozen=True)
class DocumentHints:
    """What is known about the document besides its text, for the date and title fallbacks."""

    file_name: str
    file_date: date
    """Modification date of the file (in the site's zone): the last resort for the date."""
    title: str = ""
    """Document property 标题 (File → Info), rarely set."""
    created: datetime | None = None
    modified: datetime | None = None


@dataclass(frozen=True)
class DateGuess:
    value: date
    is_certain: bool
    """True when the text gives year, month and day; else `source` explains the guess."""
    source: str
    """How the date was found, for the user (Chinese)."""


@dataclass(frozen=True)
class Guess:
    """The front matter guessed from a document and the body blocks left once it is taken out."""

    title: str
    date: DateGuess
    unit: str = ""
    author: str = ""
    photographer: str = ""
    reviewed_by: str = ""
    captions: dict[int, str] = field(default_factory=dict)
    """Picture number → caption found for it."""
    body: tuple[Block, ...] = ()
    """Remaining blocks, pictures included (the bundle decides where they go)."""
    notes: tuple[str, ...] = ()
    """What the user should check (Chinese), one sentence each."""


def guess_front_matter(blocks: Sequence[Block], hints: DocumentHints, zone: tzinfo) -> Guess:
    """Title, date, unit, author, photographer, reviewer and captions of a report, with notes on
    every guess that may be wrong; the lines they came from are removed from the body."""
    notes: list[str] = []
    remaining = list(blocks)
    title = _take_title(remaining, hints, notes)
    credits = _take_credits(remaining)
    date_guess = _take_date(remaining, hints, zone)
    if not date_guess.is_certain:
        notes.append(f"日期 {date_guess.value:%Y-%m-%d} 是推测的（{date_guess.source}），请核对")
    captions = _take_captions(remaining)
    return Guess(
        title=title,
        date=date_guess,
        unit=credits.get("unit", ""),
        author=credits.get("author", ""),
        photographer=credits.get("photographer", ""),
        reviewed_by=credits.get("reviewed_by", ""),
        captions=captions,
        body=tuple(remaining),
        notes=tuple(notes),
    )


# --- title ----------------------------------------------------------------------------------------


def _take_title(blocks: list[Block], hints: DocumentHints, notes: list[str]) -> str:
    """Word's Title style; else a leading heading, or a centred or bold first line; else the
    document property; else a short first line or the file name, with a note."""
    for index, block in enumerate(blocks[:3]):
        if block.style == "title" and block.text:
            del blocks[index]
            return _one_line(block.text)
    first = next((b for b in blocks if b.kind is not Kind.PICTURE), None)
    if first is not None and len(first.text) <= LONGEST_TITLE and not _is_meta_line(first.text):
        is_title_like = first.kind is Kind.HEADING or (
            first.kind is Kind.PARAGRAPH and (first.style == "centred" or first.is_bold)
        )
        if is_title_like:
            _remove(blocks, first)
            return _one_line(first.text)
    if hints.title:
        notes.append("标题取自 Word 文档属性中的“标题”，请核对")
        return _one_line(hints.title)
    if (
        first is not None
        and first.kind is Kind.PARAGRAPH
        and len(first.text) <= 40
        and not re.search(r"[。！？；]", first.text)
        and not _is_meta_line(first.text)
    ):
        _remove(blocks, first)
        notes.append("标题是推测的（原文第一行），请核对")
        return _one_line(first.text)
    notes.append("原文中没有找到标题，暂用文件名，请改成正式标题")
    return _title_from_file_name(hints.file_name)


def _one_line(text: str) -> str:
    """A title typed over two lines (Shift+Enter) as one; no full stop at the end."""
    lines = [line.strip() for line in close_han_gaps(text).split("\n") if line.strip()]
    joined = ""
    for line in lines:
        needs_space = joined and joined[-1].isascii() and line[0].isascii()
        joined += (" " if needs_space else "") + line
    return joined.rstrip("。.")


def _title_from_file_name(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0]
    stem = re.sub(r"^\s*\d{4}[-_.年]?\d{1,2}[-_.月]?\d{1,2}日?[-_\s]*", "", stem)
    return re.sub(r"[_]+", " ", stem).strip() or stem


def _is_meta_line(text: str) -> bool:
    return _date_line(text) is not None or _credits_of(text) is not None


# --- credits --------------------------------------------------------------------------------------

_CREDIT_FIELDS = {
    "author": ("通讯员", "通訊員", "记者", "記者", "撰稿人", "撰稿", "作者", "执笔", "執筆", "文"),
    "unit": ("供稿单位", "供稿單位", "供稿", "报送单位", "報送單位", "来源", "來源"),
    "photographer": ("摄影", "攝影", "摄像", "攝像", "图", "圖"),
    "reviewed_by": ("审核人", "審核人", "审核", "審核", "审稿", "審稿", "审签", "審簽", "终审", "終審"),
}
_FIELD_OF = {key: name for name, keys in _CREDIT_FIELDS.items() for key in keys}
_NO_SEPARATOR_NEEDED = {"通讯员", "通訊員", "记者", "記者"}
"""Keys often written straight before the name (`通讯员张三`); the others need `：`, `/` or a space."""
_SLASH_ONLY = {"文", "图", "圖"}
"""`文/张三 图/李四`: a single character is a credit only before a slash (`图：` starts a caption)."""
_CREDIT_KEY = re.compile(
    r"(?:^|(?<=[\s，,、；;|｜/（(]))(?P<key>"
    + "|".join(sorted(map(re.escape, _FIELD_OF), key=len, reverse=True))
    + r")(?P<sep>\s*[：:/／]\s*|\s+)?"
)
_BRACKETS = "（）()【】[]〔〕 \u3000"


def _credits_of(text: str) -> dict[str, str] | None:
    """The credits of a line made only of credits (`通讯员 张三　摄影：李四`, `（审核：王五）`,
    `滨江社区关工委 通讯员 张三`), or None when the line is anything else."""
    line = text.replace("\n", " ").strip(_BRACKETS)
    if not line or len(line) > LONGEST_CREDIT_LINE or re.search(r"[。！？!?]", line):
        return None
    matches = list(_CREDIT_KEY.finditer(line))
    if not matches:
        return None
    found: dict[str, str] = {}
    prefix = line[: matches[0].start()].strip(_BRACKETS + "，,、；;")
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        key, separator = match.group("key"), (match.group("sep") or "").strip()
        if key in _SLASH_ONLY and separator not in ("/", "／"):
            return None
        if not match.group("sep") and key not in _NO_SEPARATOR_NEEDED:
            return None
        value = line[match.end() : following.start() if following else len(line)]
        value = value.strip(_BRACKETS + "，,、；;|｜")
        if not value or len(value) > 30 or re.search(r"[，,；;]", value.replace("、", "")):
            return None
        names = "、".join(part for part in re.split(r"[\s、，,]+", value) if part)
        name = _FIELD_OF[key]
        found[name] = f"{found[name]}、{names}" if name in found else names
    if prefix:
        if len(prefix) > 30 or "unit" in found:
            return None
        found["unit"] = prefix
    return found


def _take_credits(blocks: list[Block]) -> dict[str, str]:
    """Credit lines near the start and the end, merged and removed from the body."""
    credits: dict[str, str] = {}
    for block in _head_and_tail(blocks):
        if block.kind is not Kind.PARAGRAPH:
            continue
        found = _credits_of(block.text)
        if found is None:
            continue
        _remove(blocks, block)
        for key, value in found.items():
            credits.setdefault(key, value)
    return credits


def _head_and_tail(blocks: list[Block]) -> list[Block]:
    head = blocks[:HEAD_BLOCKS]
    tail = [b for b in blocks[-TAIL_BLOCKS:] if all(b is not h for h in head)]
    return head + tail


# --- date -----------------------------------------------------------------------------------------

_NUMBER = r"[0-9〇零一二三四五六七八九十两]"
_FULL_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[〇零一二三四五六七八九]{{4}})\s*(?:年|[-./])\s*(?P<m>{_NUMBER}{{1,2}})\s*(?:月|[-./])"
    rf"\s*(?P<d>{_NUMBER}{{1,3}})(?!\d)\s*[日号]?"
)
_MONTH_DAY = re.compile(rf"(?<![0-9年\-./])(?P<m>{_NUMBER}{{1,2}})\s*月\s*(?P<d>{_NUMBER}{{1,3}})\s*[日号]")
_DATE_LINE_REST = re.compile(
    r"上午|下午|晚上|中午|早上|傍晚|凌晨|(?:星期|周|週)[一二三四五六日天]|时间|日期|時間|\d{1,2}[:：]\d{2}|[\s（）()：:,，]"
)
"""What may stand beside the date on a date line: `（2024年3月15日 星期五 上午9:30）`."""


@dataclass(frozen=True)
class _FoundDate:
    year: int | None
    month: int
    day: int


def _normalise(text: str) -> str:
    """Full-width digits and punctuation as ASCII (`２０２４．３．１５` is typed too)."""
    return unicodedata.normalize("NFKC", text)


def _find_date(text: str) -> tuple[_FoundDate, re.Match[str]] | None:
    text = _normalise(text)
    for pattern in (_FULL_DATE, _MONTH_DAY):
        for match in pattern.finditer(text):
            year = _chinese_int(match.group("y")) if "y" in pattern.groupindex else None
            month, day = _chinese_int(match.group("m")), _chinese_int(match.group("d"))
            if month and day and 1 <= month <= 12 and 1 <= day <= 31:
                return _FoundDate(year, month, day), match
    return None


def _date_line(text: str) -> _FoundDate | None:
    """The date of a line that holds nothing but a date (and 上午, 星期五, brackets)."""
    found = _find_date(text)
    if found is None:
        return None
    date_value, match = found
    normal = _normalise(text)
    rest = normal[: match.start()] + " " + normal[match.end() :]
    return date_value if not _DATE_LINE_REST.sub("", rest) else None


def _chinese_int(text: str | None) -> int | None:
    """`15`, `十五`, `二十三`, `二〇二四` → int; None when it is none of these."""
    if not text:
        return None
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
    if "十" not in text:
        if all(c in digits for c in text):
            return int("".join(str(digits[c]) for c in text))
        return None
    tens_text, _, ones_text = text.partition("十")
    tens = digits.get(tens_text, -1) if tens_text else 1
    ones = digits.get(ones_text, -1) if ones_text else 0
    return tens * 10 + ones if tens >= 0 and ones >= 0 else None


def _take_date(blocks: list[Block], hints: DocumentHints, zone: tzinfo) -> DateGuess:
    """The report's date: a date line near the start, else one at the end (a notice's signature),
    else the first date in the opening sentences (which in a notice may be the date of the event
    it announces, so it comes last). A year missing from the text comes from the file name, else
    the document's dates; with no date at all, the file's."""
    head = [b for b in blocks[:HEAD_BLOCKS] if b.kind is Kind.PARAGRAPH]
    tail = [b for b in blocks[-TAIL_BLOCKS:] if b.kind is Kind.PARAGRAPH and all(b is not h for h in head)]
    found: _FoundDate | None = None
    for block in [*head, *reversed(tail)]:
        if (found := _date_line(block.text)) is not None:
            _remove(blocks, block)
            break
    if found is None:
        found = next((d[0] for b in head if (d := _find_date(b.text)) is not None), None)
    if found is not None and found.year is not None:
        checked = _valid_date(found.year, found.month, found.day)
        if checked is not None:
            return DateGuess(checked, True, "原文")
    name_date = _date_in_file_name(hints.file_name)
    if found is not None:
        if name_date is not None and name_date.year is not None:
            checked = _valid_date(name_date.year, found.month, found.day)
            if checked is not None:
                return DateGuess(checked, False, f"原文只写了 {found.month}月{found.day}日，年份取自文件名")
        reference, source = _document_date(hints, zone)
        checked = _closest(found.month, found.day, reference)
        if checked is not None:
            return DateGuess(checked, False, f"原文只写了 {found.month}月{found.day}日，年份取自{source}")
    if name_date is not None and name_date.year and name_date.month:
        checked = _valid_date(name_date.year, name_date.month, name_date.day)
        if checked is not None:
            return DateGuess(checked, False, "原文中没有日期，取自文件名")
    fallback, source = _document_date(hints, zone)
    return DateGuess(fallback, False, f"原文中没有日期，取自{source}")


def _remove(blocks: list[Block], block: Block) -> None:
    """Remove this very block (equal blocks elsewhere, e.g. a repeated line, stay)."""
    del blocks[next(i for i, b in enumerate(blocks) if b is block)]


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _closest(month: int, day: int, reference: date) -> date | None:
    """The date with this month and day nearest to `reference` (a report written on 1 January
    about 28 December belongs to the year before)."""
    candidates = [
        d for y in (reference.year - 1, reference.year, reference.year + 1) if (d := _valid_date(y, month, day))
    ]
    return min(candidates, key=lambda d: (abs((d - reference).days), d)) if candidates else None


def _date_in_file_name(file_name: str) -> _FoundDate | None:
    stem = _normalise(file_name.rsplit(".", 1)[0])
    found = _find_date(stem)
    if found is not None and found[0].year is not None:
        return found[0]
    compact = re.search(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)", stem)
    if compact:
        return _FoundDate(int(compact.group(1)), int(compact.group(2)), int(compact.group(3)))
    year = re.search(r"(?<!\d)((?:19|20)\d{2})(?!\d)", stem)
    if year:
        return _FoundDate(int(year.group(1)), 0, 0)
    return None


def _document_date(hints: DocumentHints, zone: tzinfo) -> tuple[date, str]:
    if hints.modified is not None:
        return hints.modified.astimezone(zone).date(), "文档属性里的最后保存时间"
    if hints.created is not None:
        return hints.created.astimezone(zone).date(), "文档属性里的创建时间"
    return hints.file_date, "文件的修改日期"


# --- captions ---------------------------------------------------------------------------------------

_CAPTION_START = re.compile(
    r"^[\s（(]*(?:图为|圖為|图片为|圖片為|图[：:]|圖[：:]|图片[：:]|圖片[：:]|[上下左右]图|[上下左右]圖"
    r"|图\s*[0-9一二三四五六七八九十]+\s*[：:、.\s]|▲|△|↑|◆)"
)
_CAPTION_MARKS = "▲△↑◆ \u3000"


def _is_caption(block: Block, strict: bool) -> bool:
    """A caption: Word's Caption style, a line starting like one (`图为`, `▲`…), or (right under
    a photo only) a short centred line that is not a sentence of the report."""
    if block.kind is not Kind.PARAGRAPH or not block.text or len(block.text) > LONGEST_CAPTION:
        return False
    if block.style == "caption" or _CAPTION_START.match(block.text):
        return True
    return not strict and block.style == "centred" and len(block.text) <= 60


def _caption_text(block: Block) -> str:
    text = " ".join(line.strip() for line in close_han_gaps(block.text).split("\n"))
    text = text.strip(_CAPTION_MARKS)
    if text.startswith(("（", "(")) and text.endswith(("）", ")")):
        text = text[1:-1].strip()
    return text


def _take_captions(blocks: list[Block]) -> dict[int, str]:
    """For each run of consecutive photos, as many caption lines as follow it, in order; for a
    single photo with none after it, a caption-like line just before it (a floating photo may be
    anchored below its caption, IMPORT.md §2.2)."""
    captions: dict[int, str] = {}
    index = 0
    while index < len(blocks):
        if blocks[index].kind is not Kind.PICTURE:
            index += 1
            continue
        end = index
        while end < len(blocks) and blocks[end].kind is Kind.PICTURE:
            end += 1
        pictures = blocks[index:end]
        taken = 0
        while taken < len(pictures) and end < len(blocks) and _is_caption(blocks[end], strict=False):
            captions[pictures[taken].picture] = _caption_text(blocks.pop(end))
            taken += 1
        if taken == 0 and len(pictures) == 1 and index > 0 and _is_caption(blocks[index - 1], strict=True):
            captions[pictures[0].picture] = _caption_text(blocks.pop(index - 1))
            end -= 1
        index = end
    return captions
