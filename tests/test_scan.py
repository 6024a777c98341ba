import os

from site_builder.content.scan import scan_sections
from site_builder.diagnostics import Diagnostics
from tests.conftest import article, site_settings, write_tree


def scan(tmp_path, files):
    content = write_tree(tmp_path / "content", files)
    diagnostics = Diagnostics()
    return scan_sections(site_settings(content), diagnostics), diagnostics


def test_single_files_bundles_subfolders_and_section_intro(tmp_path):
    result, diagnostics = scan(
        tmp_path,
        {
            "news/index.md": "介绍",
            "news/2024-05-01-甲.md": article(),
            "news/2024/2024-06-01-乙/index.md": article(),
            "news/2024/2024-06-01-乙/photo.jpg": b"x",
            "stories/x.md": article(),
        },
    )
    assert [(s.src_uri, s.is_bundle, s.name_part) for s in result.articles] == [
        ("news/2024-05-01-甲.md", False, "甲"),
        ("news/2024/2024-06-01-乙/index.md", True, "乙"),
    ]
    assert set(result.section_intros) == {"news"}
    [error] = diagnostics.errors
    assert error.path == "content/stories/x.md" and "命名规则" in error.message
    assert any("reports" in w.path for w in diagnostics.warnings)  # declared but missing folder


def test_symlinked_article_pointing_outside_content_is_refused(tmp_path):
    outside = tmp_path / "secret.md"
    outside.write_text(article(), encoding="utf-8")
    (tmp_path / "content" / "news").mkdir(parents=True)
    os.symlink(outside, tmp_path / "content/news/2024-05-01-link.md")
    result, diagnostics = scan(tmp_path, {})
    assert result.articles == ()
    assert "symlink" in diagnostics.errors[0].message
