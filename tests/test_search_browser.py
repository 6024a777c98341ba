"""The header search box on the demo site in headless Chromium (issue #10).

A title substring and a body substring are typed into the box and found with a snippet that marks
the match; the box works from the keyboard alone, on a desktop and on a phone-sized screen.
Screenshots are left in /tmp for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_browser import browser, serve_folder  # noqa: F401  (the module-scoped browser fixture)

SCREENSHOTS = Path("/tmp")
STORY = "王秀兰：三十年守护留守儿童"
STORY_URL = "stories/2025/0520-wang-xiu-lan-san-shi-nian-shou-hu-liu-shou-er-tong/"
REPORT_TITLE = "暑期公益课堂开课，200 名孩子有了好去处"
RESULTS = "[data-sb-search-list] a"


@pytest.fixture(scope="module")
def served_demo(demo_site) -> Iterator[str]:
    """The session's demo build served on 127.0.0.1; yields its base URL."""
    with serve_folder(demo_site) as base:
        yield base


def open_page(browser, url: str, **options):  # noqa: F811
    context = browser.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return context, page, errors


def wait_for_results(page, title: str) -> None:
    page.locator(RESULTS, has_text=title).first.wait_for(state="visible", timeout=10_000)


def test_title_and_body_substrings_are_found_and_work_from_the_keyboard(browser, served_demo):  # noqa: F811
    context, page, errors = open_page(browser, served_demo + "news/", viewport={"width": 1280, "height": 900})
    search_input = page.get_by_role("textbox", name="搜索本站")
    assert page.get_by_role("dialog", name="搜索本站").count() == 1
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('[data-sb-search-input]')")

    # A title substring that crosses jieba's words (守护|留守): the title shows the match marked.
    page.keyboard.type("守护留守")
    wait_for_results(page, STORY)
    first = page.locator(RESULTS).first
    assert first.locator(".sb-search__title mark").inner_text() == "守护留守"
    assert "2025年5月20日" in first.inner_text() and "先进事迹" in first.inner_text()
    assert page.locator("[data-sb-search-status]").inner_text() == "找到 1 篇相关文章"

    # A body substring: a snippet of the text with the match in <mark>.
    search_input.fill("")
    page.keyboard.type("开设作业辅导")
    wait_for_results(page, REPORT_TITLE)
    snippet = page.locator(RESULTS).first.locator(".sb-search__snippet")
    assert snippet.locator("mark").inner_text() == "开设作业辅导"
    assert "课堂开设作业辅导、书法" in snippet.inner_text()
    assert float(snippet.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 16
    page.screenshot(path=str(SCREENSHOTS / "site_builder-search-desktop.png"))

    # Keyboard: ↓ to the result, Esc closes, Enter opens.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith(REPORT_TITLE)
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.matches('[data-sb-search-input]')")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    search_input.fill("")
    page.keyboard.type("守护留守")
    wait_for_results(page, STORY)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith(STORY)
    page.keyboard.press("Enter")
    page.wait_for_url(served_demo + STORY_URL)
    assert errors == []
    context.close()


def test_the_box_on_a_phone_shows_results_more_and_nothing_found(browser, served_demo):  # noqa: F811
    context, page, errors = open_page(
        browser,
        served_demo,
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    opener = page.locator("[data-sb-search-open]")
    assert opener.get_attribute("aria-label") == "搜索本站"
    opener.click()
    search_input = page.get_by_role("textbox", name="搜索本站")
    search_input.wait_for(state="visible")
    page.keyboard.type("关工委")
    page.locator(RESULTS).first.wait_for(state="visible", timeout=10_000)
    more = page.get_by_role("button", name="更多结果")
    assert page.locator(RESULTS).count() == 10 and more.is_visible()
    total = int(page.locator("[data-sb-search-status]").inner_text().split()[1])
    assert total > 10
    # Material slides the phone's search panel in: measure once it has stopped moving.
    page.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
    overflowing = page.evaluate(
        f"""Array.from(document.querySelectorAll('{RESULTS}, [data-sb-search-input]'))
            .filter(e => {{ const r = e.getBoundingClientRect(); return r.left < 0 || r.right > 375; }}).length"""
    )
    assert overflowing == 0, "results and the search field must fit the phone's width"
    page.screenshot(path=str(SCREENSHOTS / "site_builder-search-phone.png"))
    more.click()
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === {min(total, 20)}")
    # The first new result has the focus, so a keyboard or screen-reader user reads on from there.
    assert page.evaluate(f"document.activeElement === document.querySelectorAll('{RESULTS}')[10]")
    for shown in range(30, total + 10, 10):  # ten more per press, until every result is shown
        more.click()
        page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === {min(total, shown)}")
    assert not more.is_visible()

    search_input.fill("")
    page.keyboard.type("冬令营筹备")  # a draft's title: withheld, so never found
    status = page.locator("[data-sb-search-status]")
    status.filter(has_text="没有找到").wait_for(timeout=10_000)
    assert status.inner_text() == "没有找到与“冬令营筹备”相关的文章"
    assert page.locator(RESULTS).count() == 0
    assert errors == []
    context.close()
