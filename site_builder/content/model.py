"""The content model: typed, frozen records built once per build.

Front-matter keys never become attributes by name; every known key has a field, and the rest
go into `Article.extra` (kept for templates, checked for typos).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True)
class SourceFile:
    """An article's Markdown file as found by the scan."""

    section: str
    path: Path
    """Absolute path of the Markdown file (`…/x.md` or `…/bundle/index.md`)."""
    src_uri: str
    """Path relative to the content folder, with forward slashes (MkDocs' `File.src_uri`)."""
    display_path: str
    """Path shown in messages, relative to the project folder."""
    is_bundle: bool
    date_part: str
    """The `YYYY-MM-DD` the file or bundle name starts with."""
    name_part: str
    """The rest of the name after the date, e.g. `敬老活动`."""

    @property
    def folder(self) -> Path:
        """The folder relative paths in this article are resolved against."""
        return self.path.parent


@dataclass(frozen=True)
class PhotoRef:
    """A photo an article uses, as written in its front matter or body."""

    src: str
    caption: str = ""
    alt: str = ""
    line: int = 0
    """Line in the Markdown file where the reference is written."""


@dataclass(frozen=True)
class Article:
    """One article with validated front matter; `url` is set by the URL stage."""

    source: SourceFile
    title: str
    date: datetime
    """Aware datetime in the site's time zone."""
    body: str
    """Markdown after the front matter, control characters removed."""
    body_line: int
    """Line of the file where `body` starts (for messages about inline images)."""
    summary: str = ""
    cover: PhotoRef | None = None
    photos: tuple[PhotoRef, ...] = ()
    category: str = ""
    tags: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    author: str = ""
    reviewed_by: str = ""
    location: str = ""
    participants: int | None = None
    featured: bool = False
    draft: bool = False
    chronicle: bool | None = None
    """In the year's 大事记 (True/False), or None: as its section's default (`SiteSettings.is_chronicle`)."""
    slug: str = ""
    """ASCII URL name: the `slug` key; once URLs are assigned, else month, day and `name_slug`."""
    name_slug: str = ""
    """Pinyin of the file name, made when the file is parsed (and cached with the article)."""
    url: str = ""
    """Site-relative URL with a trailing slash, e.g. `news/2024/0501-jing-lao-huo-dong/`."""
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Line of each front-matter key, for messages."""
    extra: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    """Front-matter keys the contract does not define, kept for templates."""

    @property
    def section(self) -> str:
        return self.source.section

    @property
    def year(self) -> int:
        return self.date.year

    def line_of(self, key: str) -> int:
        """Line of a front-matter key, or of the front matter's start when the key is absent."""
        return self.lines.get(key, 1)

    def sort_key(self) -> tuple[float, str]:
        """Newest first, then by path, so equal dates still give a stable order."""
        return (-self.date.timestamp(), self.source.src_uri)
