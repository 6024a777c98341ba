"""The articles as the 写作台 sees them: a list, one article's form, saving, checking (issue #16).

A thin layer over the core: the list is `load_site` (through the same parse cache as the build)
with the publication decision of `decide`; a form is `parse_front_matter`; a save is
`content.write.update_article_text`; a check is `build_article`, the attachment and photo
resolvers and the proofreader, the functions `site-builder check` runs. No rule is copied here.

Articles are addressed by their `src_uri` as found by the scan, never by a path from a request: an
unknown `src_uri` is refused before anything touches the disk.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from site_builder.atomic import write_file_atomically
from site_builder.content.articles import KNOWN_KEYS, REVIEW_KEYS, build_article
from site_builder.content.cache import ArticleCache
from site_builder.content.frontmatter import FrontMatter, parse_front_matter
from site_builder.content.links import collect_attachments
from site_builder.content.model import Article, SourceFile
from site_builder.content.paths import is_external, resolve_local
from site_builder.content.scan import scan_sections
from site_builder.content.write import WriteError, update_article_text
from site_builder.diagnostics import Diagnostic, Diagnostics
from site_builder.images.collect import inline_refs
from site_builder.images.sniff import sniff_raster
from site_builder.proofread.documents import make_proofreader, proofread_article
from site_builder.proofread.glossary import GLOSSARY_NAME, Glossary, load_glossary
from site_builder.publication_rules import Reason, decide, publication_time
from site_builder.scaffold import ScaffoldError, create_article
from site_builder.settings import SiteSettings
from site_builder.site import Site, load_site
from site_builder.studio.history import History

STATUSES = ("已发布", "草稿", "定时", "待审核", "有错误")
STATUS_OF_REASON = {
    Reason.PUBLISHED: "已发布",
    Reason.DRAFT: "草稿",
    Reason.FUTURE: "定时",
    Reason.UNREVIEWED: "待审核",
}
TEXT_KEYS = ("title", "summary", "cover", "category", "author", "reviewed_by", "location", "slug", *REVIEW_KEYS)
LIST_KEYS = ("tags", "people", "unit")
EDITABLE_KEYS = frozenset({*TEXT_KEYS, *LIST_KEYS, "date", "photos", "participants", "featured", "draft"})
INDEX_MAX_AGE = 2.0
"""Seconds an article list is reused before the files are looked at again (hand edits, sync tools)."""


class StudioError(Exception):
    """A request the 写作台 refuses; `status` is the HTTP status, the message is for the user."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


class Conflict(Exception):
    """The file changed since the form loaded it: both versions go back to the user."""

    def __init__(self, current: bytes, proposed: str) -> None:
        super().__init__("这篇文章在您打开之后被别人（或别的程序）改过了")
        self.current = current
        self.proposed = proposed


def version_of(data: bytes) -> str:
    """The version token of a file: a digest of its bytes, so any change elsewhere is seen."""
    return hashlib.sha256(data).hexdigest()


@dataclass
class Entry:
    """One article in the list."""

    src_uri: str
    section: str
    title: str
    date: datetime | None
    status: str
    reason: str
    url: str
    display_path: str
    problems: list[dict[str, Any]] = field(default_factory=list)
    reviewed_by: str = ""
    review_note: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "src": self.src_uri,
            "section": self.section,
            "title": self.title,
            "date": f"{self.date:%Y-%m-%d %H:%M}" if self.date else "",
            "year": self.date.year if self.date else None,
            "status": self.status,
            "reason": self.reason,
            "url": self.url,
            "path": self.display_path,
            "problems": self.problems,
            "reviewed_by": self.reviewed_by,
            "review_note": self.review_note,
        }


@dataclass
class Index:
    entries: dict[str, Entry]
    site: Site | None
    sources: dict[str, SourceFile]
    loaded: float
    seconds: float
    stamp: int = 0


