"""The search index (site_builder/search/index.py) queried by its client (search.js) in Node.

Core only: sites are read from small content folders with `load_site`, texts given directly.
"""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from site_builder.diagnostics import Diagnostics
from site_builder.search import index as search_index
from site_builder.search import write_search_index
from site_builder.search.analyse import fold, word_runs
from site_builder.site import Site, load_site
from site_builder.workers import new_process_pool
from tests.conftest import shanghai, site_settings, write_tree
from tests.search_helpers import search, search_many, search_pages

NOW = shanghai(2026, 11, 21, 12)


def article_file(title: str, date: str, body: str, **fields: str) -> str:
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n" + body + "\n"


def build(tmp_path: Path, articles: dict[str, str]) -> tuple[Site, dict[str, str], Path]:
    """Load `articles` (path under content/ → file text), index them; returns the site, texts, site folder."""
    content = write_tree(tmp_path / "content", articles)
    site = load_site(site_settings(content), NOW, Diagnostics())
    texts = {a.source.src_uri: a.body.strip() for a in site.published}
    out = tmp_path / "site"
    write_search_index(site, texts, out / "search")
    return site, texts, out


def titles(result: dict) -> list[str]:
    return [item["title"] for item in result["results"]]


SUBSTRINGS = {
    "news/2024-01-01-a.md": article_file("测试文章", "2024-01-01", "这是一段简短的测试文字。"),
    "news/2024-02-01-b.md": article_file("红星村幼儿园走进农家书屋", "2024-02-01", "区关工委志愿者来到村里。"),
    "news/2024-03-01-c.md": article_file("标点分开", "2024-03-01", "我们关心，下一代的成长。"),
    "news/2024-04-01-d.md": article_file("工作会议", "2024-04-01", "召开关心下一代工作会议，２０２４年Ｇ２０。"),
    "news/2024-05-01-e.md": article_file("关心下一代", "2024-05-01", "五老志愿者 <i>x</i>。"),
    "news/2024-06-01-f.md": article_file("草稿", "2024-06-01", "秘密草稿内容。", draft="true"),
}


@pytest.fixture(scope="module")
def substrings_site(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("substrings"), SUBSTRINGS)[2]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Substrings across jieba's word boundaries (issue #10): all found.
        ("段简", ["测试文章"]),
        ("是一段", ["测试文章"]),
        ("园走进农家", ["红星村幼儿园走进农家书屋"]),
        ("委志", ["红星村幼儿园走进农家书屋"]),
        ("工委", ["红星村幼儿园走进农家书屋"]),
        ("段", ["测试文章"]),
        # Title matches first, then text matches, newest first within each.
        ("关心下一代", ["关心下一代", "工作会议"]),
        ("志愿者", ["关心下一代", "红星村幼儿园走进农家书屋"]),
        # A comma separates: 关心，下一代 is not 关心下一代; two terms are ANDed anywhere.
        ("关心 下一代", ["关心下一代", "工作会议", "标点分开"]),
        ("关心，五老", ["关心下一代"]),
        # Width and case fold: ２０２４年 is 2024年, Ｇ２０ is g20.
        ("2024年", ["工作会议"]),
        ("g20", ["工作会议"]),
        ("４年ｇ", ["工作会议"]),
        # Nothing for text that does not occur, or occurs only in a draft.
        ("简短测试", []),
        ("秘密草稿", []),
        ("，。", []),
    ],
)
def test_any_substring_that_occurs_is_found(substrings_site, query, expected):
    result = search(substrings_site, query)
    assert titles(result) == expected
    assert result["total"] == len(expected)


def test_results_carry_url_date_section_and_an_escaped_snippet_with_the_match_marked(substrings_site):
    (item,) = search(substrings_site, "委志")["results"]
    assert item["url"] == "http://site.test/news/2024/0201-b/"
    assert (item["date"], item["section"]) == ("2024-02-01", "工作动态")
    assert item["snippet_html"] == "区关工<mark>委志</mark>愿者来到村里。"
    # Text is shown as written (full-width digits), the match mapped back onto it.
    (item,) = search(substrings_site, "2024年")["results"]
    assert "<mark>２０２４年</mark>" in item["snippet_html"]
    (item,) = search(substrings_site, "五老")["results"]
    assert item["snippet_html"] == "<mark>五老</mark>志愿者 &#60;i&#62;x&#60;/i&#62;。"


