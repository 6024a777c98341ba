"""Load mkdocs.yml as a `Project` (exit 2 on failure) and build into a temporary folder, then swap it in.

MkDocs empties `site_dir` before building (ARCHITECTURE pitfall 2); building beside it and
renaming on success means a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError

from site_builder.deploy.manifest import write_build_stamp
from site_builder.mkdocs_plugin.config import to_settings
from site_builder.mkdocs_plugin.incremental import REUSED_FOLDER, remove_emptied
from site_builder.mkdocs_plugin.plugin import SiteBuilderPlugin
from site_builder.project import BuildFailed, Project
from site_builder.publication_rules import publication_time
from site_builder.settings import SettingsError, SiteSettings
from site_builder.workers import process_is_running

log = logging.getLogger("mkdocs.plugins.site_builder")

PLUGIN_NAME = "site_builder"


def load_project(config_file: str, **overrides: Any) -> Project:
    """The validated configuration as a `Project`; raises BuildFailed(…, 2) on any config problem."""
    if not Path(config_file).is_file():
        raise BuildFailed(f"找不到配置文件 {config_file}，请在网站文件夹里运行，或用 -f 指定", 2)
    try:
        config = load_fresh_config(config_file=config_file, **overrides)
    except (ConfigurationError, Abort):
        raise BuildFailed(f"{config_file}: 配置有误，请按上面的提示修改", 2) from None
    plugin = config.plugins.get(PLUGIN_NAME)
    if not isinstance(plugin, SiteBuilderPlugin):
        raise BuildFailed(f"{config_file}: plugins 中没有 site_builder，请加上", 2)
    try:
        settings = to_settings(plugin.config, config)
        publication_time(settings.timezone, os.environ)
    except (SettingsError, ValueError) as error:
        raise BuildFailed(f"{config_file}: {error}", 2) from None
    return Project(
        config_file=Path(config_file).absolute(),
        settings=settings,
        site_dir=Path(config.site_dir),
        deploy_targets=dict(plugin.config.deploy),
        engine_config=config,
    )


def load_fresh_config(**options: Any) -> MkDocsConfig:
    """`load_config`, without warnings left over from an earlier load in this process.

    The engine's config options are shared by every load (class attributes of its config schema),
    and an option whose validation failed keeps the warnings it had collected (`Config._validate`
    stops before `reset_warnings`). In `serve` or the 写作台, a mkdocs.yml with a typo and an error
    would haunt every later load: its warnings printed again, and a strict build refused.
    """
    for _, option in MkDocsConfig._schema:
        option.reset_warnings()
    return load_config(**options)


def build_site(project: Project, site_dir: Path) -> None:
    """Build into a sibling temporary folder and replace `site_dir` only when the build succeeded."""
    config = project.engine_config
    assert isinstance(config, MkDocsConfig)
    settings = project.settings
    site_dir = site_dir.resolve()
    _refuse_dangerous_target(site_dir, settings)
    plugin = config.plugins[PLUGIN_NAME]
    assert isinstance(plugin, SiteBuilderPlugin)
    plugin.preview_mode = False  # one plugin instance per process: the 写作台's preview shares it
    with _staging_folder(site_dir) as staging:
        config.site_dir = str(staging)
        # As `mkdocs build` does: plugins open their worker pools at startup, close them at shutdown.
        config.plugins.on_startup(command="build", dirty=False)
        try:
            plugin.previous_site = site_dir
            mkdocs_build(config)
        except Abort as error:
            errors = plugin.diagnostics.errors
            if errors:
                raise BuildFailed(f"内容有 {len(errors)} 处错误，网站没有更新", 1) from None
            raise BuildFailed(f"生成失败：{error}，网站没有更新", 1) from None
        finally:
            config.plugins.on_shutdown()
        if plugin.settings.include_withheld:  # never a deployable site with drafts in it
            raise BuildFailed("内部错误：预览模式的生成不能作为网站发布，网站没有更新", 1)
        leftover = staging / REUSED_FOLDER
        if leftover.is_dir():  # the plugin did not plan this build (switched off): nothing reused
            shutil.rmtree(leftover)
        remove_emptied(staging, plugin.rebuilds.emptied)
        files = write_build_stamp(staging, config.site_url or "", known=plugin.rebuilds.known_files(staging))
        plugin.rebuilds.finish(files, staging, site_dir)
        _swap_in(staging, site_dir)
        plugin.rebuilds.save()


def _refuse_dangerous_target(site_dir: Path, settings: SiteSettings) -> None:
    protected = [settings.content_dir.resolve(), settings.project_dir.resolve()]
    for folder in protected:
        if (
            site_dir == folder
            or folder.is_relative_to(site_dir)
            or site_dir.is_relative_to(settings.content_dir.resolve())
        ):
            raise BuildFailed(f"输出文件夹 {site_dir} 会覆盖网站源文件，请换一个（例如 site）", 2)


@contextmanager
def _staging_folder(site_dir: Path) -> Iterator[Path]:
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(site_dir)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-{os.getpid()}-", dir=site_dir.parent))
    spare = _spare(site_dir)
    if spare.is_dir() and not spare.is_symlink():
        os.replace(spare, staging / REUSED_FOLDER)
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def remove_leftovers(site_dir: Path) -> None:
    """Delete the staging and retired folders of earlier builds that were killed (`kill -9`).

    Each carries its builder's process id in its name; a folder whose process still runs belongs
    to a build under way and is left alone.
    """
    for pattern in (f".{site_dir.name}.building-*", f".{site_dir.name}.old-*"):
        for folder in site_dir.parent.glob(pattern):
            pid = folder.name.rsplit(".", 1)[-1].split("-")[1]
            if folder.is_dir() and not folder.is_symlink() and pid.isdigit() and not process_is_running(int(pid)):
                shutil.rmtree(folder, ignore_errors=True)


def _spare(site_dir: Path) -> Path:
    """The site before the current one, kept to be reused as the next build's staging folder."""
    return site_dir.with_name(f".{site_dir.name}.spare")


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Two renames on one file system: the old site is replaced, never half-overwritten.

    The old site is kept as the spare (see `_spare`): the next build reuses its folders instead of
    deleting thousands of them now and creating them again then.
    """
    staging.chmod(0o755)
    retired = None
    if site_dir.exists():
        retired = site_dir.with_name(f".{site_dir.name}.old-{os.getpid()}")
        os.replace(site_dir, retired)
    os.replace(staging, site_dir)
    if retired is not None:
        spare = _spare(site_dir)
        if spare.exists() and not spare.is_symlink():
            shutil.rmtree(spare, ignore_errors=True)
        try:
            os.replace(retired, spare)
        except OSError:
            shutil.rmtree(retired, ignore_errors=True)
