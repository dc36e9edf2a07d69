"""The HTML report in a real headless Chromium: offline, nothing executes, the filters work."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Page, Route, sync_playwright

from listingkit.cli.common import check_docs
from listingkit.output import render
from tests.output.test_format_html import hostile_shop

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    """The system's Chromium: ``LISTINGKIT_CHROMIUM``, else the first one on PATH."""
    given = os.environ.get("LISTINGKIT_CHROMIUM")
    if given:
        return given
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = chromium()
    if executable is None:
        pytest.fail(
            "no Chromium found (LISTINGKIT_CHROMIUM, chromium, chromium-browser, google-chrome); "
            "install one with: python3 -m listingkit.dev browser",
            pytrace=False,
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Watched:
    """A page with every network request, console error, page error and dialog recorded."""

    def __init__(self, browser: Browser, *, javascript: bool = True) -> None:
        self.context = browser.new_context(
            viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
        )
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context.route("**/*", self._route)
        self.page: Page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: Path) -> Page:
        self.page.goto(path.as_uri(), wait_until="load")
        return self.page

    def assert_quiet(self) -> None:
        assert self.requests == []
        assert self.errors == []
        assert self.dialogs == []


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    shop = hostile_shop(root)
    target = root / "report.html"
    with target.open("w", encoding="utf-8") as stream:
        render(shop.report, "html", stream, docs=check_docs(), shop=shop.overview)
    return target


def _visible(page: Page, selector: str) -> int:
    return page.locator(f"{selector}:visible").count()


def test_loads_offline_and_nothing_executes(browser: Browser, written: Path) -> None:
    watched = Watched(browser)
    page = watched.open(written)
    assert page.title() == "listingkit 报告 · 淘宝"
    # Pass the pointer over every thumbnail and title: an injected handler would fire.
    for thumb in page.locator(".thumb").all():
        thumb.hover()
    for title in page.locator(".title").all():
        title.hover()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator(".thumb img").count() == 6
    # Every thumbnail decoded: a data: URI the policy allows, not a broken image.
    widths = page.eval_on_selector_all(".thumb img", "images => images.map(i => i.naturalWidth)")
    assert widths and all(width > 0 for width in widths)
    assert page.locator(".placeholder").all_inner_texts() == ["02.jpg", "03.jpg", "04.png"]
    watched.assert_quiet()
    watched.context.close()


def test_filters_change_what_is_shown(browser: Browser, written: Path) -> None:
    watched = Watched(browser)
    page = watched.open(written)
    assert page.locator("#filters").is_visible()
    assert _visible(page, ".finding") == 9
    assert _visible(page, ".card") == 4  # 整店, A001, B002, C003
    assert page.locator("#shown").inner_text() == "显示 9 / 9 条"

    page.select_option("select[name=code]", "IMG001")
    assert _visible(page, ".finding") == 3
    assert set(page.locator(".finding:visible .code").all_inner_texts()) == {"IMG001"}
    assert page.locator(".card:visible .item").all_inner_texts() == ["A001", "B002"]
    assert page.locator("#shown").inner_text() == "显示 3 / 9 条"

    page.select_option("select[name=code]", "")
    page.get_by_label("警告").uncheck()
    assert _visible(page, ".finding") == 6
    assert _visible(page, ".finding.sev-warning") == 0
    # The shop card held only a warning: nothing left, so it is hidden.
    assert page.locator(".card:visible h2").all_inner_texts() == [
        "货号 A001",
        "货号 B002",
        "货号 C003",
    ]

    page.get_by_label("警告").check()
    page.select_option("select[name=product]", label="B002")
    assert page.locator(".card:visible .item").all_inner_texts() == ["B002"]
    assert sorted(page.locator(".finding:visible .code").all_inner_texts()) == [
        "IMG001",
        "TITLE001",
    ]

    page.select_option("select[name=product]", "")
    assert _visible(page, ".finding") == 9
    assert _visible(page, ".card") == 4
    watched.assert_quiet()
    watched.context.close()


def test_without_javascript_everything_is_shown(browser: Browser, written: Path) -> None:
    watched = Watched(browser, javascript=False)
    page = watched.open(written)
    assert not page.locator("#filters").is_visible()
    assert _visible(page, ".finding") == 9
    assert _visible(page, ".card") == 4
    watched.assert_quiet()
    watched.context.close()


def test_prints_without_the_filters(browser: Browser, written: Path) -> None:
    watched = Watched(browser)
    page = watched.open(written)
    page.emulate_media(media="print")
    assert not page.locator("#filters").is_visible()
    assert _visible(page, ".finding") == 9
    inside = page.eval_on_selector(".card", "card => getComputedStyle(card).breakInside")
    assert inside == "avoid"
    watched.assert_quiet()
    watched.context.close()


def test_screenshot_shows_a_real_page(browser: Browser, written: Path, tmp_path: Path) -> None:
    watched = Watched(browser)
    page = watched.open(written)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    with Image.open(io.BytesIO(shot.read_bytes())) as image:
        width, height = image.size
        assert width >= 1280 and height > 900  # the whole page, longer than the window
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None
    assert len(colours) > 50
    # Red from the error badges and bars, and the thumbnails' own colours, are on it.
    assert any(r > 150 and g < 80 and b < 80 for _, (r, g, b) in colours)
    watched.assert_quiet()
    watched.context.close()
