"""SiteBuilderPlugin: MkDocs events in, calls to the core out; each handler a few lines.

Event order and why each step sits where it does: ARCHITECTURE.md §1.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext
from PIL import Image

from site_builder.attachment_links import AttachmentLinkExtension, labels_for_page
from site_builder.cjk_breaks import CjkLineBreakExtension
from site_builder.content.cache import ArticleCache
from site_builder.diagnostics import Diagnostics
from site_builder.feeds import FeedWriter, plan_feeds
from site_builder.images.markdown import PictureExtension
from site_builder.images.process import ImageProcessor
from site_builder.mkdocs_plugin.config import SiteBuilderConfig, to_settings
from site_builder.mkdocs_plugin.engine import current_engine, rewrite_generator
from site_builder.mkdocs_plugin.files import select_published_files
from site_builder.mkdocs_plugin.images import ImageStage
from site_builder.mkdocs_plugin.incremental import IncrementalStage
from site_builder.mkdocs_plugin.search import SearchIndexStage
from site_builder.pages import PageRegistry, build_registry
from site_builder.publication_rules import publication_time, withheld_report
from site_builder.sanitize import SanitizeExtension
from site_builder.settings import SettingsError
from site_builder.site import Site, load_site
from site_builder.sitemap import write_sitemap
from site_builder.summaries import Summaries
from site_builder.template_data import (
    PUBLISHER_LOGO,
    SHARE_IMAGE,
    TemplateData,
    ThemeImage,
    short_date,
    zh_date,
)
from site_builder.text import escape, strip_control_chars
from site_builder.workers import WorkerPool

log = logging.getLogger("mkdocs.plugins.site_builder")

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = "assets/site_builder/site.css"
WORKERS_VARIABLE = "SITE_BUILDER_WORKERS"
PREVIEW_STATE = "preview"
"""Subfolder of the cache where the 写作台's preview keeps its incremental state."""


class ContentErrors(PluginError):
    """The content has errors; they were logged one per line as `path:line: message`."""


