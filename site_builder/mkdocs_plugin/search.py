"""The search index in the MkDocs build: collect each article's text, write the index at the end.

The index itself is the core's (`site_builder.search`): built from the model's published
articles, so a withheld article cannot enter it. Here, only what needs the engine: the text of
each rendered article (its HTML from `on_page_content`, reduced to text at once so the HTML is
not kept), and Material's own search plugin, which ours replaces.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from site_builder.pages import PageSpec
from site_builder.search import text_of_html, write_search_index
from site_builder.site import Site

log = logging.getLogger("mkdocs.plugins.site_builder")

INDEX_FOLDER = "search"


class SearchIndexStage:
    """Texts of the rendered articles of one build, and the index written from them."""

    def __init__(self) -> None:
        self.enabled = True
        self.texts: dict[str, str] = {}
        """Article source name → its body as text."""

    def configure(self, enabled: bool, config: MkDocsConfig) -> None:
        """Start a build; with our search on, Material's search plugin is switched off (with a warning)."""
        self.enabled = enabled
        self.texts = {}
        if enabled:
            _switch_off_material_search(config)

    def collect(self, spec: PageSpec, html: str) -> None:
        """Keep the text of an article page's rendered body."""
        if self.enabled and spec.article is not None:
            self.texts[spec.src_uri] = text_of_html(html)

    def write(
        self,
        site: Site,
        site_dir: str,
        doc_keys: Mapping[str, str] | None = None,
        cached_html: Callable[[str], str | None] | None = None,
    ) -> None:
        """Write the index of the published articles into `site_dir/search/`.

        Articles this build did not render are read from `cached_html` (by source name) only if
        the index asks for them: with `doc_keys`, only those of batches an edit touched.
        """
        if not self.enabled:
            return
        texts = _Texts(self.texts, cached_html)
        # In this process, not the worker pool: workers forked from a build of 10,000 articles
        # (500 MB) copied most of its heap as Python's collector walked it (measured: 700 MB
        # private for two workers, for 25 % less time); in-process the index adds 29 MB.
        stats = write_search_index(site, texts, Path(site_dir) / INDEX_FOLDER, doc_keys=doc_keys)
        self.texts = {}
        log.info(
            f"搜索索引：{stats.documents} 篇文章，{stats.files} 个文件（{stats.bytes / 1e6:.1f} MB），"
            f"更新了 {stats.written} 个"
        )


def _switch_off_material_search(config: MkDocsConfig) -> None:
    for name, plugin in config.plugins.items():
        if _is_material_search(plugin) and plugin.config.enabled:
            plugin.config.enabled = False
            log.warning(
                f"mkdocs.yml 的 plugins 里列有 Material 的“{name.split('/')[-1]}”插件：site_builder 自带中文全文搜索，"
                "已取代它（它的索引不再生成）。请从 plugins 中删去这一行；"
                "若要继续用 Material 的搜索，请给 site_builder 设 search: false"
            )


def _is_material_search(plugin: object) -> bool:
    """Material's search plugin, recognised by its class, without importing Material's search
    module (lunr and jieba behind it: a third of a second of every build that does not list it)."""
    return any(
        kind.__module__ == "material.plugins.search.plugin" and kind.__name__ == "SearchPlugin"
        for kind in type(plugin).__mro__
    )


class _Texts(Mapping[str, str]):
    """The texts collected from rendered pages, and on demand those of pages carried over."""

    def __init__(self, collected: dict[str, str], cached_html: Callable[[str], str | None] | None) -> None:
        self.collected = collected
        self.cached_html = cached_html

    def __getitem__(self, src_uri: str) -> str:
        text = self.collected.get(src_uri)
        if text is None and self.cached_html is not None:
            html = self.cached_html(src_uri)
            if html is not None:
                text = self.collected[src_uri] = text_of_html(html)
        if text is None:
            raise KeyError(src_uri)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self.collected)

    def __len__(self) -> int:
        return len(self.collected)
