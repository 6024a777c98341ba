"""Feed Material's search plugin with jieba segmentations computed in the worker pool.

Material's plugin calls `jieba.cut` on each Chinese run of each indexed page. We give it an
object with the same `cut` that answers from the current page's precomputed tokens and falls back
to jieba itself, so the index is unchanged whatever happens here. Enabled only when Material's
search with jieba is in use, without custom jieba dictionaries (the workers load the default).
"""

from __future__ import annotations

import html
import logging
import re
from concurrent.futures import Future

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from site_builder.segment import segment_runs
from site_builder.workers import WorkerPool

log = logging.getLogger("mkdocs.plugins.site_builder")

_TAG = re.compile(r"<[^>]+>")


class _PrecomputedJieba:
    """Stands in for the `jieba` module inside Material's search plugin."""

    def __init__(self, jieba) -> None:
        self._jieba = jieba
        self.tokens: dict[str, list[str]] = {}

    def cut(self, value, *args, **kwargs):
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        if not args and not kwargs and text in self.tokens:
            return self.tokens[text]
        return self._jieba.cut(value, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._jieba, name)


class SearchSegmentation:
    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self.shim: _PrecomputedJieba | None = None
        self.pending: dict[str, Future] = {}
        self._han = None

    def install(self, config: MkDocsConfig) -> None:
        """Put the shim in place when Material's search with jieba is active and it can help."""
        self.pending.clear()
        try:
            from material.plugins.search import plugin as material_search
        except ImportError:
            return
        search = next((p for p in config.plugins.values() if isinstance(p, material_search.SearchPlugin)), None)
        jieba = material_search.jieba
        if isinstance(jieba, _PrecomputedJieba):
            jieba = jieba._jieba
        if search is None or jieba is None or not self.pool.is_parallel \
                or search.config.get("jieba_dict") or search.config.get("jieba_dict_user"):
            self.shim = None
            material_search.jieba = jieba
            return
        self.shim = _PrecomputedJieba(jieba)
        material_search.jieba = self.shim
        self._han = material_search.bre.compile(r"(\p{script: Han}+)", material_search.bre.UNICODE)

    def submit(self, page: Page, content: str) -> None:
        """Start segmenting the Chinese runs of a rendered page that the search will index."""
        if self.shim is None or (page.meta.get("search") or {}).get("exclude"):
            return
        text = html.unescape(_TAG.sub("", content)) + " " + html.unescape(_TAG.sub(" ", content))
        runs = set(self._han.findall(text)) | set(self._han.findall(html.unescape(page.title or "")))
        if runs:
            self.pending[page.file.src_uri] = self.pool.executor().submit(segment_runs, sorted(runs))

    def prepare(self, page: Page) -> None:
        """Before the search plugin indexes `page`: make its tokens the ones the shim answers from."""
        if self.shim is None:
            return
        future = self.pending.pop(page.file.src_uri, None)
        self.shim.tokens = future.result() if future is not None else {}
