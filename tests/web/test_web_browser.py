"""End to end in Debian's chromium (Playwright): type, tick a facet, open an item, go back.

Skipped with a reason when /usr/bin/chromium or the playwright package is missing, except in
CI (env CI set), where that is a failure. Never downloads a browser (`playwright install`).
Screenshots at desktop and phone widths go to /tmp/kb-web-*.png for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from kbweb_helpers import copy_sample, http_json, kb_command, running_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path("/tmp")


def _require_browser():
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
        missing.append("the playwright package is missing (pip install playwright)")
    if missing:
        reason = "browser test: " + "; ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    import subprocess

    base = tmp_path_factory.mktemp("browser")
    archive = copy_sample(base / "archive")
    subprocess.run(
        kb_command("reindex", "--archive", archive, "--index", base / "index", "--quiet"),
        check=True,
        cwd=base,
        capture_output=True,
        timeout=300,
    )
    with running_server(base / "index", base) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _require_browser()
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _params(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _watch_console(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return problems


def test_type_tick_open_and_go_back(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = _watch_console(page)
    page.goto(server + "/")
    box = page.locator("#q")
    assert box.is_visible()

    # While an IME composition is open nothing is searched, however long it takes.
    box.focus()
    page.evaluate("""() => {
        const q = document.getElementById('q');
        q.dispatchEvent(new CompositionEvent('compositionstart', {data: ''}));
        q.value = 'liang hua';
        q.dispatchEvent(new InputEvent('input', {data: 'liang hua', isComposing: true}));
    }""")
    page.wait_for_timeout(900)
    assert "q" not in _params(page.url)
    # Ending the composition with the chosen characters searches them.
    page.evaluate("""() => {
        const q = document.getElementById('q');
        q.value = '量化';
        q.dispatchEvent(new CompositionEvent('compositionend', {data: '量化'}));
    }""")
    page.wait_for_function("() => location.search.includes('q=')", timeout=10_000)
    assert _params(page.url) == {"q": ["量化"]}
    total = http_json(server + "/api/search?q=" + quote("量化"))["total"]
    page.wait_for_function(
        "n => document.getElementById('result-count').textContent.includes('共 ' + n + ' 条结果')",
        arg=total,
        timeout=10_000,
    )
    assert f"共 {total} 条结果" in page.locator("#live-status").text_content()  # announced (role=status)

    # Typing more (no IME) searches again after the pause.
    box.press("End")
    box.type(" +二值", delay=40)
    page.wait_for_function("() => new URLSearchParams(location.search).get('q') === '量化 +二值'", timeout=10_000)
    narrower = http_json(server + "/api/search?q=" + quote("量化 +二值"))["total"]
    page.wait_for_function(
        "n => document.getElementById('result-count').textContent.includes('共 ' + n + ' 条结果')",
        arg=narrower,
        timeout=10_000,
    )
    box.fill("量化")
    page.wait_for_function(
        "n => document.getElementById('result-count').textContent.includes('共 ' + n + ' 条结果')",
        arg=total,
        timeout=10_000,
    )

    # Tick a facet: a real link, so the URL carries it and the page is bookmarkable.
    page.locator('a.facet-value[data-facet="section"][data-value="paper"]').click()
    page.wait_for_url("**section=paper**")
    assert _params(page.url) == {"q": ["量化"], "section": ["paper"]}
    papers = http_json(server + "/api/search?section=paper&q=" + quote("量化"))["total"]
    assert f"共 {papers} 条结果" in page.locator("#result-count").inner_text()
    ticked = page.locator('a.facet-value[data-facet="section"][data-value="paper"]')
    assert "selected" in (ticked.get_attribute("class") or "")
    facet_url = page.url
    page.screenshot(path=str(SHOTS / "kb-web-desktop.png"), full_page=False)

    # Open an item and come back.
    first = page.locator("li.hit").first
    title = first.locator("h2").inner_text()
    first.get_by_role("link", name="条目详情").click()
    page.wait_for_url("**/item/**")
    assert page.locator("h1").inner_text() == title
    page.locator("a.button", has_text="在期刊中查看").click()
    page.wait_for_url("**/issue/**")
    anchor = urlsplit(page.url).fragment
    assert page.locator(f'[id="{anchor}"]').is_visible()
    page.go_back()
    page.go_back()
    page.wait_for_url(facet_url)
    assert "selected" in (ticked.get_attribute("class") or "")
    assert not problems, problems  # no CSP violation, no script error
    page.close()


def test_layout_on_a_phone(browser, server):
    page = browser.new_page(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    problems = _watch_console(page)
    page.goto(server + "/?q=" + quote("量化") + "&company=Huawei")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    results = page.locator("section.results").bounding_box()
    facets = page.locator("aside.facets").bounding_box()
    assert results and facets
    assert facets["y"] >= results["y"] + results["height"] - 1  # sidebar below the results
    page.screenshot(path=str(SHOTS / "kb-web-phone.png"), full_page=False)
    page.goto(server + "/issue/2022-01-10")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(SHOTS / "kb-web-phone-issue.png"), full_page=False)
    assert not problems, problems
    page.close()


def test_phone_filters_open_expand_and_tick(browser, server):
    """At 390 px the 筛选 panel is one closed line under the results; it opens, 更多 shows the
    rest of a facet, and ticking a value filters (then the panel starts closed again)."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    problems = _watch_console(page)
    page.goto(server + "/?q=" + quote("量化"))
    panel = page.locator("details.facet-panel")
    assert panel.get_attribute("open") is None
    values = page.locator("a.facet-value")
    assert values.count() > 0 and not values.first.is_visible()
    closed = page.evaluate("() => document.documentElement.scrollHeight")
    page.locator("a[href='#facets']").click()  # the 筛选 ↓ link opens it too
    assert panel.get_attribute("open") == ""
    page.locator("details.facet-panel > summary").click()
    assert panel.get_attribute("open") is None
    page.locator("details.facet-panel > summary").click()
    assert values.first.is_visible()
    more = page.locator("details.more").first
    hidden = more.locator("a.facet-value").first
    assert not hidden.is_visible()
    more.locator("summary").click()
    assert hidden.is_visible()
    page.screenshot(path=str(SHOTS / "kb-web-phone-facets.png"), full_page=False)
    opened = page.evaluate("() => document.documentElement.scrollHeight")
    assert opened > closed
    facet, value = hidden.get_attribute("data-facet"), hidden.get_attribute("data-value")
    hidden.tap()
    page.wait_for_url(f"**{facet}=**")
    assert _params(page.url) == {"q": ["量化"], facet: [value]}
    ticked = page.locator(f'a.facet-value[data-facet="{facet}"][data-value="{value}"]')
    assert "selected" in (ticked.get_attribute("class") or "")
    page.locator("details.facet-panel > summary").click()
    assert ticked.is_visible()  # a selected value is never hidden under 更多
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    assert not problems, problems
    page.close()


