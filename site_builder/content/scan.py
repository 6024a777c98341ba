"""Find the articles of every declared section: single files and bundles.

An article is `<section>/[sub/folders/]<YYYY-MM-DD>-<name>.md` or
`<section>/[…]/<YYYY-MM-DD>-<name>/index.md` (CONTRACT "Content"). A section's own `index.md`
is its introduction, not an article. Symlinks that lead outside the content folder are refused.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from site_builder.content.model import SourceFile
from site_builder.diagnostics import Diagnostics, display_path
from site_builder.settings import SiteSettings

SKIPPED_FOLDERS = ("templates",)
"""Top-level folders of content/ that hold no pages: MkDocs never publishes `templates/`, where
`site-builder new` keeps its per-section templates."""
ARTICLE_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
MARKDOWN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class ScanResult:
    articles: tuple[SourceFile, ...]
    section_intros: dict[str, Path]
    """Hand-written `content/<section>/index.md` files, by section name."""


@dataclass(frozen=True)
class HandWrittenPage:
    """A Markdown page outside the sections (index.md, about.md…): published as written."""

    path: Path
    src_uri: str
    display_path: str
    url: str
    """Site-relative URL by MkDocs' rules: `about.md` → `about/`, `a/index.md` → `a/`."""
    text: str
    """The whole file, front matter included (line numbers count from its first line)."""

    @property
    def folder_url(self) -> str:
        """The output folder of the page (where photos it uses are published)."""
        if self.url.endswith("/"):
            return self.url
        folder = self.url.rpartition("/")[0]
        return f"{folder}/" if folder else ""


def is_inside(path: Path, folder: Path) -> bool:
    """True when `path`, with symlinks resolved, lies inside `folder` (also resolved)."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def inside_checker(folder: Path) -> Callable[[str | Path], bool]:
    """`is_inside(path, folder)` for many paths of one scan: each directory is resolved once, and
    a file only when it is a symlink itself (os.path.realpath resolves every component of every
    path, a tenth of a millisecond each at 2,000 articles). Made per scan, never kept: a folder
    may become a symlink between two builds of `serve`."""
    real_folders: dict[str, str] = {}

    def real_folder(name: str) -> str:
        real = real_folders.get(name)
        if real is None:
            real = real_folders[name] = os.path.realpath(name)
        return real

    root = real_folder(os.fspath(folder))
    prefix = root.rstrip(os.sep) + os.sep

    def check(path: str | Path) -> bool:
        name = os.fspath(path)
        if os.path.islink(name):
            real = os.path.realpath(name)
        else:
            real = os.path.join(real_folder(os.path.dirname(name)), os.path.basename(name))
        return real == root or real.startswith(prefix)

    return check


def scan_sections(settings: SiteSettings, diagnostics: Diagnostics) -> ScanResult:
    """Every article source of every declared section, sorted by path for a stable order."""
    articles: list[SourceFile] = []
    intros: dict[str, Path] = {}
    root = settings.content_dir
    inside = inside_checker(root)
    for section in settings.sections:
        folder = root / section.name
        if not folder.is_dir():
            diagnostics.warning(
                display_path(folder, settings.project_dir),
                0,
                f"栏目“{section.title}”的文件夹不存在",
                f"请新建文件夹 {section.name}/，或从 mkdocs.yml 的 sections 中删掉它",
            )
            continue
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames.sort()
            here = Path(dirpath)
            for filename in sorted(filenames):
                if not filename.lower().endswith(MARKDOWN_SUFFIXES):
                    continue
                source = _classify(here / filename, section.name, settings, diagnostics, intros, inside)
                if source is not None:
                    articles.append(source)
    articles.sort(key=lambda s: s.src_uri)
    return ScanResult(tuple(articles), intros)


def _classify(
    path: Path,
    section: str,
    settings: SiteSettings,
    diagnostics: Diagnostics,
    intros: dict[str, Path],
    inside: Callable[[str | Path], bool],
) -> SourceFile | None:
    root = settings.content_dir
    shown = display_path(path, settings.project_dir)
    if not inside(path):
        diagnostics.error(
            shown,
            0,
            "这是一个指向 content 文件夹以外的链接（symlink），出于安全不会发布",
            "请把文件本身复制到 content 里",
        )
        return None
    rel = path.relative_to(root)
    if path.name == "index.md" and path.parent == root / section:
        intros[section] = path
        return None
    if path.name == "index.md":
        match, is_bundle = ARTICLE_NAME.match(path.parent.name), True
    else:
        match, is_bundle = ARTICLE_NAME.match(path.stem), False
    if match is None:
        diagnostics.error(
            shown,
            0,
            "文件名不符合文章的命名规则",
            "文章应命名为“日期-标题.md”，例如 2024-05-01-敬老活动.md，或放在“日期-标题”文件夹里的 index.md",
        )
        return None
    if (
        not is_bundle
        and path.parent.name
        and ARTICLE_NAME.match(path.parent.name)
        and (path.parent / "index.md").exists()
    ):
        # A second Markdown file inside a bundle is a note beside the article, not an article.
        diagnostics.warning(shown, 0, "文章文件夹里只有 index.md 会被发布，这个文件不会发布")
        return None
    return SourceFile(
        section=section,
        path=path,
        src_uri=rel.as_posix(),
        display_path=shown,
        is_bundle=is_bundle,
        date_part=match.group(1),
        name_part=match.group(2),
    )


def _markdown_outside_sections(root: Path, skipped: set[str]) -> Iterator[Path]:
    """The `.md` files of content/ outside `skipped` top-level folders and hidden ones, without
    walking the sections (thousands of articles) at all."""
    for folder, subfolders, names in os.walk(root):
        top = folder == os.fspath(root)
        subfolders[:] = [n for n in subfolders if not n.startswith(".") and not (top and n in skipped)]
        yield from (Path(folder, name) for name in names if name.endswith(".md") and not name.startswith("."))


def scan_hand_written_pages(settings: SiteSettings) -> tuple[HandWrittenPage, ...]:
    """Every Markdown page of content/ outside the sections, `templates/` and hidden folders."""
    root = settings.content_dir
    skipped = {*(s.name for s in settings.sections), *SKIPPED_FOLDERS}
    inside = inside_checker(root)
    pages = []
    for path in sorted(_markdown_outside_sections(root, skipped)):
        relative = path.relative_to(root)
        if not inside(path):
            continue  # a symlink out of content/ is never read (the adapter warns about it)
        src_uri = relative.as_posix()
        pages.append(
            HandWrittenPage(
                path,
                src_uri,
                display_path(path, settings.project_dir),
                page_url(src_uri, settings.use_directory_urls),
                path.read_text(encoding="utf-8-sig", errors="replace"),
            )
        )
    return tuple(pages)


def page_url(src_uri: str, use_directory_urls: bool = True) -> str:
    """URL of a hand-written page, by MkDocs' rules: `about.md` → `about/`, `a/index.md` → `a/`."""
    path = PurePosixPath(src_uri)
    parent = "" if str(path.parent) == "." else f"{path.parent}/"
    if path.stem in ("index", "README"):
        return parent
    return f"{parent}{path.stem}/" if use_directory_urls else f"{parent}{path.stem}.html"