def test_every_file_is_asked_for_with_the_build_of_the_meta_file_read(substrings_site):
    meta = json.loads((substrings_site / "search" / "meta.json").read_text())
    result = search(substrings_site, "委志")
    assert result["fetched"][0] == "meta.json" and len(result["fetched"]) >= 3
    assert result["versions"] == [meta["build"]] and len(meta["build"]) == 16


def test_a_draft_enters_no_file_of_the_index(substrings_site):
    for path in (substrings_site / "search").rglob("*"):
        if path.is_file() and path.name != "search.js":
            assert "秘密".encode() not in path.read_bytes(), path
            assert fold("草稿内容").encode() not in path.read_bytes(), path
    assert len(list((substrings_site / "search" / "d").iterdir())) == 5


def vocabulary_site(count: int, seed: int = 1) -> dict[str, str]:
    """`count` articles of random text over a small vocabulary, so terms recur across documents."""
    rng = random.Random(seed)
    words = [
        "关工委",
        "五老",
        "留守儿童",
        "辅导站",
        "志愿者",
        "家风",
        "红色故事",
        "2024年",
        "Ｇ２０",
        "桥",
        "园",
        "农家",
    ]
    files = {}
    for n in range(count):
        title = "".join(rng.sample(words, 2)) + f"第{n}期"
        body = "，".join("".join(rng.choices(words, k=rng.randint(1, 4))) for _ in range(rng.randint(3, 12))) + "。"
        date = f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}"
        files[f"news/{date}-a{n}.md"] = article_file(title, date, body)
    return files


def expected_order(site: Site, texts: dict[str, str], query: str) -> list[str]:
    """Brute force: titles containing every term first, then any other match; newest first."""
    terms = word_runs(query)
    if not terms:
        return []
    by_age = sorted(site.published, key=lambda a: (a.date.timestamp(), a.source.src_uri), reverse=True)
    in_title = [a for a in by_age if all(t in fold(a.title) for t in terms)]
    anywhere = [
        a
        for a in by_age
        if a not in in_title and all(t in fold(a.title) or t in fold(texts[a.source.src_uri]) for t in terms)
    ]
    return [a.title for a in in_title + anywhere]


def test_blocks_and_frequent_terms_give_the_brute_force_answer(tmp_path, monkeypatch):
    # Tiny blocks and inline limit, so frequent terms live in p files spread over many blocks.
    monkeypatch.setattr(search_index, "BLOCK_SIZE", 8)
    monkeypatch.setattr(search_index, "BATCH_SIZE", 4)
    monkeypatch.setattr(search_index, "INLINE_LIMIT", 24)
    site, texts, out = build(tmp_path, vocabulary_site(60))
    meta = json.loads((out / "search" / "meta.json").read_text())
    assert meta["block"] == 8 and meta["documents"] == 60
    assert list((out / "search" / "p").rglob("*.bin")), "no frequent terms: the test would not test blocks"
    rng = random.Random(2)
    queries = ["关工委", "五老 留守儿童", "工委五", "桥", "站志", "2024年g20", "老留", "农家园", "第1期", "期 桥 园"]
    for a in rng.sample(site.published, 20):
        text = rng.choice([a.title, texts[a.source.src_uri]])
        start = rng.randrange(len(text) - 1)
        queries.append(text[start : start + rng.randint(1, 6)])
    results = search_many(out, queries, tmp_path)
    for query, result in zip(queries, results, strict=True):
        expected = expected_order(site, texts, query)
        assert result["total"] == len(expected), query
        assert titles(result) == expected[:10], query
        files = result["fetched"]
        assert len(files) == len(set(files)), f"{query}: a file fetched twice"
    # 更多结果: the next page continues where the first ended.
    expected = expected_order(site, texts, "关工委")
    assert len(expected) > 20
    assert titles(search(out, "关工委", offset=10)) == expected[10:20]


