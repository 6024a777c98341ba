"""Links from an article's body to files beside it: attachments, and links that cannot work.

A 通知 links its 报名表 or 实施方案 (`[附件1：报名表](附件1：报名表.docx)`); the file is published
beside the page, under its own name, because a published article links to it (CONTRACT
"Content"). Everything else in a section folder stays unpublished, so a link that would point at
a file that is not published is an error with its line: `check` and `build` say the same.
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from site_builder.content.model import Article
from site_builder.content.paths import is_external, resolve_local
from site_builder.diagnostics import Diagnostics
from site_builder.text import prose_only

ATTACHMENT_SUFFIXES = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".wps",
        ".et",
        ".dps",
        ".ofd",
        ".zip",
        ".rar",
        ".7z",
        ".txt",
    }
)
PAGE_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm"})
PHOTO_SUFFIXES = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".gif",
        ".webp",
        ".heic",
        ".heif",
        ".tif",
        ".tiff",
        ".bmp",
        ".avif",
    }
)

# [text](target "title"), [text](<target with spaces>), not ![alt](…) (photos are handled elsewhere).
MARKDOWN_LINK = re.compile(
    r"(?<!!)\[(?:[^\]\\\n]|\\.)*\]\(\s*(?:<(?P<angled>[^>\n]+)>|(?P<plain>[^)\s]+))(?:\s+[\"'][^\"'\n]*[\"'])?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*(?:<(?P<angled>[^>\n]+)>|(?P<plain>\S+))", re.MULTILINE)
HTML_LINK = re.compile(r"<a\s[^>]*?\bhref\s*=\s*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)')", re.IGNORECASE)


@dataclass(frozen=True)
class LinkRef:
    """A link target as written in the body, with its line in the file."""

    target: str
    line: int


@dataclass(frozen=True)
class Attachment:
    """A file a published article links to, published beside the article's page."""

    path: Path
    src_uri: str
    """Path relative to the content folder (how MkDocs finds the link's target)."""
    dest_uri: str
    """Where it is published: the article's URL folder plus the file's own name."""


@functools.lru_cache(maxsize=1 << 16)
def body_links(body: str, first_line: int) -> tuple[LinkRef, ...]:
    """Every link target of a Markdown body (inline, reference definitions, HTML `<a href>`).

    Cached: page keys and attachments both ask for every article's links in each build, and a
    body that did not change has the same links (the answer is an immutable tuple)."""
    found = []
    body = prose_only(body)
    for pattern in (MARKDOWN_LINK, REFERENCE_DEFINITION, HTML_LINK):
        for match in pattern.finditer(body):
            target = next(value for value in match.groupdict().values() if value is not None).strip()
            found.append(LinkRef(target, first_line + body.count("\n", 0, match.start())))
    return tuple(sorted(found, key=lambda link: link.line))


def page_links(article: Article) -> list[str]:
    """Source names (src_uri) of the Markdown pages the article's body links to, as MkDocs resolves
    them: relative to the article's own source name. The pages that link to a page show its URL."""
    folder = posixpath.dirname(article.source.src_uri)
    targets = []
    for link in body_links(article.body, article.body_line):
        path = unquote(link.target.split("#", 1)[0].split("?", 1)[0])
        if is_external(link.target) or PurePosixPath(path).suffix.lower() not in (".md", ".markdown"):
            continue
        targets.append(posixpath.normpath(posixpath.join(folder, path)) if not path.startswith("/") else path[1:])
    return targets


def collect_attachments(
    articles: tuple[Article, ...], content_dir: Path, diagnostics: Diagnostics
) -> tuple[Attachment, ...]:
    """The attachments of the published `articles`; every link that cannot work becomes an error."""
    attachments: dict[str, Attachment] = {}
    for article in articles:
        for link in body_links(article.body, article.body_line):
            attachment = _attachment_for(article, link, content_dir, diagnostics)
            if attachment is not None:
                attachments.setdefault(attachment.src_uri, attachment)
    return tuple(attachments.values())


def _attachment_for(article: Article, link: LinkRef, content_dir: Path, diagnostics: Diagnostics) -> Attachment | None:
    target = link.target
    if is_external(target) or target.startswith(("#", "/")):
        return None
    suffix = PurePosixPath(unquote(target.split("#", 1)[0].split("?", 1)[0])).suffix.lower()
    shown = article.source.display_path
    if not suffix or suffix in PAGE_SUFFIXES:
        return None
    if suffix in PHOTO_SUFFIXES:
        diagnostics.error(
            shown,
            link.line,
            f"链接“{target}”指向照片原图，原图不会发布（其中可能有拍摄地点）",
            f"要插入照片请写 ![照片说明]({target})，读者点击照片即可看大图",
        )
        return None
    if suffix not in ATTACHMENT_SUFFIXES:
        diagnostics.error(
            shown,
            link.line,
            f"链接“{target}”指向的文件不会发布：{suffix} 不是可发布的附件类型",
            "附件可以是 " + "、".join(sorted(s.lstrip(".") for s in ATTACHMENT_SUFFIXES)) + "；其他文件请先压缩成 zip",
        )
        return None
    path, reason = resolve_local(target, article.source.folder)
    if path is None:
        diagnostics.error(
            shown,
            link.line,
            f"附件“{target}”无法发布：{reason}",
            "请把附件放在文章旁边（同一个文件夹），链接只写文件名",
        )
        return None
    return Attachment(path, path.relative_to(content_dir.resolve()).as_posix(), article.url + path.name)
