"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium) against the live server.

Skipped when Chromium is not installed (make test installs it via scripts/ensure-browser.sh when it can);
a failing test leaves a screenshot in test-artifacts/.
"""

import contextlib
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call" and report.failed:
        page = item.funcargs.get("page")
        if page is not None:
            ARTIFACTS.mkdir(exist_ok=True)
            # the browser may be gone; the assertion is what matters
            with contextlib.suppress(Exception):
                page.screenshot(path=str(ARTIFACTS / f"{item.name}.png"), full_page=True)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body are
    # still synchronous and safe here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15_000)
    p.on("dialog", lambda dialog: dialog.accept())
    yield p
    context.close()


@pytest.fixture
def reference_data(transactional_db):
    """The shipped reference data (categories, teams, SLA policies …). Browser tests run on a live
    server, so their database is emptied after each of them, migration data included; a later test
    loads it again with the data migration's own (idempotent) function."""
    from importlib import import_module

    from django.apps import apps

    import_module("kesu.complaints.migrations.0002_reference_data").load(apps, None)