def test_pages_read_newest_blocks_first_and_stop_early_when_counting_would_cost(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "BLOCK_SIZE", 8)
    monkeypatch.setattr(search_index, "BATCH_SIZE", 4)
    monkeypatch.setattr(search_index, "INLINE_LIMIT", 24)
    site, texts, out = build(tmp_path, vocabulary_site(60))
    for query in ("关工委", "辅导站 家风", "2024年"):
        expected = expected_order(site, texts, query)
        assert len(expected) > 20, query
        # With no budget for counting, the first page reads only the newest blocks it needs.
        lazy = search_pages(out, query, count_budget=0)
        first, last = lazy["answers"][0], lazy["answers"][-1]
        assert not first["exact"] and 10 <= first["total"] < len(expected), query
        assert [t for page in lazy["answers"] for t in page["titles"]] == expected, query
        assert last["exact"] and last["total"] == len(expected), query
        # With the default budget, a site this small is counted exactly on the first page.
        counted = search_pages(out, query)["answers"][0]
        assert counted["exact"] and counted["total"] == len(expected), query
    # A word of one or two characters is counted from its shard alone.
    first = search_pages(out, "五老", count_budget=0)["answers"][0]
    assert first["exact"] and first["total"] == len(expected_order(site, texts, "五老"))


def test_batches_analysed_in_worker_processes_give_the_same_files(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "BLOCK_SIZE", 16)
    monkeypatch.setattr(search_index, "BATCH_SIZE", 8)
    site, texts, out = build(tmp_path, vocabulary_site(60))
    cache = tmp_path / "cache"
    site = dataclasses.replace(site, settings=dataclasses.replace(site.settings, cache_dir=cache))
    pool = new_process_pool(2)
    try:
        stats = write_search_index(site, texts, tmp_path / "parallel", pool)
    finally:
        pool.shutdown()
    serial = {p.relative_to(out / "search"): p.read_bytes() for p in (out / "search").rglob("*") if p.is_file()}
    parallel = {
        p.relative_to(tmp_path / "parallel"): p.read_bytes() for p in (tmp_path / "parallel").rglob("*") if p.is_file()
    }
    assert parallel == serial and stats.files == len(serial)
    # Each batch's spill file and its offsets stay in the cache folder for the next build.
    assert len(list((cache / "search-batches").glob("*.spill"))) == 8
    assert len(list((cache / "search-batches").glob("*.offsets"))) == 8


def test_an_edit_reanalyses_only_its_batch_and_gives_the_files_of_a_fresh_index(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "BLOCK_SIZE", 16)
    monkeypatch.setattr(search_index, "BATCH_SIZE", 8)
    site, texts, _ = build(tmp_path, vocabulary_site(40))
    site = dataclasses.replace(site, settings=dataclasses.replace(site.settings, cache_dir=tmp_path / "cache"))
    write_search_index(site, texts, tmp_path / "first")
    spills = tmp_path / "cache" / "search-batches"
    before = {path.name: path.stat().st_mtime_ns for path in spills.glob("*.spill")}

    oldest = search_index.document_order(site)[0]
    texts[oldest.source.src_uri] += "改过的一句话。"
    analysed = []
    original = search_index.spill_batch
    monkeypatch.setattr(search_index, "spill_batch", lambda path, docs: analysed.append(docs) or original(path, docs))
    write_search_index(site, texts, tmp_path / "incremental")
    assert [doc for doc, _, _ in analysed[0]] == list(range(8)) and len(analysed) == 1
    after = {path.name: path.stat().st_mtime_ns for path in spills.glob("*.spill")}
    assert len(after) == 5 and len(set(after) - set(before)) == 1  # the old version of the batch is gone
    assert all(after[name] == before[name] for name in set(after) & set(before))

    write_search_index(
        dataclasses.replace(site, settings=dataclasses.replace(site.settings, cache_dir=None)),
        texts,
        tmp_path / "fresh",
    )
    fresh = {p.relative_to(tmp_path / "fresh"): p.read_bytes() for p in (tmp_path / "fresh").rglob("*") if p.is_file()}
    incremental = {
        p.relative_to(tmp_path / "incremental"): p.read_bytes()
        for p in (tmp_path / "incremental").rglob("*")
        if p.is_file()
    }
    assert incremental == fresh


