"""A seeded, text-only corpus of 关工委 articles, written in our layout and in Material's blog layout.

The same article list feeds both writers, so both builders get the same text. Modelled on
`../shared/bench/make_corpus.py` (section mix, Chinese bodies of 800–3,000 characters, ~2% drafts,
~2% future dates, repeated titles, half the files named by their title alone); same seed, same bytes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

SECTIONS = (
    ("news", "工作动态", 35),
    ("stories", "先进事迹", 20),
    ("reports", "活动报道", 35),
    ("notices", "通知公告", 10),
)
UNITS = [
    "滨江社区关工委",
    "石桥镇关工委",
    "溪口镇关工委",
    "区教育局关工委",
    "青溪区关工委",
    "人民路街道关工委",
    "东湖村关工委",
    "实验小学关工委",
]
PEOPLE = ["王秀兰", "李建国", "陈德明", "张桂芳", "赵志远", "刘玉梅", "孙国强", "周慧敏"]
CATEGORIES = ["五老风采", "校外辅导站", "关爱帮扶", "家风教育", "法治宣传", "会议", "通知", "主题教育"]
TAGS = [
    "留守儿童",
    "暑期活动",
    "五老进校园",
    "家风教育",
    "法治教育",
    "志愿服务",
    "研学实践",
    "国防教育",
    "心理健康",
    "防溺水",
    "读书活动",
    "红色教育",
    "助学",
    "表彰",
    "调研",
]
TOPICS = [
    "暑期公益课堂",
    "五老进校园宣讲",
    "留守儿童关爱行动",
    "家风家教讲座",
    "法治宣传进校园",
    "红色研学",
    "读书分享会",
    "防溺水安全教育",
    "重阳敬老活动",
    "助学金发放仪式",
]
PHRASES = [
    "区关工委组织五老志愿者深入基层，围绕青少年思想道德建设开展形式多样的活动。",
    "校外教育辅导站利用周末和假期，为留守儿童提供作业辅导、兴趣培养和心理陪伴。",
    "老党员、老教师结合亲身经历，讲述党的历史和家乡变化，引导青少年听党话、跟党走。",
    "活动中，志愿者们与孩子们面对面交流，了解他们的学习和生活情况，帮助解决实际困难。",
    "社区关工委建立了困境儿童关爱台账，做到一人一档、动态管理、精准帮扶。",
    "家风家教讲座邀请优秀家庭代表分享教子经验，倡导尊老爱幼、勤俭持家的良好风尚。",
    "法治宣讲团结合真实案例，讲解未成年人保护法，提醒同学们增强自我保护意识。",
    "各街道关工委积极整合资源，推动关心下一代工作向基层延伸、向家庭延伸。",
]


@dataclass(frozen=True)
class CorpusArticle:
    section: str
    day: date
    name: str
    title: str
    category: str
    tags: tuple[str, ...]
    unit: str
    people: tuple[str, ...]
    body: str
    draft: bool
    future: bool


def generate(count: int, seed: int = 1, end: date = date(2026, 10, 31)) -> list[CorpusArticle]:
    """`count` articles spread over the three years before `end` (future ones ~9 years after)."""
    rng = random.Random(seed)
    weights = [w for _, _, w in SECTIONS]
    articles = []
    names: set[tuple[str, date, str]] = set()
    for index in range(count):
        section = rng.choices([s for s, _, _ in SECTIONS], weights)[0]
        future = rng.random() < 0.02
        day = end - timedelta(days=rng.randrange(3 * 365)) + (timedelta(days=9 * 365) if future else timedelta())
        unit = rng.choice(UNITS)
        topic = rng.choice(TOPICS)
        title = f"{unit}开展{topic}" if rng.random() < 0.7 else f"{topic}（第{rng.randint(1, 9)}期）"
        articles.append(
            CorpusArticle(
                section=section,
                day=day,
                name=_file_name(rng, section, day, title, index, names),
                title=title,
                category=rng.choice(CATEGORIES),
                tags=tuple(rng.sample(TAGS, rng.randint(1, 3))),
                unit=unit,
                people=tuple(rng.sample(PEOPLE, rng.randint(1, 2))) if section == "stories" else (),
                body=_body(rng),
                draft=rng.random() < 0.02,
                future=future,
            )
        )
    return articles


def _body(rng: random.Random) -> str:
    target = rng.randint(800, 3000)
    parts, length = [], 0
    while length < target:
        kind = rng.random()
        if kind < 0.12:
            block = f"## {rng.choice(TOPICS)}"
        elif kind < 0.22:
            block = "\n".join(f"- {rng.choice(PHRASES)}" for _ in range(rng.randint(2, 4)))
        elif kind < 0.26:
            block = "| 项目 | 人数 |\n| --- | --- |\n" + "\n".join(
                f"| {rng.choice(TOPICS)} | {rng.randint(10, 300)} |" for _ in range(3)
            )
        else:
            block = "".join(rng.choice(PHRASES) for _ in range(rng.randint(2, 5)))
        parts.append(block)
        length += len(block)
        if len(parts) == 1 and rng.random() < 0.4:
            parts.append("<!-- more -->")
    return "\n\n".join(parts) + "\n"


def _yaml_list(items) -> str:
    return "[" + ", ".join(items) + "]"


def _file_name(rng: random.Random, section: str, day: date, title: str, index: int, names: set) -> str:
    """Half the files are named by their title alone, as people name them, so that recurring
    titles recur in file names too (on other dates: the same name on the same day of a section
    would be a real clash); the others carry an index or an ASCII name."""
    choice = rng.random()
    if choice < 0.5 and (section, day, title) not in names:
        names.add((section, day, title))
        return title
    return f"{title}-{index}" if choice < 0.75 else f"article-{index}"


def write_site_builder(articles: list[CorpusArticle], root: Path) -> Path:
    """Our layout: content/<section>/<year>/<date>-<name>.md plus mkdocs.yml."""
    content = root / "content"
    for a in articles:
        path = content / a.section / str(a.day.year) / f"{a.day.isoformat()}-{a.name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = [
            f"title: {a.title}",
            f"date: {a.day.isoformat()}",
            f"category: {a.category}",
            f"tags: {_yaml_list(a.tags)}",
            f"unit: {a.unit}",
            "reviewed_by: 周明华",
        ]
        if a.people:
            meta.append(f"people: {_yaml_list(a.people)}")
        if a.draft:
            meta.append("draft: true")
        path.write_text("---\n" + "\n".join(meta) + "\n---\n\n" + a.body, encoding="utf-8")
    (content / "index.md").write_text("---\ntitle: 首页\n---\n\n欢迎。\n", encoding="utf-8")
    sections = "\n".join(f"        {name}: {{title: {title}}}" for name, title, _ in SECTIONS)
    (root / "mkdocs.yml").write_text(
        f"""site_name: 基准测试
