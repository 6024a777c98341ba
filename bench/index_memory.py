"""Memory and time of building our search index alone, for `bench.search_bench`.

    python -m bench.index_memory PROJECT_DIR [SITE_DIR]

In a process of its own: loads the model with the builder's own `load_site` (the project's
`mkdocs.yml`, SITE_BUILDER_NOW as set) and each article's text from the built site's
`search/d/*.json` (the text the build indexed), resets the kernel's peak-RSS mark
(`/proc/self/clear_refs`), runs `write_search_index` into an empty folder and prints one JSON
line: seconds, resident memory before, the peak during indexing, and the difference (what
indexing adds on top of the model and the texts, which a build holds anyway).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith(field + ":"))
    return int(line.split()[1]) / 1024


def main(project: Path, site_dir: Path) -> dict:
    from site_builder.diagnostics import Diagnostics
    from site_builder.mkdocs_plugin.build import load_project
    from site_builder.publication_rules import publication_time
    from site_builder.search import write_search_index
    from site_builder.site import load_site

    settings = load_project(str(project / "mkdocs.yml")).settings
    site = load_site(settings, publication_time(settings.timezone, os.environ), Diagnostics())
    by_url = {article.url: article.source.src_uri for article in site.published}
    texts = {}
    for path in (site_dir / "search" / "d").glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        if record["url"] in by_url:
            texts[by_url[record["url"]]] = record["text"]
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # peak RSS := current RSS
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        stats = write_search_index(site, texts, Path(out) / "search")
        seconds = time.perf_counter() - started
        peak = _status_mb("VmHWM")
    return {
        "articles": len(site.published),
        "texts": len(texts),
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