def test_skip_link_is_the_first_tab_stop_and_the_chart_only_one(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/?q=" + quote("量化"))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    assert skip.is_visible() and skip.inner_text() == "跳到搜索结果"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "results"
    stops = page.evaluate("""() => {
        const svg = document.querySelector('svg.histogram');
        return [...svg.querySelectorAll('a, [tabindex]')].filter(e => e.tabIndex >= 0).length
            + (svg.tabIndex >= 0 ? 1 : 0);
    }""")
    assert stops == 1
    page.close()


def test_layout_on_a_desktop(browser, server):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "/")
    results = page.locator("section.results").bounding_box()
    facets = page.locator("aside.facets").bounding_box()
    assert results and facets
    assert facets["x"] + facets["width"] <= results["x"]  # sidebar left of the results
    assert page.locator("details.facet-panel").get_attribute("open") == ""  # open beside the results
    assert page.locator("section.front-latest li").count() > 0
    page.goto(server + "/check")
    page.locator("#text").fill("2201.05432\nhttps://github.com/Tencent/ncnn")
    page.get_by_role("button", name="查一下").click()
    page.wait_for_selector("#check-count")
    assert "共 2 条，2 条已报道" in page.locator("#check-count").inner_text()
    page.screenshot(path=str(SHOTS / "kb-web-check.png"), full_page=False)
    page.close()


def test_search_works_with_javascript_off(browser, server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.locator("#q").fill("ncnn")
    page.locator("#q").press("Enter")
    page.wait_for_url("**q=ncnn**")
    total = http_json(server + "/api/search?q=ncnn")["total"]
    assert f"共 {total} 条结果" in page.locator("#result-count").inner_text()
    page.locator('a.facet-value[data-facet="section"][data-value="code"]').click()
    page.wait_for_url("**section=code**")
    assert _params(page.url) == {"q": ["ncnn"], "section": ["code"]}
    context.close()