class ArticleStore:
    """Reads and writes the articles of one project, keeping a version of each before it changes."""

    def __init__(self, settings: SiteSettings, history: History) -> None:
        self.settings = settings
        self.preview_settings = replace(settings, include_withheld=True)
        self.history = history
        self.write_lock = threading.RLock()
        self._index_lock = threading.Lock()
        self._index: Index | None = None
        cache_dir = settings.cache_dir or settings.project_dir / ".cache" / "site_builder"
        self.cache = ArticleCache(cache_dir / "articles.pickle", salt=str(settings.timezone))
        self._glossary: Glossary | None = None

    # -- the list ---------------------------------------------------------------------------------

    def now(self) -> datetime:
        return publication_time(self.settings.timezone, os.environ)

    def index(self, fresh: bool = False) -> Index:
        """The article list, read again when older than INDEX_MAX_AGE or after a change here."""
        with self._index_lock:
            current = self._index
            is_old = current is not None and time.monotonic() - current.loaded > INDEX_MAX_AGE
            if current is not None and is_old and not fresh and self._stamp() == current.stamp:
                current.loaded = time.monotonic()  # no Markdown file changed: 20 ms instead of 400
            if current is None or fresh or time.monotonic() - current.loaded > INDEX_MAX_AGE:
                stamp = self._stamp()
                current = self._index = self._load_index()
                current.stamp = stamp
            return current

    def _stamp(self) -> int:
        """A digest of every Markdown file's name, size and time under the content folder (and of
        the glossary): what the list depends on, read without opening a file."""
        found: list[tuple[str, int, int]] = []
        folders = [os.fspath(self.settings.content_dir)]
        while folders:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.name.endswith((".md", ".markdown", ".yml")):
                        stat = entry.stat()
                        found.append((entry.path, stat.st_size, stat.st_mtime_ns))
        return hash(tuple(sorted(found)))

    def invalidate(self) -> None:
        with self._index_lock:
            self._index = None

    def _load_index(self) -> Index:
        started = time.perf_counter()
        now = self.now()
        diagnostics = Diagnostics()
        # Withheld articles included: they need their URL (for the preview) like published ones.
        site = load_site(self.preview_settings, now, diagnostics, self.cache)
        self.cache.save()
        by_path: dict[str, list[Diagnostic]] = {}
        for diagnostic in diagnostics:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
        entries: dict[str, Entry] = {}
        for article in site.published:
            decision = decide(article, now, self.settings.require_review)
            problems = [_problem(d, article) for d in by_path.get(article.source.display_path, [])]
            has_error = any(p["severity"] == "错误" for p in problems)
            entries[article.source.src_uri] = Entry(
                src_uri=article.source.src_uri,
                section=article.section,
                title=article.title,
                date=article.date,
                status="有错误" if has_error else STATUS_OF_REASON[decision.reason],
                reason="有错误，改正前不会发布" if has_error else decision.describe(),
                url=article.url,
                display_path=article.source.display_path,
                problems=problems,
                reviewed_by=article.reviewed_by,
                review_note=str(article.extra.get("review_note") or ""),
            )
        for article in site.with_errors:
            problems = [_problem(d, article) for d in by_path.get(article.source.display_path, [])]
            entries[article.source.src_uri] = Entry(
                article.source.src_uri,
                article.section,
                article.title or article.source.name_part,
                article.date if article.date.year > 1 else None,
                "有错误",
                "有错误，改正前不会发布",
                "",
                article.source.display_path,
                problems,
            )
        scan = scan_sections(self.settings, Diagnostics())
        sources = {source.src_uri: source for source in scan.articles}
        for src_uri, source in sources.items():
            if src_uri not in entries:  # front matter unreadable: no Article at all
                problems = [_problem(d, None) for d in by_path.get(source.display_path, [])]
                entries[src_uri] = Entry(
                    src_uri,
                    source.section,
                    source.name_part,
                    None,
                    "有错误",
                    "有错误，改正前不会发布",
                    "",
                    source.display_path,
                    problems,
                )
        return Index(entries, site, sources, time.monotonic(), time.perf_counter() - started)

    def listing(self, section: str = "", status: str = "", year: str = "", query: str = "") -> dict[str, Any]:
        """The list filtered as the page asks, newest first, with the values each filter offers."""
        started = time.perf_counter()
        index = self.index()
        entries = sorted(
            index.entries.values(),
            key=lambda e: (-(e.date.timestamp() if e.date else 0), e.src_uri),
        )
        years = sorted({e.date.year for e in entries if e.date}, reverse=True)
        counts = {s: sum(1 for e in entries if e.status == s) for s in STATUSES}
        query = query.strip().lower()
        chosen = [
            e
            for e in entries
            if (not section or e.section == section)
            and (not status or e.status == status)
            and (not year or (e.date is not None and str(e.date.year) == year))
            and (not query or query in e.title.lower())
        ]
        return {
            "articles": [e.as_json() for e in chosen],
            "total": len(entries),
            "counts": counts,
            "years": years,
            "server_ms": round((time.perf_counter() - started) * 1000),
            "index_ms": round(index.seconds * 1000),
        }

    def source(self, src_uri: str) -> SourceFile:
        """The scanned source of `src_uri`; 404 for anything the scan did not find."""
        if not isinstance(src_uri, str) or not src_uri:
            raise StudioError("没有指定文章", 400)
        source = self.index().sources.get(src_uri)
        if source is None:
            source = self.index(fresh=True).sources.get(src_uri)
        if source is None:
            raise StudioError("找不到这篇文章（也许已被移动或删除），请回到文章列表", 404)
        return source

    # -- suggestions ------------------------------------------------------------------------------

    def glossary(self) -> Glossary:
        path = self.settings.content_dir / GLOSSARY_NAME
        return load_glossary(path, GLOSSARY_NAME, Diagnostics())

    def suggestions(self) -> dict[str, list[str]]:
        """Units, people, categories and tags the site already uses, and the glossary's names."""
        site = self.index().site
        articles = site.published if site else ()
        glossary = self.glossary()
        rights = {
            kind: [e.right for e, k in zip(glossary.entries, glossary.categories, strict=True) if k == kind]
            for kind in ("units", "people")
        }

        def used(values: list[str], extra: list[str] = ()) -> list[str]:  # type: ignore[assignment]
            counted: dict[str, int] = {}
            for value in [*values, *extra]:
                counted[value] = counted.get(value, 0) + 1
            return sorted(counted, key=lambda v: (-counted[v], v))

        return {
            "unit": used([u for a in articles for u in a.units], rights["units"]),
            "people": used([p for a in articles for p in a.people], rights["people"]),
            "category": used([a.category for a in articles if a.category]),
            "tags": used([t for a in articles for t in a.tags]),
            "author": used([a.author for a in articles if a.author]),
            "reviewed_by": used([a.reviewed_by for a in articles if a.reviewed_by]),
            "location": used([a.location for a in articles if a.location]),
        }

    # -- one article ------------------------------------------------------------------------------

    def read(self, src_uri: str) -> dict[str, Any]:
        """The form's data: every field, the body, the version token, and the files beside it."""
        source = self.source(src_uri)
        data = _read_bytes(source.path)
        text = _decode(data)
        diagnostics = Diagnostics()
        front = parse_front_matter(text, source.display_path, diagnostics)
        if front is None:
            problems = [_problem(d, None) for d in diagnostics]
            return {"src": src_uri, "version": version_of(data), "readable": False, "text": text, "problems": problems}
        entry = self.index().entries.get(src_uri)
        return {
            "src": src_uri,
            "section": source.section,
            "path": source.display_path,
            "version": version_of(data),
            "readable": True,
            "fields": form_fields(front),
            "extra_keys": sorted(k for k in front.values if k not in KNOWN_KEYS and k not in REVIEW_KEYS),
            "body": front.body.strip("\n"),
            "is_bundle": source.is_bundle,
            "files": self.files(source),
            "status": entry.status if entry else "",
            "reason": entry.reason if entry else "",
            "url": entry.url if entry else "",
            "history": [
                {
                    "id": v.id,
                    "who": v.who,
                    "action": v.action,
                    "when": f"{v.when.astimezone(self.settings.timezone):%Y-%m-%d %H:%M:%S}",
                }
                for v in self.history.versions(src_uri)
            ],
        }

    def files(self, source: SourceFile) -> list[dict[str, str]]:
        """The photos and other files in a bundle's folder (none for a single-file article)."""
        if not source.is_bundle:
            return []
        found = []
        for entry in sorted(os.scandir(source.folder), key=lambda e: e.name):
            if entry.name.startswith(".") or entry.name == "index.md" or not entry.is_file(follow_symlinks=False):
                continue
            kind = "photo" if sniff_raster(Path(entry.path)) else "file"
            found.append({"name": entry.name, "kind": kind, "size": str(entry.stat().st_size)})
        return found

    def file_path(self, src_uri: str, name: str) -> Path:
        """A file of the article's folder by its exact name, never a symlink, never elsewhere."""
        source = self.source(src_uri)
        if not source.is_bundle or not isinstance(name, str):
            raise StudioError("找不到这个文件", 404)
        for entry in os.scandir(source.folder):
            if entry.name == name and not name.startswith(".") and entry.is_file(follow_symlinks=False):
                return Path(entry.path)
        raise StudioError("找不到这个文件", 404)

    def save(
        self,
        src_uri: str,
        base_version: str,
        changes: Mapping[str, object],
        body: str | None,
        who: str,
        action: str = "保存",
    ) -> dict[str, Any]:
        """Write the form's changes if the file is still the version the form loaded.

        Raises Conflict (with both versions) when it is not; keeps the previous bytes in the
        history; an unchanged result writes nothing.
        """
        values = {key: to_front_matter(key, value) for key, value in changes.items()}
        with self.write_lock:
            source = self.source(src_uri)
            current = _read_bytes(source.path)
            text = _decode(current)
            try:
                proposed = update_article_text(text, values, body)
            except WriteError as error:
                raise StudioError(str(error), 422) from None
            if version_of(current) != base_version:
                raise Conflict(current, proposed)
            return self._write(source, current, proposed, who, action)

    def save_text(self, src_uri: str, base_version: str, text: str, who: str, action: str) -> dict[str, Any]:
        """Replace the whole file (restoring a version), with the same version check and history."""
        with self.write_lock:
            source = self.source(src_uri)
            current = _read_bytes(source.path)
            if version_of(current) != base_version:
                raise Conflict(current, text)
            return self._write(source, current, text, who, action)

    def _write(self, source: SourceFile, current: bytes, proposed: str, who: str, action: str) -> dict[str, Any]:
        data = proposed.encode("utf-8")
        if data == current:
            return {"src": source.src_uri, "version": version_of(current), "changed": False}
        self.history.keep(source.src_uri, current, who, action)
        mode = source.path.stat().st_mode & 0o777
        write_file_atomically(source.path, data)
        os.chmod(source.path, mode)
        self.invalidate()
        return {"src": source.src_uri, "version": version_of(data), "changed": True}

    def create(self, section: str, title: str, when: datetime) -> str:
        """A new article from the section's template, exactly as `site-builder new` writes it."""
        title = title.strip()
        if not title:
            raise StudioError("请先填写标题")
        with self.write_lock:
            try:
                path = create_article(self.settings, section, title, when)
            except ScaffoldError as error:
                raise StudioError(str(error), 409) from None
        self.invalidate()
        return path.relative_to(self.settings.content_dir).as_posix()

    def make_bundle(self, src_uri: str) -> str:
        """Turn a single-file article into a bundle (its folder can then hold photos); its URL stays
        the same, as the name after the date is unchanged. Returns the new `src_uri`."""
        with self.write_lock:
            source = self.source(src_uri)
            if source.is_bundle:
                return src_uri
            folder = source.path.with_suffix("")
            if folder.exists():
                raise StudioError(f"已经有一个同名的文件夹 {folder.name}，无法添加照片；请先处理它", 409)
            folder.mkdir()
            os.replace(source.path, folder / "index.md")
        self.invalidate()
        return (folder / "index.md").relative_to(self.settings.content_dir).as_posix()

    def remove_file(self, src_uri: str, name: str, who: str) -> None:
        """Move a file of the article into its history (never deleted)."""
        with self.write_lock:
            path = self.file_path(src_uri, name)
            self.history.keep_file(src_uri, path, who)
        self.invalidate()

    # -- check as you type ------------------------------------------------------------------------

    def check(self, src_uri: str, changes: Mapping[str, object], body: str | None) -> dict[str, Any]:
        """The findings of `site-builder check` for the article as the form now holds it (not saved)."""
        source = self.source(src_uri)
        text = _decode(_read_bytes(source.path))
        refused: list[dict[str, Any]] = []
        values = {}
        for key, value in changes.items():
            try:
                values[key] = to_front_matter(key, value)
            except StudioError as error:
                refused.append(
                    {"line": 0, "severity": "错误", "message": str(error), "hint": "", "field": key, "body_line": 0}
                )
        try:
            text = update_article_text(text, values, body)
        except WriteError as error:
            return {
                "problems": [
                    *refused,
                    {"line": 1, "severity": "错误", "message": str(error), "hint": "", "field": "", "body_line": 0},
                ]
            }
        diagnostics = Diagnostics()
        front = parse_front_matter(text, source.display_path, diagnostics)
        article = None
        if front is not None:
            article = build_article(source, front, self.settings.timezone, diagnostics, keep_with_errors=True)
        if article is not None:
            self._check_files(article, diagnostics)
            collect_attachments((article,), self.settings.content_dir, diagnostics)
            if self.settings.proofread != "off":
                report = diagnostics.error if self.settings.proofread == "error" else diagnostics.warning
                for finding in proofread_article(article, make_proofreader(self.glossary())):
                    report(source.display_path, finding.line, finding.message, finding.hint)
        problems = refused + [_problem(d, article, front) for d in diagnostics]
        publication = ""
        if article is not None and not diagnostics.errors:
            decision = decide(article, self.now(), self.settings.require_review)
            publication = decision.describe()
            if decision.reason is Reason.UNREVIEWED or (self.settings.require_review and not article.reviewed_by):
                problems.append(
                    {
                        "line": article.line_of("reviewed_by"),
                        "severity": "发布",
                        "message": "缺少审核人（reviewed_by）：本站要求审核，没有审核人的文章不会发布",
                        "hint": "请送审：在“待审核”中由审核人通过",
                        "field": "reviewed_by",
                    }
                )
        return {"problems": problems, "publication": publication}

    def _check_files(self, article: Article, diagnostics: Diagnostics) -> None:
        """Every photo the article names must be a file in its folder (as the build requires)."""
        refs = [*(p for p in (article.cover,) if p), *article.photos, *inline_refs(article.body, article.body_line)]
        for ref in refs:
            if is_external(ref.src):
                continue
            found, reason = resolve_local(ref.src, article.source.folder)
            if found is None:
                diagnostics.error(article.source.display_path, ref.line, f"照片“{ref.src}”：{reason}")


