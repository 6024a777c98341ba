"""Incremental builds inside MkDocs: unchanged pages are left out of rendering and carried over.

The core decides which pages changed (`site_builder.incremental`: page keys, the fingerprint);
this module tells MkDocs. A page whose key did not change is kept in `Files` as EXCLUDED: MkDocs
neither renders nor copies it, yet still resolves links to it, so the pages that are rendered
link to it exactly as in a cold build. Its file is then hard-linked from the previous site into
the new temporary folder. Only files MkDocs does not write are linked: a link written through
would change the previous site, which must stay whole until the swap.

A build is cold (everything rendered) when there is no trustworthy previous build: another
fingerprint (configuration, theme, versions, hand-written pages), a previous site that is not the
one recorded, a plugin besides ours (its output is not keyed), or `mkdocs build` run directly.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import shutil
import sysconfig
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from site_builder.deploy.manifest import SiteFile, manifest_digest, read_build_stamp
from site_builder.images.collect import PageImages
from site_builder.incremental import BuildState, PageKeys, RenderCache, files_under, fingerprint
from site_builder.pages import PageRegistry, PageSpec
from site_builder.site import Site

log = logging.getLogger("mkdocs.plugins.site_builder")

SEARCH_FOLDER = "search/"
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "jinja2", "pymdown-extensions", "nh3", "pillow")
OUR_PLUGIN = "site_builder"


class IncrementalStage:
    """Per-process state of incremental builds: the last build's state and the render cache."""

    def __init__(self, cache_dir: Path) -> None:
        self.state_path = cache_dir / "state.json"
        self.render_cache = RenderCache(cache_dir / "pages")
        self.state: BuildState | None = None
        self.keys: dict[str, str] = {}
        """Output path of each page → its key, in this build."""
        self.carried: dict[str, SiteFile] = {}
        """Files carried over from the previous site in this build."""
        self.search_key = ""
        self.search_carried = False
        """True when no article changed: the previous search index is carried over whole."""
        self.fingerprint = ""
        self.previous_site: Path | None = None
        self.emptied: set[str] = set()
        self.linked_index: dict[str, tuple[SiteFile, int]] = {}
        """Search files linked from the previous site for the writer to compare, with their times."""
        """Folders of a reused staging folder that lost files: removed after the build if empty."""

    def plan(
        self,
        files: Files,
        config: MkDocsConfig,
        site: Site,
        registry: PageRegistry,
        images: dict[str, PageImages],
        previous_site: Path | None,
    ) -> None:
        """Key every page; when the previous build (in `previous_site`) can be trusted, leave out
        what did not change."""
        self.previous_site = previous_site
        self.fingerprint = _fingerprint(config, site)
        page_keys = PageKeys(self.fingerprint, images, registry, site.source_digests, site.attachments)
        self.keys = {spec.dest_uri: page_keys.key(spec) for spec in registry}
        self.search_key = _search_key(self.fingerprint, registry, self.keys)
        self.carried = {}
        self.linked_index = {}
        self.search_carried = False
        staging = Path(config.site_dir)
        reused = _take_back_reused(staging)
        previous = self._trusted_previous(config)
        if previous is None:
            if reused:
                self.emptied = _reconcile(staging, None, {})
            return
        state, folder = previous
        for spec in registry:
            if self._unchanged(spec, state, folder):
                file = files.get_file_from_path(spec.src_uri)
                if file is not None:
                    file.inclusion = InclusionLevel.EXCLUDED
                    self.carried[spec.dest_uri] = state.files[spec.dest_uri]
        for file in files:
            known = state.files.get(file.dest_uri)
            if (
                file.src_uri not in registry.by_src_uri
                and known is not None
                and _same_variant(file, known)
                and _as_built(folder, file.dest_uri, state)
            ):
                file.inclusion = InclusionLevel.EXCLUDED  # a photo variant already published
                self.carried[file.dest_uri] = known
        index = {path: known for path, known in state.files.items() if path.startswith(SEARCH_FOLDER)}
        if state.search_key == self.search_key and all(_as_built(folder, path, state) for path in index):
            self.carried.update(index)
            self.search_carried = True
        links = dict.fromkeys(self.carried, False)
        if not self.search_carried:
            # The index is written again, but the writer compares each file with what is in place
            # and replaces only those that differ (by rename: the previous site keeps its own).
            self.linked_index = {path: (known, state.mtimes.get(path, -1)) for path, known in index.items()}
            links.update((path, True) for path in index if path not in self.carried and _as_built(folder, path, state))
        self.emptied = _reconcile(staging, folder, links)
        log.info(
            f"增量生成：{len(self.keys) - sum(1 for k in self.keys if k in self.carried)} 个页面重新生成，"
            f"沿用上次的 {len(self.carried)} 个文件"
        )

    def _unchanged(self, spec: PageSpec, state: BuildState, folder: Path) -> bool:
        return (
            spec.nav == "hidden"
            and state.pages.get(spec.dest_uri) == self.keys[spec.dest_uri]
            and _as_built(folder, spec.dest_uri, state)
            and (spec.article is None or self.render_cache.has(self.keys[spec.dest_uri]))
        )

    def _trusted_previous(self, config: MkDocsConfig) -> tuple[BuildState, Path] | None:
        if self.previous_site is None or not self.previous_site.is_dir():
            return None
        if set(config.plugins) != {OUR_PLUGIN}:
            log.info(
                f"增量生成已关闭：mkdocs.yml 还启用了 {'、'.join(sorted(set(config.plugins) - {OUR_PLUGIN}))}，"
                "它们的输出无法按页判断，每次完整生成"
            )
            return None
        state = self.state or BuildState.load(self.state_path)
        if state is None or state.fingerprint != self.fingerprint:
            return None
        folder = self.previous_site.resolve()
        if state.site_dir != str(folder):
            return None
        stamp = read_build_stamp(self.previous_site)
        if stamp is not None and stamp.get("digest") != state.digest:
            return None  # the site in place is not the one this state describes
        return state, self.previous_site

    def search_keys(self, registry: PageRegistry) -> dict[str, str]:
        """Each article's page key by its source name: what the search index names its batches by."""
        return {spec.src_uri: self.keys[spec.dest_uri] for spec in registry if spec.article is not None}

    def cached_html(self, spec: PageSpec) -> str | None:
        """The rendered content of an article page this build carried over."""
        if spec.dest_uri not in self.carried:
            return None
        return self.render_cache.get(self.keys[spec.dest_uri])

    def remember(self, spec: PageSpec, html: str) -> None:
        """Keep an article's rendered content for later builds that do not render it."""
        if spec.article is not None:
            self.render_cache.put(self.keys[spec.dest_uri], html)

    def known_files(self, built: Path) -> dict[str, SiteFile]:
        """Files of `built` whose hashes this build already knows: those carried over, and the
        search files the index writer left as they were (same size and time as when the
        previous build wrote them; a file it changed was replaced, with a new time)."""
        known = dict(self.carried)
        for path, (file, mtime) in self.linked_index.items():
            try:
                found = (built / path).stat()
            except OSError:
                continue
            if found.st_size == file.size and found.st_mtime_ns == mtime:
                known[path] = file
        return known

    def finish(self, files: dict[str, SiteFile], built: Path, site_dir: Path) -> None:
        """Record this build's outputs (in `built`, before it becomes `site_dir`), for the next build."""
        mtimes = {name: os.stat(os.path.join(built, name)).st_mtime_ns for name in files}
        self.state = BuildState(
            self.fingerprint,
            str(site_dir.resolve()),
            manifest_digest(files),
            dict(self.keys),
            files,
            mtimes,
            self.search_key,
        )

    def save(self) -> None:
        """Keep this build's state for the next, and drop the rendered articles no page of it has.

        Only `build` saves: `serve` builds for another address (its keys differ), and pruning to
        its keys would throw away every article the next `build` could carry over."""
        if self.state is not None:
            self.state.save(self.state_path)
            self.render_cache.keep_only(set(self.keys.values()))


