"""`site-builder serve`: MkDocs' live-reload server, made to survive a build that fails.

`mkdocs serve` builds straight into the folder it serves and, when a rebuild raises (a broken
mkdocs.yml, a crashing input), never marks the new version visible: every request then waits
for a build that will not come, and the preview hangs until the error is fixed. Here each build
goes into its own folder (the one before last, reused) and the served folder is a symlink switched only after a build
succeeded, so the last good site keeps being served; the problems of the last build are shown
in the terminal and in a banner on every page until they are fixed.
"""

from __future__ import annotations

import errno
import html
import logging
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.config_options import Plugins
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.livereload import LiveReloadServer, _serve_url

from site_builder.deploy.manifest import scan_site
from site_builder.mkdocs_plugin.build import load_fresh_config
from site_builder.mkdocs_plugin.incremental import REUSED_FOLDER, remove_emptied
from site_builder.mkdocs_plugin.plugin import SiteBuilderPlugin
from site_builder.project import Project

log = logging.getLogger("mkdocs.plugins.site_builder")

PLUGIN_NAME = "site_builder"
LIVE_LINK = "live"
SPARE = "spare"
"""The build shown before the current one, reused as the next build's folder."""
MKDOCS_CONFIG_PREFIX = "MkDocs encountered an error parsing the configuration file:"


class PortInUse(Exception):
    """The preview address is taken; the message says what to do."""


class PreviewServer(LiveReloadServer):
    """Serves the last good build and shows the problems of the latest one on every page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems: list[str] = []

    def _inject_js_into_html(self, content: bytes, epoch: int) -> bytes:
        content = super()._inject_js_into_html(content, epoch)
        if not self.problems:
            return content
        banner = problem_banner(self.problems).encode()
        start = content.find(b"<body")
        start = content.find(b">", start) + 1 if start >= 0 else 0
        return content[:start] + banner + content[start:]


def problem_banner(problems: list[str]) -> str:
    """A fixed red box listing `problems` as text, above everything on the page."""
    items = "".join(f"<li>{html.escape(problem)}</li>" for problem in problems[:20])
    more = f"<li>……另有 {len(problems) - 20} 个问题，见终端</li>" if len(problems) > 20 else ""
    return (
        '<div role="alert" style="position:fixed;z-index:10000;left:0;right:0;bottom:0;max-height:40vh;'
        'overflow:auto;background:#b71c1c;color:#fff;font:16px/1.6 sans-serif;padding:12px 20px">'
        "<strong>预览没有更新：最近一次生成遇到问题，下面显示的是上一次成功生成的网站。改正后保存，页面会自动刷新。</strong>"
        f'<ul style="margin:6px 0 0 1.2em">{items}{more}</ul></div>'
    )


def ensure_port_free(host: str, port: int) -> None:
    """Fail before the first (slow) build when another program already listens on the address."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"预览地址 {host}:{port} 已被占用（可能另一个预览窗口还开着）。"
                    f"请关掉它，或换一个端口：site-builder serve -a {host}:{port + 1}"
                ) from None
            raise PortInUse(
                f"无法在 {host}:{port} 上预览（{error.strerror}），请用 -a 127.0.0.1:8000 这样的地址"
            ) from None


def serve_site(project: Project) -> None:
    """Build, serve on the configured `dev_addr` with live reload, and rebuild on every change until Ctrl-C."""
    config = project.engine_config
    assert isinstance(config, MkDocsConfig)
    config_file = str(project.config_file)
    host, port = config.dev_addr
    ensure_port_free(host, port)
    builds = Path(tempfile.mkdtemp(prefix="site-builder-preview-"))
    live = builds / LIVE_LINK
    serve_url = _serve_url(host, port, "/")
    server = PreviewServer(builder=lambda: None, host=host, port=port, root=str(live))
    server.error_handler = lambda code: _error_page(live, code, server.problems)

    def rebuild(current: MkDocsConfig | None = None) -> None:
        server.problems = _build_and_switch(current, config_file, builds, serve_url)

    server.builder = rebuild
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        rebuild(config)
        for path in (config.docs_dir, config.config_file_path, config.theme.custom_dir, *config.watch):
            if path:
                server.watch(path)
        config.plugins.on_serve(server, config=config, builder=rebuild)
        print(f"预览地址：{serve_url}（修改文章并保存后自动刷新；按 Ctrl+C 停止）", flush=True)
        try:
            server.serve()
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"预览地址 {host}:{port} 已被占用，请换一个端口：site-builder serve -a {host}:{port + 1}"
                ) from None
            raise
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(builds, ignore_errors=True)


