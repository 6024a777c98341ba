"""mammoth's HTML → blocks of cleaned text and Markdown (IMPORT.md §3.3, §3.4).

Our own converter rather than mammoth's Markdown output, which flattens tables into one paragraph
per cell (§1). Each block keeps its plain text (what the front-matter guess reads) beside its
Markdown (what the body gets). Word debris goes here: indents typed as full-width spaces, soft
hyphens, zero-width characters, empty paragraphs; text that Markdown would misread (`1. ` at a
line start renumbers, `*` and `_` emphasise, `<` opens a tag) is escaped.
"""

from __future__ import annotations

import enum
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from site_builder.importing.docx import PICTURE_SRC
from site_builder.text import strip_control_chars


class Kind(enum.Enum):
    PARAGRAPH = "paragraph"
    HEADING = "heading"
    PICTURE = "picture"
    TABLE = "table"
    LIST = "list"


@dataclass(frozen=True)
class Block:
    """One block of the document body, in order."""

    kind: Kind
    text: str = ""
    """Plain text, cleaned; lines of a paragraph (Shift+Enter in Word) joined by a newline."""
    markdown: str = ""
    level: int = 0
    """HEADING: 1 for Word's Heading 1 (the article title is the page's only `#`)."""
    style: str = ""
    """`title`, `subtitle`, `caption` (from Word's styles), `centred` (centred plain paragraph)."""
    is_bold: bool = False
    """Every character is bold: how many 通讯员 mark the title."""
    picture: int = 0
    """PICTURE: the picture's 1-based number in the document."""

    def with_text(self, convert: Callable[[str], str]) -> Block:
        """The same block with `convert` applied to its text and Markdown (e.g. to Simplified)."""
        return replace(self, text=convert(self.text), markdown=convert(self.markdown))


_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e]")
"""Soft hyphen and zero-width characters: invisible in Word, stray characters on a web page."""
_SPACES = re.compile("[\t\u00a0\u2002\u2003\u2009\u202f]")
_EDGE_SPACE = " \u3000"
_CLASS_STYLES = {"doc-title": "title", "subtitle": "subtitle", "caption": "caption", "centred": "centred"}


def clean_text(text: str) -> str:
    """Characters Word leaves in text that a web page must not show: control characters (XML-illegal),
    soft hyphens, zero-width spaces and BOMs removed; tabs and no-break spaces made plain spaces;
    a non-breaking hyphen (U+2011) made `-`."""
    text = strip_control_chars(text).replace("\r", "")
    text = _INVISIBLE.sub("", text).replace("\u2011", "-")
    return _SPACES.sub(" ", text)


def parse_blocks(fragment: str) -> list[Block]:
    """The blocks of mammoth's HTML, in document order, empty ones left out.

    A picture becomes a block of its own, also when Word anchored it inside a text paragraph
    (§2.2); a table that holds pictures is a layout table and is unpacked into its pictures and
    paragraphs; every other table is kept as a table.
    """
    root = ET.fromstring(f"<root>{fragment}</root>")
    return [block for element in root for block in _blocks_of(element)]


def _blocks_of(element: ET.Element) -> Iterator[Block]:
    tag = element.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        style = _CLASS_STYLES.get(element.get("class", ""), "")
        for block in _inline_blocks(element, Kind.HEADING, style):
            yield replace(block, level=int(tag[1]))
    elif tag == "table":
        if element.find(".//img") is not None:
            yield from _layout_table(element)
        else:
            yield from _table(element)
    elif tag in ("ol", "ul"):
        lines = list(_list_lines(element, 0))
        if lines:
            yield Block(Kind.LIST, text="\n".join(text for text, _ in lines), markdown="\n".join(md for _, md in lines))
    else:  # p, a bare img (VML pictures), anything unexpected: read as a paragraph
        yield from _inline_blocks(element, Kind.PARAGRAPH, _CLASS_STYLES.get(element.get("class", ""), ""))


# --- inline content -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass(frozen=True)
class _PictureMark:
    number: int


_Piece = _Run | _PictureMark
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.I)


