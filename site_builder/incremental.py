"""Incremental builds: decide, before anything is rendered, which outputs changed (issue #10).

Every page of the registry gets a key: a digest of exactly what its template receives (its spec,
the articles it shows, their photos, the fingerprint of everything site-wide). A page whose key
is the one it had in the last build is not rendered again: its file is carried over from the
previous site. Keys replace a hand-written dependency graph: an edit of a body, a title, a tag or
a date, an article added, deleted or drafted, all fall out of the model's differences, and a
hidden input would show up as a failed identity test (an incremental build must write exactly
what a cold build writes).

The fingerprint covers what can change every page at once: site_builder's and the engine's
versions, the configuration file, the theme's files, the hand-written pages (their titles are in
every page's navigation). Any change to it makes the build cold.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from site_builder import __version__
from site_builder.atomic import write_file_atomically
from site_builder.attachment_links import labels_for_page
from site_builder.content.links import Attachment, page_links
from site_builder.content.model import Article
from site_builder.deploy.manifest import SiteFile
from site_builder.images.collect import PageImages
from site_builder.pages import PageRegistry, PageSpec

STATE_FORMAT = 1


def fingerprint(versions: Mapping[str, str], files: Iterable[Path], extra: Iterable[str] = ()) -> str:
    """One digest of everything site-wide: package versions, the bytes of `files`, `extra` values."""
    digest = hashlib.sha256(f"{STATE_FORMAT}|{__version__}".encode())
    for name in sorted(versions):
        digest.update(f"\0{name}={versions[name]}".encode())
    for path in sorted(set(files)):
        digest.update(f"\0{path}\0".encode())
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    for value in extra:
        digest.update(f"\0{value}".encode())
    return digest.hexdigest()


def files_under(folders: Iterable[Path]) -> list[Path]:
    """Every file below `folders` (theme folders), for the fingerprint."""
    found = []
    for folder in folders:
        for root, _, names in os.walk(folder):
            found += [Path(root) / name for name in names if not name.endswith(".pyc")]
    return found


_FIELDS: dict[type, tuple[tuple[str, bytes], ...]] = {}
"""Per dataclass: its fields' names, each with its name as `_walk` encodes it (done once)."""


class PageKeys:
    """Keys of the registry's pages. The model's records (articles, listing pages, terms) are
    shared by many pages and immutable during a build: each is digested once."""

    def __init__(
        self,
        build_fingerprint: str,
        images: Mapping[str, PageImages],
        registry: PageRegistry,
        source_digests: Mapping[str, str],
        attachments: tuple[Attachment, ...] = (),
    ) -> None:
        self.fingerprint = build_fingerprint
        self.attachments = attachments
        """The site's attachments: the type and size shown after a link to one are in its page."""
        self.images = images
        self.registry = registry
        self.source_digests = source_digests
        """An article is a function of its file's bytes (with the settings in the fingerprint) and
        its URL: hashing those is much cheaper than walking the parsed article."""
        self._records: dict[int, tuple[object, bytes]] = {}
        """id → (the record, kept alive so the id stays its own; its digest)."""

    def key(self, spec: PageSpec) -> str:
        """The digest of everything the page's output depends on."""
        digest = hashlib.sha256(self.fingerprint.encode())
        self._walk_fields(digest, spec)
        for src_uri in sorted({spec.src_uri, *spec.inputs.articles}):
            self._walk(digest, _photo_uses(self.images.get(src_uri)))
        if spec.source is not None and spec.article is None:
            digest.update(_file_digest(spec.source))
        if spec.article is not None:  # the URLs of the pages its body links to are in its HTML
            self._walk(digest, [_url_of(self.registry.get(target)) for target in page_links(spec.article)])
            if self.attachments:
                self._walk(digest, sorted(labels_for_page(spec.src_uri, self.attachments).items()))
        return digest.hexdigest()

    def _record(self, value: object) -> bytes:
        known = self._records.get(id(value))
        if known is None:
            digest = hashlib.sha256()
            source = self.source_digests.get(value.source.src_uri) if isinstance(value, Article) else None
            if isinstance(value, Article) and source is not None:
                digest.update(f"article\0{source}\0{value.source.src_uri}\0{value.url}".encode())
            else:
                self._walk_fields(digest, value)
            known = self._records[id(value)] = (value, digest.digest())
        return known[1]

    def _walk_fields(self, digest: Any, value: Any) -> None:
        kind = type(value)
        fields = _FIELDS.get(kind)
        if fields is None:
            fields = _FIELDS[kind] = tuple(
                (item.name, f"str:{item.name!r};".encode()) for item in dataclasses.fields(value)
            )
        # Scalars are gathered into one update (the same bytes as walking each): most fields of
        # the 15,000 pages of a site of 10,000 articles are strings, flags and numbers.
        scalars = [f"d:{kind.__name__}("]
        for name, encoded_name in fields:
            field_value = getattr(value, name)
            field_type = type(field_value)
            if field_type is str or field_type is bool or field_type is int or field_value is None:
                scalars.append(f"str:{name!r};{field_type.__name__}:{field_value!r};")
            elif not callable(field_value):  # a TermKind's `values` function is code, not data
                digest.update("".join(scalars).encode())
                scalars = []
                digest.update(encoded_name)
                self._walk(digest, field_value)
        scalars.append(")")
        digest.update("".join(scalars).encode())

    def _walk(self, digest: Any, value: object) -> None:
        """Feed `value` into `digest` in a form that is the same for equal values, run after run."""
        if type(value) is str:
            digest.update(f"str:{value!r};".encode())
        elif value is None or isinstance(value, (bool, int, float, str)):
            digest.update(f"{type(value).__name__}:{value!r};".encode())
        elif isinstance(value, (datetime, date)):
            digest.update(f"t:{value.isoformat()};".encode())
        elif isinstance(value, PurePath):
            digest.update(f"p:{value.as_posix()};".encode())
        elif isinstance(value, Mapping):
            digest.update(b"{")
            for key in sorted(value, key=str):
                self._walk(digest, str(key))
                self._walk(digest, value[key])
            digest.update(b"}")
        elif isinstance(value, (list, tuple, frozenset, set)):
            items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
            if _all_of_type(items, str):
                # The same bytes as walking each item, in one call: lists of names and of articles
                # are most of what keys walk (the home page's term overviews hold every article).
                digest.update(b"[" + "".join([f"str:{item!r};" for item in items]).encode() + b"]")
                return
            if _all_of_type(items, Article):
                record = self._record
                digest.update(b"[" + b"".join([b"R" + record(item) for item in items]) + b"]")
                return
            digest.update(b"[")
            for item in items:
                self._walk(digest, item)
            digest.update(b"]")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            digest.update(b"R" + self._record(value))
        else:
            raise TypeError(f"cannot key a {type(value).__name__}: add it to PageKeys._walk")


