"""Optional decoders registered with Pillow (HEIC/HEIF from iPhones)."""

from __future__ import annotations

from functools import cache


@cache
def register_heif() -> bool:
    """Let Pillow open HEIC/HEIF files through pillow-heif; False when it is not installed."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return False
    register_heif_opener()
    return True
