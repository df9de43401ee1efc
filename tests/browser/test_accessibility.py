"""axe-core finds no WCAG 2.1 A/AA violation on the public pages and the admin's main pages,
on a desktop and on a phone, and nothing it cannot decide on the table headers."""

import pytest
from django.contrib.auth import get_user_model

from measures.models import Workstream
from tests.public_urls import public_pages

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN_PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105


def _public_paths() -> list[str]:
    """Every public page, but of the measure pages (one view) only two."""
    pages = public_pages()
    measures = [path for path in pages if path.startswith("/maatregelen/")]
    others = [path for path in pages if not path.startswith("/maatregelen/")]
    return others + [measures[0], "/maatregelen/verbeteren-informatie/"]


PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_public_pages_have_no_wcag_violations(
    page, site, axe_source, console_errors, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    if language != "nl":
        page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
    for path in _public_paths():
        page.goto(site + path)
        assert page.locator("html").get_attribute("lang") == language
        assert axe_violations(page, axe_source, best_practice=True) == [], path
        # Reflow (WCAG 1.4.10): the page never scrolls sideways; a wide table scrolls inside
        # its own region.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert console_errors == [], "\n".join(console_errors)


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_the_html_download_has_a_main_landmark_and_fits_a_phone(page, site, axe_source, width):
    html = page.request.get(site + "/export/bijlage.html").text()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("about:blank")  # a file opened on its own: its own <style>, no site CSP
    page.set_content(html)
    assert page.locator("main").count() == 1
    assert axe_violations(page, axe_source, best_practice=True) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.get_by_text("Nog niet geïnformeerd").count() > 0


def test_the_dashboard_chart_fits_a_phone_with_legible_text_and_wide_bars(page, site, axe_source):
    page.set_viewport_size(PHONE)
    page.goto(site + "/dashboard/")
    page.evaluate("document.fonts.ready.then(() => true)")  # measured in the site's fonts
    # At its own size: a theme name is as tall as on a desktop, not shrunk to half.
    label = page.locator(".chart__label").first.bounding_box()
    assert label["height"] >= 12
    chart = page.locator(".chart__svg").bounding_box()
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= PHONE["width"]
    bars = page.evaluate(
        """() => [...document.querySelectorAll('.chart__bar')].map(bar => {
          const name = bar.querySelector('.chart__label').getBoundingClientRect();
          const rects = [...bar.querySelectorAll('rect')].map(r => r.getBoundingClientRect());
          return {nameBottom: name.bottom, barTop: Math.min(...rects.map(r => r.top)),
                  width: rects.reduce((sum, r) => sum + r.width, 0)};
        })"""
    )
    assert len(bars) == 13
    # Each theme's name above its bar, and the longest bar across most of the phone.
    assert all(bar["nameBottom"] <= bar["barTop"] + 1 for bar in bars)
    assert max(bar["width"] for bar in bars) >= 0.8 * chart["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page, axe_source, best_practice=True) == []


def test_the_admin_main_pages_have_no_wcag_violations_and_run_under_the_csp(
    page, site, axe_source, console_errors
):
    get_user_model().objects.create_superuser("beheerder", "b@example.org", ADMIN_PASSWORD)
    page.goto(site + "/admin/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert axe_violations(page, axe_source, best_practice=True) == [], "login"
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(site + "/admin/")
    row = Workstream.objects.order_by("pk").first()
    for path in (
        "/admin/",
        "/admin/measures/workstream/",
        f"/admin/measures/workstream/{row.pk}/change/",
        "/admin/measures/measure/",
        f"/admin/measures/measure/{row.measure_id}/change/",
        f"/admin/measures/workstream/{row.pk}/history/",
        "/admin/measures/workstream/import/",
        "/admin/measures/workstream/export/",
        "/admin/auth/user/",
    ):
        page.goto(site + path)
        violations = axe_violations(page, axe_source)
        assert violations == [], "\n".join([path, *violations])
    assert console_errors == [], "\n".join(console_errors)


def test_the_admin_export_page_select_all_toggle_works_under_the_csp(page, site, console_errors):
    get_user_model().objects.create_superuser("beheerder", "b@example.org", ADMIN_PASSWORD)
    page.goto(site + "/admin/login/?next=/admin/measures/workstream/export/")
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill(ADMIN_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    fields = page.locator(".selectable-field-export-row:visible input[type=checkbox]")
    assert fields.count() > 1
    page.locator("#select-all-toggle").uncheck()
    assert all(not box.is_checked() for box in fields.all())
    page.locator("#select-all-toggle").check()
    assert all(box.is_checked() for box in fields.all())
    assert console_errors == [], "\n".join(console_errors)
