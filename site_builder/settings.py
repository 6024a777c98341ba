"""The site's settings as the core reads them: a frozen snapshot, free of MkDocs types.

The MkDocs adapter (`mkdocs_plugin/config.py`) validates `mkdocs.yml` and turns it into a
`SiteSettings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from site_builder.content.model import Article


class SettingsError(Exception):
    """The site configuration cannot work (exit code 2); the message is for the user."""


@dataclass(frozen=True)
class SectionSettings:
    """One declared section (a top-level folder of content/), e.g. news → 工作动态."""

    name: str
    title: str
    description: str = ""
    stale_after_days: int | None = None
    """Days without a new article after which `check` warns that the section is stale; None: the
    default for its kind (`proofread.freshness.stale_after_days`)."""


@dataclass(frozen=True)
class ImageSettings:
    """How photos are published; every field that changes output pixels feeds the cache key."""

    widths: tuple[int, ...] = (480, 960, 1440)
    """Widths of the published variants. A 12 MP phone photo is 4,032 × 3,024 px: for 1,440 px
    outputs, landscape and portrait photos alike decode at ½ scale (2,016 × 1,512), the strongest
    JPEG draft reduction that still covers the largest output (ARCHITECTURE pitfall 15)."""
    webp_quality: int = 80
    jpeg_quality: int = 82
    webp_method: int = 1
    """libwebp effort 0–6. Measured (bench/images.py --sweep, 960 px outputs): effort 1 takes 13 ms
    and 77 KB where Pillow's default 4 takes 50 ms and 72 KB; WebP is the smaller format, so the
    total output stays below the baseline's."""
    max_pixels: int = 200_000_000
    """Largest accepted photo, checked from the header before decoding (decompression bombs)."""
    copyright: str = ""
    """Optional copyright string written into every output image; nothing else of EXIF is kept."""


@dataclass(frozen=True)
class FeedSettings:
    """How feeds are published (the `feeds_*` options)."""

    limit: int = 20
    """Latest articles per feed."""
    content: str = "full"
    """`full`: the whole article in each entry; `summary`: the teaser only."""
    units: bool = False
    """Also a feed per 单位, so each town's 关工委 can be followed on its own."""

    @property
    def full_content(self) -> bool:
        return self.content == "full"


@dataclass(frozen=True)
class BeianSettings:
    """The filing numbers a site in mainland China shows in its footer (the `beian_*` options).

    Each is optional; `mkdocs_plugin/config.py` checks their form, so the record code below is
    always the 14 digits of a valid 公安机关备案号.
    """

    icp: str = ""
    """ICP 备案号 (e.g. 京ICP备12345678号-1), linked to the MIIT registry."""
    police: str = ""
    """公安机关备案号 (e.g. 京公网安备11010502030143号), shown with the badge, linked to its record."""
    site_code: str = ""
    """网站标识码 of a government site (《政府网站发展指引》), e.g. 1100000088; shown as text."""

    ICP_REGISTRY = "https://beian.miit.gov.cn/"
    POLICE_REGISTRY = "https://beian.mps.gov.cn/#/query/webSearch?code="

    @property
    def police_url(self) -> str:
        """The public-security registry's page of this site's record ("" without a number)."""
        code = "".join(ch for ch in self.police if ch.isdigit())
        return self.POLICE_REGISTRY + code if code else ""

    @property
    def is_empty(self) -> bool:
        return not (self.icp or self.police or self.site_code)


@dataclass(frozen=True)
class SiteSettings:
    """Everything the content pipeline needs to know about the site."""

    project_dir: Path
    """Folder of mkdocs.yml; paths in messages are shown relative to it."""
    content_dir: Path
    sections: tuple[SectionSettings, ...]
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    require_review: bool = False
    pagination_per_page: int = 12
    home_latest: int = 6
    home_featured: int = 5
    site_url: str = ""
    cache_dir: Path | None = None
    images: ImageSettings = field(default_factory=ImageSettings)
    feeds: FeedSettings = field(default_factory=FeedSettings)
    beian: BeianSettings = field(default_factory=BeianSettings)
    """备案 numbers for the footer (ICP, 公安, 网站标识码)."""
    site_name: str = ""
    site_description: str = ""
    use_directory_urls: bool = True
    """`about.md` → `about/` (True) or `about.html`: how hand-written pages get their URLs."""
    proofread: str = "warn"
    """How `check` reports proofreading findings (punctuation, 错别字, glossary names): `warn`,
    `error` (they fail the check) or `off`."""
    include_withheld: bool = False
    """Preview only (the 写作台, issue #16): drafts, future-dated and unreviewed articles are built
    as if published, so an editor sees them in the real theme before they go out. Set in code for
    the preview's own folder, never from mkdocs.yml; such a build is never deployable (it carries no
    build stamp) and keeps its incremental state apart from the site's."""
    chronicle_sections: tuple[str, ...] = ("news", "reports")
    """Sections whose articles are in the year's 大事记 unless an article says `chronicle: false`
    (an article of another section is in it with `chronicle: true`)."""
    stats_page: bool = False
    """Publish a 年度工作统计 page per year (opt-in: some sites keep their figures internal)."""

    def section(self, name: str) -> SectionSettings | None:
        return next((s for s in self.sections if s.name == name), None)

    def is_chronicle(self, article: Article) -> bool:
        """Whether `article` belongs in its year's 大事记: its own `chronicle`, else its section's default."""
        if article.chronicle is not None:
            return article.chronicle
        return article.section in self.chronicle_sections
