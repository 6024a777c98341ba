"""Markdown reduced to the prose a reader sees, line for line, so that proofreading rules never
fire on code, addresses or markup.

Fenced code blocks, code spans, HTML tags and comments, URLs, e-mail addresses, link and image
targets, reference definitions and attribute lists are replaced by `MASK` characters of the same
length: lines and columns stay those of the source, and no rule sees a masked character as
Chinese, as punctuation or as a space.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from site_builder.proofread import Finding

MASK = "\x00"
"""Never in a checked text: the front-matter reader removes control characters."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MASKED = re.compile(
    "|".join(
        (
            r"<!--.*?-->",  # HTML comments, `<!-- more -->` included (may span lines)
            r"(?P<ticks>`+)[^`].*?(?P=ticks)",  # code spans
            r"\]\((?:[^()\n]|\([^()\n]*\))*\)",  # link and image targets: ](target "title")
            r"<[A-Za-z/!?][^<>\n]*>",  # HTML tags and autolinks
            # Bare URLs, up to a space or Chinese punctuation (Chinese characters may be in a query).
            r"(?:https?|ftp)://[^\s<>()\u3000-\u303f\uff00-\uffef“”‘’]+",
            r"\bwww\.[A-Za-z0-9-]+\.[^\s<>()\u3000-\u303f\uff00-\uffef“”‘’]+",
            r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",  # e-mail addresses
            r"^ {0,3}\[[^\]\n]+\]:.*$",  # reference definitions: [id]: url "title"
            r"\{:?\s*[.#][^{}\n]*\}|\{[^{}\n]*=[^{}\n]*\}",  # attribute lists: { .class width=300 }
        )
    ),
    re.DOTALL | re.MULTILINE,
)


def prose_lines(markdown: str) -> list[str]:
    """The lines of `markdown` with everything that is not prose masked (same count and lengths)."""
    lines = markdown.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            lines[index] = MASK * len(line)
        elif opening:
            fence = opening.group(1)
            lines[index] = MASK * len(line)
    return _MASKED.sub(_blank, "\n".join(lines)).split("\n")


def prose_of(markdown: str) -> Prose:
    """`markdown` ready for the rules: prose lines (see `prose_lines`) joined, with positions."""
    return Prose(prose_lines(markdown))


class Prose:
    """Prose lines joined into one string, with the way back from an offset to a line and column."""

    def __init__(self, lines: Sequence[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        self.starts = [0]
        for line in lines[:-1]:
            self.starts.append(self.starts[-1] + len(line) + 1)

    def finding(self, offset: int, message: str) -> Finding:
        index = bisect_right(self.starts, offset) - 1
        return Finding(index + 1, offset - self.starts[index] + 1, message)

    def line_at(self, offset: int) -> str:
        return self.lines[bisect_right(self.starts, offset) - 1]

    def neighbour(self, offset: int, step: int, skip: str) -> str | None:
        """The first character from `offset` in direction `step` not in `skip`; None at a line's end."""
        text = self.text
        offset += step
        while 0 <= offset < len(text) and text[offset] in skip:
            offset += step
        return text[offset] if 0 <= offset < len(text) and text[offset] != "\n" else None


def _blank(match: re.Match[str]) -> str:
    return "".join("\n" if char == "\n" else MASK for char in match.group())
