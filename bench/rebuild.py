"""Rebuild times (issue #10): cold, unchanged, one edit, one added article, and `serve` save → page.

    python -m bench.rebuild [--articles 2000] [--repeat 3] [--no-serve]

Builds the shared bench corpus (`../shared/bench/make_corpus.py --photos 0`, the corpus of the
issue's figures; copied into the project, since the runs edit it) with our plugin only (Material's
search plugin would turn incremental builds off), with `site-builder build` as a user runs it, one
process per build, and prints medians of wall-clock seconds. Each "one edit" adds a sentence to
the newest published news article; "add one" writes a new article dated after every other. The
`serve` row starts the preview, saves an edit and polls the article's page until it appears.
`measure` is also called by `bench.search_bench` for its table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench import shared_corpus

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "site-builder"
NOW = "2026-11-21T12:00:00+08:00"
ENV = {**os.environ, "SITE_BUILDER_NOW": NOW}


def build(project: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(BIN), "build"], cwd=project, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-2000:])
    return time.perf_counter() - started


def newest_news(project: Path, manifest: dict) -> Path:
    """The newest published single-file news article (the corpus also has drafts, future-dated
    and unreviewed ones, which a preview would not show)."""
    published = [
        entry
        for entry in manifest["articles"]
        if entry["section"] == "news" and entry["status"] == "published" and not entry["bundle"]
    ]
    return project / max(published, key=lambda entry: (entry["date"], entry["path"]))["path"]


def edit(path: Path, sentence: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, fence, body = text.partition("\n---\n")
    path.write_text(head + fence + "\n" + sentence + "\n" + body, encoding="utf-8")


def serve_latency(project: Path, article: Path, repeat: int) -> list[float]:
    """Seconds from saving `article` to the preview serving its page with the edit."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [str(BIN), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page_url = _article_url(project, article)
        deadline = time.time() + 600
        while not _get(port, page_url) and time.time() < deadline:
            time.sleep(0.5)
        times = []
        for number in range(repeat):
            marker = f"预览测量{number}号{int(time.time())}"
            started = time.perf_counter()
            edit(article, marker)
            while marker not in _get(port, page_url):
                time.sleep(0.02)
            times.append(time.perf_counter() - started)
            time.sleep(1)
        return times
    finally:
        server.terminate()
        server.wait(timeout=60)


def _article_url(project: Path, article: Path) -> str:
    """The site-relative URL of `article`, as the core assigns it (the preview serves the same)."""
    from site_builder.diagnostics import Diagnostics
    from site_builder.mkdocs_plugin.build import load_project
    from site_builder.publication_rules import publication_time
    from site_builder.site import load_site

    settings = load_project(str(project / "mkdocs.yml")).settings
    site = load_site(settings, publication_time(settings.timezone, ENV), Diagnostics())
    return next(a.url for a in site.published if a.source.path.resolve() == article.resolve())


def _get(port: int, path: str) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path.lstrip('/')}", timeout=60) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def measure(articles: int, repeat: int, serve: bool = True) -> Iterator[tuple[str, list[float]]]:
    """Rows of (label, seconds of each run) for a fresh copy of the corpus of `articles`, each
    given as soon as it is measured."""
    corpus = shared_corpus.prepare(articles)
    project = ROOT / ".bench" / f"rebuild-shared-{articles}"
    shutil.rmtree(project, ignore_errors=True)
    shutil.copytree(corpus / "content", project / "content")
    shared_corpus.write_config(project, project / "content", material_search=False)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))

    cold = [build(project)]
    for _ in range(repeat - 1):
        shutil.rmtree(project / "site")
        shutil.rmtree(project / ".cache")
        cold.append(build(project))
    yield "cold build", cold
    yield "build, nothing changed", [build(project) for _ in range(repeat)]
    article = newest_news(project, manifest)
    one_edit = []
    for number in range(repeat):
        edit(article, f"第{number}次修改增加的一句话。")
        one_edit.append(build(project))
    yield "build after editing one article", one_edit
    added = []
    for number in range(repeat):
        new = project / "content" / "news" / "2026" / f"2026-11-20-新增文章{number}.md"
        new.parent.mkdir(parents=True, exist_ok=True)
        new.write_text(
            f"---\ntitle: 新增文章{number}\ndate: 2026-11-20 1{number}:00\nreviewed_by: 周明华\n"
            f"unit: 滨江社区关工委\n---\n\n新增文章的正文。\n",
            encoding="utf-8",
        )
        added.append(build(project))
    yield "build after adding one article", added
    if serve:
        yield "serve: save one article → updated page", serve_latency(project, article, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    print(f"\n{args.articles} articles (shared bench corpus), medians of {args.repeat} runs (seconds):", flush=True)
    for label, times in measure(args.articles, args.repeat, serve=not args.no_serve):
        print(f"  {label:<42} {statistics.median(times):7.2f}   ({', '.join(f'{t:.2f}' for t in times)})", flush=True)


if __name__ == "__main__":
    main()
