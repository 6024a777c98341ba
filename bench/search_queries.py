"""The benchmark query set: about 300 seeded queries and their ground truth, from a corpus folder.

    python -m bench.search_queries CONTENT_DIR [--out queries.json] [--seed 1] [--now ISO] [--per-kind 100]
                                               [--generator ../shared/bench/make_corpus.py]

Three kinds, `--per-kind` each (issue #10, design note SPEED.md §2.3):
- `title`: 2–6 consecutive word characters of the title of a random published article;
- `body`: 2–6 consecutive word characters of the body text of a random published article;
- `name`: frequent names (units, 五老, 留守儿童, 辅导站, places, activities…) from the corpus' front
  matter and, when given, the corpus generator's own lists; only names that occur.

A *word character* is a Unicode letter or number (`str.isalnum`): Han, digits, Latin; a query
never contains punctuation or spaces. Title and body queries keep their source article.

Ground truth: the published articles whose title or body text contains the query, both
normalised (NFKC, lower case), the body with its Markdown syntax stripped (headings, list and
quote markers, table pipes, images, link targets, HTML tags and comments); blocks and lines stay
apart, so a match never runs from one paragraph into the next. Published = not `draft: true`, dated
no later than `--now` (naive dates in Asia/Shanghai) and, as the demo site requires review, with a
non-empty `reviewed_by`. The output is deterministic: same corpus and arguments, same bytes.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

NOW = "2026-11-21T12:00:00+08:00"
"""The same moment as `bench.run` (SITE_BUILDER_NOW): three weeks after the corpus' last date."""
ZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_GENERATOR = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "make_corpus.py"

# Names readers type that cross jieba's word boundaries or are the site's everyday words (issue #10).
FIXED_NAMES = (
    "五老",
    "留守儿童",
    "辅导站",
    "关工委",
    "工委",
    "五老志愿者",
    "志愿者",
    "关心下一代",
    "校外教育辅导站",
    "家风",
    "法治",
    "青少年",
)
# Lists of the generator (../shared/bench/make_corpus.py) whose entries are names a reader searches for.
GENERATOR_LISTS = ("UNITS", "TOP_UNITS", "PARTNERS", "ACTIVITIES", "PLACES", "TARGETS", "TAGS", "IDENTITY")


def normalise(text: str) -> str:
    """How both the ground truth and the query are compared: NFKC, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_LINE_MARKER = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")


def body_text(markdown: str) -> str:
    """The text a reader sees in a body written in the corpus' Markdown; one line per line."""
    text = _IMAGE.sub(" ", _COMMENT.sub(" ", markdown))
    lines = []
    for raw in text.splitlines():
        if _TABLE_RULE.match(raw):
            continue
        line = raw
        while True:  # "> - item" and the like
            stripped = _LINE_MARKER.sub("", line, count=1)
            if stripped == line:
                break
            line = stripped
        line = _EMPHASIS.sub("", _TAG.sub(" ", _LINK.sub(r"\1", line)))
        line = line.replace("|", "\n").strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def word_runs(text: str) -> list[str]:
    """Maximal runs of word characters (`str.isalnum`: Han, digits, Latin)."""
    runs, current = [], []
    for ch in text:
        if ch.isalnum():
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


@dataclass(frozen=True)
class CorpusArticle:
    src: str
    """Path relative to the content folder, forward slashes (MkDocs' `src_uri`)."""
    section: str
    title: str
    date: datetime
    published: bool
    reason: str
    """`published`, `draft`, `future` or `unreviewed`."""
    body: str
    """Body text with the Markdown stripped (`body_text`)."""
    meta: dict
    """The front matter as YAML reads it."""

    @property
    def name_part(self) -> str:
        stem = Path(self.src).parent.name if Path(self.src).name == "index.md" else Path(self.src).stem
        return stem[11:] if re.match(r"\d{4}-\d{2}-\d{2}-", stem) else stem


