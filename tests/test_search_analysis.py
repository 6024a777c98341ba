"""One definition of words and terms for the indexer (Python) and the client (JavaScript).

tests/fixtures/search_analysis.json lists texts with the runs, characters and positioned bigrams
both must find; each side is checked against it, so neither can drift (issue #10).
"""

import json

from site_builder.search.analyse import analyse, fold, text_of_html, word_runs
from site_builder.search.index import term_hash
from tests.search_helpers import REPO, run_node

FIXTURE = REPO / "tests" / "fixtures" / "search_analysis.json"


def cases() -> list[dict]:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"]


def test_python_analysis_matches_the_shared_fixture():
    for case in cases():
        terms = analyse(case["text"])
        assert word_runs(case["text"]) == case["runs"], case["text"]
        assert sorted(terms.characters) == sorted(case["characters"]), case["text"]
        assert terms.bigrams == case["bigrams"], case["text"]


def test_python_term_hashes_match_the_shared_fixture():
    hashes = json.loads(FIXTURE.read_text(encoding="utf-8"))["hashes"]
    assert {term: term_hash(term) for term in hashes} == hashes and len(hashes) >= 8


def test_javascript_analysis_matches_the_shared_fixture():
    assert run_node("analyse", str(FIXTURE)) == {"mismatches": []}


def test_the_fixture_covers_the_cases_that_matter():
    texts = {case["text"]: case for case in cases()}
    # Full-width digits and letters fold to ASCII; Chinese punctuation separates.
    assert texts["２０２４年Ｇ２０峰会：ＡＢＣ，ａｂｃ！"]["runs"] == ["2024年g20峰会", "abc", "abc"]
    # Positions jump by one at each separator: 关心，下一代 never matches 关心下一代.
    assert texts["五老 留守儿童；关工委，五老"]["bigrams"]["五老"] == [0, 12]
    # Zero-width and soft hyphens separate; emoji are not words; characters beyond the BMP are.
    assert texts["零\u200b宽\u00ad空格\ufeff测试"]["runs"] == ["零", "宽", "空格", "测试"]
    assert texts["𠀀𠀁 😀👍 汉字"]["runs"] == ["𠀀𠀁", "汉字"]
    assert len(cases()) >= 15


def test_folding_keeps_one_character_per_character_of_chinese_text():
    # Snippets map matches back to the text as written, so Chinese text never changes length.
    text = "“五老”走进校园，讲述２０２４年的故事。"
    assert len(fold(text)) == len(text)


def test_text_of_html_joins_inline_markup_and_separates_blocks():
    html = '<p>区<strong>关工</strong>委</p><p>五老<a href="x">志愿者</a></p><script>var x = "隐藏";</script>'
    assert text_of_html(html) == "区关工委 五老志愿者"
    assert text_of_html("<p>零\u200b宽&nbsp;空格 &lt;b&gt;</p><!-- 注释 -->") == "零宽 空格 <b>"
