"""Is a file a raster image? Decided by its first bytes, never by its name (issue #8).

Phones, WeChat and Word save JPEGs as `.jfif`, `.JPEG`, `.pjpeg`, without an extension, or under
another format's extension; each can carry GPS. Every format here can carry EXIF, XMP or a comment
(BMP and ICO are listed because they are photos all the same), so a file that matches is never
copied as it is: it is processed or left out.
"""

from __future__ import annotations

from pathlib import Path

HEAD_BYTES = 64
"""Enough for every signature below."""

ISO_BMFF_IMAGE_BRANDS = {
    b"heic",
    b"heix",
    b"heim",
    b"heis",
    b"hevc",
    b"hevx",
    b"hevm",
    b"hevs",
    b"mif1",
    b"msf1",
    b"mif2",
    b"avif",
    b"avis",
    b"crx ",
}
"""HEIF/AVIF stills and Canon CR3 raws; videos (`isom`, `mp42`, `qt  `) share the container."""
BMP_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124}

_PREFIXES = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),  # also DNG, NEF, CR2, ARW and other TIFF-based raws
    (b"MM\x00*", "TIFF"),
    (b"II+\x00", "TIFF"),  # BigTIFF
    (b"MM\x00+", "TIFF"),
    (b"IIRO", "TIFF"),  # Olympus ORF
    (b"IIU\x00", "TIFF"),  # Panasonic RW2
    (b"FUJIFILMCCD-RAW", "RAF"),
    (b"\xff\x0a", "JXL"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "JXL"),
    (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "JPEG2000"),
    (b"\xff\x4f\xff\x51", "JPEG2000"),
    (b"8BPS", "PSD"),
    (b"qoif", "QOI"),
)


def raster_format(head: bytes) -> str | None:
    """The raster format whose signature `head` (a file's first bytes) starts with, or None."""
    for prefix, name in _PREFIXES:
        if head.startswith(prefix):
            return name
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in ISO_BMFF_IMAGE_BRANDS:
        return "HEIF"
    if head[:2] == b"BM" and len(head) >= 18 and int.from_bytes(head[14:18], "little") in BMP_HEADER_SIZES:
        return "BMP"
    if head[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and len(head) >= 6 and head[4:6] != b"\x00\x00":
        return "ICO"
    return None


def sniff_raster(path: Path) -> str | None:
    """The raster format of the file at `path` from its first bytes; None for anything else."""
    try:
        with open(path, "rb") as handle:
            return raster_format(handle.read(HEAD_BYTES))
    except OSError:
        return None
