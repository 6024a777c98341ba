"""A 写作台 on a small project, for the HTTP tests and the browser walk-through (issue #16)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from starlette.testclient import TestClient

from site_builder.studio.app import StudioOptions, create_app
from site_builder.studio.security import Session
from site_builder.studio.uploads import Limits
from tests.conftest import SMALL_CONFIG, write_tree

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"

ARTICLES = {
    "news/2024/2024-05-01-敬老活动.md": """\
        ---
        # 标题（必填）
        title: 敬老活动
        date: 2024-05-01 09:30
        unit: 滨江社区关工委
        reviewed_by: 周明华
        ---

        正文第一段。
        """,
    "reports/2024/2024-06-01-六一活动/index.md": """\
        ---
        title: 六一活动
        date: 2024-06-01
        draft: true
        ---

        孩子们过节。
        """,
}


def project_with(root: Path, files: dict[str, str | bytes] | None = None, deploy: str = "") -> Path:
    """A project under `root`: mkdocs.yml (review required) and its content."""
    root.mkdir(parents=True, exist_ok=True)
    config = SMALL_CONFIG.format(require_review="true")
    if deploy:
        config += f"      deploy:\n        local: {deploy}\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    write_tree(root / "content", files if files is not None else ARTICLES)
    return root


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder` with a digest of its bytes: equal means byte-identical."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = "link:" + os.readlink(path)
        elif path.is_file():
            found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            found[relative] = "folder"
    return found


@dataclass
class Studio:
    client: TestClient
    session: Session
    project: Path

    @property
    def content(self) -> Path:
        return self.project / "content"

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Origin": BASE, "X-CSRF-Token": self.session.csrf, **extra}

    def post(self, url: str, **kwargs):
        headers = {**self.headers(), **kwargs.pop("headers", {})}
        return self.client.post(url, headers=headers, **kwargs)

    def article(self, src: str) -> dict:
        response = self.client.get("/api/article", params={"src": src})
        assert response.status_code == 200, response.text
        return response.json()


def open_studio(project: Path, limits: Limits | None = None, site_build=None, login: bool = True) -> Iterator[Studio]:
    """The studio's app over `project` in a TestClient logged in with its token (no preview)."""
    from site_builder.mkdocs_plugin.build import load_project

    previous = Path.cwd()
    os.chdir(project)
    try:
        loaded = load_project(str(project / "mkdocs.yml"))
        session = Session(port=PORT, preview_port=PORT + 1)
        options = StudioOptions(project=loaded, session=session, limits=limits or Limits(), site_build=site_build)
        with TestClient(create_app(options), base_url=BASE) as client:
            if login:
                assert client.get(f"/login?token={session.token}", follow_redirects=False).status_code == 303
            yield Studio(client, session, project)
    finally:
        os.chdir(previous)