def _all_of_type(items: Iterable[object], kind: type) -> bool:
    """True for a non-empty sequence whose items are all exactly of `kind`."""
    first = True
    for item in items:
        if type(item) is not kind:
            return False
        first = False
    return not first


def _url_of(spec: PageSpec | None) -> str | None:
    return spec.url if spec is not None else None


def _photo_uses(images: PageImages | None) -> list[tuple[str, str, str, str, int]]:
    """What a page shows of its photos: each use's reference and the plan (content and settings)."""
    if images is None:
        return []
    return [(use.ref.src, use.ref.caption, use.ref.alt, use.plan.key, use.ref.line) for use in images.uses()]


def _file_digest(path: Path) -> bytes:
    try:
        return hashlib.sha256(path.read_bytes()).digest()
    except OSError:
        return b"<missing>"


@dataclasses.dataclass
class BuildState:
    """What the last successful build wrote, kept in the cache folder (never published)."""

    fingerprint: str = ""
    site_dir: str = ""
    """The folder the build was swapped into: files are carried over only from there."""
    digest: str = ""
    """The build stamp's digest of that site: carried files come only from the very site recorded here."""
    pages: dict[str, str] = dataclasses.field(default_factory=dict)
    """Output path of each page → its key."""
    files: dict[str, SiteFile] = dataclasses.field(default_factory=dict)
    """Every file of the site, with its size and hashes."""
    mtimes: dict[str, int] = dataclasses.field(default_factory=dict)
    """Modification time (ns) of every file as built: a file changed by hand since is not carried."""
    search_key: str = ""
    """Digest of everything the search index was made from (every article page's key)."""

    @classmethod
    def load(cls, path: Path) -> BuildState | None:
        """The saved state, or None when there is none or it cannot be trusted."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != STATE_FORMAT:
                return None
            files = {
                name: SiteFile(name, int(size), str(md5), str(sha)) for name, (size, md5, sha) in data["files"].items()
            }
            mtimes = {str(name): int(value) for name, value in data["mtimes"].items()}
            return cls(
                str(data["fingerprint"]),
                str(data["site_dir"]),
                str(data["digest"]),
                dict(data["pages"]),
                files,
                mtimes,
                str(data["search_key"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def save(self, path: Path) -> None:
        files = {name: [f.size, f.md5, f.sha256] for name, f in self.files.items()}
        data = {
            "format": STATE_FORMAT,
            "fingerprint": self.fingerprint,
            "site_dir": self.site_dir,
            "digest": self.digest,
            "pages": self.pages,
            "files": files,
            "mtimes": self.mtimes,
            "search_key": self.search_key,
        }
        write_file_atomically(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


class RenderCache:
    """Each article's rendered content, by its page key: feeds and search need the HTML of articles
    that this build does not render again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._stored: set[str] | None = None
        """Keys with a file, listed once per build (`has` for 10,000 articles: 256 folder
        listings instead of 10,000 file reads)."""

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.html"

    def _keys(self) -> set[str]:
        if self._stored is None:
            self._stored = set()
            if self.folder.is_dir():
                for shard in os.scandir(self.folder):
                    if shard.is_dir(follow_symlinks=False):
                        self._stored.update(name[:-5] for name in os.listdir(shard.path) if name.endswith(".html"))
        return self._stored

    def has(self, key: str) -> bool:
        return key in self._keys()

    def get(self, key: str) -> str | None:
        try:
            return self._path(key).read_text(encoding="utf-8")
        except OSError:
            return None

    def put(self, key: str, html: str) -> None:
        if not self.has(key):
            write_file_atomically(self._path(key), html)
            self._keys().add(key)

    def keep_only(self, keys: set[str]) -> None:
        """Remove the entries of keys no page has any more (earlier versions of edited
        articles), so the cache stays the size of the site; the next build lists it afresh."""
        for key in self._keys() - keys:
            self._path(key).unlink(missing_ok=True)
        self._stored = None
