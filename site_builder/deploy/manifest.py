"""What a built site consists of: every file with its hash, type, cache policy and upload order."""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from site_builder.media_types import is_text, media_type

BUILD_STAMP = ".site-builder-build.json"
"""Written into the output by a successful `site-builder build`; never deployed."""

# Content-hashed names: our photo variants (`<20 hex>-<width>.<ext>`) and Material's bundles
# (`main.57a0d79d.min.css`). They never change, so browsers and CDNs may keep them for a year.
HASHED_NAME = re.compile(r"(^[0-9a-f]{20}-\d+\.\w+$)|(\.[0-9a-f]{8}\.min\.(css|js)(\.map)?$)")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
MEDIUM = "public, max-age=3600"


@dataclass(frozen=True)
class SiteFile:
    path: str
    """Relative path with forward slashes."""
    size: int
    md5: str
    """Hex MD5: what S3 reports as the ETag of a single-part upload."""
    sha256: str

    @property
    def content_type(self) -> str:
        kind = media_type(self.path)
        return f"{kind}; charset=utf-8" if is_text(kind) else kind

    @property
    def cache_control(self) -> str:
        name = self.path.rsplit("/", 1)[-1]
        if HASHED_NAME.search(name):
            return IMMUTABLE
        if self.is_page:
            return SHORT
        return MEDIUM

    @property
    def is_page(self) -> bool:
        """HTML, feeds, sitemap and search index: what points at other files, uploaded last."""
        return self.path.endswith((".html", ".xml", ".json", ".txt"))


def scan_site(site_dir: Path, known: Mapping[str, SiteFile] | None = None) -> dict[str, SiteFile]:
    """Every deployable file of `site_dir` (the build stamp excluded), by relative path, sorted.

    `known`: files whose hashes are already known (carried over unchanged by an incremental
    build, as hard links of the checked previous site): they are not read again.
    """
    found: list[tuple[str, int]] = []
    pending = [("", os.fspath(site_dir))]
    while pending:
        prefix, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file() and entry.name != BUILD_STAMP:
                    found.append((f"{prefix}{entry.name}", entry.stat().st_size))
    files = {}
    for rel, size in sorted(found, key=lambda item: item[0].split("/")):  # as Path objects sort
        if known is not None and rel in known and known[rel].size == size:
            files[rel] = known[rel]
            continue
        data = (site_dir / rel).read_bytes()
        files[rel] = SiteFile(rel, len(data), hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest())
    return files


def manifest_digest(files: dict[str, SiteFile]) -> str:
    """One hash for the whole site: the build stamp records it, deploy checks it."""
    joined = "\n".join(f"{f.path} {f.sha256}" for f in files.values())
    return hashlib.sha256(joined.encode()).hexdigest()


def write_build_stamp(
    site_dir: Path, site_url: str, known: Mapping[str, SiteFile] | None = None
) -> dict[str, SiteFile]:
    """Mark `site_dir` as the complete output of a successful build; returns its files."""
    files = scan_site(site_dir, known)
    stamp = {"site_url": site_url, "digest": manifest_digest(files)}
    (site_dir / BUILD_STAMP).write_text(json.dumps(stamp, ensure_ascii=False), encoding="utf-8")
    return files


def read_build_stamp(site_dir: Path) -> dict[str, str] | None:
    """The stamp of a successful build (site_url, digest), or None for a folder without one."""
    try:
        stamp = json.loads((site_dir / BUILD_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return {str(k): str(v) for k, v in stamp.items()} if isinstance(stamp, dict) else None


def upload_order(files: list[SiteFile]) -> list[SiteFile]:
    """Assets first, then HTML from the deepest (articles) up to listings and home, then feeds,
    sitemap and search index. Only a rank: order.plan_upload follows the actual links, in this
    order where they leave a choice."""

    def rank(file: SiteFile) -> tuple[int, int, str]:
        stage = 0 if not file.is_page else 1 if file.path.endswith(".html") else 2
        return stage, -file.path.count("/"), file.path

    return sorted(files, key=rank)
