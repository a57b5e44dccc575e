"""Headless Chromium (Debian's, installed by `make test`) driving the admin on a live test server.

Screenshots of every step go to artifacts/browser/<test>/, which git ignores.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import restore_seeds

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts" / "browser"
PASSWORD = "a long editor password 2026"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = "Chromium is not installed: `make test` installs Debian's chromium package."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # themselves are plain synchronous calls, so Django's guard against async contexts is lifted.
    # It stays set until the session ends, so tests that start subprocesses drop it from their environment.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def shot(request):
    """shot(page, "step") saves artifacts/browser/<test>/<n>-step.png."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = iter(range(1, 100))

    def take(page, step):
        page.screenshot(path=folder / f"{next(counter):02d}-{step}.png", full_page=True)

    return take


@pytest.fixture
def editor(browser, live_server, transactional_db, django_user_model, shot, seed_rows):
    """A logged-in editor's page on a live server holding the seeded catalogue."""
    restore_seeds(seed_rows)
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base = live_server.url
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    shot(page, "login")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")
    yield page
    context.close()


def pick(page, select_id, text):
    """Choose `text` in the admin's autocomplete (select2) widget for the <select> with `select_id`."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
