"""Running the search client (site_builder/search/search.js) in Node against a built index."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
NODE_SCRIPT = REPO / "tests" / "js" / "search_node.js"


def node() -> str:
    """The `node` executable; missing Node fails on CI and skips elsewhere."""
    found = shutil.which("node")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is missing: CI must install Node.js (apt-get install nodejs)")
        pytest.skip("node is not installed; the search client tests need it")
    return found


def run_node(*args: str, count_budget: int | None = None) -> object:
    env = dict(os.environ)
    if count_budget is not None:
        env["SEARCH_COUNT_BUDGET"] = str(count_budget)
    result = subprocess.run(
        [node(), str(NODE_SCRIPT), *args], capture_output=True, text=True, encoding="utf-8", timeout=120, env=env
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def search(site_dir: Path, query: str, offset: int = 0, limit: int = 10) -> dict:
    """`siteBuilderSearch.query(query, {offset, limit})` on `site_dir/search/`, plus `fetched`: the
    index files it read (relative to search/)."""
    result = run_node("query", str(site_dir), query, str(offset), str(limit))
    assert isinstance(result, dict)
    return result


def search_many(site_dir: Path, queries: list[str], tmp_path: Path) -> list[dict]:
    """The first page of each query, each on a fresh client (one Node process for all)."""
    listing = tmp_path / "queries.json"
    listing.write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    result = run_node("queries", str(site_dir), str(listing))
    assert isinstance(result, list)
    return result


def search_pages(site_dir: Path, query: str, count_budget: int | None = None) -> dict:
    """Every page of `query` read one after another by one client: `answers` (total, exact, titles
    of each page) and `fetched`. `count_budget` overrides the bytes the client may read to count."""
    result = run_node("pages", str(site_dir), query, count_budget=count_budget)
    assert isinstance(result, dict)
    return result
