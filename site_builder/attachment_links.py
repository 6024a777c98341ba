"""Links to attachments say what they download: `附件1：报名表（Word，120 KB）`.

A reader on a phone, often elderly, should know before tapping whether a link opens a page or
downloads a 5 MB file, and whether their phone can open it (government sites follow the same
practice: 《政府网站发展指引》 asks for the format of downloadable files). The type and size
follow each link to a published attachment of the page (`content.links.collect_attachments`
decides which files those are); other links are left alone.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as etree
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from urllib.parse import unquote

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from site_builder.content.links import Attachment

KINDS = {
    ".pdf": "PDF",
    ".doc": "Word",
    ".docx": "Word",
    ".xls": "Excel",
    ".xlsx": "Excel",
    ".ppt": "PPT",
    ".pptx": "PPT",
    ".wps": "WPS 文字",
    ".et": "WPS 表格",
    ".dps": "WPS 演示",
    ".ofd": "OFD",
    ".zip": "压缩包",
    ".rar": "压缩包",
    ".7z": "压缩包",
    ".txt": "文本",
}


def size_label(size: int) -> str:
    """`120 KB`, `1.2 MB`: whole KB below a megabyte (never `0 KB`), one decimal above."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def attachment_label(attachment: Attachment) -> str:
    """`（PDF，120 KB）` for one attachment (its size read from its source file)."""
    kind = KINDS.get(attachment.path.suffix.lower(), attachment.path.suffix.lstrip(".").upper())
    try:
        size = attachment.path.stat().st_size
    except OSError:
        return f"（{kind}）"
    return f"（{kind}，{size_label(size)}）"


def labels_for_page(page_src_uri: str, attachments: Iterable[Attachment]) -> dict[str, str]:
    """The labels of the attachments of the page whose source is `page_src_uri`, by the link target
    that reaches each from that page (relative to its folder, as written in its Markdown)."""
    folder = posixpath.dirname(page_src_uri)
    labels = {}
    for attachment in attachments:
        if posixpath.dirname(attachment.src_uri) == folder or attachment.src_uri.startswith(f"{folder}/"):
            labels[posixpath.relpath(attachment.src_uri, folder or ".")] = attachment_label(attachment)
    return labels


class _LabelAttachmentLinks(Treeprocessor):
    def __init__(self, md: Markdown, extension: AttachmentLinkExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        labels = self.extension.current
        if not labels:
            return
        for parent in root.iter():
            for child in list(parent):
                if child.tag != "a":
                    continue
                label = labels.get(_target(child.get("href", "")))
                if label is None:
                    continue
                meta = etree.Element("span", {"class": "sb-attachment__meta"})
                meta.text = label
                meta.tail = child.tail
                child.tail = None
                parent.insert(list(parent).index(child) + 1, meta)


def _target(href: str) -> str:
    path = unquote(href.split("#", 1)[0].split("?", 1)[0])
    return posixpath.normpath(path) if path and not PurePosixPath(path).is_absolute() else ""


class AttachmentLinkExtension(Extension):
    """Python-Markdown extension; `current` holds the labels of the page being converted."""

    def __init__(self) -> None:
        super().__init__()
        self.current: Mapping[str, str] = {}

    def extendMarkdown(self, md: Markdown) -> None:
        # Before MkDocs rewrites links relative to the output (its "relpath" processor, priority 0).
        md.treeprocessors.register(_LabelAttachmentLinks(md, self), "site_builder_attachment_links", 4)
