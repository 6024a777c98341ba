"""Incremental builds (issue #10): what a rebuild writes is exactly what a cold build writes.

Each scenario builds a small site, changes it as an editor would, builds again (incrementally:
unchanged pages are carried over from the previous site), then builds the same sources cold in a
fresh folder with an empty cache, and compares every path and every byte of the two sites.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from site_builder.deploy.manifest import manifest_digest, read_build_stamp, scan_site
from site_builder.mkdocs_plugin.plugin import SiteBuilderPlugin
from site_builder.search import index as search_index
from tests.conftest import article, run_cli, write_tree
from tests.images_fixtures import phone_jpeg

FILES = {
    "news/2024-05-01-甲.md": article("甲", date="2024-05-01", tags="[敬老]", unit="石桥镇关工委")
    + "\n见[乙](2024-05-02-乙.md)。\n",
    "news/2024-05-02-乙.md": article("乙", date="2024-05-02", tags="[敬老, 助学]", unit="滨江社区关工委"),
    "news/2024-05-03-丙.md": article("丙", date="2024-05-03", category="五老风采"),
    "reports/2024-06-01-活动/index.md": article("活动", date="2024-06-01", cover="合影.jpg", tags="[助学]")
    + "\n详见[丙](../../news/2024-05-03-丙.md)。\n",
    "reports/2024-06-01-活动/合影.jpg": phone_jpeg(1),
    "reports/2023-12-01-去年/index.md": article("去年的活动", date="2023-12-01"),
    "about.md": "---\ntitle: 关于我们\n---\n\n# 关于我们\n",
}
EDITED = "content/news/2024-05-02-乙.md"


def tree(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    return sorted(path for path in set(first) | set(second) if first.get(path) != second.get(path))


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_photo(project: Path) -> None:
    (project / "content/news/新照片.jpg").write_bytes(phone_jpeg(6))
    replace_in(project / EDITED, "title: 乙", "title: 乙\ncover: 新照片.jpg")


SCENARIOS = {
    "body": lambda p: replace_in(p / EDITED, "正文第一段。", "正文第一段，改过了。"),
    "title": lambda p: replace_in(p / EDITED, "title: 乙", "title: 乙（更正）"),
    "tag": lambda p: replace_in(p / EDITED, "tags: [敬老, 助学]", "tags: [敬老, 新标签]"),
    "date across years": lambda p: replace_in(p / EDITED, "date: 2024-05-02", "date: 2023-05-02"),
    "add": lambda p: write_tree(
        p / "content", {"news/2024-07-01-丁.md": article("丁", date="2024-07-01", unit="新单位")}
    ),
    "delete": lambda p: (p / "content/news/2024-05-03-丙.md").unlink(),
    "add photo": add_photo,
    "draft a published article": lambda p: replace_in(p / EDITED, "title: 乙", "title: 乙\ndraft: true"),
    "slug of a linked article": lambda p: replace_in(
        p / "content/news/2024-05-03-丙.md", "title: 丙", "title: 丙\nslug: bing-new"
    ),
    "mkdocs.yml": lambda p: replace_in(p / "mkdocs.yml", "pagination_per_page: 2", "pagination_per_page: 3"),
    # Issue #12: month archives, the 大事记, the statistics page and a person's 业绩记载.
    "date across months": lambda p: replace_in(p / EDITED, "date: 2024-05-02", "date: 2024-06-02"),
    "out of the chronicle": lambda p: replace_in(p / EDITED, "title: 乙", "title: 乙\nchronicle: false"),
    "unit of a chronicle article": lambda p: replace_in(p / EDITED, "unit: 滨江社区关工委", "unit: 石桥镇关工委"),
    "a person named": lambda p: replace_in(p / EDITED, "title: 乙", "title: 乙\npeople: [王秀兰]\nparticipants: 30"),
}


def build(capsys) -> str:
    code, output = run_cli(["build"], capsys)
    assert code == 0, output
    return output


def cold_copy(project: Path, folder: Path, monkeypatch, capsys) -> dict[str, str]:
    """The same sources built cold: a fresh folder, no cache, no previous site."""
    shutil.copytree(project / "content", folder / "content")
    shutil.copy(project / "mkdocs.yml", folder / "mkdocs.yml")
    monkeypatch.chdir(folder)
    build(capsys)
    monkeypatch.chdir(project)
    return tree(folder / "site")


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_an_incremental_build_writes_what_a_cold_build_writes(scenario, make_project, tmp_path, monkeypatch, capsys):
    project = make_project(FILES)
    # Every page kind the site can have: the 年度工作统计 pages too (issue #12).
    replace_in(project / "mkdocs.yml", "pagination_per_page: 2", "pagination_per_page: 2\n      stats_page: true")
    build(capsys)
    SCENARIOS[scenario](project)
    output = build(capsys)
    if scenario != "mkdocs.yml":  # a configuration change makes the build cold, on purpose
        rendered, carried = map(
            int, re.search(r"增量生成：(\d+) 个页面重新生成，沿用上次的 (\d+) 个文件", output).groups()
        )
        assert carried > 0 and rendered > 0, output
    incremental = tree(project / "site")
    assert differences(incremental, cold_copy(project, tmp_path / "cold", monkeypatch, capsys)) == []
    # Hashes taken over from the previous build (carried pages, search files left as they were)
    # are those of the files: the stamp's digest is that of the site read afresh.
    assert read_build_stamp(project / "site")["digest"] == manifest_digest(scan_site(project / "site"))


def test_an_unchanged_rebuild_renders_only_the_navigation_pages(make_project, capsys):
    project = make_project(FILES)
    build(capsys)
    before = tree(project / "site")
    output = build(capsys)
    # Only what is in every page's navigation: home, the four section fronts and about.md.
    assert "增量生成：6 个页面重新生成" in output
    assert tree(project / "site") == before


def test_a_build_that_fails_after_carrying_files_over_leaves_the_previous_site_whole(make_project, capsys, monkeypatch):
    project = make_project(FILES)
    build(capsys)
    before = tree(project / "site")
    replace_in(project / EDITED, "正文第一段。", "正文第一段，改过了。")

    def fail(self, *, config):
        raise RuntimeError("a failure after pages were carried over and rendered")

    monkeypatch.setattr(SiteBuilderPlugin, "on_post_build", fail)
    code, _ = run_cli(["build"], capsys)
    assert code != 0
    assert tree(project / "site") == before
    assert not list(project.glob(".site.building-*"))


def test_a_page_changed_by_hand_after_the_build_is_not_carried_over(make_project, tmp_path, monkeypatch, capsys):
    project = make_project(FILES)
    build(capsys)
    page = next((project / "site/news/2024").glob("*/index.html"))
    page.write_text("changed by hand", encoding="utf-8")
    build(capsys)
    assert page.read_text(encoding="utf-8") != "changed by hand"
    assert differences(tree(project / "site"), cold_copy(project, tmp_path / "cold", monkeypatch, capsys)) == []


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def test_the_site_before_last_is_reused_without_writing_through_to_the_site_in_place(
    make_project, tmp_path, monkeypatch, capsys
):
    # From the third build on, the staging folder is the spare (the site before last), whose files
    # may still be hard links to the current site's: a build must never write through them.
    # Search batches of two articles, so that unchanged batches are taken from the cache.
    monkeypatch.setattr(search_index, "BATCH_SIZE", 2)
    monkeypatch.setattr(search_index, "BLOCK_SIZE", 4)
    project = make_project(FILES)
    build(capsys)
    for scenario in ("body", "tag", "delete", "date across years", "add photo"):
        before = tree(project / "site")
        SCENARIOS[scenario](project)
        build(capsys)
        assert tree(project / ".site.spare") == before, scenario
    assert differences(tree(project / "site"), cold_copy(project, tmp_path / "cold", monkeypatch, capsys)) == []
    # Folders of pages that are gone do not stay behind, empty, in the reused folder.
    assert folders(project / "site") == folders(tmp_path / "cold" / "site")


def test_a_preview_between_two_builds_keeps_the_next_build_incremental(make_project, capsys):
    # `serve` builds for another address, so its page keys differ: it must not prune the rendered
    # articles that the next `build` carries over. (A real `serve` process, as a user runs it.)
    project = make_project(FILES)
    build(capsys)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "SITE_BUILDER_NOW": "2026-01-01T12:00:00+08:00"}
    server = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "-a", f"127.0.0.1:{port}"], cwd=project, env=environment
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=60)
    SCENARIOS["body"](project)
    build(capsys)
    # An article the edit does not touch was carried over: the same file as in the site before.
    [page] = (project / "site").glob("reports/2023/*/index.html")
    before = project / ".site.spare" / page.relative_to(project / "site")
    assert page.stat().st_ino == before.stat().st_ino
