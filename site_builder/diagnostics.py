"""Problems found in the content, collected as values and reported together.

A stage never raises for bad content: it returns a `Diagnostic` and carries on, so that one run
lists every problem of the site (CONTRACT: "all errors of a run listed together").
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path


class Severity(enum.Enum):
    ERROR = "错误"
    WARNING = "警告"


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file: where it is, what is wrong and what to do about it."""

    path: str
    """Path shown to the user, relative to the project folder (the folder of mkdocs.yml)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    severity: Severity = field(compare=False)
    message: str = field(compare=False)
    hint: str = field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        """`path:line: 错误: message（hint）`, the form editors and terminals make clickable."""
        location = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{location}: {self.severity.value}: {self.message}"
        return f"{text}。{self.hint}" if self.hint else text


class Diagnostics:
    """An append-only collection of diagnostics with helpers bound to one file."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []

    def error(self, path: str, line: int, message: str, hint: str = "") -> None:
        self._items.append(Diagnostic(path, line, Severity.ERROR, message, hint))

    def warning(self, path: str, line: int, message: str, hint: str = "") -> None:
        self._items.append(Diagnostic(path, line, Severity.WARNING, message, hint))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self._items.extend(items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        """Errors and warnings ordered by file and line, duplicates removed."""
        unique = {(d.path, d.line, d.severity, d.message): d for d in self._items}
        return sorted(unique.values())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if not d.is_error]

    def errors_for(self, path: str) -> list[Diagnostic]:
        return [d for d in self._items if d.is_error and d.path == path]


def display_path(path: Path, root: Path) -> str:
    """The path as the user should see it: relative to the project folder when inside it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
