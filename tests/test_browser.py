"""The built site in a real browser (headless Debian chromium through Playwright).

Issue #8, defect 2: a caption or alt text carrying markup ran as script when a reader opened the
photo, because GLightbox inserts descriptions as HTML. Here every photo of an article whose
captions and alt texts carry payloads is opened, browsed and closed, by mouse and by keyboard.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import DEMO_NOW, SMALL_CONFIG, write_tree
from tests.images_fixtures import phone_jpeg

CHROMIUM = Path("/usr/bin/chromium")
ARTICLE_URL = "reports/2024/0501-huo-dong/"
SCREENSHOT = Path("/tmp/site_builder-lightbox.png")

CAPTION_IMG = '<img src=x onerror="window.__pwned=1">志愿者与孩子们合影'
CAPTION_SVG = '<svg onload="window.__pwned=2"></svg>书法课'
ALT_SVG = '<svg onload="window.__pwned=3">'
INLINE_ALT = '<img src=x onerror="window.__pwned=4">五老讲故事'
CAPTIONS = [INLINE_ALT, CAPTION_IMG, CAPTION_SVG]
"""In page order: the body's photo, then the gallery's two."""


def _yaml(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


ARTICLE = f"""---
title: 活动
date: 2024-05-01
photos:
  - {{src: a.jpg, caption: {_yaml(CAPTION_IMG)}, alt: {_yaml(ALT_SVG)}}}
  - {{src: b.jpg, caption: {_yaml(CAPTION_SVG)}}}
---

正文。

![{INLINE_ALT}](c.jpg)
"""


@pytest.fixture(scope="module")
def served_site(tmp_path_factory) -> Iterator[str]:
    """A small site built once, served over http on 127.0.0.1; yields its base URL."""
    project = tmp_path_factory.mktemp("browser")
    (project / "mkdocs.yml").write_text(SMALL_CONFIG.format(require_review="false"), encoding="utf-8")
    bundle = "reports/2024-05-01-活动"
    write_tree(
        project / "content",
        {
            f"{bundle}/index.md": ARTICLE,
            f"{bundle}/a.jpg": phone_jpeg(1),
            f"{bundle}/b.jpg": phone_jpeg(6),
            f"{bundle}/c.jpg": phone_jpeg(3),
        },
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(project)
        patch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
        assert main(["build", "-d", "site"]) == 0
    with serve_folder(project / "site") as base:
        yield base


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP on 127.0.0.1 (a free port) while in the block; yields the base URL.
    Files are read per request, so the folder may be filled after the server started."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module; missing chromium fails on CI and skips elsewhere."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: CI must install Debian's chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); the browser tests need it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


def open_article(browser, base_url: str, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    page.goto(base_url + ARTICLE_URL)
    return context, page


def current_caption(page) -> str:
    """The description of the slide on show, as the reader sees it."""
    description = page.locator(".gslide.current .gslide-desc")
    description.wait_for(state="visible")
    return description.inner_text()


SETTLED = (
    "![...document.querySelectorAll('.goverlay, .gslide.current')]"
    ".some(e => /\\bg[a-z]+(In|Out)\\b/i.test(e.className))"
)
"""True once GLightbox's opening animations have finished (for the screenshot)."""


def wait_closed(page) -> None:
    page.wait_for_selector(".glightbox-container", state="detached")


def test_captions_and_alt_texts_stay_text_in_the_lightbox(browser, served_site):
    context, page = open_article(browser, served_site, viewport={"width": 1280, "height": 900})
    links = page.locator("a.glightbox")
    assert links.count() == 3
    for index in range(links.count()):
        links.nth(index).click()
        assert current_caption(page) == CAPTIONS[index]
        if index == 1:
            page.wait_for_function(SETTLED)
            page.screenshot(path=str(SCREENSHOT))
            page.locator(".gnext").click()
            page.wait_for_function("document.querySelectorAll('.gslide')[1].classList.contains('current')")
            assert current_caption(page) == CAPTIONS[2]
        page.locator(".gclose").click()
        wait_closed(page)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("svg[onload]").count() == 0
    context.close()


def test_the_lightbox_works_from_the_keyboard(browser, served_site):
    context, page = open_article(browser, served_site)
    page.locator("a.glightbox").nth(1).focus()
    page.keyboard.press("Enter")
    assert current_caption(page) == CAPTIONS[1]
    page.keyboard.press("ArrowRight")
    page.wait_for_function("document.querySelectorAll('.gslide')[1].classList.contains('current')")
    assert current_caption(page) == CAPTIONS[2]
    page.keyboard.press("Escape")
    wait_closed(page)
    assert page.evaluate("document.activeElement.classList.contains('glightbox')")
    assert page.evaluate("window.__pwned") is None
    context.close()


def test_short_captions_on_phones_stay_text(browser, served_site):
    # On phones GLightbox shortens long descriptions through innerText and back into innerHTML,
    # which would decode escaped text into markup again.
    iphone = (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
    )
    context, page = open_article(
        browser, served_site, user_agent=iphone, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    links = page.locator("a.glightbox")
    for index in range(links.count()):
        links.nth(index).click()
        page.locator(".gslide.current .gslide-media img").wait_for()
        page.wait_for_timeout(300)
        assert page.evaluate("window.__pwned") is None, index
        page.keyboard.press("Escape")
        wait_closed(page)
    context.close()
