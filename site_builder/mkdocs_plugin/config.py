"""The plugin's options in mkdocs.yml, validated by MkDocs, turned into `SiteSettings`.

Options are grouped by feature prefix, as in Material's plugins (`pagination_*`, `home_*`,
`images_*`).
"""

from __future__ import annotations

import difflib
import logging
import re
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig

from site_builder.settings import (
    BeianSettings,
    FeedSettings,
    ImageSettings,
    SectionSettings,
    SettingsError,
    SiteSettings,
)

log = logging.getLogger("mkdocs.plugins.site_builder")

DEFAULT_IMAGES = ImageSettings()
DEFAULT_CHRONICLE_SECTIONS = ("news", "reports")
"""In the 大事记 unless the site says otherwise (CONTRACT): 工作动态 and 活动报道."""
RESERVED_FOLDERS = ("templates", "tags", "units", "people", "categories", "archive", "subscribe", "assets", "search")


class SectionConfig(Config):
    title = c.Type(str)
    description = c.Type(str, default="")
    stale_after_days = c.Optional(c.Type(int))
    """`check` warns when the section has had no new article for longer; default by kind (14 or 180)."""


class DeployTarget(Config):
    """One named deploy target: `production: {url: s3://bucket/site, site_url: https://…/}`."""

    url = c.Type(str)
    site_url = c.Type(str, default="")
    """The URL this target serves; a site built for another URL is refused."""
    endpoint = c.Type(str, default="")
    region = c.Type(str, default="")


