"""Map the page registry onto MkDocs `Files`: relocated articles, generated pages, removals.

MkDocs would publish every file of `docs_dir` (ARCHITECTURE pitfall 3): original photos with GPS,
the photos and pages of drafts, anything a symlink points to. Here the set of files to publish is
rebuilt from the core's model: a file under a section is published only because the registry has
a page for it or a published article links to it as an attachment.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from site_builder.content.links import Attachment
from site_builder.content.scan import inside_checker
from site_builder.pages import PageRegistry, PageSpec
from site_builder.proofread.glossary import GLOSSARY_NAME

log = logging.getLogger("mkdocs.plugins.site_builder")

INCLUSION = {"top": InclusionLevel.INCLUDED, "engine": InclusionLevel.INCLUDED, "hidden": InclusionLevel.NOT_IN_NAV}


def select_published_files(
    files: Files, registry: PageRegistry, attachments: tuple[Attachment, ...], config: MkDocsConfig
) -> None:
    """Rewrite `files` in place to hold exactly the registry's pages, attachments and other files."""
    docs_dir = Path(config.docs_dir)
    _remove_escaping_files(files, docs_dir)
    # The glossary is for `check` (proofreading), not for readers.
    if glossary := files.get_file_from_path(GLOSSARY_NAME):
        files.remove(glossary)
    section_prefixes = tuple(f"{name}/" for name in registry.section_folders)
    published_attachments = {a.src_uri: a for a in attachments}
    # In the order MkDocs found the files (the sitemap and search index follow it).
    for file in list(files):
        if not file.src_uri.startswith(section_prefixes):
            continue
        files.remove(file)
        if spec := registry.get(file.src_uri):
            files.append(_moved(file, spec.dest_uri, INCLUSION[spec.nav]))
        elif attachment := published_attachments.get(file.src_uri):
            files.append(_moved(file, attachment.dest_uri, InclusionLevel.INCLUDED))
    for spec in registry:
        _place(files, config, spec)
    for path, text in registry.files.items():
        files.append(File.generated(config, path, content=text))


def _place(files: Files, config: MkDocsConfig, spec: PageSpec) -> None:
    inclusion = INCLUSION[spec.nav]
    existing = files.get_file_from_path(spec.src_uri)
    if spec.source is None:
        files.append(File.generated(config, spec.src_uri, content="", inclusion=inclusion))
    elif existing is not None and (existing.dest_uri != spec.dest_uri or existing.inclusion != inclusion):
        files.remove(existing)
        files.append(_moved(existing, spec.dest_uri, inclusion))


def _moved(file: File, dest_uri: str, inclusion: InclusionLevel) -> File:
    return File(
        file.src_uri, file.src_dir, file.dest_dir, file.use_directory_urls, dest_uri=dest_uri, inclusion=inclusion
    )


def _remove_escaping_files(files: Files, docs_dir: Path) -> None:
    """Drop every file whose real location is outside the content folder (symlinks)."""
    inside = inside_checker(docs_dir)
    for file in list(files):
        if file.src_dir is None or Path(file.src_dir) != docs_dir:
            continue  # theme files and generated files
        if file.abs_src_path and not inside(file.abs_src_path):
            files.remove(file)
            log.warning(f"{os.path.relpath(file.abs_src_path)}: 指向 content 文件夹以外的链接不会发布")
