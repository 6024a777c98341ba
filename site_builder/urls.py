"""ASCII, stable URLs: the date and the pinyin of the file name (or the `slug` key), clash detection.

An article's URL is `<section>/<year>/<MMDD>-<pinyin of the file name>/`. It comes from the file
name, not the title, so that fixing a typo in a title never breaks links that were already shared;
and it carries the month and day, because titles recur (the same 座谈会 twice a year, a yearly
通知): two articles of a section with the same name on different dates never clash, and since a
URL depends on its own article only, adding, removing or renaming one never changes another's
(a scheme that numbered clashing names -2, -3 would). Only a `slug` written by hand leaves the
date out: its author chose the name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from site_builder.content.model import Article
from site_builder.diagnostics import Diagnostics

MAX_SLUG_LENGTH = 60
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _keep_as_is(chars: str) -> str:
    """pypinyin's handler for characters without pinyin (digits, Latin letters): keep them."""
    return chars


_known_slugs: dict[str, str] = {}
"""Slugs made in this process or by earlier builds (see `remember_slugs`): pypinyin's phrase
dictionary takes 0.17 s to import, which a build whose names are all known never pays."""
_used_slugs: set[str] = set()


def remember_slugs(slugs: dict[str, str]) -> None:
    """Take the slugs of an earlier build (made by the same pypinyin version: the caller checks)."""
    _known_slugs.update(slugs)


def keep_slug(text: str, slug: str) -> None:
    """Count the slug of a cached article's file name as used, so it is remembered for the build
    that parses the article again after an edit (and need not import pypinyin for it)."""
    _known_slugs[text] = slug
    _used_slugs.add(text)


def slugs_in_use() -> dict[str, str]:
    """The slugs asked for in this process, to be remembered for the next build."""
    return {text: _known_slugs[text] for text in _used_slugs if text in _known_slugs}


def slugify(text: str) -> str:
    """ASCII URL name for `text`: Chinese becomes pinyin syllables joined by hyphens.

    `slugify("2024年敬老活动")` → `"2024-nian-jing-lao-huo-dong"`. Never empty (falls back to
    "x") and at most 60 characters: a longer slug is cut at a hyphen and ends with a short hash of
    the whole slug, so two long names that differ only at the end still get different URLs.
    """
    _used_slugs.add(text)
    known = _known_slugs.get(text)
    if known is None:
        known = _known_slugs[text] = _make_slug(text)
    return known


def _make_slug(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=_keep_as_is)
    slug = _NON_ALNUM.sub("-", "-".join(syllables).lower()).strip("-")
    slug = re.sub(r"-{2,}", "-", slug)
    if len(slug) > MAX_SLUG_LENGTH:
        digest = hashlib.sha1(slug.encode()).hexdigest()[:6]
        head = slug[: MAX_SLUG_LENGTH - len(digest) - 1]
        slug = f"{head.rsplit('-', 1)[0] or head}-{digest}"
    return slug or "x"


def article_slug(article: Article) -> str:
    """The URL name: the `slug` key, else `MMDD-<pinyin of the file name>`, e.g. `0501-jing-lao`."""
    if article.slug:
        return article.slug
    return f"{article.date:%m%d}-{article.name_slug or slugify(article.source.name_part)}"


def article_url(article: Article, slug: str) -> str:
    """`<section>/<year>/<slug>/`: the year keeps folders small and gives readable archives."""
    return f"{article.section}/{article.year}/{slug}/"


def assign_urls(articles: list[Article], diagnostics: Diagnostics) -> list[Article]:
    """Each article with `slug` and `url` set; two articles on one URL is an error naming both."""
    taken: dict[str, Article] = {}
    result = []
    for article in articles:
        slug = article_slug(article)
        url = article_url(article, slug)
        other = taken.get(url)
        if other is not None:
            diagnostics.error(
                article.source.display_path,
                article.line_of("slug") if article.slug else 0,
                f"网址 /{url} 与 {other.source.display_path} 重复",
                f"请给其中一篇在 front matter 中加一行不同的网址名，例如 slug: {article.name_slug or slugify(article.source.name_part)}-2",
            )
            continue
        taken[url] = article
        result.append(replace(article, slug=slug, url=url))
    return result


def unique_slugs(names: list[str]) -> dict[str, str]:
    """Slug per name for tags, units and people; names whose pinyin collides get -2, -3 …

    Names are processed in sorted order so the suffix a name gets does not depend on which
    article mentions it first.
    """
    slugs: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(set(names)):
        base = slugify(name)
        slug, n = base, 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        slugs[name] = slug
    return slugs


def relative_url(url: str, page_url: str) -> str:
    """`url` (site-relative) as a link from the page at `page_url` (site-relative, `a/b/` or `a/b.html`).

    The same rule as MkDocs' `get_relative_url`, written here because the core never imports the
    engine: templates and feeds need page-relative links for photos whatever engine renders them.
    """
    folder = page_url.rsplit("/", 1)[0] if "." in page_url.rsplit("/", 1)[-1] else page_url
    here = [part for part in folder.split("/") if part not in ("", ".")]
    there = [part for part in url.split("/") if part not in ("", ".")]
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    relative = "/".join([".."] * (len(here) - common) + there[common:]) or "."
    return relative + "/" if url.endswith("/") else relative
