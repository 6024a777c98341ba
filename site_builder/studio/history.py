"""Every earlier version of an article, kept before each save (issue #16: nothing is lost).

Versions live in `.site-builder/history/<src_uri>/` beside mkdocs.yml: outside `content/`, so the
scan never reads them as articles (a copy inside content/, even in a dot folder, would clash with
the article's URL), and outside the cache folder, which `make clean` deletes. Each version is the
file's bytes as they were (`<time>.md`) and who replaced them and why (`<time>.json`). A photo
removed from an article is moved here too.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from site_builder.atomic import write_file_atomically
from site_builder.filenames import safe_file_name

HISTORY_FOLDER = Path(".site-builder") / "history"


@dataclass(frozen=True)
class Version:
    id: str
    """`20261130T101500123456Z`: when it was replaced, sortable."""
    who: str
    action: str
    """What replaced it: 保存, 恢复, 审核通过, 退回修改…"""
    size: int

    @property
    def when(self) -> datetime:
        return datetime.strptime(self.id, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)


class History:
    """Versions of the articles of one project; `src_uri` must come from the article index."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, src_uri: str) -> Path:
        parts = [part for part in src_uri.split("/") if part not in ("", ".", "..")]
        return self.root.joinpath(*parts)

    def keep(self, src_uri: str, data: bytes, who: str, action: str) -> Version:
        """Store `data`, the bytes about to be replaced; returns the version."""
        folder = self.folder(src_uri)
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        while (folder / f"{stamp}.md").exists():  # two saves within a microsecond
            time.sleep(0.001)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        write_file_atomically(folder / f"{stamp}.md", data)
        meta = {"who": who, "action": action, "size": len(data)}
        write_file_atomically(folder / f"{stamp}.json", json.dumps(meta, ensure_ascii=False))
        return Version(stamp, who, action, len(data))

    def versions(self, src_uri: str) -> list[Version]:
        """Newest first."""
        folder = self.folder(src_uri)
        if not folder.is_dir():
            return []
        found = []
        for entry in os.scandir(folder):
            if not entry.name.endswith(".md") or not entry.is_file(follow_symlinks=False):
                continue
            stamp = entry.name.removesuffix(".md")
            try:
                meta = json.loads((folder / f"{stamp}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                meta = {}
            found.append(Version(stamp, str(meta.get("who", "")), str(meta.get("action", "")), entry.stat().st_size))
        return sorted(found, key=lambda v: v.id, reverse=True)

    def read(self, src_uri: str, version_id: str) -> bytes | None:
        """The bytes of one version, or None for an id that is not one of `versions`."""
        known = {v.id for v in self.versions(src_uri)}
        if version_id not in known:
            return None
        return (self.folder(src_uri) / f"{version_id}.md").read_bytes()

    def keep_file(self, src_uri: str, path: Path, who: str) -> Path:
        """Move a file of the article (a removed photo) into its history folder; returns where."""
        folder = self.folder(src_uri) / "files"
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = folder / f"{stamp}-{safe_file_name(path.name)}"
        shutil.move(os.fspath(path), os.fspath(target))
        write_file_atomically(target.with_name(target.name + ".json"), json.dumps({"who": who}, ensure_ascii=False))
        return target
