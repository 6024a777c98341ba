"""Split a Markdown file into YAML front matter and body, keeping a line number per key.

We parse front matter ourselves because MkDocs' `get_data` silently turns broken YAML into body
text (ARCHITECTURE pitfall 5); `yaml.compose` gives us the node tree with positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from site_builder.diagnostics import Diagnostics
from site_builder.text import XML_ILLEGAL_CHARS

FENCE = "---"
# PyYAML recurses once per nesting level; hundreds of `[` exhaust Python's stack.
TOO_DEEP = "front matter 的括号或缩进嵌套太深，无法读取"
TOO_DEEP_HINT = "请检查是否多写了 [ 或 {，文章信息只需要一两层"
CLOSING_FENCES = ("---", "...")


@dataclass(frozen=True)
class FrontMatter:
    values: dict[str, object]
    lines: dict[str, int]
    """1-based line in the file of each top-level key."""
    item_lines: dict[str, list[int]]
    """For keys whose value is a list: the line of each item (photos, tags…)."""
    body: str
    body_line: int
    """1-based line in the file where the body starts."""
    unreadable: frozenset[str] = frozenset()
    """Keys whose value YAML could not build (already reported; not to be reported as missing)."""


def parse_front_matter(text: str, shown_path: str, diagnostics: Diagnostics) -> FrontMatter | None:
    """Parse `text` (a whole Markdown file); None when the front matter cannot be read.

    Control characters that Word leaves behind are removed with a warning per line rather than
    failing the article, since the author cannot see them.
    """
    text = _remove_control_chars(text.lstrip("\ufeff"), shown_path, diagnostics)
    # Not str.splitlines(): it also breaks at \u2028 and other separators editors do not count.
    lines = text.replace("\r\n", "\n").split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or lines[0].rstrip() != FENCE:
        diagnostics.error(
            shown_path,
            1,
            "文件开头缺少 front matter（标题、日期等信息）",
            "第一行应为 ---，接着写 title: 和 date:，再用一行 --- 结束",
        )
        return None
    closing = next((i for i, line in enumerate(lines[1:], start=1) if line.rstrip() in CLOSING_FENCES), None)
    if closing is None:
        diagnostics.error(shown_path, 1, "front matter 没有结束", "请在标题、日期等信息之后加一行 ---")
        return None
    yaml_text = "".join(lines[1:closing])
    body = "".join(lines[closing + 1 :])
    body_line = closing + 2
    try:
        node = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else 1
        diagnostics.error(
            shown_path,
            line,
            f"front matter 的格式有误（{_describe_yaml_error(error)}）",
            "请检查这一行及上一行：冒号后要有空格，含冒号或 # 的内容请加引号，缩进请用空格",
        )
        return None
    except yaml.YAMLError as error:
        diagnostics.error(shown_path, 1, f"front matter 无法读取（{error}）")
        return None
    except RecursionError:
        diagnostics.error(shown_path, 2, TOO_DEEP, TOO_DEEP_HINT)
        return None
    if node is None:
        return FrontMatter({}, {}, {}, body, body_line)
    if not isinstance(node, yaml.MappingNode):
        diagnostics.error(shown_path, 2, "front matter 应是“键: 值”的列表", "例如 title: 敬老活动")
        return None
    return _construct(node, body, body_line, shown_path, diagnostics)


def _construct(
    node: yaml.MappingNode, body: str, body_line: int, shown_path: str, diagnostics: Diagnostics
) -> FrontMatter:
    """Build the values key by key, so that a bad value (e.g. `date: 2024-13-45`) names its line."""
    constructor = yaml.SafeLoader("")
    values: dict[str, object] = {}
    lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    unreadable: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in lines:
            diagnostics.warning(
                shown_path, line, f"“{key}”写了两次，以这一处为准", f"另一处在第 {lines[key]} 行，请删掉多余的一处"
            )
        lines[key] = line
        try:
            values[key] = constructor.construct_object(value_node, deep=True)
        except (ValueError, yaml.YAMLError) as error:
            diagnostics.error(shown_path, line, f"“{key}”的值无法识别（{error}）")
            unreadable.add(key)
            continue
        except RecursionError:
            diagnostics.error(shown_path, line, TOO_DEEP, TOO_DEEP_HINT)
            unreadable.add(key)
            continue
        if isinstance(value_node, yaml.SequenceNode):
            item_lines[key] = [item.start_mark.line + 2 for item in value_node.value]
    return FrontMatter(values, lines, item_lines, body, body_line, frozenset(unreadable))


def _remove_control_chars(text: str, shown_path: str, diagnostics: Diagnostics) -> str:
    if not XML_ILLEGAL_CHARS.search(text):
        return text
    for number, line in enumerate(text.split("\n"), start=1):
        if XML_ILLEGAL_CHARS.search(line):
            diagnostics.warning(shown_path, number, "这一行有看不见的控制字符（常见于从 Word 复制），已自动删除")
    return XML_ILLEGAL_CHARS.sub("", text)


def _describe_yaml_error(error: yaml.MarkedYAMLError) -> str:
    problem = (error.problem or error.context or "").strip()
    known = {
        "mapping values are not allowed here": "一行里有多余的冒号，整句请加引号",
        "could not find expected ':'": "缺少冒号",
        "found character '\\t' that cannot start any token": "用了 Tab 缩进，请改用空格",
        "expected <block end>, but found '<block mapping start>'": "缩进不一致",
        "found undefined alias": "内容以 * 开头，请加引号",
    }
    for english, chinese in known.items():
        if problem.startswith(english):
            return chinese
    return problem or "无法解析"


def read_page_front_matter(text: str) -> tuple[dict[str, object], str]:
    """(front matter, body) of a hand-written page, where front matter is optional.

    Hand-written pages (about.md, the home page) are not articles: without front matter, or with
    front matter that cannot be read, the whole text is the body, as MkDocs treats it.
    """
    if not text.lstrip("\ufeff").startswith(FENCE):
        return {}, text
    front = parse_front_matter(text, "", Diagnostics())
    if front is None:
        return {}, text
    return dict(front.values), front.body
