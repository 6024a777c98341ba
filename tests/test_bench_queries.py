"""The search benchmark's query set: deterministic, and its ground truth is what the articles say."""

import json
import subprocess
import sys

import pytest

from bench.search_queries import DEFAULT_GENERATOR, body_text, dump, generate, normalise, word_runs

needs_generator = pytest.mark.skipif(not DEFAULT_GENERATOR.is_file(), reason="../shared/bench/make_corpus.py absent")


def test_body_text_strips_the_markdown_a_reader_never_sees():
    markdown = (
        "开头一段。\n\n<!-- more -->\n\n## 一、活动过程\n\n- 组建“五老”宣讲团；\n1. 开展**家风**教育。\n\n"
        "| 时间 | 内容 |\n| --- | --- |\n| 3月5日 | 暑期公益课堂 |\n\n> “看到孩子们的笑脸。”——王建国\n\n"
        "![合影](IMG_1.jpg)见[通知](../notice/)。"
    )
    text = body_text(markdown)
    for gone in ("<!--", "more", "#", "- ", "1.", "**", "|", "---", ">", "IMG_1", "合影", "](", "../notice"):
        assert gone not in text, gone
    for kept in ("开头一段。", "一、活动过程", "组建“五老”宣讲团；", "开展家风教育。", "暑期公益课堂", "见通知。"):
        assert kept in text, kept
    # Lines and table cells stay apart: no match runs from one into the next.
    assert "时间\n内容" in text.replace(" ", "") and "过程组建" not in text


def test_words_and_normalisation():
    assert word_runs("关于开展2024年“法治进校园”活动的通知") == ["关于开展2024年", "法治进校园", "活动的通知"]
    assert normalise("２０２４年Ｇ２０") == "2024年g20"


@needs_generator
def test_query_set_is_deterministic_and_true_to_the_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(DEFAULT_GENERATOR), "--articles", "80", "--photos", "0", "--out", str(corpus)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    first = generate(corpus / "content", per_kind=20)
    assert dump(first) == dump(generate(corpus / "content", per_kind=20))
    assert first["counts"]["title"] == first["counts"]["body"] == first["counts"]["name"] == 20
    assert dump(first) != dump(generate(corpus / "content", per_kind=20, seed=2))

    articles = first["articles"]
    status = {
        entry["path"].removeprefix("content/"): entry["status"]
        for entry in json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["articles"]
    }
    reviewed = {src for src in status if "reviewed_by:" in (corpus / "content" / src).read_text(encoding="utf-8")}
    assert {a["src"] for a in articles} == {src for src, s in status.items() if s == "published"} & reviewed

    texts = {}
    for article in articles:
        texts[article["src"]] = normalise((corpus / "content" / article["src"]).read_text(encoding="utf-8"))
    for query in first["queries"]:
        needle = normalise(query["q"])
        assert query["matches"] and len(query["q"]) >= 2 and all(ch.isalnum() for ch in query["q"])
        if query["kind"] in ("title", "body"):
            assert len(query["q"]) <= 6 and query["source"] in query["matches"]
        else:
            assert query["source"] is None
        assert set(query["title_matches"]) <= set(query["matches"])
        for index in query["title_matches"]:
            assert needle in normalise(articles[index]["title"])
        for index in query["matches"]:
            assert needle in texts[articles[index]["src"]]
        # Every other published article lacks it in its title and its text (the raw file may still
        # hold it across Markdown syntax, which a reader does not see: rare, not checked).
        missing = set(range(len(articles))) - set(query["matches"])
        assert not any(needle in normalise(articles[i]["title"]) for i in missing)
