"""Photos and attachments brought into an article's folder (issue #16).

Every check runs before a byte is written under content/: the size (per file, and per request by
the route), the type decided by the file's first bytes (never by its name), the photo's header read
by the core's probe (a decompression bomb or a broken file is refused), and a safe name
(`filenames.safe_file_name`). Files are then created exclusively (`open(…, "xb")`): an existing
file is never replaced, the new one gets `-2`, `-3`…, and the answer says so. If anything fails
half way, the files this request created are removed again: a refused upload leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from site_builder.content.links import ATTACHMENT_SUFFIXES
from site_builder.filenames import safe_file_name
from site_builder.images.probe import ProbeError, check_pixels, probe_image
from site_builder.images.sniff import HEAD_BYTES, raster_format
from site_builder.studio.articles import StudioError

MB = 1024 * 1024
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "HEIF": ".heic", "WEBP": ".webp", "GIF": ".gif"}
"""What a phone or a camera gives, and the suffix a photo gets when its name has none that fits."""
PHOTO_SUFFIXES = {
    "JPEG": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "PNG": {".png"},
    "HEIF": {".heic", ".heif", ".avif"},
    "WEBP": {".webp"},
    "GIF": {".gif"},
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
ATTACHMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".doc": (OLE2,),
    ".xls": (OLE2,),
    ".ppt": (OLE2,),
    ".wps": (OLE2,),
    ".et": (OLE2,),
    ".dps": (OLE2,),
    ".docx": (ZIP,),
    ".xlsx": (ZIP,),
    ".pptx": (ZIP,),
    ".ofd": (ZIP,),
    ".zip": (ZIP, b"PK\x05\x06"),
    ".rar": (b"Rar!\x1a\x07",),
    ".7z": (b"7z\xbc\xaf\x27\x1c",),
}


@dataclass(frozen=True)
class Limits:
    """Upload limits; the defaults fit a 12 MP phone photo (3–8 MB, HEIC or JPEG) and a 50 MB PDF."""

    photo_bytes: int = 30 * MB
    attachment_bytes: int = 50 * MB
    files_per_request: int = 20
    word_bytes: int = 50 * MB

    @property
    def request_bytes(self) -> int:
        """The most one upload request may carry (its route's body limit)."""
        return self.files_per_request * max(self.photo_bytes, self.attachment_bytes) + MB


@dataclass(frozen=True)
class Incoming:
    """One file of a request, before it is written: its name as sent and its bytes (spooled)."""

    filename: str
    file: BinaryIO
    size: int


@dataclass(frozen=True)
class Stored:
    name: str
    kind: str
    """`photo` or `file`."""
    renamed_from: str = ""
    """The safe name that was taken, when the file got `-2`…"""


def classify(head: bytes, name: str) -> tuple[str, str]:
    """(`photo`, format) or (`file`, suffix) from the first bytes; StudioError for anything else."""
    photo = raster_format(head)
    if photo in PHOTO_FORMATS:
        return "photo", photo
    if photo is not None:
        raise StudioError(f"“{name}”是 {photo} 格式的图片，网页不能直接使用；请另存为 JPEG 或 PNG 后再上传", 415)
    suffix = Path(name).suffix.lower()
    if suffix not in ATTACHMENT_SUFFIXES:
        allowed = "、".join(sorted(s.lstrip(".") for s in ATTACHMENT_SUFFIXES))
        raise StudioError(f"“{name}”不是可以上传的文件类型（照片：JPEG、HEIC、PNG；附件：{allowed}）", 415)
    if suffix == ".txt":
        if b"\x00" in head:
            raise StudioError(f"“{name}”不是文本文件", 415)
        return "file", suffix
    if not any(head.startswith(signature) for signature in ATTACHMENT_SIGNATURES[suffix]):
        raise StudioError(f"“{name}”的内容与扩展名 {suffix} 不符（文件可能已损坏或被改过扩展名）", 415)
    return "file", suffix


def store_uploads(
    folder: Path,
    incoming: Iterable[Incoming],
    limits: Limits,
    max_pixels: int,
    scratch: Path,
    photos_only: bool = False,
) -> list[Stored]:
    """Check every file, then write them all into `folder`; StudioError (nothing written) otherwise."""
    files = list(incoming)
    if not files:
        raise StudioError("没有收到文件")
    if len(files) > limits.files_per_request:
        raise StudioError(f"一次最多上传 {limits.files_per_request} 个文件，请分几次上传", 413)
    planned: list[tuple[Incoming, str, str]] = []
    for item in files:
        shown = safe_file_name(item.filename or "文件")
        item.file.seek(0)
        head = item.file.read(HEAD_BYTES)
        kind, detail = classify(head, shown)
        if photos_only and kind != "photo":
            raise StudioError(f"“{shown}”不是照片：手机上只能上传照片（JPEG、HEIC、PNG）", 415)
        limit = limits.photo_bytes if kind == "photo" else limits.attachment_bytes
        if item.size > limit:
            raise StudioError(f"“{shown}”有 {item.size / MB:.1f} MB，超过了 {limit // MB} MB 的上限", 413)
        if kind == "photo":
            _probe(item, shown, max_pixels, scratch)
            shown = _photo_name(shown, detail)
        planned.append((item, shown, kind))
    stored: list[Stored] = []
    created: list[Path] = []
    try:
        for item, name, kind in planned:
            path, final = _create_exclusively(folder, name)
            created.append(path)
            with open(path, "wb") as out:
                item.file.seek(0)
                shutil.copyfileobj(item.file, out, 1 << 20)
            stored.append(Stored(final, kind, name if final != name else ""))
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    return stored


def _probe(item: Incoming, name: str, max_pixels: int, scratch: Path) -> None:
    """The core's header probe on a copy outside content/ (it reads a path)."""
    scratch.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=scratch, suffix=".upload")
    try:
        with os.fdopen(handle, "wb") as out:
            item.file.seek(0)
            shutil.copyfileobj(item.file, out, 1 << 20)
        check_pixels(probe_image(Path(temporary)), max_pixels)
    except ProbeError as error:
        raise StudioError(f"“{name}”：{error}", 415) from None
    finally:
        os.unlink(temporary)


def _photo_name(name: str, photo_format: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in PHOTO_SUFFIXES[photo_format]:
        return name
    return f"{Path(name).stem if suffix in {s for v in PHOTO_SUFFIXES.values() for s in v} else name}{PHOTO_FORMATS[photo_format]}"


def _create_exclusively(folder: Path, name: str) -> tuple[Path, str]:
    """Create `name` in `folder`, or `stem-2.ext`, `stem-3.ext`… when taken; never replaces a file."""
    stem, suffix = Path(name).stem, Path(name).suffix
    number = 1
    while True:
        candidate = name if number == 1 else f"{stem}-{number}{suffix}"
        path = folder / candidate
        try:
            with open(path, "xb"):
                pass
            return path, candidate
        except FileExistsError:
            number += 1
