"""Browser tests: headless Chromium (Debian's, not Playwright's download) drives the web console
served by the local stack, as a person would. Each screen is checked with axe-core (WCAG A/AA) and
photographed into artifacts/browser/.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright

from local.template import ROOT
from tests.e2e.conftest import PASSWORD, Account, Api, running_stack

CHROMIUM = Path(os.environ.get("KONTOR_CHROMIUM", "/usr/bin/chromium"))
DIST = ROOT / "web" / "dist"
ARTIFACTS = ROOT / "artifacts" / "browser"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
MEASURED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def console() -> Iterator[Api]:
    """The local stack serving the built console; mail links open it; queued work waits for a drain."""
    if not (DIST / "index.html").is_file():
        pytest.fail("web/dist is missing: `make test` builds the console first (or `make web`).")
    with running_stack("--no-delivery", "--console-links") as api:
        yield api


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium with apt-get.")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser, console: Api) -> Iterator[Callable[..., Page]]:
    """Pages in fresh browser contexts (separate storage, like separate browsers); JS errors fail."""
    contexts = []
    errors: list[str] = []

    def make(locale: str = "en-GB") -> Page:
        context = browser.new_context(
            base_url=console.url, locale=locale, viewport={"width": 1280, "height": 800}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


_axe = Axe()


def check(page: Page, name: str) -> None:
    """An axe-core check of the screen as it is (no WCAG A/AA violation), and its screenshot."""
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    results = _axe.run(
        page, options={"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    )
    assert results.violations_count == 0, f"{name}:\n{results.generate_report()}"


def sign_in(page: Page, account: Account | str, password: str = PASSWORD) -> None:
    email = account if isinstance(account, str) else account.email
    page.goto("/signin")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def first_screen_js_gzipped() -> int:
    """Bytes of JavaScript the first screen loads (the entry chunk and its static imports), gzipped."""
    manifest = json.loads((DIST / ".vite" / "manifest.json").read_text())
    entry = next(key for key, chunk in manifest.items() if chunk.get("isEntry"))
    seen: set[str] = set()
    todo = [entry]
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo.extend(manifest[key].get("imports", []))
    return sum(len(gzip.compress((DIST / manifest[key]["file"]).read_bytes(), 9)) for key in seen)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not MEASURED:
        return
    terminalreporter.section("web console")
    for name, value in MEASURED.items():
        terminalreporter.write_line(f"{name}: {value}")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "measured.json").write_text(json.dumps(MEASURED, indent=2) + "\n")
