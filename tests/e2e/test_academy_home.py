"""The Academy home page in a phone-sized browser: a handler opens it from the top bar, the tiles fit in
360 px, the keyboard reaches a tile with a visible focus ring, and Enter opens the tile's page."""

import os
import re

import pytest

from kesu.accounts.models import Department
from tests.conftest import make_user
from tests.e2e.test_complaint_flow import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_handler_reaches_the_tiles_from_the_top_bar_on_a_phone(page, live_server, reference_data):
    shots = os.environ.get("KESU_SCREENSHOTS")
    make_user("ah_h", "handler", Department.objects.get(code="complaints"), display_name="周敏")
    page.set_viewport_size({"width": 360, "height": 780})
    login(page, live_server.url, "ah_h")

    # The collapsed top bar: open it, then follow the Academy link (no dropdown in between).
    page.locator(".navbar-toggler").click()
    page.locator("#kesu-nav a.nav-link[href='/academy/']").click()
    page.wait_for_url(re.compile(r"/academy/$"))
    assert page.locator("#kesu-nav a.nav-link[href='/academy/']").get_attribute("aria-current") == "page"
    tiles = page.locator("a.kesu-tile")
    hrefs = [tiles.nth(i).get_attribute("href") for i in range(tiles.count())]
    assert "/academy/plans/" in hrefs and "/academy/growth/" in hrefs
    assert "/academy/exams/grading/" not in hrefs
    # One column, nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    first, second = tiles.nth(0).bounding_box(), tiles.nth(1).bounding_box()
    assert first["x"] == second["x"] and second["y"] > first["y"]
    if shots:
        page.screenshot(path=f"{shots}/academy-home-360.png", full_page=True)

    # Keyboard: focus lands on the tile itself and is ringed (the house focus colour).
    tiles.nth(0).focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == hrefs[1]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(hrefs[1]) + "$"))
