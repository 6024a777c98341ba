"""Image fixtures made in code: an upright test card stored with each EXIF orientation, and
the awkward inputs phones and Word documents produce."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)

# What a phone does to store an upright picture under each orientation tag: the inverse of
# the transpose that displays it upright.
STORE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def make_card(width: int = 1200, height: int = 800) -> Image.Image:
    """White, red block at the displayed top-left, blue block at the bottom-right."""
    card = Image.new("RGB", (width, height), WHITE)
    card.paste(RED, (0, 0, width // 4, height // 4))
    card.paste(BLUE, (width - width // 4, height - height // 4, width, height))
    return card


def phone_exif(orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "DemoPhone", "DP-12 Pro", orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 15.0, 36.0), "E", (120.0, 9.0, 12.0)
    return exif.tobytes()


def phone_jpeg(orientation: int = 1, size=(1200, 800)) -> bytes:
    card = make_card(*size)
    stored = card.transpose(STORE[orientation]) if orientation in STORE else card
    buffer = io.BytesIO()
    stored.save(buffer, "JPEG", quality=90, exif=phone_exif(orientation))
    return buffer.getvalue()


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims `width`×`height` pixels (a decompression bomb's header) and holds none."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