def form_fields(front: FrontMatter) -> dict[str, Any]:
    """Front-matter values as the form shows them (text, lists of text, photos, flags)."""
    values = front.values
    fields: dict[str, Any] = {}
    for key in TEXT_KEYS:
        value = values.get(key)
        fields[key] = "" if value is None else _text(value)
    for key in LIST_KEYS:
        value = values.get(key)
        if isinstance(value, list):
            fields[key] = [_text(v) for v in value if v is not None]
        elif value in (None, ""):
            fields[key] = []
        else:
            fields[key] = [
                part.strip() for part in _text(value).replace("，", ",").replace("、", ",").split(",") if part.strip()
            ]
    when = values.get("date")
    fields["date"] = (
        f"{when:%Y-%m-%d %H:%M}"
        if isinstance(when, datetime)
        else f"{when:%Y-%m-%d}"
        if isinstance(when, date)
        else _text(when or "")
    )
    photos = values.get("photos")
    fields["photos"] = [
        {"src": _text(p.get("src") or ""), "caption": _text(p.get("caption") or ""), "alt": _text(p.get("alt") or "")}
        if isinstance(p, dict)
        else {"src": _text(p), "caption": "", "alt": ""}
        for p in (photos if isinstance(photos, list) else [])
    ]
    participants = values.get("participants")
    fields["participants"] = (
        participants if isinstance(participants, int) and not isinstance(participants, bool) else ""
    )
    fields["featured"] = values.get("featured") is True
    fields["draft"] = values.get("draft") is True
    fields["lines"] = dict(front.lines)
    return fields


