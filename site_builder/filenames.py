"""Safe names for files people bring in (uploads in the 写作台, issue #16).

A name from a browser or a phone can carry a path, control characters, a leading dot (a hidden
file), or a name Windows refuses (`CON`, `LPT1.txt`); Word and WeChat send decomposed Unicode on
macOS. The result is one plain NFC file name that is valid on Windows, macOS and Linux.
"""

from __future__ import annotations

import re
import unicodedata

WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))}
)
UNSAFE_CHARACTERS = re.compile(r'[<>:"/\\|?*]')
LONGEST_NAME = 120
"""Characters; a Chinese name in UTF-8 takes 3 bytes each, well under the 255-byte limit."""


def safe_file_name(name: str, fallback: str = "文件") -> str:
    """`name` as a plain file name: the last path component only (`/` and `\\` both separate), NFC,
    no control or format characters, no characters Windows forbids, no leading dot or trailing dot
    or space, not a reserved Windows device name, at most LONGEST_NAME characters (the suffix kept)."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"))
    name = UNSAFE_CHARACTERS.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    name = name.lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if not stem:
        stem = fallback
    if stem.split(".")[0].strip().lower() in WINDOWS_RESERVED:
        stem = f"_{stem}"
    suffix = suffix[:10]
    stem = stem[: LONGEST_NAME - len(suffix) - 1]
    return f"{stem}.{suffix}" if suffix else stem