def as_datetime(value: object) -> datetime:
    """A front-matter date (date, naive or aware datetime, or ISO text) as an aware datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=ZONE) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=ZONE)
    raise ValueError(f"not a date: {value!r}")


def split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---"):
        return {}, text
    _, head, body = text.split("---\n", 2) if text.startswith("---\n") else ("", "", text)
    return yaml.safe_load(head) or {}, body


def load_corpus(content: Path, now: datetime, require_review: bool = True) -> list[CorpusArticle]:
    """Every article under `content/<section>/`, sorted by path, with its publication status."""
    articles = []
    for path in sorted(content.rglob("*.md")):
        relative = path.relative_to(content).as_posix()
        if "/" not in relative or path.name.startswith("_"):
            continue  # hand-written pages and section intros
        meta, body = split_front_matter(path.read_text(encoding="utf-8"))
        if "title" not in meta or "date" not in meta:
            continue
        moment = as_datetime(meta["date"])
        if meta.get("draft") is True:
            reason = "draft"
        elif moment > now:
            reason = "future"
        elif require_review and not str(meta.get("reviewed_by") or "").strip():
            reason = "unreviewed"
        else:
            reason = "published"
        articles.append(
            CorpusArticle(
                src=relative,
                section=relative.split("/", 1)[0],
                title=str(meta["title"]),
                date=moment,
                published=reason == "published",
                reason=reason,
                body=body_text(body),
                meta=meta,
            )
        )
    return articles


def generator_names(generator: Path | None) -> list[str]:
    """Names from the corpus generator's lists, or none when it cannot be loaded."""
    if generator is None or not generator.is_file():
        return []
    spec = importlib.util.spec_from_file_location("_bench_make_corpus", generator)
    if spec is None or spec.loader is None:
        return []
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = []
    for list_name in GENERATOR_LISTS:
        for entry in getattr(module, list_name, ()):
            names.append(entry[0] if isinstance(entry, tuple) else entry)
    return names


def front_matter_names(articles: Iterable[CorpusArticle]) -> list[str]:
    """Units (and the unit's place without 关工委), tags, categories and locations."""
    names: list[str] = []
    for article in articles:
        units = article.meta.get("unit") or []
        for unit in [units] if isinstance(units, str) else units:
            names += [unit, unit.removesuffix("关工委")]
        names += [str(tag) for tag in article.meta.get("tags") or []]
        names += [str(article.meta.get(key)) for key in ("category", "location") if article.meta.get(key)]
    return names


def _substring(rng: random.Random, run: str) -> str:
    length = rng.randint(2, min(6, len(run)))
    start = rng.randrange(len(run) - length + 1)
    return run[start : start + length]


def _title_query(rng: random.Random, article: CorpusArticle) -> str | None:
    runs = [run for run in word_runs(article.title) if len(run) >= 2]
    return _substring(rng, rng.choice(runs)) if runs else None


def _body_query(rng: random.Random, article: CorpusArticle) -> str | None:
    """Around a random character of the body text, so long runs are picked as often as they occur."""
    text = article.body
    for _ in range(20):
        at = rng.randrange(len(text))
        if not text[at].isalnum():
            continue
        start, end = at, at + 1
        while start > 0 and text[start - 1].isalnum():
            start -= 1
        while end < len(text) and text[end].isalnum():
            end += 1
        if end - start >= 2:
            return _substring(rng, text[start:end])
    return None


class Matcher:
    """Which published articles contain a string in their normalised title or body text."""

    def __init__(self, published: list[CorpusArticle]) -> None:
        self.titles = [normalise(a.title) for a in published]
        self.bodies = [normalise(a.body) for a in published]

    def matches(self, query: str) -> tuple[list[int], list[int]]:
        """Indices of the articles that contain `query`, and of those whose title contains it."""
        needle = normalise(query)
        in_title = [i for i, title in enumerate(self.titles) if needle in title]
        titles = set(in_title)
        return [i for i, body in enumerate(self.bodies) if i in titles or needle in body], in_title