class SiteBuilderPlugin(BasePlugin[SiteBuilderConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.command = "build"
        self.diagnostics = Diagnostics()
        self.site: Site | None = None
        self.data: TemplateData | None = None
        self.registry = PageRegistry()
        self.pool = WorkerPool()
        """Shared by the image jobs; `SITE_BUILDER_WORKERS=1` runs everything in-process."""
        self.processor = ImageProcessor(self.pool)
        self.search = SearchIndexStage()
        self.pictures = PictureExtension()
        self.sanitizer = SanitizeExtension()
        self.line_breaks = CjkLineBreakExtension()
        self.attachment_links = AttachmentLinkExtension()
        self.engine = current_engine()
        self.images: ImageStage | None = None
        self.incremental: IncrementalStage | None = None
        """Kept across `serve` rebuilds: the last build's state and keys live here."""
        self.article_cache: ArticleCache | None = None
        self.previous_site: Path | None = None
        """The site this build replaces, set by `site-builder build` and the preview (carried from)."""
        self.has_lightbox = False
        self.preview_mode = False
        """Set in code by the 写作台's preview (never from mkdocs.yml): withheld articles are built
        too, and the incremental state is kept apart from the site's (`PREVIEW_STATE`)."""

    # Kept across `serve` rebuilds because this handler exists (ARCHITECTURE §1), so the worker
    # pool survives rebuilds too.
    @property
    def stage(self) -> ImageStage:
        """The image stage of the current build (made in `on_config`, which runs first)."""
        assert self.images is not None
        return self.images

    @property
    def rebuilds(self) -> IncrementalStage:
        """Incremental-build state (made in `on_config`, kept across `serve` rebuilds)."""
        assert self.incremental is not None
        return self.incremental

    @property
    def articles(self) -> ArticleCache:
        """Parsed articles kept between builds (made in `on_config`)."""
        assert self.article_cache is not None
        return self.article_cache

    @property
    def template_data(self) -> TemplateData:
        """Template data of the current build (made in `on_files`)."""
        assert self.data is not None
        return self.data

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        log.info(f"生成引擎：{self.engine.generator}")

    def on_shutdown(self) -> None:
        self.pool.close()

    def on_build_error(self, *, error: Exception) -> None:
        if self.images is not None:
            self.images.batch = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        try:
            self.settings = to_settings(self.config, config)
        except SettingsError as error:
            raise PluginError(f"site_builder 配置有误：{error}") from None
        if self.preview_mode:
            self.settings = replace(self.settings, include_withheld=True)
        self.diagnostics = Diagnostics()
        # Our default templates sit after custom_dir (so themes/ can override them) and before
        # Material's own.
        dirs = config.theme.dirs
        position = 1 if config.theme.custom_dir else 0
        if str(TEMPLATES_DIR) not in dirs:
            dirs.insert(position, str(TEMPLATES_DIR))
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)
        # MkDocs accepts Extension instances beside names, though its type says list[str].
        extensions: list[object] = config.markdown_extensions  # type: ignore[assignment]
        if self.pictures not in extensions:
            extensions.append(self.pictures)
        if self.attachment_links not in extensions:
            extensions.append(self.attachment_links)
        if self.line_breaks not in extensions:
            extensions.append(self.line_breaks)
        if self.config.sanitize_html and self.sanitizer not in extensions:
            extensions.append(self.sanitizer)
        self.pool.resize(int(os.environ.get(WORKERS_VARIABLE) or 0) or None)
        self.search.configure(self.config.search, config)
        self.images = ImageStage(self.settings, self.processor, config.use_directory_urls)
        cache_dir = self.stage.cache_dir.parent
        state_dir = cache_dir / PREVIEW_STATE if self.preview_mode else cache_dir
        if self.incremental is None or self.incremental.state_path.parent != state_dir:
            self.incremental = IncrementalStage(state_dir)
            self.article_cache = ArticleCache(cache_dir / "articles.pickle", salt=str(self.settings.timezone))
        if not config.site_url:
            log.warning(
                "mkdocs.yml 没有设置 site_url：订阅（RSS）、站点地图和分享卡片需要网站的完整地址，"
                "请加一行 site_url: https://…/"
            )
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        now = publication_time(self.settings.timezone, os.environ)
        self.site = load_site(self.settings, now, self.diagnostics, self.articles)
        self.articles.save()
        feed_plans = plan_feeds(self.site)
        self.registry = build_registry(self.site, feed_plans, self.diagnostics)
        select_published_files(files, self.registry, self.site.attachments, config)
        self.stage.plan(self.site, self.diagnostics)
        self._report_diagnostics()
        if self.diagnostics.errors and self.command == "build":
            # Decode the photos all the same: one run lists every problem, as `check` does.
            self.stage.start()
            self._finish_images()
        self.stage.place(files, config)
        self.has_lightbox = self.stage.add_lightbox(files, config)
        self.rebuilds.plan(files, config, self.site, self.registry, self.stage.pages, self.previous_site)
        self.stage.start()
        summaries = Summaries()
        self.feeds = FeedWriter(self.site, feed_plans, self.stage.pages, self.stage.cache_dir, summaries)
        self.data = TemplateData(self.site, self.stage.pages, summaries, _theme_images(config.theme.dirs))
        return files

    # After other plugins' nav edits (priority -50, like Material's blog plugin).
    @event_priority(-50)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled or self.site is None:
            return None
        for spec in self.registry:
            page, parent = _page(files, spec.src_uri), _page(files, spec.parent)
            if page is not None and parent is not None:
                page.parent = parent  # type: ignore[assignment]  # a page as parent: Material marks its tab
        if config.nav is None:
            return _ordered_nav(nav, [_page(files, spec.src_uri) for spec in self.registry if spec.nav == "top"])
        return None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        spec = self.registry.get(page.file.src_uri)
        if spec is None:
            return None
        self.pictures.current = self.stage.current_page(spec.src_uri, page.url)
        self.attachment_links.current = labels_for_page(spec.src_uri, self.site.attachments) if self.site else {}
        if spec.meta is not None:
            page.meta = dict(spec.meta)
        # Material prints these raw: they are escaped once here, for its templates only.
        page.meta["title"] = escape(spec.title)
        for key in ("author", "description"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = escape(page.meta[key])
        if spec.template:
            page.meta["template"] = spec.template
        if not spec.in_search:
            page.meta["search"] = {"exclude": True}
        page.update_date = spec.updated or page.update_date
        return spec.markdown if spec.markdown is not None else strip_control_chars(markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        spec = self.registry.get(page.file.src_uri)
        if spec is None:
            return None
        self.search.collect(spec, html)
        page.meta["description"] = escape(self.template_data.description(spec, html))
        if spec.article is not None:
            self.feeds.keep_html(spec.article, html)
            self.rebuilds.remember(spec, html)
        return None

    # Variant files must exist before MkDocs copies static files, right after this event.
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        self.pictures.current = None
        env.filters["zh_date"] = zh_date
        env.filters["short_date"] = short_date
        # Titles are text (issue #2): our templates are autoescaped, so every front-matter value
        # prints as text; Material's templates keep MkDocs' default and get pre-escaped titles.
        env.autoescape = _autoescape_site_builder_templates
        if self.config.enabled:
            env.bytecode_cache = _template_cache(self.stage.cache_dir.parent)
            # The footer of every page, the 404 page included (it has no page context).
            env.globals["sb_beian"] = self.settings.beian
        if self.images is not None:
            self._finish_images()
        return env

    # Before other plugins' handlers (priority 0), which then see our template data.
    @event_priority(50)
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        spec = self.registry.get(page.file.src_uri)
        if spec is None:
            return None
        ours = self.template_data.context(spec)
        ours["sb_lightbox"] = self.has_lightbox and bool(ours["sb_lightbox"])
        # MkDocs' TypedDict lists only its own keys; templates read ours from the same context.
        context.update(ours)  # type: ignore[typeddict-item]
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        # The page is written next and nothing reads its HTML afterwards (listings use the
        # teasers, the search index keeps its text): freeing it keeps memory flat per article.
        spec = self.registry.get(page.file.src_uri)
        if spec is not None and spec.article is not None:
            page.content = ""
        return rewrite_generator(output, self.engine, config.extra.get("generator", True) is not False)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str | None:
        # 404.html is a theme template, not a page: its generator tag is rewritten here.
        if not template_name.endswith(".html"):
            return None
        return rewrite_generator(output_content, self.engine, config.extra.get("generator", True) is not False)

    # Last, after other plugins' post-build work.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.site is None:
            return
        for spec in self.registry:
            article = spec.article
            wanted = article is not None and article.url in self.feeds.wanted
            if wanted and article is not None and (html := self.rebuilds.cached_html(spec)) is not None:
                self.feeds.keep_html(article, html)
        if not self.rebuilds.search_carried:  # when no article changed, the index was carried over
            registry = self.registry

            def cached_html(src_uri: str) -> str | None:
                spec = registry.get(src_uri)
                return self.rebuilds.cached_html(spec) if spec is not None else None

            self.search.write(self.site, config.site_dir, self.rebuilds.search_keys(registry), cached_html)
        self.feeds.write(Path(config.site_dir))
        if self.settings.site_url:
            today = publication_time(self.settings.timezone, os.environ).date().isoformat()
            write_sitemap(Path(config.site_dir), self.registry, self.settings.site_url, today)
        for line in withheld_report(self.site.withheld):
            log.info(line)
        log.info(f"已发布 {len(self.site.published)} 篇文章，未发布 {len(self.site.withheld)} 篇")

    def _finish_images(self) -> None:
        """Wait for the photos, report those that failed, and stop a `build` that has errors."""
        late = Diagnostics()
        self.stage.finish(late)
        for diagnostic in late:
            log.error(diagnostic.format())
        self.diagnostics.extend(late.sorted())
        self._abort_on_errors()

    def _abort_on_errors(self) -> None:
        """In `build`, any error stops before output is written; `serve` keeps previewing."""
        if self.diagnostics.errors and self.command == "build":
            count = len(self.diagnostics.errors)
            raise ContentErrors(f"内容有 {count} 处错误（见上），网站没有生成，原有的网站保持不变")

    def _report_diagnostics(self) -> None:
        for diagnostic in self.diagnostics:
            (log.error if diagnostic.is_error else log.warning)(diagnostic.format())


def _autoescape_site_builder_templates(name: str | None) -> bool:
    return name is not None and name.startswith("site_builder/")


def _page(files: Files, src_uri: str | None) -> Page | None:
    file = files.get_file_from_path(src_uri) if src_uri else None
    return file.page if file is not None else None


def _ordered_nav(nav: Navigation, top_pages: list[Page | None]) -> Navigation:
    """The registry's top pages first, in its order (home, then the sections in config order),
    then what MkDocs found itself (hand-written pages).

    MkDocs' auto-nav would name section folders by their English folder names and sort them
    alphabetically; sections are single pages here, since their articles are not in the nav.
    """
    first = [page for page in top_pages if page is not None]
    special = {id(page) for page in first}
    rest = [item for item in nav.items if not _holds_only(item, special)]
    items = first + rest
    for page in first:
        page.parent = None
    pages = [item for item in _walk(items) if isinstance(item, Page)]
    for previous, current in zip([None, *pages], pages, strict=False):
        current.previous_page = previous
        if previous is not None:
            previous.next_page = current
    if pages:
        pages[-1].next_page = None
    return Navigation(items, pages)


def _holds_only(item, special: set[int]) -> bool:
    if isinstance(item, Section):
        return all(_holds_only(child, special) for child in item.children)
    return id(item) in special


def _walk(items):
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def _theme_images(theme_dirs: list[str]) -> dict[str, ThemeImage]:
    """The share image and publisher logo as the theme serves them (a site's custom_dir first),
    with their sizes read from the file's header."""
    found = {}
    for path in (SHARE_IMAGE, PUBLISHER_LOGO):
        for folder in theme_dirs:
            candidate = Path(folder) / path
            if candidate.is_file():
                try:
                    with Image.open(candidate) as image:
                        found[path] = ThemeImage(path, *image.size)
                except OSError as error:
                    log.warning(f"主题图片“{candidate}”无法读取，分享卡片不用它：{error}")
                break
    return found


def _template_cache(cache_dir: Path) -> FileSystemBytecodeCache:
    """Compiled templates kept between builds: compiling Material's templates took 0.3 s of every
    build. Jinja checks each template's source against its entry; the folder is named by the
    versions that shape the compiled code, so an upgrade never reads another version's entries."""
    versions = "|".join(
        f"{name}={_version_of(name)}" for name in ("jinja2", "mkdocs", "mkdocs-material", "site_builder")
    )
    folder = cache_dir / "templates" / hashlib.sha256(versions.encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder))


def _version_of(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return ""
