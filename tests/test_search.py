"""Search on the demo site (issue #10): our sharded index under search/, built from the model.

The client is run in Node against the built files (tests/js/search_node.js); the header search
box in Chromium is tested in test_search_browser.py.
"""

import gzip
import json

from tests.conftest import DEMO_NOW, SMALL_CONFIG, article, run_cli
from tests.search_helpers import search, search_many

WITHHELD_QUERIES = ["DRAFT-MARKER", "冬令营筹备", "一则尚未审核的通知", "UNREVIEWED", "日期在将来的文章", "FUTURE"]
"""Words found only in the demo's draft, unreviewed and future articles."""


def test_the_index_has_its_files_and_every_published_article(demo_site):
    folder = demo_site / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] == 1 and meta["documents"] == 43 and meta["block"] == 1024
    assert (folder / "search.js").is_file() and list((folder / "t").glob("*.bin"))
    assert sorted(p.name for p in (folder / "d").iterdir()) == sorted(f"{n}.json" for n in range(43))
    assert not (folder / "search_index.json").exists()
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in (folder / "d").iterdir()]
    pages = {
        p.parent.relative_to(demo_site).as_posix() + "/"
        for p in demo_site.glob("*/20*/*/index.html")
        if p.parts[-4] != "archive"  # archive/2025/03/, archive/2025/dashiji/…
    }
    assert {doc["url"] for doc in documents} == pages
    assert all(doc["text"] and doc["section"] and doc["date"].startswith("20") for doc in documents)


def test_withheld_articles_are_in_no_search_file_and_no_result(demo_site, tmp_path):
    markers = [*WITHHELD_QUERIES, "冬令营", "这是一篇草稿", "这则通知没有审核人"]
    for path in (demo_site / "search").rglob("*"):
        if path.is_file() and path.name != "search.js":
            data = path.read_bytes()
            assert not [m for m in markers if m.encode() in data], path
    results = search_many(demo_site, [*WITHHELD_QUERIES, "留守儿童", "暑期公益课堂"], tmp_path)
    assert [r["total"] for r in results[: len(WITHHELD_QUERIES)]] == [0] * len(WITHHELD_QUERIES)
    # The same queries do find published articles: the engine really searched.
    assert results[-2]["total"] >= 2 and results[-1]["total"] >= 1


def test_a_word_crossing_jiebas_boundaries_is_found_with_a_snippet(demo_site):
    result = search(demo_site, "护留守")  # 守护|留守 in jieba's words
    assert [item["title"] for item in result["results"]] == ["王秀兰：三十年守护留守儿童"]
    (first,) = search(demo_site, "开设作业辅导")["results"]  # 开设|作业|辅导
    assert (
        first["title"].startswith("暑期公益课堂开课") and "课堂<mark>开设作业辅导</mark>、书法" in first["snippet_html"]
    )


def test_no_zero_width_space_in_any_output_file(demo_site):
    # Material's index split words with U+200B, which leaked into copied titles (issue #10).
    text_files = [
        p for p in demo_site.rglob("*") if p.suffix in (".html", ".xml", ".json", ".txt", ".js", ".css", ".gz")
    ]
    offenders = [
        str(path.relative_to(demo_site))
        for path in text_files
        if "\u200b" in (gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()).decode()
    ]
    assert offenders == []
    assert len(text_files) > 100


def test_every_page_has_the_search_box_and_its_script(demo_site):
    for page in [demo_site / "index.html", demo_site / "404.html", *demo_site.glob("news/20*/*/index.html")]:
        html = page.read_text(encoding="utf-8")
        assert 'aria-label="搜索本站"' in html and "data-sb-search-input" in html, page
        assert "search/search.js" in html and 'data-md-component="search"' not in html, page


def write_config(project, extra_plugins: str, options: str = "") -> None:
    config = SMALL_CONFIG.format(require_review="false").replace("plugins:\n", f"plugins:\n{extra_plugins}")
    (project / "mkdocs.yml").write_text(
        config.replace("      cache_dir:", f"{options}      cache_dir:"), encoding="utf-8"
    )


def test_materials_search_plugin_is_replaced_with_a_warning(make_project, capsys):
    project = make_project({"news/2024-05-01-a.md": article("敬老活动")})
    write_config(project, "  - search\n")
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    assert "site_builder 自带中文全文搜索，已取代它" in output
    assert not (project / "site/search/search_index.json").exists()
    assert json.loads((project / "site/search/meta.json").read_text())["documents"] == 1


def test_search_false_leaves_materials_search_as_it_was(make_project, capsys, monkeypatch):
    project = make_project({"news/2024-05-01-a.md": article("敬老活动")})
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    write_config(project, "  - search\n", "      search: false\n")
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    assert "已取代它" not in output
    assert (project / "site/search/search_index.json").is_file()
    assert not (project / "site/search/meta.json").exists()
    html = (project / "site/index.html").read_text(encoding="utf-8")
    assert 'data-md-component="search"' in html and "data-sb-search" not in html

    write_config(project, "", "      search: false\n")
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    assert not (project / "site/search").exists()
    assert "md-search" not in (project / "site/index.html").read_text(encoding="utf-8")


def test_the_search_option_must_be_true_or_false(make_project, capsys):
    project = make_project({"news/2024-05-01-a.md": article("敬老活动")})
    write_config(project, "", "      search: 是\n")
    code, output = run_cli(["build"], capsys)
    assert code == 2 and "search" in output and "true 或 false" in output, output