def _pieces(element: ET.Element, bold: bool = False, italic: bool = False, href: str = "") -> Iterator[_Piece]:
    """Text runs with their formatting, `\\n` for line breaks, and picture marks, in order."""
    tag = element.tag
    if tag == "img":
        src = element.get("src", "")
        if src.startswith(PICTURE_SRC) and src[len(PICTURE_SRC) :].isdigit():
            yield _PictureMark(int(src[len(PICTURE_SRC) :]))
        return
    if tag == "br":
        yield _Run("\n")
        return
    if tag == "a":
        link = element.get("href", "")
        if "".join(element.itertext()).strip() == "↑":  # mammoth's back-link from a footnote
            return
        href = link if _SAFE_LINK.match(link) else href
    bold = bold or tag in ("strong", "b")
    italic = italic or tag in ("em", "i")
    if element.text:
        yield _Run(clean_text(element.text), bold, italic, href)
    for child in element:
        yield from _pieces(child, bold, italic, href)
        if child.tail:
            yield _Run(clean_text(child.tail), bold, italic, href)


def _inline_blocks(element: ET.Element, kind: Kind, style: str) -> Iterator[Block]:
    """Split an element's content at pictures and at empty lines (two Shift+Enter in Word mean a
    new paragraph), and make a block of each part."""
    lines: list[list[_Run]] = [[]]

    def flush() -> Iterator[Block]:
        block = _text_block(lines, kind, style)
        lines[:] = [[]]
        if block is not None:
            yield block

    for piece in _pieces(element):
        if isinstance(piece, _PictureMark):
            yield from flush()
            yield Block(Kind.PICTURE, picture=piece.number)
            continue
        parts = piece.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                if not "".join(r.text for r in lines[-1]).strip(_EDGE_SPACE):
                    yield from flush()  # an empty line: the paragraph ends here
                else:
                    lines.append([])
            if part:
                lines[-1].append(replace(piece, text=part))
    yield from flush()


def _text_block(lines: list[list[_Run]], kind: Kind, style: str) -> Block | None:
    trimmed = [_trim(line) for line in lines]
    trimmed = [line for line in trimmed if line]
    if not trimmed:
        return None
    text = "\n".join("".join(r.text for r in line) for line in trimmed)
    markdown = "  \n".join(_protect_line_start(_render_runs(line)) for line in trimmed)
    is_bold = all(r.bold for line in trimmed for r in line if r.text.strip(_EDGE_SPACE))
    return Block(kind, text=text, markdown=markdown, style=style, is_bold=is_bold)


_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])[ \u3000]+(?=[{_HAN}])")
_SHORT_HAN_WORD = re.compile(f"[{_HAN}]{{1,4}}")


def _trim(line: list[_Run]) -> list[_Run]:
    """A line without the indent (full-width spaces, spaces) before it and the spaces after it."""
    runs = list(line)
    while runs and not runs[0].text.lstrip(_EDGE_SPACE):
        runs.pop(0)
    if runs:
        runs[0] = replace(runs[0], text=runs[0].text.lstrip(_EDGE_SPACE))
    while runs and not runs[-1].text.rstrip(_EDGE_SPACE):
        runs.pop()
    if runs:
        runs[-1] = replace(runs[-1], text=runs[-1].text.rstrip(_EDGE_SPACE))
    return runs


def _han_gaps(text: str) -> set[int]:
    """Positions of the spaces Word users type between Chinese characters to align text
    (`讲解了    如何`), except in a list of names (`王秀兰 李建国 张桂芳`), where they separate
    the names. Only the body and captions lose them: the guess reads credit lines with them."""
    words = text.split()
    if len(words) >= 2 and all(_SHORT_HAN_WORD.fullmatch(word) for word in words):
        return set()
    return {i for match in _SPACE_BETWEEN_HAN.finditer(text) for i in range(match.start(), match.end())}


def close_han_gaps(text: str) -> str:
    """`text` without the spaces between Chinese characters (see `_han_gaps`), line by line."""
    lines = []
    for line in text.split("\n"):
        gaps = _han_gaps(line)
        lines.append("".join(c for i, c in enumerate(line) if i not in gaps))
    return "\n".join(lines)


def _close_han_gaps(line: list[_Run]) -> list[_Run]:
    gaps = _han_gaps("".join(run.text for run in line))
    if not gaps:
        return line
    runs, offset = [], 0
    for run in line:
        text = "".join(c for i, c in enumerate(run.text, start=offset) if i not in gaps)
        offset += len(run.text)
        if text:
            runs.append(replace(run, text=text))
    return runs


