"""Line breaks inside Chinese paragraphs: a newline between two Chinese characters is no space.

Markdown keeps a paragraph's line breaks as newlines, and HTML shows a newline as a space. That is
right between English words and wrong in Chinese, which has no spaces: a paragraph typed with
line breaks, or pasted from Word or a PDF, read "组成， 围绕" on 21 pages of the demo. The CSS
`text-autospace`/`white-space-collapse: discard` proposals would do this in the browser, but no
browser ships them, and feeds and teasers need the same text; so the newline goes at build time.

The rule is CSS Text Level 3's segment-break transformation for Chinese: a newline whose
neighbours on both sides are wide characters (ideographs, CJK and full-width punctuation) is
removed; a newline next to a Latin letter or a digit stays a space. Code, preformatted text and
raw scripts are left as written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

WIDE = (
    "\u2e80-\u2fff"  # CJK radicals, Kangxi radicals, ideographic description
    "\u3000-\u303f"  # CJK symbols and punctuation (、。「」【】…)
    "\u3040-\u30ff"  # kana, which Chinese text quotes at times
    "\u3100-\u312f\u31a0-\u31bf"  # bopomofo
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uffef"  # full-width forms (，！？：；（）)
    "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"  # quotes, dash and ellipsis as Chinese uses them
)
_BETWEEN_WIDE = re.compile(f"(?<=[{WIDE}])[ \\t]*\\n[ \\t]*(?=[{WIDE}])")
_WIDE_AT_END = re.compile(f"[{WIDE}][ \\t]*\\n[ \\t]*$")
_WIDE_AT_START = re.compile(f"^[{WIDE}]")
_LEFT_ALONE = {"pre", "code", "script", "style", "textarea"}


def join_wide_lines(text: str) -> str:
    """`text` without the newlines (and the spaces around them) that stand between two wide
    characters: `join_wide_lines("组成，\\n围绕")` → `"组成，围绕"`; `"A\\nB"` is unchanged."""
    return _BETWEEN_WIDE.sub("", text) if "\n" in text else text


class _JoinWideLines(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in _LEFT_ALONE:
            return
        if element.text:
            element.text = join_wide_lines(element.text)
        children = list(element)
        if element.text and children:
            element.text = _drop_break_before(element.text, children[0])
        for index, child in enumerate(children):
            self._walk(child)
            if child.tail:
                child.tail = join_wide_lines(child.tail)
                if index + 1 < len(children):
                    child.tail = _drop_break_before(child.tail, children[index + 1])


def _drop_break_before(text: str, following: etree.Element) -> str:
    """A text ending in a wide character and a newline, followed by an inline element whose text
    starts with a wide character (`五老\\n**志愿者**`): the newline goes too."""
    if following.tag in _LEFT_ALONE or not following.text or not _WIDE_AT_START.match(following.text):
        return text
    match = _WIDE_AT_END.search(text)
    return text[: match.start() + 1] if match else text


class CjkLineBreakExtension(Extension):
    """Python-Markdown extension: see the module docstring."""

    def extendMarkdown(self, md: Markdown) -> None:
        # After the inline patterns (priority 20) have made <strong>, <a>… out of the text.
        md.treeprocessors.register(_JoinWideLines(md), "site_builder_cjk_breaks", 5)
