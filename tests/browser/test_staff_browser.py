"""A policy officer keeps a row current in the admin; failed logins lock out."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from measures.models import Workstream
from tests.factories import UserFactory

from .conftest import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "een-lang-wachtwoord-voor-de-test"  # noqa: S105


def _policy_officer():
    user = UserFactory(username="beleid", role="Beleidsmedewerker")
    user.set_password(PASSWORD)
    user.save()
    return user


def _log_in(page, site, username, password):
    page.goto(site + "/admin/login/?next=/admin/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_policy_officer_changes_a_rows_phase_with_a_reason_and_sees_it_everywhere(
    page, site, axe_source, console_errors
):
    _policy_officer()
    row = Workstream.objects.get(ambition__name="Integrale klantbehandeling")
    assert row.phase.code == "policy"
    _log_in(page, site, "beleid", PASSWORD)
    page.wait_for_url(site + "/admin/")

    page.goto(f"{site}/admin/measures/workstream/{row.pk}/change/")
    assert axe_violations(page, axe_source) == [], "change form"
    page.get_by_label("Fase").select_option(label="Voorbereiden implementatie")
    reason = page.get_by_role("textbox", name="Reden van wijziging")
    reason.fill("Besluit stuurgroep 12 november")
    with page.expect_navigation():
        reason.press("Enter")  # submits the form, as "Opslaan" would
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The overview shows the new phase on that row.
    page.goto(site + "/")
    first_row = page.locator("#rij-1")
    expect(first_row).to_contain_text("Integrale klantbehandeling")
    expect(first_row.locator(".phase__label")).to_have_text("Voorbereiden implementatie")

    # The row's history says who, what and why.
    page.goto(f"{site}/admin/measures/workstream/{row.pk}/history/")
    history = page.locator("#content")
    expect(history).to_contain_text("Besluit stuurgroep 12 november")
    expect(history).to_contain_text("Voorbereiden implementatie")
    expect(history).to_contain_text("beleid")
    assert axe_violations(page, axe_source) == [], "history"
    assert console_errors == [], "\n".join(console_errors)


def test_the_set_phase_action_page_is_accessible(page, site, axe_source, console_errors):
    _policy_officer()
    _log_in(page, site, "beleid", PASSWORD)
    page.wait_for_url(site + "/admin/")
    page.goto(site + "/admin/measures/workstream/")
    assert axe_violations(page, axe_source) == [], "changelist as policy officer"
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option("set_phase")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.locator("h1")).to_contain_text("Fase instellen")
    assert axe_violations(page, axe_source) == [], "set phase page"
    assert console_errors == [], "\n".join(console_errors)


def test_failed_logins_lock_the_account_out_even_for_the_right_password(page, site, axe_source):
    _policy_officer()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _log_in(page, site, "beleid", "fout-wachtwoord")
    expect(page.locator("h1")).to_have_text("Inloggen tijdelijk geblokkeerd")
    assert axe_violations(page, axe_source) == [], "lockout page"
    _log_in(page, site, "beleid", PASSWORD)
    expect(page.locator("h1")).to_have_text("Inloggen tijdelijk geblokkeerd")
    assert page.url.startswith(site + "/admin/login/")
