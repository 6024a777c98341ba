"""The 写作台's preview (issue #16): drafts shown in the preview only, never in the site."""

from __future__ import annotations

from site_builder.deploy.manifest import read_build_stamp
from site_builder.studio import engine
from tests.conftest import DEMO_NOW
from tests.studio_helpers import project_with

DRAFT_PAGE = "reports/2024/0601-liu-yi-huo-dong/index.html"
"""The draft of tests/studio_helpers.py's project."""


def test_a_draft_is_in_the_preview_and_in_no_build_of_the_site_made_in_the_same_process(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
    monkeypatch.setenv("SITE_BUILDER_WORKERS", "1")
    project = project_with(tmp_path / "project")
    monkeypatch.chdir(project)
    config_file = str(project / "mkdocs.yml")
    site = engine.load(config_file)
    preview = engine.Preview(config_file, project / ".cache/sb/studio/preview", "http://127.0.0.1:1/")
    try:
        assert preview.build() == []
        assert "孩子们过节" in (preview.live / DRAFT_PAGE).read_text(encoding="utf-8")
        assert read_build_stamp(preview.live) is None  # never deployable
        engine.build(site, project / "site")  # MkDocs shares one plugin instance per process
        assert not (project / "site" / DRAFT_PAGE).exists()
        assert not any("孩子们过节".encode() in p.read_bytes() for p in (project / "site").rglob("*") if p.is_file())
        # An edit shows in the next preview build; the site is unchanged until it is built.
        news = project / "content/news/2024/2024-05-01-敬老活动.md"
        news.write_text(news.read_text(encoding="utf-8").replace("正文第一段。", "预览里的新句子。"), encoding="utf-8")
        assert preview.build() == []
        assert "预览里的新句子" in (preview.live / "news/2024/0501-jing-lao-huo-dong/index.html").read_text(
            encoding="utf-8"
        )
        assert "孩子们过节" in (preview.live / DRAFT_PAGE).read_text(encoding="utf-8")
        engine.build(site, project / "site")
        assert not (project / "site" / DRAFT_PAGE).exists()
    finally:
        preview.close()
