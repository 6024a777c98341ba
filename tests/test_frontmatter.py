from site_builder.content.frontmatter import parse_front_matter
from site_builder.diagnostics import Diagnostics


def parse(text):
    diagnostics = Diagnostics()
    return parse_front_matter(text, "content/news/a.md", diagnostics), diagnostics


def test_keys_get_their_line_numbers_and_body_start():
    front, diagnostics = parse("---\ntitle: 甲\n\ntags:\n  - 一\n  - 二\n---\n正文\n")
    assert front.values == {"title": "甲", "tags": ["一", "二"]}
    assert front.lines == {"title": 2, "tags": 4}
    assert front.item_lines["tags"] == [5, 6]
    assert front.body == "正文\n" and front.body_line == 8
    assert len(diagnostics) == 0


def test_broken_yaml_names_the_line():
    front, diagnostics = parse("---\ntitle: 甲\ndate: 2024-05-01\ntags: [a, b\n---\n")
    assert front is None
    [error] = diagnostics.errors
    assert error.line in (4, 5) and "格式有误" in error.message


def test_missing_and_unclosed_front_matter():
    assert parse("# 只有正文\n")[1].errors[0].message.startswith("文件开头缺少 front matter")
    assert parse("---\ntitle: 甲\n正文\n")[1].errors[0].message == "front matter 没有结束"


def test_word_control_characters_are_removed_with_a_warning_per_line():
    front, diagnostics = parse("---\ntitle: 甲\x0b乙\ndate: 2024-05-01\n---\n第一段\x0c\n")
    assert front.values["title"] == "甲乙"
    assert front.body == "第一段\n"
    assert [(w.line, "控制字符" in w.message) for w in diagnostics.warnings] == [(2, True), (5, True)]


def test_a_value_yaml_cannot_build_is_reported_at_its_key():
    front, diagnostics = parse("---\ntitle: 甲\ndate: 2024-13-45\n---\n")
    assert "date" in front.unreadable and front.values == {"title": "甲"}
    assert diagnostics.errors[0].line == 3


def test_duplicate_key_warns_and_keeps_the_last():
    front, diagnostics = parse("---\ntitle: 甲\ntitle: 乙\n---\n")
    assert front.values["title"] == "乙"
    assert diagnostics.warnings[0].line == 3 and "两次" in diagnostics.warnings[0].message


def test_byte_order_mark_from_notepad_is_ignored():
    front, diagnostics = parse("\ufeff---\ntitle: 甲\n---\n")
    assert front.values == {"title": "甲"} and not diagnostics.errors


def test_hundreds_of_nested_brackets_are_an_error_not_a_crash():
    for text in (
        "---\ntitle: 甲\ntags: " + "[" * 300 + "]" * 300 + "\n---\n",
        "---\ntitle: 甲\ntags: " + "{a: " * 300 + "}" * 300 + "\n---\n",
    ):
        _front, diagnostics = parse(text)
        [error] = diagnostics.errors
        assert "嵌套太深" in error.message and error.line in (2, 3)
