"""Wrong forms and what to write instead: the built-in 错别字 list and the site's glossary both
become a `Replacements` matcher.

A wrong form never fires inside a longer correct string: each entry lists such strings as
exceptions (按排 → 安排, except in 按排名 or 按排序), and every right form and every name the
glossary declares is an exception to all entries that it contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from site_builder.proofread import Finding
from site_builder.proofread.prose import Prose
from site_builder.proofread.typo_list import TYPO_TABLE


@dataclass(frozen=True)
class Replacement:
    """One wrong form and its correct form."""

    wrong: str
    right: str
    exceptions: tuple[str, ...] = ()
    """Correct strings that contain `wrong` (按排名 for 按排): an occurrence inside one is not a mistake."""


class Replacements:
    """Finds every wrong form of a list of replacements in prose lines, in one regular expression."""

    def __init__(
        self, entries: Iterable[Replacement], label: str, protected: Iterable[str] = (), hint: str = ""
    ) -> None:
        """`label` starts each message (错别字, 名称) and `hint` follows it; `protected` are strings
        that are right as they are wherever they occur (names from the glossary)."""
        self.label = label
        self.hint = hint
        self.entries = {entry.wrong: entry for entry in entries}
        correct = {*protected, *(entry.right for entry in self.entries.values())}
        self._exceptions = {
            wrong: tuple(sorted({*entry.exceptions, *(text for text in correct if wrong in text and text != wrong)}))
            for wrong, entry in self.entries.items()
        }
        alternatives = sorted(self.entries, key=lambda wrong: (-len(wrong), wrong))
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, prose: Prose) -> list[Finding]:
        """A finding for each wrong form in `prose` that is not part of one of its exceptions."""
        if self._pattern is None:
            return []
        findings = []
        text = prose.text
        for match in self._pattern.finditer(text):
            entry = self.entries[match.group()]
            if not any(_is_inside(text, match.start(), entry.wrong, right) for right in self._exceptions[entry.wrong]):
                message = f"{self.label}：“{entry.wrong}”应为“{entry.right}”"
                findings.append(replace(prose.finding(match.start(), message), hint=self.hint))
        return findings


def _is_inside(text: str, start: int, wrong: str, longer: str) -> bool:
    """Whether the occurrence of `wrong` at `start` in `text` is part of an occurrence of `longer`."""
    offset = longer.find(wrong)
    while offset >= 0:
        if offset <= start and text.startswith(longer, start - offset):
            return True
        offset = longer.find(wrong, offset + 1)
    return False


def parse_typo_table(table: str) -> tuple[Replacement, ...]:
    """Entries of a table written one per line: `wrong right [| exception …]`; `#` starts a comment."""
    entries = []
    for raw in table.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words, _, exceptions = line.partition("|")
        wrong, right = words.split()
        entries.append(Replacement(wrong, right, tuple(exceptions.split())))
    return tuple(entries)


BUILT_IN_TYPOS = parse_typo_table(TYPO_TABLE)
"""The built-in list of frequent 错别字 (see `typo_list` for where it comes from)."""


def typo_matcher(protected: Iterable[str] = ()) -> Replacements:
    """The built-in 错别字 list; `protected` names (the glossary's) are never reported."""
    return Replacements(BUILT_IN_TYPOS, "错别字", protected)
