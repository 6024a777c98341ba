"""Simple horizontal bar charts for the 年度工作统计 page, planned here and drawn as inline SVG by a
template (no chart library, nothing loaded from another host; issue #12).

The plan is geometry only (numbers and labels): the template escapes the labels as it draws them,
and puts the same figures in a table beside each chart for readers who cannot see it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 280
"""Width of the drawing in SVG units and CSS pixels: it fits the column beside its table (and
shrinks on a narrower screen), so its text stays at its own size."""
BAR_HEIGHT = 16
ROW_HEIGHT = 24
FONT_SIZE = 12
VALUE_SPACE = 40
"""Room right of the longest bar for its value."""


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    """Top of the bar's row."""
    length: float
    """Length of the bar in SVG units (0 for a zero value)."""


@dataclass(frozen=True)
class BarChart:
    """A titled chart of labelled values, as geometry."""

    key: str
    """Identifier within the page (`months`, `units`): names the SVG's title for screen readers."""
    title: str
    unit: str
    """What a value counts, e.g. 篇."""
    bars: tuple[Bar, ...]
    label_width: int
    """Where the bars start: the widest label's width, in SVG units."""
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    row_height: int = ROW_HEIGHT
    font_size: int = FONT_SIZE

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * self.row_height

    @property
    def text_offset(self) -> float:
        """Baseline of a row's text below the row's top, centred on its bar."""
        return (self.row_height + self.font_size) / 2 - 2

    @property
    def bar_offset(self) -> float:
        return (self.row_height - self.bar_height) / 2


def text_width(text: str, font_size: int = FONT_SIZE) -> int:
    """Estimated width of `text`: a Chinese character is one em, Latin letters and digits about half."""
    ems = sum(1.0 if unicodedata.east_asian_width(char) in "WF" else 0.6 for char in text)
    return int(ems * font_size) + 1


def plan_bar_chart(key: str, title: str, rows: Iterable[tuple[str, int]], unit: str = "篇") -> BarChart:
    """Bars proportional to the largest value (which gets the full width left of its label)."""
    items = list(rows)
    label_width = max((text_width(label) for label, _ in items), default=0) + 8
    room = WIDTH - label_width - VALUE_SPACE
    largest = max((value for _, value in items), default=0)
    bars = tuple(
        Bar(label, value, index * ROW_HEIGHT, round(room * value / largest, 1) if largest else 0.0)
        for index, (label, value) in enumerate(items)
    )
    return BarChart(key, title, unit, bars, label_width)
