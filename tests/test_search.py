"""Chinese search: segmentation in a worker and an index spilled to disk give Material's own index."""

import json

from site_builder.mkdocs_plugin.search import SearchSegmentation
from tests.conftest import DEMO_NOW, copy_demo, run_cli


def build_demo(tmp_path, monkeypatch, capsys, workers: str, spill: bool):
    if not spill:  # Material keeps its entries in memory and dumps them itself
        monkeypatch.setattr(SearchSegmentation, "spill", lambda self, folder: None)
    project = copy_demo(tmp_path / f"workers-{workers}-{spill}")
    monkeypatch.chdir(project)
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    monkeypatch.setenv("SITE_BUILDER_WORKERS", workers)
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    return (project / "site/search/search_index.json").read_bytes()


def test_parallel_segmentation_and_spilled_index_leave_the_index_unchanged(tmp_path, monkeypatch, capsys):
    materials_own = build_demo(tmp_path, monkeypatch, capsys, "1", spill=False)
    ours = build_demo(tmp_path, monkeypatch, capsys, "2", spill=True)
    assert len(json.loads(ours)["docs"]) > 18
    assert ours == materials_own


def test_chinese_text_is_segmented_into_words(demo_site):
    index = json.loads((demo_site / "search/search_index.json").read_text(encoding="utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    # Words separated by zero-width spaces: what lets a query like 留守儿童 find the article.
    assert "\u200b留守\u200b儿童\u200b" in text or "\u200b留守儿童\u200b" in text
    assert index["config"]["lang"] == ["zh"]
    titles = {doc["title"] for doc in index["docs"]}
    assert not any("尚未审核" in t or "冬令营" in t for t in titles)
    # Listing pages beyond the section fronts are kept out of the index.
    assert not any("/page/" in doc["location"] or doc["location"].startswith("tags/") for doc in index["docs"])
