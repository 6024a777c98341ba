"""Memory and time of building our search index alone, for `bench.search_bench`.

    python -m bench.index_memory PROJECT_DIR [SITE_DIR]

In a process of its own: loads the model with the builder's own `load_site` (the project's
`mkdocs.yml`, SITE_BUILDER_NOW as set) and each article's text from the built site's
`search/d/*.json` (the text the build indexed), then runs `write_search_index` into an empty
folder as the build does (with a worker pool of one process per core when there are several,
started before the measurement as a build's pool is), and prints one JSON line: seconds, the
memory of the process and its idle workers before, their peak during indexing (proportional set
size, sampled every 20 ms, as `bench.run` measures builds), and the difference: what indexing adds
on top of the model, the texts and the pool, which a build holds anyway.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.run import tree_memory_mb


def main(project: Path, site_dir: Path) -> dict:
    from site_builder.diagnostics import Diagnostics
    from site_builder.mkdocs_plugin.build import load_project
    from site_builder.publication_rules import publication_time
    from site_builder.search import write_search_index
    from site_builder.site import load_site
    from site_builder.workers import WorkerPool

    settings = load_project(str(project / "mkdocs.yml")).settings
    site = load_site(settings, publication_time(settings.timezone, os.environ), Diagnostics())
    by_url = {article.url: article.source.src_uri for article in site.published}
    texts = {}
    for path in (site_dir / "search" / "d").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["url"] in by_url:
            texts[by_url[record["url"]]] = record["text"]

    pool = WorkerPool()
    executor = pool.executor() if pool.is_parallel else None
    if executor is not None:  # start the workers first: a build's pool exists before it indexes
        list(executor.map(time.sleep, [0.2] * pool.workers))
    before = tree_memory_mb(os.getpid())
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_memory_mb(os.getpid()))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.perf_counter()
    sampler.start()
    try:
        with tempfile.TemporaryDirectory() as out:
            stats = write_search_index(site, texts, Path(out) / "search", executor)
            seconds = time.perf_counter() - started
    finally:
        done.set()
        sampler.join()
        pool.close()
    return {
        "articles": len(site.published),
        "texts": len(texts),
        "workers": pool.workers if pool.is_parallel else 1,
        "seconds": seconds,
        "before_mb": before,
        "peak_mb": peak,
        "added_mb": peak - before,
        "files": stats.files,
        "bytes": stats.bytes,
    }


if __name__ == "__main__":
    project = Path(sys.argv[1])
    print(json.dumps(main(project, Path(sys.argv[2]) if len(sys.argv) > 2 else project / "site")))
