"""`site-builder new`: a new article bundle from the section's template.

Templates live in `content/templates/<section>.md` (MkDocs never publishes a top-level
`templates/` folder), falling back to the one shipped with site_builder. `{{ title }}` and
`{{ date }}` are filled in.
"""

from __future__ import annotations

import re
from datetime import datetime
from importlib import resources
from pathlib import Path

from site_builder.settings import SiteSettings

UNSAFE_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


class ScaffoldError(Exception):
    """The article cannot be created; the message says why and what to do."""


def article_folder_name(title: str, when: datetime) -> str:
    """`2024-05-01-敬老活动`: the date, then the title without characters file systems refuse."""
    name = UNSAFE_IN_FILE_NAMES.sub("-", title).strip("-.") or "wen-zhang"
    return f"{when:%Y-%m-%d}-{name}"


def template_text(settings: SiteSettings, section: str) -> str:
    """The section's own template if the site has one, else site_builder's default."""
    own = settings.content_dir / "templates" / f"{section}.md"
    if own.is_file():
        return own.read_text(encoding="utf-8")
    return resources.files("site_builder").joinpath("templates/article.md").read_text(encoding="utf-8")


def create_article(settings: SiteSettings, section: str, title: str, when: datetime) -> Path:
    """Write `content/<section>/<year>/<date>-<title>/index.md` and return its path."""
    if settings.section(section) is None:
        names = "、".join(s.name for s in settings.sections)
        raise ScaffoldError(f"没有名为“{section}”的栏目，可用的栏目有：{names}")
    folder = settings.content_dir / section / f"{when:%Y}" / article_folder_name(title, when)
    target = folder / "index.md"
    if target.exists():
        raise ScaffoldError(f"{target} 已经存在，请换一个标题或日期")
    quoted_title = '"' + title.replace("\\", "\\\\").replace('"', '\\"') + '"'
    text = (
        template_text(settings, section)
        .replace("{{ title }}", quoted_title)
        .replace("{{ date }}", when.strftime("%Y-%m-%d %H:%M"))
    )
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
