"""Issue #12: a 大事记 printed from headless Chromium is the record alone, on A4.

Under print media emulation nothing of the site's chrome is visible (navigation, header, tabs,
sidebars, footer, the term links); the title and every line are. The screenshot and a PDF are left
in /tmp for a person to look at (never in the repository).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_browser import browser  # noqa: F401  (the module-scoped browser fixture)
from tests.test_search_browser import served_demo  # noqa: F401  (the demo build, served)

SCREENSHOT = Path("/tmp/site_builder-dashiji-print.png")
PDF = Path("/tmp/site_builder-dashiji-print.pdf")
A4_AT_96_DPI = {"width": 794, "height": 1123}

CHROME = (
    "nav, header, footer, .md-header, .md-tabs, .md-sidebar, .md-footer, .md-top, .md-search, "
    ".sb-terms, .sb-breadcrumb, .sb-chronicle__years"
)
VISIBLE = """selector => Array.from(document.querySelectorAll(selector)).filter(element => {
    const style = getComputedStyle(element), box = element.getBoundingClientRect();
    return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 0 && box.height > 0;
}).map(element => element.tagName.toLowerCase() + '.' + element.className)"""


def test_a_printed_chronicle_shows_the_record_without_navigation(browser, served_demo):  # noqa: F811
    context = browser.new_context(viewport=A4_AT_96_DPI)
    page = context.new_page()
    page.goto(served_demo + "archive/2025/dashiji/")
    # On screen, the site's navigation is there…
    assert page.evaluate(VISIBLE, ".md-header, .sb-terms")
    page.emulate_media(media="print")
    # …on paper, none of it.
    assert page.evaluate(VISIBLE, CHROME) == []
    assert page.evaluate(VISIBLE, "h1") == ["h1."] and page.locator("h1").inner_text() == "2025年大事记"
    lines = page.locator(".sb-chronicle__entries li")
    assert lines.count() > 5 and len(page.evaluate(VISIBLE, ".sb-chronicle__entries li")) == lines.count()
    assert lines.first.inner_text() == "1月20日\u3000滨江社区关工委寒假走访困境儿童家庭"
    # Black text on white, links not underlined.
    assert page.evaluate("getComputedStyle(document.querySelector('.sb-chronicle__entries a')).color") == "rgb(0, 0, 0)"
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.pdf(path=str(PDF), prefer_css_page_size=True)
    pdf = PDF.read_bytes()
    assert pdf.startswith(b"%PDF") and re.search(rb"MediaBox \[0 0 59[45](\.\d+)? 84[12](\.\d+)?\]", pdf)  # A4
    context.close()
