"""Proofreading for `site-builder check` (issue #11): punctuation, 错别字, the site's glossary of
names, and how fresh each section is.

Every rule is a pure function of text that returns `Finding` values with the line and column
where the problem is; `check` turns them into diagnostics at `path:line`. Nothing here blocks a
build: how findings are reported is the site's choice (`proofread: warn|error|off`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One proofreading problem in a text: where it is and what to write instead."""

    line: int
    """1-based line within the text that was checked."""
    column: int
    """1-based column (characters) within that line."""
    message: str
    """In Chinese, saying what to change, e.g. `错别字：“志原者”应为“志愿者”`."""
    hint: str = ""
    """Where the rule comes from, when the message alone does not say (the glossary's path)."""
