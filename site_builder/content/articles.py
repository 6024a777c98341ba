"""Turn a scanned source file and its front matter into a validated `Article`.

Every key of the CONTRACT's front-matter table has one parser here. A parser reports each problem
with the key's line and keeps going, so an author sees all problems of a file at once.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from datetime import date, datetime, time
from types import MappingProxyType
from zoneinfo import ZoneInfo

from site_builder.content.frontmatter import FrontMatter, parse_front_matter
from site_builder.content.model import Article, PhotoRef, SourceFile
from site_builder.diagnostics import Diagnostics
from site_builder.urls import slugify

KNOWN_KEYS = (
    "title",
    "date",
    "summary",
    "cover",
    "photos",
    "category",
    "tags",
    "unit",
    "people",
    "author",
    "reviewed_by",
    "location",
    "participants",
    "featured",
    "draft",
    "slug",
    "chronicle",
)
REVIEW_KEYS = ("reviewed_at", "review_note")
"""Written by the 写作台's 审核 (issue #16): when the reviewer approved, and the note of a reviewer
who sent the article back. Kept in `extra` for templates; not typos of `reviewed_by`."""
# Authors sometimes write the Chinese field name; tell them the English key instead.
CHINESE_KEYS = {
    "标题": "title",
    "日期": "date",
    "时间": "date",
    "摘要": "summary",
    "封面": "cover",
    "图集": "photos",
    "照片": "photos",
    "分类": "category",
    "栏目": "category",
    "标签": "tags",
    "单位": "unit",
    "人物": "people",
    "作者": "author",
    "通讯员": "author",
    "审核": "reviewed_by",
    "审核人": "reviewed_by",
    "地点": "location",
    "参与人数": "participants",
    "人数": "participants",
    "图片新闻": "featured",
    "草稿": "draft",
    "大事记": "chronicle",
}
# Keys that can only mean "do not publish": guessing wrong would publish a draft (CONTRACT), so
# each is an error, never a "did you mean" warning. Compared case-insensitively, and any key
# within one typo of `draft` counts too (`darft`, `drafts`, `Draft`).
WITHHOLDING_KEYS = frozenset(
    {
        "草稿",
        "是否草稿",
        "草稿箱",
        "未发布",
        "不发布",
        "暂不发布",
        "隐藏",
        "published",
        "publish",
        "发布",
        "是否发布",
        "hidden",
        "hide",
        "unpublished",
        "is_draft",
        "isdraft",
    }
)
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIST_SEPARATORS = re.compile(r"[,，、;；]")
YEARS = range(1900, 3000)
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日",
)


def load_article(
    source: SourceFile, zone: ZoneInfo, diagnostics: Diagnostics, keep_with_errors: bool = False
) -> Article | None:
    """Read, parse and validate one article; None when it has an error (already reported).

    With `keep_with_errors`, an article whose front matter could be read comes back even with
    errors in its values, so that later checks (its photos, its links) still report theirs in
    the same run; the caller must then never publish it.
    """
    try:
        text = source.path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        diagnostics.error(source.display_path, 0, "文件不是 UTF-8 编码", "请用记事本或 VS Code 另存为“UTF-8”编码后再试")
        return None
    except OSError as error:
        diagnostics.error(source.display_path, 0, f"无法读取文件（{error.strerror}）")
        return None
    front = parse_front_matter(text, source.display_path, diagnostics)
    if front is None:
        return None
    return build_article(source, front, zone, diagnostics, keep_with_errors)


def build_article(
    source: SourceFile, front: FrontMatter, zone: ZoneInfo, diagnostics: Diagnostics, keep_with_errors: bool = False
) -> Article | None:
    """Validate front-matter values into an Article, reporting every problem of the file;
    None when there was one, unless `keep_with_errors` (see `load_article`)."""
    fields = _FieldReader(source.display_path, front, diagnostics)
    errors_before = len(diagnostics.errors_for(source.display_path))

    title = fields.text("title", required=True)
    when = fields.date("date", zone)
    photos = fields.photos("photos")
    cover_src = fields.text("cover")
    slug = fields.text("slug")
    if slug and not SLUG_PATTERN.match(slug):
        diagnostics.error(
            source.display_path,
            front.lines["slug"],
            f"网址名 slug“{slug}”不合规",
            "只能用小写英文字母、数字和连字符，例如 jing-lao-huo-dong",
        )
    article = Article(
        source=source,
        title=title,
        date=when or datetime.min.replace(tzinfo=zone),
        body=front.body,
        body_line=front.body_line,
        summary=fields.text("summary"),
        cover=PhotoRef(cover_src, line=front.lines["cover"]) if cover_src else None,
        photos=photos,
        category=fields.text("category"),
        tags=fields.text_list("tags"),
        units=fields.text_list("unit"),
        people=fields.text_list("people"),
        author=fields.text("author"),
        reviewed_by=fields.text("reviewed_by"),
        location=fields.text("location"),
        participants=fields.count("participants"),
        featured=fields.flag("featured"),
        draft=fields.flag("draft"),
        chronicle=fields.optional_flag("chronicle"),
        slug=slug,
        name_slug=slugify(source.name_part),
        lines=MappingProxyType(dict(front.lines)),
        extra=MappingProxyType({k: v for k, v in front.values.items() if k not in KNOWN_KEYS}),
    )
    fields.warn_unknown_keys()
    if when and when.strftime("%Y-%m-%d") != source.date_part:
        diagnostics.warning(
            source.display_path,
            front.lines["date"],
            f"date（{when:%Y-%m-%d}）与文件名里的日期（{source.date_part}）不一致",
            "网站以 date 为准；若是复制的旧文章，请同时改文件名",
        )
    if len(diagnostics.errors_for(source.display_path)) > errors_before and not keep_with_errors:
        return None
    return article


class _FieldReader:
    """Reads typed values out of front matter, reporting problems at the key's line."""

    def __init__(self, shown_path: str, front: FrontMatter, diagnostics: Diagnostics) -> None:
        self.path = shown_path
        self.front = front
        self.diagnostics = diagnostics

    def _line(self, key: str) -> int:
        return self.front.lines.get(key, 1)

    def _error(self, key: str, message: str, hint: str = "") -> None:
        self.diagnostics.error(self.path, self._line(key), message, hint)

    def _missing(self, key: str) -> bool:
        value = self.front.values.get(key)
        return value is None or value == "" or value == []

    def text(self, key: str, required: bool = False) -> str:
        if key in self.front.unreadable:
            return ""
        if self._missing(key):
            if required:
                self._error(key, f"缺少 {key}（{_label(key)}）", f"请在 front matter 中加一行 {key}: …")
            return ""
        value = self.front.values[key]
        if isinstance(value, (bool, list, dict)):
            self._error(key, f"{key}（{_label(key)}）应是一段文字", "整段文字请加引号")
            return ""
        if isinstance(value, (date, datetime)):
            return value.isoformat()
        return str(value).strip()

    def text_list(self, key: str) -> tuple[str, ...]:
        if key in self.front.unreadable or self._missing(key):
            return ()
        value = self.front.values[key]
        if isinstance(value, str):
            items = [part.strip() for part in LIST_SEPARATORS.split(value)]
        elif isinstance(value, list) and all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
        ):
            items = [str(v).strip() for v in value]
        else:
            self._error(key, f"{key}（{_label(key)}）应是文字或文字列表", f"例如 {key}: [甲, 乙]")
            return ()
        return tuple(dict.fromkeys(item for item in items if item))

    def date(self, key: str, zone: ZoneInfo) -> datetime | None:
        if key in self.front.unreadable:
            return None
        if self._missing(key):
            self._error(key, "缺少 date（发布日期）", "请加一行，例如 date: 2024-05-01")
            return None
        value = self.front.values[key]
        parsed = _parse_datetime(value)
        if parsed is None:
            self._error(key, f"日期“{value}”无法识别", "请写成 2024-05-01 或 2024-05-01 09:30 这样的格式")
            return None
        # Beyond these years the date is a typo, and converting it to UTC for feeds would overflow.
        if not YEARS.start <= parsed.year < YEARS.stop:
            self._error(key, f"日期“{value}”的年份不合理", "请检查年份，例如 date: 2024-05-01")
            return None
        return parsed.replace(tzinfo=zone) if parsed.tzinfo is None else parsed.astimezone(zone)

    def count(self, key: str) -> int | None:
        if key in self.front.unreadable or self._missing(key):
            return None
        value = self.front.values[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self._error(key, f"{key}（{_label(key)}）应是一个整数，现在是“{value}”", "只写数字，例如 participants: 120")
            return None
        return value

    def flag(self, key: str) -> bool:
        if key in self.front.unreadable or key not in self.front.values or self.front.values[key] is None:
            return False
        value = self.front.values[key]
        if not isinstance(value, bool):
            self._error(key, f"{key}（{_label(key)}）应是 true 或 false，现在是“{value}”")
            return False
        return value

    def optional_flag(self, key: str) -> bool | None:
        """True or False as written; None when the key is absent or empty (the default applies)."""
        if key in self.front.unreadable or self.front.values.get(key) is None:
            return None
        value = self.front.values[key]
        if not isinstance(value, bool):
            self._error(
                key,
                f"{key}（{_label(key)}）应是 true 或 false，现在是“{value}”",
                f"写 {key}: true 或 {key}: false；不写时按栏目的默认",
            )
            return None
        return value

    def photos(self, key: str) -> tuple[PhotoRef, ...]:
        if key in self.front.unreadable or self._missing(key):
            return ()
        value = self.front.values[key]
        if not isinstance(value, list):
            self._error(key, "photos（图集）应是照片列表", "每张照片一行，以“- ”开头")
            return ()
        lines = self.front.item_lines.get(key, [])
        photos = []
        for index, item in enumerate(value):
            line = lines[index] if index < len(lines) else self._line(key)
            if isinstance(item, str) and item.strip():
                photos.append(PhotoRef(item.strip(), line=line))
            elif isinstance(item, dict) and isinstance(item.get("src"), str) and item["src"].strip():
                caption = str(item.get("caption") or "").strip()
                alt = str(item.get("alt") or "").strip()
                photos.append(PhotoRef(item["src"].strip(), caption, alt, line))
            else:
                self.diagnostics.error(
                    self.path,
                    line,
                    f"图集第 {index + 1} 项缺少照片文件名",
                    "请写成 - src: 照片.jpg（可加 caption: 说明）",
                )
        return tuple(photos)

    def warn_unknown_keys(self) -> None:
        """A "did you mean" warning per unknown key; an error for a key that means `draft`."""
        for key in self.front.values:
            if key in KNOWN_KEYS or key in REVIEW_KEYS:
                continue
            if _means_draft(key):
                self._error(
                    key,
                    f"“{key}”不是可识别的字段，它像是想表示“草稿/不发布”，为安全起见这篇文章不会发布",
                    "草稿请写 draft: true，要发布请写 draft: false（全小写英文）",
                )
                continue
            suggestion = CHINESE_KEYS.get(key) or next(
                iter(difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.7)), None
            )
            if suggestion:
                self.diagnostics.warning(
                    self.path,
                    self._line(key),
                    f"未知的字段“{key}”，您是否想写 {suggestion}?",
                    "字段名请用英文，见 site-builder new 生成的模板",
                )


