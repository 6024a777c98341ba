"""Punctuation and digits in Chinese text, after GB/T 15834—2011《标点符号用法》 and
GB/T 15835—2011《出版物上数字用法》.

Only what is unambiguous is reported: a half-width `, ; : ? ! ( )` where Chinese surrounds it
(`3.5`, `10:30`, URLs and English sentences are left alone), unpaired “ ” 《 》 （ ） within a
paragraph, a doubled 。 or ，, spaces between two Chinese characters, and full-width digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from site_builder.proofread import Finding
from site_builder.proofread.prose import Prose

HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN = re.compile(f"[{HAN}]")
OPENING = "“‘（《〈【〔「『"
CLOSING = "”’）》〉】〕」』"
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
EMPHASIS = "*_~"
"""Markdown emphasis around a word (`**思想引领**:`) does not separate it from its punctuation."""
PAIRS = {"“": ("”", "左引号", "右引号"), "《": ("》", "左书名号", "右书名号"), "（": ("）", "左括号", "右括号")}
_CLOSERS = {closing: opening for opening, (closing, _, _) in PAIRS.items()}
_DOUBLED = re.compile(r"([。，、；：])\1+")
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{HAN}])[ \t\u3000]+(?=[{HAN}])")
_HEADING = re.compile(r"^ {0,3}#")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*>]|\d+[.)])\s+")
_FULL_WIDTH_DIGITS = re.compile("[0-9０-９]*[０-９][0-9０-９]*")
_TO_HALF_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_HALF_WIDTH = re.compile("[,;:?!]")
_PARENTHESIS = re.compile(r"[()\n]")
_PAIRED = re.compile("[“”《》（）]")
_PARAGRAPH = re.compile(r"(?:^(?![ \t\u3000]*$).*(?:\n|$))+", re.MULTILINE)
"""Lines up to a blank one."""
_QUOTED_PARAGRAPH = re.compile(r"[\s>]*“")


def is_han(char: str | None) -> bool:
    """A Chinese character (CJK ideograph, 〇 included)."""
    return char is not None and _HAN.fullmatch(char) is not None


def find_punctuation_problems(text: Prose) -> list[Finding]:
    """Every punctuation and digit problem of a text (see `prose_of`).

    Each rule scans the whole text with one regular expression (a site has thousands of
    articles); only what it matches is looked at in Python.
    """
    findings = [
        *_half_width(text),
        *_half_width_parentheses(text),
        *_doubled(text),
        *_spaces_between_han(text),
        *_full_width_digits(text),
        *_unpaired(text),
    ]
    return sorted(findings)


def _half_width(text: Prose) -> Iterator[Finding]:
    for match in _HALF_WIDTH.finditer(text.text):
        offset, char = match.start(), match.group()
        before = text.neighbour(offset, -1, EMPHASIS)
        if not (is_han(before) or (before is not None and before in CLOSING)):
            continue
        after = text.neighbour(offset, 1, EMPHASIS + " \t")
        # A colon or comma before a number still belongs to the Chinese sentence (时间:10:30);
        # after a digit (3,5 or 10:30) it is part of the number and never reaches this point.
        is_chinese_after = (
            after is None or is_han(after) or after in OPENING or (after.isdigit() and char in ",;:" and is_han(before))
        )
        if is_chinese_after:
            yield text.finding(offset, f"标点：中文里的半角“{char}”应改为全角“{HALF_TO_FULL[char]}”")


def _half_width_parentheses(text: Prose) -> Iterator[Finding]:
    """`(…)` around Chinese, or between two Chinese characters, should be `（…）` (pairs within a line)."""
    if "(" not in text.text:
        return
    openings: list[int] = []
    for match in _PARENTHESIS.finditer(text.text):
        offset, char = match.start(), match.group()
        if char == "\n":
            openings.clear()
        elif char == "(":
            openings.append(offset)
        elif openings:
            start = openings.pop()
            before = text.neighbour(start, -1, EMPHASIS + " ")
            after = text.neighbour(offset, 1, EMPHASIS + " ")
            if _HAN.search(text.text, start + 1, offset) or (is_han(before) and is_han(after)):
                yield text.finding(start, "标点：中文里的半角括号“( )”应改为全角“（ ）”")


def _doubled(text: Prose) -> Iterator[Finding]:
    for match in _DOUBLED.finditer(text.text):
        yield text.finding(match.start(), f"标点：“{match.group()}”重复了，只留一个“{match.group(1)}”")


def _spaces_between_han(text: Prose) -> Iterator[Finding]:
    for match in _SPACE_BETWEEN_HAN.finditer(text.text):
        line = text.line_at(match.start())
        if _HEADING.match(line) or _is_list_of_names(line):
            continue
        before, after = text.text[match.start() - 1], text.text[match.end()]
        yield text.finding(match.start(), f"标点：“{before}”和“{after}”两个汉字之间多了空格，请删除")


def _is_list_of_names(line: str) -> bool:
    """A line of short words separated by spaces is a list (获奖名单: 王秀兰 李建国 张桂芳) or a
    letter-spaced title (通 知), where the spaces are meant."""
    words = _LIST_MARKER.sub("", line).split()
    if len(words) >= 2 and all(len(word) == 1 and is_han(word) for word in words):
        return True
    return len(words) >= 3 and all(1 <= len(word) <= 4 and all(is_han(c) for c in word) for word in words)


def _full_width_digits(text: Prose) -> Iterator[Finding]:
    for match in _FULL_WIDTH_DIGITS.finditer(text.text):
        half = match.group().translate(_TO_HALF_WIDTH)
        yield text.finding(match.start(), f"数字：“{match.group()}”用了全角数字，应改为半角“{half}”")


def _unpaired(text: Prose) -> Iterator[Finding]:
    """“ ” 《 》 （ ） that have no partner within their paragraph (lines up to a blank one).

    A quotation of several paragraphs opens each with “ and closes only the last (GB/T 15834):
    a paragraph that leaves one “ open is not reported when the next paragraph starts with “.
    """
    paragraphs = [(match.start(), match.group()) for match in _PARAGRAPH.finditer(text.text)]
    for index, (start, paragraph) in enumerate(paragraphs):
        open_marks: dict[str, list[int]] = {opening: [] for opening in PAIRS}
        for match in _PAIRED.finditer(paragraph):
            char, offset = match.group(), start + match.start()
            if char in PAIRS:
                open_marks[char].append(offset)
                continue
            opening = _CLOSERS[char]
            if open_marks[opening]:
                open_marks[opening].pop()
            else:
                _, opening_name, closing_name = PAIRS[opening]
                yield text.finding(offset, f"标点：{closing_name} {char} 前面没有对应的{opening_name} {opening}")
        next_quoted = index + 1 < len(paragraphs) and _QUOTED_PARAGRAPH.match(paragraphs[index + 1][1])
        if next_quoted and len(open_marks["“"]) == 1:
            open_marks["“"].clear()
        for opening, offsets in open_marks.items():
            closing, opening_name, closing_name = PAIRS[opening]
            for offset in offsets:
                yield text.finding(offset, f"标点：{opening_name} {opening} 没有对应的{closing_name} {closing}")
