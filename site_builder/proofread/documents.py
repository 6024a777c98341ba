"""Proofread the site's texts: each article's body, title, summary, captions and other values,
and the hand-written pages, with every finding placed at its line in the source file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from site_builder.content.frontmatter import CLOSING_FENCES, FENCE
from site_builder.content.model import Article
from site_builder.proofread import Finding
from site_builder.proofread.glossary import Glossary
from site_builder.proofread.prose import prose_of
from site_builder.proofread.punctuation import find_punctuation_problems
from site_builder.proofread.typos import Replacements, typo_matcher

FIELDS = (
    ("title", "标题"),
    ("summary", "摘要"),
    ("category", "分类"),
    ("tags", "标签"),
    ("unit", "单位"),
    ("people", "人物"),
    ("location", "地点"),
    ("author", "作者"),
)
"""Front-matter values readers see, with the label messages give them."""


@dataclass(frozen=True)
class Proofreader:
    """Every rule, ready to run: punctuation, the built-in 错别字 list and the site's glossary."""

    typos: Replacements
    names: Replacements

    def check(self, markdown: str) -> list[Finding]:
        """Findings of every rule in `markdown` (a body or a single value), sorted by position."""
        prose = prose_of(markdown)
        return sorted([*find_punctuation_problems(prose), *self.typos.find(prose), *self.names.find(prose)])


def make_proofreader(glossary: Glossary) -> Proofreader:
    """The rules for a site: names the glossary declares are never taken for 错别字."""
    return Proofreader(typo_matcher(glossary.names), glossary.matcher())


def proofread_article(article: Article, proofreader: Proofreader) -> list[Finding]:
    """Findings in the article with lines of its file: the body's own, and a value's at its key."""
    findings = [
        replace(finding, line=article.body_line + finding.line - 1) for finding in proofreader.check(article.body)
    ]
    for line, label, text in _values(article):
        findings += [
            Finding(line, finding.column, f"{label}中的{finding.message}", finding.hint)
            for finding in proofreader.check(text)
        ]
    return findings


def _values(article: Article) -> Iterator[tuple[int, str, str]]:
    values: dict[str, tuple[str, ...]] = {
        "title": (article.title,),
        "summary": (article.summary,),
        "category": (article.category,),
        "tags": article.tags,
        "unit": article.units,
        "people": article.people,
        "location": (article.location,),
        "author": (article.author,),
    }
    for key, label in FIELDS:
        for text in values[key]:
            if text:
                yield article.line_of(key), label, text
    for photo in (*([article.cover] if article.cover else []), *article.photos):
        for label, text in (("图片说明", photo.caption), ("图片替代文字", photo.alt)):
            if text:
                yield photo.line, label, text


def proofread_page(text: str, proofreader: Proofreader) -> list[Finding]:
    """Findings in a hand-written page (index.md, about.md…): its body, front matter left out."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].rstrip() == FENCE:
        closing = next((i for i, line in enumerate(lines[1:], 1) if line.rstrip() in CLOSING_FENCES), None)
        if closing is not None:
            lines[: closing + 1] = [""] * (closing + 1)  # keep the line numbers of the body
    return proofreader.check("\n".join(lines))
