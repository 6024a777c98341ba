"""The site's glossary (`content/glossary.yml`): the canonical names of its units, people and
other terms, each with the wrong forms editors are known to write.

```yaml
units:                       # 单位
  青溪区关工委: [清溪区关工委, 青溪区关委]
people:                      # 人物
  王秀兰: 王秀蓝             # one wrong form, or a list
terms:                       # 其他名称：地名、活动、品牌
  五老进校园: [五老进学校]
```

The file is read with line numbers so that every problem in it is reported at `path:line`; it
is never published (the MkDocs adapter drops it from the site's files).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from site_builder.diagnostics import Diagnostics
from site_builder.proofread.typos import Replacement, Replacements

GLOSSARY_NAME = "glossary.yml"
"""File name of the glossary, at the top of the content folder."""
CATEGORIES = {"units": "单位", "people": "人物", "terms": "其他名称"}


@dataclass(frozen=True)
class Glossary:
    """Canonical names and their wrong forms, as read from the site's glossary."""

    entries: tuple[Replacement, ...] = ()
    shown_path: str = ""
    categories: tuple[str, ...] = ()
    """The category (`units`, `people`, `terms`) of each entry, in the same order."""

    @property
    def names(self) -> tuple[str, ...]:
        """Every canonical name: correct wherever it occurs, also for the 错别字 list."""
        return tuple(dict.fromkeys(entry.right for entry in self.entries))

    def wrong_forms(self, category: str) -> dict[str, str]:
        """Wrong form → canonical name, for one category: `units` folds a unit written two ways
        into one (the statistics of issue #12 count it once)."""
        return {
            entry.wrong: entry.right
            for entry, kind in zip(self.entries, self.categories, strict=True)
            if kind == category
        }

    def matcher(self) -> Replacements:
        return Replacements(self.entries, "名称", self.names, f"见名称规范表 {self.shown_path}")


def load_glossary(path: Path, shown_path: str, diagnostics: Diagnostics) -> Glossary:
    """The glossary at `path` (empty when there is no such file); each problem is an error at its line."""
    if not path.is_file():
        return Glossary(shown_path=shown_path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        diagnostics.error(shown_path, 0, "文件不是 UTF-8 编码", "请用记事本或 VS Code 另存为“UTF-8”编码后再试")
        return Glossary(shown_path=shown_path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = (error.problem or error.context or "").strip()
        diagnostics.error(
            shown_path,
            mark.line + 1 if mark else 1,
            f"名称规范表的格式有误（{problem}）",
            "每行写成“规范名称: [错误写法1, 错误写法2]”，冒号后要有空格，缩进请用空格",
        )
        return Glossary(shown_path=shown_path)
    except yaml.YAMLError as error:
        diagnostics.error(shown_path, 1, f"名称规范表无法读取（{error}）")
        return Glossary(shown_path=shown_path)
    if node is None:
        return Glossary(shown_path=shown_path)
    found = _read_categories(node, shown_path, diagnostics)
    return Glossary(tuple(entry for entry, _ in found), shown_path, tuple(kind for _, kind in found))


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_categories(node: yaml.Node, shown: str, diagnostics: Diagnostics) -> list[tuple[Replacement, str]]:
    hint = "例如 units: {青溪区关工委: [清溪区关工委]}"
    if not isinstance(node, yaml.MappingNode):
        diagnostics.error(shown, _line(node), "名称规范表应分为 units（单位）、people（人物）、terms（其他名称）", hint)
        return []
    wrong_forms: dict[str, tuple[str, int]] = {}
    entries: list[tuple[Replacement, str]] = []
    for key, value in node.value:
        if key.value not in CATEGORIES:
            known = "、".join(f"{name}（{label}）" for name, label in CATEGORIES.items())
            diagnostics.error(shown, _line(key), f"不认识的分类“{key.value}”，应是 {known} 之一")
            continue
        if isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null"):
            continue
        if not isinstance(value, yaml.MappingNode):
            diagnostics.error(shown, _line(value), f"{key.value} 下应是“规范名称: 错误写法”的列表", hint)
            continue
        for name_node, forms_node in value.value:
            entries += [
                (entry, key.value) for entry in _read_entry(name_node, forms_node, shown, diagnostics, wrong_forms)
            ]
    names = {entry.right for entry, _ in entries}
    for wrong, (right, line) in wrong_forms.items():
        if wrong in names:
            diagnostics.error(shown, line, f"“{wrong}”既是规范名称，又被写成“{right}”的错误写法", "请删掉其中一处")
    return [(entry, kind) for entry, kind in entries if entry.wrong not in names]


def _read_entry(
    name_node: yaml.Node,
    forms_node: yaml.Node,
    shown: str,
    diagnostics: Diagnostics,
    seen: dict[str, tuple[str, int]],
) -> list[Replacement]:
    name = str(name_node.value).strip() if isinstance(name_node, yaml.ScalarNode) else ""
    if not name:
        diagnostics.error(shown, _line(name_node), "规范名称应是一段文字")
        return []
    if isinstance(forms_node, yaml.ScalarNode):
        items = [forms_node] if forms_node.value.strip() else []
    elif isinstance(forms_node, yaml.SequenceNode) and all(isinstance(i, yaml.ScalarNode) for i in forms_node.value):
        items = list(forms_node.value)
    else:
        diagnostics.error(
            shown, _line(forms_node), f"“{name}”的错误写法应是文字或文字列表", f"例如 {name}: [写法1, 写法2]"
        )
        return []
    entries = []
    for item in items:
        wrong = str(item.value).strip()
        if not wrong:
            continue
        if wrong == name:
            diagnostics.error(shown, _line(item), f"“{wrong}”被同时写成了规范名称和它自己的错误写法")
        elif wrong in seen and seen[wrong][0] != name:
            other = seen[wrong][0]
            diagnostics.error(shown, _line(item), f"错误写法“{wrong}”同时对应“{other}”和“{name}”", "请只保留一个")
        else:
            seen[wrong] = (name, _line(item))
            entries.append(Replacement(wrong, name))
    return entries
