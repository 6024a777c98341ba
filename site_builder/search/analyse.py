"""Text analysis for the search index: one definition of a word character and of a term.

The browser (`search.js`) analyses queries with the same rules; `tests/fixtures/search_analysis.json`
holds texts with their expected terms and is checked from Python and from JavaScript in Node, so
the two definitions cannot drift apart.

- **Folding.** Each code point on its own is NFKC-normalised, then lower-cased (`２０２４年` →
  `2024年`, `Ｇ２０` → `g20`, `，` → `,`). Per code point, not per string, so that every folded
  character comes from exactly one character of the text and a match maps back to the text as
  written (snippets show the author's `，`, not `,`).
- **Word characters** are Unicode letters, marks and numbers (`[\\p{L}\\p{M}\\p{N}]` in JavaScript):
  Han, digits and Latin alike, so `2024年` matches across the digit/Han boundary. Everything
  else separates.
- **Terms.** Single characters (which documents contain them) and adjacent pairs of word
  characters, *bigrams*, with their positions. Positions count word characters, and one more at
  each run of separators, so two bigrams two positions apart are never on either side of a
  comma. Any substring of two or more word characters is found by checking that a set of its
  bigrams covering every character occurs at consecutive positions: the substring semantics
  that word segmentation (jieba) cannot give (段简, 是一段, 园走进农家).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

SEPARATOR = " "
"""What every non-word character folds to; never a word character itself."""

WORD_CATEGORIES = frozenset("LMN")
"""First letters of the Unicode general categories of word characters (letters, marks, numbers)."""


class _FoldTable(dict[int, str]):
    """`str.translate` table: code point → its folded characters, separators as SEPARATOR.

    Filled on first use of each code point, so a text is folded at the speed of `translate`.
    """

    def __missing__(self, code: int) -> str:
        folded = "".join(
            char if unicodedata.category(char)[0] in WORD_CATEGORIES else SEPARATOR
            for char in unicodedata.normalize("NFKC", chr(code)).lower()
        )
        self[code] = folded
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """`text` folded code point by code point (NFKC, lower case); every separator becomes a space."""
    return text.translate(_FOLD)


def word_runs(text: str) -> list[str]:
    """The runs of word characters of `text`, folded: a query's terms, ANDed (`关工委，五老` → 2)."""
    return fold(text).split()


@dataclass(frozen=True)
class Terms:
    """What the index keeps of one field (a title or a body) of one document."""

    characters: frozenset[str]
    """Every word character that occurs, folded."""
    bigrams: dict[str, list[int]]
    """Each adjacent pair of word characters → its positions, ascending."""


def analyse(text: str) -> Terms:
    """The characters and the positioned bigrams of `text` (see the module docstring)."""
    # Runs joined by one separator: the index of a character in this string is its position.
    joined = " ".join(fold(text).split())
    bigrams: dict[str, list[int]] = {}
    for position in range(len(joined) - 1):
        pair = joined[position : position + 2]
        if SEPARATOR in pair:
            continue
        found = bigrams.get(pair)
        if found is None:
            bigrams[pair] = [position]
        else:
            found.append(position)
    return Terms(frozenset(joined) - {SEPARATOR}, bigrams)


# Tags whose end starts a new line of text: words on either side never join. Any other tag
# (strong, a, span…) is removed without a trace, so `<strong>关</strong>工委` stays one word.
_BLOCK_TAGS = (
    "address|article|aside|blockquote|br|dd|details|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|"
    "img|li|main|nav|ol|p|picture|pre|section|summary|table|td|th|tr|ul|video|audio|iframe"
)
_INVISIBLE = re.compile(r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_TAGS})\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")
"""Invisible characters (zero-width space and joiners, word joiner, BOM, soft hyphen): never
shown, never searched, never published in the index (issue #10: U+200B leaked into titles)."""


def text_of_html(fragment: str) -> str:
    """The visible text of rendered article HTML, as written, whitespace collapsed to single spaces."""
    text = _INVISIBLE.sub(" ", fragment)
    text = _BLOCK_TAG.sub(" ", text)
    text = _ANY_TAG.sub("", text)
    return clean_text(html.unescape(text))


def clean_text(text: str) -> str:
    """`text` without invisible characters, whitespace collapsed to single spaces."""
    return _SPACE.sub(" ", _ZERO_WIDTH.sub("", text)).strip()
