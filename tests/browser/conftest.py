"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Nothing downloads a browser: Chromium comes from apt (``.ci/test-machine`` installs it). Screenshots
go to ``artifacts/screenshots/``.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import require_tool

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    require_tool(Path(CHROMIUM).exists(), f"Debian's chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under artifacts/screenshots/NAME.png; returns its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def axe_violations():
    """Run axe-core (vendored from npm, injected as a local script) on the page; returns its violations."""
    require_tool(AXE.exists(), "axe-core (npm ci)")
    source = AXE.read_text(encoding="utf-8")

    def check(page) -> list[dict]:
        page.add_script_tag(content=source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
        ]

    return check


PLACEHOLDER_IMAGE = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900" viewBox="0 0 16 9">'
    '<rect width="16" height="9" fill="#9aa5b1"/></svg>'
)


class LiveSession:
    """A page on the live server that records CSP violations and failed same-origin requests.

    External images are answered with a local placeholder and every other external request is
    refused, so a run needs no network. ``expected_missing`` names URL parts whose 4xx is the point.
    """

    def __init__(self, page, base_url: str, *, expected_missing: tuple[str, ...] = ()):
        self.page, self.base_url, self.expected_missing = page, base_url, expected_missing
        self.csp_violations: list[str] = []
        self.broken: list[str] = []
        page.on("console", self._console)
        page.on("response", self._response)
        page.context.route("**/*", self._route)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.csp_violations.append(f"{self.page.url}: {message.text}")

    def _response(self, response):
        if (
            response.url.startswith(self.base_url)
            and response.status >= 400
            and not any(part in response.url for part in self.expected_missing)
        ):
            self.broken.append(f"{response.status} {response.url}")

    def _route(self, route):
        if route.request.url.startswith(self.base_url):
            route.continue_()
        elif route.request.resource_type == "image":
            route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_IMAGE)
        else:
            route.abort()

    def open(self, path: str):
        return self.page.goto(self.base_url + path)

    def assert_clean(self):
        assert self.csp_violations == []
        assert self.broken == []
