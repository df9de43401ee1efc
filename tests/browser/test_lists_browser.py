"""The measure register, the site's login and the dashboard's links, in a real browser."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105


def test_a_manager_searches_the_register_signs_in_and_is_back_on_the_same_search(
    page, site, axe_source, console_errors
):
    manager = get_user_model().objects.create_user("marieke", password=PASSWORD)
    manager.groups.add(Group.objects.get(name="Manager"))

    page.goto(site + "/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Maatregelen").click()
    page.get_by_label("Zoeken op naam of VM-nummer").fill("vm25")
    page.get_by_role("button", name="Zoeken").click()
    assert page.get_by_role("heading", name="1 maatregel gevonden").is_visible()
    assert page.get_by_role("rowheader").all_inner_texts() == ["Verbeteren informatie"]
    assert axe_violations(page, axe_source) == [], page.url
    searched = page.url

    page.get_by_role("link", name="Inloggen").click()
    assert axe_violations(page, axe_source) == [], page.url
    page.get_by_label("Gebruikersnaam").fill("marieke")
    page.get_by_label("Wachtwoord").fill("fout")
    page.keyboard.press("Enter")
    assert page.get_by_role("alert").inner_text().startswith("Voer een juiste gebruikersnaam")
    assert axe_violations(page, axe_source) == [], page.url
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(searched)
    assert page.get_by_text("Ingelogd als marieke").is_visible()

    # Sorting by a column header, then signing out from the header.
    page.get_by_label("Zoeken op naam of VM-nummer").fill("")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Rijen", exact=True).click()
    assert page.locator('th[aria-sort="ascending"]').inner_text() == "Rijen"
    page.get_by_role("link", name="Uitloggen").click()
    assert axe_violations(page, axe_source) == [], page.url
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(re.compile(r"/maatregelen/\?.*sort=rows"))
    assert page.get_by_role("link", name="Inloggen").is_visible()
    assert console_errors == [], "\n".join(console_errors)


def test_a_bar_of_the_dashboard_leads_to_those_rows_in_the_overview(
    page, site, axe_source, console_errors
):
    page.goto(site + "/dashboard/")
    assert axe_violations(page, axe_source) == [], page.url
    page.locator("a.chart__link").filter(
        has_text="Verjaring en stuiting: 1 – Nog niet gestart"
    ).click()
    page.wait_for_url(re.compile(r"/\?theme=verjaring-en-stuiting&phase=not_started$"))
    assert page.get_by_role("heading", name="1 rij gevonden").is_visible()
    assert console_errors == [], "\n".join(console_errors)