def to_front_matter(key: str, value: object) -> object:
    """A form value as the value to write; StudioError for a key the form does not edit."""
    if key not in EDITABLE_KEYS:
        raise StudioError(f"表单不能修改“{key}”")
    if key in TEXT_KEYS:
        return _text(value).strip() or None
    if key in LIST_KEYS:
        items = [_text(v).strip() for v in (value if isinstance(value, list) else [value]) if _text(v).strip()]
        if key == "unit" and len(items) == 1:
            return items[0]
        return items or ([] if key != "unit" else None)
    if key in ("featured", "draft"):
        return bool(value)
    if key == "participants":
        if value in (None, ""):
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            raise StudioError("参与人数请只写数字") from None
        if number < 0:
            raise StudioError("参与人数不能是负数")
        return number
    if key == "date":
        return _form_date(_text(value).strip())
    if key == "photos":
        if not isinstance(value, list):
            raise StudioError("图集的格式不对")
        photos = []
        for item in value:
            if not isinstance(item, dict) or not _text(item.get("src", "")).strip():
                raise StudioError("图集里有一项没有照片文件名")
            photos.append({k: _text(item.get(k, "")).strip() for k in ("src", "caption", "alt")})
        return photos
    raise StudioError(f"表单不能修改“{key}”")


def _form_date(text: str) -> object:
    if not text:
        return None
    for pattern, kind in (("%Y-%m-%d %H:%M", "datetime"), ("%Y-%m-%dT%H:%M", "datetime"), ("%Y-%m-%d", "date")):
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed if kind == "datetime" else parsed.date()
    return text  # written as typed; the check reports it at its line


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return "" if value is None else str(value)


def _problem(diagnostic: Diagnostic, article: Article | None, front: FrontMatter | None = None) -> dict[str, Any]:
    """A diagnostic with the form field (or body line) it concerns."""
    field_name, body_line = "", 0
    lines = dict(article.lines) if article is not None else dict(front.lines) if front is not None else {}
    body_start = article.body_line if article is not None else front.body_line if front is not None else 0
    body_text = article.body if article is not None else front.body if front is not None else ""
    if body_start and diagnostic.line >= body_start:
        leading = len(body_text) - len(body_text.lstrip("\n"))
        field_name, body_line = "body", max(1, diagnostic.line - body_start - leading + 1)
    else:
        at_or_before = [(line, key) for key, line in lines.items() if line <= diagnostic.line]
        if at_or_before and diagnostic.line > 0:
            field_name = max(at_or_before)[1]
    return {
        "line": diagnostic.line,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "hint": diagnostic.hint,
        "field": field_name,
        "body_line": body_line,
    }


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise StudioError(f"无法读取文件（{error.strerror}）", 500) from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise StudioError("文件不是 UTF-8 编码，无法在写作台中打开；请用记事本另存为 UTF-8 后再试", 422) from None
