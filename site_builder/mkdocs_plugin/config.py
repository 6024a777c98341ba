"""The plugin's options in mkdocs.yml, validated by MkDocs, turned into `SiteSettings`.

Options are grouped by feature prefix, as in Material's plugins (`pagination_*`, `home_*`,
`images_*`).
"""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig

from site_builder.settings import FeedSettings, ImageSettings, SectionSettings, SettingsError, SiteSettings

DEFAULT_IMAGES = ImageSettings()


class SectionConfig(Config):
    title = c.Type(str)
    description = c.Type(str, default="")


class SiteBuilderConfig(Config):
    enabled = c.Type(bool, default=True)
    timezone = c.Type(str, default="Asia/Shanghai")
    require_review = c.Type(bool, default=False)
    sections = c.DictOfItems(c.SubConfig(SectionConfig), default={})
    preview_drafts = c.Type(bool, default=False)
    """In `serve` only: show drafts and future articles as pages marked DRAFT (never in listings)."""
    pagination_per_page = c.Type(int, default=12)
    home_latest = c.Type(int, default=6)
    home_featured = c.Type(int, default=5)
    cache_dir = c.Type(str, default=".cache/site_builder")
    """Relative to the folder of mkdocs.yml; must lie outside the content folder."""
    images_widths = c.ListOfItems(c.Type(int), default=list(DEFAULT_IMAGES.widths))
    images_webp_quality = c.Type(int, default=DEFAULT_IMAGES.webp_quality)
    images_jpeg_quality = c.Type(int, default=DEFAULT_IMAGES.jpeg_quality)
    images_max_pixels = c.Type(int, default=DEFAULT_IMAGES.max_pixels)
    images_copyright = c.Type(str, default="")
    feeds_limit = c.Type(int, default=20)
    feeds_content = c.Choice(("full", "summary"), default="full")
    feeds_units = c.Type(bool, default=False)
    sanitize_html = c.Type(bool, default=True)
    """Keep HTML written in Markdown only within a safe allow-list; `false` trusts every author."""
    deploy = c.Type(dict, default={})
    """Named targets: `production: s3://bucket/prefix` or `{url: …, site_url: …, endpoint: …, region: …}`."""


def to_settings(plugin_config: SiteBuilderConfig, config: MkDocsConfig) -> SiteSettings:
    """Translate validated MkDocs options into the core's settings; SettingsError if they cannot work."""
    _check_rules(plugin_config)
    project_dir = Path(config.config_file_path or ".").resolve().parent
    content_dir = Path(config.docs_dir).resolve()
    cache_dir = (project_dir / plugin_config.cache_dir).resolve()
    if cache_dir.is_relative_to(content_dir):
        # serve would rebuild forever, and a build must never write into content/.
        raise SettingsError(f"cache_dir（{cache_dir}）不能放在 content 文件夹里，请改到 .cache/ 之类的位置")
    return SiteSettings(
        project_dir=project_dir,
        content_dir=content_dir,
        sections=tuple(
            SectionSettings(name, section.title, section.description)
            for name, section in plugin_config.sections.items()
        ),
        timezone=ZoneInfo(plugin_config.timezone),
        require_review=plugin_config.require_review,
        page_size=plugin_config.pagination_per_page,
        home_latest=plugin_config.home_latest,
        home_featured=plugin_config.home_featured,
        site_url=config.site_url or "",
        cache_dir=cache_dir,
        images=ImageSettings(
            widths=tuple(sorted(set(plugin_config.images_widths))),
            webp_quality=plugin_config.images_webp_quality,
            jpeg_quality=plugin_config.images_jpeg_quality,
            max_pixels=plugin_config.images_max_pixels,
            copyright=plugin_config.images_copyright,
        ),
        feeds=FeedSettings(
            limit=plugin_config.feeds_limit,
            full_content=plugin_config.feeds_content == "full",
            per_unit=plugin_config.feeds_units,
        ),
        site_name=config.site_name,
        site_description=config.site_description or "",
        use_directory_urls=config.use_directory_urls,
    )


def _check_rules(options: SiteBuilderConfig) -> None:
    """Rules involving values, not just types; each message says what to write instead."""
    try:
        ZoneInfo(options.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"时区“{options.timezone}”不存在，请写成 Asia/Shanghai 这样的名称") from None
    if not options.sections:
        raise SettingsError("sections 不能为空：请至少声明一个栏目，例如 news: {title: 工作动态}")
    for name in options.sections:
        if "/" in name or name.startswith(".") or name in ("templates", "tags", "units", "people", "categories", "archive"):
            raise SettingsError(f"栏目名“{name}”不可用：应是 content 下的一个普通文件夹名")
    if options.feeds_limit < 1:
        raise SettingsError("feeds_limit 至少为 1")
    if options.pagination_per_page < 1:
        raise SettingsError("pagination_per_page 至少为 1")
    if not options.images_widths or min(options.images_widths) < 16:
        raise SettingsError("images_widths 应是若干个不小于 16 的宽度（像素）")