site_url: https://example.org/
docs_dir: content
theme: {{name: material, language: zh, font: false}}
plugins:
  - search: {{lang: zh}}
  - site_builder:
      cache_dir: .cache/sb
      sections:
{sections}
""",
        encoding="utf-8",
    )
    return root


def write_material_blog(articles: list[CorpusArticle], root: Path) -> Path:
    """Material's blog layout: docs/blog/posts/*.md, with archive, categories, pagination, search, RSS."""
    posts = root / "docs" / "blog" / "posts"
    posts.mkdir(parents=True, exist_ok=True)
    for index, a in enumerate(articles):
        meta = [f"date: {a.day.isoformat()}", f"categories: [{a.category}]", f"title: {a.title}"]
        if a.draft:
            meta.append("draft: true")
        (posts / f"{index:05d}-{a.name}.md").write_text(
            "---\n" + "\n".join(meta) + f"\n---\n\n# {a.title}\n\n" + a.body, encoding="utf-8"
        )
    (root / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (root / "docs" / "blog" / "index.md").write_text("# 博客\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        """site_name: 基准测试
site_url: https://example.org/
theme: {name: material, language: zh, font: false}
plugins:
  - search: {lang: zh}
  - blog:
      authors: false
      draft_if_future_date: true
      post_url_format: "{date}/{file}"
      pagination_per_page: 12
  - rss:
      match_path: "blog/posts/.*"
      use_git: false
      date_from_meta:
        as_creation: date
""",
        encoding="utf-8",
    )
    return root
