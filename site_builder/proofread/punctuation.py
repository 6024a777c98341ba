"""Punctuation and digits in Chinese text, after GB/T 15834—2011《标点符号用法》 and
GB/T 15835—2011《出版物上数字用法》.

Only what is unambiguous is reported: a half-width `, ; : ? ! ( )` where Chinese surrounds it
(`3.5`, `10:30`, URLs and English sentences are left alone), unpaired “ ” 《 》 （ ） within a
paragraph, a doubled 。 or ，, spaces between two Chinese characters, and full-width digits.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from site_builder.proofread import Finding

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


def is_han(char: str | None) -> bool:
    """A Chinese character (CJK ideograph, 〇 included)."""
    return char is not None and _HAN.fullmatch(char) is not None


def find_punctuation_problems(lines: Sequence[str]) -> list[Finding]:
    """Every punctuation and digit problem of a text given as prose lines (see `prose_lines`)."""
    findings: list[Finding] = []
    for number, line in enumerate(lines, start=1):
        findings += _half_width(line, number)
        findings += _half_width_parentheses(line, number)
        findings += _doubled(line, number)
        findings += _spaces_between_han(line, number)
        findings += _full_width_digits(line, number)
    findings += _unpaired(lines)
    return sorted(findings)


def _neighbour(line: str, index: int, step: int, skip: str) -> str | None:
    """The first character from `index` in direction `step` that is not in `skip`; None at the end."""
    index += step
    while 0 <= index < len(line) and line[index] in skip:
        index += step
    return line[index] if 0 <= index < len(line) else None


def _half_width(line: str, number: int) -> list[Finding]:
    findings = []
    for index, char in enumerate(line):
        if char not in HALF_TO_FULL:
            continue
        before = _neighbour(line, index, -1, EMPHASIS)
        after = _neighbour(line, index, 1, EMPHASIS + " \t")
        if not (is_han(before) or (before is not None and before in CLOSING)):
            continue
        # A colon or comma before a number still belongs to the Chinese sentence (时间:10:30);
        # after a digit (3,5 or 10:30) it is part of the number and never reaches this point.
        is_chinese_after = (
            after is None or is_han(after) or after in OPENING or (after.isdigit() and char in ",;:" and is_han(before))
        )
        if is_chinese_after:
            findings.append(Finding(number, index + 1, f"标点：中文里的半角“{char}”应改为全角“{HALF_TO_FULL[char]}”"))
    return findings


def _half_width_parentheses(line: str, number: int) -> list[Finding]:
    """`(…)` around Chinese, or between two Chinese characters, should be `（…）`."""
    findings = []
    openings: list[int] = []
    for index, char in enumerate(line):
        if char == "(":
            openings.append(index)
        elif char == ")" and openings:
            start = openings.pop()
            before = _neighbour(line, start, -1, EMPHASIS + " ")
            after = _neighbour(line, index, 1, EMPHASIS + " ")
            if _HAN.search(line, start + 1, index) or (is_han(before) and is_han(after)):
                findings.append(Finding(number, start + 1, "标点：中文里的半角括号“( )”应改为全角“（ ）”"))
    return findings


def _doubled(line: str, number: int) -> list[Finding]:
    return [
        Finding(number, match.start() + 1, f"标点：“{match.group()}”重复了，只留一个“{match.group(1)}”")
        for match in _DOUBLED.finditer(line)
    ]


def _spaces_between_han(line: str, number: int) -> list[Finding]:
    if _HEADING.match(line) or _is_list_of_names(line):
        return []
    return [
        Finding(
            number,
            match.start() + 1,
            f"标点：“{line[match.start() - 1]}”和“{line[match.end()]}”两个汉字之间多了空格，请删除",
        )
        for match in _SPACE_BETWEEN_HAN.finditer(line)
    ]


def _is_list_of_names(line: str) -> bool:
    """A line of short words separated by spaces is a list (获奖名单: 王秀兰 李建国 张桂芳) or a
    letter-spaced title (通 知), where the spaces are meant."""
    words = _LIST_MARKER.sub("", line).split()
    if len(words) >= 2 and all(len(word) == 1 and is_han(word) for word in words):
        return True
    return len(words) >= 3 and all(1 <= len(word) <= 4 and all(is_han(c) for c in word) for word in words)


def _full_width_digits(line: str, number: int) -> list[Finding]:
    return [
        Finding(
            number,
            match.start() + 1,
            f"数字：“{match.group()}”用了全角数字，应改为半角“{match.group().translate(_TO_HALF_WIDTH)}”",
        )
        for match in _FULL_WIDTH_DIGITS.finditer(line)
    ]


def _unpaired(lines: Sequence[str]) -> list[Finding]:
    """“ ” 《 》 （ ） that have no partner within their paragraph (lines up to a blank one)."""
    findings = []
    open_marks: dict[str, list[tuple[int, int]]] = {opening: [] for opening in PAIRS}

    def close_paragraph() -> None:
        for opening, positions in open_marks.items():
            closing, opening_name, closing_name = PAIRS[opening]
            for number, column in positions:
                findings.append(
                    Finding(number, column, f"标点：{opening_name} {opening} 没有对应的{closing_name} {closing}")
                )
            positions.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            close_paragraph()
            continue
        for index, char in enumerate(line):
            if char in PAIRS:
                open_marks[char].append((number, index + 1))
            elif char in _CLOSERS:
                opening = _CLOSERS[char]
                if open_marks[opening]:
                    open_marks[opening].pop()
                else:
                    _, opening_name, closing_name = PAIRS[opening]
                    findings.append(
                        Finding(
                            number, index + 1, f"标点：{closing_name} {char} 前面没有对应的{opening_name} {opening}"
                        )
                    )
    close_paragraph()
    return findings
