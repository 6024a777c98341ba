"""Make Material's search plugin scale: parallel jieba segmentation and an index kept on disk.

Material's plugin stays in charge (its parser, config, client-side search and JSON format); two
things around it change, each measured with `bench.run`:

- Segmentation. It calls `jieba.cut` on each Chinese run of each indexed page, serially (over
  half of a text-only build). We give it an object with the same `cut` that answers from tokens
  computed in a worker as soon as the page was rendered, and falls back to jieba itself, so the
  index is the same. Only without custom jieba dictionaries (the worker loads the default).
- Memory. It keeps every entry in a list and `json.dumps` the whole index at the end: at 4,000
  articles the list grew the build by about 140 MB and the final dump by 175 MB more. Entries
  are instead appended to a file as pages are indexed and streamed into `search_index.json`,
  byte for byte what Material would have written.
"""

from __future__ import annotations

import html
import json
import logging
import re
import tempfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from site_builder.atomic import atomic_write
from site_builder.segment import TOKEN_SEPARATOR, segment_runs
from site_builder.workers import WorkerPool, new_process_pool

log = logging.getLogger("mkdocs.plugins.site_builder")

_TAG = re.compile(r"<[^>]+>")


class _PrecomputedJieba:
    """Stands in for the `jieba` module inside Material's search plugin."""

    def __init__(self, jieba) -> None:
        self._jieba = jieba
        self.tokens: dict[str, str] = {}
        """Run → its tokens joined by TOKEN_SEPARATOR, for the page being indexed."""

    def cut(self, value, *args, **kwargs):
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        joined = self.tokens.get(text) if not args and not kwargs else None
        if joined is not None:
            return joined.split(TOKEN_SEPARATOR)
        return self._jieba.cut(value, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._jieba, name)


class _SpilledEntries(list):
    """Stands in for the index's entry list: every appended entry goes to a file, none stays."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        folder.mkdir(parents=True, exist_ok=True)
        # Open for the whole build (entries arrive one page at a time); closed by write_into/discard.
        self.file = tempfile.NamedTemporaryFile(  # noqa: SIM115
            "w", encoding="utf-8", dir=folder, suffix=".jsonl", delete=False
        )
        self.written = 0

    def append(self, entry) -> None:
        # The same encoding Material uses for the whole index, one entry per line.
        self.file.write(json.dumps(entry, separators=(",", ":"), default=str) + "\n")
        self.written += 1

    def write_into(self, index_path: Path) -> None:
        """Replace the empty `docs` list Material wrote with the spilled entries, streamed."""
        self.file.close()
        written = index_path.read_text(encoding="utf-8")
        marker = '"docs":[]'
        head, found, tail = written.rpartition(marker)
        if not found:
            raise RuntimeError(f"unexpected search index layout in {index_path}")
        with atomic_write(index_path, "w") as out, open(self.file.name, encoding="utf-8") as lines:
            out.write(head + '"docs":[')
            for number, line in enumerate(lines):
                out.write(("," if number else "") + line.rstrip("\n"))
            out.write("]" + tail)
        self.discard()

    def discard(self) -> None:
        self.file.close()
        Path(self.file.name).unlink(missing_ok=True)


class SearchSegmentation:
    """Segments pages in one worker of its own, and spills the index to disk.

    One is enough: while it segments, the main process renders pages, and each worker that loads
    jieba's dictionary costs about 120 MB (measured with bench.run at 4,000 articles).
    """

    def __init__(self, pool: WorkerPool) -> None:
        self.pool = pool
        self._executor: ProcessPoolExecutor | None = None
        self.shim: _PrecomputedJieba | None = None
        self.pending: dict[str, Future] = {}
        self._han: Any = None
        """Material's compiled pattern for runs of Han characters, once installed."""
        self._search = None
        self._spill: _SpilledEntries | None = None

    def install(self, config: MkDocsConfig) -> None:
        """Put the shim in place when Material's search with jieba is active and it can help."""
        self.pending.clear()
        try:
            from material.plugins.search import plugin as material_search
        except ImportError:
            return
        search = next((p for p in config.plugins.values() if isinstance(p, material_search.SearchPlugin)), None)
        self._search = search if search is not None and search.config.enabled else None
        jieba = material_search.jieba
        if isinstance(jieba, _PrecomputedJieba):
            jieba = jieba._jieba
        if (
            search is None
            or jieba is None
            or not self.pool.is_parallel
            or search.config.get("jieba_dict")
            or search.config.get("jieba_dict_user")
        ):
            self.shim = None
            material_search.jieba = jieba
            return
        self.shim = _PrecomputedJieba(jieba)
        material_search.jieba = self.shim
        self._han = material_search.bre.compile(r"(\p{script: Han}+)", material_search.bre.UNICODE)

    def spill(self, spill_dir: Path) -> None:
        """After Material created its index (on_pre_build): keep its entries on disk.

        Not in `serve --dirty`, where Material merges a previous in-memory index.
        """
        self._discard_spill()
        index = getattr(self._search, "search_index", None)
        if index is None or getattr(self._search, "is_dirty", False):
            return
        self._spill = index.entries = _SpilledEntries(spill_dir)

    def finish(self, site_dir: str) -> None:
        """After Material wrote its (empty) index: put the spilled entries in."""
        if self._spill is not None:
            self._spill.write_into(Path(site_dir) / "search" / "search_index.json")
            self._spill = None

    def _discard_spill(self) -> None:
        if self._spill is not None:
            self._spill.discard()
            self._spill = None

    def submit(self, page: Page, content: str) -> None:
        """Start segmenting the Chinese runs of a rendered page that the search will index."""
        if self.shim is None or self._han is None or (page.meta.get("search") or {}).get("exclude"):
            return
        text = html.unescape(_TAG.sub("", content)) + " " + html.unescape(_TAG.sub(" ", content))
        runs = set(self._han.findall(text)) | set(self._han.findall(html.unescape(page.title or "")))
        if runs:
            if self._executor is None:
                self._executor = new_process_pool(1)
            self.pending[page.file.src_uri] = self._executor.submit(segment_runs, sorted(runs))

    def prepare(self, page: Page) -> None:
        """Before the search plugin indexes `page`: make its tokens the ones the shim answers from."""
        if self.shim is None:
            return
        future = self.pending.pop(page.file.src_uri, None)
        self.shim.tokens = future.result() if future is not None else {}

    def close(self) -> None:
        self._discard_spill()
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)
            self._executor = None