def test_shard_sizes_are_measured_exactly_before_encoding(tmp_path, monkeypatch):
    # S is chosen from measured sizes before anything is encoded: they must be the encoded sizes.
    monkeypatch.setattr(search_index, "INLINE_LIMIT", 24)
    site, texts, _ = build(tmp_path, vocabulary_site(40))
    documents = [(doc, a.title, texts[a.source.src_uri]) for doc, a in enumerate(search_index.document_order(site))]
    offsets = search_index.spill_batch(tmp_path / "batch.spill", documents)
    with search_index._SpillReader([(tmp_path / "batch.spill", offsets)]) as spill:
        for bucket in range(search_index.BUCKETS):
            data = spill.bucket(bucket)
            shard_part, _, terms, frequent = search_index._encode_bucket(data)
            assert search_index._bucket_size(data) == (terms, frequent, len(shard_part)), bucket


def test_an_unchanged_index_is_not_rewritten_and_stale_files_go(tmp_path):
    articles = vocabulary_site(12)
    site, texts, out = build(tmp_path, articles)
    folder = out / "search"
    before = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    stats = write_search_index(site, texts, folder)
    assert (stats.written, stats.removed, stats.files) == (0, 0, len(before))
    assert {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()} == before

    newest = max(site.published, key=lambda a: a.date)
    texts[newest.source.src_uri] += "新增一句话。"
    stats = write_search_index(site, texts, folder)
    assert 0 < stats.written < stats.files / 2
    assert stats.removed == 0

    del articles[f"news/{newest.date.date().isoformat()}-a11.md"]
    fewer, texts, _ = build(tmp_path / "fewer", articles)
    stats = write_search_index(fewer, texts, folder)
    assert stats.removed >= 1 and not (folder / "d" / "11.json").exists()
    assert json.loads((folder / "meta.json").read_text())["documents"] == 11


class CountingTexts(dict):
    """Texts that remember which were asked for."""

    def __init__(self, texts):
        super().__init__(texts)
        self.asked = set()

    def get(self, key, default=None):
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key):
        self.asked.add(key)
        return super().__getitem__(key)


def test_batches_named_by_page_keys_read_no_text_of_an_unchanged_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "BLOCK_SIZE", 16)
    monkeypatch.setattr(search_index, "BATCH_SIZE", 8)
    site, texts, _ = build(tmp_path, vocabulary_site(40))
    site = dataclasses.replace(site, settings=dataclasses.replace(site.settings, cache_dir=tmp_path / "cache"))
    order = search_index.document_order(site)
    keys = {a.source.src_uri: f"key-{a.source.src_uri}" for a in order}
    out = tmp_path / "index"
    write_search_index(site, texts, out, doc_keys=keys)

    newest = order[-1]
    texts[newest.source.src_uri] += "改过的一句话。"
    keys[newest.source.src_uri] += "-edited"
    counting = CountingTexts(texts)
    stats = write_search_index(site, counting, out, doc_keys=keys)
    assert counting.asked == {a.source.src_uri for a in order[32:]}  # the last batch only
    assert 0 < stats.written < stats.files / 2

    fresh = tmp_path / "fresh"
    write_search_index(
        dataclasses.replace(site, settings=dataclasses.replace(site.settings, cache_dir=None)), texts, fresh
    )
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert files == {p.relative_to(fresh): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}

    # A d/ file missing from the output (the previous site lost it): written again from its text.
    (out / "d" / "3.json").unlink()
    write_search_index(site, CountingTexts(texts), out, doc_keys=keys)
    assert (out / "d" / "3.json").read_bytes() == (fresh / "d" / "3.json").read_bytes()
