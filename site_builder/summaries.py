"""Article teasers for listings, feeds and page descriptions, made from the Markdown source.

A teaser is shown on many pages (section lists, tag lists, the home page, feeds), so it must not
depend on the page it was rendered for: it is rendered on its own from the article's Markdown,
never cut out of the article's HTML (whose photos and links are relative to the article page).
It is the `summary` front-matter value, else the Markdown before `<!-- more -->`, else the first
paragraph that has text (a paragraph holding only a photo is skipped). Photos and links are
dropped from it, their text kept: the listing shows the article's own photo beside the teaser.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

from site_builder.cjk_breaks import CjkLineBreakExtension
from site_builder.content.model import Article
from site_builder.text import MORE_MARKER, plain_text, strip_control_chars

TEASER_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "s", "del", "mark", "code", "sub", "sup", "small"}
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_IMAGE_ONLY = re.compile(r"^(?:\s*!\[[^\]]*\]\([^)]*\)\s*)+$")
# Headings, comments, link definitions, code fences, tables, rules and lists are not a teaser.
_NOT_PROSE = re.compile(r"^(?:#|<!--|\[[^\]]+\]:|```|~~~|\||-{3,}\s*$|[-*+]\s|\d+[.)]\s)")


class Summaries:
    """Each article's teaser, rendered once and kept for every page that shows it."""

    def __init__(self) -> None:
        self._html: dict[str, str] = {}
        self._markdown = markdown.Markdown(output_format="html", extensions=[CjkLineBreakExtension()])

    def html(self, article: Article) -> str:
        """The teaser as inline-safe HTML (paragraphs and emphasis only)."""
        key = article.source.src_uri
        if key not in self._html:
            self._html[key] = self._render(article)
        return self._html[key]

    def text(self, article: Article) -> str:
        """The teaser as plain text (page descriptions, share cards)."""
        return plain_text(self.html(article))

    def _render(self, article: Article) -> str:
        if article.summary:
            return f"<p>{html.escape(article.summary)}</p>"
        source = teaser_markdown(article.body)
        if not source:
            return ""
        rendered = self._markdown.reset().convert(source)
        return nh3.clean(rendered, tags=TEASER_TAGS, attributes={}, clean_content_tags={"script", "style"}).strip()


def teaser_markdown(body: str) -> str:
    """The Markdown a teaser is made from: before `<!-- more -->`, else the first prose paragraph."""
    body = strip_control_chars(body)
    head, marker, _ = body.partition(MORE_MARKER)
    if marker:
        return head.strip()
    for block in _BLANK_LINES.split(body):
        block = block.strip()
        if block and not _IMAGE_ONLY.match(block) and not _NOT_PROSE.match(block):
            return block
    return ""