def _means_draft(key: str) -> bool:
    """True for a key that is not `draft` but can only be meant as it (see WITHHOLDING_KEYS)."""
    folded = key.strip().lower().replace("-", "_").replace(" ", "")
    if folded in WITHHOLDING_KEYS or folded.startswith("draft"):
        return True
    return len(folded) >= 4 and _edit_distance(folded, "draft") <= 1


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: like Levenshtein, but a swap of two neighbours is one edit."""
    rows = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def _parse_datetime(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if not isinstance(value, str):
        return None
    text = value.strip()
    parsers: list[Callable[[str], datetime]] = [datetime.fromisoformat, *(_strptime(p) for p in DATE_FORMATS)]
    for parse in parsers:
        try:
            return parse(text)
        except ValueError:
            continue
    return None


def _strptime(pattern: str) -> Callable[[str], datetime]:
    return lambda text: datetime.strptime(text, pattern)


def _label(key: str) -> str:
    return {
        "title": "标题",
        "summary": "摘要",
        "cover": "封面",
        "category": "分类",
        "tags": "标签",
        "unit": "单位",
        "people": "人物",
        "author": "作者",
        "reviewed_by": "审核人",
        "location": "地点",
        "participants": "参与人数",
        "featured": "图片新闻",
        "draft": "草稿",
        "slug": "网址名",
        "chronicle": "是否列入大事记",
    }.get(key, key)
