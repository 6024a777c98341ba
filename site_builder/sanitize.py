"""HTML written inside Markdown is kept only within an allow-list (CONTRACT "every value is text").

Authors paste HTML from Word, WeChat editors and other sites; some of it carries `<script>`,
`onerror=` or `javascript:` links, which would run for every reader and every feed subscriber.
The whole rendered HTML of a page is cleaned by nh3 (the Python binding of ammonia, a maintained
html5ever-based sanitiser): writing our own would mean parsing HTML the way browsers do, which
is exactly what sanitisers exist for. Cleaning the finished HTML, not only the raw fragments the
author wrote, is what makes it safe: fragments such as `<a href="javascript:…">` … `</a>` are
stashed separately by Python-Markdown and only mean something once joined.

The allow-list covers what Python-Markdown, its standard extensions and our photo markup emit,
plus what articles need (tables, `<br>`, `<sup>`, images, links, video and audio). A site may
turn cleaning off in mkdocs.yml (`sanitize_html: false`), explicitly.
"""

from __future__ import annotations

import nh3
from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

TEXT_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "code",
    "pre",
    "kbd",
    "samp",
    "var",
    "q",
    "cite",
    "abbr",
    "dfn",
    "time",
    "blockquote",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "div",
    "span",
    "section",
    "details",
    "summary",
    "ruby",
    "rt",
    "rp",
    "wbr",
}
TABLE_TAGS = {"table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"}
MEDIA_TAGS = {"a", "img", "picture", "source", "figure", "figcaption", "video", "audio", "track"}
ALLOWED_TAGS = TEXT_TAGS | TABLE_TAGS | MEDIA_TAGS

ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title", "lang", "dir"},
    "a": {"href", "name", "rel", "target", "download", "data-gallery", "data-description"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding", "fetchpriority"},
    "source": {"src", "srcset", "sizes", "type", "media"},
    "video": {"src", "poster", "controls", "width", "height", "preload", "muted", "loop", "playsinline"},
    "audio": {"src", "controls", "preload", "loop"},
    "track": {"src", "kind", "srclang", "label", "default"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "details": {"open"},
}
# Python-Markdown's `tables` extension aligns columns with `style="text-align: …"`; no other
# inline style survives (CSS can overlay the page and fake a login form).
ALLOWED_STYLES = {"text-align"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(html: str) -> str:
    """`html` with every tag, attribute, style and URL scheme outside the allow-list removed.

    `<script>` and `<style>` lose their content too; comments are dropped; links keep their `rel`
    as written (nh3 would otherwise add `noopener noreferrer` to every internal link).
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        filter_style_properties=ALLOWED_STYLES,
        link_rel=None,
        strip_comments=True,
    )


class _SanitizePostprocessor(Postprocessor):
    def run(self, text: str) -> str:
        return sanitize_html(text)


class SanitizeExtension(Extension):
    """Cleans each page's HTML after every other step of Python-Markdown (raw HTML restored)."""

    def extendMarkdown(self, md: Markdown) -> None:
        # Lowest priority: after raw HTML (30) and `&` substitution (20) have produced the final text.
        md.postprocessors.register(_SanitizePostprocessor(md), "site_builder_sanitize", 0)
