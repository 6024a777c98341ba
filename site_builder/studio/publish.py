"""发布: build the site and deploy it to a configured target, in the background (issue #16).

The same steps as `site-builder deploy TARGET --build`: `build_site` (through the engine module),
then `deploy` with the project's config file and content folder protected, and `rollback` for 回滚.
The page polls the state: phase, percent, and at the end the pages added, updated and removed and
the public link; every failure is the core's Chinese message.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.deploy.folder import DeployError
from site_builder.deploy.targets import Target, deploy, resolve_target, rollback
from site_builder.project import BuildFailed, Project


def page_urls(paths: list[str]) -> list[str]:
    """The pages among published files: `news/2024/0501-x/index.html` → `news/2024/0501-x/`."""
    pages = []
    for path in paths:
        if path.endswith("/index.html") or path == "index.html":
            pages.append(path.removesuffix("index.html"))
        elif path.endswith(".html"):
            pages.append(path)
    return sorted(pages)


class Publisher:
    """One publish or rollback at a time; `state` is what the 发布 page shows."""

    def __init__(self, project: Project, build: Callable[[Project, Path], None]) -> None:
        self.project = project
        self._build = build
        self._lock = threading.Lock()
        self.state: dict[str, Any] = {"running": False, "phase": "", "percent": 0, "error": "", "result": None}

    def targets(self) -> list[dict[str, str]]:
        found = []
        for name in sorted(self.project.deploy_targets):
            try:
                target = resolve_target(name, self.project.deploy_targets)
            except DeployError:
                continue
            found.append({"name": name, "address": target.address, "kind": target.kind})
        return found

    def start(self, target_name: str, before: Callable[[], str | None] | None = None) -> None:
        """Publish in a thread; DeployError at once for an unknown target or a publish under way."""
        target = self._target(target_name)
        with self._lock:
            if self.state["running"]:
                raise DeployError("正在发布，请等这一次完成")
            self.state = {"running": True, "phase": "检查文章", "percent": 5, "error": "", "result": None}
        threading.Thread(target=self._run, args=(target, target_name, before), daemon=True).start()

    def _target(self, name: str) -> Target:
        if name not in self.project.deploy_targets:
            raise DeployError(
                "mkdocs.yml 里没有这个发布目标。请在 site_builder 下加上 deploy，例如 deploy: {production: /srv/www/site}"
            )
        return resolve_target(name, self.project.deploy_targets)

    def _set(self, **values: Any) -> None:
        with self._lock:
            self.state = {**self.state, **values}

    def _run(self, target: Target, name: str, before: Callable[[], str | None] | None) -> None:
        started = time.perf_counter()
        try:
            problem = before() if before else None
            if problem:
                raise BuildFailed(problem, 1)
            self._set(phase="生成网站", percent=20)
            site_dir = self.project.site_dir
            self._build(self.project, site_dir)
            self._set(phase="上传到发布位置", percent=75)
            site_url = self.project.settings.site_url
            if target.site_url and target.site_url != site_url:
                raise DeployError(
                    f"mkdocs.yml 的 site_url“{site_url}”与发布目标的网址“{target.site_url}”不一致，链接会错；请改正后再发布"
                )
            report = deploy(
                site_dir, target, config_file=self.project.config_file, docs_dir=self.project.settings.content_dir
            )
        except (BuildFailed, DeployError) as error:
            self._set(running=False, phase="失败", percent=100, error=_with_advice(str(error)))
            return
        except Exception as error:  # shown, never a traceback in the page
            self._set(running=False, phase="失败", percent=100, error=f"发布时出错（{type(error).__name__}：{error}）")
            return
        added = set(report.added)
        link = (target.site_url or self.project.settings.site_url).rstrip("/") + "/"
        result = {
            "target": name,
            "address": target.address,
            "added": page_urls([p for p in report.uploaded if p in added]),
            "updated": page_urls([p for p in report.uploaded if p not in added]),
            "removed": page_urls(report.deleted),
            "files": len(report.uploaded),
            "unchanged": report.skipped,
            "link": link if link != "/" else "",
            "seconds": round(time.perf_counter() - started, 2),
            "summary": report.summary(),
        }
        self._set(running=False, phase="完成", percent=100, result=result)

    def rollback(self, target_name: str) -> str:
        """Back to the previous release of the target; returns its name."""
        target = self._target(target_name)
        with self._lock:
            if self.state["running"]:
                raise DeployError("正在发布，请等这一次完成后再回滚")
        return rollback(target)


def _with_advice(message: str) -> str:
    if "处错误" in message:
        return message + "。请在文章列表中选“有错误”，逐篇改正后再发布"
    return message