def _build_and_switch(config: MkDocsConfig | None, config_file: str, builds: Path, serve_url: str) -> list[str]:
    """Build into a new folder and point `live` at it; the problems found, as lines for the banner.

    Any exception is caught on purpose: whatever a rebuild hits, the server must keep serving the
    last good site rather than hang, and the user sees the message in the terminal and the page.
    """
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=builds))
    spare = builds / SPARE
    if spare.is_dir() and not spare.is_symlink():
        os.replace(spare, staging / REUSED_FOLDER)
    try:
        if config is None:
            config = load_fresh_config(config_file=config_file, site_dir=str(staging))
        config.site_dir = str(staging)
        config.site_url = serve_url
        plugin = config.plugins.get(PLUGIN_NAME)
        if isinstance(plugin, SiteBuilderPlugin):
            plugin.previous_site = builds / LIVE_LINK  # carry unchanged pages from the page on screen
        # No `serve_url`: with it MkDocs would also render pages left out of the build on purpose.
        mkdocs_build(config)
        if (staging / REUSED_FOLDER).is_dir():  # the plugin did not plan this build: nothing reused
            shutil.rmtree(staging / REUSED_FOLDER)
        if isinstance(plugin, SiteBuilderPlugin):
            remove_emptied(staging, plugin.rebuilds.emptied)
            plugin.rebuilds.finish(scan_site(staging, known=plugin.rebuilds.known_files(staging)), staging, staging)
    except Exception as error:
        shutil.rmtree(staging, ignore_errors=True)
        message = str(error).strip() or type(error).__name__
        if isinstance(error, ConfigurationError):
            message = f"配置文件 {config_file} 有误：" + message.removeprefix(MKDOCS_CONFIG_PREFIX).strip()
        log.error(f"预览没有更新：{message}。改正后保存即可，预览中仍是上一次成功生成的网站")
        return [message, *_content_problems(config)]
    _switch(builds / LIVE_LINK, staging)
    return _content_problems(config)


def _content_problems(config: MkDocsConfig | None) -> list[str]:
    plugin = config.plugins.get(PLUGIN_NAME) if config is not None else None
    diagnostics = getattr(plugin, "diagnostics", None)
    return [d.format() for d in diagnostics.errors] if diagnostics is not None else []


def _switch(live: Path, build: Path) -> None:
    """Point `live` at `build` with one rename; the build it pointed at before becomes the spare,
    reused as the next build's folder (as `build` does with the site before last)."""
    previous = _link_target(live)
    link = live.with_name(f".{live.name}.switch")
    if link.is_symlink():
        link.unlink()
    try:
        os.symlink(build.name, link, target_is_directory=True)
        os.replace(link, live)
    except OSError:
        if os.name != "nt":
            raise
        _switch_junction(live, build)
    if previous is not None:
        spare = live.parent / SPARE
        shutil.rmtree(spare, ignore_errors=True)
        os.replace(live.parent / previous.name, spare)


def _link_target(live: Path) -> Path | None:
    """The build `live` points at (a symlink, or a junction on Windows), None before the first."""
    try:
        return Path(os.readlink(live))
    except (OSError, ValueError):
        return None


def _switch_junction(live: Path, build: Path) -> None:
    """Windows without the right to make symlinks (the default for a user without developer mode):
    a directory junction, which needs none. It cannot be replaced in one rename, so a request in
    the instant between the two steps gets a 404 from the preview; the site itself is untouched."""
    import _winapi  # Windows only; CPython's own tests make junctions with it

    if _link_target(live) is not None:
        os.rmdir(live)  # removes the junction, not the build it points at
    _winapi.CreateJunction(str(build.resolve()), str(live))  # type: ignore[attr-defined]


def _error_page(live: Path, code: int, problems: list[str]) -> bytes | None:
    """The site's own 404 page; before the first good build, a page that lists the problems."""
    page = live / f"{code}.html"
    if page.is_file():
        return page.read_bytes()
    if problems:
        return ("<!doctype html><meta charset=utf-8><title>预览没有生成</title>" + problem_banner(problems)).encode()
    return None


def load_with_own_plugins(config_file: str) -> MkDocsConfig:
    """mkdocs.yml loaded with plugin instances of its own.

    MkDocs caches one instance per plugin name on its `plugins` option, a class attribute shared by
    every configuration of the process (so that `serve` keeps plugins across reloads). The preview
    and the site's own build would then share one plugin and its incremental state, and each would
    find the other's last build and rebuild everything (measured: 20 s instead of 3 s at 2,000).
    """
    option = MkDocsConfig.plugins
    assert isinstance(option, Plugins)
    shared = option.plugin_cache
    option.plugin_cache = {}
    try:
        return load_fresh_config(config_file=config_file)
    finally:
        option.plugin_cache = shared


class PreviewSite:
    """The 写作台's preview (issue #16): the whole site with drafts, future and unreviewed articles,
    built incrementally into `builds` as `serve` builds, and served from `builds/live`.

    Withheld articles are included through the plugin's `preview_mode`, which keeps its incremental
    state apart from the site's; no build stamp is written, so `deploy` refuses this folder.
    """

    def __init__(self, config_file: str, builds: Path, serve_url: str) -> None:
        self.config = load_with_own_plugins(config_file)
        self.config_file = config_file
        self.builds = builds
        self.serve_url = serve_url
        self.started = False

    @property
    def live(self) -> Path:
        """The folder of the last good preview (a symlink switched after each build)."""
        return self.builds / LIVE_LINK

    def build(self) -> list[str]:
        """Rebuild what changed; the problems found, one line each (the last good preview stays).

        The preview has plugin instances of its own (`load_with_own_plugins`), so its incremental
        state survives the site's builds in the same process; preview mode is still switched on for
        its builds only, and `build_site` refuses a build made in it, whatever instance it gets.
        """
        self.builds.mkdir(parents=True, exist_ok=True)
        plugin = self.config.plugins.get(PLUGIN_NAME)
        if isinstance(plugin, SiteBuilderPlugin):
            plugin.preview_mode = True
        self.config.plugins.on_startup(command="serve", dirty=False)
        self.started = True
        try:
            return _build_and_switch(self.config, self.config_file, self.builds, self.serve_url)
        finally:
            if isinstance(plugin, SiteBuilderPlugin):
                plugin.preview_mode = False

    def close(self) -> None:
        if self.started:
            self.config.plugins.on_shutdown()
            self.started = False
