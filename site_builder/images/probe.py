"""Read what a photo is from its header alone: format, size, orientation, content hash.

Nothing is decoded here. The pixel limit is checked from the header, so a decompression bomb is
refused before a byte of pixels is allocated. Results are cached by (path, size, mtime) so a
warm rebuild neither re-reads nor re-hashes unchanged photos.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from site_builder.atomic import write_file_atomically
from site_builder.images.formats import register_heif

ORIENTATION_TAG = 0x0112
SUPPORTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "HEIF", "MPO", "TIFF", "BMP", "ICO"}


@dataclass(frozen=True)
class Probe:
    format: str
    width: int
    """Stored width (before EXIF orientation)."""
    height: int
    orientation: int
    mode: str
    has_alpha: bool
    is_animated: bool
    content_hash: str

    @property
    def display_size(self) -> tuple[int, int]:
        """Size as shown, after the EXIF orientation is applied (5–8 swap the sides)."""
        return (self.height, self.width) if self.orientation in (5, 6, 7, 8) else (self.width, self.height)


class ProbeError(Exception):
    """The file cannot be published as a photo; the message is for the author."""


class ProbeCache:
    """Probe results by (path, size, mtime_ns), stored as JSON in the cache folder."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = {}
        self._dirty = False
        if path and path.is_file():
            try:
                self._entries = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._entries = {}

    def probe(self, file: Path, max_pixels: int) -> Probe:
        """Probe `file`, from the cache when its size and mtime are unchanged."""
        stat = file.stat()
        key = f"{file}|{stat.st_size}|{stat.st_mtime_ns}"
        with self._lock:
            cached = self._entries.get(key)
        if cached is not None:
            probe = Probe(**cached)
        else:
            probe = probe_image(file)
            with self._lock:
                self._entries[key] = asdict(probe)
                self._dirty = True
        check_pixels(probe, max_pixels)
        return probe

    def save(self) -> None:
        """Write the cache back atomically when it changed; entries for vanished files are dropped."""
        if not self.path or not self._dirty:
            return
        live = {k: v for k, v in self._entries.items() if os.path.exists(k.split("|", 1)[0])}
        write_file_atomically(self.path, json.dumps(live, ensure_ascii=False))
        self._dirty = False


def probe_image(file: Path) -> Probe:
    """Header facts and content hash of `file`; raises ProbeError for anything not a usable photo."""
    register_heif()
    data_hash = _hash_file(file)
    # Opening reads the header only; Pillow's own bomb limit would refuse before we can say how
    # big the photo is, and check_pixels applies the site's limit right after.
    Image.MAX_IMAGE_PIXELS = None
    try:
        with Image.open(file) as image:
            if image.format not in SUPPORTED_FORMATS:
                raise ProbeError(f"不支持的图片格式 {image.format}，请另存为 JPEG 或 PNG")
            orientation = _orientation(image)
            return Probe(
                format=image.format,
                width=image.width,
                height=image.height,
                orientation=orientation,
                mode=image.mode,
                has_alpha=image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info,
                is_animated=bool(getattr(image, "is_animated", False)),
                content_hash=data_hash,
            )
    except UnidentifiedImageError:
        raise ProbeError("这不是一张可以识别的图片（文件可能已损坏，或扩展名与内容不符）") from None
    except Image.DecompressionBombError:
        raise ProbeError("图片像素数太大，无法安全处理") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ProbeError(f"图片无法读取（{error}）") from None


def check_pixels(probe: Probe, max_pixels: int) -> None:
    """Refuse photos above the configured pixel count, from header sizes only."""
    pixels = probe.width * probe.height
    if pixels > max_pixels:
        raise ProbeError(
            f"图片有 {pixels / 1e6:.0f} 百万像素，超过上限 {max_pixels / 1e6:.0f} 百万像素，可能是异常文件",
        )


def _orientation(image: Image.Image) -> int:
    try:
        value = int(image.getexif().get(ORIENTATION_TAG, 1))
    except (OSError, ValueError, TypeError, KeyError, SyntaxError, struct.error):
        return 1  # a broken EXIF block is common on phones; treat the photo as upright
    return value if 1 <= value <= 8 else 1


def _hash_file(file: Path) -> str:
    digest = hashlib.sha256()
    with open(file, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