def _render_runs(runs: list[_Run]) -> str:
    """Markdown of one line: neighbouring runs of the same formatting merged (Word splits runs at
    every edit, and `**a****b**` would not render), whitespace kept outside the delimiters, no
    spaces between Chinese characters."""
    merged: list[_Run] = []
    for run in _close_han_gaps(runs):
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href) == (run.bold, run.italic, run.href):
            merged[-1] = replace(merged[-1], text=merged[-1].text + run.text)
        else:
            merged.append(run)
    out = []
    for run in merged:
        core = run.text.strip(_EDGE_SPACE)
        if not core:
            out.append(run.text)
            continue
        lead = run.text[: len(run.text) - len(run.text.lstrip(_EDGE_SPACE))]
        trail = run.text[len(run.text.rstrip(_EDGE_SPACE)) :]
        rendered = escape_markdown(core)
        if run.bold and run.italic:
            rendered = f"***{rendered}***"
        elif run.bold:
            rendered = f"**{rendered}**"
        elif run.italic:
            rendered = f"*{rendered}*"
        if run.href:
            rendered = f"[{rendered}](<{run.href.replace('>', '%3E').replace(' ', '%20')}>)"
        out.append(lead + rendered + trail)
    return "".join(out)


_ENTITY = re.compile(r"&(?=#?\w+;)")
_BACKSLASHED = re.compile(r"([\\`*_\[\]{}])")


def escape_markdown(text: str) -> str:
    """`text` so that Markdown shows it as written: emphasis, link and code characters escaped,
    `<` and entity-like `&` written as entities (Python-Markdown has no `\\<`)."""
    text = _BACKSLASHED.sub(r"\\\1", text)
    return _ENTITY.sub("&amp;", text).replace("<", "&lt;")


_LINE_STARTS = (
    (re.compile(r"^(\d+)\.(\s)"), r"\1\\.\2"),  # `1. 成立…` would restart the numbering at 1
    (re.compile(r"^([#>+-])"), r"\\\1"),  # heading, quote, list item
    (re.compile(r"^(=+\s*)$"), r"&#61;\1"),  # a setext underline turns the previous line into a heading
)


def _protect_line_start(line: str) -> str:
    for pattern, replacement in _LINE_STARTS:
        line = pattern.sub(replacement, line)
    return line


# --- tables and lists ---------------------------------------------------------------------------


def _rows(table: ET.Element) -> list[ET.Element]:
    return [row for row in table.iter("tr")]


def _cells(row: ET.Element) -> list[ET.Element]:
    return [cell for cell in row if cell.tag in ("td", "th")]