def generate(
    content: Path,
    *,
    seed: int = 1,
    now: str = NOW,
    per_kind: int = 100,
    generator: Path | None = DEFAULT_GENERATOR,
    require_review: bool = True,
) -> dict:
    """The query set with its ground truth, as the JSON document `main` writes."""
    moment = datetime.fromisoformat(now)
    articles = load_corpus(content, moment, require_review)
    published = [a for a in articles if a.published]
    if not published:
        raise SystemExit(f"{content}: no published article")
    matcher = Matcher(published)
    rng = random.Random(seed)
    index = {a.src: i for i, a in enumerate(published)}
    queries: list[dict] = []
    seen: set[str] = set()

    def add(kind: str, text: str, source: CorpusArticle | None) -> bool:
        key = normalise(text)
        if key in seen:
            return False
        matches, in_title = matcher.matches(text)
        if not matches:
            return False  # a name that does not occur; a title or body substring always does
        seen.add(key)
        queries.append(
            {
                "id": len(queries),
                "kind": kind,
                "q": text,
                "source": index[source.src] if source is not None else None,
                "matches": matches,
                "title_matches": in_title,
            }
        )
        return True

    for kind, pick in (("title", _title_query), ("body", _body_query)):
        wanted, attempts = len(queries) + per_kind, 0
        while len(queries) < wanted and attempts < 100 * per_kind:
            attempts += 1
            article = rng.choice(published)
            text = pick(rng, article)
            if text is not None:
                add(kind, text, article)

    candidates = sorted(set(front_matter_names(articles)) | set(generator_names(generator)) - set(FIXED_NAMES))
    candidates = [name for name in candidates if len(name) >= 2 and all(ch.isalnum() for ch in name)]
    wanted = len(queries) + per_kind
    for name in FIXED_NAMES + tuple(rng.sample(candidates, len(candidates))):
        if len(queries) >= wanted:
            break
        add("name", name, None)

    return {
        "version": 1,
        "seed": seed,
        "now": now,
        "require_review": require_review,
        "word_character": "str.isalnum",
        "normalise": "NFKC, lower case",
        "counts": {
            "articles": len(articles),
            "published": len(published),
            **{kind: sum(q["kind"] == kind for q in queries) for kind in ("title", "body", "name")},
        },
        "articles": [
            {"src": a.src, "section": a.section, "title": a.title, "date": a.date.isoformat()} for a in published
        ],
        "queries": queries,
    }


def dump(document: dict) -> str:
    """Deterministic JSON: one article or query per line, so diffs stay readable."""
    lines = ["{"]
    head = {key: value for key, value in document.items() if key not in ("articles", "queries")}
    for key, value in head.items():
        lines.append(f"{json.dumps(key)}: {json.dumps(value, ensure_ascii=False, sort_keys=True)},")
    for key in ("articles", "queries"):
        items = document[key]
        lines.append(f'"{key}": [')
        lines += [
            json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            + ("," if n < len(items) - 1 else "")
            for n, item in enumerate(items)
        ]
        lines.append("]," if key == "articles" else "]")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("content", type=Path, help="the corpus' content folder (make_corpus.py's OUT/content)")
    parser.add_argument("--out", type=Path, default=None, help="write here instead of standard output")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--now", default=NOW, help=f"publication moment, ISO 8601 (default {NOW})")
    parser.add_argument("--per-kind", type=int, default=100)
    parser.add_argument("--generator", type=Path, default=DEFAULT_GENERATOR, help="make_corpus.py, for its name lists")
    parser.add_argument("--no-review", action="store_true", help="do not require reviewed_by for publication")
    args = parser.parse_args(argv)
    document = generate(
        args.content,
        seed=args.seed,
        now=args.now,
        per_kind=args.per_kind,
        generator=args.generator,
        require_review=not args.no_review,
    )
    text = dump(document)
    if args.out is None:
        sys.stdout.write(text)
    else:
        args.out.write_text(text, encoding="utf-8")
        counts = document["counts"]
        print(
            f"{args.out}: {len(document['queries'])} queries ({counts['title']} title, {counts['body']} body, "
            f"{counts['name']} names) over {counts['published']} published of {counts['articles']} articles"
        )


if __name__ == "__main__":
    main()