def _fingerprint(config: MkDocsConfig, site: Site) -> str:
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = ""
    # Installed themes (Material's, MkDocs') are pinned by their versions above; the site's own
    # folders (custom_dir, and ours when installed for development) are read file by file.
    installed = [Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")]
    own = [
        Path(folder)
        for folder in config.theme.dirs
        if not any(Path(folder).resolve().is_relative_to(prefix) for prefix in installed)
    ]
    theme_files = files_under(own)
    sources = [Path(config.config_file_path)] if config.config_file_path else []
    sources += [page.path for page in site.hand_written]
    return fingerprint(versions, [*theme_files, *sources], [repr(site.settings)])


def _same_variant(file: File, known: SiteFile) -> bool:
    """A photo variant is named by its content, in the image cache and in the site alike: the same
    name there and here, and the same size, is the same file. (Theme images keep their own names,
    so they never match and are always copied.)"""
    source = file.abs_src_path
    return (
        file.generated_by is not None
        and source is not None
        and os.path.isfile(source)
        and os.path.basename(source) == posixpath.basename(file.dest_uri)
        and os.path.getsize(source) == known.size
    )


def _search_key(build_fingerprint: str, registry: PageRegistry, keys: dict[str, str]) -> str:
    """What the search index is made from: every published article's page (its text, title, date…)."""
    digest = hashlib.sha256(build_fingerprint.encode())
    for spec in registry:
        if spec.article is not None:
            digest.update(f"{spec.src_uri}\0{keys[spec.dest_uri]}\0".encode())
    return digest.hexdigest()


def _as_built(folder: Path, path: str, state: BuildState) -> bool:
    """True when the previous site's file is the one that build wrote (same size and time)."""
    known = state.files.get(path)
    try:
        found = os.stat(os.path.join(folder, path))
    except OSError:
        return False
    return known is not None and found.st_size == known.size and found.st_mtime_ns == state.mtimes.get(path)


REUSED_FOLDER = ".previous-build"
"""Inside a staging folder: the build before last's folder, reused (`build.py` puts it there, as a
hidden folder, which MkDocs' cleaning of the staging folder leaves alone)."""


def _take_back_reused(staging: Path) -> bool:
    """Move the reused folder's contents to the top of `staging`; False when there is none."""
    reused = staging / REUSED_FOLDER
    if not reused.is_dir() or reused.is_symlink():
        return False
    for entry in os.scandir(reused):
        os.replace(entry.path, staging / entry.name)
    os.rmdir(reused)
    return True


def _reconcile(staging: Path, previous: Path | None, links: dict[str, bool]) -> set[str]:
    """Make `staging` hold, as files, exactly the hard links to `previous`'s files in `links`
    (path → whether a path the previous site lacks is passed over); return the folders that lost
    files. Folders are kept: on this kind of disk a build spent more time in mkdir (a new folder
    per article) than rendering one edited page.

    A file of a reused folder that is not the previous site's file (same inode) is unlinked before
    anything is written: MkDocs writes into existing files in place, and a file still linked to
    the site being served would change it before the swap.
    """
    wanted = dict(links)
    emptied: set[str] = set()
    root = str(staging)
    pending = [root]
    while pending:
        folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                    continue
                relative = entry.path[len(root) + 1 :]
                if previous is not None and relative in wanted and _same_file(entry, os.path.join(previous, relative)):
                    del wanted[relative]
                else:
                    os.unlink(entry.path)
                    emptied.add(folder)
    if previous is not None:
        _link_into(previous, staging, wanted)
    return emptied


def _same_file(entry: os.DirEntry[str], other: str) -> bool:
    try:
        found = os.stat(other)
    except OSError:
        return False
    return entry.inode() == found.st_ino and entry.stat(follow_symlinks=False).st_dev == found.st_dev


def remove_emptied(staging: Path, folders: set[str]) -> None:
    """Remove the folders of `folders` (and their parents below `staging`) that ended up empty:
    the folders of pages that are gone, as a cold build would not have them."""
    root = str(staging)
    for folder in sorted(folders, key=len, reverse=True):
        while folder != root and folder.startswith(root):
            try:
                os.rmdir(folder)
            except OSError:
                break
            folder = os.path.dirname(folder)


def _link_into(previous: Path, staging: Path, paths: dict[str, bool]) -> None:
    """Hard-link each of `paths` from the previous site into the new folder (copy across devices);
    a path whose value is True is passed over when the previous site no longer has it."""
    made: set[str] = set()
    for relative, missing_ok in paths.items():
        target = os.path.join(staging, relative)
        parent = os.path.dirname(target)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        source = os.path.join(previous, relative)
        try:
            os.link(source, target)
        except FileNotFoundError:
            if not missing_ok:
                raise
        except OSError:
            shutil.copy2(source, target)
