"""An S3 upload broken off at any point leaves no broken link (issue #8, defect 7).

The upload order follows the links between the files being uploaded: a page goes up only after the
pages and assets it links to, and new pages on a cycle (an article and its new tag page link each
other) are first sent as a small placeholder. The check below parses what is in the bucket with
its own parser, independent of the code under test.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from site_builder.deploy.targets import Target, deploy
from tests.conftest import article, run_cli

SITE_URL = "https://example.org/"
FIRST = {
    "news/2024-05-01-a.md": article("第一篇", "2024-05-01", tags="[读书]", unit="甲社区关工委", category="五老风采"),
    "news/2024-06-01-b.md": article("第二篇", "2024-06-01", tags="[读书]"),
}
ADDED = {
    "news/2024-07-01-c.md": article(
        "第三篇", "2024-07-01", tags="[新标签]", unit="乙街道关工委", category="校外辅导站"
    ),
}


class Cut(Exception):
    """The connection breaks: raised by BreakingClient, caught by nothing in site_builder."""


class BreakingClient:
    """A boto3 client whose put_object fails once `allowed` uploads went through."""

    def __init__(self, client, allowed: int) -> None:
        self.client, self.allowed, self.puts = client, allowed, 0

    def put_object(self, **params):
        if self.puts >= self.allowed:
            raise Cut(params["Key"])
        self.puts += 1
        return self.client.put_object(**params)

    def __getattr__(self, name: str):
        return getattr(self.client, name)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and name in ("href", "src"):
                self.urls.append(value)
            elif value and name == "srcset":
                self.urls += [part.strip().split()[0] for part in value.split(",") if part.strip()]


def within_site(url: str, key: str) -> str | None:
    """The object key `url` on page `key` points at; None for other sites, mail, fragments."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        if not url.startswith(SITE_URL):
            return None
        path = parts.path.removeprefix("/")
    elif parts.path.startswith("/"):
        path = parts.path.removeprefix("/")
    elif not parts.path:
        return None
    else:
        path = posixpath.join(posixpath.dirname(key), parts.path)
    path = unquote(path)
    folder = path.endswith("/") or path == ""
    path = posixpath.normpath(path).removeprefix(".")
    return posixpath.join(path, "index.html").lstrip("/") if folder else path


