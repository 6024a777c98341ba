"""The order an S3 upload sends files in, so that breaking off at any point breaks no link.

A link from an uploaded page can only break if it points at a file that is *new*: a file already
in the bucket satisfies the link with its old version until its new one is up. So the order
follows the links from each new or changed file to the new files it refers to (its dependencies),
and sends every file after all of them: a depth-first walk, emitting a file once everything it
links to is out.

Cycles. New pages link each other: a new article and its new tag, unit and category pages
(which list it), prev/next neighbours, feeds and the pages they list. No order of a cycle of new
pages puts each after the others, so the walk breaks every cycle at one page: when it meets a
link back to a page still being walked (a back edge), that page is first sent as a small
*placeholder* (an HTML page without links saying the page is being updated; see
`PLACEHOLDER`), before anything else. The guarantee, at every moment of the upload, is then:

  every page in the bucket links only to objects in the bucket (within the site),

because every link to a new file is satisfied by the file itself or by its placeholder, which went
up first. Only new HTML pages ever get a placeholder, never a page readers can already see:
a new feed or search index that a new page links to is not walked into from the pages it lists
(its targets are placeholdered instead), so cycles always break at an HTML page. An upload broken
off may leave a placeholder behind; the next deploy sees its content differ and replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from site_builder.deploy.links import to_file
from site_builder.deploy.manifest import SiteFile, upload_order

PLACEHOLDER = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="robots" content="noindex"><meta http-equiv="refresh" content="10">'
    "<title>正在更新</title></head><body><p>本页正在更新，请稍后刷新。</p></body></html>\n"
).encode()
"""Sent for a new page on a cycle before the real one: a link to it never leads to a 404."""
PLACEHOLDER_CACHE = "no-cache"


@dataclass(frozen=True)
class UploadPlan:
    placeholders: list[str]
    """New pages to send first as PLACEHOLDER, in this order."""
    files: list[SiteFile]
    """Every changed file, each after the new files it links to (or their placeholders)."""


def dependencies(changed: list[SiteFile], links: Mapping[str, set[str]], remote: set[str]) -> dict[str, list[str]]:
    """For each changed file, the new files (changed, not in the bucket yet) it links to, in upload rank."""
    names = frozenset(file.path for file in changed)
    rank = {file.path: index for index, file in enumerate(upload_order(changed))}
    needs = {}
    for file in changed:
        targets = {to_file(path, names) for path in links.get(file.path, ())}
        needs[file.path] = sorted(
            (t for t in targets if t and t != file.path and t not in remote), key=rank.__getitem__
        )
    return needs


def plan_upload(changed: list[SiteFile], links: Mapping[str, set[str]], remote: set[str]) -> UploadPlan:
    """Placeholders, then every changed file after what it links to; see the module docstring."""
    needs = dependencies(changed, links, remote)
    early = _placeholders_for_late_files(changed, needs)
    for path, targets in needs.items():
        needs[path] = [target for target in targets if target not in early]
    order, broken_at = _walk([file.path for file in upload_order(changed)], needs)
    by_path = {file.path: file for file in changed}
    placeholders = [path for path in order if path in early or path in broken_at]
    return UploadPlan(placeholders, [by_path[path] for path in order])


def _placeholders_for_late_files(changed: list[SiteFile], needs: Mapping[str, list[str]]) -> set[str]:
    """The new pages that new feeds, sitemaps and indexes link to, when some page links to those.

    Sending these pages' placeholders first leaves such a file without dependencies, so it is never
    on a cycle, and the walk never has to placeholder a feed or a search index.
    """
    linked = {target for targets in needs.values() for target in targets}
    late = {file.path for file in changed if _is_late(file.path) and file.path in linked}
    return {target for path in late for target in needs[path] if target.endswith(".html")}


def _is_late(path: str) -> bool:
    return path.endswith((".xml", ".json", ".xml.gz"))


def _walk(roots: list[str], needs: Mapping[str, list[str]]) -> tuple[list[str], set[str]]:
    """Depth-first post-order of `needs` from `roots`, and the pages where back edges break cycles.

    Iterative, for sites with thousands of pages. In the post-order every file comes after each
    dependency except those reached by a back edge, which are returned to be placeholdered.
    """
    walking, done = set(), set()
    order: list[str] = []
    broken_at: set[str] = set()
    for root in roots:
        if root in done:
            continue
        walking.add(root)
        stack = [(root, iter(needs[root]))]
        while stack:
            node, pending = stack[-1]
            for target in pending:
                if target in walking:
                    broken_at.add(target)
                elif target not in done:
                    walking.add(target)
                    stack.append((target, iter(needs[target])))
                    break
            else:
                stack.pop()
                walking.discard(node)
                done.add(node)
                order.append(node)
    return order, broken_at
