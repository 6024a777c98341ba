"""Traditional → Simplified Chinese with OpenCC, behind two functions (STYLE habit 15).

Reports from Hong Kong, Macao, Taiwan or a retired teacher's old input method arrive in
Traditional characters; the site is in Simplified. Detection only warns: converting is the
user's choice (`--simplify`), since names and quotations may be meant as written.
"""

from __future__ import annotations

import difflib
import re
from functools import cache

import opencc

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
TRADITIONAL_SHARE = 0.1
"""Share of Han characters that `t2s` changes above which a text counts as Traditional.
Measured (IMPORT.md §2.7): a Simplified report changes 0 characters, a Traditional one about
half of them; a few Traditional-only names in a Simplified report stay well below 10 %."""
TRADITIONAL_MINIMUM = 3
"""…and at least this many changed characters, so a two-character quotation does not count."""


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """`text` with Traditional characters and phrases converted to Simplified (OpenCC `t2s`);
    characters that are already Simplified, punctuation and ASCII are left as they are."""
    return str(_converter().convert(text)) if HAN.search(text) else text


def changed_han_characters(text: str) -> tuple[int, int]:
    """(Han characters that `to_simplified` changes, Han characters in all) of `text`."""
    converted = to_simplified(text)
    total = len(HAN.findall(text))
    if len(converted) == len(text):
        changed = sum(1 for a, b in zip(text, converted, strict=True) if a != b and HAN.match(a))
    else:  # a phrase rule changed the length: count what the diff replaced
        matcher = difflib.SequenceMatcher(None, text, converted, autojunk=False)
        changed = sum(len(HAN.findall(text[i1:i2])) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal")
    return changed, total


def is_traditional(text: str) -> bool:
    """True when `text` is written in Traditional Chinese (see TRADITIONAL_SHARE)."""
    changed, total = changed_han_characters(text)
    return total > 0 and changed >= TRADITIONAL_MINIMUM and changed / total > TRADITIONAL_SHARE
