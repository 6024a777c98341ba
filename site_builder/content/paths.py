"""The one path resolver for every path written in front matter or Markdown.

A path is resolved against the article's folder, symlinks followed, and refused unless the real
file lies inside that folder: no file from outside content/ ever reaches the output, whatever a
path says (CONTRACT; Pelican's `sanitised_join`, applied to inputs).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import unquote

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def is_external(ref: str) -> bool:
    """True for `https://…`, `data:…`, `//host/…`: references that are not local files."""
    return bool(_SCHEME.match(ref)) or ref.startswith("//")


def resolve_local(ref: str, folder: Path) -> tuple[Path | None, str]:
    """The real path of `ref` inside `folder`, or (None, reason in Chinese)."""
    cleaned = unquote(ref.split("#", 1)[0].split("?", 1)[0]).strip()
    if not cleaned:
        return None, "路径为空"
    if cleaned.startswith("/") or re.match(r"^[a-zA-Z]:[\\/]", cleaned) or "\\" in cleaned:
        return None, "请写相对于文章的路径（照片放在文章旁边），不要写以 / 或盘符开头的路径"
    candidate = Path(os.path.realpath(folder / cleaned))
    if not candidate.is_relative_to(os.path.realpath(folder)):
        return None, "路径指向文章文件夹以外，出于安全不会读取；请把照片复制到文章旁边"
    if not candidate.is_file():
        return None, "找不到这个文件，请检查文件名（包括大小写和扩展名）"
    return candidate, ""