def _cell_lines(cell: ET.Element) -> list[list[_Run]]:
    """A cell's paragraphs as lines of runs, empty ones left out (pictures are not expected here)."""
    lines: list[list[_Run]] = []
    children = [child for child in cell if child.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6")] or [cell]
    for child in children:
        current: list[_Run] = []
        for piece in _pieces(child):
            if isinstance(piece, _PictureMark):
                continue
            for index, part in enumerate(piece.text.split("\n")):
                if index:
                    lines.append(_trim(current))
                    current = []
                if part:
                    current.append(replace(piece, text=part))
        lines.append(_trim(current))
    return [line for line in lines if line]


def _table(table: ET.Element) -> Iterator[Block]:
    """A Markdown pipe table when every cell is one line without merged cells (the `tables`
    extension MkDocs enables by default renders it), else the table as HTML, which the site's
    sanitiser keeps (colspan/rowspan included). The first row is the header, as in most reports."""
    rows = _rows(table)
    grid = [[_cell_lines(cell) for cell in _cells(row)] for row in rows]
    grid = [row for row in grid if row]
    if not grid or not any(any(cell) for row in grid for cell in row):
        return
    text = "\n".join(" ".join(_plain(cell) for cell in row) for row in grid)
    width = len(grid[0])
    is_simple = (
        all(len(row) == width for row in grid)
        and all(len(cell) <= 1 for row in grid for cell in row)
        and not any(c.get("colspan") or c.get("rowspan") for row in rows for c in _cells(row))
    )
    if is_simple:
        lines = ["| " + " | ".join(_pipe_cell(cell) for cell in grid[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(_pipe_cell(cell) for cell in row) + " |" for row in grid[1:]]
        yield Block(Kind.TABLE, text=text, markdown="\n".join(lines))
        return
    yield Block(Kind.TABLE, text=text, markdown=_html_table(rows))


def _plain(cell: list[list[_Run]]) -> str:
    return " ".join("".join(r.text for r in line) for line in cell)


def _pipe_cell(cell: list[list[_Run]]) -> str:
    return _render_runs(cell[0]).replace("|", "\\|") if cell else ""


def _html_table(rows: list[ET.Element]) -> str:
    table = ET.Element("table")
    for index, row in enumerate(rows):
        out_row = ET.SubElement(table, "tr")
        for cell in _cells(row):
            tag = "th" if cell.tag == "th" or index == 0 else "td"
            attributes = {k: v for k, v in cell.attrib.items() if k in ("colspan", "rowspan") and v.isdigit()}
            out_cell = ET.SubElement(out_row, tag, attributes)
            lines = _cell_lines(cell)
            previous: ET.Element | None = None
            for number, line in enumerate(lines):
                if number:
                    previous = ET.SubElement(out_cell, "br")
                for run in line:
                    if run.bold:
                        previous = ET.SubElement(out_cell, "strong")
                        previous.text = run.text
                    elif previous is None:
                        out_cell.text = (out_cell.text or "") + run.text
                    else:
                        previous.tail = (previous.tail or "") + run.text
    return ET.tostring(table, encoding="unicode", method="html")


def _layout_table(table: ET.Element) -> Iterator[Block]:
    """A table used to lay out photos (side by side, captions in the row below or in the same
    cell): its pictures and paragraphs in reading order, a short paragraph right after a picture
    marked as its caption. When a row of pictures is followed by a row of text with as many cells,
    the two rows are read column by column, so that each photo is followed by its caption."""
    rows = [[list(_cell_blocks(cell)) for cell in _cells(row)] for row in _rows(table)]
    cells: list[list[Block]] = []
    index = 0
    while index < len(rows):
        row, following = rows[index], rows[index + 1] if index + 1 < len(rows) else []
        is_picture_row = bool(row) and all(blocks and all(b.kind is Kind.PICTURE for b in blocks) for blocks in row)
        is_caption_row = len(following) == len(row) and all(
            all(b.kind is not Kind.PICTURE for b in blocks) for blocks in following
        )
        if is_picture_row and is_caption_row:
            cells += [pictures + texts for pictures, texts in zip(row, following, strict=True)]
            index += 2
        else:
            cells += row
            index += 1
    for blocks in cells:
        previous: Block | None = None
        for block in blocks:
            if previous is not None and previous.kind is Kind.PICTURE and _is_short_text(block):
                block = replace(block, style="caption")
            yield block
            previous = block


def _is_short_text(block: Block) -> bool:
    return block.kind is Kind.PARAGRAPH and not block.style and 0 < len(block.text) <= 120


def _cell_blocks(cell: ET.Element) -> Iterator[Block]:
    children = list(cell)
    if not children:
        yield from _inline_blocks(cell, Kind.PARAGRAPH, "")
    for child in children:
        yield from _blocks_of(child)


def _list_lines(element: ET.Element, depth: int) -> Iterator[tuple[str, str]]:
    """(plain, Markdown) lines of a list; nested lists indented four spaces per level."""
    ordered = element.tag == "ol"
    number = 0
    for item in element:
        if item.tag != "li":
            continue
        number += 1
        holder = ET.Element("li")
        holder.text = item.text
        nested = []
        for child in item:
            if child.tag in ("ol", "ul"):
                nested.append(child)
            else:
                holder.append(child)
        runs = [piece for piece in _pieces(holder) if isinstance(piece, _Run)]
        line = _trim([replace(run, text=run.text.replace("\n", " ")) for run in runs])
        if line:
            marker = f"{number}." if ordered else "-"
            plain = "".join(r.text for r in line)
            yield plain, "    " * depth + f"{marker} {_render_runs(line)}"
        for child in nested:
            yield from _list_lines(child, depth + 1)


def markdown_heading(block: Block) -> str:
    """A heading's Markdown, one level below Word's: the article's title is the page's `#`."""
    return "#" * min(block.level + 1, 6) + " " + block.markdown.replace("  \n", " ")
