"""Change an article's front matter and body the way a person editing the file would (issue #16).

The 写作台 saves through here. Only the keys that changed are rewritten, each in place, on the
lines where it was written; every other byte of the file stays as it was: the comments that
`site-builder new` writes above each key, the order of the keys, keys the form does not know, the
quoting a person chose. A key the file does not have yet is added before the closing `---`.

Positions come from PyYAML's node tree (`yaml.compose`), the same parser that reads the file. A
round-trip YAML writer (ruamel.yaml) would be a second parser whose YAML 1.2 rules differ from
PyYAML's 1.1 (`author: no` reads back as false), and it may reflow lines it was not asked to touch.
Values are written as a person would (`title: 敬老活动`, `tags: [家风教育, 暑期活动]`), quoted only
when YAML would read them as something else, and the result is parsed again before it is returned.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime

import yaml

from site_builder.content.frontmatter import CLOSING_FENCES, FENCE

MISSING = object()


class WriteError(Exception):
    """The file cannot be changed safely (no front matter, or YAML that cannot be read)."""


def update_article_text(text: str, changes: Mapping[str, object], body: str | None = None) -> str:
    """`text` (a whole Markdown file) with the front-matter `changes` (key → new value; None removes
    the value but keeps the key, as the template leaves optional keys empty) and, unless `body` is
    None, the new body. Raises WriteError when the front matter cannot be read."""
    newline = "\r\n" if "\r\n" in text else "\n"
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise WriteError("文件开头没有 front matter（---），无法按表单保存；请先在文件里改正")
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in CLOSING_FENCES), None)
    if closing is None:
        raise WriteError("front matter 没有结束（缺少第二行 ---），无法按表单保存；请先在文件里改正")
    head = lines[1:closing]
    for key, value in changes.items():
        head = _set_key(head, key, value)
    tail = lines[closing:]
    if body is not None:
        tail = [lines[closing], *_body_lines(body)]
    result = bom + newline.join([lines[0], *head, *tail])
    _verify(result, changes)
    return result


def _body_lines(body: str) -> list[str]:
    """The body as the lines after the closing fence: one blank line, the text, a final newline."""
    text = body.replace("\r\n", "\n").strip("\n")
    return ["", *text.split("\n"), ""] if text else [""]


def _set_key(head: list[str], key: str, value: object) -> list[str]:
    spans = _key_spans(head)
    rendered = render_entry(key, value)
    if key not in spans:
        if value is None or value == "" or value == []:
            return head
        return [*head, *rendered]
    start, end = spans[key]
    return [*head[:start], *rendered, *head[end:]]


def _key_spans(head: list[str]) -> dict[str, tuple[int, int]]:
    """Each top-level key's lines in `head` (the front matter without its fences): from the key's
    line to the last line of its value, comment and blank lines after it excluded (the template's
    comment above the next key belongs to that key)."""
    try:
        node = yaml.compose("\n".join(head), Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise WriteError(f"front matter 的格式有误（{error}），无法按表单保存；请先在文件里改正") from None
    if node is None:
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise WriteError("front matter 不是“键: 值”的列表，无法按表单保存")
    starts = [(str(key.value), key.start_mark.line) for key, _ in node.value]
    spans: dict[str, tuple[int, int]] = {}
    for index, (key, start) in enumerate(starts):
        end = starts[index + 1][1] if index + 1 < len(starts) else len(head)
        while end > start + 1 and _is_blank_or_comment(head[end - 1]):
            end -= 1
        spans[key] = (start, end)  # a key written twice: the last one, which is the one read
    return spans


def _is_blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def render_entry(key: str, value: object) -> list[str]:
    """The lines of `key: value` as a person writes them (see the module docstring)."""
    if value is None or value == "":
        return [f"{key}:"]
    if isinstance(value, bool):
        return [f"{key}: {'true' if value else 'false'}"]
    if isinstance(value, int):
        return [f"{key}: {value}"]
    if isinstance(value, datetime):
        return [f"{key}: {value:%Y-%m-%d %H:%M}"]
    if isinstance(value, date):
        return [f"{key}: {value:%Y-%m-%d}"]
    if isinstance(value, str):
        return [f"{key}: {scalar(value)}"]
    if isinstance(value, Sequence) and all(isinstance(item, Mapping) for item in value):
        if not value:
            return [f"{key}: []"]
        lines = [f"{key}:"]
        for item in value:
            entries = [(k, v) for k, v in item.items() if v not in (None, "")]
            for number, (name, item_value) in enumerate(entries):
                lines.append(f"  {'- ' if number == 0 else '  '}{name}: {scalar(str(item_value))}")
        return lines
    if isinstance(value, Sequence):
        return [f"{key}: [{', '.join(scalar(str(item), flow=True) for item in value)}]"]
    raise WriteError(f"“{key}”的值无法写入文件")


_PLAIN_UNSAFE_START = tuple("-?:,[]{}#&*!|>'\"%@`~ ")
_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029\x7f-\x9f]")


def scalar(text: str, flow: bool = False) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back as the same string, else double-quoted
    (JSON's escapes are YAML's; the characters YAML reads as line breaks are escaped too)."""
    if _is_plain_safe(text, flow):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _LINE_BREAKS.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _is_plain_safe(text: str, flow: bool) -> bool:
    if not text or text != text.strip() or text.startswith(_PLAIN_UNSAFE_START) or _LINE_BREAKS.search(text):
        return False
    if ": " in text or " #" in text or text.endswith(":") or "\t" in text:
        return False
    if flow and any(mark in text for mark in ",[]{}"):
        return False
    try:
        return bool(yaml.safe_load(f"v: {text}") == {"v": text})
    except yaml.YAMLError:
        return False


def _verify(result: str, changes: Mapping[str, object]) -> None:
    """Parse the result as the build will and check each changed key reads back as meant."""
    from site_builder.content.frontmatter import parse_front_matter
    from site_builder.diagnostics import Diagnostics

    front = parse_front_matter(result, "", Diagnostics())
    if front is None:
        raise WriteError("保存后的 front matter 无法读取，没有保存；请把这篇文章发给维护人员")
    for key, value in changes.items():
        got = front.values.get(key, MISSING)
        if not _same(got, value):
            raise WriteError(f"“{key}”写入后读出的值与表单不同（{got!r}），没有保存；请把这篇文章发给维护人员")


def _same(got: object, wanted: object) -> bool:
    if wanted is None or wanted == "":
        return got in (None, "", MISSING)
    if isinstance(wanted, datetime):
        return got == f"{wanted:%Y-%m-%d %H:%M}"
    if isinstance(wanted, Sequence) and not isinstance(wanted, str):
        if not isinstance(got, list) and wanted:
            return False
        got_list = got if isinstance(got, list) else []
        if len(got_list) != len(wanted):
            return False
        return all(_same_item(g, w) for g, w in zip(got_list, wanted, strict=True))
    return got == wanted


def _same_item(got: object, wanted: object) -> bool:
    if isinstance(wanted, Mapping):
        kept = {k: v for k, v in wanted.items() if v not in (None, "")}
        return isinstance(got, dict) and {k: str(v) for k, v in got.items()} == {k: str(v) for k, v in kept.items()}
    return str(got) == str(wanted)
