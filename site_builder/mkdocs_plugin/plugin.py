"""SiteBuilderPlugin: MkDocs events in, calls to the core out; each handler a few lines.

Event order and why each step sits where it does: ARCHITECTURE.md §1.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from site_builder.diagnostics import Diagnostics
from site_builder.images.markdown import PictureExtension
from site_builder.images.process import ImageProcessor
from site_builder.mkdocs_plugin.config import SiteBuilderConfig, to_settings
from site_builder.mkdocs_plugin.context import TemplateData, zh_date
from site_builder.mkdocs_plugin.feeds import FeedStage, feed_links
from site_builder.mkdocs_plugin.files import HOME_SRC_URI, SUBSCRIBE_SRC_URI, listing_src_uri, relocate_files
from site_builder.mkdocs_plugin.images import ImageStage
from site_builder.mkdocs_plugin.search import SearchSegmentation
from site_builder.publish import publication_time, withheld_report
from site_builder.sanitize import SanitizeExtension
from site_builder.settings import SettingsError
from site_builder.site import Site, load_site
from site_builder.workers import WorkerPool
from site_builder.text import escape, plain_text, strip_control_chars, summary_html, truncate

log = logging.getLogger("mkdocs.plugins.site_builder")

TEMPLATES_DIR = Path(__file__).parent / "templates"
STYLESHEET = "assets/site_builder/site.css"
WORKERS_VARIABLE = "SITE_BUILDER_WORKERS"
DESCRIPTION_LENGTH = 120


class ContentErrors(PluginError):
    """The content has errors; they were logged one per line as `path:line: message`."""


class SiteBuilderPlugin(BasePlugin[SiteBuilderConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.command = "build"
        self.diagnostics = Diagnostics()
        self.site: Site | None = None
        self.data: TemplateData | None = None
        self._articles = {}
        self._listings = {}
        self._overviews = {}
        self.pool = WorkerPool()
        """Shared by the image jobs; `SITE_BUILDER_WORKERS=1` runs everything in-process."""
        self.processor = ImageProcessor(self.pool)
        self.search = SearchSegmentation(self.pool)
        self.pictures = PictureExtension()
        self.sanitizer = SanitizeExtension()
        self.images: ImageStage | None = None
        self.has_lightbox = False

    # Kept across `serve` rebuilds because this handler exists (ARCHITECTURE §1), so the worker
    # pool survives rebuilds too.
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_shutdown(self) -> None:
        self.pool.close()
        self.search.close()

    def on_build_error(self, *, error: Exception) -> None:
        self.search.close()
        if self.images is not None:
            self.images.batch = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        try:
            self.settings = to_settings(self.config, config)
        except SettingsError as error:
            raise PluginError(f"site_builder 配置有误：{error}") from None
        self.diagnostics = Diagnostics()
        # Our default templates sit after custom_dir (so themes/ can override them) and before
        # Material's own.
        dirs = config.theme.dirs
        position = 1 if config.theme.custom_dir else 0
        if str(TEMPLATES_DIR) not in dirs:
            dirs.insert(position, str(TEMPLATES_DIR))
        if STYLESHEET not in config.extra_css:
            config.extra_css.insert(0, STYLESHEET)
        if self.pictures not in config.markdown_extensions:
            config.markdown_extensions.append(self.pictures)
        if self.config.sanitize_html and self.sanitizer not in config.markdown_extensions:
            config.markdown_extensions.append(self.sanitizer)
        self.pool.resize(int(os.environ.get(WORKERS_VARIABLE) or 0) or None)
        self.search.install(config)
        self.images = ImageStage(self.settings, self.processor, config.use_directory_urls)
        if not config.site_url:
            log.warning("mkdocs.yml 没有设置 site_url：订阅（RSS）、站点地图和分享卡片需要网站的完整地址，"
                        "请加一行 site_url: https://…/")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        now = publication_time(self.settings.timezone, os.environ)
        self.search.spill(self.images.cache_dir.parent / "search")
        self.site = load_site(self.settings, now, self.diagnostics)
        self._listings, self._overviews = relocate_files(files, self.site, config)
        self.images.plan(self.site, self.diagnostics)
        self._report_diagnostics()
        if self.diagnostics.errors and self.command == "build":
            # Decode the photos all the same: one run lists every problem, as `check` does.
            self.images.start()
            self._finish_images()
        self.images.place(files, config)
        self.has_lightbox = self.images.add_lightbox(files, config)
        self.images.start()
        self.feeds = FeedStage(self.site, self.images.pages, self.images.cache_dir)
        self.data = TemplateData(self.site, self.images.pages, ImageStage.url_resolver)
        self.data.feed_plans = self.feeds.plans
        self._articles = self.site.article_by_src_uri()
        return files

    # After other plugins' nav edits (priority -50, like Material's blog plugin).
    @event_priority(-50)
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled or self.site is None:
            return None
        section_fronts = {
            s.name: files.get_file_from_path(listing_src_uri(f"{s.name}/")) for s in self.settings.sections
        }
        for src_uri, article in self._articles.items():
            front = section_fronts.get(article.section)
            page = files.get_file_from_path(src_uri).page
            if front is not None and front.page is not None and page is not None:
                page.parent = front.page
        if config.nav is None:
            return _ordered_nav(nav, files, [f for f in section_fronts.values() if f is not None])
        return None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled or self.site is None:
            return None
        src_uri = page.file.src_uri
        self.pictures.current = self.images.current_page(src_uri, page.url)
        if article := self._articles.get(src_uri):
            page.meta = {**article.extra, "title": escape(article.title), "template": "site_builder/article.html"}
            if article.author:
                page.meta["author"] = escape(article.author)
            page.update_date = article.date.date().isoformat()
            return article.body
        if listing := self._listings.get(src_uri):
            page.meta.update(title=escape(_listing_title(listing)), template="site_builder/listing.html")
            if listing.kind != "section" or listing.number > 1:
                page.meta["search"] = {"exclude": True}
            page.update_date = self._newest_date(listing.articles)
            return strip_control_chars(markdown) if listing.number == 1 else ""
        if overview := self._overviews.get(src_uri):
            page.meta.update(title=escape(overview.title), template="site_builder/overview.html",
                             search={"exclude": True})
            page.update_date = self._newest_date(self.site.published)
            return ""
        if src_uri == SUBSCRIBE_SRC_URI:
            page.meta.update(title="订阅本站", template="site_builder/subscribe.html", search={"exclude": True})
            return ""
        if src_uri == HOME_SRC_URI:
            page.meta.setdefault("template", "site_builder/home.html")
            page.meta["title"] = escape(str(page.meta.get("title") or config.site_name))
            page.update_date = self._newest_date(self.site.published)
        return None

    @staticmethod
    def _newest_date(articles) -> str:
        """Sitemap lastmod of a listing: its newest article's date (deterministic, unlike the clock)."""
        return articles[0].date.date().isoformat() if articles else ""

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.site is None:
            return None
        self.search.submit(page, html)
        if article := self._articles.get(page.file.src_uri):
            summary = f"<p>{escape(article.summary)}</p>" if article.summary else summary_html(html)
            self.data.summaries[article.url] = summary
            self.feeds.keep_html(article, html)
            page.meta["description"] = escape(truncate(plain_text(summary), DESCRIPTION_LENGTH))
        return None

    # Variant files must exist before MkDocs copies static files, right after this event.
    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        self.pictures.current = None
        env.filters["zh_date"] = zh_date
        # Titles are text (issue #2): our templates are autoescaped, so every front-matter value
        # prints as text; Material's templates keep MkDocs' default and get pre-escaped titles.
        env.autoescape = _autoescape_site_builder_templates
        if self.images is not None:
            self._finish_images()
        return env

    # Before the search plugin (priority 0) indexes the page: its segmentation must be in place.
    @event_priority(50)
    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict | None:
        if self.site is None:
            return None
        self.search.prepare(page)
        context.update(self.data.common_context())
        src_uri = page.file.src_uri
        article, section = self._articles.get(src_uri), None
        if article is not None:
            context.update(self.data.article_context(article))
            section = article.section
        elif listing := self._listings.get(src_uri):
            context.update(self.data.listing_context(listing))
            section = listing.key if listing.kind == "section" else None
        elif overview := self._overviews.get(src_uri):
            context.update(self.data.overview_context(overview))
        elif src_uri == HOME_SRC_URI:
            context.update(self.data.home_context())
        elif src_uri == SUBSCRIBE_SRC_URI:
            context["sb_all_feeds"] = self.data.all_feeds()
        context["sb_feed_links"] = feed_links(self.site, section)
        context["sb_lightbox"] = self.has_lightbox and self.images.has_photos(src_uri)
        title = article.title if article is not None else html.unescape(page.title or config.site_name)
        description = html.unescape(page.meta.get("description") or config.site_description or "")
        context["sb_share"] = self.data.share_card(article, title, description, page.url)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        # The page is written next and nothing reads its HTML afterwards (listings use the
        # summaries, the search plugin has indexed it): freeing it keeps memory flat per article.
        if page.file.src_uri in self._articles:
            page.content = ""
        return None

    # After the search plugin (priority 0) has written its index.
    @event_priority(-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.site is None:
            return
        self.search.finish(config.site_dir)
        self.feeds.write(Path(config.site_dir), self.data.summaries)
        for line in withheld_report(self.site.withheld):
            log.info(line)
        log.info(f"已发布 {len(self.site.published)} 篇文章，未发布 {len(self.site.withheld)} 篇")

    def _finish_images(self) -> None:
        """Wait for the photos, report those that failed, and stop a `build` that has errors."""
        late = Diagnostics()
        self.images.finish(late)
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
    return bool(name) and name.startswith("site_builder/")


def _listing_title(listing) -> str:
    return listing.title if listing.number == 1 else f"{listing.title}（第 {listing.number} 页）"


def _ordered_nav(nav: Navigation, files: Files, section_fronts: list) -> Navigation:
    """Home first, then the sections in config order, then hand-written pages.

    MkDocs' auto-nav would name section folders by their English folder names and sort them
    alphabetically; sections are single pages here, since their articles are not in the nav.
    """
    home = files.get_file_from_path(HOME_SRC_URI)
    front_pages = [f.page for f in section_fronts if f.page is not None]
    special = {id(p) for p in front_pages} | ({id(home.page)} if home and home.page else set())
    rest = [item for item in nav.items if not _holds_only(item, special)]
    items = ([home.page] if home and home.page else []) + front_pages + rest
    for page in front_pages:
        page.parent = None
    pages = [item for item in _walk(items) if isinstance(item, Page)]
    for previous, current in zip([None, *pages], pages):
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
