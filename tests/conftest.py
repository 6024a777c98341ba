"""Shared fixtures: tiny sites written from inline dicts, and one build of the demo site."""

from __future__ import annotations

import shutil
import textwrap
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from site_builder.cli import main
from site_builder.settings import SectionSettings, SiteSettings

REPO = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEMO_NOW = "2026-11-21T12:00:00+08:00"
"""Publication time of the demo build: the 2030 article stays in the future whatever the clock says."""

SMALL_CONFIG = """\
site_name: 测试站点
site_url: https://example.org/
docs_dir: content
theme:
  name: material
  language: zh
  font: false
plugins:
  - site_builder:
      require_review: {require_review}
      pagination_per_page: 2
      cache_dir: .cache/sb
      sections:
        news:    {{title: 工作动态}}
        stories: {{title: 先进事迹}}
        reports: {{title: 活动报道}}
        notices: {{title: 通知公告}}
"""


def site_settings(content_dir: Path, **overrides) -> SiteSettings:
    """Settings for a content folder with the four usual sections; keyword arguments override."""
    defaults: dict = dict(
        project_dir=content_dir.parent,
        content_dir=content_dir,
        sections=(
            SectionSettings("news", "工作动态"),
            SectionSettings("stories", "先进事迹"),
            SectionSettings("reports", "活动报道"),
            SectionSettings("notices", "通知公告"),
        ),
    )
    return SiteSettings(**(defaults | overrides))


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path → text or bytes) under `root`; text is dedented."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


def article(title: str = "标题", date: str = "2024-05-01", **fields) -> str:
    """Markdown text of an article with the given front matter and a short body."""
    lines = [f"title: {title}", f"date: {date}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n正文第一段。\n"


@pytest.fixture
def make_project(tmp_path, monkeypatch):
    """A project folder with mkdocs.yml and the given content files; cwd is set to it."""

    def make(files: dict[str, str | bytes], require_review: bool = False) -> Path:
        project = tmp_path / "project"
        project.mkdir(exist_ok=True)
        (project / "mkdocs.yml").write_text(
            SMALL_CONFIG.format(require_review=str(require_review).lower()), encoding="utf-8"
        )
        (project / "content").mkdir(exist_ok=True)
        write_tree(project / "content", files)
        monkeypatch.chdir(project)
        monkeypatch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
        return project

    return make


def run_cli(args: list[str], capsys) -> tuple[int, str]:
    """Run `site-builder ARGS` in-process; returns the exit code and what it printed to stderr."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.err + captured.out


def copy_demo(target: Path) -> Path:
    """A copy of the repository's demo site (content, theme, config) in `target`."""
    for name in ("content", "themes"):
        shutil.copytree(REPO / name, target / name)
    shutil.copy(REPO / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture
def s3(monkeypatch):
    """An S3 API (moto's server) on loopback with a bucket `ggw`; credentials in the environment."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
    client = boto3.client("s3")
    client.create_bucket(Bucket="ggw", CreateBucketConfiguration={"LocationConstraint": "cn-north-1"})
    yield client
    requests.post(f"http://{host}:{port}/moto-api/reset")  # the in-memory backend outlives the server
    server.stop()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo site built once for the session; returns the output folder."""
    project = copy_demo(tmp_path_factory.mktemp("demo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
        assert main(["build", "-d", "site"]) == 0
    return project / "site"


def shanghai(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)
