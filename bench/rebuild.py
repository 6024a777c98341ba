"""Rebuild times (issue #10): cold, unchanged, one edit, one added article, and `serve` save → page.

    python -m bench.rebuild [--articles 2000] [--repeat 3]

Builds the seeded text corpus of `bench.corpus` (our plugin only: Material's search plugin would
turn incremental builds off) with `site-builder build` as a user runs it, one process per build,
and prints medians of wall-clock seconds. Each "one edit" appends a sentence to the first
paragraph of the newest news article; "add one" writes a new article dated after every other.
The `serve` row starts the preview, saves an edit and polls the article's page until the new
sentence appears.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.corpus import generate, write_site_builder

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


def newest_news(project: Path) -> Path:
    """The newest published news article (the corpus also has drafts and future-dated ones)."""
    today = NOW[:10]
    published = [
        path
        for path in (project / "content" / "news").rglob("*.md")
        if path.name[:10] <= today and "draft: true" not in path.read_text(encoding="utf-8")
    ]
    return max(published, key=lambda p: p.name)


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
        page_url = None
        deadline = time.time() + 600
        while page_url is None and time.time() < deadline:
            page_url = _article_url(port, project, article)
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


def _article_url(port: int, project: Path, article: Path) -> str | None:
    """The URL of `article` in the running preview, found through its section's list page."""
    section_page = _get(port, "news/")
    title = next(line for line in article.read_text(encoding="utf-8").splitlines() if line.startswith("title: "))
    marker = title.removeprefix("title: ").strip()
    index = section_page.find(marker)
    if index < 0:
        return None
    href = section_page.rfind('href="', 0, index)
    return section_page[href + 6 : section_page.index('"', href + 6)] if href >= 0 else None


def _get(port: int, path: str) -> str:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/{path.lstrip('/')}", timeout=60) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args()
    project = ROOT / ".bench" / f"rebuild-{args.articles}"
    shutil.rmtree(project, ignore_errors=True)
    write_site_builder(generate(args.articles), project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - search: {lang: zh}\n", ""), encoding="utf-8")

    cold = [build(project)]
    for _ in range(args.repeat - 1):
        shutil.rmtree(project / "site")
        shutil.rmtree(project / ".cache")
        cold.append(build(project))
    unchanged = [build(project) for _ in range(args.repeat)]
    article = newest_news(project)
    one_edit = []
    for number in range(args.repeat):
        edit(article, f"第{number}次修改增加的一句话。")
        one_edit.append(build(project))
    added = []
    for number in range(args.repeat):
        new = project / "content" / "news" / "2026" / f"2026-10-31-新增文章{number}.md"
        new.write_text(
            f"---\ntitle: 新增文章{number}\ndate: 2026-10-31 1{number}:00\nreviewed_by: 周明华\n"
            f"unit: 滨江社区关工委\n---\n\n新增文章的正文。\n",
            encoding="utf-8",
        )
        added.append(build(project))
    rows = [
        ("cold build", cold),
        ("build, nothing changed", unchanged),
        ("build after editing one article", one_edit),
        ("build after adding one article", added),
    ]
    print(f"\n{args.articles} articles, medians of {args.repeat} runs (seconds):", flush=True)
    for label, times in rows:
        _print_row(label, times)
    if not args.no_serve:
        _print_row("serve: save one article → updated page", serve_latency(project, article, args.repeat))


def _print_row(label: str, times: list[float]) -> None:
    print(f"  {label:<42} {statistics.median(times):7.2f}   ({', '.join(f'{t:.2f}' for t in times)})", flush=True)


if __name__ == "__main__":
    main()
