"""Small text helpers shared by several stages: control characters, escaping, summaries."""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

# Characters XML 1.0 forbids. Word copy-paste leaves \x0b (vertical tab) and \x0c (page break)
# in text; they break YAML, feeds and some browsers, so they are removed everywhere.
XML_ILLEGAL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
MORE_MARKER = "<!-- more -->"


def strip_control_chars(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (tab, newline and CR are kept)."""
    return XML_ILLEGAL_CHARS.sub("", text)


def escape(text: str) -> str:
    """HTML-escape a value so that it shows as text wherever a template prints it raw."""
    return html.escape(text, quote=True)


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (for descriptions and search)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", fragment))).strip()


def truncate(text: str, length: int) -> str:
    """`text` cut to at most `length` characters, with an ellipsis when cut."""
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


_PICTURE = re.compile(r"<picture>.*?(<img\b[^>]*>).*?</picture>", re.S)
_RESPONSIVE_ATTRIBUTES = re.compile(r'\s(?:srcset|sizes|loading|decoding|fetchpriority)="[^"]*"')
_URL_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


def html_for_feed(fragment: str, base_url: str) -> str:
    """Article HTML as feed readers need it: plain `<img>` (the JPEG/PNG fallback of each
    `<picture>`, since readers ignore srcset) and every relative link and image made absolute."""
    fragment = _PICTURE.sub(lambda m: m.group(1), fragment)
    fragment = _RESPONSIVE_ATTRIBUTES.sub("", fragment)
    return _URL_ATTRIBUTE.sub(lambda m: f'{m.group(1)}="{absolute_url(m.group(2), base_url)}"', fragment)


def absolute_url(url: str, base_url: str) -> str:
    """`url` resolved against `base_url`; anchors, mailto: and other schemes are left alone."""
    if not url or url.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
        return url
    return urljoin(base_url, url)


_FENCED_CODE = re.compile(r"^ {0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^ {0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def prose_only(markdown: str) -> str:
    """`markdown` with fenced code, code spans and HTML comments blanked out (newlines kept, so
    line numbers stay right): what scanners of links and photos read, since the renderer makes
    no link or picture of them either. A hint such as `` `![照片说明](照片.jpg)` `` is text."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    if "```" in markdown or "~~~" in markdown:
        markdown = _FENCED_CODE.sub(blank, markdown)
    if "<!--" in markdown:
        markdown = _HTML_COMMENT.sub(blank, markdown)
    if "`" in markdown:
        markdown = _CODE_SPAN.sub(blank, markdown)
    return markdown
