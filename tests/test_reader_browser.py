"""Readers first (issue #13) in headless Chromium: the 阅读辅助 toolbar, layouts from 320 px,
axe-core on the main kinds of page, 复制到公众号 through the real clipboard, the lightbox in Chinese.

axe-core comes from npm (tests/js/package.json, installed by `make test` with `npm ci`) and is
injected into each page from that file: nothing is fetched from another host. Screenshots are left
in /tmp for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.cli import main
from tests.conftest import DEMO_NOW, SMALL_CONFIG, article, write_tree
from tests.test_browser import browser, serve_folder  # noqa: F401  (the module-scoped browser fixture)
from tests.test_search_browser import served_demo  # noqa: F401  (the demo build, served)

AXE = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path("/tmp")
SITE_URL = "https://www.qingxi-ggw.example.cn/"
ARTICLE = "reports/2025/0715-shu-qi-gong-yi-ke-tang-kai-ke/"
"""A report with a cover, a photo in its text with a caption, and a gallery."""
LIST = "news/"
TAG = "tags/shu-qi-huo-dong/"
PAGES = {"home": "", "list": LIST, "article": ARTICLE, "subscribe": "subscribe/", "tag": TAG, "404": "404.html"}


def stub_voices(languages: list[str]) -> str:
    """An init script: speechSynthesis has voices of these languages and records what it is asked
    to say (headless Chromium has no voice of its own)."""
    voices = json.dumps(
        [{"name": f"voice {lang}", "lang": lang, "voiceURI": lang, "localService": True} for lang in languages]
    )
    return f"""(() => {{
      window.__spoken = [];
      const synth = window.speechSynthesis;
      synth.getVoices = () => {voices};
      synth.speak = (utterance) => {{ window.__spoken.push(utterance.text); }};
      synth.cancel = () => {{ window.__cancelled = (window.__cancelled || 0) + 1; }};
      synth.pause = () => {{ window.__paused = true; }};
      synth.resume = () => {{ window.__paused = false; }};
    }})();"""


def axe_source() -> str:
    if not AXE.is_file():
        message = f"{AXE} is missing: run `make test` (npm ci --prefix tests/js) to install axe-core"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


class Visit:
    """A page in a fresh context, with its console errors and failed requests collected."""

    def __init__(self, browser, url: str, **options) -> None:  # noqa: F811
        init = options.pop("init_script", None)
        self.context = browser.new_context(**options)
        if init:
            self.context.add_init_script(init)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.failed: list[str] = []
        self.page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("response", lambda response: response.status >= 400 and self.failed.append(response.url))
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")

    def overflow(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    def body_font(self) -> float:
        return self.page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    def close(self) -> None:
        self.context.close()


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(color: str, background: str) -> float:
    first, second = (tuple(int(v) for v in re.findall(r"\d+", c)[:3]) for c in (color, background))
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)  # type: ignore[arg-type]
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_violation(browser, served_demo, name):  # noqa: F811
    source = axe_source()
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 812}):
        visit = Visit(browser, served_demo + PAGES[name], viewport=viewport)
        visit.page.add_script_tag(content=source)
        violations = visit.page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, "
            "nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))"
        )
        assert violations == [], (name, viewport, violations)
        assert visit.errors == [] and visit.failed == [], (name, visit.errors, visit.failed)
        visit.close()


@pytest.mark.parametrize("name", ["home", "list", "article"])
def test_no_sideways_scrolling_from_320_px_at_every_text_size(browser, served_demo, name):  # noqa: F811
    for level in range(4):
        visit = Visit(
            browser,
            served_demo + PAGES[name],
            viewport={"width": 320, "height": 640},
            init_script=f"localStorage.setItem('sb-reader', JSON.stringify({{text: {level}}}))",
        )
        assert visit.page.evaluate("document.documentElement.dataset.sbText") == str(level)
        assert visit.overflow() <= 0, (name, level)
        assert visit.errors == [] and visit.failed == [], (name, visit.errors, visit.failed)
        if level == 3:
            visit.page.screenshot(path=str(SCREENSHOTS / f"site_builder-reader-{name}-320-175.png"))
        visit.close()


def test_text_size_changes_the_body_font_and_holds_on_the_next_page(browser, served_demo):  # noqa: F811
    visit = Visit(browser, served_demo + LIST, viewport={"width": 1280, "height": 900})
    page = visit.page
    standard = visit.body_font()
    smaller = page.get_by_role("button", name="缩小字号")
    assert smaller.get_attribute("aria-disabled") == "true"
    larger = page.get_by_role("button", name="放大字号")
    for _ in range(3):
        larger.click()
    assert visit.body_font() == pytest.approx(standard * 1.75)
    assert page.locator("[data-sb-text-level]").inner_text() == "字号 175%"
    assert larger.get_attribute("aria-disabled") == "true"
    larger.click(force=True)  # at the largest size already (aria-disabled): nothing changes
    assert visit.body_font() == pytest.approx(standard * 1.75)
    smaller.click()
    assert visit.body_font() == pytest.approx(standard * 1.5)
    page.locator(".sb-entry__title a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.startswith(served_demo + "news/20")
    assert visit.body_font() == pytest.approx(standard * 1.5)
    assert page.locator("[data-sb-text-level]").inner_text() == "字号 150%"
    page.screenshot(path=str(SCREENSHOTS / "site_builder-reader-article-150.png"))
    page.get_by_role("button", name="还原").click()
    assert visit.body_font() == pytest.approx(standard)
    assert page.evaluate("localStorage.getItem('sb-reader')") == "{}"
    assert visit.errors == []
    visit.close()


def test_high_contrast_changes_the_colours_to_7_to_1_and_follows_the_system(browser, served_demo):  # noqa: F811
    visit = Visit(browser, served_demo + ARTICLE, viewport={"width": 1280, "height": 900})
    page = visit.page
    colours = "e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]"
    before = page.locator("body").evaluate(colours)
    toggle = page.get_by_role("button", name="高对比")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    after = page.locator("body").evaluate(colours)
    assert after != before
    for selector in ("body", ".sb-article__body p", ".sb-entry__meta a, .sb-article__meta a", ".md-header"):
        element = page.locator(selector).first
        colour, _ = element.evaluate(colours)
        assert contrast(colour, after[1]) >= 7, (selector, colour, after[1])
    page.screenshot(path=str(SCREENSHOTS / "site_builder-reader-contrast.png"))
    visit.close()

    # Without a choice of the reader's, the system's "more contrast" setting decides.
    more = browser.new_context(viewport={"width": 800, "height": 600}, contrast="more")
    page = more.new_page()
    page.goto(served_demo + LIST)
    assert page.evaluate("document.documentElement.dataset.sbContrast") == "high"
    more.close()


def test_read_aloud_speaks_the_article_in_chinese_and_pauses_and_stops(browser, served_demo):  # noqa: F811
    visit = Visit(
        browser,
        served_demo + ARTICLE,
        viewport={"width": 1280, "height": 900},
        init_script=stub_voices(["en-US", "zh-CN"]),
    )
    page = visit.page
    play = page.locator("[data-sb-speech-play]")
    assert play.is_visible() and play.inner_text() == "朗读"
    play.click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0] == "暑期公益课堂开课，200 名孩子有了好去处"
    assert any("课堂开设作业辅导" in text for text in spoken)
    assert all(len(text) < 200 for text in spoken)
    assert not any("上一篇" in text or "复制到公众号" in text for text in spoken)
    assert play.inner_text() == "暂停"
    play.click()
    assert page.evaluate("window.__paused") is True and play.inner_text() == "继续"
    play.click()
    assert page.evaluate("window.__paused") is False and play.inner_text() == "暂停"
    page.get_by_role("button", name="停止").click()
    assert play.inner_text() == "朗读" and page.locator("[data-sb-speech-stop]").is_hidden()
    assert page.evaluate("window.__cancelled") >= 1
    visit.close()

    english_only = Visit(browser, served_demo + ARTICLE, init_script=stub_voices(["en-US", "zh-TW"]))
    assert english_only.page.locator("[data-sb-speech]").is_hidden()
    english_only.close()


def test_every_toolbar_control_works_from_the_keyboard_with_a_visible_focus_ring(browser, served_demo):  # noqa: F811
    visit = Visit(
        browser, served_demo + ARTICLE, viewport={"width": 1280, "height": 900}, init_script=stub_voices(["zh-CN"])
    )
    page = visit.page
    reached: dict[str, str] = {}
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; if (!e.closest('[data-sb-reader-bar]')) return null;"
            " const s = getComputedStyle(e); return [e.textContent.trim(), s.outlineStyle, s.outlineWidth]; })()"
        )
        if focused is None:
            if reached:
                break
            continue
        label, outline, width = focused
        assert outline != "none" and float(width.removesuffix("px")) >= 2, (label, outline, width)
        reached[label] = label
    assert list(reached) == ["缩小", "放大", "高对比", "朗读", "大鼠标", "还原"]

    def press(name: str, key: str = "Enter") -> None:
        page.get_by_role("button", name=name).focus()
        page.keyboard.press(key)

    standard = visit.body_font()
    press("放大字号")
    press("放大字号", " ")
    assert visit.body_font() == pytest.approx(standard * 1.5)
    press("缩小字号")
    assert visit.body_font() == pytest.approx(standard * 1.25)
    press("高对比")
    assert page.evaluate("document.documentElement.dataset.sbContrast") == "high"
    press("大鼠标", " ")
    cursor = page.evaluate("getComputedStyle(document.querySelector('.sb-article__body p')).cursor")
    assert "cursor-arrow.svg" in cursor
    assert "cursor-hand.svg" in page.evaluate("getComputedStyle(document.querySelector('.sb-article__body a')).cursor")
    press("朗读本页")
    assert page.evaluate("window.__spoken.length") > 3
    press("停止")
    assert page.evaluate("document.activeElement.textContent") == "朗读"
    press("还原")
    assert page.evaluate("[document.documentElement.dataset.sbText, document.documentElement.dataset.sbCursor]") == [
        "0",
        None,
    ]
    assert visit.errors == []
    visit.close()


def test_reduced_motion_turns_animations_off(browser, served_demo):  # noqa: F811
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(served_demo + ARTICLE)
    duration = page.evaluate("getComputedStyle(document.querySelector('.md-tabs__link')).transitionDuration")
    assert all(float(d.removesuffix("s")) < 0.001 for d in duration.split(", ")), duration
    context.close()


def test_copy_for_wechat_puts_paste_ready_html_on_the_clipboard(browser, served_demo):  # noqa: F811
    visit = Visit(browser, served_demo + ARTICLE, viewport={"width": 1280, "height": 900})
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served_demo.rstrip("/"))
    page = visit.page
    page.get_by_role("button", name="复制到公众号").click()
    page.locator("[data-sb-wechat-status]", has_text="已复制").wait_for()
    html = page.evaluate(
        "navigator.clipboard.read().then(items => items[0].getType('text/html')).then(blob => blob.text())"
    )
    text = page.evaluate("navigator.clipboard.readText()")
    images = re.findall(r'<img src="([^"]+)"', html)
    assert len(images) == 4  # cover, the photo in the text, two gallery photos
    assert all(re.fullmatch(re.escape(SITE_URL + ARTICLE) + r"[0-9a-f]+-\d+\.jpg", src) for src in images), images
    assert "书法课上，老师手把手教孩子握笔" in html and "志愿者老师与孩子们合影" in html  # captions kept
    assert "<picture" not in html and "srcset" not in html and "class=" not in html and "<a " not in html
    assert 'style="' in html and "font-size:16px" in html
    assert html.rstrip().endswith(f"原文链接：{SITE_URL}{ARTICLE}</p></section>")
    assert "本文来源：青溪区关心下一代工作委员会" in html
    assert "课堂开设作业辅导" in text and f"原文链接：{SITE_URL}{ARTICLE}" in text
    assert visit.errors == []
    visit.close()


def test_the_lightbox_speaks_chinese_with_a_readable_caption(browser, served_demo):  # noqa: F811
    visit = Visit(browser, served_demo + ARTICLE, viewport={"width": 1280, "height": 900})
    page = visit.page
    page.locator(".sb-article__body a.glightbox").first.click()
    caption = page.locator(".gslide.current .gslide-desc")
    caption.wait_for(state="visible")
    assert caption.inner_text() == "书法课上，老师手把手教孩子握笔"
    assert caption.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    assert page.locator(".glightbox-container").get_attribute("aria-label") == "查看照片"
    labels = page.locator(".gbtn").evaluate_all("buttons => buttons.map(b => b.getAttribute('aria-label'))")
    assert labels == ["关闭（Esc 键）", "上一张", "下一张"]
    page.wait_for_timeout(600)
    page.screenshot(path=str(SCREENSHOTS / "site_builder-reader-lightbox.png"))
    page.keyboard.press("Escape")
    visit.close()


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory) -> Iterator[str]:
    """A small site with Material's instant navigation on, served on 127.0.0.1.

    Material follows a link instantly only when it is in sitemap.xml, whose addresses it moves to
    the page's host but not to its port: the site is built for the port it is served on.
    """
    project = tmp_path_factory.mktemp("instant")
    site = project / "site"
    site.mkdir()
    with serve_folder(site) as base:
        config = (
            SMALL_CONFIG.format(require_review="false")
            .replace("site_url: https://example.org/", f"site_url: {base}")
            .replace("  font: false\n", "  font: false\n  features:\n    - navigation.instant\n")
        )
        (project / "mkdocs.yml").write_text(config, encoding="utf-8")
        write_tree(
            project / "content",
            {"news/2024-05-01-甲.md": article("甲文章"), "news/2024-05-02-乙.md": article("乙文章", date="2024-05-02")},
        )
        with pytest.MonkeyPatch.context() as patch:
            patch.chdir(project)
            patch.setenv("SITE_BUILDER_NOW", DEMO_NOW)
            assert main(["build", "-d", "site"]) == 0
        yield base


def test_toolbar_keeps_working_after_material_instant_navigation(browser, instant_site):  # noqa: F811
    visit = Visit(
        browser, instant_site + "news/", viewport={"width": 1280, "height": 900}, init_script=stub_voices(["zh-CN"])
    )
    page = visit.page
    page.evaluate("window.__sameDocument = true")
    standard = visit.body_font()
    page.get_by_role("button", name="放大字号").click()
    page.get_by_role("link", name="甲文章").first.click()
    page.wait_for_url(re.compile(r".*/news/2024/"))
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__sameDocument") is True  # Material swapped the page, no reload
    assert visit.body_font() == pytest.approx(standard * 1.25)
    page.get_by_role("button", name="放大字号").click()
    assert visit.body_font() == pytest.approx(standard * 1.5)
    assert page.locator("[data-sb-text-level]").inner_text() == "字号 150%"
    page.get_by_role("button", name="朗读本页").click()
    assert "甲文章" in page.evaluate("window.__spoken")
    visit.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=instant_site.rstrip("/"))
    page.get_by_role("button", name="复制到公众号").click()  # its script came with the list page
    page.locator("[data-sb-wechat-status]", has_text="已复制").wait_for()
    assert "正文第一段" in page.evaluate("navigator.clipboard.readText()")
    assert page.evaluate("window.__sameDocument") is True
    assert visit.errors == []
    visit.close()


def test_touch_targets_of_the_toolbar_and_pager_are_44_px(browser, served_demo):  # noqa: F811
    visit = Visit(browser, served_demo + LIST, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    assert visit.page.evaluate("matchMedia('(pointer: coarse)').matches")
    sizes = visit.page.locator("[data-sb-reader-bar] button:visible, .sb-pager a").evaluate_all(
        "elements => elements.map(e => { const r = e.getBoundingClientRect(); return [e.textContent.trim(), r.width, r.height]; })"
    )
    assert len(sizes) >= 6 and any(label == "下一页" for label, _, _ in sizes), sizes
    assert all(width >= 44 and height >= 44 for _, width, height in sizes), sizes
    visit.close()
