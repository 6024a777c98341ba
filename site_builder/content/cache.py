"""Parsed articles kept between builds, by the bytes of their source (issue #10).

Parsing front matter and validating every article is most of the core's time (2.5 s of 3.5 s at
2,000 articles, measured in SPEED.md). An article whose file has the same bytes, read with the
same settings by the same version of site_builder, parses to the same `Article` and the same
warnings, so both are kept and replayed. Articles with errors are never kept: they are parsed
again until fixed. The cache lives in the cache folder (never in content/, never published) and
is dropped whole on any doubt (another version, unreadable file).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from types import MappingProxyType

from site_builder import __version__
from site_builder.atomic import write_file_atomically
from site_builder.content.model import Article, SourceFile
from site_builder.diagnostics import Diagnostic
from site_builder.urls import keep_slug, remember_slugs, slugs_in_use

log = logging.getLogger("mkdocs.plugins.site_builder")

FORMAT = 3
"""Bump when `Article` or the parsing rules change in a way the version number does not capture."""


@dataclass(frozen=True)
class CachedArticle:
    digest: str
    """SHA-1 of the source's bytes."""
    article: Article
    warnings: tuple[Diagnostic, ...]


class ArticleCache:
    """Articles by source name; `path` None keeps nothing (tests, `check` without a cache)."""

    def __init__(self, path: Path | None, salt: str) -> None:
        self.path = path
        self.salt = f"{FORMAT}|{__version__}|{_version_of('pypinyin')}|{salt}"
        self._entries: dict[str, CachedArticle] = {}
        self._used: set[str] = set()
        self._dirty = False
        self._saved_slugs: dict[str, str] = {}
        if path is not None:
            self._entries = self._read(path)

    def _read(self, path: Path) -> dict[str, CachedArticle]:
        try:
            with path.open("rb") as stream:
                salt, entries, slugs = pickle.load(stream)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError):
            return {}
        if salt != self.salt or not isinstance(entries, dict) or not isinstance(slugs, dict):
            return {}
        remember_slugs(slugs)  # the same salt: the same pypinyin made them
        self._saved_slugs = slugs
        return entries

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha1(data).hexdigest()

    def get(self, source: SourceFile, digest: str) -> CachedArticle | None:
        """The article parsed from these exact bytes last time, with this build's `source`."""
        entry = self._entries.get(source.src_uri)
        if entry is None or entry.digest != digest:
            return None
        self._used.add(source.src_uri)
        article = entry.article
        if article.name_slug:
            keep_slug(source.name_part, article.name_slug)
        return replace(
            entry,
            article=replace(
                article,
                source=source,
                lines=MappingProxyType(dict(article.lines)),
                extra=MappingProxyType(dict(article.extra)),
            ),
        )

    def put(self, source: SourceFile, digest: str, article: Article, warnings: list[Diagnostic]) -> None:
        # Read-only mappings cannot be pickled: kept as plain dicts, made read-only again in `get`.
        storable = replace(article, lines=dict(article.lines), extra=dict(article.extra))
        self._entries[source.src_uri] = CachedArticle(digest, storable, tuple(warnings))
        self._used.add(source.src_uri)
        self._dirty = True

    def save(self) -> None:
        """Write the cache back, without the articles that no longer exist."""
        if self.path is None:
            return
        if set(self._entries) != self._used:
            self._entries = {key: value for key, value in self._entries.items() if key in self._used}
            self._dirty = True
        slugs = slugs_in_use()
        if self._dirty or slugs != self._saved_slugs:
            state = (self.salt, self._entries, slugs)
            write_file_atomically(self.path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
            self._dirty = False
            self._saved_slugs = slugs


def _version_of(package: str) -> str:
    """The installed version: the slugs kept with the articles are pypinyin's."""
    try:
        return version(package)
    except PackageNotFoundError:
        return ""