class DeployTargets(BaseConfigOption[dict[str, dict[str, str]]]):
    """`deploy:` as name → target; a plain string is short for `{url: …}`. Every target is checked."""

    def __init__(self) -> None:
        super().__init__()
        self.default: dict[str, dict[str, str]] = {}

    def run_validation(self, value: object) -> dict[str, dict[str, str]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValidationError("应写成“名称: 地址”的列表，例如 production: s3://bucket/site")
        targets, problems = {}, []
        for name, entry in value.items():
            target = DeployTarget()
            target.load_dict({"url": entry} if isinstance(entry, str) else entry if isinstance(entry, dict) else {})
            errors, warnings = target.validate()
            problems += [f"{name}.{key}：{in_chinese(str(error))}" for key, error in errors]
            self.warnings += [
                f"{name}：{unknown_option_message(key, ['url', 'site_url', 'endpoint', 'region'])}"
                for key, _ in warnings
            ]
            targets[str(name)] = {key: target[key] for key in ("url", "site_url", "endpoint", "region")}
        if problems:
            raise ValidationError("；".join(problems))
        return targets


class ProofreadLevel(c.Choice):
    """`warn`, `error` or `off`. YAML reads a bare `off` (and `no`, `false`) as false, and `on` as
    true: those mean what the author wrote, not a type error."""

    def __init__(self) -> None:
        super().__init__(("warn", "error", "off"), default="warn")

    def run_validation(self, value: object) -> str:
        if isinstance(value, bool):
            return "warn" if value else "off"
        return super().run_validation(value)


class SiteBuilderConfig(Config):
    """The plugin's options, grouped by feature prefix; every problem is reported in one run."""

    enabled = c.Type(bool, default=True)
    timezone = c.Type(str, default="Asia/Shanghai")
    require_review = c.Type(bool, default=False)
    sections = c.DictOfItems(c.SubConfig(SectionConfig), default={})
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
    search = c.Type(bool, default=True)
    """Full-text search of the articles: our sharded index under `search/` and the header search box.
    It replaces Material's `search` plugin, which is switched off (with a warning) while this is on."""
    sanitize_html = c.Type(bool, default=True)
    chronicle_sections = c.Optional(c.ListOfItems(c.Type(str)))
    """Sections whose articles go into the year's 大事记 by default; an article overrides it with
    `chronicle: true/false`. Unset: `news` and `reports`, those of them the site declares."""
    stats_page = c.Type(bool, default=False)
    """Publish a 年度工作统计 page per year (`archive/YYYY/tongji/`); off unless the site wants its
    figures public."""
    proofread = ProofreadLevel()
    """Proofreading in `check` (punctuation, 错别字, content/glossary.yml): warnings, errors, or off."""
    """Keep HTML written in Markdown only within a safe allow-list; `false` trusts every author."""
    deploy = DeployTargets()
    """Named targets: `production: s3://bucket/prefix` or `{url: …, site_url: …, endpoint: …, region: …}`."""
    beian_icp = c.Type(str, default="")
    """ICP 备案号 for the footer, e.g. 京ICP备12345678号-1 (linked to beian.miit.gov.cn)."""
    beian_police = c.Type(str, default="")
    """公安机关备案号, e.g. 京公网安备11010502030143号: shown with the badge, linked to the site's record."""
    beian_site_code = c.Type(str, default="")
    """网站标识码 of a government site, e.g. 1100000088."""

    def validate(self) -> tuple[list[tuple[str, Exception]], list[tuple[str, str]]]:
        """Every option checked on its own, then the rules between values: all problems at once.

        MkDocs' own `Config.validate` stops at the first option that fails; an author fixing
        mkdocs.yml should see every problem in one run, as with content errors.
        """
        failed, warnings = self._pre_validate()
        for key, option in self._schema:
            try:
                self[key] = option.validate(self.get(key))
            except ValidationError as error:
                failed.append((key, ValidationError(in_chinese(str(error)))))
            warnings.extend((key, warning) for warning in option.warnings)
            option.reset_warnings()
        for key in sorted(set(self.keys()) - self._schema_keys):
            warnings.append((key, unknown_option_message(key, sorted(self._schema_keys))))
        broken = {key for key, _ in failed}
        failed += [(key, ValidationError(message)) for key, message in rule_problems(self, broken)]
        if not failed:
            post_failed, post_warnings = self._post_validate()
            failed += post_failed
            warnings += post_warnings
        else:
            # MkDocs drops a plugin's warnings when it has errors; a typo is often the cause of both.
            for key, warning in warnings:
                log.warning(f"site_builder 的选项 {key}：{warning}")
        return failed, warnings


def unknown_option_message(key: str, known: list[str]) -> str:
    """`imagse_widths` → "unknown option; did you mean images_widths?" (in Chinese)."""
    guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f"，您是否想写 {guess[0]}？" if guess else "，请检查拼写"
    return f"不认识的选项“{key}”，它不会起作用{hint}"


def rule_problems(options: SiteBuilderConfig, broken: set[str]) -> list[tuple[str, str]]:
    """Rules involving values, not just types, for the options whose type was right (`broken`
    lists the others); each message says what to write instead."""
    problems = []
    ok = lambda key: key not in broken  # noqa: E731
    if ok("timezone"):
        try:
            ZoneInfo(options.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(("timezone", f"时区“{options.timezone}”不存在，请写成 Asia/Shanghai 这样的名称"))
    if ok("sections"):
        if not options.sections:
            problems.append(("sections", "不能为空：请至少声明一个栏目，例如 news: {title: 工作动态}"))
        for name in options.sections:
            if "/" in name or name.startswith(".") or name in RESERVED_FOLDERS:
                problems.append(
                    (
                        "sections",
                        f"栏目名“{name}”不可用：应是 content 下的一个普通文件夹名，"
                        f"且不能是 {'、'.join(RESERVED_FOLDERS)}",
                    )
                )
            days = options.sections[name].stale_after_days
            if days is not None and days < 1:
                problems.append(("sections", f"栏目“{name}”的 stale_after_days 应是至少为 1 的天数，现在是 {days}"))
    if ok("sections") and ok("chronicle_sections") and options.chronicle_sections is not None:
        unknown = [name for name in options.chronicle_sections if name not in options.sections]
        if unknown:
            declared = "、".join(options.sections)
            problems.append(
                ("chronicle_sections", f"栏目“{'、'.join(unknown)}”没有在 sections 中声明；已声明的栏目：{declared}")
            )
    problems += [(key, "至少为 1") for key in ("feeds_limit", "pagination_per_page") if ok(key) and options[key] < 1]
    problems += [(key, "不能是负数") for key in ("home_latest", "home_featured") if ok(key) and options[key] < 0]
    if ok("images_widths") and (not options.images_widths or min(options.images_widths) < 16):
        problems.append(("images_widths", "应是若干个不小于 16 的宽度（像素）"))
    problems += [
        (key, "应在 1 到 100 之间")
        for key in ("images_webp_quality", "images_jpeg_quality")
        if ok(key) and not 1 <= options[key] <= 100
    ]
    problems += [(key, message) for key, message in beian_problems(options) if ok(key)]
    return problems


ICP_NUMBER = re.compile(r"[\u4e00-\u9fff]ICP[备证]\d{4,10}号(-\d{1,3})?")
POLICE_NUMBER = re.compile(r"[\u4e00-\u9fff]公网安备 ?\d{14}号")
SITE_CODE = re.compile(r"[0-9A-Za-z]{10}")


def beian_problems(options: SiteBuilderConfig) -> list[tuple[str, str]]:
    """The 备案 numbers as the registries write them; a wrong one would show, or link, wrongly."""
    problems = []
    icp, police, code = (str(options[key] or "").strip() for key in ("beian_icp", "beian_police", "beian_site_code"))
    if icp and not ICP_NUMBER.fullmatch(icp):
        problems.append(
            (
                "beian_icp",
                f"ICP 备案号“{icp}”的写法不对：应像“京ICP备12345678号-1”（省份简称、ICP备、数字、号，可带“-序号”）",
            )
        )
    if police and not POLICE_NUMBER.fullmatch(police):
        problems.append(
            (
                "beian_police",
                f"公安机关备案号“{police}”的写法不对：应像“京公网安备11010502030143号”（省份简称、公网安备、14 位数字、号）",
            )
        )
    if code and not SITE_CODE.fullmatch(code):
        problems.append(("beian_site_code", f"网站标识码“{code}”应是 10 位数字或字母，例如 1100000088"))
    return problems


TYPE_NAMES = {"int": "整数", "str": "文字", "bool": "true 或 false", "list": "列表", "dict": "“键: 值”的列表"}


def in_chinese(message: str) -> str:
    """MkDocs' most common validation messages, said in Chinese (others are kept as they are)."""
    expected = re.match(r"Expected type: <class '(\w+)'> but received: <class '(\w+)'>", message)
    if expected:
        wanted, got = (TYPE_NAMES.get(name, name) for name in expected.groups())
        return f"应是{wanted}，现在写的是{got}"
    if message.startswith("Required configuration not provided"):
        return "缺少这一项"
    choice = re.match(r"Expected one of: \((.*)\) but received: (.*)", message)
    if choice:
        return f"应是 {choice.group(1)} 之一，现在是 {choice.group(2)}"
    return message


def to_settings(plugin_config: SiteBuilderConfig, config: MkDocsConfig) -> SiteSettings:
    """Translate validated MkDocs options into the core's settings; SettingsError if they cannot work."""
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
            SectionSettings(name, section.title, section.description, section.stale_after_days)
            for name, section in plugin_config.sections.items()
        ),
        timezone=ZoneInfo(plugin_config.timezone),
        require_review=plugin_config.require_review,
        pagination_per_page=plugin_config.pagination_per_page,
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
            content=plugin_config.feeds_content,
            units=plugin_config.feeds_units,
        ),
        beian=BeianSettings(
            # `extra.icp` was the ICP number's place before the beian_* options.
            icp=plugin_config.beian_icp.strip() or str(config.extra.get("icp") or "").strip(),
            police=plugin_config.beian_police.strip(),
            site_code=plugin_config.beian_site_code.strip(),
        ),
        site_name=config.site_name,
        site_description=config.site_description or "",
        use_directory_urls=config.use_directory_urls,
        proofread=plugin_config.proofread,
        chronicle_sections=tuple(
            plugin_config.chronicle_sections
            if plugin_config.chronicle_sections is not None
            else [name for name in DEFAULT_CHRONICLE_SECTIONS if name in plugin_config.sections]
        ),
        stats_page=plugin_config.stats_page,
    )