def bucket(client) -> dict[str, bytes]:
    keys = [
        o["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket="ggw", Prefix="site/")
        for o in page.get("Contents", [])
    ]
    return {key.removeprefix("site/"): client.get_object(Bucket="ggw", Key=key)["Body"].read() for key in keys}


def broken_links(objects: dict[str, bytes]) -> list[tuple[str, str]]:
    """(page, link) for every link of an HTML page or feed in the bucket to an object that is not there."""
    broken = []
    for key, body in objects.items():
        if key.endswith(".html"):
            parser = Links()
            parser.feed(body.decode("utf-8"))
            urls = parser.urls
        elif key.endswith(".xml"):
            urls = re.findall(re.escape(SITE_URL) + r"[^\s\"'<>&]*", body.decode("utf-8"))
        else:
            continue
        for url in urls:
            path = within_site(url, key)
            if path is not None and path not in objects and posixpath.join(path, "index.html") not in objects:
                broken.append((key, url))
    return broken


def restore(client, snapshot: dict[str, bytes]) -> None:
    """Put the bucket back exactly as `snapshot`: the state after the first deploy."""
    now = {
        o["Key"].removeprefix("site/"): o["ETag"].strip('"')
        for o in client.list_objects_v2(Bucket="ggw", Prefix="site/").get("Contents", [])
    }
    for key in set(now) - set(snapshot):
        client.delete_object(Bucket="ggw", Key="site/" + key)
    for key, body in snapshot.items():
        if now.get(key) != hashlib.md5(body).hexdigest():
            client.put_object(Bucket="ggw", Key="site/" + key, Body=body)


def test_an_upload_broken_after_any_put_leaves_every_page_linking_to_existing_objects(make_project, s3, capsys):
    project = make_project(FIRST)
    assert run_cli(["build"], capsys)[0] == 0
    assert run_cli(["deploy", "s3://ggw/site"], capsys)[0] == 0
    snapshot = bucket(s3)
    assert broken_links(snapshot) == []  # the check itself sees a whole site as whole

    for rel, text in ADDED.items():
        (project / "content" / rel).write_text(text, encoding="utf-8")
    assert run_cli(["build"], capsys)[0] == 0
    site = project / "site"
    counting = BreakingClient(s3, allowed=10**6)
    deploy(site, Target("s3://ggw/site"), client=counting)
    total = counting.puts
    assert broken_links(bucket(s3)) == []
    assert total > 10  # the new article, its tag, unit, category and archive pages, listings, feeds

    failures = {}
    for allowed in range(1, total):
        restore(s3, snapshot)
        with pytest.raises(Cut):
            deploy(site, Target("s3://ggw/site"), client=BreakingClient(s3, allowed))
        broken = broken_links(bucket(s3))
        if broken:
            failures[allowed] = broken[:3]
    assert failures == {}

    restore(s3, snapshot)
    deploy(site, Target("s3://ggw/site"), client=s3)
    final = bucket(s3)
    assert final == {
        key: path.read_bytes()
        for key, path in ((p.relative_to(site).as_posix(), p) for p in site.rglob("*"))
        if path.is_file() and key != ".site-builder-build.json"
    }


# --- the planner and the link resolver on their own ----------------------------------------------


def test_plan_puts_each_file_after_the_new_files_it_links_to_and_placeholders_only_new_pages():
    from site_builder.deploy.manifest import SiteFile
    from site_builder.deploy.order import plan_upload

    links = {
        "news/2024/c/index.html": {"tags/new/", "units/new/", "news/2024/b/", "", "assets/x.css", "feed.xml"},
        "tags/new/index.html": {"news/2024/c/", ""},
        "units/new/index.html": {"news/2024/c/", ""},
        "news/2024/b/index.html": {"news/2024/c/", ""},
        "index.html": {"news/2024/c/", "feed.xml"},
        "feed.xml": {"news/2024/c/", "news/2024/b/", ""},
        "assets/x.css": {"assets/font.woff2"},
    }
    changed = [SiteFile(path, 1, "", "") for path in [*links, "assets/font.woff2"]]
    remote = {"index.html", "news/2024/b/index.html", "feed.xml", "assets/old.css"}
    for remote_now in (remote, set()):  # a redeploy, and a first deploy into an empty bucket
        plan = plan_upload(changed, links, remote_now)
        assert sorted(f.path for f in plan.files) == sorted(f.path for f in changed)
        assert all(path.endswith(".html") and path not in remote_now for path in plan.placeholders)
        present = set(remote_now) | set(plan.placeholders)
        for file in plan.files:
            for link in links.get(file.path, ()):
                target = link if link.endswith((".css", ".woff2", ".xml")) else f"{link}index.html"
                assert target in present, (file.path, target)
            present.add(file.path)
    assert plan_upload(changed, links, remote).placeholders == ["news/2024/c/index.html"]


@pytest.mark.parametrize(
    "url, page, expected",
    [
        ("../b/", "news/2024/a/index.html", "news/2024/b"),
        ("../../..", "news/2024/a/index.html", ""),
        ("https://example.org/news/", "feed.xml", "news"),
        ("https://example.org/ggw/x.jpg", "index.html", "ggw/x.jpg"),
        ("https://other.example.org/news/", "index.html", None),
        ("/assets/a.css", "news/index.html", "assets/a.css"),
        ("#top", "index.html", None),
        ("mailto:a@example.org", "index.html", None),
        ("../../../../etc/passwd", "news/index.html", None),
        ("%E6%96%B0.pdf", "news/a/index.html", "news/a/新.pdf"),
    ],
)
def test_links_resolve_like_a_browser_within_the_site(url, page, expected):
    from site_builder.deploy.links import resolve

    assert resolve(url, page, SITE_URL) == expected


def test_links_under_a_site_url_with_a_path_and_from_feeds_and_the_search_index():
    from site_builder.deploy.links import file_links, resolve

    assert resolve("/ggw/news/", "index.html", "https://example.org/ggw/") == "news"
    assert resolve("/other/", "index.html", "https://example.org/ggw/") is None
    feed = b"<rss><link>https://example.org/</link><item><link>https://example.org/news/a/</link></item></rss>"
    assert file_links("feed.xml", feed, SITE_URL) == {"", "news/a"}
    index = b'{"config": {}, "docs": [{"location": "news/a/#intro"}, {"location": ""}]}'
    assert file_links("search/search_index.json", index, SITE_URL) == {"news/a", ""}
    page = (
        b'<img src="p-480.webp" srcset="p-480.webp 480w, p-960.webp 960w">'
        b'<meta property="og:image" content="https://example.org/news/a/p-960.jpg"><a href="https://x.cn/">x</a>'
    )
    assert file_links("news/a/index.html", page, SITE_URL) == {
        "news/a/p-480.webp",
        "news/a/p-960.webp",
        "news/a/p-960.jpg",
    }
